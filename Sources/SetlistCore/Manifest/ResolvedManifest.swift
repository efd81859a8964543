/// The provider API format a manifest talks to.
public enum ProviderAPI: String, Sendable, Hashable, Codable, CaseIterable {
    /// Evolink's unified task API (`/v1/audios/generations`, `/v1/tasks/{id}`).
    case evolink
    /// The new-api / Suno-API aggregator format (`/suno/submit/music`, `/suno/fetch`).
    case sunoProxy = "suno-proxy"
}

/// Where and how to reach the provider.
public struct ProviderSettings: Sendable, Hashable {
    /// The API format.
    public var api: ProviderAPI
    /// The base URL, without a trailing slash.
    public var baseURL: String
    /// The name of the environment variable that holds the API key.
    public var apiKeyEnvironmentVariable: String
    /// Whether the provider replays a paid POST that carries an `Idempotency-Key` it has seen.
    public var idempotencyKeys: Bool

    /// Creates provider settings.
    public init(api: ProviderAPI, baseURL: String, apiKeyEnvironmentVariable: String, idempotencyKeys: Bool) {
        self.api = api
        self.baseURL = baseURL
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.idempotencyKeys = idempotencyKeys
    }
}

/// Rate, concurrency, budget and time limits for a run.
public struct RunLimits: Sendable, Hashable {
    /// Provider tasks in flight at once.
    public var concurrency: Int
    /// Every HTTP call to the provider per minute (submissions and polls).
    public var requestsPerMinute: Int
    /// Paid submissions per minute.
    public var submitsPerMinute: Int
    /// Optional budget on reserved credits.
    public var maxCredits: Double?
    /// A task unfinished after this long is failed.
    public var taskTimeout: Duration
    /// Optional: stop submitting after this long since the run started.
    public var deadline: Duration?

    /// Creates limits.
    public init(
        concurrency: Int, requestsPerMinute: Int, submitsPerMinute: Int, maxCredits: Double?,
        taskTimeout: Duration, deadline: Duration?
    ) {
        self.concurrency = concurrency
        self.requestsPerMinute = requestsPerMinute
        self.submitsPerMinute = submitsPerMinute
        self.maxCredits = maxCredits
        self.taskTimeout = taskTimeout
        self.deadline = deadline
    }
}

/// How often and how patiently retriable failures are retried.
public struct RetrySettings: Sendable, Hashable {
    /// Tries per job for retriable failures, the first one included.
    public var attempts: Int
    /// The first backoff delay.
    public var initialBackoff: Duration
    /// The longest backoff delay.
    public var maxBackoff: Duration

    /// Creates retry settings.
    public init(attempts: Int, initialBackoff: Duration, maxBackoff: Duration) {
        self.attempts = attempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }
}

/// A kind of media file a run can download.
public enum MediaKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The generated audio (`audio_url`).
    case audio
    /// The cover image (`image_url`).
    case cover
    /// A WAV master of each song's album take (Suno-proxy vendors' `GET /suno/act/wav/{clip_id}`).
    case wav
}

/// Where a run writes its files. Paths are as written in the manifest (or defaulted), relative to the
/// manifest's directory unless absolute.
public struct OutputSettings: Sendable, Hashable {
    /// The download directory.
    public var directory: String
    /// Which media to download, in order.
    public var download: [MediaKind]
    /// The ledger file.
    public var ledger: String

    /// Creates output settings.
    public init(directory: String, download: [MediaKind], ledger: String) {
        self.directory = directory
        self.download = download
        self.ledger = ledger
    }
}

/// Where a manifest sets its output folder and ledger: the value of `output.dir` / `output.ledger` when written,
/// else what the default comes from (the album name for the folder, the manifest's start for the ledger).
public struct OutputLocations: Sendable, Hashable {
    /// Where the output folder is set.
    public var directory: SourceLocation
    /// Where the ledger is set.
    public var ledger: SourceLocation

    /// Creates output locations; both default to the start of the file.
    public init(
        directory: SourceLocation = SourceLocation(line: 1, column: 1),
        ledger: SourceLocation = SourceLocation(line: 1, column: 1)
    ) {
        self.directory = directory
        self.ledger = ledger
    }
}

