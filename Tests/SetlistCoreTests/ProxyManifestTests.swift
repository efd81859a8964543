import Foundation
import SetlistCore
import Testing

/// The rules `api: suno-proxy` adds to a manifest, and the model table they rest on.
@Suite struct ProxyManifestTests {
    /// The album runs on the proxy; what the proxy cannot carry is a warning each (see ProxyUnsentFieldTests).
    @Test func albumExampleValidatesOnTheProxy() throws {
        let url = ManifestFixtures.examplesDirectory.appendingPathComponent("album.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
            .replacingOccurrences(
                of: "  api: evolink\n", with: "  api: suno-proxy\n  base_url: https://proxy.example.com\n")
        let result = ManifestLoader.load(text: text, manifestFileName: "album.yaml") { _ in "[Verse] la" }
        #expect(!result.diagnostics.containsErrors, "\(result.diagnostics.map { $0.formatted(path: "album.yaml") })")
        #expect(result.diagnostics.count == 10)
        #expect(result.diagnostics.allSatisfy { $0.message.contains("on api: suno-proxy") })
        #expect(result.manifest?.provider.api == .sunoProxy)
    }

    @Test func everyServedModelHasAKnownMV() {
        #expect(
            SunoProxyModels.servedModels == [
                "suno-v4-beta", "suno-v4.5-beta", "suno-v4.5plus-beta", "suno-v4.5all-beta", "suno-v5-beta",
            ])
        #expect(SunoProxyModels.mv(for: "suno-v5", persona: false) == "chirp-crow")
        #expect(SunoProxyModels.mv(for: "suno-v5-beta", persona: true) == "chirp-auk")
        #expect(SunoProxyModels.mv(for: "suno-v6-beta", persona: false) == nil)
        for model in ModelCapabilities.all where model.personaAllowed {
            let mv = SunoProxyModels.mv(for: model.name, persona: true)
            #expect(mv == nil || SunoProxyModels.plain.values.contains(mv ?? ""))
        }
    }
}
