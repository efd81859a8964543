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
    /// Whether the provider answers a status request about this job's task with one request of its own, so that
    /// it never shares a batch (a WAV conversion on the Suno proxy).
    public var pollsAlone: Bool
    /// The album the job belongs to when several share the scheduler (``SchedulerConfiguration/groups``).
    public var group: Int

    /// Creates a job.
    public init(
        id: String, dependencies: [Int], priority: Double, estimatedCredits: Double, start: JobStart,
        pollsAlone: Bool = false, group: Int = 0
    ) {
        self.group = group
        self.pollsAlone = pollsAlone
        self.id = id
        self.dependencies = dependencies
        self.priority = priority
        self.estimatedCredits = estimatedCredits
        self.start = start
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
