import Foundation
import SetlistCore
import SetlistEngine

/// What one run of an album against the simulator took.
struct RunFigures {
    /// Scaled seconds from the first submission to the last completion.
    var makespan: Double
    /// max(critical path, submissions / submit rate, total task time / concurrency), from actual task times.
    var lowerBound: Double
    /// Tasks that ran.
    var tasks: Int
    /// Status requests sent (a batch counts once).
    var statusRequests: Int
    /// Every provider call.
    var calls: [RecordingProvider.Call]
}

/// Runs albums through setlist's own engine (``AlbumRunner``, as `setlist run` does) and through the baseline
/// policies, and measures them against the lower bound of DESIGN §7.
enum SchedulingBench {
    /// Loads a workload's manifest pointed at `environment`.
    static func load(_ workload: Workload, api: ProviderAPI, environment: BenchEnvironment) throws
        -> (ResolvedManifest, JobGraph)
    {
        let text = workload.manifest(api: api, baseURL: environment.baseURL)
        let loaded = ManifestLoader.load(text: text, manifestFileName: "bench.yaml", readLyrics: { _ in "" })
        guard let manifest = loaded.manifest else {
            throw BenchError("the \(workload.name) manifest is invalid: \(loaded.diagnostics.map(\.message))")
        }
        return (manifest, try JobGraph(manifest: manifest))
    }

    /// Runs the workload with setlist's scheduler; the run must complete every job.
    static func runSetlist(
        _ workload: Workload, api: ProviderAPI, environment: BenchEnvironment, seed: UInt64
    ) async throws -> RunFigures {
        let (manifest, graph) = try load(workload, api: api, environment: environment)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent(
                "setlist-bench-\(ProcessInfo.processInfo.processIdentifier)-\(workload.name)-\(seed)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try LedgerStore(path: directory.appendingPathComponent("bench.ledger.json").path)
        defer { store.close() }
        let recorder = RecordingProvider(environment.provider(api), clock: environment.clock)
        let runner = AlbumRunner(
            manifest: manifest, manifestName: "bench.yaml", graph: graph, store: store, provider: recorder,
            clock: environment.clock, now: { Int64(Date().timeIntervalSince1970 * 1000) },
            options: AlbumRunOptions(seed: seed), media: nil, report: { _ in })
        let start = environment.clock.now.offset.seconds
        let summary = try await runner.run()
        let end = environment.clock.now.offset.seconds
        guard summary.outcome == .completed else {
            throw BenchError("the \(workload.name) run ended \(summary.outcome) instead of completing every job")
        }
        let taskIDs = Dictionary(
            uniqueKeysWithValues: graph.jobs.map { ($0.id, summary.ledger[job: $0.id]?.completedAttempt?.taskID ?? "") }
        )
        return try await figures(
            workload, graph: graph, taskIDs: taskIDs, calls: recorder.calls, makespan: end - start,
            environment: environment)
    }

    /// Runs `copies` copies of the workload at the same time in one pool on the environment's key, as
    /// `setlist run A.yaml B.yaml` does; every album must complete. The bound is the pool's rate bound: every
    /// request sent (submissions and status requests) divided by the request rate.
    static func runPool(
        _ workload: Workload, copies: Int, api: ProviderAPI, environment: BenchEnvironment, seed: UInt64
    ) async throws -> RunFigures {
        let (manifest, graph) = try load(workload, api: api, environment: environment)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("setlist-bench-\(ProcessInfo.processInfo.processIdentifier)-pool-\(copies)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stores = try (0..<copies).map {
            try LedgerStore(path: directory.appendingPathComponent("copy-\($0).ledger.json").path)
        }
        defer { for store in stores { store.close() } }
        let recorder = RecordingProvider(environment.provider(api), clock: environment.clock)
        let runners = stores.enumerated().map { copy, store in
            AlbumRunner(
                manifest: manifest, manifestName: "copy-\(copy).yaml", graph: graph, store: store, provider: recorder,
                clock: environment.clock, now: { Int64(Date().timeIntervalSince1970 * 1000) },
                options: AlbumRunOptions(seed: seed &+ UInt64(copy) &* 7919), media: nil, report: { _ in })
        }
        let pool = AlbumPool(runners: runners, provider: recorder, clock: environment.clock, seed: seed)
        let start = environment.clock.now.offset.seconds
        let summaries = try await pool.run()
        let end = environment.clock.now.offset.seconds
        guard summaries.allSatisfy({ $0.outcome == .completed }) else {
            throw BenchError(
                "a pooled copy of \(workload.name) ended \(summaries.map(\.outcome)) instead of completing")
        }
        let calls = recorder.calls
        let accepted = calls.filter { !$0.rateLimited }.count
        return RunFigures(
            makespan: end - start, lowerBound: Double(accepted) * 60 / Double(workload.requestsPerMinute),
            tasks: calls.filter { $0.isSubmission && !$0.rateLimited }.count,
            statusRequests: calls.filter { !$0.isSubmission }.count, calls: calls)
    }

    /// Runs the workload with a baseline policy.
    static func runBaseline(
        _ workload: Workload, api: ProviderAPI, environment: BenchEnvironment, waves: Bool
    ) async throws -> RunFigures {
        let (_, graph) = try load(workload, api: api, environment: environment)
        let recorder = RecordingProvider(environment.provider(api), clock: environment.clock)
        let baseline = BaselineRunner(
            graph: graph, provider: recorder, clock: environment.clock, pollInterval: .seconds(10))
        let start = environment.clock.now.offset.seconds
        let taskIDs =
            waves
            ? try await baseline.waveByWave(pool: workload.concurrency) : try await baseline.oneAtATime()
        let end = environment.clock.now.offset.seconds
        return try await figures(
            workload, graph: graph, taskIDs: taskIDs, calls: recorder.calls, makespan: end - start,
            environment: environment)
    }

    private static func figures(
        _ workload: Workload, graph: JobGraph, taskIDs: [String: String], calls: [RecordingProvider.Call],
        makespan: Double, environment: BenchEnvironment
    ) async throws -> RunFigures {
        let durations = try await environment.taskDurations()
        let seconds = graph.jobs.map { durations[taskIDs[$0.id] ?? ""] ?? 0 }
        let submissions = calls.filter { $0.isSubmission && !$0.rateLimited }.count
        let bound = MakespanBound(
            criticalPathSeconds: graph.longestPaths(seconds: seconds).criticalPathSeconds, submissions: submissions,
            submitsPerMinute: workload.submitsPerMinute, totalTaskSeconds: seconds.reduce(0, +),
            concurrency: workload.concurrency)
        return RunFigures(
            makespan: makespan, lowerBound: bound.seconds, tasks: submissions,
            statusRequests: calls.filter { !$0.isSubmission }.count, calls: calls)
    }
}
