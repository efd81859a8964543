import Foundation
import SetlistCore
import SetlistTestSupport
import Testing

@Suite("the version, help and shell completions")
struct VersionCLITests {
    private static let subcommands = [
        "init", "run", "plan", "status", "report", "album", "validate", "simulate", "schema",
    ]

    @Test func versionAndHelpNameTheVersion() async throws {
        let version = try await CLIRunner.run(["--version"])
        #expect(version.exitCode == 0)
        #expect(version.stdout == SetlistVersion.current + "\n")
        let help = try await CLIRunner.run(["--help"])
        #expect(help.exitCode == 0)
        #expect(help.stdout.contains("This is setlist \(SetlistVersion.current)."))
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func theCompletionScriptNamesEverySubcommand(shell: String) async throws {
        let result = try await CLIRunner.run(["--generate-completion-script", shell])
        #expect(result.exitCode == 0, "\(result.stderr)")
        for subcommand in Self.subcommands {
            #expect(result.stdout.contains(subcommand), "\(shell) completion lacks \(subcommand)")
        }
        #expect(result.stdout.contains("log-format"))
    }

    @Test(.enabled(if: ExternalTool.available([["bash", "--version"]]), "bash is not installed"))
    func bashAcceptsTheCompletionScript() async throws {
        let result = try await CLIRunner.run(["--generate-completion-script", "bash"])
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("setlist-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: script) }
        try Data(result.stdout.utf8).write(to: script)
        #expect(try ExternalTool.status(["bash", "-n", script.path]) == 0)
        let loaded = try ExternalTool.output(["bash", "-c", "source '\(script.path)' && complete -p setlist"])
        #expect(String(decoding: loaded, as: UTF8.self).hasPrefix("complete "))
    }

    @Test func eachRunRecordsTheVersionInTheLedger() async throws {
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: nil)
        defer { workspace.remove() }
        let run = try await CLIRunner.run(
            ["run", workspace.manifest.path, "--simulate", "--speed", "1000", "--quiet"], in: workspace.directory)
        #expect(run.exitCode == 0, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        let ledger = workspace.directory.appendingPathComponent("starter.sim.ledger.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: ledger)) as? [String: Any]
        let runs = try #require(object?["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        #expect(runs.last?["setlist_version"] as? String == SetlistVersion.current)
    }
}
