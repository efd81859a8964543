/// A value read from the manifest together with where it was written.
struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    var value: Value
    var location: SourceLocation
}

/// The song fields as written, in a song entry or in `defaults:`. Every field is optional; a field whose
/// value had the wrong type is nil, but its key stays in `keys` so that later rules do not report it missing.
struct RawSongFields: Sendable, Hashable {
    var id: Located<String>?
    var title: Located<String>?
    var style: Located<String>?
    var prompt: Located<String>?
    var lyrics: Located<String>?
    var lyricsFile: Located<String>?
    var instrumental: Located<Bool>?
    var model: Located<String>?
    var negativeTags: Located<String>?
    var vocalGender: Located<VocalGender>?
    var styleWeight: Located<Double>?
    var weirdness: Located<Double>?
    var audioWeight: Located<Double>?
    var duration: Located<Int>?
    var persona: Located<String>?
    var personaID: Located<String>?
    var personaModel: Located<PersonaModel>?
    var after: [Located<String>]?
    var callbackURL: Located<String>?
    var pick: Located<RawTake>?
    var artist: Located<String>?
    var lyricsFrom: Located<String>?
    /// `extend:` as written; nil when the key is absent or its value is not a list.
    var extend: Located<[RawExtension]>?
    /// The keys written, with the location of each key.
    var keys: [String: SourceLocation] = [:]
    /// Where the entry starts.
    var location: SourceLocation
}

/// Where a persona comes from, as written.
enum RawPersonaSource: Sendable, Hashable {
    case song(Located<String>)
    case external(taskID: Located<String>?, resultID: Located<String>?, location: SourceLocation)
}

/// A take as written: `2`, or `{generation: 1, take: 2}` (either number nil when it had the wrong type or was
/// left out).
enum RawTake: Sendable, Hashable {
    case newest(take: Int)
    case pinned(generation: Located<Int>?, take: Located<Int>?)
}

/// A persona entry as written.
struct RawPersona: Sendable, Hashable {
    var id: Located<String>?
    var from: RawPersonaSource?
    var take: Located<RawTake>?
    var name: Located<String>?
    var description: Located<String>?
    var style: Located<String>?
    var vocalWindow: Located<[Located<Double>]>?
    var after: [Located<String>]?
    var keys: [String: SourceLocation] = [:]
    var location: SourceLocation
}

/// One entry of a song's `extend:` list as written.
struct RawExtension: Sendable, Hashable {
    /// The 1-based position in the list, counting entries that were not mappings too.
    var number: Int
    var at: Located<Double>?
    var lyrics: Located<String>?
    var lyricsFile: Located<String>?
    var pick: Located<RawTake>?
    var keys: [String: SourceLocation] = [:]
    var location: SourceLocation
}

/// An entry of the top-level `lyrics:` list as written.
struct RawLyricsJob: Sendable, Hashable {
    var id: Located<String>?
    var prompt: Located<String>?
    var after: [Located<String>]?
    var keys: [String: SourceLocation] = [:]
    var location: SourceLocation
}

/// `provider:` as written.
struct RawProvider: Sendable, Hashable {
    var api: Located<ProviderAPI>?
    var baseURL: Located<String>?
    var apiKeyEnv: Located<String>?
    var idempotencyKeys: Located<Bool>?
}

/// `limits:` as written.
struct RawLimits: Sendable, Hashable {
    var concurrency: Located<Int>?
    var requestsPerMinute: Located<Int>?
    var submitsPerMinute: Located<Int>?
    var maxCredits: Located<Double>?
    var taskTimeout: Located<Duration>?
    var deadline: Located<Duration>?
}

/// `retry:` as written.
struct RawRetry: Sendable, Hashable {
    var attempts: Located<Int>?
    var initialBackoff: Located<Duration>?
    var maxBackoff: Located<Duration>?
}

/// `output:` as written.
struct RawOutput: Sendable, Hashable {
    var dir: Located<String>?
    var download: [Located<MediaKind>]?
    var ledger: Located<String>?
}

/// A manifest as written: the YAML tree read into typed, located, all-optional fields. Type errors and unknown
/// keys are reported while reading; every other rule is checked when resolving.
struct RawManifest: Sendable, Hashable {
    var setlist: Located<Int>?
    var album: Located<String>?
    var artist: Located<String>?
    var year: Located<Int>?
    var genre: Located<String>?
    var provider = RawProvider()
    var limits = RawLimits()
    var retry = RawRetry()
    var defaults: RawSongFields?
    var output = RawOutput()
    var songs: [RawSongFields] = []
    var personas: [RawPersona] = []
    var lyrics: [RawLyricsJob] = []
    var keys: [String: SourceLocation] = [:]
    var location: SourceLocation
}
