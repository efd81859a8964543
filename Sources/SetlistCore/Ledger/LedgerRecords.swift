/// What a job generates.
public enum JobKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A song generation (`songs:` in the manifest).
    case song
    /// A persona derivation (`personas:` in the manifest).
    case persona
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

    enum CodingKeys: String, CodingKey {
        case api
        case baseURL = "base_url"
    }
}

/// A failure as the ledger records it: from a provider call (``ProviderError``) or a finished task
/// (``TaskFailure``).
public struct RecordedError: Sendable, Hashable, Codable {
    /// The classification of a failed provider call; absent for task failures.
    public var kind: ProviderErrorKind?
    /// The HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// The provider's error code, when given.
    public var code: String?
    /// A full sentence saying what happened.
    public var message: String

    /// Creates a recorded error.
    public init(kind: ProviderErrorKind? = nil, httpStatus: Int? = nil, code: String? = nil, message: String) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
    }

    /// Records a failed provider call.
    public init(_ error: ProviderError) {
        self.init(kind: error.kind, httpStatus: error.httpStatus, code: error.code, message: error.message)
    }

    /// Records a task the provider finished with a failure.
    public init(_ failure: TaskFailure) {
        self.init(code: failure.code, message: failure.message)
    }

    enum CodingKeys: String, CodingKey {
        case kind
        case httpStatus = "http_status"
        case code
        case message
    }
}

/// The values chained into a job's request from other jobs, as actually sent.
public struct ChainedInputs: Sendable, Hashable, Codable {
    /// The persona applied to a song.
    public var personaID: String?
    /// How the persona was applied.
    public var personaModel: PersonaModel?
    /// The task that generated a persona's source song.
    public var sourceTaskID: String?
    /// The source song's result (clip) id a persona was derived from.
    public var sourceResultID: String?
    /// The clip a persona came from, as sent to providers that need it (`artist_clip_id`).
    public var artistClipID: String?

    /// Creates chained inputs.
    public init(
        personaID: String? = nil, personaModel: PersonaModel? = nil, sourceTaskID: String? = nil,
        sourceResultID: String? = nil, artistClipID: String? = nil
    ) {
        self.personaID = personaID
        self.personaModel = personaModel
        self.sourceTaskID = sourceTaskID
        self.sourceResultID = sourceResultID
        self.artistClipID = artistClipID
    }

    enum CodingKeys: String, CodingKey {
        case personaID = "persona_id"
        case personaModel = "persona_model"
        case sourceTaskID = "source_task_id"
        case sourceResultID = "source_result_id"
        case artistClipID = "artist_clip_id"
    }
}

/// A file a run downloaded for one result.
public struct DownloadedFile: Sendable, Hashable, Codable {
    /// What the file holds.
    public var kind: MediaKind
    /// Where it was written, as the engine wrote it (relative to the manifest's directory unless absolute).
    public var path: String
    /// The SHA-256 of the file's bytes, lowercase hex.
    public var sha256: String
    /// The file's size in bytes.
    public var bytes: Int64

    /// Creates a downloaded-file record.
    public init(kind: MediaKind, path: String, sha256: String, bytes: Int64) {
        self.kind = kind
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
    }
}

/// One take: a generated song variation with the files downloaded for it.
public struct ResultRecord: Sendable, Hashable, Codable {
    /// The provider's result (clip) id; nil when the provider's answer gave only the take's URL.
    public var resultID: String?
    /// The generated title.
    public var title: String?
    /// Length in seconds.
    public var duration: Double?
    /// The style tags the provider reports.
    public var tags: String?
    /// Download URL of the audio (the provider keeps it for a limited time).
    public var audioURL: String?
    /// Streaming URL of the audio.
    public var streamAudioURL: String?
    /// URL of the cover image.
    public var imageURL: String?
    /// Files downloaded for this result, at most one per kind, ordered by kind.
    public var files: [DownloadedFile]

    /// Creates a result record.
    public init(
        resultID: String?, title: String? = nil, duration: Double? = nil, tags: String? = nil,
        audioURL: String? = nil, streamAudioURL: String? = nil, imageURL: String? = nil,
        files: [DownloadedFile] = []
    ) {
        self.resultID = resultID
        self.title = title
        self.duration = duration
        self.tags = tags
        self.audioURL = audioURL
        self.streamAudioURL = streamAudioURL
        self.imageURL = imageURL
        self.files = files
    }

    /// Records a provider result with no files downloaded yet.
    public init(_ result: TaskResult) {
        self.init(
            resultID: result.resultID, title: result.title, duration: result.duration, tags: result.tags,
            audioURL: result.audioURL, streamAudioURL: result.streamAudioURL, imageURL: result.imageURL
        )
    }

