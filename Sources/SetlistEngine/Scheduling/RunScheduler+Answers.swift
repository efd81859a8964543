import HeapModule
import SetlistCore

/// What the provider's answers, and tasks that outlive their timeout, do to the jobs: every event returns the
/// actions it causes, the record of a failure first (with whether the job is tried again), then retries,
/// failures and the dependents it blocks.
extension RunScheduler {
    /// Records the provider's answer to a submission; returns the actions it causes (a task that already
    /// failed comes back as ``SchedulerAction/taskFailed(job:attempt:failure:willRetry:)`` first).
    @discardableResult
    public mutating func submitSucceeded(
        job index: Int, attempt: Int, snapshot: TaskSnapshot, now: C.Instant
    ) -> [SchedulerAction] {
        guard submissionAnswered(index, at: now) else { return [] }
        creditsReserved[jobs[index].group] +=
            (snapshot.creditsReserved ?? jobs[index].estimatedCredits) - jobs[index].estimatedCredits
        count(\.submissions, job: index)
        setPhase(index, .running)
        polls.accepted(
            job: index, taskID: snapshot.id, attempt: attempt, estimatedSeconds: snapshot.estimatedSeconds, now: now)
        slots[index].reuseAttempt = nil
        var actions: [SchedulerAction] = []
        if snapshot.status.isTerminal { taskFinished(index, snapshot: snapshot, now: now, into: &actions) }
        return actions
    }

    /// Records a failed submission; returns ``SchedulerAction/submissionFailed(job:attempt:error:willRetry:)``
    /// and then the actions the failure causes.
    @discardableResult
    public mutating func submitFailed(
        job index: Int, attempt: Int, error: ProviderError, now: C.Instant
    ) -> [SchedulerAction] {
        guard submissionAnswered(index, at: now) else { return [] }
        releaseSubmission(index)
        var actions: [SchedulerAction] = []
        let willRetry: Bool
        switch error.kind {
        case .authentication:
            makeReady(index)
            stop(.authentication, into: &actions)
            willRetry = true
        case .quota:
            makeReady(index)
            stop(.quota, into: &actions)
            willRetry = true
        case .rateLimited:
            count(\.rateLimited, job: index)
            requests.rejected(at: now, retryAfter: error.retryAfter)
            submits.pause(until: now.advanced(by: error.retryAfter ?? .seconds(5)))
            slots[index].triesThisRun -= 1
            makeReady(index)
            willRetry = true
        case .transient where error.httpStatus == nil && !configuration.idempotentSubmissions:
            setPhase(index, .held)
            actions.append(.heldUnknown(job: index, attempt: attempt))
            blockDependents(of: index, into: &actions)
            willRetry = true
        case .transient:
            willRetry = retryOrFail(
                index, attempt: attempt, reuse: configuration.idempotentSubmissions, reason: error.description,
                now: now, into: &actions)
        case .rejected, .notFound:
            fail(index, reason: error.description, into: &actions)
            willRetry = false
        }
        return [.submissionFailed(job: index, attempt: attempt, error: error, willRetry: willRetry)] + actions
    }

    /// Records that `job`'s request could not be built: nothing was sent, the job fails alone and its dependents
    /// are blocked. Returns the actions it causes.
    @discardableResult
    public mutating func submissionNotBuilt(job index: Int, reason: String, now: C.Instant) -> [SchedulerAction] {
        guard submissionAnswered(index, at: now) else { return [] }
        releaseSubmission(index)
        var actions: [SchedulerAction] = []
        fail(index, reason: reason, into: &actions)
        return actions
    }

    /// Records the answer to a status request for `jobs`; returns the actions it causes. A job whose task is
    /// missing from `snapshots` is one the provider said it does not know: see
    /// ``SchedulerAction/taskNotFound(job:taskID:)``.
    @discardableResult
    public mutating func pollSucceeded(
        jobs polled: [Int], snapshots: [TaskSnapshot], now: C.Instant
    ) -> [SchedulerAction] {
        requests.answered(at: now)
        countPoll(polled)
        var byID: [String: TaskSnapshot] = [:]
        for snapshot in snapshots { byID[snapshot.id] = snapshot }
        var actions: [SchedulerAction] = []
        for index in polled {
            guard let task = polls.task(of: index) else { continue }
            guard let snapshot = byID[task.taskID] else {
                actions.append(.taskNotFound(job: index, taskID: task.taskID))
                polls.notFound(job: index, now: now, random: &random)
                continue
            }
            polls.found(job: index, snapshot: snapshot, now: now)
            if snapshot.status.isTerminal { taskFinished(index, snapshot: snapshot, now: now, into: &actions) }
        }
        return actions
    }

    /// Records a failed status request for `jobs`; returns the actions it causes.
    @discardableResult
    public mutating func pollFailed(jobs polled: [Int], error: ProviderError, now: C.Instant) -> [SchedulerAction] {
        requests.answered(at: now)
        countPoll(polled, rateLimited: error.kind == .rateLimited)
        var actions: [SchedulerAction] = []
        switch error.kind {
        case .authentication:
            stop(.authentication, into: &actions)
        case .rateLimited:
            requests.rejected(at: now, retryAfter: error.retryAfter)
        default:
            break
        }
        for index in polled {
            guard let task = polls.task(of: index) else { continue }
            if error.kind == .notFound {
                actions.append(.taskNotFound(job: index, taskID: task.taskID))
                polls.notFound(job: index, now: now, random: &random)
            } else {
                polls.requestFailed(job: index, now: now, random: &random)
            }
        }
        return actions
    }

