import Foundation
import SetlistCore
import Synchronization
import Testing

@testable import SetlistSimulator

/// Lyrics tasks (api-contract-proxy-extras §3), and the saved state keeping lyrics and clip lineage across
/// simulators, as `run --simulate` needs after a kill.
@Suite struct LyricsAndLineageTests {
    @Test func lyricsAreDoneOnTheFirstFetchWithSections() async throws {
        try await Harness.with { sim in
            let reply = try await sim.send(
                .POST, "/suno/submit/lyrics", body: #"{"prompt": "summer rain on tin roofs"}"#)
            #expect(reply.status == 200)
            let id = try #require(reply.json["data"]?.stringValue)
            let task = try #require(try await sim.proxyFetch(id).json["data"])
            #expect(task["action"]?.stringValue == "LYRICS")
            #expect(task["status"]?.stringValue == "SUCCESS")
            #expect(task["progress"]?.stringValue == "100%")
            #expect(task["submit_time"] == task["finish_time"])
            #expect(task["start_time"] == task["finish_time"])
            let data = try #require(task["data"])
            #expect(keys(data) == ["id", "status", "text", "title"])
            #expect(data["status"]?.stringValue == "complete")
            #expect(data["title"]?.stringValue == "Summer Rain On Tin")
            let text = try #require(data["text"]?.stringValue)
            for section in ["[Verse]", "[Chorus]", "[Verse 2]", "[Bridge]"] { #expect(text.contains(section)) }
            #expect(text.contains("summer rain on"))
            #expect(text.split(separator: "\n").count > 20)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 0)
        }
    }

    @Test func lyricsDependOnTopicAndSeedOnly() {
        let first = FakeLyrics.text(topic: "summer rain", title: "Summer Rain", seed: 1)
        #expect(first == FakeLyrics.text(topic: "summer rain", title: "Summer Rain", seed: 1))
        #expect(first != FakeLyrics.text(topic: "summer rain", title: "Summer Rain", seed: 2))
        #expect(first != FakeLyrics.text(topic: "winter snow", title: "Summer Rain", seed: 1))
    }

    @Test func creatingALyricsTaskIsAnnouncedSoItIsSaved() async throws {
        let announced = Counter()
        try await Harness.with { sim in
            sim.simulator.onTaskCreated { announced.add() }
            _ = try await sim.send(.POST, "/suno/submit/lyrics", body: #"{"prompt": "rain"}"#)
            _ = try await sim.send(.POST, "/suno/submit/lyrics", body: #"{"prompt": ""}"#)
            #expect(announced.value == 1)
        }
    }

    @Test func lineageAndLyricsSurviveSaveAndRestore() async throws {
        let saved = try await Harness.with { sim in
            let (first, start) = sim.simulator.savedTasks(from: 0)
            let lyrics = try await sim.send(.POST, "/suno/submit/lyrics", body: #"{"prompt": "cats at night"}"#)
            let lyricsID = try #require(lyrics.json["data"]?.stringValue)
            let text = try await sim.proxyFetch(lyricsID).json["data"]?["data"]?["text"]?.stringValue
            let song = try await sim.completedProxySong()
            let root = try #require(song.clips.first?["id"]?.stringValue)
            let part = try await sim.completedExtension(of: try #require(song.taskID), clip: root, at: 60)
            let (rest, _) = sim.simulator.savedTasks(from: start)
            let lines = first + Data("\n".utf8) + rest
            return (lines, lyricsID, text, root, part)
        }
        let (lines, lyricsID, text, root, part) = saved
        try await Harness.with(SimulatorConfiguration(seed: 99)) { sim in
            try sim.simulator.restoreState(lines)
            let lyrics = try await sim.proxyFetch(lyricsID).json["data"]?["data"]?["text"]?.stringValue
            #expect(lyrics == text)
            let last = try #require(part.clips.first?["id"]?.stringValue)
            let joined = try await sim.completedConcat(of: last)
            #expect(joined["status"]?.stringValue == "SUCCESS")
            let history = joined.clips.first?["metadata"]?["concat_history"]?.arrayValue ?? []
            #expect(history.map { $0["id"]?.stringValue } == [root, last])
            let lastDuration = try #require(part.clips.first?["duration"]?.numberValue)
            let duration = try #require(joined.clips.first?["duration"]?.numberValue)
            #expect(abs(duration - (60 + lastDuration)) < 0.01)
            let extended = try await sim.completedExtension(of: try #require(part.taskID), clip: last, at: 20)
            #expect(extended.clips.first?["metadata"]?["edited_clip_id"]?.stringValue == last)
        }
    }
}

/// A thread-safe count of calls.
private final class Counter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func add() { count.withLock { $0 += 1 } }
}
