import SetlistCore

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

/// Something the driver must do or record. Every event fed to ``RunScheduler`` returns the actions it causes,
/// and ``RunScheduler/step(now:)`` the ones time causes; the driver performs them in order.
public enum SchedulerAction: Sendable, Hashable {
    /// Submit `job` as `attempt` (the attempt number names the idempotency key).
    case submit(job: Int, attempt: Int)
    /// Ask the provider about these jobs' tasks in one request.
    case poll(jobs: [Int], taskIDs: [String])
    /// The submission of `attempt` failed with `error`; `willRetry` is false when the failure ends the job.
    /// Comes before the actions the failure causes.
    case submissionFailed(job: Int, attempt: Int, error: ProviderError, willRetry: Bool)
    /// The task of `attempt` ended with `failure`; `willRetry` says whether a new attempt follows. Comes before
    /// the actions the failure causes.
    case taskFailed(job: Int, attempt: Int, failure: TaskFailure, willRetry: Bool)
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
    /// One album of a pool stopped submitting for its own `reason` (its budget or deadline); the others go on.
    case groupStopped(group: Int, reason: StopReason)
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
