import Foundation
import SetlistCore
import Testing

@testable import SetlistSimulator

/// The fields of a canonical 44-byte RIFF/WAVE header.
private struct WAVHeader {
    let riffSize: Int
    let format: Int
    let channels: Int
    let sampleRate: Int
    let byteRate: Int
    let blockAlign: Int
    let bitsPerSample: Int
    let dataSize: Int

    init(_ bytes: [UInt8]) throws {
        try #require(bytes.count >= 44)
        try #require(Array(bytes[0..<4]) == Array("RIFF".utf8))
        try #require(Array(bytes[8..<16]) == Array("WAVEfmt ".utf8))
        try #require(Array(bytes[36..<40]) == Array("data".utf8))
        func little(_ offset: Int, _ count: Int) -> Int {
            (0..<count).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        try #require(little(16, 4) == 16)
        riffSize = little(4, 4)
        format = little(20, 2)
        channels = little(22, 2)
        sampleRate = little(24, 4)
        byteRate = little(28, 4)
        blockAlign = little(32, 2)
        bitsPerSample = little(34, 2)
        dataSize = little(40, 4)
    }
}

/// `GET /suno/act/wav/{clip_id}` (api-contract-proxy-extras §4) in each answer shape, and the WAV it links to.
@Suite struct WAVTests {
    private func configuration(_ spec: String) throws -> SimulatorConfiguration {
        SimulatorConfiguration(answerShape: try AnswerShape(spec: spec))
    }

    private func firstClip(_ sim: Harness) async throws -> String {
        try #require(try await sim.completedProxySong().clips.first?["id"]?.stringValue)
    }

    @Test func defaultAnswerIsTheEnvelopeWithAURLToARealWAV() async throws {
        try await Harness.with { sim in
            let clip = try await firstClip(sim)
            let reply = try await sim.send(.GET, "/suno/act/wav/\(clip)")
            #expect(reply.status == 200)
            #expect(reply.json["code"]?.stringValue == "success")
            #expect(reply.json["message"]?.stringValue == "")
            let url = try #require(reply.json["data"]?.stringValue)
            #expect(url == "\(Harness.inProcessBaseURL)/_sim/media/\(clip).wav")
            let file = try await sim.send(.GET, url, key: nil)
            #expect(file.status == 200)
            #expect(file.headers.first(name: "Content-Type") == "audio/wav")
            let header = try WAVHeader(file.body)
            #expect(header.riffSize == file.body.count - 8)
            #expect(header.format == 1)
            #expect(header.channels == 1)
            #expect(header.sampleRate == 8_000)
            #expect(header.byteRate == 16_000)
            #expect(header.blockAlign == 2)
            #expect(header.bitsPerSample == 16)
            #expect(header.dataSize == file.body.count - 44)
            #expect((8_000...8_800).contains(header.dataSize / 2))
            #expect(file.body[44...].contains { $0 != 0 })
            #expect(Media.wav(resultID: clip) != Media.wav(resultID: "another clip"))
            #expect(try await sim.send(.GET, "/suno/act/wav/\(clip)/").status == 200)
        }
    }

    @Test func bareAndNestedShapes() async throws {
        try await Harness.with(try configuration("wav-bare")) { sim in
            let clip = try await firstClip(sim)
            let reply = try await sim.send(.GET, "/suno/act/wav/\(clip)")
            #expect(keys(reply.json) == ["wav_file_url"])
            #expect(reply.string("wav_file_url")?.hasSuffix("/_sim/media/\(clip).wav") == true)
        }
        try await Harness.with(try configuration("wav-nested")) { sim in
            let clip = try await firstClip(sim)
            let reply = try await sim.send(.GET, "/suno/act/wav/\(clip)")
            #expect(keys(reply.json) == ["code", "data"])
            #expect(reply.json["code"]?.stringValue == "success")
            #expect(reply.json["data"]?["wav_file_url"]?.stringValue?.hasSuffix("/_sim/media/\(clip).wav") == true)
        }
    }

