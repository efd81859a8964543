import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A faithful local server of the Evolink Suno API (DESIGN §6), over real HTTP on loopback.
///
/// ```swift
/// let simulator = Simulator(configuration: SimulatorConfiguration(seed: 7), clock: ManualClock())
/// let baseURL = try await simulator.start()   // "http://127.0.0.1:54321"
/// // talk to baseURL with the key "sim-key"; advance the clock to move tasks along
/// await simulator.stop()
/// ```
/// Task states follow the injected clock: advance a `ManualClock` instead of sleeping.
public final class Simulator: Sendable {
    /// The configuration the simulator was made with; faults can change at run time (``setFaults(_:)``).
    public let configuration: SimulatorConfiguration
    private let core: SimulatorCore
    private let server = Mutex<Task<Void, any Error>?>(nil)

    /// Creates a simulator whose task lifecycles, slow faults and rate windows follow `clock`.
    public init<C: Clock>(configuration: SimulatorConfiguration = SimulatorConfiguration(), clock: C)
    where C.Duration == Duration {
        self.configuration = configuration
        self.core = SimulatorCore(configuration: configuration, clock: SimulatorClock(clock))
    }

    /// Creates a simulator on the real (continuous) clock, as `setlist simulate` and `run --simulate` use it.
    public convenience init(configuration: SimulatorConfiguration = SimulatorConfiguration()) {
        self.init(configuration: configuration, clock: ContinuousClock())
    }

    /// The base URL once the server listens, such as `http://127.0.0.1:54321`; nil before.
    public var baseURL: String? {
        let url = core.baseURL
        return url.isEmpty ? nil : url
    }

    /// Starts the server in this process and returns its base URL once it accepts connections. With port 0 the
    /// system picks a free port. Call ``stop()`` when done; a simulator runs at most once at a time.
    public func start() async throws -> String {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = makeApplication { port in continuation.yield(port) }
        let task = server.withLock { running -> Task<Void, any Error>? in
            guard running == nil else { return nil }
            let task = Task {
                defer { continuation.finish() }
                try await application.runService(gracefulShutdownSignals: [])
            }
            running = task
            return task
        }
        guard let task else { throw SimulatorConfigurationError("The simulator is already running.") }
        var iterator = ports.makeAsyncIterator()
        guard await iterator.next() != nil else {
            server.withLock { $0 = nil }
            try await task.value
            throw SimulatorConfigurationError("The simulator stopped before it was listening.")
        }
        return core.baseURL
    }

    /// The simulator's tasks (songs with their results, personas with their ids) and idempotency records, as JSON
    /// without any key: what a later simulator needs, through ``restoreState(_:)``, to honour references to them.
    public func savedState() -> Data {
        core.savedState().data
    }

    /// How many tasks the simulator holds, restored ones included: the `start` of the next ``savedTasks(from:)``
    /// call for a file that already holds them all.
    public var taskCount: Int {
        core.state.withLock { $0.store.order.count }
    }

    /// The tasks created from the `start`-th on (creation order) with their idempotency records, as one line of
    /// JSON that ``restoreState(_:)`` reads after the lines before it; `end` is how many tasks there are now, the
    /// `start` of the next call. A state file kept this way grows by one line per task instead of being rewritten.
    public func savedTasks(from start: Int) -> (line: Data, end: Int) {
        let (data, end) = core.savedState(tasksFrom: start)
        return (data, end)
    }

    /// Calls `handler` after every submission that created a task (paid ones, replays included, and free lyrics
    /// tasks), outside the simulator's lock, so a caller can keep ``savedState()`` on disk as the tasks come
    /// (`run --simulate` does).
    public func onTaskCreated(_ handler: @escaping @Sendable () -> Void) {
        core.taskCreatedHandler.withLock { $0 = handler }
    }

    /// Adds the tasks and idempotency records of an earlier simulator's ``savedState()``, owned by this
    /// simulator's first key; tasks it already has are kept. Time between the save and now does not count.
    public func restoreState(_ data: Data) throws(SimulatorConfigurationError) {
        try core.restoreState(data)
    }

    /// Stops a server started with ``start()`` and waits until it has closed its socket.
    public func stop() async {
        guard
            let task = server.withLock({ state -> Task<Void, any Error>? in
                defer { state = nil }
                return state
            })
        else { return }
        task.cancel()
        _ = try? await task.value
    }

    /// Runs the server until SIGINT or SIGTERM, then returns after a graceful shutdown. `onListening` receives the
    /// base URL once the server accepts connections.
    public func runUntilSignalled(onListening: @escaping @Sendable (String) -> Void) async throws {
        let application = makeApplication { [core] _ in onListening(core.baseURL) }
        try await application.runService()
    }

    /// Replaces the fault configuration; the same as `POST /_sim/faults`.
    public func setFaults(_ faults: FaultConfiguration) {
        core.replaceFaults(faults)
    }

    /// The simulator's routes, answering in this process without a socket (tests use them); media links name
    /// `baseURL`.
    func inProcessRouter(baseURL: String) -> Router<SimulatorRequestContext> {
        core.baseURL = baseURL
        return SimulatorRoutes.router(core)
    }

    private func makeApplication(
        onListening: @escaping @Sendable (Int) -> Void
    ) -> Application<RouterResponder<SimulatorRequestContext>> {
        var logger = Logger(label: "setlist.simulator")
        logger.logLevel = .critical
        let host = configuration.host
        return Application(
            router: SimulatorRoutes.router(core),
            configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port)),
            onServerRunning: { [core] channel in
                let port = channel.localAddress?.port ?? 0
                let printableHost = host.contains(":") ? "[\(host)]" : host
                core.baseURL = "http://\(printableHost):\(port)"
                onListening(port)
            },
            logger: logger
        )
    }
}
