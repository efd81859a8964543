import SetlistCore
import Testing

/// Issue 17 item 5: on `api: suno-proxy`, every field the proxy's requests cannot carry, and the model a persona
/// song really runs on, is a located `validate` warning instead of a silent drop.
@Suite struct ProxyUnsentFieldTests {
    /// Five lines: a Suno-proxy manifest's start. Bodies begin on line 6.
    static let header =
        "setlist: 1\nalbum: Proxy\nprovider:\n  api: suno-proxy\n  base_url: https://proxy.example.com\n"
    /// Lines 6 to 12: the persona's source song `a` (custom mode, V4.5) and persona `v`.
    static let source =
        "personas:\n  - id: v\n    from: a\n    name: V\n    description: D\nsongs:\n  - id: a\n"
        + "    title: A\n    style: pop\n    lyrics: x\n    model: suno-v4.5\n"

    private func load(_ body: String, header: String = Self.header) -> ManifestLoadResult {
        ManifestLoader.load(text: header + body, manifestFileName: "proxy.yaml") { _ in "" }
    }

    private func warning(_ line: Int, _ column: Int, _ message: String) -> Diagnostic {
        .warning(at: SourceLocation(line: line, column: column), message)
    }

    @Test func aCustomSongsOwnWeightsAreNotSentAndSaySo() {
        let result = load(
            "songs:\n  - id: a\n    title: A\n    style: pop\n    lyrics: x\n    style_weight: 0.5\n"
                + "    weirdness: 0.2\n    audio_weight: 0.7\n")
        #expect(
            result.diagnostics == [
                warning(
                    11, 5,
                    "song 'a': style_weight is not sent on api: suno-proxy, whose music request has no field for "
                        + "weights; remove it."),
                warning(
                    12, 5,
                    "song 'a': weirdness is not sent on api: suno-proxy, whose music request has no field for "
                        + "weights; remove it."),
                warning(
                    13, 5,
                    "song 'a': audio_weight is not sent on api: suno-proxy, whose music request has no field for "
                        + "weights; remove it."),
            ])
        #expect(result.manifest != nil)
    }

    @Test func aSimpleSongsWeightKeepsItsOneWarning() {
        let result = load("songs:\n  - id: a\n    prompt: a song\n    style_weight: 0.5\n")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("has no effect in simple mode") == true)
    }

    @Test func defaultsAreReportedOnceWhateverTheNumberOfSongs() {
        let result = load(
            "defaults:\n  style_weight: 0.5\n  persona_model: voice_persona\nsongs:\n"
                + "  - id: a\n    prompt: one\n  - id: b\n    prompt: two\n  - id: c\n    prompt: three\n")
        #expect(
            result.diagnostics == [
                warning(
                    7, 3,
                    "defaults: style_weight is not sent on api: suno-proxy, whose music request has no field for "
                        + "weights; remove it."),
                warning(
                    8, 3,
                    "defaults: persona_model is not sent on api: suno-proxy, whose persona songs (task "
                        + "artist_consistency) have no such field; remove it."),
            ])
    }

    @Test func aPersonaSongsPersonaModelIsNotSentAndSaysSo() {
        let result = load(
            Self.source
                + "  - id: b\n    title: B\n    style: pop\n    lyrics: x\n    model: suno-v4.5-beta\n"
                + "    persona: v\n    persona_model: voice_persona\n")
        #expect(
            result.diagnostics == [
                warning(
                    23, 5,
                    "song 'b': persona_model is not sent on api: suno-proxy, whose persona songs (task "
                        + "artist_consistency) have no such field; remove it.")
            ])
    }

    @Test func aPersonasVocalWindowAndStyleAreNotSentAndSaySo() {
        let result = load(
            "personas:\n  - id: v\n    from: a\n    name: V\n    description: D\n    vocal_window: [10, 30]\n"
                + "    style: jazz\n  - id: w\n    from: a\n    take: 2\n"
                + "    name: W\n    description: D\n    style: \"\"\n"
                + "songs:\n  - id: a\n    title: A\n    style: pop\n    lyrics: x\n")
        #expect(
            result.diagnostics == [
                warning(
                    11, 5,
                    "persona 'v': vocal_window is not sent on api: suno-proxy, whose persona request takes the "
                        + "whole clip; remove it, or use api: evolink to choose the vocals."),
                warning(
                    12, 5,
                    "persona 'v': style is not sent on api: suno-proxy, whose persona request has no style field; "
                        + "remove it."),
            ])
    }

    /// A V5 persona song is sent on chirp-auk (v4.5), the newest persona version the proxy documents: a warning
    /// that names both and how to say so, which writing `suno-v4.5-beta` does, without a warning.
    @Test func aV5PersonaSongSaysItRunsOnChirpAukAndAV45OneIsQuiet() throws {
        let v5 = load(
            Self.source + "  - id: b\n    title: B\n    style: pop\n    lyrics: x\n    persona: v\n")
        #expect(
            v5.diagnostics == [
                warning(
                    21, 14,
                    "song 'b': on api: suno-proxy this persona song is sent with mv chirp-auk (suno-v4.5-beta), not "
                        + "chirp-crow (suno-v5-beta), because the proxy documents no suno-v5-beta version for persona "
                        + "songs; write model: suno-v4.5-beta to say so, or sing it without the persona.")
            ])
        let v45 = load(
            Self.source + "  - id: b\n    title: B\n    style: pop\n    lyrics: x\n    persona: v\n"
                + "    model: suno-v4.5\n")
        #expect(v45.diagnostics.isEmpty)
        let song = try #require(v45.manifest?.songs.last)
        #expect(SunoProxyModels.mv(for: song.model, persona: song.persona != nil) == "chirp-auk")
    }

    @Test func onEvolinkAV45PersonaSongIsStillAnErrorAndNothingIsWarnedAboutTheProxy() {
        let evolink = "setlist: 1\nalbum: Evolink\n"
        let result = load(
            "songs:\n  - id: a\n    title: A\n    style: pop\n    lyrics: x\n    style_weight: 0.5\n"
                + "  - id: b\n    title: B\n    style: pop\n    lyrics: x\n    persona_id: abc\n"
                + "    model: suno-v4.5\n",
            header: evolink)
        #expect(
            result.diagnostics.map(\.message) == [
                "song 'b': suno-v4.5-beta does not accept a persona; use suno-v5-beta or a V5.5/V6 model."
            ])
    }
}
