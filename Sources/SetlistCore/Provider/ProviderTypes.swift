/// A song generation request in provider-neutral form. Field names follow Evolink's documented body; each
/// provider maps it to its own wire format. Chained values (`personaID`, `artistClipID`) are filled at run time.
public struct SongRequest: Sendable, Hashable, Codable {
    /// The canonical model name: the one limits are checked on and the fingerprint hashes.
    public var model: String
    /// The model name as the manifest wrote it, when that is an older name the provider maps itself (`suno-v5` for
    /// `suno-v5-beta`); nil when it equals ``model``. Evolink is sent `wireModel ?? model`, the name as the user
    /// wrote it. It is deliberately not in ``jsonValue``: fingerprints hash the canonical name, so `suno-v5` and
    /// `suno-v5-beta` are one job, and the fingerprints recorded while setlist sent the canonical name still hold.
    public var wireModel: String?
    /// Custom (true) or simple (false) mode.
    public var customMode: Bool
    /// Generate without vocals.
    public var instrumental: Bool
    /// Description (simple mode) or lyrics (custom mode).
    public var prompt: String?
    /// Style tags (custom mode).
    public var style: String?
    /// Title (custom mode).
    public var title: String?
    /// Styles to avoid.
    public var negativeTags: String?
    /// Vocal gender preference.
    public var vocalGender: VocalGender?
    /// Style adherence, 0...1.
    public var styleWeight: Double?
    /// Creativity, 0...1.
    public var weirdnessConstraint: Double?
    /// Audio feature weight, 0...1.
    public var audioWeight: Double?
    /// The persona to apply.
    public var personaID: String?
    /// How the persona is applied.
    public var personaModel: PersonaModel?
    /// The clip the persona came from (the Suno proxy format needs it as `artist_clip_id`).
    public var artistClipID: String?
    /// Requested length in seconds.
    public var duration: Int?
    /// Completion callback URL.
    public var callbackURL: String?

    /// Creates a song request.
    public init(
        model: String, customMode: Bool, instrumental: Bool, prompt: String? = nil, style: String? = nil,
        title: String? = nil, negativeTags: String? = nil, vocalGender: VocalGender? = nil,
        styleWeight: Double? = nil, weirdnessConstraint: Double? = nil, audioWeight: Double? = nil,
        personaID: String? = nil, personaModel: PersonaModel? = nil, artistClipID: String? = nil,
        duration: Int? = nil, callbackURL: String? = nil, wireModel: String? = nil
    ) {
        self.model = model
        self.wireModel = wireModel
        self.customMode = customMode
        self.instrumental = instrumental
        self.prompt = prompt
        self.style = style
        self.title = title
        self.negativeTags = negativeTags
        self.vocalGender = vocalGender
        self.styleWeight = styleWeight
        self.weirdnessConstraint = weirdnessConstraint
        self.audioWeight = audioWeight
        self.personaID = personaID
        self.personaModel = personaModel
        self.artistClipID = artistClipID
        self.duration = duration
        self.callbackURL = callbackURL
    }
}

/// A persona derivation request in provider-neutral form.
public struct PersonaRequest: Sendable, Hashable, Codable {
    /// The task that generated the source song.
    public var sourceTaskID: String
    /// The source song's result (clip) id.
    public var resultID: String
    /// The persona's name.
    public var name: String
    /// A description of the musical style.
    public var description: String
    /// Start of the clean-vocal window in seconds.
    public var vocalStart: Double?
    /// End of the clean-vocal window in seconds.
    public var vocalEnd: Double?
    /// Style text.
    public var style: String?

    /// Creates a persona request.
    public init(
        sourceTaskID: String, resultID: String, name: String, description: String, vocalStart: Double? = nil,
        vocalEnd: Double? = nil, style: String? = nil
    ) {
        self.sourceTaskID = sourceTaskID
        self.resultID = resultID
        self.name = name
        self.description = description
        self.vocalStart = vocalStart
        self.vocalEnd = vocalEnd
        self.style = style
    }
}

/// A provider task's state, normalized across providers.
public enum TaskStatus: String, Sendable, Hashable, Codable {
    /// Accepted, not started.
    case pending
    /// Generating.
    case processing
    /// Finished with results.
    case completed
    /// Finished without results.
    case failed
    /// Cancelled by the provider or the user.
    case cancelled

    /// True for completed, failed and cancelled.
    public var isTerminal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// One generated song variation (a take), normalized.
public struct TaskResult: Sendable, Hashable, Codable {
    /// The provider's result (clip) id; nil when the provider listed the take only by its audio URL (Evolink's
    /// `results` array). Such a take can be downloaded but cannot be the source of a persona.
    public var resultID: String?
    /// The generated title.
    public var title: String?
    /// The style tags the provider reports.
    public var tags: String?
    /// Length in seconds.
    public var duration: Double?
    /// Download URL of the audio.
    public var audioURL: String?
    /// Streaming URL of the audio.
    public var streamAudioURL: String?
    /// URL of the cover image.
    public var imageURL: String?
    /// The text of generated lyrics (lyrics tasks).
    public var text: String?

    /// Creates a result.
    public init(
        resultID: String?, title: String? = nil, tags: String? = nil, duration: Double? = nil,
        audioURL: String? = nil, streamAudioURL: String? = nil, imageURL: String? = nil, text: String? = nil
    ) {
        self.text = text
        self.resultID = resultID
        self.title = title
        self.tags = tags
        self.duration = duration
        self.audioURL = audioURL
        self.streamAudioURL = streamAudioURL
        self.imageURL = imageURL
    }
}

/// Why a provider task failed, as the provider reported it.
public struct TaskFailure: Sendable, Hashable, Codable, Error {
    /// The provider's business error code (e.g. `content_policy_violation`).
    public var code: String
    /// The provider's message.
    public var message: String

