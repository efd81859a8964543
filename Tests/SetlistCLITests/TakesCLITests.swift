import Foundation
import SetlistCore
import SetlistEngine
import SetlistTestSupport
import Testing

/// Every file under `folder` of the workspace, by path relative to the workspace, with its SHA-256; the album
/// folder, which every run rebuilds from the picks, is left out (AlbumFolderCLITests checks it).
private func hashes(_ workspace: AlbumWorkspace, under folder: String = "out") throws -> [String: String] {
    let root = workspace.directory.appendingPathComponent(folder)
    var result: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
        guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true,
            url.deletingLastPathComponent().lastPathComponent != "album"
        else { continue }
        let relative = String(
            url.standardizedFileURL.path.dropFirst(workspace.directory.standardizedFileURL.path.count + 1))
        result[relative] = Digest.sha256Hex([UInt8](try Data(contentsOf: url)))
    }
    return result
}

private func paid(_ simulator: SimulatorHarness) async throws -> Double {
    try await simulator.admin("stats").value("paid_submissions", "created") as? Double ?? -1
}

private func ledger(_ workspace: AlbumWorkspace, _ name: String = "album.ledger.json") throws -> Ledger {
    try LedgerStore.load(path: workspace.directory.appendingPathComponent(name).path).ledger
}

@Suite("Takes, re-rolls and failure isolation, end to end", .serialized)
struct TakesCLITests {
    @Test func reRollsKeepEveryPaidTakeAndRunNothingElse() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        #expect(try await workspace.run(["--quiet"]).exitCode == 0)
        let first = try hashes(workspace)
        #expect(first.count == 7 * 2 * 2)
        #expect(try await paid(simulator) == 8)

