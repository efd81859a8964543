import Foundation
import SetlistEngine
import Testing

/// The writer of files a user asks for: what it refuses, and how it writes.
@Suite struct OutputFileTests {
    func output(_ path: String, protecting: [OutputFile.Protected] = [], creates: Bool = false) throws -> OutputFile {
        try OutputFile(
            path: path, purpose: "the metrics file", option: "--metrics-file", protecting: protecting,
            createsDirectories: creates)
    }

    @Test func aHardLinkOrAnotherSpellingOfAProtectedFileIsRefused() throws {
        let scratch = try ScratchDirectory()
        let ledger = scratch.path + "/state.json"
        scratch.write(ledger, Array("ledger".utf8))
        #expect(link(ledger, scratch.path + "/alias.prom") == 0)
        let protected = [OutputFile.Protected(path: ledger, role: "the ledger of 'album.yaml'")]
        for path in [scratch.path + "/alias.prom", scratch.path + "/./sub/../state.json"] {
            try FileManager.default.createDirectory(atPath: scratch.path + "/sub", withIntermediateDirectories: true)
            #expect {
                try output(path, protecting: protected)
            } throws: { error in
                "\(error)" == "--metrics-file '\(path)' names the ledger of 'album.yaml', and setlist never writes "
                    + "over a ledger, its journal or lock, or a manifest; choose another path for the metrics file."
            }
        }
        #expect(scratch.read(ledger) == Array("ledger".utf8))
    }

    @Test(arguments: ["x.ledger.json", "x.ledger.json.journal", "x.lock"])
    func ledgerJournalAndLockNamesAreRefusedWhoeverTheyBelongTo(name: String) throws {
        let scratch = try ScratchDirectory()
        #expect(throws: OutputFileError.self) { try output(scratch.path + "/" + name) }
    }

    @Test func aDirectoryAndAMissingDirectoryAreRefused() throws {
        let scratch = try ScratchDirectory()
        #expect {
            try output(scratch.path)
        } throws: { error in
            "\(error)".contains("is a directory, not a regular file")
        }
        #expect {
            try output(scratch.path + "/missing/metrics.prom")
        } throws: { error in
            "\(error)".contains("which does not exist; create it or choose another path")
        }
    }

    @Test func writeReplacesAtomicallyKeepsThePermissionsAndLeavesNoTemporaryFile() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/metrics.prom"
        scratch.write(path, Array("old".utf8))
        #expect(chmod(path, 0o640) == 0)
        try output(path).write(Array("new".utf8))
        #expect(scratch.read(path) == Array("new".utf8))
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o640)
        #expect(scratch.files() == ["metrics.prom"])
    }

    @Test func writeCreatesMissingDirectoriesWhenAllowed() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/site/album/index.html"
        try output(path, creates: true).write(Array("<html>".utf8))
        #expect(scratch.read(path) == Array("<html>".utf8))
    }

    @Test func aTargetThatBecameALinkAfterTheCheckIsRefusedAtWriteTime() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path + "/metrics.prom"
        let file = try output(path)
        scratch.write(scratch.ledgerPath, Array("ledger".utf8))
        #expect(symlink(scratch.ledgerPath, path) == 0)
        #expect {
            try file.write(Array("metrics".utf8))
        } throws: { error in
            "\(error)".contains("is a symbolic link, and setlist does not write through links")
        }
        #expect(scratch.read(scratch.ledgerPath) == Array("ledger".utf8))
    }
}
