import SetlistCore

/// The limits and policies one scheduler enforces.
public struct SchedulerConfiguration: Sendable, Hashable {
    /// Provider tasks in flight at once (submitting or running).
    public var concurrency: Int
    /// Every HTTP call to the provider per minute.
    public var requestsPerMinute: Int
    /// Paid submissions per minute.
    public var submitsPerMinute: Int
    /// Budget on reserved credits, counting what earlier runs reserved.
    public var maxCredits: Double?
    /// A task still unfinished this long after its submission is failed.
    public var taskTimeout: Duration
    /// Stop submitting this long after the run started.
    public var deadline: Duration?
    /// Tries per job in this run for retriable failures.
    public var attempts: Int
    /// Delay between tries.
    public var backoff: Backoff
    /// When to poll running tasks.
    public var poll: PollSchedule
    /// Task ids per status request.
    public var maxBatchSize: Int
    /// Whether the provider replays a paid POST with a known `Idempotency-Key`.
    public var idempotentSubmissions: Bool

    /// Creates a configuration.
    public init(
        concurrency: Int, requestsPerMinute: Int, submitsPerMinute: Int, maxCredits: Double? = nil,
        taskTimeout: Duration = .seconds(900), deadline: Duration? = nil, attempts: Int = 3,
        backoff: Backoff = Backoff(initial: .seconds(5), max: .seconds(120)), poll: PollSchedule = PollSchedule(),
        maxBatchSize: Int = 1, idempotentSubmissions: Bool = true
    ) {
        self.concurrency = concurrency
        self.requestsPerMinute = requestsPerMinute
        self.submitsPerMinute = submitsPerMinute
        self.maxCredits = maxCredits
        self.taskTimeout = taskTimeout
        self.deadline = deadline
        self.attempts = attempts
        self.backoff = backoff
        self.poll = poll
        self.maxBatchSize = maxBatchSize
        self.idempotentSubmissions = idempotentSubmissions
    }
}

/// Where a job starts in this run, decided from the ledger before the run.
public enum JobStart: Sendable, Hashable {
    /// Needs a submission once its dependencies complete; `attempt` is the first attempt number to use.
    case submit(attempt: Int)
    /// An earlier run recorded the intent to submit `attempt` but no task id: submit again under the same
    /// idempotency key, so the provider replays instead of charging twice.
    case resubmit(attempt: Int)
    /// An earlier run submitted `attempt` and got `taskID`: poll it, never resubmit.
    case poll(taskID: String, attempt: Int)
    /// Completed and unchanged: nothing to do.
    case done
    /// Outcome unknown and the provider cannot replay: left alone until the user says to resubmit.
    case held
    /// Not selected for this run (`--only`).
    case excluded
}

/// One job as the scheduler sees it.
public struct SchedulerJob: Sendable, Hashable {
    /// The job id.
    public var id: String
    /// Indices of the jobs that must complete first.
    public var dependencies: [Int]
    /// Expected seconds from this job's start to the end of the longest chain through it; higher runs first.
    public var priority: Double
    /// Credits a submission is expected to reserve.
    public var estimatedCredits: Double
    /// Where the job starts.
    public var start: JobStart

    /// Creates a job.
    public init(id: String, dependencies: [Int], priority: Double, estimatedCredits: Double, start: JobStart) {
        self.id = id
        self.dependencies = dependencies
        self.priority = priority
        self.estimatedCredits = estimatedCredits
        self.start = start
    }
}

/// Why the scheduler stopped submitting.
public enum StopReason: String, Sendable, Hashable {
    /// SIGINT, SIGTERM or SIGHUP.
    case signal
    /// The manifest's `deadline` passed.
    case deadline
    /// The provider answered 402.
    case quota
    /// The next submission would exceed `max_credits`.
    case budget
    /// The provider answered 401 or 403.
    case authentication
}