        for round in 1...2 {
            let result = try await workspace.run(["--quiet", "--force", "harbor-lights"])
            #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
            #expect(try await paid(simulator) == Double(8 + round), "a re-roll pays for that song alone")
        }
        let after = try hashes(workspace)
        for (path, hash) in first { #expect(after[path] == hash, "\(path) changed or vanished") }
        let record = try #require(try ledger(workspace)[job: "harbor-lights"])
        let resultIDs = record.generations.flatMap { $0.results.compactMap(\.resultID) }
        #expect(record.generations.count == 3 && resultIDs.count == 6 && Set(resultIDs).count == 6)
        for generation in 1...3 {
            for take in 1...2 {
                #expect(after["out/coastline-stories/takes/03-harbor-lights/g\(generation)-t\(take).mp3"] != nil)
            }
        }
        #expect(record.pick == TakeRef(generation: 3, take: 1), "the default pick follows the newest generation")

        let plan = try await CLIRunner.run(
            ["plan", workspace.manifest.path, "--force", "salt-and-sun", "--format", "json"], in: workspace.directory)
        let jobs = try #require(
            (try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])?["jobs"]
                as? [[String: Any]])
        let submitted = Set(jobs.filter { $0["action"] as? String == "submit" }.compactMap { $0["id"] as? String })
        #expect(submitted == ["salt-and-sun", "coast-voice", "harbor-lights", "undertow", "last-ferry"])
        let result = try await workspace.run(["--quiet", "--force", "salt-and-sun"])
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(try await paid(simulator) == 10 + 5, "the persona follows the new take, and so do its songs")
        let final = try hashes(workspace)
        for (path, hash) in after { #expect(final[path] == hash, "\(path) changed or vanished") }
        await simulator.stop()
    }

    @Test func anExternalPersonaWorksOnBothProviders() async throws {
        for api in ["evolink", "suno-proxy"] {
            let simulator = try await SimulatorHarness.start()
            let switchAPI: (String) -> String = {
                $0.replacingOccurrences(of: "  api: evolink\n", with: "  api: \(api)\n")
            }
            let source = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL, edit: switchAPI)
            defer { source.remove() }
            let environment = ["SETLIST_TEST_KEY": AlbumWorkspace.key, "SETLIST_SUNO_PROXY_TASK_SECONDS": "1"]
            let first = try await CLIRunner.run(
                ["run", source.manifest.path, "--quiet", "--only", "tidewater"], in: source.directory,
                environment: environment)
            #expect(first.exitCode == 0, "\(api): \(first.stderr)")
            let tidewater = try #require(try ledger(source)[job: "tidewater"]?.completedAttempt)
            let taskID = try #require(tidewater.taskID)
            let resultID = try #require(tidewater.results.first?.resultID)

            let album = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL) { text in
                switchAPI(text).replacingOccurrences(
                    of: "    from: salt-and-sun\n    take: 1\n",
                    with: "    from: {task_id: \(taskID), result_id: \(resultID)}\n")
            }
            defer { album.remove() }
            let result = try await CLIRunner.run(
                ["run", album.manifest.path, "--quiet"], in: album.directory, environment: environment)
            #expect(result.exitCode == 0, "\(api): stdout: \(result.stdout)\nstderr: \(result.stderr)")
            let recorded = try ledger(album)
            let personaID = try #require(recorded[job: "coast-voice"]?.personaID)
            let tasks = try await simulator.tasks()
            let voiced = tasks.compactMap { $0["request"] as? [String: Any] }.filter { $0["persona_id"] != nil }
            #expect(voiced.count == 3, "\(api)")
            #expect(voiced.allSatisfy { $0["persona_id"] as? String == personaID }, "\(api)")
            if api == "suno-proxy" {
                #expect(
                    voiced.allSatisfy { $0["artist_clip_id"] as? String == resultID }, "the clip the persona came from")
            }
            await simulator.stop()
        }
    }

    @Test func aPersonaOnATakeTheProviderDidNotYieldFailsAloneAndTheAlbumGoesOn() async throws {
        let simulator = try await SimulatorHarness.start(shape: "one-result")
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL) { text in
            text.replacingOccurrences(
                of: "    from: salt-and-sun\n    take: 1\n", with: "    from: salt-and-sun\n    take: 2\n")
        }
        defer { workspace.remove() }
        let result = try await workspace.run()
        #expect(result.exitCode == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(
            result.stdout.contains(
                "Persona 'coast-voice' follows take 2 of generation 1 of 'salt-and-sun', but the provider answered that "
                    + "generation with 1 take."))
        let recorded = try ledger(workspace)
        #expect(recorded[job: "coast-voice"]?.state == .failed)
        #expect(recorded[job: "coast-voice"]?.attempts.isEmpty == true, "nothing was sent for the persona")
        for song in ["harbor-lights", "undertow", "last-ferry"] { #expect(recorded[job: song]?.state == .blocked) }
        for song in ["salt-and-sun", "tidewater", "lighthouse-keeper", "driftwood"] {
            #expect(recorded[job: song]?.state == .completed, "\(song)")
            #expect(recorded[job: song]?.results.count == 1, "\(song)")
        }
        #expect(try await paid(simulator) == 4)
        await simulator.stop()
    }

    @Test(arguments: ["songs-wrapper", "first-song-only", "persona-id-on-task", "completed-on-submit"])
    func everyAnswerShapeCompletesTheAlbum(shape: String) async throws {
        let simulator = try await SimulatorHarness.start(shape: shape)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let result = try await workspace.run(["--quiet"])
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let recorded = try ledger(workspace)
        #expect(recorded.jobs.values.allSatisfy { $0.state == .completed })
        let songs = recorded.jobs.values.filter { $0.kind == .song }
        #expect(songs.allSatisfy { $0.results.count == 2 && $0.results.allSatisfy { $0.file(.audio) != nil } })
        let personaID = try #require(recorded[job: "coast-voice"]?.personaID)
        #expect(recorded[job: "undertow"]?.chainedInputs?.personaID == personaID)
        await simulator.stop()
    }

    @Test func takesListedOnlyByURLAreKeptAndAPersonaFromThemFailsAlone() async throws {
        let simulator = try await SimulatorHarness.start(shape: "urls-only")
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let result = try await workspace.run()
        #expect(result.exitCode == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("gave that take's audio but no result id"))
        let recorded = try ledger(workspace)
        let lead = try #require(recorded[job: "salt-and-sun"])
        #expect(lead.results.count == 2 && lead.results.allSatisfy { $0.resultID == nil && $0.audioURL != nil })
        #expect(lead.results.allSatisfy { $0.file(.audio) != nil }, "URL-only takes are downloaded")
        #expect(recorded[job: "coast-voice"]?.state == .failed)
        #expect(recorded[job: "driftwood"]?.state == .completed)
        await simulator.stop()
    }

    @Test func downloadsThatFailExitOneWithASentenceAndTheNextRunFetchesThemWithoutPaying() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let blocker = workspace.directory.appendingPathComponent("out")
        try Data("not a folder".utf8).write(to: blocker)
        let metrics = workspace.directory.appendingPathComponent("album.prom").path
        let result = try await workspace.run(["--metrics-file", metrics])
        #expect(result.exitCode == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let output = result.stdout + result.stderr
        #expect(output.contains("28 files of paid takes are not downloaded"))
        #expect(output.contains("the next run fetches them without paying for a generation"))
        #expect(output.contains("is a file, but the takes go into a folder of that name"))
        for dump in ["Error Domain", "NSError", "NSCocoaErrorDomain", "UserInfo="] { #expect(!output.contains(dump)) }
        #expect(try ledger(workspace).jobs.values.allSatisfy { $0.state == .completed })
        let exposition = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(exposition.contains("setlist_downloads_pending{album=\"Coastline Stories\"} 28"))
        #expect(exposition.contains("setlist_run_outcome{album=\"Coastline Stories\",outcome=\"downloads_pending\"} 1"))

        let status = try await CLIRunner.run(["status", workspace.manifest.path], in: workspace.directory)
        #expect(!status.stdout.contains("nothing to do"), "\(status.stdout)")

        try FileManager.default.removeItem(at: blocker)
        let paidBefore = try await paid(simulator)
        let rerun = try await workspace.run(["--quiet"])
        #expect(rerun.exitCode == 0, "stdout: \(rerun.stdout)\nstderr: \(rerun.stderr)")
        #expect(try await paid(simulator) == paidBefore)
        #expect(try hashes(workspace).count == 28)
        await simulator.stop()
    }

    /// A copy of the format 1 fixture (see its README) in a temporary folder.
    private static func formatOneCopy() throws -> URL {
        let fixture = CLIRunner.repositoryRoot.appendingPathComponent("Tests/SetlistCLITests/Fixtures/format1")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("setlist-f1-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixture, to: directory)
        return directory
    }

    /// The fixture's ledger holds two generations of `tidewater` whose files format 1 wrote to the same paths;
    /// format 2 reads all of them, keeps every file, and asks no provider for anything.
    @Test func aFormatOneLedgerResumesWithoutARequestAndKeepsEveryFile() async throws {
        let simulator = try await SimulatorHarness.start()
        let directory = try Self.formatOneCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("album.yaml")
        let text = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(
            of: "  api: evolink\n",
            with: "  api: evolink\n  base_url: \(simulator.baseURL)\n  api_key_env: SETLIST_TEST_KEY\n")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        for suffix in ["", ".journal"] {
            try FileManager.default.moveItem(
                at: directory.appendingPathComponent("album.sim.ledger.json" + suffix),
                to: directory.appendingPathComponent("album.ledger.json" + suffix))
        }
        let workspace = AlbumWorkspace(existing: directory, manifest: manifest)
        let before = try hashes(workspace, under: "out-sim")
        let loaded = try ledger(workspace)
        let resultIDs = loaded.jobs.values.flatMap { $0.generations.flatMap { $0.results.compactMap(\.resultID) } }

        let result = try await workspace.run()
        let stats = try await simulator.admin("stats")
        #expect((stats["requests"] as? [String: Any])?.isEmpty ?? true, "no request reached the provider: \(stats)")
        #expect(try hashes(workspace, under: "out-sim") == before)
        #expect(result.exitCode == 1, "the first generation's takes, which format 1 overwrote, are still wanted")
        #expect(result.stdout.contains("4 files of paid takes are not downloaded"), "\(result.stdout)")
        #expect(result.stdout.contains("out/fixture-shore/takes/02-tidewater/g1-t1.mp3"), "\(result.stdout)")

        let snapshot = try String(
            contentsOf: directory.appendingPathComponent("album.ledger.json"), encoding: .utf8)
        #expect(snapshot.contains("\"format\" : 2,"))
        let migrated = try ledger(workspace)
        let kept = migrated.jobs.values.flatMap { $0.generations.flatMap { $0.results.compactMap(\.resultID) } }
        #expect(Set(kept) == Set(resultIDs) && resultIDs.count == 8)
        #expect(migrated[job: "tidewater"]?.generations.count == 2)
        #expect(migrated.runs.count == loaded.runs.count + 1)
        #expect(migrated.runs.last?.setlistVersion == SetlistVersion.current)
        await simulator.stop()
    }

    /// With the simulator serving the fixture's media again, the first generation's takes come back under
    /// `takes/`, beside the files format 1 left, which stay as they were.
    @Test func aFormatOneLedgerRecoversTheTakesItHadOverwritten() async throws {
        let directory = try Self.formatOneCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let workspace = AlbumWorkspace(existing: directory, manifest: directory.appendingPathComponent("album.yaml"))
        let before = try hashes(workspace, under: "out-sim")
        #expect(before.count == 12, "the fixture's files are all there")
        let result = try await CLIRunner.run(["run", workspace.manifest.path, "--simulate", "--quiet"], in: directory)
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let after = try hashes(workspace, under: "out-sim")
        for (path, hash) in before { #expect(after[path] == hash, "\(path)") }
        let recovered = after.keys.filter { $0.hasPrefix("out-sim/fixture-shore/takes/02-tidewater/g1-") }
        #expect(
            Set(recovered) == [
                "out-sim/fixture-shore/takes/02-tidewater/g1-t1.mp3",
                "out-sim/fixture-shore/takes/02-tidewater/g1-t1.png",
                "out-sim/fixture-shore/takes/02-tidewater/g1-t2.mp3",
                "out-sim/fixture-shore/takes/02-tidewater/g1-t2.png",
            ])
    }
}
