import Foundation
import SetlistSimulator
import SetlistTestSupport
import Testing

/// Careless or hostile options and keys: each is refused with exit 2 and a sentence before anything is paid, or
/// (a key's trailing newline) quietly repaired.
@Suite("Careless options, output files and keys, end to end", .serialized)
struct CarelessInputCLITests {
    /// The kind of the directory entry at `path` (a link is not followed), or nil when there is none.
    static func fileType(_ path: String) -> mode_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : nil
    }

    @Test func metricsFileNeverReplacesTheLedgerTheManifestALinkOrAFIFO() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        #expect(try await workspace.run(["--quiet"]).exitCode == 0)
        let ledger = workspace.directory.appendingPathComponent("starter.ledger.json").path
        let link = workspace.directory.appendingPathComponent("metrics-link.prom").path
        let fifo = workspace.directory.appendingPathComponent("metrics.fifo").path
        #expect(symlink(ledger, link) == 0)
        #expect(mkfifo(fifo, 0o644) == 0)
        let paid = try await simulator.admin("stats").value("paid_submissions", "created") as? Double
        let take = workspace.directory.appendingPathComponent("out/first-light/takes/01-first-light/g1-t1.mp3").path
        let cases: [(target: String, says: String)] = [
            (ledger, "names a ledger, and setlist never writes over a ledger, its journal or lock, or a manifest"),
            (take, "names a file in the folder of paid takes of '\(workspace.manifest.path)'"),
            (workspace.manifest.path, "names the manifest '\(workspace.manifest.path)'"),
            (link, "is a symbolic link, and setlist does not write through links"),
            (fifo, "is a named pipe (FIFO), not a regular file"),
        ]
        for (target, says) in cases {
            let ledgerBefore = try Data(contentsOf: URL(fileURLWithPath: ledger))
            let manifestBefore = try Data(contentsOf: workspace.manifest)
            let takeBefore = try Data(contentsOf: URL(fileURLWithPath: take))
            let result = try await workspace.run(["--force", "first-light", "--metrics-file", target])
            #expect(result.exitCode == 2, "\(target): \(result.stderr)")
            #expect(result.stderr.contains("--metrics-file '\(target)' \(says)"), "\(result.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: ledger)) == ledgerBefore)
            #expect(try Data(contentsOf: workspace.manifest) == manifestBefore)
            #expect(try Data(contentsOf: URL(fileURLWithPath: take)) == takeBefore)
        }
        #expect(Self.fileType(link) == S_IFLNK)
        #expect(Self.fileType(fifo) == S_IFIFO)
        #expect(!FileManager.default.fileExists(atPath: ledger + ".lock"))
        #expect(try await simulator.admin("stats").value("paid_submissions", "created") as? Double == paid)
        await simulator.stop()
    }

    @Test func reportNeverReplacesTheManifestOrItsLedger() async throws {
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: nil)
        defer { workspace.remove() }
        let before = try Data(contentsOf: workspace.manifest)
        for target in [workspace.manifest.path, "starter.sim.ledger.json"] {
            let result = try await CLIRunner.run(
                ["report", workspace.manifest.path, "--simulate", "-o", target], in: workspace.directory)
            #expect(result.exitCode == 2, "\(result.stderr)")
            #expect(result.stderr.contains("-o '\(target)' names"), "\(result.stderr)")
        }
        #expect(try Data(contentsOf: workspace.manifest) == before)
        #expect(
            !FileManager.default.fileExists(
                atPath: workspace.directory.appendingPathComponent("starter.sim.ledger.json").path))
    }

    @Test(arguments: ["0", "nan", "1e-300", "-1", "inf", "2000000"])
    func aSpeedOutsideItsRangeIsAUsageErrorAndNothingRuns(speed: String) async throws {
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: nil)
        defer { workspace.remove() }
        let result = try await CLIRunner.run(
            ["run", workspace.manifest.path, "--simulate", "--speed=\(speed)"], in: workspace.directory)
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--speed must be a number from 0.001 to 1000000"), "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: workspace.directory.path)
        #expect(!files.contains { $0.contains("ledger") }, "\(files)")
    }

    @Test func speedWithoutSimulateIsAUsageError() async throws {
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: "http://127.0.0.1:9")
        defer { workspace.remove() }
        let result = try await CLIRunner.run(
            ["run", workspace.manifest.path, "--speed", "5"], in: workspace.directory,
            environment: ["SETLIST_TEST_KEY": AlbumWorkspace.key])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--speed applies only to simulated runs"), "\(result.stderr)")
    }

    @Test(arguments: ["", ",", " , "])
    func anEmptyOnlyIsAUsageError(only: String) async throws {
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: nil)
        defer { workspace.remove() }
        let result = try await CLIRunner.run(
            ["run", workspace.manifest.path, "--simulate", "--only", only], in: workspace.directory)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--only was given no job id"), "\(result.stderr)")
    }

    @Test func aForcedJobRunsEvenWhenOnlyLeavesItOut() async throws {
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: nil)
        defer { workspace.remove() }
        let result = try await CLIRunner.run(
            ["plan", workspace.manifest.path, "--only", "tidewater", "--force", "driftwood", "--format", "json"],
            in: workspace.directory)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let actions = Dictionary(
            uniqueKeysWithValues: (document?["jobs"] as? [[String: Any]] ?? []).map {
                ($0["id"] as? String ?? "", $0["action"] as? String ?? "")
            })
        #expect(actions["tidewater"] == "submit", "\(actions)")
        #expect(actions["driftwood"] == "submit", "\(actions)")
        #expect(actions["salt-and-sun"] != "submit", "\(actions)")
    }

    @Test func aKeyWithATrailingNewlineIsTrimmedAndTheRunProceeds() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let result = try await CLIRunner.run(
            ["run", workspace.manifest.path, "--quiet"], in: workspace.directory,
            environment: ["SETLIST_TEST_KEY": AlbumWorkspace.key + "\n"])
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let stats = try await simulator.admin("stats")
        #expect(stats.value("paid_submissions", "created") as? Double == 1)
        #expect(stats.value("requests", "POST /v1/audios/generations", "401") == nil)
        await simulator.stop()
    }

    @Test(arguments: ["\u{1B}", "\r", "é", " "])
    func aKeyWithAnInnerControlOrNonASCIICharacterExitsTwoWithoutShowingIt(inner: String) async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let head = "test-key-5b9e"
        let tail = "1f0c2d7a4e8b"
        let result = try await CLIRunner.run(
            ["run", workspace.manifest.path], in: workspace.directory,
            environment: ["SETLIST_TEST_KEY": head + inner + tail])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("The API key in the environment variable SETLIST_TEST_KEY contains"))
        for output in [result.stdout, result.stderr] {
            #expect(!output.contains(head) && !output.contains(tail), "\(output)")
        }
        let stats = try await simulator.admin("stats")
        #expect(stats.value("requests", "POST /v1/audios/generations") == nil, "\(stats)")
        #expect(stats.value("paid_submissions", "created") as? Double == 0)
        await simulator.stop()
    }

    @Test func anApiKeyEnvThatLooksLikeAKeyIsNeverPrintedBack() async throws {
        let lookalike = "Xk9fQ2mLp8RtZ3vBn7Wc4Hd1"
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: "http://127.0.0.1:9") {
            $0.replacingOccurrences(of: "api_key_env: SETLIST_TEST_KEY", with: "api_key_env: \(lookalike)")
        }
        defer { workspace.remove() }
        let result = try await CLIRunner.run(["run", workspace.manifest.path], in: workspace.directory)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("provider.api_key_env in the manifest looks like an API key itself"))
        #expect(!result.stdout.contains(lookalike) && !result.stderr.contains(lookalike), "\(result.stderr)")
    }
}