/// Something the driver must do or record.
public enum SchedulerAction: Sendable, Hashable {
    /// Submit `job` as `attempt` (the attempt number names the idempotency key).
    case submit(job: Int, attempt: Int)
    /// Ask the provider about these jobs' tasks in one request.
    case poll(jobs: [Int], taskIDs: [String])
    /// A try failed and will be retried after `delay`.
    case retryScheduled(job: Int, attempt: Int, delay: Duration, reason: String)
    /// The job failed for good.
    case failed(job: Int, reason: String)
    /// The job will not run because `cause` failed or is held.
    case blocked(job: Int, cause: Int)
    /// The submission's outcome is unknown and the provider cannot replay it: hold the job.
    case heldUnknown(job: Int, attempt: Int)
    /// The task of `attempt` was still unfinished after the task timeout; `willRetry` says whether a new
    /// attempt follows.
    case timedOut(job: Int, attempt: Int, taskID: String, willRetry: Bool)
    /// A status answer said the provider does not know `taskID`, which it gave us for `job`. The task is never
    /// submitted again under a new key: it is asked about again, with backoff, until the task timeout.
    case taskNotFound(job: Int, taskID: String)
    /// The scheduler stopped submitting.
    case stopped(StopReason)
}

/// The result of one scheduling decision.
public struct SchedulerStep<Instant: Sendable>: Sendable {
    /// What to do now, in order.
    public var actions: [SchedulerAction]
    /// When to ask again if nothing else happens; nil when only a pending answer can change anything.
    public var wakeAt: Instant?
    /// Set when the run is over.
    public var outcome: RunOutcome?
}

