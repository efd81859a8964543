import Foundation
import SetlistCore
import Testing

private let oneSong = "setlist: 1\nalbum: A\nsongs:\n  - id: a\n    prompt: x\n"

@Suite struct ManifestHygieneTests {
    @Test func aByteOrderMarkBeforeTheFirstKeyIsIgnored() {
        let result = ManifestLoader.load(bytes: [0xEF, 0xBB, 0xBF] + Array(oneSong.utf8), manifestFileName: "a.yaml") {
            _ in ""
        }
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.manifest?.album == "A")
    }

    @Test func aManifestOverTheLimitIsRefusedBeforeParsing() {
        let bytes = Array(oneSong.utf8) + Array(repeating: UInt8(ascii: "#"), count: ManifestLoader.maxManifestBytes)
        let result = ManifestLoader.load(bytes: bytes, manifestFileName: "a.yaml") { _ in "" }
        #expect(result.manifest == nil)
        #expect(
            result.diagnostics == [
                .error(
                    at: SourceLocation(line: 1, column: 1),
                    "the manifest is \(bytes.count) "
                        + "bytes, more than the 4 MiB a manifest may have; check that the right file was given, and keep long "
                        + "lyrics in lyrics_file files.")
            ])
    }

    @Test func deepNestingIsASentenceWithoutParserInternals() {
        let text = "setlist: 1\nx: " + String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000)
        let result = ManifestLoader.load(text: text, manifestFileName: "a.yaml") { _ in "" }
        let message = try? #require(result.diagnostics.first?.message)
        #expect(message?.hasPrefix("the manifest nests lists or mappings too deeply to read") == true)
        #expect(message?.contains("yaml_") == false)
    }

    @Test func anAliasedMistakeIsReportedOnce() {
        let text = "setlist: 1\nalbum: A\nsongs:\n  - id: a\n    prompt: x\n    after: [&n 7, *n, *n, *n, *n]\n"
        let result = ManifestLoader.load(text: text, manifestFileName: "a.yaml") { _ in "" }
        #expect(result.diagnostics.map(\.location) == [SourceLocation(line: 6, column: 13)])
    }
}

@Suite struct LyricsFilePathTests {
    @Test(arguments: [
        ("/etc/shadow", "is an absolute path"), ("../secrets.txt", "leads out of the manifest's folder with '..'"),
        ("lyrics/../../x.txt", "leads out of the manifest's folder with '..'"),
    ])
    func pathsLeavingTheFolderAreRefusedWithoutReading(path: String, problem: String) {
        let text = "setlist: 1\nalbum: A\nsongs:\n  - id: a\n    title: A\n    style: s\n    lyrics_file: \(path)\n"
        var asked: [String] = []
        let result = ManifestLoader.load(text: text, manifestFileName: "a.yaml") {
            asked.append($0)
            return "la"
        }
        #expect(asked.isEmpty)
        #expect(
            result.diagnostics == [
                .error(
                    at: SourceLocation(line: 7, column: 18),
                    "song 'a': lyrics_file \(path) "
                        + "\(problem); lyrics files must be inside the manifest's folder, so move the file there and write its "
                        + "path relative to the manifest, such as lyrics/song.txt.")
            ])
    }

    @Test(arguments: ["lyrics/a.txt", "./a.txt", "lyrics/../a.txt", "lyrics/./x/../a.txt"])
    func pathsInsideTheFolderAreRead(path: String) {
        let text = "setlist: 1\nalbum: A\nsongs:\n  - id: a\n    title: A\n    style: s\n    lyrics_file: \(path)\n"
        let result = ManifestLoader.load(text: text, manifestFileName: "a.yaml") { _ in "[Verse] la" }
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    /// The reader's own refusals complete the sentence, so its words reach the user unchanged.
    @Test func aReaderRefusalIsQuotedAsItsSentence() {
        struct Refusal: LyricsFileProblem {
            var description: String { "is a pipe (FIFO), not a regular file; name a UTF-8 text file." }
        }
        let text = "setlist: 1\nalbum: A\nsongs:\n  - id: a\n    title: A\n    style: s\n    lyrics_file: p\n"
        let result = ManifestLoader.load(text: text, manifestFileName: "a.yaml") { _ in throw Refusal() }
        #expect(
            result.diagnostics.map(\.message) == [
                "song 'a': lyrics_file p is a pipe (FIFO), not a regular file; name a UTF-8 text file."
            ])
    }
}
