/// What a job generates.
public enum JobKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A song generation (`songs:` in the manifest).
    case song
    /// A persona derivation (`personas:` in the manifest).
    case persona
    /// Lyrics written by the provider (`lyrics:` in the manifest).
    case lyrics
    /// One extension of a song (`extend:` in a song's entry).
    case `extension`
    /// The join of an extended song's parts into one song.
    case join
    /// A WAV master of a song's album take (`wav` in `output.download`).
    case wav
}

/// Where a job stands, as the ledger records it (DESIGN §3).
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Planned, not submitted, or waiting for another attempt.
    case pending
    /// The intent to submit is durable; no task id has been recorded yet.
    case submitting
    /// The provider accepted the submission; its task id is recorded and is being polled.
    case running
    /// The provider finished the task with results.
    case completed
    /// The job failed and will not be retried in this run.
    case failed
    /// A job this one depends on failed, so this one was not run.
    case blocked
    /// A submission was intended but its outcome is unknown (the run stopped before a task id was recorded).
    case unknown
}

/// How one attempt ended, or where it stands.
public enum AttemptOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The intent is recorded; the POST may or may not have reached the provider.
    case submitting
    /// The provider returned a task id; the task is not finished.
    case running
    /// The task finished with results.
    case completed
    /// The task finished with a failure.
    case failed
    /// The provider refused the submission; no task was created.
    case rejected
    /// A later run found the intent without a task id and could not tell whether the provider created a task.
    case unknown
    /// The job's fingerprint changed while this attempt was unconfirmed or in flight; it is no longer followed.
    case superseded
}

/// How a run ended.
public enum RunOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every job completed or was already up to date (exit 0).
    case completed
    /// Some jobs failed or were blocked (exit 1).
    case jobsFailed = "jobs_failed"
    /// Every job completed, but files of paid takes are not downloaded yet; the next run fetches them without
    /// paying for anything (exit 1).
    case downloadsPending = "downloads_pending"
    /// The provider rejected the API key (exit 3).
    case authenticationRejected = "authentication_rejected"
    /// The provider reported insufficient credits (exit 4).
    case outOfCredits = "out_of_credits"
    /// The manifest's `max_credits` budget was reached (exit 4).
    case budgetReached = "budget_reached"
    /// The manifest's `deadline` passed; the next run resumes (exit 75).
    case deadlineReached = "deadline_reached"
    /// SIGINT or SIGTERM stopped the run; the next run resumes (exit 75).
    case interrupted
    /// The provider could not be reached; the next run resumes (exit 75).
    case providerUnreachable = "provider_unreachable"
    /// The ledger could not be written, so the run stopped before paying for anything more (exit 70).
    case ledgerUnwritable = "ledger_unwritable"
    /// An internal error stopped the run (exit 70).
    case internalError = "internal_error"
}
