/// A lyrics request (`POST /suno/submit/lyrics`).
public struct LyricsRequest: Sendable, Hashable, Codable {
    /// What the lyrics are about.
    public var prompt: String

    /// Creates a lyrics request.
    public init(prompt: String) {
        self.prompt = prompt
    }
}

/// A request that extends a song from one of its clips (`POST /suno/submit/music` with `task: "extend"`).
/// `taskID` and `clipID` are chained in from the part it continues.
public struct ExtensionRequest: Sendable, Hashable, Codable {
    /// The song's model; the provider sends the same model version the continued clip was made with (`mv`).
    public var model: String
    /// Whether the song is sung with a persona, so that its clips were made with the model's persona version,
    /// which the extension must use too.
    public var personaVersion: Bool
    /// The task that made the continued clip (`task_id`).
    public var taskID: String
    /// The clip continued (`continue_clip_id`).
    public var clipID: String
    /// Seconds into the continued clip where the new part starts (`continue_at`).
    public var continueAt: Double
    /// The lyrics of the new part only; empty for an instrumental part.
    public var prompt: String
    /// The song's title.
    public var title: String?
    /// The song's style tags.
    public var style: String?
    /// Styles to avoid.
    public var negativeTags: String?
    /// Generate without vocals.
    public var instrumental: Bool

    /// Creates an extension request.
    public init(
        model: String, personaVersion: Bool = false, taskID: String, clipID: String, continueAt: Double,
        prompt: String, title: String? = nil, style: String? = nil, negativeTags: String? = nil,
        instrumental: Bool = false
    ) {
        self.model = model
        self.personaVersion = personaVersion
        self.taskID = taskID
        self.clipID = clipID
        self.continueAt = continueAt
        self.prompt = prompt
        self.title = title
        self.style = style
        self.negativeTags = negativeTags
        self.instrumental = instrumental
    }
}

/// A request that joins an extended song into one song (`POST /suno/submit/concat`), from the clip of its last
/// part; the provider walks the lineage itself.
public struct JoinRequest: Sendable, Hashable, Codable {
    /// The last part's clip (`clip_id`).
    public var clipID: String
    /// Whether the clip comes from a section replace rather than an extension (`is_infill`); false for a join.
    public var isInfill: Bool

    /// Creates a join request.
    public init(clipID: String, isInfill: Bool = false) {
        self.clipID = clipID
        self.isInfill = isInfill
    }
}

/// A request for a WAV master of one clip (`GET /suno/act/wav/{clip_id}`).
public struct WAVRequest: Sendable, Hashable, Codable {
    /// The clip converted.
    public var clipID: String

    /// Creates a WAV request.
    public init(clipID: String) {
        self.clipID = clipID
    }
}

/// Every request a job can send, in provider-neutral form: the one value ``RequestBuilder`` builds and
/// ``MusicProvider/submit(_:idempotencyKey:)`` sends.
public enum ProviderRequest: Sendable, Hashable {
    /// A song generation.
    case song(SongRequest)
    /// A persona derivation.
    case persona(PersonaRequest)
    /// Lyrics from a description.
    case lyrics(LyricsRequest)
    /// An extension of a song.
    case `extension`(ExtensionRequest)
    /// The join of an extended song.
    case join(JoinRequest)
    /// A WAV master of a clip.
    case wav(WAVRequest)

    /// The request as JSON, for fingerprints and plans.
    public var jsonValue: JSONValue {
        switch self {
        case .song(let request): request.jsonValue
        case .persona(let request): request.jsonValue
        case .lyrics(let request): request.jsonValue
        case .extension(let request): request.jsonValue
        case .join(let request): request.jsonValue
        case .wav(let request): request.jsonValue
        }
    }

    /// What the request asks for, in words a user reads in an error: `a concat (join) request`.
    public var summary: String {
        switch self {
        case .song: "a song generation"
        case .persona: "a persona derivation"
        case .lyrics: "a lyrics request"
        case .extension: "an extend request"
        case .join: "a concat (join) request"
        case .wav: "a WAV request"
        }
    }
}
