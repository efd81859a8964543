import Foundation
import SetlistTestSupport
import Testing

@Suite struct SharedPathsCLITests {
    private static let songs = "songs:\n  - id: a\n    prompt: x\n"

    @Test func twoManifestsWithOneLedgerAreRefusedTogether() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try folder.write("a.yaml", "setlist: 1\nalbum: A\noutput: {ledger: shared.ledger.json}\n" + Self.songs)
        try folder.write("b.yaml", "setlist: 1\nalbum: B\noutput: {ledger: shared.ledger.json}\n" + Self.songs)
        let result = try await folder.validate("a.yaml", "b.yaml")
        let ledger = try #require(CLIRunner.realPath(folder.path("shared.ledger.json")))
        #expect(result.exitCode == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == """
                a.yaml:3:18: error: the ledger \(ledger) is also the ledger of b.yaml (line 3); two albums in one ledger \
                would reset each other's jobs and pay for them again. Give each manifest its own output.ledger.
                b.yaml:3:18: error: the ledger \(ledger) is also the ledger of a.yaml (line 3); two albums in one ledger \
                would reset each other's jobs and pay for them again. Give each manifest its own output.ledger.

                """)
    }

    @Test func defaultLedgersOfYamlAndYmlCollide() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try folder.write("album.yaml", "setlist: 1\nalbum: A\n" + Self.songs)
        try folder.write("album.yml", "setlist: 1\nalbum: B\n" + Self.songs)
        let result = try await folder.validate("album.yaml", "album.yml")
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("album.yaml:1:1: error: the ledger "), "\(result.stderr)")
        #expect(result.stderr.contains("album.ledger.json is also the ledger of album.yml (line 1)"))
    }

    @Test func albumNamesThatSlugAlikeShareAScratchFolder() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try folder.write("a.yaml", "setlist: 1\nalbum: Night Drive\n" + Self.songs)
        try folder.write("b.yaml", "setlist: 1\nalbum: \"NIGHT-DRIVE!\"\n" + Self.songs)
        try folder.write("c.yaml", "setlist: 1\nalbum: 夜のドライブ\n" + Self.songs)
        try folder.write("d.yaml", "setlist: 1\nalbum: 🌙🚗\n" + Self.songs)
        try folder.write("e.yaml", "setlist: 1\nalbum: 🌃🚙\n" + Self.songs)
        let result = try await folder.validate("a.yaml", "b.yaml", "c.yaml", "d.yaml", "e.yaml")
        let out = try #require(CLIRunner.realPath(folder.path("."))) + "/out/night-drive"
        #expect(result.exitCode == 2)
        #expect(
            result.stdout == "c.yaml: ok (1 song, 0 personas)\nd.yaml: ok (1 song, 0 personas)\n"
                + "e.yaml: ok (1 song, 0 personas)\n")
        #expect(
            result.stderr == """
                a.yaml:2:8: error: the output folder \(out) is also the output folder of b.yaml (line 2); each album's run \
                would overwrite the other's files. Give each manifest its own output.dir, or album names that differ in \
                letters or digits.
                b.yaml:2:8: error: the output folder \(out) is also the output folder of a.yaml (line 2); each album's run \
                would overwrite the other's files. Give each manifest its own output.dir, or album names that differ in \
                letters or digits.

                """)
    }
}
