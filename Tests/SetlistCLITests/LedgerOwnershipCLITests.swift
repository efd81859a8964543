import Foundation
import SetlistTestSupport
import Testing

@Suite("A ledger belongs to one manifest", .serialized)
struct LedgerOwnershipCLITests {
    /// `starter.yaml` and a second album beside it, both writing `shared.ledger.json`.
    private static func workspace(_ simulator: SimulatorHarness) throws -> AlbumWorkspace {
        let shared = { (text: String) in text + "output:\n  ledger: shared.ledger.json\n" }
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: simulator.baseURL, edit: shared)
        let other = try String(contentsOf: workspace.manifest, encoding: .utf8)
            .replacingOccurrences(of: "album: First Light", with: "album: Second Light")
        try other.write(to: workspace.directory.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        return workspace
    }

    private static func paid(_ simulator: SimulatorHarness) async throws -> Double? {
        try await simulator.admin("stats").value("paid_submissions", "created") as? Double
    }

    @Test func anotherManifestIsRefusedBeforeAnythingIsSent() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try Self.workspace(simulator)
        defer { workspace.remove() }
        let first = try await workspace.run()
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(try await Self.paid(simulator) == 1)
        let ledger = workspace.directory.appendingPathComponent("shared.ledger.json")
        let before = try Data(contentsOf: ledger)

        let second = try await CLIRunner.run(
            ["run", "b.yaml"], in: workspace.directory, environment: ["SETLIST_TEST_KEY": AlbumWorkspace.key])
        #expect(second.exitCode == 2)
        let ledgerPath = try #require(CLIRunner.realPath(ledger.path))
        #expect(
            second.stderr.contains(
                """
                error: the ledger \(ledgerPath) belongs to the manifest starter.yaml (relative to the ledger's folder), \
                not to b.yaml; two albums in one ledger would reset each other's jobs and pay for them again, so nothing \
                was sent. Give b.yaml its own output.ledger. If it is starter.yaml renamed or moved, move it back, or run \
                setlist run b.yaml --adopt-ledger once to make the ledger its own.
                """), "\(second.stderr)")
        #expect(try await Self.paid(simulator) == 1)
        #expect(try Data(contentsOf: ledger) == before)

        for command in ["status", "plan", "report"] {
            let shown = try await CLIRunner.run([command, "b.yaml"], in: workspace.directory)
            #expect(shown.exitCode == 2, "\(command): \(shown.stdout)")
            #expect(shown.stderr.contains("belongs to the manifest starter.yaml"), "\(command): \(shown.stderr)")
        }
        await simulator.stop()
    }

    @Test func twoManifestsInOneRunSendNothing() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try Self.workspace(simulator)
        defer { workspace.remove() }
        let result = try await workspace.run([workspace.directory.appendingPathComponent("b.yaml").path])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("is also the ledger of"), "\(result.stderr)")
        #expect(try await Self.paid(simulator) ?? 0 == 0)
        await simulator.stop()
    }

    @Test func aRenamedManifestAdoptsItsLedgerWithoutPaying() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try Self.workspace(simulator)
        defer { workspace.remove() }
        #expect(try await workspace.run().exitCode == 0)
        let renamed = workspace.directory.appendingPathComponent("first-light.yaml")
        try FileManager.default.moveItem(at: workspace.manifest, to: renamed)
        let moved = AlbumWorkspace(existing: workspace.directory, manifest: renamed)
        let refused = try await moved.run()
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("--adopt-ledger"))
        let adopted = try await moved.run(["--adopt-ledger"])
        #expect(adopted.exitCode == 0, "\(adopted.stderr)")
        #expect(try await moved.run().exitCode == 0)
        #expect(try await Self.paid(simulator) == 1)
        await simulator.stop()
    }
}
