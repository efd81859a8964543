import Testing

@testable import SetlistSimulator

/// Task states follow simulated time: pending, processing with rising progress, then completed.
@Suite struct LifecycleTests {
    @Test func musicTaskMovesThroughItsStates() async throws {
        try await Harness.with { sim in
            let created = try await sim.generate(Seeds.customSongBody())
            let id = try #require(created.string("id"))
            let pending = try await sim.task(id)
            #expect(pending.string("status") == "pending")
            #expect(pending.json["progress"]?.numberValue == 0)
            #expect(pending.json["task_info"]?["estimated_time"]?.numberValue == 120)
            #expect(pending.json["result_data"] == nil)
            var progress: [Double] = []
            for _ in 0..<4 {
                sim.advance(seconds: 20)
                let reply = try await sim.task(id)
                if reply.string("status") == "processing" { progress.append(reply.json["progress"]?.numberValue ?? -1) }
            }
            #expect(progress.count >= 3)
            #expect(progress == progress.sorted())
            #expect(progress.allSatisfy { (10...99).contains($0) })
            sim.advance(seconds: 60)
            let done = try await sim.task(id)
            #expect(done.string("status") == "completed")
            #expect(done.json["progress"]?.numberValue == 100)
            #expect(keys(done.json["task_info"]) == ["can_cancel"])
            #expect(done.json["result_data"]?.arrayValue?.first?["title"]?.stringValue == "Open Road")
            #expect(done.json["result_data"]?.arrayValue?.first?["tags"]?.stringValue == "pop, upbeat, female vocals")
        }
    }

    @Test func durationsAreDrawnAroundTheEstimate() async throws {
        try await Harness.with { sim in
            var ids: [String] = []
            for _ in 0..<10 { ids.append(try #require(try await sim.generate(Seeds.musicBody).string("id"))) }
            sim.advance(seconds: 95)
            for id in ids { #expect(try await sim.task(id).string("status") == "processing") }
            sim.advance(seconds: 38)
            for id in ids { #expect(try await sim.task(id).string("status") == "completed") }
        }
    }

    @Test func speedScalesDurationsAndTheEstimate() async throws {
        try await Harness.with(SimulatorConfiguration(speed: 100)) { sim in
            let created = try await sim.generate(Seeds.musicBody)
            #expect(created.json["task_info"]?["estimated_time"]?.numberValue == 2)
            let id = try #require(created.string("id"))
            sim.advance(seconds: 0.9)
            #expect(try await sim.task(id).string("status") == "processing")
            sim.advance(seconds: 0.5)
            #expect(try await sim.task(id).string("status") == "completed")
        }
    }

    @Test func nearInstantTasksEstimateZeroSeconds() async throws {
        try await Harness.with(SimulatorConfiguration(speed: 1_000_000)) { sim in
            let created = try await sim.generate(Seeds.musicBody)
            #expect(created.json["task_info"]?["estimated_time"]?.numberValue == 0)
            sim.advance(seconds: 0.001)
            #expect(try await sim.task(try #require(created.string("id"))).string("status") == "completed")
        }
    }

    @Test func personaTasksTakeAboutFifteenSeconds() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong()
            let songID = try #require(song["id"]?.stringValue)
            let resultID = try #require(song["result_data"]?.arrayValue?.first?["result_id"]?.stringValue)
            let created = try await sim.generate(Seeds.personaBody(source: songID, resultID: resultID))
            let id = try #require(created.string("id"))
            sim.advance(seconds: 11)
            #expect(try await sim.task(id).string("status") == "processing")
            sim.advance(seconds: 6)
            #expect(try await sim.task(id).string("status") == "completed")
        }
    }

    @Test func idsResultsAndTimingAreDeterministicUnderASeed() async throws {
        func run(seed: UInt64) async throws -> [String] {
            try await Harness.with(SimulatorConfiguration(seed: seed)) { sim in
                let song = try await sim.completedSong()
                let persona = try await sim.completedPersona(from: song)
                return [song, persona].map { $0.compact.replacingBaseURL(sim.baseURL) }
            }
        }
        let first = try await run(seed: 42)
        #expect(try await run(seed: 42) == first)
        #expect(try await run(seed: 43) != first)
    }

    @Test func idsUseTheUnixTimeOfCreation() async throws {
        try await Harness.with(SimulatorConfiguration(startUnixTime: 1_800_000_000)) { sim in
            sim.advance(seconds: 75)
            let created = try await sim.generate(Seeds.musicBody)
            #expect(created.string("id")?.hasPrefix("task-unified-1800000075-") == true)
            #expect(created.json["created"]?.numberValue == 1_800_000_075)
        }
    }
}

extension String {
    /// The text with the simulator's base URL replaced by a placeholder, to compare runs on different ports.
    func replacingBaseURL(_ baseURL: String) -> String {
        replacing(baseURL, with: "BASE")
    }
}
