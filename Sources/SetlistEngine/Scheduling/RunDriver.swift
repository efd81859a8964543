import SetlistCore
import Synchronization

/// A paid request the driver is about to send, with the idempotency key it goes under.
public struct Submission: Sendable, Hashable {
    /// What is sent.
    public var request: ProviderRequest
    /// The key of the attempt, recorded before the request is sent.
    public var idempotencyKey: String

    /// Creates a submission.
    public init(_ request: ProviderRequest, idempotencyKey: String) {
        self.request = request
        self.idempotencyKey = idempotencyKey
    }
}

/// What the driver tells the rest of the engine, in order, so that the ledger, the chaining and the output
/// see every state change. A hook that throws (a ledger that cannot be written) ends the run before anything
/// else is sent.
public protocol RunHooks: Sendable {
    /// Builds the request for `attempt` of `job` and makes the intent durable. Called before the paid POST.
    /// Throws ``RequestNotBuilt`` when the request cannot be built; nothing is sent and the job fails alone.
    func willSubmit(job: Int, attempt: Int) async throws -> Submission
    /// Records that `job`'s request could not be built, before its dependents are blocked.
    func requestNotBuilt(job: Int, error: RequestNotBuilt) async throws
    /// What a provider's answer about `job`'s task means for the job (see ``TaskSnapshot/usable(by:job:)``);
    /// every later step, the retry decision included, sees this snapshot.
    func interpret(job: Int, snapshot: TaskSnapshot) -> TaskSnapshot
    /// Records the provider's answer to a submission, and the task if it already completed; the task id must be
    /// durable when this returns. A task that already failed is recorded when the scheduler's
    /// ``SchedulerAction/taskFailed(job:attempt:failure:willRetry:)`` comes to ``scheduled(_:)``.
    func submitted(job: Int, attempt: Int, snapshot: TaskSnapshot) async throws
    /// Records a status answer for `job`: progress, or the completed task. A failed task is recorded when the
    /// scheduler's ``SchedulerAction/taskFailed(job:attempt:failure:willRetry:)`` comes to ``scheduled(_:)``.
    func polled(job: Int, snapshot: TaskSnapshot) async throws
    /// Records a failed status request for `jobs`.
    func pollFailed(jobs: [Int], error: ProviderError) async throws
    /// Records a scheduling decision: failed submissions and tasks with whether they are tried again, retries,
    /// failures, blocked jobs, held jobs, stops. Each is performed before the scheduler decides anything else.
    func scheduled(_ action: SchedulerAction) async throws
}

