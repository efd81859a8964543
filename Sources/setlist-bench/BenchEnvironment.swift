import Foundation
import SetlistCore
import SetlistEngine
import SetlistProviders
import SetlistSimulator

/// An in-process simulator on an ephemeral loopback port, sharing one ``ScaledClock`` with the runs against it.
struct BenchEnvironment {
    let clock: ScaledClock
    let simulator: Simulator
    let baseURL: String
    let key = "bench-key"
    let transport: AsyncHTTPTransport

    /// Starts a simulator whose task times depend only on each request (see `TaskTiming.keyedByRequest`).
    /// `evolinkBatch` false makes the simulator answer Evolink's batch status endpoint 404.
    static func start(
        speed: Double, seed: UInt64, rateLimit: Int? = nil, spread: ClosedRange<Double> = TaskTiming().spread,
        evolinkBatch: Bool = true
    ) async throws -> BenchEnvironment {
        let clock = ScaledClock(speed: speed)
        let simulator = Simulator(
            configuration: SimulatorConfiguration(
                apiKeys: ["bench-key"], rateLimitPerMinute: rateLimit, seed: seed, speed: 1,
                timing: TaskTiming(spread: spread, keyedByRequest: true), evolinkBatch: evolinkBatch),
            clock: clock)
        let baseURL = try await simulator.start()
        return BenchEnvironment(clock: clock, simulator: simulator, baseURL: baseURL, transport: AsyncHTTPTransport())
    }

    /// A provider client for `api`, talking to this simulator.
    func provider(_ api: ProviderAPI) -> any MusicProvider {
        ProviderFactory.provider(api: api, baseURL: baseURL, apiKey: key, transport: transport)
    }

    /// Reads an admin document (`/_sim/stats`, `/_sim/tasks`).
    func admin(_ path: String) async throws -> JSONValue {
        let bytes = try await HTTPMediaFetcher(transport: transport).fetch(baseURL + path, maxBytes: 256 << 20)
        return try JSONParser.parse(bytes)
    }

    /// Simulated seconds each task took, by task id.
    func taskDurations() async throws -> [String: Double] {
        guard case .object(let root) = try await admin("/_sim/tasks"), case .array(let tasks)? = root["tasks"] else {
            throw BenchError("the simulator's task list has an unexpected shape")
        }
        var durations: [String: Double] = [:]
        for case .object(let task) in tasks {
            if case .string(let id)? = task["id"], let seconds = task["duration_seconds"]?.numberValue {
                durations[id] = seconds
            }
        }
        return durations
    }

    func stop() async {
        try? await transport.shutdown()
        await simulator.stop()
    }
}

/// A benchmark that could not run, with the reason.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Every provider call of a run, with the scaled time it was made at and whether the provider refused it with
/// 429. A batch status request counts once.
final class RecordingProvider: MusicProvider, @unchecked Sendable {
    struct Call {
        var at: Double
        var isSubmission: Bool
        var rateLimited: Bool
    }

    private let base: any MusicProvider
    private let clock: ScaledClock
    private let lock = NSLock()
    private var recorded: [Call] = []

    init(_ base: any MusicProvider, clock: ScaledClock) {
        self.base = base
        self.clock = clock
    }

    var calls: [Call] { lock.withLock { recorded } }
    var api: ProviderAPI { base.api }
    var maxBatchSize: Int { base.maxBatchSize }
    var honoursIdempotencyKeys: Bool { base.honoursIdempotencyKeys }

    func submit(_ request: ProviderRequest, idempotencyKey: String) async throws(ProviderError) -> TaskSnapshot {
        try await record(submission: true) { () async throws(ProviderError) in
            try await base.submit(request, idempotencyKey: idempotencyKey)
        }
    }

    func fetchTasks(_ ids: [String]) async throws(ProviderError) -> [TaskSnapshot] {
        try await record(submission: false) { () async throws(ProviderError) in
            try await base.fetchTasks(ids)
        }
    }

    private func record<T>(
        submission: Bool, _ body: () async throws(ProviderError) -> T
    ) async throws(ProviderError) -> T {
        let at = clock.now.offset.seconds
        do {
            let value = try await body()
            append(Call(at: at, isSubmission: submission, rateLimited: false))
            return value
        } catch {
            append(Call(at: at, isSubmission: submission, rateLimited: error.kind == .rateLimited))
            throw error
        }
    }

    private func append(_ call: Call) { lock.withLock { recorded.append(call) } }
}