    /// The downloaded file of `kind`, if any.
    public func file(_ kind: MediaKind) -> DownloadedFile? {
        files.first { $0.kind == kind }
    }

    /// Where the file of `kind` is fetched from: the audio URL (else the stream URL) or the cover's; nil when the
    /// provider gave none.
    public func downloadURL(for kind: MediaKind) -> String? {
        switch kind {
        case .audio: audioURL ?? streamAudioURL
        case .cover: imageURL
        }
    }

    enum CodingKeys: String, CodingKey {
        case resultID = "result_id"
        case title
        case duration
        case tags
        case audioURL = "audio_url"
        case streamAudioURL = "stream_audio_url"
        case imageURL = "image_url"
        case files
    }
}

/// One paid submission of a job: from the durable intent to the task's end. Times are Unix milliseconds (UTC),
/// as given by the caller.
public struct AttemptRecord: Sendable, Hashable, Codable {
    /// The attempt's number within the job, from 1, never reused.
    public var number: Int
    /// The job's fingerprint when this attempt was made.
    public var fingerprint: String
    /// The `Idempotency-Key` every POST of this attempt carried.
    public var idempotencyKey: String
    /// How many POSTs were intended with this key (more than 1 after resubmitting an unknown attempt).
    public var submissions: Int
    /// The provider's task id, once the submission was accepted.
    public var taskID: String?
    /// When the last intent to submit was recorded.
    public var submittedAtMs: Int64
    /// When the task id was recorded.
    public var acceptedAtMs: Int64?
    /// When the task finished or the submission was refused.
    public var finishedAtMs: Int64?
    /// Where the attempt stands.
    public var outcome: AttemptOutcome
    /// The task's last status reported by the provider.
    public var providerStatus: TaskStatus?
    /// The task's last progress (0...100) reported by the provider.
    public var progress: Int?
    /// Credits the provider reserved for the task.
    public var creditsReserved: Double?
    /// Why the attempt failed or was refused.
    public var error: RecordedError?
    /// For a completed attempt: its generation, the job's completed attempts counted from 1.
    public var generation: Int?
    /// For a completed song attempt: its takes, in the provider's order. Kept for good (DESIGN §3).
    public var results: [ResultRecord]
    /// For a completed persona attempt: the persona id it derived.
    public var personaID: String?

    /// Creates an attempt record.
    public init(
        number: Int, fingerprint: String, idempotencyKey: String, submissions: Int = 1, taskID: String? = nil,
        submittedAtMs: Int64, acceptedAtMs: Int64? = nil, finishedAtMs: Int64? = nil,
        outcome: AttemptOutcome = .submitting, providerStatus: TaskStatus? = nil, progress: Int? = nil,
        creditsReserved: Double? = nil, error: RecordedError? = nil, generation: Int? = nil,
        results: [ResultRecord] = [], personaID: String? = nil
    ) {
        self.generation = generation
        self.results = results
        self.personaID = personaID
        self.number = number
        self.fingerprint = fingerprint
        self.idempotencyKey = idempotencyKey
        self.submissions = submissions
        self.taskID = taskID
        self.submittedAtMs = submittedAtMs
        self.acceptedAtMs = acceptedAtMs
        self.finishedAtMs = finishedAtMs
        self.outcome = outcome
        self.providerStatus = providerStatus
        self.progress = progress
        self.creditsReserved = creditsReserved
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case number
        case fingerprint
        case idempotencyKey = "idempotency_key"
        case submissions
        case taskID = "task_id"
        case submittedAtMs = "submitted_at_ms"
        case acceptedAtMs = "accepted_at_ms"
        case finishedAtMs = "finished_at_ms"
        case outcome
        case providerStatus = "provider_status"
        case progress
        case creditsReserved = "credits_reserved"
        case error
        case generation
        case results
        case personaID = "persona_id"
    }

