import HeapModule
import SetlistCore

/// The run's scheduling state machine: pure, driven by events and an injected clock's instants. Every event
/// returns the actions it causes, and ``step(now:)`` the ones time causes. It owns readiness (dependencies),
/// priority (longest remaining path first, then manifest order), the concurrency cap, both rate limits, retries
/// with backoff, task timeouts, the budget and stops; its ``PollPlanner`` follows the running tasks and plans
/// their status requests.
public struct RunScheduler<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    enum Phase: Sendable, Hashable {
        case waiting
        case ready
        case backingOff(until: C.Instant)
        case submitting
        /// The task is followed by the poll planner.
        case running
        case completed
        case failed
        case blocked
        case held
        case excluded
    }

    struct Slot: Sendable, Hashable {
        var phase: Phase
        var nextAttempt: Int
        var reuseAttempt: Int?
        var triesThisRun: Int
        var unmetDependencies: Int
    }

    /// The configuration in force.
    public let configuration: SchedulerConfiguration
    let jobs: [SchedulerJob]
    let dependents: [[Int]]
    var slots: [Slot]
    private var readyQueue = Heap<ReadyJob>()
    var requests: RateWindow<C>
    var submits: RateWindow<C>
    var polls: PollPlanner<C>
    var random: SeededRandom
    private let startedAt: C.Instant
    var inFlight = 0
    /// Submissions sent (or about to be sent) whose answer has not come in.
    var submissionsOutstanding = 0
    /// A second interruption: stop without waiting for the answers to submissions already sent.
    private var forcedStop = false
    /// Credits reserved per group, earlier runs included.
    var creditsReserved: [Double]
    private var stopReason: StopReason?
    /// Groups that stopped submitting on their own (their budget or deadline) while the others go on.
    private var groupStops: [StopReason?]
    private var backingOffJobs = Set<Int>()
    var backoffTimers = Heap<JobTimer<C.Instant>>()
    /// Jobs held from the start, whose dependents the first step blocks.
    private var heldAtStart: [Int] = []

    /// Statistics for the run summary.
    public internal(set) var statistics = SchedulerStatistics()
    /// The same counters per group; a status request counts once for each group it asked about.
    public internal(set) var groupStatistics: [SchedulerStatistics]

    /// Creates a scheduler for `jobs` (indices are positions in the array), starting at `now`.
    /// `creditsAlreadyReserved` counts what earlier runs reserved, for the budget of a single album; the groups of
    /// a pool carry their own (``GroupPolicy/creditsAlreadyReserved``).
    public init(
        jobs: [SchedulerJob], configuration: SchedulerConfiguration, now: C.Instant, seed: UInt64,
        creditsAlreadyReserved: Double = 0
    ) {
        self.jobs = jobs
        self.configuration = configuration
        startedAt = now
        let groups = configuration.groupCount
        creditsReserved =
            configuration.groups.isEmpty
            ? [creditsAlreadyReserved] : configuration.groups.map(\.creditsAlreadyReserved)
        groupStops = Array(repeating: nil, count: groups)
        groupStatistics = Array(repeating: SchedulerStatistics(), count: groups)
        random = SeededRandom(seed: seed)
        requests = RateWindow(limit: max(1, configuration.limits.requestsPerMinute))
        submits = RateWindow(limit: max(1, configuration.limits.submitsPerMinute))
        polls = PollPlanner(
            jobCount: jobs.count, configuration: configuration, pollsAlone: jobs.map(\.pollsAlone),
            groups: jobs.map(\.group))
        var dependents = Array(repeating: [Int](), count: jobs.count)
        for (index, job) in jobs.enumerated() {
            for dependency in job.dependencies { dependents[dependency].append(index) }
        }
        self.dependents = dependents
        slots = Array(
            repeating: Slot(phase: .waiting, nextAttempt: 1, reuseAttempt: nil, triesThisRun: 0, unmetDependencies: 0),
            count: jobs.count)
        for index in jobs.indices { setUp(index, now: now) }
        for index in jobs.indices where slots[index].phase == .waiting || slots[index].phase == .ready {
            let unmet = jobs[index].dependencies.filter { slots[$0].phase != .completed }.count
            slots[index].unmetDependencies = unmet
            if unmet == 0 { makeReady(index) }
        }
        heldAtStart = jobs.indices.filter { slots[$0].phase == .held }
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
            setPhase(index, .running)
            polls.resumed(job: index, taskID: taskID, attempt: attempt, now: now)
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
    public var totalCreditsReserved: Double { creditsReserved.reduce(0, +) }

    /// The credits group `group` reserved so far, its earlier runs included.
    public func creditsReserved(ofGroup group: Int) -> Double { creditsReserved[group] }

    /// Counts one event of `job` in the run's statistics and its group's.
    mutating func count(_ counter: WritableKeyPath<SchedulerStatistics, Int>, job: Int) {
        statistics[keyPath: counter] += 1
        groupStatistics[jobs[job].group][keyPath: counter] += 1
    }

    /// Counts one status request about `polled` in the run's statistics, and once in each group it asked about.
    mutating func countPoll(_ polled: [Int], rateLimited: Bool = false) {
        statistics.polls += 1
        if rateLimited { statistics.rateLimited += 1 }
        for group in Set(polled.map { jobs[$0].group }) {
            groupStatistics[group].polls += 1
            if rateLimited { groupStatistics[group].rateLimited += 1 }
        }
    }

    /// Decides what to do at `now`.
    public mutating func step(now: C.Instant) -> SchedulerStep<C.Instant> {
        var actions: [SchedulerAction] = []
        var wake: C.Instant?
        for index in heldAtStart { blockDependents(of: index, into: &actions) }
        heldAtStart = []

        for group in 0..<configuration.groupCount where stopReason == nil && groupStops[group] == nil {
            guard let deadline = configuration.policy(of: group).deadline else { continue }
            let end = startedAt.advanced(by: deadline)
            if end <= now { stop(.deadline, group: group, into: &actions) } else { wake.wake(noLaterThan: end) }
        }
        expireTimeouts(now: now, into: &actions)
        releaseBackoffs(now: now, wake: &wake)

        if stopReason == .signal || stopReason == .deadline || stopReason == .authentication {
            let awaitsAnswers = stopReason != .authentication && submissionsOutstanding > 0 && !forcedStop
            return SchedulerStep(actions: actions, wakeAt: nil, outcome: awaitsAnswers ? nil : outcome())
        }

        actions += polls.duePolls(now: now, requests: &requests, wake: &wake)
        if stopReason == nil { scheduleSubmits(now: now, wake: &wake, into: &actions) }

        wake.wake(noLaterThan: polls.nextTimer(after: now))
        let finished = inFlight == 0 && (stopReason != nil || !hasQueuedWork())
        return SchedulerStep(actions: actions, wakeAt: finished ? nil : wake, outcome: finished ? outcome() : nil)
    }

    /// Stops submitting because of a signal. The outcome comes once every submission already on its way has
    /// its answer, so each paid request sent under its intent has its task id recorded (or its failure), and no
    /// job is left looking like an unconfirmed submission; a second interruption stops without waiting.
    /// Returns the actions it causes.
    @discardableResult
    public mutating func interrupt() -> [SchedulerAction] {
        if stopReason == .signal { forcedStop = true }
        var actions: [SchedulerAction] = []
        stop(.signal, into: &actions)
        return actions
    }

    /// Moves job `index` to `phase`, keeping the set of backing-off jobs and the poll planner's tasks in step.
    mutating func setPhase(_ index: Int, _ phase: Phase) {
        switch slots[index].phase {
        case .backingOff: backingOffJobs.remove(index)
        case .running where phase != .running: polls.end(index)
        default: break
        }
        slots[index].phase = phase
        if case .backingOff = phase { backingOffJobs.insert(index) }
    }

    mutating func makeReady(_ index: Int) {
        setPhase(index, .ready)
        readyQueue.insert(ReadyJob(priority: jobs[index].priority, job: index))
    }

    /// Stops submitting group `group`'s jobs for its own `reason` (budget, deadline). A scheduler of one album
    /// stops altogether, as before pools; in a pool the other albums go on.
    mutating func stop(_ reason: StopReason, group: Int, into actions: inout [SchedulerAction]) {
        guard configuration.groups.count > 1 else {
            stop(reason, into: &actions)
            return
        }
        guard groupStops[group] == nil else { return }
        groupStops[group] = reason
        actions.append(.groupStopped(group: group, reason: reason))
    }

    /// Changes how many task ids one status request carries (the provider's batch endpoint turned out to be
    /// missing).
    public mutating func setBatchCapacity(_ capacity: Int) {
        polls.setBatchCapacity(capacity)
    }

    /// How many task ids one status request carries now.
    public var batchCapacity: Int { polls.batchCapacity }

    /// Whether group `group`'s jobs may still be submitted.
    func isSubmitting(_ group: Int) -> Bool { groupStops[group] == nil }

    mutating func stop(_ reason: StopReason, into actions: inout [SchedulerAction]) {
        guard stopReason == nil || reason == .authentication || reason == .signal else { return }
        if stopReason == reason { return }
        stopReason = reason
        actions.append(.stopped(reason))
    }

    private mutating func hasQueuedWork() -> Bool {
        while let first = readyQueue.min, slots[first.job].phase != .ready || !isSubmitting(jobs[first.job].group) {
            _ = readyQueue.popMin()
        }
        return !readyQueue.isEmpty || backingOffJobs.contains { isSubmitting(jobs[$0].group) }
    }

    private mutating func releaseBackoffs(now: C.Instant, wake: inout C.Instant?) {
        while let timer = firstLiveBackoff() {
            guard timer.at <= now else {
                wake.wake(noLaterThan: timer.at)
                return
            }
            _ = backoffTimers.popMin()
            makeReady(timer.job)
        }
    }

    private mutating func firstLiveBackoff() -> JobTimer<C.Instant>? {
        let slots = self.slots
        return backoffTimers.firstLive { timer in
            guard case .backingOff(let until) = slots[timer.job].phase else { return false }
            return until == timer.at
        }
    }

    private mutating func scheduleSubmits(now: C.Instant, wake: inout C.Instant?, into actions: inout [SchedulerAction])
    {
        while inFlight < configuration.limits.concurrency, let first = readyQueue.min {
            let index = first.job
            let group = jobs[index].group
            guard slots[index].phase == .ready, isSubmitting(group) else {
                _ = readyQueue.popMin()
                continue
            }
            if let budget = configuration.policy(of: group).maxCredits,
                creditsReserved[group] + jobs[index].estimatedCredits > budget
            {
                stop(.budget, group: group, into: &actions)
                if configuration.groups.count > 1 { continue }
                break
            }
            let allowed = Self.later(requests.nextAllowed(at: now), submits.nextAllowed(at: now))
            guard let allowed, allowed <= now else {
                wake.wake(noLaterThan: allowed)
                break
            }
            _ = readyQueue.popMin()
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
            creditsReserved[group] += jobs[index].estimatedCredits
            setPhase(index, .submitting)
            inFlight += 1
            submissionsOutstanding += 1
            actions.append(.submit(job: index, attempt: attempt))
        }
    }

    /// The later of two rate windows' next allowed instants; nil (wait for an answer) if either is nil.
    private static func later(_ lhs: C.Instant?, _ rhs: C.Instant?) -> C.Instant? {
        guard let lhs, let rhs else { return nil }
        return max(lhs, rhs)
    }

    private func outcome() -> RunOutcome {
        outcome(of: stopReason, unfinished: slots.contains { !Self.isDone($0.phase) })
    }

    /// How group `group`'s album ended: the pool's stop (a signal, a rejected key, no credits) or its own (budget,
    /// deadline), else whether every job of the album completed.
    public func outcome(ofGroup group: Int) -> RunOutcome {
        let unfinished = jobs.indices.contains { jobs[$0].group == group && !Self.isDone(slots[$0].phase) }
        return outcome(of: stopReason ?? groupStops[group], unfinished: unfinished)
    }

    private func outcome(of reason: StopReason?, unfinished: Bool) -> RunOutcome {
        switch reason {
        case .authentication: .authenticationRejected
        case .signal: .interrupted
        case .deadline: .deadlineReached
        case .quota: .outOfCredits
        case .budget: .budgetReached
        case nil: unfinished ? .jobsFailed : .completed
        }
    }

    private static func isDone(_ phase: Phase) -> Bool {
        switch phase {
        case .completed, .excluded: true
        default: false
        }
    }
}