    /// A submission's answer (or failure) is in: it leaves both rate windows one window from now, and no longer
    /// counts as outstanding. Returns false when job `index` was not waiting for it.
    private mutating func submissionAnswered(_ index: Int, at now: C.Instant) -> Bool {
        requests.answered(at: now)
        submits.answered(at: now)
        guard case .submitting = slots[index].phase else { return false }
        submissionsOutstanding -= 1
        return true
    }

    /// A submission that created no task gives back its place in flight and the credits it reserved.
    private mutating func releaseSubmission(_ index: Int) {
        inFlight -= 1
        creditsReserved[jobs[index].group] -= jobs[index].estimatedCredits
    }

    private mutating func taskFinished(
        _ index: Int, snapshot: TaskSnapshot, now: C.Instant, into actions: inout [SchedulerAction]
    ) {
        switch snapshot.status {
        case .completed:
            inFlight -= 1
            setPhase(index, .completed)
            count(\.completed, job: index)
            for dependent in dependents[index] {
                slots[dependent].unmetDependencies -= 1
                if slots[dependent].unmetDependencies == 0, slots[dependent].phase == .waiting { makeReady(dependent) }
            }
        case .failed, .cancelled:
            guard let task = polls.task(of: index) else { return }
            let failure = snapshot.failure ?? .unexplained
            let recordAt = actions.count
            let willRetry = attemptFailed(
                index, attempt: task.attempt, reason: "\(failure.code): \(failure.message)",
                retriable: failure.isRetriable, now: now, into: &actions)
            actions.insert(
                .taskFailed(job: index, attempt: task.attempt, failure: failure, willRetry: willRetry), at: recordAt)
        case .pending, .processing:
            break
        }
    }

    /// Ends a running attempt that failed; returns whether the job is tried again.
    private mutating func attemptFailed(
        _ index: Int, attempt: Int, reason: String, retriable: Bool, now: C.Instant,
        into actions: inout [SchedulerAction]
    ) -> Bool {
        inFlight -= 1
        guard retriable else {
            fail(index, reason: reason, into: &actions)
            return false
        }
        return retryOrFail(index, attempt: attempt, reuse: false, reason: reason, now: now, into: &actions)
    }

    /// Schedules another try after a backoff, or fails the job when its tries are spent; returns whether it
    /// is tried again.
    private mutating func retryOrFail(
        _ index: Int, attempt: Int, reuse: Bool, reason: String, now: C.Instant,
        into actions: inout [SchedulerAction]
    ) -> Bool {
        let group = jobs[index].group
        guard slots[index].triesThisRun < configuration.policy(of: group).retry.attempts else {
            fail(index, reason: "\(reason) (gave up after \(slots[index].triesThisRun) tries)", into: &actions)
            return false
        }
        count(\.retries, job: index)
        let delay = configuration.backoff(of: group).delay(forRetry: slots[index].triesThisRun, using: &random)
        slots[index].reuseAttempt = reuse ? attempt : nil
        let until = now.advanced(by: delay)
        setPhase(index, .backingOff(until: until))
        backoffTimers.insert(JobTimer(at: until, job: index, attempt: 0))
        let next = reuse ? attempt : slots[index].nextAttempt
        actions.append(.retryScheduled(job: index, attempt: next, delay: delay, reason: reason))
        return true
    }

    private mutating func fail(_ index: Int, reason: String, into actions: inout [SchedulerAction]) {
        setPhase(index, .failed)
        count(\.failed, job: index)
        actions.append(.failed(job: index, reason: reason))
        blockDependents(of: index, into: &actions)
    }

    mutating func blockDependents(of index: Int, into actions: inout [SchedulerAction]) {
        var stack = dependents[index]
        while let dependent = stack.popLast() {
            switch slots[dependent].phase {
            case .waiting, .ready, .backingOff:
                setPhase(dependent, .blocked)
                count(\.blocked, job: dependent)
                actions.append(.blocked(job: dependent, cause: index))
                stack += dependents[dependent]
            default:
                continue
            }
        }
    }

    mutating func expireTimeouts(now: C.Instant, into actions: inout [SchedulerAction]) {
        while let expired = polls.expiredTimeout(by: now) {
            let (index, task) = expired
            guard task.notFoundAnswers == 0 else {
                inFlight -= 1
                fail(
                    index,
                    reason: "the provider still answered that task \(task.taskID) does not exist when the task "
                        + "timeout passed; it is not submitted again, since a task the provider created may still "
                        + "run and be charged. The ledger keeps the task id and the next run asks about it again; if "
                        + "the provider's dashboard shows no such task, rerun with --force \(jobs[index].id) to "
                        + "pay for a new one",
                    into: &actions)
                continue
            }
            let recordAt = actions.count
            let willRetry = attemptFailed(
                index, attempt: task.attempt, reason: "task \(task.taskID) was still unfinished after the task timeout",
                retriable: true, now: now, into: &actions)
            actions.insert(
                .timedOut(job: index, attempt: task.attempt, taskID: task.taskID, willRetry: willRetry), at: recordAt)
        }
    }
}
