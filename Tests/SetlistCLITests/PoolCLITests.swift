import Foundation
import SetlistCore
import SetlistTestSupport
import Testing

/// Two copies of the example album on one key, in one directory, each with its own ledger and output.
private func twoAlbums(_ baseURL: String, limits: [String]) throws -> (AlbumWorkspace, [URL]) {
    let example = "  concurrency: 4\n  requests_per_minute: 60\n  submits_per_minute: 20\n"
    let first = try AlbumWorkspace(example: "album.yaml", baseURL: baseURL) {
        $0.replacingOccurrences(of: example, with: limits[0])
    }
    let source = try String(contentsOf: first.manifest, encoding: .utf8)
    let second = first.directory.appendingPathComponent("second.yaml")
    try source.replacingOccurrences(of: "album: Coastline Stories", with: "album: Inland Stories")
        .replacingOccurrences(of: "style: \"", with: "style: \"inland, ")
        .replacingOccurrences(of: "limits:\n" + limits[0], with: "limits:\n" + limits[1])
        .write(to: second, atomically: true, encoding: .utf8)
    return (first, [first.manifest, second])
}

@Suite("Several albums on one key, end to end", .serialized)
struct PoolCLITests {
    @Test func twoAlbumsShareTheKeysLimitsAndBothComplete() async throws {
        let simulator = try await SimulatorHarness.start(speed: 100)
        let (workspace, manifests) = try twoAlbums(
            simulator.baseURL,
            limits: ["  requests_per_minute: 30\n  concurrency: 3\n", "  requests_per_minute: 40\n  concurrency: 2\n"])
        defer { workspace.remove() }
        let text = try String(contentsOf: manifests[0], encoding: .utf8)
        #expect(text.contains("requests_per_minute: 30"), "\(text)")
        let result = try await CLIRunner.run(
            ["run"] + manifests.map(\.path), in: workspace.directory,
            environment: ["SETLIST_TEST_KEY": AlbumWorkspace.key])
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("outcome: completed (exit 0)"))
        #expect(result.stdout.components(separatedBy: "outcome: completed").count == 3, "both albums' summaries")

        let stats = try await simulator.admin("stats")
        let window = try #require(stats.account("max_requests_per_60s", key: AlbumWorkspace.key) as? Double)
        #expect(window <= 30, "the strictest rate of the two albums holds for the key: \(window)")
        let inFlight = try #require(stats.account("max_in_flight", key: AlbumWorkspace.key) as? Double)
        #expect(inFlight <= 2, "the strictest cap of the two albums: \(inFlight)")

        let tasks = try await simulator.tasks()
        #expect(tasks.count == 16, "eight jobs of each album, each paid once")
        let inland = tasks.map { task in
            ((task["request"] as? [String: Any])?["style"] as? String)?.hasPrefix("inland, ") == true
        }
        #expect(inland.filter { $0 }.count == 5, "the second album's five custom-mode songs")
        let firstInland = try #require(inland.firstIndex(of: true))
        let lastCoastline = try #require(
            tasks.indices.last { !inland[$0] && (tasks[$0]["request"] as? [String: Any])?["style"] != nil })
        #expect(firstInland < lastCoastline, "the albums' requests interleave")
        for name in ["album.ledger.json", "second.ledger.json"] {
            let ledger =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: workspace.directory.appendingPathComponent(name))) as? [String: Any]
            let jobs = ledger?["jobs"] as? [String: [String: Any]] ?? [:]
            #expect(jobs.count == 8 && jobs.values.allSatisfy { $0["state"] as? String == "completed" }, "\(name)")
        }
        await simulator.stop()
    }

    @Test func aLockedAlbumDoesNotStopTheOther() async throws {
        let simulator = try await SimulatorHarness.start(speed: 200)
        let (workspace, manifests) = try twoAlbums(
            simulator.baseURL, limits: ["  concurrency: 4\n", "  concurrency: 4\n"])
        defer { workspace.remove() }
        let lock = workspace.directory.appendingPathComponent("second.ledger.json.lock")
        try Data(
            #"{"host":"\#(ProcessInfo.processInfo.hostName)","pid":1,"started_at_ms":1}"#.utf8
        ).write(to: lock)
        let result = try await CLIRunner.run(
            ["run"] + manifests.map(\.path), in: workspace.directory,
            environment: ["SETLIST_TEST_KEY": AlbumWorkspace.key])
        #expect(result.exitCode == 75, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("outcome: completed (exit 0)"), "the first album ran")
        #expect(try await simulator.tasks().count == 8)
        await simulator.stop()
    }
}

@Suite("Batch status on Evolink, end to end", .serialized)
struct EvolinkBatchCLITests {
    @Test(arguments: [true, false])
    func aRunCompletesWithOrWithoutTheBatchEndpoint(served: Bool) async throws {
        let simulator = try await SimulatorHarness.start(evolinkBatch: served)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL)
        defer { workspace.remove() }
        let result = try await workspace.run(["--quiet"])
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let stats = try await simulator.admin("stats")
        let batch = stats.value("requests", "POST /v1/tasks/batch") as? [String: Any] ?? [:]
        let singles = (stats.value("requests", "GET /v1/tasks/{id}") as? [String: Any] ?? [:]).values
            .reduce(0) { $0 + ($1 as? Double ?? 0) }
        if served {
            #expect((batch["200"] as? Double ?? 0) > 0 && singles == 0, "\(stats)")
        } else {
            #expect(batch["404"] as? Double == 1, "tried once, then given up: \(stats)")
            #expect(singles >= 8, "every task asked about on its own: \(stats)")
        }
        await simulator.stop()
    }
}