/// Whether a song is described (simple mode) or spelled out (custom mode).
public enum SongMode: String, Sendable, Hashable, Codable {
    /// Custom mode: title, style and lyrics are given.
    case custom
    /// Simple mode: a description; the provider writes lyrics, style and title.
    case simple
}

/// A vocal gender preference.
public enum VocalGender: String, Sendable, Hashable, Codable {
    /// Male vocals.
    case m
    /// Female vocals.
    case f
}

/// How a persona shapes a song.
public enum PersonaModel: String, Sendable, Hashable, Codable, CaseIterable {
    /// Arrangement, rhythm and timbre.
    case stylePersona = "style_persona"
    /// Vocal timbre and singing style.
    case voicePersona = "voice_persona"
}

/// Where a song's persona comes from.
public enum PersonaReference: Sendable, Hashable {
    /// A persona job of this manifest; its `persona_id` is chained in at run time.
    case job(String)
    /// A literal `persona_id` made elsewhere.
    case literal(String)
}

/// A song job, validated, with defaults merged and mode inferred.
public struct Song: Sendable, Hashable {
    /// The job id, unique across songs and personas.
    public var id: String
    /// The 1-based track number (manifest order).
    public var track: Int
    /// The canonical provider model name (legacy names already mapped): every limit is checked on it, and the
    /// fingerprint hashes it.
    public var model: String
    /// The model name as the manifest wrote it, when that is an older name the provider maps itself (`suno-v5`
    /// for `suno-v5-beta`); nil when the manifest wrote the canonical name or none. Evolink is sent this name.
    public var wireModel: String?
    /// Custom or simple mode.
    public var mode: SongMode
    /// The title (custom mode).
    public var title: String?
    /// The style tags (custom mode).
    public var style: String?
    /// What is sent as `prompt`: the description in simple mode, the lyrics in custom mode.
    public var prompt: String?
    /// Whether to generate without vocals.
    public var instrumental: Bool
    /// Styles to avoid.
    public var negativeTags: String?
    /// The vocal gender preference.
    public var vocalGender: VocalGender?
    /// Adherence to the style, 0...1, as written; the request rounds it to the seeds' step (``WeightStep``).
    public var styleWeight: Double?
    /// Creativity, 0...1 (`weirdness_constraint`), as written; the request rounds it to the seeds' step.
    public var weirdness: Double?
    /// Weight of audio features, 0...1, as written; the request rounds it to the seeds' step.
    public var audioWeight: Double?
    /// Requested length in seconds, on models that allow it.
    public var duration: Int?
    /// The persona this song uses, if any.
    public var persona: PersonaReference?
    /// How the persona is applied; set whenever `persona` is set.
    public var personaModel: PersonaModel?
    /// Extra ordering edges: jobs that must complete first.
    public var after: [String]
    /// The provider's completion callback URL.
    public var callbackURL: String?
    /// The track's artist in the album folder's tags, when the song names its own (DESIGN §9).
    public var artist: String?
    /// The song's chosen take (DESIGN §8); take 1 of the newest generation unless the manifest says otherwise.
    public var pick: TakeChoice
    /// The lyrics job whose text the song sends (`lyrics_from:`), chained in at run time.
    public var lyricsFrom: String?
    /// The song's extensions in order (`extend:`); with any, the parts are joined and the joined take goes on
    /// the album.
    public var extensions: [SongExtension]
    /// Whether a WAV master of the song's album take is fetched (`wav` in `output.download`).
    public var wantsWAV: Bool
    /// Where the song's entry starts in the manifest.
    public var location: SourceLocation

    /// Creates a song job.
    public init(
        id: String, track: Int, model: String, wireModel: String? = nil, mode: SongMode, title: String? = nil,
        style: String? = nil,
        prompt: String? = nil, instrumental: Bool = false, negativeTags: String? = nil,
        vocalGender: VocalGender? = nil, styleWeight: Double? = nil, weirdness: Double? = nil,
        audioWeight: Double? = nil, duration: Int? = nil, persona: PersonaReference? = nil,
        personaModel: PersonaModel? = nil, after: [String] = [], callbackURL: String? = nil,
        pick: TakeChoice = .defaultPick, artist: String? = nil, lyricsFrom: String? = nil,
        extensions: [SongExtension] = [], wantsWAV: Bool = false,
        location: SourceLocation = SourceLocation(line: 1, column: 1)
    ) {
        self.pick = pick
        self.lyricsFrom = lyricsFrom
        self.extensions = extensions
        self.wantsWAV = wantsWAV
        self.artist = artist
        self.id = id
        self.track = track
        self.model = model
        self.wireModel = wireModel
        self.mode = mode
        self.title = title
        self.style = style
        self.prompt = prompt
        self.instrumental = instrumental
        self.negativeTags = negativeTags
        self.vocalGender = vocalGender
        self.styleWeight = styleWeight
        self.weirdness = weirdness
        self.audioWeight = audioWeight
        self.duration = duration
        self.persona = persona
        self.personaModel = personaModel
        self.after = after
        self.callbackURL = callbackURL
        self.location = location
    }
}