    /// Decodes an attempt; format 1 attempts have no generation, results or persona id.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(Int.self, forKey: .number)
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
        idempotencyKey = try c.decode(String.self, forKey: .idempotencyKey)
        submissions = try c.decode(Int.self, forKey: .submissions)
        taskID = try c.decodeIfPresent(String.self, forKey: .taskID)
        submittedAtMs = try c.decode(Int64.self, forKey: .submittedAtMs)
        acceptedAtMs = try c.decodeIfPresent(Int64.self, forKey: .acceptedAtMs)
        finishedAtMs = try c.decodeIfPresent(Int64.self, forKey: .finishedAtMs)
        outcome = try c.decode(AttemptOutcome.self, forKey: .outcome)
        providerStatus = try c.decodeIfPresent(TaskStatus.self, forKey: .providerStatus)
        progress = try c.decodeIfPresent(Int.self, forKey: .progress)
        creditsReserved = try c.decodeIfPresent(Double.self, forKey: .creditsReserved)
        error = try c.decodeIfPresent(RecordedError.self, forKey: .error)
        generation = try c.decodeIfPresent(Int.self, forKey: .generation)
        results = try c.decodeIfPresent([ResultRecord].self, forKey: .results) ?? []
        personaID = try c.decodeIfPresent(String.self, forKey: .personaID)
    }
}

/// Everything the ledger knows about one job. The job's id is its key in ``Ledger/jobs``.
public struct JobRecord: Sendable, Hashable, Codable {
    /// What the job generates.
    public var kind: JobKind
    /// The fingerprint of the request the job currently stands for (DESIGN §2).
    public var fingerprint: String
    /// Where the job stands.
    public var state: JobState
    /// Every attempt, oldest first, including those made for earlier fingerprints. Completed attempts are the
    /// job's generations and keep their takes.
    public var attempts: [AttemptRecord]
    /// The song's chosen take as the latest run resolved it from the manifest's `pick`.
    public var pick: TakeRef?
    /// The derived persona id (persona jobs, once completed).
    public var personaID: String?
    /// The chained values sent with the latest submission.
    public var chainedInputs: ChainedInputs?
    /// The most recent failure, cleared when the job completes or is requeued.
    public var lastError: RecordedError?
    /// The failed job that blocked this one (state `blocked`).
    public var blockedBy: String?

    /// Creates a job record.
    public init(
        kind: JobKind, fingerprint: String, state: JobState = .pending, attempts: [AttemptRecord] = [],
        pick: TakeRef? = nil, personaID: String? = nil, chainedInputs: ChainedInputs? = nil,
        lastError: RecordedError? = nil, blockedBy: String? = nil
    ) {
        self.kind = kind
        self.fingerprint = fingerprint
        self.state = state
        self.attempts = attempts
        self.pick = pick
        self.personaID = personaID
        self.chainedInputs = chainedInputs
        self.lastError = lastError
        self.blockedBy = blockedBy
    }

    enum CodingKeys: String, CodingKey {
        case kind
        case fingerprint
        case state
        case attempts
        case pick
        case results
        case personaID = "persona_id"
        case chainedInputs = "chained_inputs"
        case lastError = "last_error"
        case blockedBy = "blocked_by"
    }

    /// Encodes the format 2 form: takes live in the attempts, not beside them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(state, forKey: .state)
        try c.encode(attempts, forKey: .attempts)
        try c.encodeIfPresent(pick, forKey: .pick)
        try c.encodeIfPresent(personaID, forKey: .personaID)
        try c.encodeIfPresent(chainedInputs, forKey: .chainedInputs)
        try c.encodeIfPresent(lastError, forKey: .lastError)
        try c.encodeIfPresent(blockedBy, forKey: .blockedBy)
    }

    /// Decodes a job of either format. A format 1 job keeps the results of its latest completed attempt beside
    /// the attempts; they move into that attempt, and the completed attempts are numbered as generations, so
    /// nothing a format 1 ledger recorded is lost.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(JobKind.self, forKey: .kind)
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
        state = try c.decode(JobState.self, forKey: .state)
        attempts = try c.decode([AttemptRecord].self, forKey: .attempts)
        pick = try c.decodeIfPresent(TakeRef.self, forKey: .pick)
        personaID = try c.decodeIfPresent(String.self, forKey: .personaID)
        chainedInputs = try c.decodeIfPresent(ChainedInputs.self, forKey: .chainedInputs)
        lastError = try c.decodeIfPresent(RecordedError.self, forKey: .lastError)
        blockedBy = try c.decodeIfPresent(String.self, forKey: .blockedBy)
        let legacyResults = try c.decodeIfPresent([ResultRecord].self, forKey: .results)
        var generation = 0
        for index in attempts.indices where attempts[index].outcome == .completed {
            generation += 1
            if attempts[index].generation == nil { attempts[index].generation = generation }
        }
        if let latest = attempts.lastIndex(where: { $0.outcome == .completed }) {
            if let legacyResults, attempts[latest].results.isEmpty { attempts[latest].results = legacyResults }
            if attempts[latest].personaID == nil, kind == .persona { attempts[latest].personaID = personaID }
        }
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
}

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

    enum CodingKeys: String, CodingKey {
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
