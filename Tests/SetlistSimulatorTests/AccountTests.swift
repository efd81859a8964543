import Testing

@testable import SetlistSimulator

/// Bearer keys, credits and the per-key rate limit (api-contract §A.2–§A.4).
@Suite struct AccountTests {
    @Test func missingOrUnknownKeyIs401() async throws {
        try await Harness.with { sim in
            for key in [nil, "wrong-key"] as [String?] {
                let post = try await sim.send(.POST, "/v1/audios/generations", body: Seeds.musicBody, key: key)
                #expect(post.status == 401)
                #expect(post.errorCode == "unauthorized")
                #expect(post.json["error"]?["type"]?.stringValue == "authentication_error")
                #expect(post.errorMessage == "Invalid or expired token")
                let get = try await sim.send(.GET, "/v1/tasks/task-unified-1-abcdefgh", key: key)
                #expect(get.status == 401)
            }
            let basic = try await sim.send(
                .GET, "/v1/tasks/x", key: nil, headers: [("Authorization", "Basic c2ltLWtleQ==")])
            #expect(basic.status == 401)
        }
    }

    @Test func severalKeysAreSeparateAccounts() async throws {
        try await Harness.with(SimulatorConfiguration(apiKeys: ["k1", "k2"])) { sim in
            let created = try await sim.generate(Seeds.musicBody, key: "k1")
            let id = try #require(created.string("id"))
            #expect(try await sim.task(id, key: "k1").status == 200)
            let foreign = try await sim.task(id, key: "k2")
            #expect(foreign.status == 403)
            #expect(foreign.errorCode == "permission_denied")
            #expect(foreign.errorMessage == "You don't have permission to access this task")
        }
    }

    @Test func taskQueryErrors() async throws {
        try await Harness.with { sim in
            let malformed = try await sim.task("12345")
            #expect(malformed.status == 400)
            #expect(malformed.errorCode == "invalid_task_id")
            #expect(malformed.json["error"]?["param"]?.stringValue == "task_id")
            #expect(malformed.errorMessage == "Invalid task ID format, must start with 'task-unified-'")
            let missing = try await sim.task("task-unified-1766319089-zzzzzzzz")
            #expect(missing.status == 404)
            #expect(missing.errorCode == "task_not_found")
        }
    }

    @Test func creditsRunOutWith402() async throws {
        try await Harness.with(SimulatorConfiguration(creditsPerKey: 17)) { sim in
            #expect(try await sim.generate(Seeds.musicBody).status == 200)
            #expect(try await sim.generate(Seeds.musicBody).status == 200)
            let broke = try await sim.generate(Seeds.musicBody)
            #expect(broke.status == 402)
            #expect(broke.errorCode == "insufficient_quota")
            #expect(broke.json["error"]?["type"]?.stringValue == "insufficient_quota")
            #expect(broke.errorMessage == "Insufficient quota. Please top up your account.")
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["credits"]?[account: "sim-key"]?["used"]?.numberValue == 16)
            #expect(stats["credits"]?[account: "sim-key"]?["remaining"]?.numberValue == 1)
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 2)
        }
    }

    @Test func personaCostsOneCredit() async throws {
        try await Harness.with(SimulatorConfiguration(creditsPerKey: 9)) { sim in
            let song = try await sim.completedSong()
            let persona = try await sim.completedPersona(from: song)
            #expect(persona["status"]?.stringValue == "completed")
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["credits"]?[account: "sim-key"]?["used"]?.numberValue == 9)
            #expect(try await sim.generate(Seeds.musicBody).status == 402)
        }
    }

    @Test func failedTasksAreRefundedWhenTheyFail() async throws {
        let faults = try FaultConfiguration(spec: "fail=1")
        try await Harness.with(SimulatorConfiguration(creditsPerKey: 8, faults: faults)) { sim in
            let created = try await sim.generate(Seeds.musicBody)
            #expect(created.status == 200)
            #expect(try await sim.generate(Seeds.musicBody).status == 402)
            sim.advance(seconds: 200)
            let failed = try await sim.task(try #require(created.string("id")))
            #expect(failed.string("status") == "failed")
            #expect(try await sim.generate(Seeds.musicBody).status == 200)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["credits"]?[account: "sim-key"]?["refunded"]?.numberValue == 8)
        }
    }

    @Test func rateLimitAnswers429WithRetryAfterOverASliding60sWindow() async throws {
        try await Harness.with(SimulatorConfiguration(rateLimitPerMinute: 3)) { sim in
            let created = try await sim.generate(Seeds.musicBody)
            let id = try #require(created.string("id"))
            sim.advance(seconds: 20)
            #expect(try await sim.task(id).status == 200)
            sim.advance(seconds: 10)
            #expect(try await sim.task(id).status == 200)
            let limited = try await sim.task(id)
            #expect(limited.status == 429)
            #expect(limited.errorCode == "rate_limit_exceeded")
            #expect(limited.headers.first(name: "Retry-After") == "30")
            let post = try await sim.generate(Seeds.musicBody)
            #expect(post.status == 429)
            #expect(post.json["error"]?["type"]?.stringValue == "rate_limit_error")
            #expect(post.errorMessage == "Too many requests, please try again later")
            sim.advance(seconds: 30)
            #expect(try await sim.task(id).status == 200)
            #expect(try await sim.task(id).status == 429)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["max_requests_per_60s"]?[account: "sim-key"]?.numberValue == 6)
            #expect(stats["requests"]?["GET /v1/tasks/{id}"]?["429"]?.numberValue == 2)
        }
    }
}
