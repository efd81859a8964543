import SetlistCore

/// One album's own policies when several albums share a scheduler (a pool on one key, DESIGN §4): its retries,
/// budget, deadline and task timeout, and what its earlier runs reserved. The pool's concurrency cap and rate
/// windows are shared, in ``SchedulerConfiguration/limits``.
public struct GroupPolicy: Sendable, Hashable {
    /// Tries per job for retriable failures, and the delays between them.
    public var retry: RetrySettings
    /// The album's budget on reserved credits.
    public var maxCredits: Double?
    /// Stop submitting the album's jobs this long after the run started.
    public var deadline: Duration?
    /// A task of the album unfinished after this long is failed.
    public var taskTimeout: Duration
    /// Credits the album's earlier runs reserved, for its budget.
    public var creditsAlreadyReserved: Double

    /// Creates a policy.
    public init(
        retry: RetrySettings, maxCredits: Double?, deadline: Duration?, taskTimeout: Duration,
        creditsAlreadyReserved: Double = 0
    ) {
        self.retry = retry
        self.maxCredits = maxCredits
        self.deadline = deadline
        self.taskTimeout = taskTimeout
        self.creditsAlreadyReserved = creditsAlreadyReserved
    }

    /// The policy of a single album: its manifest's limits and retry settings.
    public init(limits: RunLimits, retry: RetrySettings, creditsAlreadyReserved: Double = 0) {
        self.init(
            retry: retry, maxCredits: limits.maxCredits, deadline: limits.deadline, taskTimeout: limits.taskTimeout,
            creditsAlreadyReserved: creditsAlreadyReserved)
    }
}

/// The limits and policies one scheduler enforces: the manifest's limits and retry settings as they are, and
/// what the run and the provider add. A scheduler for several albums (``groups``) shares the concurrency cap and
/// both rate windows of ``limits`` among them, and keeps each album's budget, deadline, retries and timeout.
public struct SchedulerConfiguration: Sendable, Hashable {
    /// Concurrency, both rates, the budget, the task timeout and the deadline.
    public var limits: RunLimits
    /// Tries per job in this run for retriable failures, and the delays between them.
    public var retry: RetrySettings
    /// When to poll running tasks.
    public var poll: PollSchedule
    /// Task ids per status request.
    public var maxBatchSize: Int
    /// Whether the provider replays a paid POST with a known `Idempotency-Key`.
    public var idempotentSubmissions: Bool
    /// Each album's policies, by ``SchedulerJob/group``; empty for a single album, whose policies are
    /// ``limits`` and ``retry``.
    public var groups: [GroupPolicy]

    /// Creates a configuration.
    public init(
        limits: RunLimits, retry: RetrySettings, poll: PollSchedule = PollSchedule(), maxBatchSize: Int = 1,
        idempotentSubmissions: Bool = true, groups: [GroupPolicy] = []
    ) {
        self.limits = limits
        self.retry = retry
        self.poll = poll
        self.maxBatchSize = maxBatchSize
        self.idempotentSubmissions = idempotentSubmissions
        self.groups = groups
    }

    /// The policies of group `group`.
    public func policy(of group: Int) -> GroupPolicy {
        groups.indices.contains(group) ? groups[group] : GroupPolicy(limits: limits, retry: retry)
    }

    /// How many albums the scheduler runs: at least one.
    public var groupCount: Int { max(1, groups.count) }

    /// The delay between tries of group `group`'s jobs.
    public func backoff(of group: Int = 0) -> Backoff {
        let retry = policy(of: group).retry
        return Backoff(initial: retry.initialBackoff, max: retry.maxBackoff)
    }
}
