import Foundation
import SetlistCore
import SetlistTestSupport
import Testing

@Suite("setlist init, end to end")
struct InitCLITests {
    /// A fresh temporary folder that does not exist yet, and the one to remove afterwards.
    private static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("setlist-init-\(UUID().uuidString)")
    }

    private static func text(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    @Test func createsAnAlbumThatValidatesWithTheSchemaItNames() async throws {
        let root = Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let album = root.appendingPathComponent("new album")
        let result = try await CLIRunner.run(["init", album.path])
        #expect(result.exitCode == 0, "\(result.stderr)")
        for file in ["album.yaml", "lyrics/first-light.txt", "schemas/manifest.schema.json", ".gitignore"] {
            #expect(result.stdout.contains(album.appendingPathComponent(file).path), "\(file) is not listed")
        }
        let quoted = "'\(album.path)/album.yaml'"
        #expect(result.stdout.contains("setlist validate \(quoted)\n"))
        #expect(result.stdout.contains("setlist run \(quoted) --simulate\n"))

        let manifest = try Self.text(album.appendingPathComponent("album.yaml"))
        let firstLine = try #require(manifest.split(separator: "\n").first)
        #expect(firstLine == "# yaml-language-server: $schema=schemas/manifest.schema.json")
        let schema = try Self.text(album.appendingPathComponent("schemas/manifest.schema.json"))
        #expect(schema == ManifestSchema.text)
        let starter = try Self.text(CLIRunner.repositoryRoot.appendingPathComponent("manifests/starter.yaml"))
        let body = starter.split(separator: "\n", omittingEmptySubsequences: false).drop { $0.hasPrefix("#") }
        #expect(manifest.hasSuffix(body.joined(separator: "\n")), "the manifest is the starter under a new header")
        #expect(!manifest.contains("manifests/"), "the header speaks of the new folder, not setlist's repository")

        let validated = try await CLIRunner.run(["validate", album.appendingPathComponent("album.yaml").path])
        #expect(validated.exitCode == 0, "\(validated.stderr)")
        #expect(validated.stderr.isEmpty, "not even a warning: \(validated.stderr)")
    }

    @Test func theCommentedCustomModeSongValidatesWithTheExampleLyrics() async throws {
        let album = Self.scratch()
        defer { try? FileManager.default.removeItem(at: album) }
        #expect(try await CLIRunner.run(["init", album.path]).exitCode == 0)
        let path = album.appendingPathComponent("album.yaml")
        let lines = try Self.text(path).split(separator: "\n", omittingEmptySubsequences: false)
        let custom = lines.filter { $0.hasPrefix("#     ") }.map { "    " + $0.dropFirst(6) }
        #expect(custom.contains("    lyrics_file: lyrics/first-light.txt"))
        let edited = lines.flatMap { line in
            line.hasPrefix("    prompt: ") ? custom : line.hasPrefix("#     ") ? [] : [String(line)]
        }
        try edited.joined(separator: "\n").write(to: path, atomically: true, encoding: .utf8)
        let validated = try await CLIRunner.run(["validate", path.path])
        #expect(validated.exitCode == 0, "\(validated.stderr)")
        #expect(validated.stderr.isEmpty, "\(validated.stderr)")
    }

    @Test func refusesAFolderThatHoldsAnythingAndAFileAndFillsAnEmptyFolder() async throws {
        let album = Self.scratch()
        defer { try? FileManager.default.removeItem(at: album) }
        try FileManager.default.createDirectory(at: album, withIntermediateDirectories: true)
        let notes = album.appendingPathComponent("notes.txt")
        try Data("mine".utf8).write(to: notes)
        let refused = try await CLIRunner.run(["init", album.path])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.hasPrefix("error: The folder '\(album.path)' is not empty (it holds 'notes.txt')"))
        #expect(refused.stderr.contains("name a new folder or an empty one"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: album.path) == ["notes.txt"])

        let file = try await CLIRunner.run(["init", notes.path])
        #expect(file.exitCode == 2)
        #expect(file.stderr.contains("is a file, not a folder"))
        #expect(try Self.text(notes) == "mine")

        try FileManager.default.removeItem(at: notes)
        #expect(try await CLIRunner.run(["init", album.path]).exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: album.appendingPathComponent("album.yaml").path))
    }

    @Test(.enabled(if: ExternalTool.available([["git", "--version"]]), "git is not installed"))
    func afterASimulatedRunGitSeesOnlyTheAlbumsSourceAndLedger() async throws {
        let album = Self.scratch()
        defer { try? FileManager.default.removeItem(at: album) }
        #expect(try await CLIRunner.run(["init", album.path]).exitCode == 0)
        let run = try await CLIRunner.run(
            ["run", "album.yaml", "--simulate", "--speed", "1000"], in: album)
        #expect(run.exitCode == 0, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        // What a real run leaves beside them, and the page.
        for file in [
            "album.ledger.json", "album.ledger.json.journal", "album.ledger.json.lock", "album.ledger.json.tmp",
            "out/first-light/takes/01-first-light/g1-t1.mp3", "album.html",
        ] {
            let url = album.appendingPathComponent(file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        #expect(try ExternalTool.status(["git", "-C", album.path, "init", "--quiet"]) == 0)
        let listed = try ExternalTool.output([
            "git", "-C", album.path, "ls-files", "--others", "--exclude-standard",
        ])
        let kept = Set(String(decoding: listed, as: UTF8.self).split(separator: "\n").map(String.init))
        #expect(
            kept == [
                ".gitignore", "album.yaml", "lyrics/first-light.txt", "schemas/manifest.schema.json",
                "album.ledger.json", "album.ledger.json.journal",
            ])
    }
}
