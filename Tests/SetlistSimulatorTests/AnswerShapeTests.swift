import SetlistCore
import Testing

@testable import SetlistSimulator

extension Harness {
    /// Fetches every URL and expects a served media file.
    func expectServed(_ urls: [String]) async throws {
        for url in urls {
            let reply = try await send(.GET, url, key: nil)
            #expect(reply.status == 200, "\(url)")
        }
    }
}

/// The `results` URL list of an Evolink task object; empty when it has none.
private func resultURLs(of task: JSONValue) -> [String] {
    (task["results"]?.arrayValue ?? []).compactMap { $0.stringValue }
}

/// Each documented answer shape, asked for through ``SimulatorConfiguration/answerShape``, over HTTP.
@Suite struct AnswerShapeTests {
    private func configuration(_ spec: String) throws -> SimulatorConfiguration {
        SimulatorConfiguration(answerShape: try AnswerShape(spec: spec))
    }

    @Test func oneResultShapeYieldsOneSongInBothFormats() async throws {
        try await Harness.with(try configuration("one-result")) { sim in
            let song = try await sim.completedSong()
            #expect(song["result_data"]?.arrayValue?.count == 1)
            let urls = resultURLs(of: song)
            #expect(urls.count == 1)
            try await sim.expectServed(urls)
            let clips = try #require(try await sim.completedProxySong()["data"]?.arrayValue)
            #expect(clips.count == 1)
            try await sim.expectServed(clips.compactMap { $0["audio_url"]?.stringValue })
        }
    }

    @Test func songsWrapperShapeWrapsResultData() async throws {
        try await Harness.with(try configuration("songs-wrapper")) { sim in
            let song = try await sim.completedSong()
            let songs = try #require(song["result_data"]?["songs"]?.arrayValue)
            #expect(songs.count == 2)
            try await sim.expectServed(songs.compactMap { $0["audio_url"]?.stringValue })
            try await sim.expectServed(songs.compactMap { $0["image_url"]?.stringValue })
        }
    }

    @Test func firstSongOnlyShapeListsOneSongAndEveryURL() async throws {
        try await Harness.with(try configuration("first-song-only")) { sim in
            let song = try await sim.completedSong()
            let songs = try #require(song["result_data"]?.arrayValue)
            let urls = resultURLs(of: song)
            #expect(songs.count == 1)
            #expect(urls.count == 2)
            #expect(urls.first == songs.first?["audio_url"]?.stringValue)
            try await sim.expectServed(urls)
        }
    }

    @Test func urlsOnlyShapeHasResultsWithoutResultData() async throws {
        try await Harness.with(try configuration("urls-only")) { sim in
            let song = try await sim.completedSong()
            #expect(song["result_data"] == nil)
            let urls = resultURLs(of: song)
            #expect(urls.count == 2)
            #expect(Set(urls).count == 2)
            try await sim.expectServed(urls)
        }
    }

    @Test func personaIDOnTaskShapeMovesThePersonaIDOutOfResultData() async throws {
        try await Harness.with(try configuration("persona-id-on-task")) { sim in
            let persona = try await sim.completedPersona(from: try await sim.completedSong())
            #expect(persona["status"]?.stringValue == "completed")
            #expect(persona["result_data"] == nil)
            let personaID = try #require(persona["persona_id"]?.stringValue)
            #expect(personaID.wholeMatch(of: /[0-9a-f]{32}/) != nil)
        }
    }

    @Test func completedOnSubmitShapeAnswersTheSubmissionWithTheFinishedTask() async throws {
        try await Harness.with(try configuration("completed-on-submit")) { sim in
            let created = try await sim.generate(Seeds.customSongBody())
            #expect(created.string("status") == "completed")
            #expect(created.json["usage"]?["credits_reserved"]?.numberValue == 8)
            let songs = try #require(created.json["result_data"]?.arrayValue)
            #expect(songs.count == 2)
            try await sim.expectServed(songs.compactMap { $0["audio_url"]?.stringValue })

            let songID = try #require(created.string("id"))
            let resultID = try #require(songs.first?["result_id"]?.stringValue)
            let persona = try await sim.generate(Seeds.personaBody(source: songID, resultID: resultID))
            #expect(persona.string("status") == "completed")
            #expect(persona.json["result_data"]?["persona_id"]?.stringValue != nil)

            let proxy = try await sim.proxyMusic(ProxySeeds.custom)
            let proxyID = try #require(proxy.json["data"]?.stringValue)
            let task = try #require(try await sim.proxyFetch(proxyID).json["data"])
            #expect(task["status"]?.stringValue == "SUCCESS")
            try await sim.expectServed(task["data"]?.arrayValue?.compactMap { $0["audio_url"]?.stringValue } ?? [])
        }
    }

    @Test func defaultShapeIsTheDocumentedExample() throws {
        let shape = try AnswerShape(spec: "")
        #expect(shape == AnswerShape())
        #expect(shape.resultsPerTask == 2)
        #expect(shape.songList == .flat)
        #expect(shape.personaIDPlace == .resultData)
        #expect(!shape.completedOnSubmit)
        #expect(shape.spec == "")
    }

    @Test func specRoundTripsAndRejectsUnknownOrConflictingOptions() throws {
        let spec = "one-result,urls-only,persona-id-on-task,completed-on-submit"
        let shape = try AnswerShape(spec: " one-result, completed-on-submit,persona-id-on-task ,urls-only")
        #expect(shape.spec == spec)
        #expect(try AnswerShape(spec: shape.spec) == shape)
        #expect(throws: SimulatorConfigurationError.self) { try AnswerShape(spec: "two-results") }
        #expect(throws: SimulatorConfigurationError.self) { try AnswerShape(spec: "flat") }
        #expect(throws: SimulatorConfigurationError.self) { try AnswerShape(spec: "songs-wrapper,urls-only") }
    }
}