    @Test func pendingShapeAnswersAnIDBeforeTheURL() async throws {
        try await Harness.with(try configuration("wav-pending")) { sim in
            let song = try await sim.completedProxySong()
            let clips = song.clips.compactMap { $0["id"]?.stringValue }
            var answers: [String] = []
            for _ in 0..<4 {
                answers.append(
                    try #require(try await sim.send(.GET, "/suno/act/wav/\(clips[0])").json["data"]?.stringValue))
            }
            #expect(answers[0] == answers[1])
            #expect(UUID(uuidString: answers[0]) != nil)
            #expect(answers[2].hasPrefix("http"))
            #expect(answers[3] == answers[2])
            let other = try await sim.send(.GET, "/suno/act/wav/\(clips[1])")
            #expect(other.json["data"]?.stringValue?.hasPrefix("http") == false)
        }
    }

    @Test func shapeSpecTakesOneWAVOption() throws {
        let shape = try AnswerShape(spec: "one-result,wav-pending")
        #expect(shape.wavAnswer == .pending)
        #expect(shape.spec == "one-result,wav-pending")
        #expect(AnswerShape.optionNames.contains("wav-nested"))
        #expect(throws: SimulatorConfigurationError.self) { try AnswerShape(spec: "wav-bare,wav-nested") }
        #expect(throws: SimulatorConfigurationError.self) { try AnswerShape(spec: "envelope") }
    }

    @Test func onlyDoneClipsOfTheCallerHaveAWAV() async throws {
        try await Harness.with(SimulatorConfiguration(apiKeys: ["sim-key", "other"])) { sim in
            let clip = try await firstClip(sim)
            let running = try #require(try await sim.proxyMusic(ProxySeeds.custom).json["data"]?.stringValue)
            sim.advance(seconds: 60)
            let streaming = try #require(
                try await sim.proxyFetch(running).json["data"]?.clips.first?["id"]?.stringValue)
            let lyrics = try await sim.send(.POST, "/suno/submit/lyrics", body: #"{"prompt": "rain"}"#)
            let lyricsTask = try #require(lyrics.json["data"]?.stringValue)
            let lyricsID = try #require(try await sim.proxyFetch(lyricsTask).json["data"]?["data"]?["id"]?.stringValue)
            let cases: [(String, String, String)] = [
                ("6b1c3f0e-0000-4000-8000-000000000000", "sim-key", "does not exist in this account"),
                (clip, "other", "does not exist in this account"),
                (lyricsID, "sim-key", "does not exist in this account"),
                (streaming, "sim-key", "not complete yet"),
            ]
            for (id, key, fragment) in cases {
                let reply = try await sim.send(.GET, "/suno/act/wav/\(id)", key: key)
                #expect(reply.status == 400)
                #expect(reply.json["code"]?.stringValue == "invalid_request")
                #expect(reply.json["message"]?.stringValue?.contains(fragment) == true, "\(id)")
            }
            #expect(try await sim.send(.GET, "/suno/act/wav/\(clip)", key: nil).status == 401)
            #expect(try await sim.send(.GET, "/_sim/media/\(streaming).wav", key: nil).status == 404)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["requests"]?["GET /suno/act/wav/{clip_id}"]?["400"]?.numberValue == 4)
            #expect(stats["requests"]?["GET /suno/act/wav/{clip_id}"]?["401"]?.numberValue == 1)
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 2)
        }
    }

    @Test func aJoinedSongHasAWAV() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedProxySong()
            let root = try #require(song.clips.first?["id"]?.stringValue)
            let part = try await sim.completedExtension(of: try #require(song.taskID), clip: root, at: 60)
            let joined = try await sim.completedConcat(of: try #require(part.clips.first?["id"]?.stringValue))
            let clip = try #require(joined.clips.first?["id"]?.stringValue)
            let reply = try await sim.send(.GET, "/suno/act/wav/\(clip)")
            #expect(reply.status == 200)
            let url = try #require(reply.json["data"]?.stringValue)
            #expect(try await sim.send(.GET, url, key: nil).status == 200)
        }
    }
}