    /// Creates a task failure.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Codes the provider documents as server-side and transient: retrying may succeed.
    public static let retriableCodes: Set<String> = [
        "service_error", "resource_exhausted", "service_unavailable", "generation_timeout", "quota_exceeded",
        "unknown_error", "generation_failed_no_content", "model_unavailable", "upstream_error", "request_cancelled",
        "task_timeout", "resource_not_found",
    ]

    /// Stands in when a provider reports a failed task without an error object.
    public static let unexplained = TaskFailure(
        code: "unknown_error", message: "The provider reported that the task failed without giving a reason.")

    /// Whether a new attempt may succeed.
    public var isRetriable: Bool { Self.retriableCodes.contains(code) }
}

/// A provider task as seen by one submission or status request.
public struct TaskSnapshot: Sendable, Hashable, Codable {
    /// The provider's task id.
    public var id: String
    /// The normalized state.
    public var status: TaskStatus
    /// Progress 0...100, when reported.
    public var progress: Int?
    /// The provider's estimate of the task's total time, when reported.
    public var estimatedSeconds: Double?
    /// Credits the provider reserved for the task, when reported.
    public var creditsReserved: Double?
    /// Generated songs (music tasks, when completed).
    public var results: [TaskResult]
    /// The derived persona id (persona tasks, when completed).
    public var personaID: String?
    /// The failure (failed tasks).
    public var failure: TaskFailure?

    /// Creates a snapshot.
    public init(
        id: String, status: TaskStatus, progress: Int? = nil, estimatedSeconds: Double? = nil,
        creditsReserved: Double? = nil, results: [TaskResult] = [], personaID: String? = nil,
        failure: TaskFailure? = nil
    ) {
        self.id = id
        self.status = status
        self.progress = progress
        self.estimatedSeconds = estimatedSeconds
        self.creditsReserved = creditsReserved
        self.results = results
        self.personaID = personaID
        self.failure = failure
    }
}

/// What a failed provider call means for the run.
public enum ProviderErrorKind: String, Sendable, Hashable, Codable {
    /// Network error, 5xx or a malformed body: retry with backoff.
    case transient
    /// 429: wait (honouring `Retry-After`) and lower the send rate.
    case rateLimited
    /// A 4xx the request itself caused: do not retry; fix the manifest.
    case rejected
    /// 401/403: stop the run (exit 3).
    case authentication
    /// 402: stop new submissions (exit 4).
    case quota
    /// The task id is unknown to the provider (404 or `task_not_exist`).
    case notFound
}

/// A failed provider call, classified.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The classification that drives the run's reaction.
    public var kind: ProviderErrorKind
    /// The HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// The provider's error code, when given.
    public var code: String?
    /// A full sentence saying what happened.
    public var message: String
    /// How long the provider asked the client to wait (`Retry-After`).
    public var retryAfter: Duration?

    /// Creates a provider error.
    public init(
        kind: ProviderErrorKind, httpStatus: Int? = nil, code: String? = nil, message: String,
        retryAfter: Duration? = nil
    ) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The message with the status and code, for logs and the ledger.
    public var description: String {
        var prefix = ""
        if let httpStatus { prefix += "HTTP \(httpStatus)" }
        if let code { prefix += prefix.isEmpty ? code : " \(code)" }
        return prefix.isEmpty ? message : "\(prefix): \(message)"
    }
}

/// The one seam between the engine and a music-generation API. Implementations are `Sendable` values that
/// map the neutral requests to their wire format, classify every failure as a ``ProviderError``, and never
/// log the API key.
public protocol MusicProvider: Sendable {
    /// The API format this provider speaks.
    var api: ProviderAPI { get }
    /// Whether the provider replays a paid POST that carries an `Idempotency-Key` it has seen.
    var honoursIdempotencyKeys: Bool { get }
    /// The most task ids one status request may carry (1 where there is no batch endpoint).
    var maxBatchSize: Int { get }

    /// Submits a paid request: a song, a persona, lyrics, an extension, a join or a WAV conversion.
    /// `idempotencyKey` goes into the `Idempotency-Key` header. A request the provider's API has no endpoint for
    /// throws a ``ProviderErrorKind/rejected`` error whose message says so. Synchronous endpoints return a
    /// completed snapshot.
    func submit(_ request: ProviderRequest, idempotencyKey: String) async throws(ProviderError) -> TaskSnapshot
    /// Fetches the state of up to ``maxBatchSize`` tasks in as few requests as the provider allows.
    /// Tasks the provider does not know are missing from the answer.
    func fetchTasks(_ ids: [String]) async throws(ProviderError) -> [TaskSnapshot]
}

extension MusicProvider {
    /// Submits a paid song generation.
    public func submitSong(_ request: SongRequest, idempotencyKey: String) async throws(ProviderError) -> TaskSnapshot {
        try await submit(.song(request), idempotencyKey: idempotencyKey)
    }

    /// Submits a paid persona derivation. Synchronous providers return a completed snapshot.
    public func submitPersona(_ request: PersonaRequest, idempotencyKey: String) async throws(ProviderError)
        -> TaskSnapshot
    {
        try await submit(.persona(request), idempotencyKey: idempotencyKey)
    }
}
