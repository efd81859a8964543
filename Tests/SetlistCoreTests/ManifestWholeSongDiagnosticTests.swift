import Foundation
import SetlistCore
import Testing

/// One manifest and every diagnostic it must give, in order: `(line, column, message)`; warnings say so.
struct WholeSongCase: CustomTestStringConvertible, Sendable {
    var name: String
    var header: String = WholeSongCase.proxyHeader
    var body: String
    var files: [String: String] = [:]
    var expected: [Diagnostic]

    var testDescription: String { name }

    /// Five lines: a Suno-proxy manifest's start. Bodies begin on line 6.
    static let proxyHeader =
        "setlist: 1\nalbum: Long Way Home\nprovider:\n  api: suno-proxy\n  base_url: https://proxy.example.com\n"
    /// Two lines: an Evolink manifest's start (the default API). Bodies begin on line 3.
    static let evolinkHeader = "setlist: 1\nalbum: Long Way Home\n"
    /// Lines 6 to 10: a lyrics job `words` and the start of song `b`, whose fields begin on line 11.
    static let wordsAndSong = "lyrics:\n  - id: words\n    prompt: trains\nsongs:\n  - id: b\n"
    /// Lines 6 to 12: song `b` on suno-v4-beta (chirp-v4, songs of at most 150 s); its extensions begin on line 13.
    static let v4Song =
        "songs:\n  - id: b\n    title: B\n    style: pop\n    lyrics: x\n    model: suno-v4\n    extend:\n"

    func load() -> ManifestLoadResult {
        ManifestLoader.load(text: header + body, manifestFileName: "long.yaml") { path in
            guard let text = files[path] else { throw CocoaError(.fileNoSuchFile) }
            return text
        }
    }
}

private func error(_ line: Int, _ column: Int, _ message: String) -> Diagnostic {
    .error(at: SourceLocation(line: line, column: column), message)
}

private let long3001 = String(repeating: "a", count: 3001)

@Suite struct ManifestWholeSongDiagnosticTests {
    static let lyricsJobCases: [WholeSongCase] = [
        WholeSongCase(
            name: "lyrics job without a prompt", body: "lyrics:\n  - id: words\nsongs:\n  - id: b\n    prompt: x\n",
            expected: [
                error(7, 5, "lyrics job 'words' has no prompt; add prompt: with what the lyrics should be about.")
            ]
        ),
        WholeSongCase(
            name: "lyrics job with a blank prompt",
            body: "lyrics:\n  - id: words\n    prompt: \"  \"\nsongs:\n  - id: b\n    prompt: x\n",
            expected: [
                error(
                    8, 13,
                    "lyrics job 'words': prompt is empty; the provider refuses an empty one, so describe what the "
                        + "lyrics should be about.")
            ]),
        WholeSongCase(
            name: "lyrics job with a prompt over 3000 characters",
            body: "lyrics:\n  - id: words\n    prompt: \(long3001)\nsongs:\n  - id: b\n    prompt: x\n",
            expected: [
                error(
                    8, 13,
                    "lyrics job 'words': prompt is 3001 characters; setlist sends at most 3000, the shortest lyrics "
                        + "limit of any proxy model. Shorten it.")
            ]),
        WholeSongCase(
            name: "lyrics job without an id", body: "lyrics:\n  - prompt: trains\nsongs:\n  - id: b\n    prompt: x\n",
            expected: [error(7, 5, "lyrics job #1 has no id; add id: with a short name such as harbor-words.")]),
        WholeSongCase(
            name: "lyrics job with a malformed id",
            body: "lyrics:\n  - id: Words\n    prompt: trains\nsongs:\n  - id: b\n    prompt: x\n",
            expected: [
                error(
                    7, 9,
                    "lyrics job id 'Words' must be 1 to 64 lowercase letters, digits, '-' or '_', starting with a "
                        + "letter or digit, such as open-road.")
            ]),
        WholeSongCase(
            name: "lyrics job with a song's id",
            body: "lyrics:\n  - id: b\n    prompt: trains\nsongs:\n  - id: b\n    prompt: x\n",
            expected: [
                error(
                    7, 9,
                    "id 'b' is already used by the song on line 10; ids must be unique across songs, personas and "
                        + "lyrics jobs.")
            ]),
        WholeSongCase(
            name: "lyrics job with a misspelt key",
            body: "lyrics:\n  - id: words\n    promt: trains\nsongs:\n  - id: b\n    prompt: x\n",
            expected: [
                error(7, 5, "lyrics job 'words' has no prompt; add prompt: with what the lyrics should be about."),
                error(8, 5, "unknown key 'promt' in lyrics job 'words'; did you mean 'prompt'?"),
            ]),
        WholeSongCase(
            name: "lyrics job after an unknown id",
            body:
                "lyrics:\n  - id: words\n    prompt: trains\n    after: [porh]\nsongs:\n  - id: porch\n    prompt: x\n",
            expected: [
                error(
                    9, 13,
                    "lyrics job 'words': after 'porh' is not a song, persona or lyrics job in this manifest; did you "
                        + "mean 'porch'?")
            ]),
        WholeSongCase(
            name: "lyrics jobs on Evolink", header: WholeSongCase.evolinkHeader,
            body:
                "lyrics:\n  - id: words\n    prompt: trains\nsongs:\n  - id: b\n    style: pop\n    lyrics_from: words\n",
            expected: [
                error(
                    3, 1,
                    "lyrics jobs need api: suno-proxy; the Evolink API has no lyrics endpoint. Write each song's words "
                        + "with lyrics: or lyrics_file:, or switch the provider to a Suno-proxy vendor."),
                error(
                    9, 5,
                    "song 'b': lyrics_from needs api: suno-proxy; the Evolink API has no lyrics endpoint. Write the "
                        + "words with lyrics: or lyrics_file:, or switch the provider to a Suno-proxy vendor."),
            ]),
    ]

