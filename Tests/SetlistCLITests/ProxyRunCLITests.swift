import Foundation
import SetlistCore
import SetlistEngine
import SetlistTestSupport
import Testing

/// The album example switched to `api: suno-proxy`.
private func proxyAlbum(_ baseURL: String?, edit: @escaping (String) -> String = { $0 }) throws -> AlbumWorkspace {
    try AlbumWorkspace(example: "album.yaml", baseURL: baseURL) { text in
        var switched = text.replacingOccurrences(of: "  api: evolink\n", with: "  api: suno-proxy\n")
        if baseURL == nil {
            switched = switched.replacingOccurrences(
                of: "  api: suno-proxy\n", with: "  api: suno-proxy\n  base_url: https://proxy.example.com\n")
        }
        return edit(switched)
    }
}

/// The environment of a proxy run against a harness at speed 200 or 60: the proxy reports no estimate, so the
/// test tells the provider how long a simulated task takes.
private let proxyEnvironment = ["SETLIST_TEST_KEY": AlbumWorkspace.key, "SETLIST_SUNO_PROXY_TASK_SECONDS": "1"]

/// `setlist run` on the workspace's manifest with the proxy environment.
private func run(_ workspace: AlbumWorkspace, _ extra: [String] = []) async throws -> CLIResult {
    try await CLIRunner.run(
        ["run", workspace.manifest.path] + extra, in: workspace.directory, environment: proxyEnvironment)
}

/// Request bodies of the simulator's tasks, with how often each identical body was paid for.
private func paidBodies(_ tasks: [[String: Any]]) throws -> [String: Int] {
    var bodies: [String: Int] = [:]
    for task in tasks {
        let body = try JSONSerialization.data(withJSONObject: task["request"] ?? [:], options: [.sortedKeys])
        bodies[String(decoding: body, as: UTF8.self), default: 0] += 1
    }
    return bodies
}

/// Status requests of a run, per route, from `/_sim/stats`.
private func requests(_ stats: [String: Any], _ route: String) -> Double {
    (stats.value("requests", route) as? [String: Any] ?? [:]).values.reduce(0) { $0 + ($1 as? Double ?? 0) }
}

@Suite("setlist run on the Suno proxy format, end to end", .serialized)
struct ProxyRunCLITests {
    @Test func albumChainsThePersonaAndPollsInBatches() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try proxyAlbum(simulator.baseURL)
        defer { workspace.remove() }
        let result = try await run(workspace)
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")

        let tasks = try await simulator.tasks()
        #expect(tasks.allSatisfy { $0["api"] as? String == "suno-proxy" })
        let persona = try #require(tasks.first { $0["kind"] as? String == "persona" })
        let personaID = try #require(persona["persona_id"] as? String)
        let source = try #require(
            tasks.first { ($0["request"] as? [String: Any])?["title"] as? String == "Salt and Sun" })
        let clip = try #require((source["result_ids"] as? [String])?.first)
        #expect((persona["request"] as? [String: Any])?["root_clip_id"] as? String == clip)

        let users = tasks.compactMap { $0["request"] as? [String: Any] }.filter { $0["persona_id"] != nil }
        #expect(users.count == 3)
        for request in users {
            #expect(request["persona_id"] as? String == personaID)
            #expect(request["artist_clip_id"] as? String == clip)
            #expect(request["task"] as? String == "artist_consistency")
            #expect(request["mv"] as? String == "chirp-auk")
        }
        let simple = tasks.compactMap { $0["request"] as? [String: Any] }.filter { $0["gpt_description_prompt"] != nil }
        #expect(simple.count == 2)

        let stats = try await simulator.admin("stats")
        #expect(stats.value("paid_submissions", "created") as? Double == 8)
        #expect(stats.account("max_in_flight", key: AlbumWorkspace.key) as? Double ?? 99 <= 4)
        let musicTasks = Double(tasks.filter { $0["kind"] as? String == "music" }.count)
        let statusRequests = requests(stats, "POST /suno/fetch") + requests(stats, "GET /suno/fetch/{id}")
        #expect(statusRequests / musicTasks < 2, "\(statusRequests) status requests for \(musicTasks) tasks")

        let again = try await run(workspace)
        #expect(again.exitCode == 0)
        let after = try await simulator.admin("stats")
        #expect(requests(after, "POST /suno/submit/music") == requests(stats, "POST /suno/submit/music"))
        #expect(requests(after, "POST /suno/persona/create") == requests(stats, "POST /suno/persona/create"))
        #expect(requests(after, "POST /suno/fetch") == requests(stats, "POST /suno/fetch"))
        await simulator.stop()
    }

    @Test func simulateFlagServesTheProxyFormatInProcess() async throws {
        let workspace = try proxyAlbum(nil)
        defer { workspace.remove() }
        let result = try await CLIRunner.run(["run", workspace.manifest.path, "--simulate"], in: workspace.directory)
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let ledger = try LedgerStore.load(
            path: workspace.directory.appendingPathComponent("album.sim.ledger.json").path)
        #expect(ledger.ledger.jobs.values.allSatisfy { $0.state == .completed })
        #expect(ledger.ledger[job: "coast-voice"]?.personaID != nil)
    }

    @Test func finishesEveryJobUnderInjectedFaults() async throws {
        let simulator = try await SimulatorHarness.start(faults: "5xx=0.15,drop=0.05,fail=0.1,malformed=0.05", seed: 5)
        let workspace = try proxyAlbum(simulator.baseURL) {
            $0.replacingOccurrences(of: "attempts: 3", with: "attempts: 6")
                .replacingOccurrences(of: "backoff: {initial: 5s, max: 2m}", with: "backoff: {initial: 1s, max: 2s}")
        }
        defer { workspace.remove() }
        var result = try await run(workspace, ["--quiet"])
        for _ in 0..<4 where result.exitCode != 0 {
            result = try await run(workspace, ["--quiet", "--resubmit-unknown"])
        }
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let kept = try await simulator.tasks().filter { $0["status"] as? String != "failed" }
        let bodies = try paidBodies(kept)
        #expect(bodies.values.allSatisfy { $0 == 1 }, "a job was paid twice: \(bodies.filter { $0.value > 1 })")
        await simulator.stop()
    }
}