/// The run's scheduling state machine: pure, driven by events and an injected clock's instants, returning
/// actions. It owns readiness (dependencies), priority (longest remaining path first, then manifest order),
/// the concurrency cap, both rate limits, retries with backoff, polling, task timeouts, the budget and stops.
public struct RunScheduler<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    private enum Phase: Sendable, Hashable {
        case waiting
        case ready
        case backingOff(until: C.Instant)
        case submitting
        case running(Running)
        case completed
        case failed
        case blocked
        case held
        case excluded
    }

    private struct Running: Sendable, Hashable {
        var taskID: String
        var attempt: Int
        var submittedAt: C.Instant
        var estimate: Duration?
        var polls: Int
        var nextPollAt: C.Instant
        var pollOutstanding: Bool
        /// The outstanding status request was due for other tasks; this one rode along.
        var companion = false
        /// Status answers in a row that said the provider does not know the task; 0 once it is seen again.
        var notFoundAnswers = 0
    }

    /// A moment at which a job may need attention. Timers are never removed early: one whose job has moved on
    /// is recognised as stale when it comes due and dropped, so each step costs O(due timers · log n) rather than a
    /// pass over every running job.
    private struct Timer: Sendable {
        var at: C.Instant
        var job: Int
        var attempt: Int
    }

    private struct Slot: Sendable, Hashable {
        var phase: Phase
        var nextAttempt: Int
        var reuseAttempt: Int?
        var triesThisRun: Int
        var unmetDependencies: Int
    }

    /// The configuration in force.
    public let configuration: SchedulerConfiguration
    private let jobs: [SchedulerJob]
    private let dependents: [[Int]]
    private var slots: [Slot]
    private var readyQueue: PriorityQueue<Int>
    private var requests: RateWindow<C>
    private var submits: RateWindow<C>
    private var random: SeededRandom
    private let startedAt: C.Instant
    private var inFlight = 0
    /// Submissions sent (or about to be sent) whose answer has not come in.
    private var submissionsOutstanding = 0
    /// A second interruption: stop without waiting for the answers to submissions already sent.
    private var forcedStop = false
    private var creditsReserved: Double
    private var stopReason: StopReason?
    private var pendingActions: [SchedulerAction] = []
    private var backingOffJobs = Set<Int>()
    private var pollTimers = PriorityQueue<Timer>(by: RunScheduler.isEarlier)
    private var timeoutTimers = PriorityQueue<Timer>(by: RunScheduler.isEarlier)
    private var backoffTimers = PriorityQueue<Timer>(by: RunScheduler.isEarlier)
    /// Where tasks finish, per estimate (milliseconds), as this run has seen it.
    private var finishes: [Int64: FinishQuantiles] = [:]

    /// Statistics for the run summary.
    public private(set) var statistics = SchedulerStatistics()

    /// Creates a scheduler for `jobs` (indices are positions in the array), starting at `now`.
    /// `creditsAlreadyReserved` counts what earlier runs reserved, for the budget.
    public init(
        jobs: [SchedulerJob], configuration: SchedulerConfiguration, now: C.Instant, seed: UInt64,
        creditsAlreadyReserved: Double = 0
    ) {
        self.jobs = jobs
        self.configuration = configuration
        startedAt = now
        creditsReserved = creditsAlreadyReserved
        random = SeededRandom(seed: seed)
        requests = RateWindow(limit: max(1, configuration.requestsPerMinute))
        submits = RateWindow(limit: max(1, configuration.submitsPerMinute))
        var dependents = Array(repeating: [Int](), count: jobs.count)
        for (index, job) in jobs.enumerated() {
            for dependency in job.dependencies { dependents[dependency].append(index) }
        }
        self.dependents = dependents
        let priorities = jobs.map(\.priority)
        readyQueue = PriorityQueue { lhs, rhs in
            priorities[lhs] != priorities[rhs] ? priorities[lhs] > priorities[rhs] : lhs < rhs
        }
        slots = jobs.map { job in
            Slot(phase: .waiting, nextAttempt: 1, reuseAttempt: nil, triesThisRun: 0, unmetDependencies: 0)
        }
        for index in jobs.indices { setUp(index, now: now) }
        for index in jobs.indices where slots[index].phase == .waiting || slots[index].phase == .ready {
            let unmet = jobs[index].dependencies.filter { slots[$0].phase != .completed }.count
            slots[index].unmetDependencies = unmet
            if unmet == 0 { makeReady(index) }
        }
        for index in jobs.indices where slots[index].phase == .held { blockDependents(of: index) }
    }

    private mutating func setUp(_ index: Int, now: C.Instant) {
        switch jobs[index].start {
        case .submit(let attempt):
            slots[index].nextAttempt = attempt
        case .resubmit(let attempt):
            slots[index].nextAttempt = attempt + 1
            slots[index].reuseAttempt = attempt
        case .poll(let taskID, let attempt):
            slots[index].nextAttempt = attempt + 1
            start(
                index,
                Running(
                    taskID: taskID, attempt: attempt, submittedAt: now, estimate: nil, polls: 0, nextPollAt: now,
                    pollOutstanding: false
                )
            )
            inFlight += 1
        case .done:
            setPhase(index, .completed)
        case .held:
            setPhase(index, .held)
        case .excluded:
            setPhase(index, .excluded)
        }
    }

    /// The state of job `index`, for summaries.
    public func state(of index: Int) -> JobRunState {
        switch slots[index].phase {
        case .waiting, .ready, .backingOff: .pending
        case .submitting, .running: .running
        case .completed: .completed
        case .failed: .failed
        case .blocked: .blocked
        case .held: .held
        case .excluded: .excluded
        }
    }

    /// The credits reserved so far, earlier runs included.
    public var totalCreditsReserved: Double { creditsReserved }

    /// Decides what to do at `now`.
    public mutating func step(now: C.Instant) -> SchedulerStep<C.Instant> {
        var actions = pendingActions
        pendingActions = []
        var wake: C.Instant?

        if let deadline = configuration.deadline, stopReason == nil {
            let end = startedAt.advanced(by: deadline)
            if end <= now { stop(.deadline) } else { Self.wake(&wake, noLaterThan: end) }
        }
        expireTimeouts(now: now)
        releaseBackoffs(now: now, wake: &wake)
        actions += pendingActions
        pendingActions = []

        if stopReason == .signal || stopReason == .deadline || stopReason == .authentication {
            let awaitsAnswers = stopReason != .authentication && submissionsOutstanding > 0 && !forcedStop
            return SchedulerStep(actions: actions, wakeAt: nil, outcome: awaitsAnswers ? nil : outcome())
        }

        actions += schedulePolls(now: now, wake: &wake)
        if stopReason == nil { actions += scheduleSubmits(now: now, wake: &wake) }
        actions += pendingActions
        pendingActions = []

        if let poll = firstLive(.poll), poll.at > now { Self.wake(&wake, noLaterThan: poll.at) }
        if let timeout = firstLive(.timeout) { Self.wake(&wake, noLaterThan: timeout.at) }
        let finished = inFlight == 0 && (stopReason != nil || !hasQueuedWork())
        return SchedulerStep(actions: actions, wakeAt: finished ? nil : wake, outcome: finished ? outcome() : nil)
    }

    /// Stops submitting because of a signal. The outcome comes once every submission already on its way has
    /// its answer, so each paid request sent under its intent has its task id recorded (or its failure), and no
    /// job is left looking like an unconfirmed submission; a second interruption stops without waiting.
    public mutating func interrupt() {
        if stopReason == .signal { forcedStop = true }
        stop(.signal)
    }

    /// Whether the job stays alive (retried, paused or held) after its submission failed with `error`; false
    /// when the failure ends the job.
    public func keepsJob(afterSubmissionError error: ProviderError, job index: Int) -> Bool {
        switch error.kind {
        case .rateLimited, .authentication, .quota: true
        case .transient where error.httpStatus == nil && !configuration.idempotentSubmissions: true
        case .transient: slots[index].triesThisRun < configuration.attempts
        case .rejected, .notFound: false
        }
    }

    /// Whether a task that ended with `failure` is tried again.
    public func retries(afterTaskFailure failure: TaskFailure, job index: Int) -> Bool {
        failure.isRetriable && slots[index].triesThisRun < configuration.attempts
    }

    /// Records the provider's answer to a submission.
    public mutating func submitSucceeded(job index: Int, attempt: Int, snapshot: TaskSnapshot, now: C.Instant) {
        submissionAnswered(at: now)
        guard case .submitting = slots[index].phase else { return }
        submissionsOutstanding -= 1
        creditsReserved += (snapshot.creditsReserved ?? jobs[index].estimatedCredits) - jobs[index].estimatedCredits
        statistics.submissions += 1
        let estimate = snapshot.estimatedSeconds.map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
        let running = Running(
            taskID: snapshot.id, attempt: attempt, submittedAt: now, estimate: estimate, polls: 0,
            nextPollAt: now.advanced(
                by: configuration.poll.firstPoll(estimate: estimate, finishes: finishQuantiles(for: estimate))),
            pollOutstanding: false
        )
        start(index, running)
        slots[index].reuseAttempt = nil
        if snapshot.status.isTerminal { taskFinished(index, snapshot: snapshot, now: now) }
    }

    /// Records a failed submission.
    public mutating func submitFailed(job index: Int, attempt: Int, error: ProviderError, now: C.Instant) {
        submissionAnswered(at: now)
        guard case .submitting = slots[index].phase else { return }
        submissionsOutstanding -= 1
        inFlight -= 1
        creditsReserved -= jobs[index].estimatedCredits
        switch error.kind {
        case .authentication:
            setPhase(index, .ready)
            readyQueue.insert(index)
            stop(.authentication)
        case .quota:
            setPhase(index, .ready)
            readyQueue.insert(index)
            stop(.quota)
        case .rateLimited:
            statistics.rateLimited += 1
            requests.rejected(at: now, retryAfter: error.retryAfter)
            submits.pause(until: now.advanced(by: error.retryAfter ?? .seconds(5)))
            slots[index].triesThisRun -= 1
            setPhase(index, .ready)
            readyQueue.insert(index)
        case .transient where error.httpStatus == nil:
            if configuration.idempotentSubmissions {
                retryOrFail(index, attempt: attempt, reuse: true, reason: error.description, now: now)
            } else {
                setPhase(index, .held)
                pendingActions.append(.heldUnknown(job: index, attempt: attempt))
                blockDependents(of: index)
            }
        case .transient:
            retryOrFail(index, attempt: attempt, reuse: configuration.idempotentSubmissions, reason: error.description,
                        now: now)
        case .rejected, .notFound:
            fail(index, reason: error.description)
        }
    }

    /// Records that `job`'s request could not be built: nothing was sent, the job fails alone and its dependents
    /// are blocked.
    public mutating func submissionNotBuilt(job index: Int, reason: String, now: C.Instant) {
        submissionAnswered(at: now)
        guard case .submitting = slots[index].phase else { return }
        submissionsOutstanding -= 1
        inFlight -= 1
        creditsReserved -= jobs[index].estimatedCredits
        fail(index, reason: reason)
    }

    /// Records the answer to a status request for `jobs`. A job whose task is missing from `snapshots` is one the
    /// provider said it does not know: see ``SchedulerAction/taskNotFound(job:taskID:)``.
    public mutating func pollSucceeded(jobs polled: [Int], snapshots: [TaskSnapshot], now: C.Instant) {
        requests.answered(at: now)
        statistics.polls += 1
        var byID: [String: TaskSnapshot] = [:]
        for snapshot in snapshots { byID[snapshot.id] = snapshot }
        for index in polled {
            guard case .running(var running) = slots[index].phase else { continue }
            running.pollOutstanding = false
            guard let snapshot = byID[running.taskID] else {
                taskNotFound(index, running, now: now)
                continue
            }
            running.notFoundAnswers = 0
            if running.estimate == nil, let seconds = snapshot.estimatedSeconds {
                running.estimate = .milliseconds(Int64((seconds * 1000).rounded()))
            }
            let quantiles = finishQuantiles(for: running.estimate)
            let ownLooksFoundRunning = running.polls
            if running.companion {
                running.companion = false
                let step = configuration.poll.nextPoll(
                    after: running.polls, estimate: running.estimate, finishes: quantiles)
                running.nextPollAt = max(running.nextPollAt, now.advanced(by: step))
            } else {
                running.polls += 1
                running.nextPollAt = now.advanced(
                    by: configuration.poll.nextPoll(after: running.polls, estimate: running.estimate, finishes: quantiles))
            }
            if snapshot.status == .completed { learnFinish(of: running, ownLooksFoundRunning: ownLooksFoundRunning) }
            awaitPoll(index, running, now: now)
            if snapshot.status.isTerminal { taskFinished(index, snapshot: snapshot, now: now) }
        }
    }

    /// Records a failed status request for `jobs`.
    public mutating func pollFailed(jobs polled: [Int], error: ProviderError, now: C.Instant) {
        requests.answered(at: now)
        statistics.polls += 1
        switch error.kind {
        case .authentication:
            stop(.authentication)
        case .rateLimited:
            statistics.rateLimited += 1
            requests.rejected(at: now, retryAfter: error.retryAfter)
        default:
            break
        }
        for index in polled {
            guard case .running(var running) = slots[index].phase else { continue }
            running.pollOutstanding = false
            running.companion = false
            if error.kind == .notFound {
                taskNotFound(index, running, now: now)
                continue
            }
            let delay = configuration.backoff.delay(forRetry: running.polls + 1, using: &random)
            running.nextPollAt = now.advanced(by: min(delay, configuration.poll.maximumInterval))
            awaitPoll(index, running, now: now)
        }
    }

    /// A status answer said the provider does not know the running task of job `index`. Real services answer so
    /// for a moment after creating a task, or during an incident; a task id the provider gave us is never paid for
    /// again, so the task is asked about again with backoff (at most the poll schedule's longest interval apart)
    /// and its timeout stands.
    private mutating func taskNotFound(_ index: Int, _ running: Running, now: C.Instant) {
        var running = running
        running.pollOutstanding = false
        running.companion = false
        running.notFoundAnswers += 1
        let delay = configuration.backoff.delay(forRetry: running.notFoundAnswers, using: &random)
        running.nextPollAt = now.advanced(by: min(delay, configuration.poll.maximumInterval))
        pendingActions.append(.taskNotFound(job: index, taskID: running.taskID))
        awaitPoll(index, running, now: now)
    }

    /// The finish quantiles for tasks with `estimate`: learned ones, or the schedule's initial ones.
    private func finishQuantiles(for estimate: Duration?) -> FinishQuantiles {
        guard configuration.poll.learns, let estimate else { return configuration.poll.initialFinishes }
        return finishes[Self.key(estimate)] ?? configuration.poll.initialFinishes
    }

    /// Learns from a completed task whether it had finished by its first poll and by its last even follow-up,
    /// from how many of its own polls found it running.
    private mutating func learnFinish(of running: Running, ownLooksFoundRunning: Int) {
        guard configuration.poll.learns, let estimate = running.estimate else { return }
        var quantiles = finishQuantiles(for: estimate)
        quantiles.learn(
            finishedByFirstPoll: ownLooksFoundRunning == 0,
            finishedByLastEvenPoll: ownLooksFoundRunning <= configuration.poll.evenFollowUps)
        finishes[Self.key(estimate)] = quantiles
    }

    private static func key(_ estimate: Duration) -> Int64 {
        Int64((estimate.seconds * 1000).rounded())
    }

    /// A submission's answer (or failure) is in: it leaves both rate windows one window from now.
    private mutating func submissionAnswered(at now: C.Instant) {
        requests.answered(at: now)
        submits.answered(at: now)
    }

    private mutating func taskFinished(_ index: Int, snapshot: TaskSnapshot, now: C.Instant) {
        switch snapshot.status {
        case .completed:
            inFlight -= 1
            setPhase(index, .completed)
            statistics.completed += 1
            for dependent in dependents[index] {
                slots[dependent].unmetDependencies -= 1
                if slots[dependent].unmetDependencies == 0, slots[dependent].phase == .waiting { makeReady(dependent) }
            }
        case .failed, .cancelled:
            let failure = snapshot.failure ?? .unexplained
            attemptFailed(index, reason: "\(failure.code): \(failure.message)", retriable: failure.isRetriable, now: now)
        case .pending, .processing:
            break
        }
    }

    private mutating func attemptFailed(_ index: Int, reason: String, retriable: Bool, now: C.Instant) {
        guard case .running(let running) = slots[index].phase else { return }
        inFlight -= 1
        if retriable {
            retryOrFail(index, attempt: running.attempt, reuse: false, reason: reason, now: now)
        } else {
            fail(index, reason: reason)
        }
    }

    private mutating func retryOrFail(_ index: Int, attempt: Int, reuse: Bool, reason: String, now: C.Instant) {
        guard slots[index].triesThisRun < configuration.attempts else {
            fail(index, reason: "\(reason) (gave up after \(slots[index].triesThisRun) tries)")
            return
        }
        statistics.retries += 1
        let delay = configuration.backoff.delay(forRetry: slots[index].triesThisRun, using: &random)
        slots[index].reuseAttempt = reuse ? attempt : nil
        let until = now.advanced(by: delay)
        setPhase(index, .backingOff(until: until))
        backoffTimers.insert(Timer(at: until, job: index, attempt: 0))
        let next = reuse ? attempt : slots[index].nextAttempt
        pendingActions.append(.retryScheduled(job: index, attempt: next, delay: delay, reason: reason))
    }

    private mutating func fail(_ index: Int, reason: String) {
        setPhase(index, .failed)
        statistics.failed += 1
        pendingActions.append(.failed(job: index, reason: reason))
        blockDependents(of: index)
    }

    private mutating func blockDependents(of index: Int) {
        var stack = dependents[index]
        while let dependent = stack.popLast() {
            switch slots[dependent].phase {
            case .waiting, .ready, .backingOff:
                setPhase(dependent, .blocked)
                statistics.blocked += 1
                pendingActions.append(.blocked(job: dependent, cause: index))
                stack += dependents[dependent]
            default:
                continue
            }
        }
    }

    private mutating func setPhase(_ index: Int, _ phase: Phase) {
        if case .backingOff = slots[index].phase { backingOffJobs.remove(index) }
        slots[index].phase = phase
        if case .backingOff = phase { backingOffJobs.insert(index) }
    }

    /// Puts job `index` in a new task attempt and arms its poll and timeout timers.
    private mutating func start(_ index: Int, _ running: Running) {
        setPhase(index, .running(running))
        pollTimers.insert(Timer(at: running.nextPollAt, job: index, attempt: running.attempt))
        timeoutTimers.insert(
            Timer(
                at: running.submittedAt.advanced(by: configuration.taskTimeout), job: index, attempt: running.attempt))
    }

    /// Records a status answer that left the task running: arms the next poll, and the timeout again if it came
    /// due while the request was out (a timeout never fires under an outstanding poll).
    private mutating func awaitPoll(_ index: Int, _ running: Running, now: C.Instant) {
        setPhase(index, .running(running))
        pollTimers.insert(Timer(at: running.nextPollAt, job: index, attempt: running.attempt))
        let timeout = running.submittedAt.advanced(by: configuration.taskTimeout)
        if timeout <= now { timeoutTimers.insert(Timer(at: timeout, job: index, attempt: running.attempt)) }
    }

    private static func isEarlier(_ lhs: Timer, _ rhs: Timer) -> Bool {
        lhs.at != rhs.at ? lhs.at < rhs.at : lhs.job < rhs.job
    }

    private enum TimerKind {
        case poll, timeout, backoff
    }

    /// The earliest live timer of `kind`, dropping the stale ones in front of it.
    private mutating func firstLive(_ kind: TimerKind) -> Timer? {
        while true {
            let first: Timer? =
                switch kind {
                case .poll: pollTimers.first
                case .timeout: timeoutTimers.first
                case .backoff: backoffTimers.first
                }
            guard let first else { return nil }
            let live =
                switch kind {
                case .poll: isPollDue(first)
                case .timeout: isTimeoutDue(first)
                case .backoff: isBackoffDue(first)
                }
            if live { return first }
            popTimer(kind)
        }
    }

    private mutating func popTimer(_ kind: TimerKind) {
        switch kind {
        case .poll: _ = pollTimers.popFirst()
        case .timeout: _ = timeoutTimers.popFirst()
        case .backoff: _ = backoffTimers.popFirst()
        }
    }

    private func isPollDue(_ timer: Timer) -> Bool {
        guard case .running(let running) = slots[timer.job].phase else { return false }
        return running.attempt == timer.attempt && !running.pollOutstanding && running.nextPollAt == timer.at
    }

    private func isTimeoutDue(_ timer: Timer) -> Bool {
        guard case .running(let running) = slots[timer.job].phase else { return false }
        return running.attempt == timer.attempt && !running.pollOutstanding
            && running.submittedAt.advanced(by: configuration.taskTimeout) == timer.at
    }

    private func isBackoffDue(_ timer: Timer) -> Bool {
        guard case .backingOff(let until) = slots[timer.job].phase else { return false }
        return until == timer.at
    }

    private mutating func makeReady(_ index: Int) {
        setPhase(index, .ready)
        readyQueue.insert(index)
    }

    private mutating func stop(_ reason: StopReason) {
        guard stopReason == nil || reason == .authentication || reason == .signal else { return }
        if stopReason == reason { return }
        stopReason = reason
        pendingActions.append(.stopped(reason))
    }

    private mutating func hasQueuedWork() -> Bool {
        while let first = readyQueue.first, slots[first].phase != .ready { _ = readyQueue.popFirst() }
        return !readyQueue.isEmpty || !backingOffJobs.isEmpty
    }

    private mutating func expireTimeouts(now: C.Instant) {
        while let timer = firstLive(.timeout), timer.at <= now {
            popTimer(.timeout)
            guard case .running(let running) = slots[timer.job].phase else { continue }
            if running.notFoundAnswers > 0 {
                inFlight -= 1
                fail(
                    timer.job,
                    reason: "the provider still answered that task \(running.taskID) does not exist when the task "
                        + "timeout passed; it is not submitted again, since a task the provider created may still "
                        + "run and be charged. The ledger keeps the task id and the next run asks about it again; if "
                        + "the provider's dashboard shows no such task, rerun with --force \(jobs[timer.job].id) to "
                        + "pay for a new one")
                continue
            }
            pendingActions.append(
                .timedOut(
                    job: timer.job, attempt: running.attempt, taskID: running.taskID,
                    willRetry: slots[timer.job].triesThisRun < configuration.attempts))
            attemptFailed(
                timer.job, reason: "task \(running.taskID) was still unfinished after the task timeout",
                retriable: true, now: now)
        }
    }

    private mutating func releaseBackoffs(now: C.Instant, wake: inout C.Instant?) {
        while let timer = firstLive(.backoff) {
            guard timer.at <= now else {
                Self.wake(&wake, noLaterThan: timer.at)
                return
            }
            popTimer(.backoff)
            makeReady(timer.job)
        }
    }

    private mutating func schedulePolls(now: C.Instant, wake: inout C.Instant?) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        while let first = firstLive(.poll), first.at <= now {
            let allowed = requests.nextAllowed(at: now)
            guard let allowed, allowed <= now else {
                Self.wake(&wake, noLaterThan: allowed)
                break
            }
            requests.willSend()
            var batch: [Int] = []
            var taskIDs: [String] = []
            let capacity = max(1, configuration.maxBatchSize)
            while batch.count < capacity, let timer = firstLive(.poll), timer.at <= now {
                popTimer(.poll)
                guard case .running(let running) = slots[timer.job].phase else { continue }
                addToStatusRequest(timer.job, running, companion: false, batch: &batch, taskIDs: &taskIDs)
            }
            addCompanions(to: &batch, taskIDs: &taskIDs, capacity: capacity, now: now)
            actions.append(.poll(jobs: batch, taskIDs: taskIDs))
        }
        return actions
    }

    /// Fills a status request's spare room with the tasks whose own polls come next, when they are near their
    /// estimate (``PollSchedule/isWorthACompanionLook(elapsed:estimate:)``). Looks at no more timers than the
    /// request has room for; the ones passed over keep their place.
    private mutating func addCompanions(to batch: inout [Int], taskIDs: inout [String], capacity: Int, now: C.Instant) {
        var passedOver: [Timer] = []
        var looked = 0
        while batch.count < capacity, looked < capacity, let timer = firstLive(.poll) {
            looked += 1
            popTimer(.poll)
            guard case .running(let running) = slots[timer.job].phase,
                configuration.poll.isWorthACompanionLook(
                    elapsed: running.submittedAt.duration(to: now), estimate: running.estimate)
            else {
                passedOver.append(timer)
                continue
            }
            addToStatusRequest(timer.job, running, companion: true, batch: &batch, taskIDs: &taskIDs)
        }
        for timer in passedOver { pollTimers.insert(timer) }
    }

    /// Puts a running job's task into the status request being built and marks its poll outstanding.
    private mutating func addToStatusRequest(
        _ job: Int, _ running: Running, companion: Bool, batch: inout [Int], taskIDs: inout [String]
    ) {
        var running = running
        running.pollOutstanding = true
        running.companion = companion
        batch.append(job)
        taskIDs.append(running.taskID)
        setPhase(job, .running(running))
    }

    private mutating func scheduleSubmits(now: C.Instant, wake: inout C.Instant?) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        while inFlight < configuration.concurrency, let index = readyQueue.first {
            guard slots[index].phase == .ready else {
                _ = readyQueue.popFirst()
                continue
            }
            if let budget = configuration.maxCredits, creditsReserved + jobs[index].estimatedCredits > budget {
                stop(.budget)
                break
            }
            let allowed = Self.later(requests.nextAllowed(at: now), submits.nextAllowed(at: now))
            guard let allowed, allowed <= now else {
                Self.wake(&wake, noLaterThan: allowed)
                break
            }
            _ = readyQueue.popFirst()
            requests.willSend()
            submits.willSend()
            let attempt: Int
            if let reuse = slots[index].reuseAttempt {
                attempt = reuse
            } else {
                attempt = slots[index].nextAttempt
                slots[index].nextAttempt += 1
            }
            slots[index].triesThisRun += 1
            creditsReserved += jobs[index].estimatedCredits
            setPhase(index, .submitting)
            inFlight += 1
            submissionsOutstanding += 1
            actions.append(.submit(job: index, attempt: attempt))
        }
        return actions
    }

    /// The later of two rate windows' next allowed instants; nil (wait for an answer) if either is nil.
    private static func later(_ lhs: C.Instant?, _ rhs: C.Instant?) -> C.Instant? {
        guard let lhs, let rhs else { return nil }
        return max(lhs, rhs)
    }

    /// Moves `wake` earlier to `instant`; a nil instant (only an answer helps) leaves it.
    private static func wake(_ wake: inout C.Instant?, noLaterThan instant: C.Instant?) {
        guard let instant else { return }
        if wake.map({ instant < $0 }) ?? true { wake = instant }
    }

    private func outcome() -> RunOutcome {
        switch stopReason {
        case .authentication: return .authenticationRejected
        case .signal: return .interrupted
        case .deadline: return .deadlineReached
        case .quota: return .outOfCredits
        case .budget: return .budgetReached
        case nil: break
        }
        let unfinished = slots.contains { slot in
            switch slot.phase {
            case .completed, .excluded: false
            default: true
            }
        }
        return unfinished ? .jobsFailed : .completed
    }
}

/// A job's state for summaries and the ledger.
public enum JobRunState: String, Sendable, Hashable, Codable {
    /// Not finished; waiting for dependencies, a slot, a rate limit or a retry.
    case pending
    /// Submitted or being submitted.
    case running
    /// Done.
    case completed
    /// Failed for good.
    case failed
    /// Not run because a dependency failed or is held.
    case blocked
    /// Outcome of a submission unknown; waiting for `--resubmit-unknown`.
    case held
    /// Not selected for this run.
    case excluded
}

/// Counters the scheduler keeps for the run summary.
public struct SchedulerStatistics: Sendable, Hashable, Codable {
    /// Accepted submissions.
    public var submissions = 0
    /// Status requests, answered or not.
    public var polls = 0
    /// Tries scheduled again after a failure.
    public var retries = 0
    /// Rate-limit rejections seen.
    public var rateLimited = 0
    /// Jobs completed in this run.
    public var completed = 0
    /// Jobs failed for good.
    public var failed = 0
    /// Jobs blocked by a failed dependency.
    public var blocked = 0

    /// Creates zeroed counters.
    public init() {}
}
