/// One invocation of `setlist run` on this ledger.
public struct RunRecord: Sendable, Hashable, Codable {
    /// The caller's id for the run, unique within the ledger.
    public var id: String
    /// The version of setlist that made the run; absent in runs recorded before format 2.
    public var setlistVersion: String?
    /// When the run started, Unix milliseconds (UTC).
    public var startedAtMs: Int64
    /// When the run finished; absent while it runs or when it never finished (crash, kill -9).
    public var endedAtMs: Int64?
    /// How the run ended; absent while it runs or when it never finished.
    public var outcome: RunOutcome?
    /// The process exit code; absent while it runs or when it never finished.
    public var exitCode: Int32?
    /// The run's counters. Submitted, completed, failed and blocked grow with each event, so they survive a
    /// crash; skipped, polls and requests are set when the run finishes.
    public var counts: RunCounts
    /// Credits the provider reserved for the submissions of this run.
    public var creditsReserved: Double

    /// Creates a run record.
    public init(
        id: String, setlistVersion: String? = nil, startedAtMs: Int64, endedAtMs: Int64? = nil,
        outcome: RunOutcome? = nil, exitCode: Int32? = nil, counts: RunCounts = RunCounts(), creditsReserved: Double = 0
    ) {
        self.id = id
        self.setlistVersion = setlistVersion
        self.startedAtMs = startedAtMs
        self.endedAtMs = endedAtMs
        self.outcome = outcome
        self.exitCode = exitCode
        self.counts = counts
        self.creditsReserved = creditsReserved
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case setlistVersion = "setlist_version"
        case startedAtMs = "started_at_ms"
        case endedAtMs = "ended_at_ms"
        case outcome
        case exitCode = "exit_code"
        case counts
        case creditsReserved = "credits_reserved"
    }
}

/// Counters of one run.
public struct RunCounts: Sendable, Hashable, Codable {
    /// Submissions the provider accepted (paid).
    public var submitted: Int
    /// Jobs that completed.
    public var completed: Int
    /// Jobs that failed for good.
    public var failed: Int
    /// Jobs blocked by a failed dependency.
    public var blocked: Int
    /// Jobs already up to date, left alone.
    public var skipped: Int
    /// Status requests sent.
    public var polls: Int
    /// HTTP requests sent to the provider, submissions and polls together.
    public var requests: Int

    /// Creates counters.
    public init(
        submitted: Int = 0, completed: Int = 0, failed: Int = 0, blocked: Int = 0, skipped: Int = 0,
        polls: Int = 0, requests: Int = 0
    ) {
        self.submitted = submitted
        self.completed = completed
        self.failed = failed
        self.blocked = blocked
        self.skipped = skipped
        self.polls = polls
        self.requests = requests
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case submitted
        case completed
        case failed
        case blocked
        case skipped
        case polls
        case requests
    }
}

/// The provider a ledger's tasks belong to. Holds no credentials: the model has no field for an API key.
public struct LedgerProvider: Sendable, Hashable, Codable {
    /// The API format.
    public var api: ProviderAPI
    /// The base URL the tasks were submitted to.
    public var baseURL: String

    /// Creates a provider description.
    public init(api: ProviderAPI, baseURL: String) {
        self.api = api
        self.baseURL = baseURL
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case api
        case baseURL = "base_url"
    }
}
