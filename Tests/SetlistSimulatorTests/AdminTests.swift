import SetlistCore
import Testing

@testable import SetlistSimulator

/// `/_sim/stats`, `/_sim/tasks` and `/_sim/reset` report what the tests sent.
@Suite struct AdminTests {
    @Test func statsMatchTheTraffic() async throws {
        try await Harness.with(SimulatorConfiguration(apiKeys: ["k1", "k2"])) { sim in
            var ids: [String] = []
            for index in 0..<3 {
                let reply = try await sim.generate(
                    Seeds.musicBody, key: "k1", idempotencyKey: "job-\(index)-attempt-000001")
                ids.append(try #require(reply.string("id")))
            }
            _ = try await sim.generate(Seeds.musicBody, key: "k1", idempotencyKey: "job-0-attempt-000001")
            _ = try await sim.generate(#"{"model": "suno-v5", "custom_mode": false, "instrumental": false}"#, key: "k1")
            _ = try await sim.generate(Seeds.musicBody, key: "nobody")
            sim.advance(seconds: 61)
            _ = try await sim.generate(Seeds.musicBody, key: "k2")
            for id in ids { _ = try await sim.task(id, key: "k1") }
            sim.advance(seconds: 80)
            _ = try await sim.task(ids[0], key: "k1")

            let stats = try await sim.admin("/_sim/stats")
            let posts = stats["requests"]?["POST /v1/audios/generations"]
            #expect(posts?["200"]?.numberValue == 5)
            #expect(posts?["400"]?.numberValue == 1)
            #expect(posts?["401"]?.numberValue == 1)
            #expect(stats["requests"]?["GET /v1/tasks/{id}"]?["200"]?.numberValue == 4)
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 4)
            #expect(stats["paid_submissions"]?["replayed"]?.numberValue == 1)
            #expect(stats["paid_submissions"]?["by_idempotency_key"]?["job-0-attempt-000001"]?.numberValue == 2)
            #expect(stats["paid_submissions"]?["by_idempotency_key"]?["job-1-attempt-000001"]?.numberValue == 1)
            #expect(stats["paid_submissions"]?["by_body"]?.objectValue?.values.first?.numberValue == 5)
            #expect(stats["max_requests_per_60s"]?[account: "k1"]?.numberValue == 5)
            #expect(stats["max_requests_per_60s"]?[account: "k2"]?.numberValue == 1)
            #expect(stats["max_in_flight"]?[account: "k1"]?.numberValue == 3)
            #expect(stats["max_in_flight"]?[account: "k2"]?.numberValue == 1)
            #expect(stats["tasks_by_state"]?["completed"]?.numberValue == 3)
            #expect(stats["tasks_by_state"]?["processing"]?.numberValue == 1)
            #expect(stats["credits"]?[account: "k1"]?["used"]?.numberValue == 24)
            #expect(stats["credits"]?[account: "k2"]?["used"]?.numberValue == 8)
        }
    }

    @Test func adminRoutesNameAccountsByAFingerprintAndNeverShowAKey() async throws {
        let key = "sk-live-4f1c9a7e2b8d6035e1a7"
        try await Harness.with(SimulatorConfiguration(apiKeys: [key, "k1"])) { sim in
            #expect(try await sim.generate(Seeds.musicBody, key: key).status == 200)
            #expect(try await sim.generate(Seeds.musicBody, key: "k1").status == 200)
            for route in ["/_sim/stats", "/_sim/tasks"] {
                let text = String(decoding: try await sim.send(.GET, route, key: nil).body, as: UTF8.self)
                #expect(!text.contains(key), "\(route): \(text)")
                #expect(!text.contains("\"k1\""), "\(route): \(text)")
            }
            let account = SimulatorAccount.name(forKey: key)
            #expect(account.hasPrefix("sk-l…") && account.count == 13)
            #expect(SimulatorAccount.name(forKey: "k1").hasPrefix("…"))
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["credits"]?[account]?["used"]?.numberValue == 8)
            #expect(stats["max_in_flight"]?[account: "k1"]?.numberValue == 1)
        }
    }

