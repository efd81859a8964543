import Foundation
import SetlistTestSupport
import Testing

/// A temporary folder of manifests and files, removed by the test that made it.
struct ScratchFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("setlist-hostile-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws { try write(name, Data(text.utf8)) }

    func write(_ name: String, _ data: Data) throws {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    func validate(_ names: String...) async throws -> CLIResult {
        try await CLIRunner.run(["validate"] + names, in: url)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A one-song custom-mode manifest whose lyrics come from `lyricsFile`.
private func lyricsManifest(_ lyricsFile: String) -> String {
    "setlist: 1\nalbum: A\nsongs:\n  - id: a\n    title: A\n    style: pop\n    lyrics_file: \(lyricsFile)\n"
}

@Suite struct LyricsFileCLITests {
    @Test(arguments: [
        (
            "/proc/self/environ",
            "7:18: error: song 'a': lyrics_file /proc/self/environ is an absolute path; lyrics "
                + "files must be inside the manifest's folder"
        ),
        (
            "../../../etc/passwd",
            "7:18: error: song 'a': lyrics_file ../../../etc/passwd leads out of the manifest's "
                + "folder with '..'"
        ),
        ("words/../../x.txt", "leads out of the manifest's folder with '..'"),
    ])
    func pathsOutOfTheFolderAreRefusedAsWritten(lyricsFile: String, expected: String) async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try folder.write("a.yaml", lyricsManifest(lyricsFile))
        let result = try await folder.validate("a.yaml")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("a.yaml:" + expected) || result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("PATH="))
    }

    @Test func aSymlinkOutOfTheFolderIsRefused() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try folder.write("a.yaml", lyricsManifest("words/a.txt"))
        try FileManager.default.createDirectory(atPath: folder.path("words"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: folder.path("words/a.txt"), withDestinationPath: "/etc/passwd")
        let result = try await folder.validate("a.yaml")
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.contains(
                "a.yaml:7:18: error: song 'a': lyrics_file words/a.txt resolves to /etc/passwd, "
                    + "outside the manifest's folder"), "\(result.stderr)")
    }

    @Test func aSymlinkThatStaysInsideIsFollowed() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try folder.write("a.yaml", lyricsManifest("link/a.txt"))
        try folder.write("shared/a.txt", "[Verse] la")
        try FileManager.default.createSymbolicLink(atPath: folder.path("link"), withDestinationPath: "shared")
        let result = try await folder.validate("a.yaml")
        #expect(result.exitCode == 0, "\(result.stderr)")
    }

    @Test func binaryAndForeignTextAreRefused() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try folder.write("nul.yaml", lyricsManifest("nul.txt"))
        try folder.write("nul.txt", Data("[Verse] la\u{0}la".utf8))
        try folder.write("latin1.yaml", lyricsManifest("latin1.txt"))
        try folder.write("latin1.txt", Data([0x4C, 0xE4, 0x6E, 0x64]))
        try folder.write("big.yaml", lyricsManifest("big.txt"))
        try folder.write("big.txt", String(repeating: "la ", count: 30_000))
        let result = try await folder.validate("nul.yaml", "latin1.yaml", "big.yaml")
        #expect(result.exitCode == 2)
        #expect(
            result.stderr == """
                nul.yaml:7:18: error: song 'a': lyrics_file nul.txt contains a NUL byte, so it is binary data, not \
                lyrics; name a UTF-8 text file.
                latin1.yaml:7:18: error: song 'a': lyrics_file latin1.txt is not UTF-8 text; save it as UTF-8.
                big.yaml:7:18: error: song 'a': lyrics_file big.txt is larger than 64 KiB, far more than any model \
                accepts as lyrics; check that it is the right file.

                """)
    }

    @Test func foldersAndPipesAreRefusedWithoutBlocking() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try folder.write("dir.yaml", lyricsManifest("words"))
        try FileManager.default.createDirectory(atPath: folder.path("words"), withIntermediateDirectories: true)
        try folder.write("fifo.yaml", lyricsManifest("pipe"))
        #expect(mkfifo(folder.path("pipe"), 0o600) == 0)
        let result = try await folder.validate("dir.yaml", "fifo.yaml")
        #expect(result.exitCode == 2)
        #expect(
            result.stderr == """
                dir.yaml:7:18: error: song 'a': lyrics_file words is a folder, not a regular file; name a UTF-8 text file.
                fifo.yaml:7:18: error: song 'a': lyrics_file pipe is a pipe (FIFO), not a regular file; name a UTF-8 \
                text file.

                """)
    }
}

@Suite struct ManifestInputCLITests {
    @Test func aManifestOverTheSizeLimitIsRefusedBeforeParsing() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let text = "setlist: 1\nalbum: A\n# " + String(repeating: "x", count: 5 << 20) + "\n"
        try folder.write("huge.yaml", text)
        let result = try await folder.validate("huge.yaml")
        #expect(result.exitCode == 2)
        #expect(
            result.stderr == "huge.yaml:1:1: error: the manifest is \(text.utf8.count) bytes, more than the 4 MiB "
                + "a manifest may have; check that the right file was given, and keep long lyrics in lyrics_file files.\n"
        )
    }

    @Test func aPipeIsNotReadAsAManifest() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        #expect(mkfifo(folder.path("album.yaml"), 0o600) == 0)
        let result = try await folder.validate("album.yaml")
        #expect(result.exitCode == 2)
        #expect(result.stderr == "album.yaml: error: this is a pipe (FIFO), not a manifest file; name a YAML file.\n")
    }

    @Test func aByteOrderMarkIsIgnored() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let manifest = "setlist: 1\nalbum: A\nsongs:\n  - id: a\n    prompt: x\n"
        try folder.write("bom.yaml", Data([0xEF, 0xBB, 0xBF]) + Data(manifest.utf8))
        let result = try await folder.validate("bom.yaml")
        #expect(result.exitCode == 0, "\(result.stderr)")
    }
}

extension CLIRunner {
    /// `path` with every symlink resolved, as the binary names files in its messages.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else {
            guard let folder = realpath((path as NSString).deletingLastPathComponent, nil) else { return nil }
            defer { free(folder) }
            return String(cString: folder) + "/" + (path as NSString).lastPathComponent
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
