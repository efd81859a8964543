import Testing

@testable import SetlistSimulator

/// `Idempotency-Key` replays a paid POST instead of paying twice (DESIGN §3).
@Suite struct IdempotencyTests {
    private let key = "open-road-attempt-1-0f3a9c"

    @Test func sameKeyAndBodyReplaysTheOriginalTaskWithoutCharging() async throws {
        try await Harness.with(SimulatorConfiguration(creditsPerKey: 8)) { sim in
            let first = try await sim.generate(Seeds.musicBody, idempotencyKey: key)
            #expect(first.status == 200)
            #expect(first.headers.first(name: "idempotency-replayed") == nil)
            sim.advance(seconds: 50)
            let reordered = #"""
                {"prompt": "A cheerful summer pop song about road trips and freedom", "instrumental": false,
                 "custom_mode": false, "model": "suno-v4.5"}
                """#
            let second = try await sim.generate(reordered, idempotencyKey: key)
            #expect(second.status == 200)
            #expect(second.headers.first(name: "idempotency-replayed") == "true")
            #expect(second.string("id") == first.string("id"))
            #expect(second.body == first.body)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 1)
            #expect(stats["paid_submissions"]?["replayed"]?.numberValue == 1)
            #expect(stats["paid_submissions"]?["by_idempotency_key"]?[key]?.numberValue == 2)
            #expect(stats["credits"]?[account: "sim-key"]?["used"]?.numberValue == 8)
        }
    }

    @Test func sameKeyWithADifferentBodyIs409() async throws {
        try await Harness.with { sim in
            #expect(try await sim.generate(Seeds.musicBody, idempotencyKey: key).status == 200)
            let conflict = try await sim.generate(
                #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": "another song"}"#,
                idempotencyKey: key)
            #expect(conflict.status == 409)
            #expect(conflict.errorCode == "idempotency_conflict")
            #expect(conflict.errorMessage.contains(key))
        }
    }

    @Test func keysAreScopedPerAccount() async throws {
        try await Harness.with(SimulatorConfiguration(apiKeys: ["k1", "k2"])) { sim in
            let first = try await sim.generate(Seeds.musicBody, key: "k1", idempotencyKey: key)
            let second = try await sim.generate(Seeds.musicBody, key: "k2", idempotencyKey: key)
            #expect(second.status == 200)
            #expect(second.string("id") != first.string("id"))
        }
    }

    @Test func rejectedRequestsAreNotRemembered() async throws {
        try await Harness.with { sim in
            let rejected = try await sim.generate(
                #"{"model": "suno-v5", "custom_mode": false, "instrumental": false}"#, idempotencyKey: key)
            #expect(rejected.status == 400)
            let accepted = try await sim.generate(Seeds.musicBody, idempotencyKey: key)
            #expect(accepted.status == 200)
        }
    }

    @Test func malformedKeysAreRejected() async throws {
        try await Harness.with { sim in
            let short = try await sim.generate(Seeds.musicBody, idempotencyKey: "short")
            #expect(short.status == 400)
            #expect(short.errorMessage.contains("Idempotency-Key"))
            let spaces = try await sim.generate(Seeds.musicBody, idempotencyKey: "has spaces in it, sadly")
            #expect(spaces.status == 400)
        }
    }

    @Test func identicalBodiesWithoutKeysAreCountedPerBody() async throws {
        try await Harness.with { sim in
            #expect(try await sim.generate(Seeds.musicBody).status == 200)
            #expect(try await sim.generate(Seeds.musicBody).status == 200)
            #expect(
                try await sim.generate(
                    #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": "other"}"#
                ).status == 200)
            let byBody =
                try await sim.admin("/_sim/stats")["paid_submissions"]?["by_body"]?.objectValue?.values.elements ?? []
            #expect(byBody.map { $0.numberValue ?? 0 }.sorted() == [1, 2])
        }
    }
}
