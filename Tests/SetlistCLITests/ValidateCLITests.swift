import Foundation
import SetlistTestSupport
import Testing

@Suite struct ValidateCLITests {
    static let invalid = "Tests/SetlistCoreTests/Fixtures/invalid"

    @Test(arguments: [
        ("manifests/starter.yaml", "1 song, 0 personas"), ("manifests/album.yaml", "7 songs, 1 persona"),
        ("manifests/instrumental-ep.yaml", "4 songs, 0 personas"),
        ("manifests/long-songs.yaml", "4 songs, 1 persona, 1 lyrics job, 2 extensions, 1 join, 4 WAV masters"),
    ])
    func examplesAreValid(path: String, counts: String) async throws {
        let result = try await CLIRunner.run(["validate", path])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "\(path): ok (\(counts))\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func severalFilesReportEachAndFailTogether() async throws {
        let cycle = "\(Self.invalid)/cycle-after.yaml"
        let typo = "\(Self.invalid)/unknown-key-typo.yaml"
        let result = try await CLIRunner.run(["validate", "manifests/starter.yaml", cycle, typo])
        #expect(result.exitCode == 2)
        #expect(result.stdout == "manifests/starter.yaml: ok (1 song, 0 personas)\n")
        #expect(
            result.stderr == """
                \(cycle):8:13: error: dependency cycle: a -> b -> a; each job would wait for the next. Remove one of \
                these references.
                \(typo):7:5: error: unknown key 'instrumentl' in song 'sunset'; did you mean 'instrumental'?

                """)
    }

    @Test func diagnosticsAreSortedByPosition() async throws {
        let path = "\(Self.invalid)/many-errors.yaml"
        let result = try await CLIRunner.run(["validate", path])
        #expect(result.exitCode == 2)
        let positions = result.stderr.split(separator: "\n").map { line in
            line.dropFirst(path.count + 1).split(separator: ":").prefix(2).compactMap { Int($0) }
        }
        #expect(positions.count == 4)
        #expect(positions == positions.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) })
    }

    @Test func binaryFileIsALocatedError() async throws {
        let path = "\(Self.invalid)/garbage.bin"
        let result = try await CLIRunner.run(["validate", path])
        #expect(result.exitCode == 2)
        #expect(result.stderr.hasPrefix("\(path):1:1: error: the manifest is not UTF-8 text"))
    }

    @Test func warningsDoNotFail() async throws {
        let path = "\(Self.invalid)/weight-too-precise.yaml"
        let result = try await CLIRunner.run(["validate", path])
        #expect(result.exitCode == 0)
        #expect(result.stderr.hasPrefix("\(path):10:19: warning: song 'precise': audio_weight 0.123"))
        #expect(result.stdout == "\(path): ok (1 song, 0 personas)\n")
    }

    @Test func missingFileIsAClearError() async throws {
        let result = try await CLIRunner.run(["validate", "manifests/no-such-album.yaml"])
        #expect(result.exitCode == 2)
        #expect(
            result.stderr == "manifests/no-such-album.yaml: error: no manifest file at this path; check the "
                + "path and the working directory.\n")
        #expect(result.stdout.isEmpty)
        let directory = try await CLIRunner.run(["validate", "manifests"])
        #expect(directory.exitCode == 2)
        #expect(directory.stderr.hasPrefix("manifests: error: this is a directory"))
    }

    @Test func lyricsFilesAreReadBesideTheManifest() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("setlist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("words"), withIntermediateDirectories: true
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest =
            "setlist: 1\nalbum: A\nsongs:\n  - id: a\n    title: A\n    style: pop\n"
            + "    lyrics_file: words/a.txt\n"
        try Data(manifest.utf8).write(to: directory.appendingPathComponent("a.yaml"))
        try Data("[Verse] la".utf8).write(to: directory.appendingPathComponent("words/a.txt"))
        let result = try await CLIRunner.run(["validate", directory.appendingPathComponent("a.yaml").path])
        #expect(result.exitCode == 0, "\(result.stderr)")
    }

    @Test func schemaCommandPrintsTheSchemaFile() async throws {
        let result = try await CLIRunner.run(["schema", "manifest"])
        let file = try String(
            contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("schemas/manifest.schema.json"), encoding: .utf8
        )
        #expect(result.exitCode == 0)
        #expect(result.stdout == file)
    }

    @Test func schemaCommandRejectsUnknownDocuments() async throws {
        let result = try await CLIRunner.run(["schema", "playlist"])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("manifest"))
        #expect(result.stdout.isEmpty)
    }
}
