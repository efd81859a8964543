import SetlistCore
import Testing

private func error(_ line: Int, _ column: Int, _ message: String) -> Diagnostic {
    .error(at: SourceLocation(line: line, column: column), message)
}

/// `extend:` entries: each diagnostic located and worded exactly, and nothing else reported.
@Suite struct ManifestExtensionDiagnosticTests {
    static let cases: [WholeSongCase] = [
        WholeSongCase(
            name: "extend on Evolink", header: WholeSongCase.evolinkHeader,
            body: "songs:\n  - id: b\n    title: B\n    style: pop\n    lyrics: x\n    extend:\n      - at: 100\n",
            expected: [
                error(
                    8, 5,
                    "song 'b': extend needs api: suno-proxy; the Evolink API has no extend or concat endpoint. Remove "
                        + "extend, or switch the provider to a Suno-proxy vendor.")
            ]),
        WholeSongCase(
            name: "wav on Evolink", header: WholeSongCase.evolinkHeader,
            body: "output:\n  download: [audio, wav]\nsongs:\n  - id: b\n    prompt: x\n",
            expected: [
                error(
                    4, 21,
                    "output: download lists wav, which needs api: suno-proxy; the Evolink API has no WAV endpoint. "
                        + "Remove wav, or switch the provider to a Suno-proxy vendor.")
            ]),
        WholeSongCase(
            name: "extend in defaults", body: "defaults:\n  extend: []\nsongs:\n  - id: b\n    prompt: x\n",
            expected: [error(7, 3, "defaults: extend cannot have a default; set it on each song.")]),
        WholeSongCase(
            name: "an empty extend", body: WholeSongCase.v4Song.replacingOccurrences(of: "extend:", with: "extend: []"),
            expected: [
                error(
                    12, 13,
                    "song 'b': extend is empty; add the parts that continue the song, such as - {at: 120, lyrics: "
                        + "...}, or remove the key.")
            ]),
        WholeSongCase(
            name: "extend that is not a list",
            body: WholeSongCase.v4Song.replacingOccurrences(of: "extend:", with: "extend: 100"),
            expected: [
                error(12, 13, "song 'b': extend must be a list of extensions starting with '- at:', not a number.")
            ]
        ),
        WholeSongCase(
            name: "an extension that is not a mapping", body: WholeSongCase.v4Song + "      - 100\n",
            expected: [error(13, 9, "song 'b', extension 1 must be a mapping of keys, not a number.")]),
        WholeSongCase(
            name: "an extension without at", body: WholeSongCase.v4Song + "      - lyrics: y\n",
            expected: [
                error(
                    13, 9,
                    "song 'b', extension 1 has no at; add at: with the second of the whole song where this part "
                        + "starts, such as at: 120.")
            ]),
        WholeSongCase(
            name: "continue_at copied from the API", body: WholeSongCase.v4Song + "      - continue_at: 100\n",
            expected: [
                error(
                    13, 9,
                    "unknown key 'continue_at' in song 'b', extension 1; write at: in an extend entry, the second of "
                        + "the whole song where the part starts; setlist sends continue_at."),
                error(
                    13, 9,
                    "song 'b', extension 1 has no at; add at: with the second of the whole song where this part "
                        + "starts, such as at: 120."),
            ]),
        WholeSongCase(
            name: "at as text", body: WholeSongCase.v4Song + "      - at: soon\n",
            expected: [error(13, 13, "song 'b', extension 1: at must be a number, not 'soon'.")]),
        WholeSongCase(
            name: "at 0", body: WholeSongCase.v4Song + "      - at: 0\n",
            expected: [
                error(
                    13, 13,
                    "song 'b', extension 1: at is 0 seconds; a part starts after the song's beginning, so at must be "
                        + "above 0.")
            ]),
        WholeSongCase(
            name: "at not increasing", body: WholeSongCase.v4Song + "      - at: 100\n      - at: 90\n",
            expected: [
                error(
                    14, 13,
                    "song 'b', extension 2: at 90 is not later than extension 1's at (100); each part starts later "
                        + "in the song than the one before, so the values must increase.")
            ]),
        WholeSongCase(
            name: "the first part continued at the model's longest song",
            body: WholeSongCase.v4Song + "      - at: 150\n",
            expected: [
                error(
                    13, 13,
                    "song 'b', extension 1: at 150 continues the song 150 seconds in, but suno-v4-beta (chirp-v4 on "
                        + "api: suno-proxy) makes songs of at most 150 seconds, and a part cannot be continued past "
                        + "its end; use an earlier at, or add an extension in between.")
            ]),
        WholeSongCase(
            name: "a later part continued past the model's longest song",
            body: WholeSongCase.v4Song + "      - at: 149.5\n      - at: 300\n",
            expected: [
                error(
                    14, 13,
                    "song 'b', extension 2: at 300 continues extension 1's part 150.5 seconds after its at, but "
                        + "suno-v4-beta (chirp-v4 on api: suno-proxy) makes songs of at most 150 seconds, and a part "
                        + "cannot be continued past its end; use an earlier at, or add an extension in between.")
            ]),
        WholeSongCase(
            name: "a persona song is continued on the persona model version",
            body: "songs:\n  - id: a\n    title: A\n    style: pop\n    lyrics: x\n  - id: b\n    title: B\n"
                + "    style: pop\n    lyrics: x\n    persona: v\n    extend:\n      - at: 240\n"
                + "personas:\n  - id: v\n    from: a\n    name: V\n    description: D\n",
            expected: [
                .warning(
                    at: SourceLocation(line: 15, column: 14),
                    "song 'b': on api: suno-proxy this persona song is sent with mv chirp-auk (suno-v4.5-beta), not "
                        + "chirp-crow (suno-v5-beta), because the proxy documents no suno-v5-beta version for persona "
                        + "songs; write model: suno-v4.5-beta to say so, or sing it without the persona."),
                error(
                    17, 13,
                    "song 'b', extension 1: at 240 continues the song 240 seconds in, but suno-v5-beta (chirp-auk on "
                        + "api: suno-proxy) makes songs of at most 240 seconds, and a part cannot be continued past "
                        + "its end; use an earlier at, or add an extension in between."),
            ]),
        WholeSongCase(
            name: "a part with lyrics and lyrics_file",
            body: WholeSongCase.v4Song + "      - at: 100\n        lyrics: y\n        lyrics_file: p.txt\n",
            files: ["p.txt": "[Verse] p"],
            expected: [
                error(
                    15, 22,
                    "song 'b', extension 1: lyrics and lyrics_file cannot both be set (lyrics is on line 14); keep one."
                )
            ]),
        WholeSongCase(
            name: "a part with blank lyrics", body: WholeSongCase.v4Song + "      - at: 100\n        lyrics: \" \"\n",
            expected: [error(14, 17, "song 'b', extension 1: lyrics is empty; give it a value or remove the key.")]),
        WholeSongCase(
            name: "a part's lyrics over the model's limit",
            body: WholeSongCase.v4Song + "      - at: 100\n        lyrics: \(String(repeating: "a", count: 3001))\n",
            expected: [
                error(
                    14, 17,
                    "song 'b', extension 1: lyrics are 3001 characters; suno-v4-beta allows 3000 in custom mode. "
                        + "Shorten them.")
            ]),
        WholeSongCase(
            name: "a part's lyrics file over the model's limit",
            body: WholeSongCase.v4Song + "      - at: 100\n        lyrics_file: p.txt\n",
            files: ["p.txt": String(repeating: "a", count: 3001)],
            expected: [
                error(
                    14, 22,
                    "song 'b', extension 1: the lyrics in p.txt are 3001 characters; suno-v4-beta allows 3000 in "
                        + "custom mode. Shorten them.")
            ]),
        WholeSongCase(
            name: "a part's lyrics file outside the manifest's folder",
            body: WholeSongCase.v4Song + "      - at: 100\n        lyrics_file: ../p.txt\n",
            expected: [
                error(
                    14, 22,
                    "song 'b', extension 1: lyrics_file ../p.txt leads out of the manifest's folder with '..'; lyrics "
                        + "files must be inside the manifest's folder, so move the file there and write its path "
                        + "relative to the manifest, such as lyrics/song.txt.")
            ]),
        WholeSongCase(
            name: "a part's pick beyond two takes", body: WholeSongCase.v4Song + "      - at: 100\n        pick: 3\n",
            expected: [
                error(14, 15, "song 'b', extension 1: pick is 3, but a generation yields at most 2 takes; use 1 or 2.")
            ]),
        WholeSongCase(
            name: "a part with a misspelt key", body: WholeSongCase.v4Song + "      - at: 100\n        lyric: y\n",
            expected: [error(14, 9, "unknown key 'lyric' in song 'b', extension 1; did you mean 'lyrics'?")]),
        WholeSongCase(
            name: "parts just inside the model's longest song",
            body: WholeSongCase.v4Song + "      - at: 149.5\n      - at: 299\n        pick: {generation: 1, take: 2}\n",
            expected: []),
    ]

    @Test(arguments: cases)
    func givesExactlyTheseDiagnostics(_ testCase: WholeSongCase) {
        let result = testCase.load()
        #expect(result.diagnostics == testCase.expected)
        #expect((result.manifest == nil) == testCase.expected.containsErrors)
    }
}
