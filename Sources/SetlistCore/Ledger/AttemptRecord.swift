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

    enum CodingKeys: String, CodingKey, CaseIterable {
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

    enum CodingKeys: String, CodingKey, CaseIterable {
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
    /// The lyrics a song sends, written by its lyrics job (`lyrics_from`).
    public var lyrics: String?
    /// The title its lyrics job gave them, sent when the song has no title of its own.
    public var lyricsTitle: String?

    /// Creates chained inputs. ``sourceTaskID`` and ``sourceResultID`` also name the task and clip an extension
    /// continues, the clip a join joins and the clip a WAV job converts.
    public init(
        personaID: String? = nil, personaModel: PersonaModel? = nil, sourceTaskID: String? = nil,
        sourceResultID: String? = nil, artistClipID: String? = nil, lyrics: String? = nil, lyricsTitle: String? = nil
    ) {
        self.lyrics = lyrics
        self.lyricsTitle = lyricsTitle
        self.personaID = personaID
        self.personaModel = personaModel
        self.sourceTaskID = sourceTaskID
        self.sourceResultID = sourceResultID
        self.artistClipID = artistClipID
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case personaID = "persona_id"
        case personaModel = "persona_model"
        case sourceTaskID = "source_task_id"
        case sourceResultID = "source_result_id"
        case artistClipID = "artist_clip_id"
        case lyrics
        case lyricsTitle = "lyrics_title"
    }
}
