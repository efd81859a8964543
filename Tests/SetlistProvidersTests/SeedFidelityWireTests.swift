import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

/// Issue 17 item 5: Evolink is sent the model name as the manifest wrote it; the provider maps older names itself.
@Suite("Seed fidelity: the model on the wire")
struct SeedFidelityWireTests {
    private func sentModel(_ song: SongRequest) async throws -> String? {
        let (provider, log) = makeProvider(status: 200, body: Fixture.createdTask)
        _ = try await provider.submitSong(song, idempotencyKey: testIdempotencyKey)
        let requests = await log.requests
        try #require(requests.count == 1)
        return parsedJSON(requests[0].body)?["model"] as? String
    }

    @Test func anOlderNameIsSentAsWritten() async throws {
        let song = SongRequest(
            model: "suno-v5-beta", customMode: false, instrumental: false, prompt: "a song", wireModel: "suno-v5")
        #expect(try await sentModel(song) == "suno-v5")
    }

    @Test func theCanonicalNameIsSentWhenNoOtherWasWritten() async throws {
        let song = SongRequest(model: "suno-v5-beta", customMode: false, instrumental: false, prompt: "a song")
        #expect(try await sentModel(song) == "suno-v5-beta")
    }

    @Test func aManifestThatWritesSunoV5SendsSunoV5() async throws {
        let text = """
            setlist: 1
            album: Old Names
            songs:
              - id: one
                model: suno-v5
                prompt: "A song about old names"
            """
        let result = ManifestLoader.load(bytes: Array(text.utf8), manifestFileName: "old.yaml") { _ in "" }
        let song = try #require(result.manifest?.songs.first, "\(result.diagnostics)")
        let request = try RequestBuilder().songRequest(for: song, chained: ChainedInputs())
        #expect(try await sentModel(request) == "suno-v5")
    }
}