    @Test func maxInFlightSeesOverlapOnly() async throws {
        try await Harness.with { sim in
            for _ in 0..<3 {
                let submitted = try await sim.generate(Seeds.musicBody)
                #expect(submitted.status == 200)
                sim.advance(seconds: 140)
            }
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["max_in_flight"]?[account: "sim-key"]?.numberValue == 1)
        }
    }

    @Test func tasksListShowsTheStoredRequests() async throws {
        try await Harness.with { sim in
            let reply = try await sim.generate(Seeds.customSongBody(), idempotencyKey: "tasks-list-attempt-1")
            let tasks = try await sim.admin("/_sim/tasks")["tasks"]?.arrayValue ?? []
            #expect(tasks.count == 1)
            let task = try #require(tasks.first)
            #expect(task["id"]?.stringValue == reply.string("id"))
            #expect(task["account"]?.stringValue == SimulatorAccount.name(forKey: "sim-key"))
            #expect(task["model"]?.stringValue == "suno-v5-beta")
            #expect(task["status"]?.stringValue == "pending")
            #expect(task["idempotency_key"]?.stringValue == "tasks-list-attempt-1")
            #expect(task["request"] == JSONValue.parse(Array(Seeds.customSongBody().utf8)))
        }
    }

    @Test func resetClearsEverything() async throws {
        try await Harness.with(SimulatorConfiguration(creditsPerKey: 8)) { sim in
            let first = try await sim.generate(Seeds.musicBody)
            #expect(try await sim.generate(Seeds.musicBody).status == 402)
            #expect(try await sim.send(.POST, "/_sim/reset", key: nil).status == 200)
            #expect(try await sim.admin("/_sim/tasks")["tasks"]?.arrayValue?.isEmpty == true)
            #expect(try await sim.task(try #require(first.string("id"))).status == 404)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 0)
            #expect(try await sim.generate(Seeds.musicBody).status == 200)
        }
    }

    @Test func unknownRoutesAre404() async throws {
        try await Harness.with { sim in
            let api = try await sim.send(.GET, "/v2/nothing")
            #expect(api.status == 404)
            let admin = try await sim.send(.GET, "/_sim/nothing", key: nil)
            #expect(admin.status == 404)
        }
    }
}

/// `TaskTiming`: nominal times, the spread, and durations keyed by the request for benchmarks.
@Suite struct TaskTimingTests {
    private static func durations(of sim: Harness) async throws -> [String: Double] {
        var durations: [String: Double] = [:]
        for task in try await sim.admin("/_sim/tasks")["tasks"]?.arrayValue ?? [] {
            if let id = task["id"]?.stringValue, let seconds = task["duration_seconds"]?.numberValue {
                durations[id] = seconds
            }
        }
        return durations
    }

    @Test func keyedDurationsIgnoreChainedIDsAndOrder() async throws {
        let timing = TaskTiming(musicSeconds: 100, spread: 0.5...1.5, keyedByRequest: true)
        let first = #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": "first song"}"#
        let second = #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": "second song"}"#
        var runs: [[String: Double]] = []
        for order in [[first, second], [second, first]] {
            let byPrompt = try await Harness.with(SimulatorConfiguration(seed: 3, timing: timing)) { sim in
                var byPrompt: [String: Double] = [:]
                var ids: [String: String] = [:]
                for body in order {
                    let id = try #require(try await sim.generate(body).string("id"))
                    ids[body] = id
                }
                let durations = try await Self.durations(of: sim)
                for (body, id) in ids { byPrompt[body] = durations[id] }
                return byPrompt
            }
            runs.append(byPrompt)
        }
        #expect(runs[0] == runs[1])
        for seconds in runs[0].values { #expect((50...150).contains(seconds)) }
        #expect(runs[0][first] != runs[0][second])
    }

    @Test func nominalTimeIsTheEstimate() async throws {
        let timing = TaskTiming(musicSeconds: 40, spread: 1...1)
        try await Harness.with(SimulatorConfiguration(timing: timing)) { sim in
            let reply = try await sim.generate(Seeds.musicBody)
            #expect(reply.json["task_info"]?["estimated_time"]?.numberValue == 40)
            let id = try #require(reply.string("id"))
            #expect(try await Self.durations(of: sim)[id] == 40)
        }
    }
}