extension Song {
    /// Whether some weight of the song is sent as a different value on `step` than on `other`; only then do the
    /// song's requests, and so its fingerprints, differ between the two steps.
    public func weightsDiffer(between step: WeightStep, and other: WeightStep) -> Bool {
        [styleWeight, weirdness, audioWeight].contains { weight in
            weight.map { step.rounded($0) != other.rounded($0) } ?? false
        }
    }
}

/// The song result a persona is derived from.
public enum PersonaSource: Sendable, Hashable {
    /// A song of this manifest and which of its takes; nil follows the song's pick.
    case song(id: String, take: TakeChoice?)
    /// A song generated elsewhere, by task id and result id.
    case external(taskID: String, resultID: String)
}

/// A window of the source song in seconds that holds clean vocals.
public struct VocalWindow: Sendable, Hashable {
    /// Start in seconds.
    public var start: Double
    /// End in seconds; 10 to 30 seconds after `start`.
    public var end: Double

    /// Creates a vocal window.
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

/// A persona derivation job, validated.
public struct Persona: Sendable, Hashable {
    /// The job id, unique across songs and personas.
    public var id: String
    /// The song result the persona is derived from.
    public var source: PersonaSource
    /// The persona's name.
    public var name: String
    /// A description of the musical style.
    public var description: String
    /// The clean-vocal window, if given.
    public var vocalWindow: VocalWindow?
    /// Style text, if given.
    public var style: String?
    /// Extra ordering edges.
    public var after: [String]
    /// Where the persona's entry starts in the manifest.
    public var location: SourceLocation

    /// Creates a persona job.
    public init(
        id: String, source: PersonaSource, name: String, description: String, vocalWindow: VocalWindow? = nil,
        style: String? = nil, after: [String] = [], location: SourceLocation = SourceLocation(line: 1, column: 1)
    ) {
        self.id = id
        self.source = source
        self.name = name
        self.description = description
        self.vocalWindow = vocalWindow
        self.style = style
        self.after = after
        self.location = location
    }
}

/// A manifest after validation: defaults merged, modes inferred, lyrics files read, references resolved.
/// Every value in it is one the provider documents as acceptable.
public struct ResolvedManifest: Sendable, Hashable {
    /// The album's display name.
    public var album: String
    /// The album name as a path-safe slug.
    public var albumSlug: String
    /// The album's artist, year and genre for the album folder's tags (DESIGN §9).
    public var credits: AlbumCredits
    /// The provider settings.
    public var provider: ProviderSettings
    /// The run limits.
    public var limits: RunLimits
    /// The retry policy.
    public var retry: RetrySettings
    /// The output settings.
    public var output: OutputSettings
    /// The songs in track order.
    public var songs: [Song]
    /// The persona derivations in manifest order.
    public var personas: [Persona]
    /// The lyrics jobs in manifest order.
    public var lyrics: [LyricsJob]
    /// Where the output folder and ledger are set, for diagnostics about them.
    public var outputLocations: OutputLocations

    /// Creates a resolved manifest.
    public init(
        album: String, albumSlug: String, provider: ProviderSettings, limits: RunLimits, retry: RetrySettings,
        output: OutputSettings, songs: [Song], personas: [Persona],
        outputLocations: OutputLocations = OutputLocations(),
        credits: AlbumCredits = AlbumCredits(), lyrics: [LyricsJob] = []
    ) {
        self.lyrics = lyrics
        self.outputLocations = outputLocations
        self.credits = credits
        self.album = album
        self.albumSlug = albumSlug
        self.provider = provider
        self.limits = limits
        self.retry = retry
        self.output = output
        self.songs = songs
        self.personas = personas
    }
}