    static let lyricsFromCases: [WholeSongCase] = [
        WholeSongCase(
            name: "lyrics_from naming a song",
            body: "songs:\n  - id: a\n    prompt: x\n  - id: b\n    style: pop\n"
                + "    lyrics_from: a\n",
            expected: [error(11, 18, "song 'b': lyrics_from 'a' is a song, but lyrics_from must name a lyrics job.")]),
        WholeSongCase(
            name: "lyrics_from naming nothing",
            body: WholeSongCase.wordsAndSong + "    style: pop\n    lyrics_from: word\n",
            expected: [
                error(
                    12, 18, "song 'b': lyrics_from 'word' is not a lyrics job in this manifest; did you mean 'words'?")
            ]),
        WholeSongCase(
            name: "lyrics_from with lyrics",
            body: WholeSongCase.wordsAndSong + "    style: pop\n    lyrics: x\n    lyrics_from: words\n",
            expected: [
                error(
                    13, 18,
                    "song 'b': lyrics_from and lyrics cannot both be set (lyrics is on line 12); the song sings the "
                        + "lyrics job's text, so remove lyrics.")
            ]),
        WholeSongCase(
            name: "lyrics_from with lyrics_file",
            body: WholeSongCase.wordsAndSong + "    style: pop\n    lyrics_file: b.txt\n    lyrics_from: words\n",
            files: ["b.txt": "[Verse] b"],
            expected: [
                error(
                    13, 18,
                    "song 'b': lyrics_from and lyrics_file cannot both be set (lyrics_file is on line 12); the song "
                        + "sings the lyrics job's text, so remove lyrics_file.")
            ]),
        WholeSongCase(
            name: "lyrics_from with prompt",
            body: WholeSongCase.wordsAndSong + "    style: pop\n    prompt: x\n    lyrics_from: words\n",
            expected: [
                error(
                    13, 18,
                    "song 'b': lyrics_from and prompt cannot both be set (prompt is on line 12); the song sings the "
                        + "lyrics job's text, so remove prompt.")
            ]),
        WholeSongCase(
            name: "lyrics_from with a prompt from defaults",
            body: "defaults:\n  prompt: x\n" + WholeSongCase.wordsAndSong + "    style: pop\n    lyrics_from: words\n",
            expected: [
                error(
                    14, 18,
                    "song 'b': lyrics_from and prompt cannot both be set (prompt is on line 7, in defaults); the song "
                        + "sings the lyrics job's text, so remove prompt.")
            ]),
        WholeSongCase(
            name: "lyrics_from without a style", body: WholeSongCase.wordsAndSong + "    lyrics_from: words\n",
            expected: [error(10, 5, "song 'b': custom mode (set by lyrics_from) needs a style; add style:.")]),
        WholeSongCase(
            name: "lyrics_from on an instrumental song",
            body: WholeSongCase.wordsAndSong + "    style: pop\n    instrumental: true\n    lyrics_from: words\n",
            expected: [
                .warning(
                    at: SourceLocation(line: 13, column: 18),
                    "song 'b': instrumental: true sings no words, so the text of lyrics job 'words' would not be "
                        + "sung; remove lyrics_from or instrumental.")
            ]),
        WholeSongCase(
            name: "lyrics_from in defaults",
            body: "defaults:\n  lyrics_from: words\n" + WholeSongCase.wordsAndSong + "    prompt: x\n",
            expected: [error(7, 3, "defaults: lyrics_from cannot have a default; set it on each song.")]),
        WholeSongCase(
            name: "a song after a lyrics job",
            body: WholeSongCase.wordsAndSong + "    prompt: x\n    after: [words]\n", expected: []),
    ]

    @Test(arguments: lyricsJobCases + lyricsFromCases)
    func givesExactlyTheseDiagnostics(_ testCase: WholeSongCase) {
        let result = testCase.load()
        #expect(result.diagnostics == testCase.expected)
        #expect((result.manifest == nil) == testCase.expected.containsErrors)
    }
}
