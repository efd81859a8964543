import Foundation
import SetlistCore
import SetlistSimulator
import SetlistTestSupport
import Testing

@testable import SetlistProviders

/// Both providers and a simulator serving one answer shape, on a loopback port with a manual clock.
private struct ShapeRig {
    let clock: ManualClock
    let baseURL: String
    let evolink: EvolinkProvider
    let proxy: SunoProxyProvider
    let media: HTTPMediaFetcher

    static let song = SongRequest(
        model: "suno-v5-beta", customMode: true, instrumental: false, prompt: "[Verse] la", style: "pop",
        title: "Open Road")

    /// Starts a simulator serving `shape`, runs `body` against it, and stops it.
    static func with(_ shape: String, _ body: (ShapeRig) async throws -> Void) async throws {
        let clock = ManualClock()
        let configuration = SimulatorConfiguration(apiKeys: [testAPIKey], answerShape: try AnswerShape(spec: shape))
        let simulator = Simulator(configuration: configuration, clock: clock)
        let baseURL = try await simulator.start()
        let transport = AsyncHTTPTransport()
        let rig = ShapeRig(
            clock: clock, baseURL: baseURL,
            evolink: EvolinkProvider(baseURL: baseURL, apiKey: testAPIKey, transport: transport, now: { fixedNow }),
            proxy: SunoProxyProvider(baseURL: baseURL, apiKey: testAPIKey, transport: transport, now: { fixedNow }),
            media: HTTPMediaFetcher(transport: transport))
        do {
            try await body(rig)
        } catch {
            try? await transport.shutdown()
            await simulator.stop()
            throw error
        }
        try? await transport.shutdown()
        await simulator.stop()
    }

    /// An Evolink song, submitted and polled after its time has passed.
    func completedEvolinkSong() async throws -> TaskSnapshot {
        let created = try await evolink.submitSong(Self.song, idempotencyKey: testIdempotencyKey)
        clock.advance(by: .seconds(200))
        return try #require(try await evolink.fetchTasks([created.id]).first)
    }

    /// A proxy song, submitted and polled after its time has passed.
    func completedProxySong() async throws -> TaskSnapshot {
        let created = try await proxy.submitSong(Self.song, idempotencyKey: testIdempotencyKey)
        clock.advance(by: .seconds(200))
        return try #require(try await proxy.fetchTasks([created.id]).first)
    }

    /// Downloads every take's audio and expects a served file.
    func expectAudioServed(_ takes: [TaskResult]) async throws {
        for take in takes {
            let url = try #require(take.audioURL)
            #expect(url.hasPrefix(baseURL))
            let file = try await media.fetch(url, maxBytes: 1 << 20)
            #expect(!file.isEmpty)
        }
    }
}

/// `EvolinkProvider` and `SunoProxyProvider` read every answer shape the simulator can serve, over real HTTP.
@Suite("Providers against each answer shape")
struct AnswerShapeProviderTests {
    @Test func defaultShapeGivesTwoTakesWithIDsAndCovers() async throws {
        try await ShapeRig.with("") { rig in
            let song = try await rig.completedEvolinkSong()
            #expect(song.status == .completed)
            #expect(song.results.count == 2)
            #expect(song.results.allSatisfy { $0.resultID != nil && $0.imageURL != nil && $0.title == "Open Road" })
            try await rig.expectAudioServed(song.results)
        }
    }

    @Test func oneResultShapeGivesOneTakeOnBothProviders() async throws {
        try await ShapeRig.with("one-result") { rig in
            let evolink = try await rig.completedEvolinkSong()
            #expect(evolink.status == .completed)
            #expect(evolink.results.count == 1)
            #expect(evolink.results.first?.resultID != nil)
            try await rig.expectAudioServed(evolink.results)

            let proxy = try await rig.completedProxySong()
            #expect(proxy.status == .completed)
            #expect(proxy.results.count == 1)
            #expect(proxy.results.first?.resultID != nil)
            try await rig.expectAudioServed(proxy.results)
        }
    }

    @Test func urlsOnlyShapeGivesOneTakePerURLWithoutIDs() async throws {
        try await ShapeRig.with("urls-only") { rig in
            let song = try await rig.completedEvolinkSong()
            #expect(song.status == .completed)
            #expect(song.results.count == 2)
            #expect(song.results.allSatisfy { $0.resultID == nil && $0.imageURL == nil })
            #expect(Set(song.results.compactMap(\.audioURL)).count == 2)
            try await rig.expectAudioServed(song.results)
        }
    }

    @Test func firstSongOnlyShapeAddsTheSecondTakeFromItsURL() async throws {
        try await ShapeRig.with("first-song-only") { rig in
            let song = try await rig.completedEvolinkSong()
            #expect(song.results.count == 2)
            let first = try #require(song.results.first)
            let second = try #require(song.results.last)
            #expect(first.resultID != nil)
            #expect(first.title == "Open Road")
            #expect(second.resultID == nil)
            #expect(second.audioURL != first.audioURL)
            try await rig.expectAudioServed(song.results)
        }
    }

    @Test func songsWrapperShapeGivesBothTakesWithIDs() async throws {
        try await ShapeRig.with("songs-wrapper") { rig in
            let song = try await rig.completedEvolinkSong()
            #expect(song.results.count == 2)
            #expect(song.results.allSatisfy { $0.resultID != nil })
            try await rig.expectAudioServed(song.results)
        }
    }

    @Test func personaIDOnTheTaskObjectIsFound() async throws {
        try await ShapeRig.with("persona-id-on-task") { rig in
            let song = try await rig.completedEvolinkSong()
            let resultID = try #require(song.results.first?.resultID)
            let request = PersonaRequest(
                sourceTaskID: song.id, resultID: resultID, name: "Road", description: "Warm", vocalStart: 10,
                vocalEnd: 30)
            let created = try await rig.evolink.submitPersona(request, idempotencyKey: "persona-open-road-1")
            #expect(created.status == .pending)
            rig.clock.advance(by: .seconds(30))
            let persona = try #require(try await rig.evolink.fetchTasks([created.id]).first)
            #expect(persona.status == .completed)
            let personaID = try #require(persona.personaID)
            #expect(personaID.count == 32)

            var voiced = ShapeRig.song
            voiced.personaID = personaID
            voiced.personaModel = .stylePersona
            let third = try await rig.evolink.submitSong(voiced, idempotencyKey: "voiced-open-road-1")
            #expect(third.status == .pending)
        }
    }

    @Test func completedOnSubmitShapeReturnsTakesFromTheSubmission() async throws {
        try await ShapeRig.with("completed-on-submit") { rig in
            let song = try await rig.evolink.submitSong(ShapeRig.song, idempotencyKey: testIdempotencyKey)
            #expect(song.status == .completed)
            #expect(song.results.count == 2)
            #expect(song.results.allSatisfy { $0.resultID != nil })
            try await rig.expectAudioServed(song.results)

            let resultID = try #require(song.results.first?.resultID)
            let persona = try await rig.evolink.submitPersona(
                PersonaRequest(sourceTaskID: song.id, resultID: resultID, name: "Road", description: "Warm"),
                idempotencyKey: "persona-open-road-1")
            #expect(persona.status == .completed)
            #expect(persona.personaID?.count == 32)

            let created = try await rig.proxy.submitSong(ShapeRig.song, idempotencyKey: testIdempotencyKey)
            let proxy = try #require(try await rig.proxy.fetchTasks([created.id]).first)
            #expect(proxy.status == .completed)
            #expect(proxy.results.count == 2)
            try await rig.expectAudioServed(proxy.results)
        }
    }
}
