import SetlistCore

/// The limits and policies one scheduler enforces: the manifest's limits and retry settings as they are, and
/// what the run and the provider add.
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

    /// Creates a configuration.
    public init(
        limits: RunLimits, retry: RetrySettings, poll: PollSchedule = PollSchedule(), maxBatchSize: Int = 1,
        idempotentSubmissions: Bool = true
    ) {
        self.limits = limits
        self.retry = retry
        self.poll = poll
        self.maxBatchSize = maxBatchSize
        self.idempotentSubmissions = idempotentSubmissions
    }

    /// The delay between tries.
    public var backoff: Backoff {
        Backoff(initial: retry.initialBackoff, max: retry.maxBackoff)
    }
}
