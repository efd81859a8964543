import Foundation
import SetlistCore
import SetlistSimulator
import SetlistTestSupport
import Testing

@testable import SetlistProviders

/// `SunoProxyProvider` against the simulator over real HTTP: song, synchronous persona, persona song, batch polls.
@Suite("Suno proxy provider against the simulator")
struct SunoProxySimulatorTests {
    @Test func songPersonaAndPersonaSongRoundTrip() async throws {
        let clock = ManualClock()
        let simulator = Simulator(configuration: SimulatorConfiguration(apiKeys: [testAPIKey]), clock: clock)
        let baseURL = try await simulator.start()
        let transport = AsyncHTTPTransport()
        let provider = SunoProxyProvider(baseURL: baseURL, apiKey: testAPIKey, transport: transport, now: { fixedNow })
        do {
            let song = SongRequest(
                model: "suno-v5-beta", customMode: true, instrumental: false, prompt: "[Verse] la", style: "pop",
                title: "Open Road")
            let first = try await provider.submitSong(song, idempotencyKey: testIdempotencyKey)
            let second = try await provider.submitSong(
                SongRequest(model: "suno-v4.5", customMode: false, instrumental: true, prompt: "rain on tin roofs"),
                idempotencyKey: testIdempotencyKey)
            let running = try await provider.fetchTasks([first.id, second.id, "unknown-id"])
            #expect(running.map(\.id) == [first.id, second.id])
            #expect(running.allSatisfy { $0.status == .pending })
            clock.advance(by: .seconds(200))
            let done = try await provider.fetchTasks([first.id, second.id])
            #expect(done.allSatisfy { $0.status == .completed && $0.results.count == 2 })
            let clip = try #require(done.first?.results.first)
            #expect(clip.title == "Open Road")
            #expect(clip.audioURL?.hasPrefix(baseURL) == true)
            let clipID = try #require(clip.resultID)

            let persona = try await provider.submitPersona(
                PersonaRequest(sourceTaskID: first.id, resultID: clipID, name: "Road", description: "Warm"),
                idempotencyKey: testIdempotencyKey)
            #expect(persona.status == .completed)
            let personaID = try #require(persona.personaID)

            var voiced = song
            voiced.personaID = personaID
            voiced.artistClipID = clipID
            let third = try await provider.submitSong(voiced, idempotencyKey: testIdempotencyKey)
            clock.advance(by: .seconds(200))
            #expect(try await provider.fetchTasks([third.id]).first?.status == .completed)
        } catch {
            try? await transport.shutdown()
            await simulator.stop()
            throw error
        }
        try? await transport.shutdown()
        await simulator.stop()
    }
}
