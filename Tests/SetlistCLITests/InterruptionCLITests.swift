import Foundation
import SetlistCore
import SetlistEngine
import SetlistTestSupport
import Testing

/// A signal at a chosen moment and a reader that goes away, a provider that forgets a task for a moment, and simulated albums that
/// resume: the run stops cleanly or goes on, and nothing is paid twice.
@Suite("setlist run, interrupted and resumed", .serialized)
struct InterruptionCLITests {
    /// The album's ledger in `workspace`.
    func ledger(_ workspace: AlbumWorkspace, simulated: Bool = false) throws -> Ledger {
        let name = simulated ? "album.sim.ledger.json" : "album.ledger.json"
        return try LedgerStore.load(path: workspace.directory.appendingPathComponent(name).path).ledger
    }

    func paidTasks(_ simulator: SimulatorHarness) async throws -> Double? {
        try await simulator.admin("stats").value("paid_submissions", "created") as? Double
    }

    @Test func sighupStopsTheRunLikeSigtermAndTheNextRunResumesWithoutPayingTwice() async throws {
        let simulator = try await SimulatorHarness.start(speed: 20)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let stopped = try await CLIRunner.run(
            ["run", workspace.manifest.path], in: workspace.directory,
            environment: ["SETLIST_TEST_KEY": AlbumWorkspace.key]
        ) { process in
            var waited = 0
            while try await paidTasks(simulator) ?? 0 < 2, waited < 300 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            try process.send(SIGHUP)
        }
        if case .signaled = stopped.termination { Issue.record("SIGHUP must not kill the run outright") }
        #expect(stopped.exitCode == 75)
        let lock = workspace.directory.appendingPathComponent("album.ledger.json.lock").path
        #expect(!FileManager.default.fileExists(atPath: lock), "the lock is released")
        for (id, job) in try ledger(workspace).jobs {
            #expect(job.state != .unknown, "\(id) is left looking like an unconfirmed submission")
            for attempt in job.attempts where attempt.outcome == .submitting || attempt.outcome == .unknown {
                Issue.record("\(id) attempt \(attempt.number) has an intent but neither a task id nor an answer")
            }
        }
        let paidBefore = try await paidTasks(simulator) ?? 0
        #expect(paidBefore >= 2)

        let resumed = try await workspace.run(["--quiet"])
        #expect(resumed.exitCode == 0, "stdout: \(resumed.stdout)\nstderr: \(resumed.stderr)")
        #expect(try await paidTasks(simulator) == 8, "every job paid for once, across both runs")
        #expect(try ledger(workspace).jobs.values.allSatisfy { $0.state == .completed })
        await simulator.stop()
    }

    @Test func aReaderThatGoesAwayDoesNotStopTheRun() async throws {
        let simulator = try await SimulatorHarness.start(speed: 50)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let (firstLine, termination) = try await CLIRunner.runClosingOutputAfterFirstLine(
            ["run", workspace.manifest.path], in: workspace.directory,
            environment: ["SETLIST_TEST_KEY": AlbumWorkspace.key])
        #expect(!firstLine.isEmpty)
        if case .signaled = termination { Issue.record("a closed pipe must not kill the run (SIGPIPE)") }
        #expect(termination == .exited(0))
        #expect(try await paidTasks(simulator) == 8)
        #expect(try ledger(workspace).jobs.values.allSatisfy { $0.state == .completed })
        let lock = workspace.directory.appendingPathComponent("album.ledger.json.lock").path
        #expect(!FileManager.default.fileExists(atPath: lock))
        await simulator.stop()
    }

    @Test func aTaskTheProviderForgetsForAMomentIsNotPaidForAgain() async throws {
        let simulator = try await SimulatorHarness.start(speed: 200, faults: "notfound=0.4", seed: 5)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL) {
            $0.replacingOccurrences(of: "backoff: {initial: 5s, max: 2m}", with: "backoff: {initial: 1s, max: 2s}")
        }
        defer { workspace.remove() }
        let result = try await workspace.run()
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("does not exist; setlist asks about it again"), "the fault must have fired")
        #expect(try await paidTasks(simulator) == 8, "a 404 on polling never starts a new paid attempt")
        #expect(try ledger(workspace).jobs.values.allSatisfy { $0.attempts.count == 1 && $0.state == .completed })
        await simulator.stop()
    }

    @Test func aSimulatedAlbumWithPersonasResumesAndReRollsLikeARealOne() async throws {
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: nil)
        defer { workspace.remove() }
        let first = try await CLIRunner.run(
            ["run", workspace.manifest.path, "--simulate", "--speed", "400", "--quiet"], in: workspace.directory)
        #expect(first.exitCode == 0, "stdout: \(first.stdout)\nstderr: \(first.stderr)")
        let state = workspace.directory.appendingPathComponent("album.sim.state.json").path
        #expect(FileManager.default.fileExists(atPath: state), "the simulated provider's state is kept")
        let stateText = try String(contentsOfFile: state, encoding: .utf8)
        #expect(!stateText.contains("sim-"), "no simulated key is saved")

        let reroll = try await CLIRunner.run(
            ["run", workspace.manifest.path, "--simulate", "--speed", "400", "--force", "harbor-lights"],
            in: workspace.directory)
        #expect(reroll.exitCode == 0, "stdout: \(reroll.stdout)\nstderr: \(reroll.stderr)")
        let harbor = try #require(try ledger(workspace, simulated: true).jobs["harbor-lights"])
        #expect(harbor.state == .completed)
        #expect(harbor.generations.count == 2, "the re-roll is a second generation, sung with the same persona")
    }
}
