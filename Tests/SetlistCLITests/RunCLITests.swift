import Foundation
import SetlistCore
import SetlistEngine
import SetlistTestSupport
import Testing

@Suite("setlist run, end to end against the simulator", .serialized)
struct RunCLITests {
    @Test func albumChainsThePersonaAndStaysWithinItsLimits() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let result = try await workspace.run()
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")

        let tasks = try await simulator.tasks()
        let persona = try #require(tasks.first { $0["kind"] as? String == "persona" })
        let personaID = try #require(persona["persona_id"] as? String)
        let source = try #require(
            tasks.first { ($0["request"] as? [String: Any])?["title"] as? String == "Salt and Sun" })
        let personaParams = try #require((persona["request"] as? [String: Any])?["model_params"] as? [String: Any])
        #expect(personaParams["source_task_id"] as? String == source["id"] as? String)
        #expect(personaParams["result_id"] as? String == (source["result_ids"] as? [String])?.first)

        let users = tasks.filter { ($0["request"] as? [String: Any])?["persona_id"] != nil }
        #expect(users.count == 3)
        for task in users {
            #expect((task["request"] as? [String: Any])?["persona_id"] as? String == personaID)
        }
        let voice = users.first { ($0["request"] as? [String: Any])?["title"] as? String == "Harbor Lights" }
        #expect((voice?["request"] as? [String: Any])?["persona_model"] as? String == "voice_persona")

        let stats = try await simulator.admin("stats")
        #expect(stats.account("max_in_flight", key: AlbumWorkspace.key) as? Double ?? 99 <= 4)
        #expect(stats.account("max_requests_per_60s", key: AlbumWorkspace.key) as? Double ?? 99 <= 60)
        #expect(stats.value("paid_submissions", "created") as? Double == 8)

        let again = try await workspace.run()
        #expect(again.exitCode == 0)
        #expect(try await simulator.admin("stats").value("paid_submissions", "created") as? Double == 8)
        await simulator.stop()
    }

    @Test func downloadsEveryResultAndRefetchesOnlyWhatWentMissing() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        #expect(try await workspace.run(["--quiet"]).exitCode == 0)
        let ledgerPath = workspace.directory.appendingPathComponent("album.ledger.json").path
        let files = try LedgerStore.load(path: ledgerPath).ledger.jobs.values.flatMap {
            $0.generations.flatMap { $0.results.flatMap(\.files) }
        }
        #expect(files.count == 7 * 2 * 2)
        for file in files {
            let data = try Data(contentsOf: workspace.directory.appendingPathComponent(file.path))
            #expect(Digest.sha256Hex([UInt8](data)) == file.sha256)
            #expect(Int64(data.count) == file.bytes)
        }
        #expect(files.contains { $0.path == "out/coastline-stories/takes/01-salt-and-sun/g1-t1.mp3" })
        #expect(files.contains { $0.path == "out/coastline-stories/takes/07-last-ferry/g1-t2.png" })

        let victim = workspace.directory.appendingPathComponent(
            "out/coastline-stories/takes/03-harbor-lights/g1-t2.mp3")
        let original = try Data(contentsOf: victim)
        try FileManager.default.removeItem(at: victim)
        let altered = workspace.directory.appendingPathComponent("out/coastline-stories/takes/02-tidewater/g1-t1.png")
        try Data("not a cover".utf8).write(to: altered)
        let requestsBefore = try await simulator.admin("stats").value("paid_submissions", "created") as? Double
        let rerun = try await workspace.run()
        #expect(rerun.exitCode == 0, "stdout: \(rerun.stdout)\nstderr: \(rerun.stderr)")
        #expect(try await simulator.admin("stats").value("paid_submissions", "created") as? Double == requestsBefore)
        #expect(try Data(contentsOf: victim) == original)
        #expect(rerun.stdout.components(separatedBy: ": saved ").count - 1 == 2, "\(rerun.stdout)")
        await simulator.stop()
    }

    @Test func finishesEveryJobUnderInjectedFaults() async throws {
        let simulator = try await SimulatorHarness.start(
            faults: "5xx=0.15,drop=0.05,lost=0.05,fail=0.1,malformed=0.05", seed: 5)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL) {
            $0.replacingOccurrences(of: "attempts: 3", with: "attempts: 6")
                .replacingOccurrences(of: "backoff: {initial: 5s, max: 2m}", with: "backoff: {initial: 1s, max: 2s}")
        }
        defer { workspace.remove() }
        var result = try await workspace.run(["--quiet"])
        for _ in 0..<2 where result.exitCode == 1 { result = try await workspace.run(["--quiet"]) }
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let tasks = try await simulator.tasks()
        let keys = tasks.compactMap { $0["idempotency_key"] as? String }
        #expect(Set(keys).count == keys.count, "a submission was charged twice under one key")
        await simulator.stop()
    }

    @Test func finishesWhenTheProviderLimitsHarderThanConfigured() async throws {
        // 8 submissions and at least 3 batch polls (song, persona, persona songs) pass 9 requests a minute.
        let simulator = try await SimulatorHarness.start(speed: 100, rateLimit: 9)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let result = try await workspace.run(["--log-format", "json"])
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let stats = try await simulator.admin("stats")
        let limited = (stats.value("requests") as? [String: Any] ?? [:]).values.compactMap {
            ($0 as? [String: Any])?["429"] as? Double
        }.reduce(0, +)
        #expect(limited >= 1, "the provider never limited the run, so the test proves nothing")
        #expect(stats.value("paid_submissions", "created") as? Double == 8)
        await simulator.stop()
    }

    @Test func rejectedKeyExitsThreeAndTheKeyIsNowhereOnDisk() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let secret = "wrong-key-a3c59e7d11f04b2e"
        let result = try await CLIRunner.run(
            ["run", workspace.manifest.path], in: workspace.directory, environment: ["SETLIST_TEST_KEY": secret])
        #expect(result.exitCode == 3, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        for file in try workspace.writtenFiles() {
            #expect(!String(decoding: file.data, as: UTF8.self).contains(secret), "\(file.path) holds the key")
        }
        let good = try await workspace.run(["--log-format", "json"])
        #expect(good.exitCode == 0)
        for file in try workspace.writtenFiles() {
            #expect(!String(decoding: file.data, as: UTF8.self).contains(AlbumWorkspace.key), "\(file.path)")
        }
        #expect(!good.stdout.contains(AlbumWorkspace.key))
        await simulator.stop()
    }

    @Test func spentCreditsExitFour() async throws {
        let simulator = try await SimulatorHarness.start(credits: 20)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let result = try await workspace.run(["--quiet"])
        #expect(result.exitCode == 4, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        await simulator.stop()
    }

    @Test func budgetReachedExitsFourBeforeOverspending() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL) {
            $0.replacingOccurrences(of: "max_credits: 200", with: "max_credits: 20")
        }
        defer { workspace.remove() }
        let result = try await workspace.run(["--quiet"])
        #expect(result.exitCode == 4, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let spent = try await simulator.tasks().reduce(0.0) { $0 + ($1["credits_reserved"] as? Double ?? 0) }
        #expect(spent <= 20)
        await simulator.stop()
    }

    @Test func deadlineExitsSeventyFiveAndTheNextRunResumes() async throws {
        let simulator = try await SimulatorHarness.start(speed: 20)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL) {
            $0.replacingOccurrences(of: "deadline: 2h", with: "deadline: 2s")
        }
        defer { workspace.remove() }
        let first = try await workspace.run(["--quiet"])
        #expect(first.exitCode == 75, "stdout: \(first.stdout)\nstderr: \(first.stderr)")
        let created = try await simulator.tasks().count
        let text = try String(contentsOf: workspace.manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "deadline: 2s", with: "deadline: 2h")
            .write(to: workspace.manifest, atomically: true, encoding: .utf8)
        let second = try await workspace.run(["--quiet"])
        #expect(second.exitCode == 0, "stdout: \(second.stdout)\nstderr: \(second.stderr)")
        #expect(try await simulator.tasks().count == 8)
        #expect(created <= 8)
        await simulator.stop()
    }

    @Test func failedTasksExitOneAndBlockTheirDependents() async throws {
        let simulator = try await SimulatorHarness.start(faults: "fail=1", seed: 3)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL) {
            $0.replacingOccurrences(of: "attempts: 3", with: "attempts: 1")
        }
        defer { workspace.remove() }
        let result = try await workspace.run()
        #expect(result.exitCode == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("blocked"))
        let ledger = try LedgerStore.load(path: workspace.directory.appendingPathComponent("album.ledger.json").path)
        #expect(ledger.ledger[job: "coast-voice"]?.state == .blocked)
        await simulator.stop()
    }

    @Test func aHeldLockStopsTheRunBeforeAnythingIsSentAndSaysWhoHoldsIt() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let ledger = workspace.directory.appendingPathComponent("album.ledger.json").path
        let lock = RunLock.lockPath(forLedger: ledger)
        let holder = RunLockEnvironment.current(now: { 1_763_723_346_120 })
        let line = "{\"host\":\"\(holder.hostName)\",\"pid\":\(getpid()),\"started_at_ms\":1763723346120}\n"
        try Data(line.utf8).write(to: URL(fileURLWithPath: lock))

        let held = try await workspace.run(["--log-format", "json"])
        #expect(held.exitCode == 75)
        #expect(held.stderr.hasPrefix("error: Another setlist run is using this ledger: process \(getpid())"))
        #expect(held.stderr.contains("holds the lock '\(lock)'"))
        #expect(!held.stdout.contains("error"), "standard output stays JSON lines: \(held.stdout)")
        #expect(try await simulator.tasks().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: ledger))

        try Data().write(to: URL(fileURLWithPath: lock))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: lock)
        let resumed = try await workspace.run(["--quiet"])
        #expect(resumed.exitCode == 0, "stdout: \(resumed.stdout)\nstderr: \(resumed.stderr)")
        #expect(resumed.stdout.contains("which was empty or damaged"))
        #expect(!FileManager.default.fileExists(atPath: lock))
        await simulator.stop()
    }

    @Test func simulateFlagRunsTheExampleInProcess() async throws {
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: nil)
        defer { workspace.remove() }
        let metrics = workspace.directory.appendingPathComponent("setlist.prom")
        let result = try await CLIRunner.run(
            ["run", workspace.manifest.path, "--simulate", "--metrics-file", metrics.path], in: workspace.directory)
        let exposition = try String(contentsOf: metrics, encoding: .utf8)
        #expect(exposition.contains("setlist_jobs{album=\"Coastline Stories\",state=\"completed\"} 8"), "\(exposition)")
        #expect(
            exposition.contains("setlist_requests{album=\"Coastline Stories\",route=\"submit_song\",status=\"200\"} 7"))
        #expect(exposition.contains("setlist_run_exit_code{album=\"Coastline Stories\"} 0"))
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(
            FileManager.default.fileExists(
                atPath: workspace.directory.appendingPathComponent("album.sim.ledger.json").path))
        #expect(
            !FileManager.default.fileExists(
                atPath: workspace.directory.appendingPathComponent("album.ledger.json").path))
        let plan = try await CLIRunner.run(
            ["plan", workspace.manifest.path, "--simulate", "--format", "json"],
            in: workspace.directory)
        #expect(plan.exitCode == 0)
        let document = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any]
        let jobs = document?["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.count == 8)
        #expect(jobs.allSatisfy { $0["action"] as? String == "skip" }, "\(jobs)")
    }

    @Test func missingKeyIsAUsageErrorAndDryRunSendsNothing() async throws {
        let workspace = try AlbumWorkspace(example: "starter.yaml", baseURL: "http://127.0.0.1:9")
        defer { workspace.remove() }
        let missing = try await CLIRunner.run(["run", workspace.manifest.path], in: workspace.directory)
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("SETLIST_TEST_KEY"))
        let dry = try await workspace.run(["--dry-run"])
        #expect(dry.exitCode == 0)
        #expect(dry.stdout.contains("submit"))
        let files = try FileManager.default.contentsOfDirectory(atPath: workspace.directory.path)
        #expect(!files.contains { $0.contains("ledger") })
    }
}