/// Performs a ``RunScheduler``'s actions against a ``MusicProvider``: the async half of the scheduler.
/// It sleeps on the injected clock, runs requests concurrently, records each answer through the hooks, feeds
/// it back into the state machine and performs the actions it causes before the next step.
public final class RunDriver<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    private enum Event: Sendable {
        case submitted(job: Int, attempt: Int, result: Result<TaskSnapshot, ProviderError>)
        case notBuilt(job: Int, reason: String)
        case polled(jobs: [Int], result: Result<[TaskSnapshot], ProviderError>)
        case hookFailed(any Error)
        case tick
        case interrupt
    }

    private let provider: any MusicProvider
    private let hooks: any RunHooks
    private let clock: C
    private let scheduler: Mutex<RunScheduler<C>>
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    /// Creates a driver for `scheduler`.
    public init(scheduler: RunScheduler<C>, provider: any MusicProvider, hooks: any RunHooks, clock: C) {
        self.scheduler = Mutex(scheduler)
        self.provider = provider
        self.hooks = hooks
        self.clock = clock
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    /// Asks the run to stop submitting and end; safe to call from a signal handler's task.
    public func interrupt() {
        continuation.yield(.interrupt)
    }

    /// The scheduler's counters.
    public var statistics: SchedulerStatistics { scheduler.withLock { $0.statistics } }

    /// The state of job `index`.
    public func state(of index: Int) -> JobRunState { scheduler.withLock { $0.state(of: index) } }

    /// How group `group`'s album ended, once the run is over.
    public func outcome(ofGroup group: Int) -> RunOutcome { scheduler.withLock { $0.outcome(ofGroup: group) } }

    /// Group `group`'s counters.
    public func statistics(ofGroup group: Int) -> SchedulerStatistics {
        scheduler.withLock { $0.groupStatistics[group] }
    }

    /// Runs until the scheduler reports an outcome. Throws what a hook threw.
    public func run() async throws -> RunOutcome {
        var timer: (deadline: C.Instant, task: Task<Void, Never>)?
        defer { timer?.task.cancel() }
        return try await withThrowingDiscardingTaskGroup { group in
            var iterator = events.makeAsyncIterator()
            var caused: [SchedulerAction] = []
            while true {
                for action in caused { try await perform(action, in: &group) }
                let step = scheduler.withLock { $0.step(now: clock.now) }
                for action in step.actions { try await perform(action, in: &group) }
                if let outcome = step.outcome {
                    group.cancelAll()
                    return outcome
                }
                if let wake = step.wakeAt, timer?.deadline != wake {
                    timer?.task.cancel()
                    let clock = self.clock
                    let continuation = self.continuation
                    timer = (
                        wake,
                        Task {
                            do {
                                try await clock.sleep(until: wake, tolerance: nil)
                                continuation.yield(.tick)
                            } catch {}
                        }
                    )
                }
                guard let event = await iterator.next() else { return .interrupted }
                if case .tick = event { timer = nil }
                caused = try handle(event)
            }
        }
    }

    /// Feeds `event` to the scheduler; returns the actions it causes.
    private func handle(_ event: Event) throws -> [SchedulerAction] {
        let now = clock.now
        switch event {
        case .submitted(let job, let attempt, .success(let snapshot)):
            return scheduler.withLock { $0.submitSucceeded(job: job, attempt: attempt, snapshot: snapshot, now: now) }
        case .submitted(let job, let attempt, .failure(let error)):
            return scheduler.withLock { $0.submitFailed(job: job, attempt: attempt, error: error, now: now) }
        case .notBuilt(let job, let reason):
            return scheduler.withLock { $0.submissionNotBuilt(job: job, reason: reason, now: now) }
        case .polled(let jobs, .success(let snapshots)):
            return scheduler.withLock { $0.pollSucceeded(jobs: jobs, snapshots: snapshots, now: now) }
        case .polled(let jobs, .failure(let error)):
            let capacity = provider.maxBatchSize
            return scheduler.withLock { scheduler in
                if scheduler.batchCapacity != capacity { scheduler.setBatchCapacity(capacity) }
                return scheduler.pollFailed(jobs: jobs, error: error, now: now)
            }
        case .hookFailed(let error):
            throw error
        case .tick:
            return []
        case .interrupt:
            return scheduler.withLock { $0.interrupt() }
        }
    }

    private func perform(_ action: SchedulerAction, in group: inout ThrowingDiscardingTaskGroup<any Error>) async throws
    {
        let provider = self.provider
        let hooks = self.hooks
        let continuation = self.continuation
        switch action {
        case .submit(let job, let attempt):
            group.addTask {
                do {
                    let submission: Submission
                    do {
                        submission = try await hooks.willSubmit(job: job, attempt: attempt)
                    } catch let error as RequestNotBuilt {
                        try await hooks.requestNotBuilt(job: job, error: error)
                        continuation.yield(.notBuilt(job: job, reason: error.message))
                        return
                    }
                    let result: Result<TaskSnapshot, ProviderError>
                    do throws(ProviderError) {
                        let snapshot = try await provider.submit(
                            submission.request, idempotencyKey: submission.idempotencyKey)
                        result = .success(hooks.interpret(job: job, snapshot: snapshot))
                    } catch {
                        result = .failure(error)
                    }
                    if case .success(let snapshot) = result {
                        try await hooks.submitted(job: job, attempt: attempt, snapshot: snapshot)
                    }
                    continuation.yield(.submitted(job: job, attempt: attempt, result: result))
                } catch {
                    continuation.yield(.hookFailed(error))
                }
            }
        case .poll(let jobs, let taskIDs):
            group.addTask {
                do {
                    var result: Result<[TaskSnapshot], ProviderError>
                    do throws(ProviderError) {
                        result = .success(try await provider.fetchTasks(taskIDs))
                    } catch {
                        result = .failure(error)
                    }
                    switch result {
                    case .success(let answered):
                        let byID = Dictionary(answered.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                        var snapshots: [TaskSnapshot] = []
                        for (job, taskID) in zip(jobs, taskIDs) {
                            guard let answered = byID[taskID] else { continue }
                            let snapshot = hooks.interpret(job: job, snapshot: answered)
                            snapshots.append(snapshot)
                            try await hooks.polled(job: job, snapshot: snapshot)
                        }
                        result = .success(snapshots)
                    case .failure(let error):
                        try await hooks.pollFailed(jobs: jobs, error: error)
                    }
                    continuation.yield(.polled(jobs: jobs, result: result))
                } catch {
                    continuation.yield(.hookFailed(error))
                }
            }
        default:
            try await hooks.scheduled(action)
        }
    }
}
