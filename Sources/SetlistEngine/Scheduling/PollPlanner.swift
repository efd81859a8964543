import HeapModule
import SetlistCore

/// A task running at the provider, as the poll planner follows it.
struct RunningTask<Instant: Comparable & Sendable>: Sendable {
    var taskID: String
    var attempt: Int
    var submittedAt: Instant
    var estimate: Duration?
    /// The task's own status requests that found it unfinished.
    var polls = 0
    var nextPollAt: Instant
    var pollOutstanding = false
    /// The outstanding status request was due for other tasks; this one rode along.
    var companion = false
    /// Status answers in a row that said the provider does not know the task; 0 once it is seen again.
    var notFoundAnswers = 0
}

/// The tasks running at the provider and when to ask about them: each task's poll and timeout timers, the status
/// requests that are due (up to the provider's batch size, with companions near their estimate riding along),
/// and where tasks finish as this run has seen it (``FinishQuantiles`` per estimate). Pure, like the
/// ``RunScheduler`` that holds it, which decides what a task's end means for its job.
struct PollPlanner<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    private let schedule: PollSchedule
    private(set) var batchCapacity: Int
    /// Jobs whose tasks need a status request of their own (a WAV conversion the provider polls with its own
    /// GET), by job index; they never share a batch.
    private let pollsAlone: [Bool]
    /// Each job's task timeout, by job index.
    private let taskTimeouts: [Duration]
    private let backoff: Backoff
    /// The running task of each job, by job index.
    private var tasks: [RunningTask<C.Instant>?]
    private var pollTimers = Heap<JobTimer<C.Instant>>()
    private var timeoutTimers = Heap<JobTimer<C.Instant>>()
    /// Where tasks finish, per estimate (milliseconds), as this run has seen it.
    private var finishes: [Int64: FinishQuantiles] = [:]

    /// Creates a planner for `jobCount` jobs, none running; the jobs `pollsAlone` marks get a status request each,
    /// and each job's task times out after its group's timeout (`groups`, by job index; all in group 0 when nil).
    init(jobCount: Int, configuration: SchedulerConfiguration, pollsAlone: [Bool]? = nil, groups: [Int]? = nil) {
        schedule = configuration.poll
        batchCapacity = max(1, configuration.maxBatchSize)
        self.pollsAlone = pollsAlone ?? Array(repeating: false, count: jobCount)
        taskTimeouts = (groups ?? Array(repeating: 0, count: jobCount)).map {
            configuration.policy(of: $0).taskTimeout
        }
        backoff = configuration.backoff()
        tasks = Array(repeating: nil, count: jobCount)
    }

    /// Changes how many task ids one status request carries, when the provider's batch endpoint turns out to be
    /// missing (or comes back).
    mutating func setBatchCapacity(_ capacity: Int) {
        batchCapacity = max(1, capacity)
    }

    /// The running task of `job`, if it has one.
    func task(of job: Int) -> RunningTask<C.Instant>? {
        tasks[job]
    }

    /// Follows the task the provider accepted for `job` at `now`; its first poll comes at the low finish quantile
    /// of its estimate.
    mutating func accepted(job: Int, taskID: String, attempt: Int, estimatedSeconds: Double?, now: C.Instant) {
        let estimate = estimatedSeconds.map(Self.duration(seconds:))
        let firstPoll = schedule.firstPoll(estimate: estimate, finishes: finishQuantiles(for: estimate))
        start(
            job,
            RunningTask(
                taskID: taskID, attempt: attempt, submittedAt: now, estimate: estimate,
                nextPollAt: now.advanced(by: firstPoll)))
    }

    /// Follows a task an earlier run started, asking about it at once.
    mutating func resumed(job: Int, taskID: String, attempt: Int, now: C.Instant) {
        start(job, RunningTask(taskID: taskID, attempt: attempt, submittedAt: now, estimate: nil, nextPollAt: now))
    }

    /// Stops following `job`'s task; its timers become stale.
    mutating func end(_ job: Int) {
        tasks[job] = nil
    }

    /// Records a status answer that found `job`'s task: plans its next poll, and learns from it if it completed.
    mutating func found(job: Int, snapshot: TaskSnapshot, now: C.Instant) {
        guard var task = tasks[job] else { return }
        task.pollOutstanding = false
        task.notFoundAnswers = 0
        if task.estimate == nil, let seconds = snapshot.estimatedSeconds {
            task.estimate = Self.duration(seconds: seconds)
        }
        let quantiles = finishQuantiles(for: task.estimate)
        let ownLooksFoundRunning = task.polls
        if task.companion {
            task.companion = false
            let step = schedule.nextPoll(after: task.polls, estimate: task.estimate, finishes: quantiles)
            task.nextPollAt = max(task.nextPollAt, now.advanced(by: step))
        } else {
            task.polls += 1
            task.nextPollAt = now.advanced(
                by: schedule.nextPoll(after: task.polls, estimate: task.estimate, finishes: quantiles))
        }
        if snapshot.status == .completed { learnFinish(of: task, ownLooksFoundRunning: ownLooksFoundRunning) }
        awaitPoll(job, task, now: now)
    }

    /// Records that the provider said it does not know `job`'s task: it is asked about again with backoff.
    mutating func notFound(job: Int, now: C.Instant, random: inout SeededRandom) {
        guard var task = tasks[job] else { return }
        task.notFoundAnswers += 1
        askAgain(job, task, afterRetry: task.notFoundAnswers, now: now, random: &random)
    }

    /// Records that a status request about `job`'s task failed: it is asked about again with backoff.
    mutating func requestFailed(job: Int, now: C.Instant, random: inout SeededRandom) {
        guard let task = tasks[job] else { return }
        askAgain(job, task, afterRetry: task.polls + 1, now: now, random: &random)
    }

    /// The status requests due at `now`, as far as `requests` allows; moves `wake` to when the window frees.
    mutating func duePolls(
        now: C.Instant, requests: inout RateWindow<C>, wake: inout C.Instant?
    ) -> [SchedulerAction] {
        var actions: [SchedulerAction] = []
        while let first = firstLivePoll(), first.at <= now {
            let allowed = requests.nextAllowed(at: now)
            guard let allowed, allowed <= now else {
                wake.wake(noLaterThan: allowed)
                break
            }
            requests.willSend()
            var batch: [Int] = []
            var taskIDs: [String] = []
            while batch.count < batchCapacity, let timer = firstLivePoll(), timer.at <= now {
                if pollsAlone[timer.job], !batch.isEmpty { break }
                _ = pollTimers.popMin()
                addToStatusRequest(timer.job, companion: false, batch: &batch, taskIDs: &taskIDs)
                if pollsAlone[timer.job] { break }
            }
            if let job = batch.first, !pollsAlone[job] { addCompanions(to: &batch, taskIDs: &taskIDs, now: now) }
            actions.append(.poll(jobs: batch, taskIDs: taskIDs))
        }
        return actions
    }

    /// The next task whose timeout passed by `now` with no status request out, taken off the timers; the caller
    /// ends or retries its job.
    mutating func expiredTimeout(by now: C.Instant) -> (job: Int, task: RunningTask<C.Instant>)? {
        guard let timer = firstLiveTimeout(), timer.at <= now, let task = tasks[timer.job] else { return nil }
        _ = timeoutTimers.popMin()
        return (timer.job, task)
    }

    /// The earliest poll after `now` or timeout still to come.
    mutating func nextTimer(after now: C.Instant) -> C.Instant? {
        var next: C.Instant?
        if let poll = firstLivePoll(), poll.at > now { next.wake(noLaterThan: poll.at) }
        if let timeout = firstLiveTimeout() { next.wake(noLaterThan: timeout.at) }
        return next
    }

    /// Follows a new task attempt and arms its poll and timeout timers.
    private mutating func start(_ job: Int, _ task: RunningTask<C.Instant>) {
        tasks[job] = task
        pollTimers.insert(JobTimer(at: task.nextPollAt, job: job, attempt: task.attempt))
        timeoutTimers.insert(
            JobTimer(at: task.submittedAt.advanced(by: taskTimeouts[job]), job: job, attempt: task.attempt))
    }

    /// Records a status answer that left the task running: arms the next poll, and the timeout again if it came
    /// due while the request was out (a timeout never fires under an outstanding poll).
    private mutating func awaitPoll(_ job: Int, _ task: RunningTask<C.Instant>, now: C.Instant) {
        tasks[job] = task
        pollTimers.insert(JobTimer(at: task.nextPollAt, job: job, attempt: task.attempt))
        let timeout = task.submittedAt.advanced(by: taskTimeouts[job])
        if timeout <= now { timeoutTimers.insert(JobTimer(at: timeout, job: job, attempt: task.attempt)) }
    }

    /// Plans the next look at a task after an answer that told nothing, a backoff (at most the schedule's longest
    /// interval) after `now`.
    private mutating func askAgain(
        _ job: Int, _ task: RunningTask<C.Instant>, afterRetry retry: Int, now: C.Instant,
        random: inout SeededRandom
    ) {
        var task = task
        task.pollOutstanding = false
        task.companion = false
        let delay = backoff.delay(forRetry: retry, using: &random)
        task.nextPollAt = now.advanced(by: min(delay, schedule.maximumInterval))
        awaitPoll(job, task, now: now)
    }

    /// Fills a status request's spare room with the tasks whose own polls come next, when they are near their
    /// estimate (``PollSchedule/isWorthACompanionLook(elapsed:estimate:)``). Looks at no more timers than the
    /// request has room for; the ones passed over keep their place.
    private mutating func addCompanions(to batch: inout [Int], taskIDs: inout [String], now: C.Instant) {
        var passedOver: [JobTimer<C.Instant>] = []
        var looked = 0
        while batch.count < batchCapacity, looked < batchCapacity, let timer = firstLivePoll() {
            looked += 1
            _ = pollTimers.popMin()
            guard let task = tasks[timer.job], !pollsAlone[timer.job],
                schedule.isWorthACompanionLook(elapsed: task.submittedAt.duration(to: now), estimate: task.estimate)
            else {
                passedOver.append(timer)
                continue
            }
            addToStatusRequest(timer.job, companion: true, batch: &batch, taskIDs: &taskIDs)
        }
        for timer in passedOver { pollTimers.insert(timer) }
    }

    /// Puts a running job's task into the status request being built and marks its poll outstanding.
    private mutating func addToStatusRequest(_ job: Int, companion: Bool, batch: inout [Int], taskIDs: inout [String]) {
        guard var task = tasks[job] else { return }
        task.pollOutstanding = true
        task.companion = companion
        batch.append(job)
        taskIDs.append(task.taskID)
        tasks[job] = task
    }

    private mutating func firstLivePoll() -> JobTimer<C.Instant>? {
        let tasks = self.tasks
        return pollTimers.firstLive { timer in
            guard let task = tasks[timer.job] else { return false }
            return task.attempt == timer.attempt && !task.pollOutstanding && task.nextPollAt == timer.at
        }
    }

    private mutating func firstLiveTimeout() -> JobTimer<C.Instant>? {
        let tasks = self.tasks
        let taskTimeouts = self.taskTimeouts
        return timeoutTimers.firstLive { timer in
            guard let task = tasks[timer.job] else { return false }
            return task.attempt == timer.attempt && !task.pollOutstanding
                && task.submittedAt.advanced(by: taskTimeouts[timer.job]) == timer.at
        }
    }

    /// The finish quantiles for tasks with `estimate`: learned ones, or the schedule's initial ones.
    private func finishQuantiles(for estimate: Duration?) -> FinishQuantiles {
        guard schedule.learns, let estimate else { return schedule.initialFinishes }
        return finishes[Self.key(estimate)] ?? schedule.initialFinishes
    }

    /// Learns from a completed task whether it had finished by its first poll and by its last even follow-up,
    /// from how many of its own polls found it running.
    private mutating func learnFinish(of task: RunningTask<C.Instant>, ownLooksFoundRunning: Int) {
        guard schedule.learns, let estimate = task.estimate else { return }
        var quantiles = finishQuantiles(for: estimate)
        quantiles.learn(
            finishedByFirstPoll: ownLooksFoundRunning == 0,
            finishedByLastEvenPoll: ownLooksFoundRunning <= schedule.evenFollowUps)
        finishes[Self.key(estimate)] = quantiles
    }

    private static func key(_ estimate: Duration) -> Int64 {
        Int64((estimate.seconds * 1000).rounded())
    }

    private static func duration(seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
