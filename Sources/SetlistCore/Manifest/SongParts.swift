/// A lyrics job (`lyrics:` in the manifest): the provider writes lyrics from a description, and songs take them
/// with `lyrics_from:`. The text is recorded in the ledger as the job's one take, so it diffs in git and a song
/// sent again reuses it without paying for new lyrics.
public struct LyricsJob: Sendable, Hashable {
    /// The job id, unique across every job of the manifest.
    public var id: String
    /// What the lyrics are about, as sent (`prompt`).
    public var prompt: String
    /// Extra ordering edges.
    public var after: [String]
    /// Where the entry starts in the manifest.
    public var location: SourceLocation

    /// Creates a lyrics job.
    public init(
        id: String, prompt: String, after: [String] = [], location: SourceLocation = SourceLocation(line: 1, column: 1)
    ) {
        self.id = id
        self.prompt = prompt
        self.after = after
        self.location = location
    }
}

/// One extension of a song (`extend:` in a song's entry): a new part that continues the part before it.
public struct SongExtension: Sendable, Hashable {
    /// Where the new part starts, in seconds of the whole song (the first part starts at 0); strictly increasing
    /// from one extension to the next.
    public var at: Double
    /// The lyrics of the new part only; nil sends an empty prompt (an instrumental part).
    public var lyrics: String?
    /// The part's chosen take: the one the next part continues, or the join joins.
    public var pick: TakeChoice
    /// Where the extension's entry starts in the manifest.
    public var location: SourceLocation

    /// Creates an extension.
    public init(
        at: Double, lyrics: String? = nil, pick: TakeChoice = .defaultPick,
        location: SourceLocation = SourceLocation(line: 1, column: 1)
    ) {
        self.at = at
        self.lyrics = lyrics
        self.pick = pick
        self.location = location
    }
}

/// The job that generates part `number` of a song with extensions (`<song>.extend-<number>`): it continues the
/// chosen take of the part before it from ``continueAt`` seconds into that part.
public struct ExtensionJob: Sendable, Hashable {
    /// The song the part belongs to.
    public var song: Song
    /// The 1-based extension number.
    public var number: Int

    /// Creates the job of extension `number` (1-based) of `song`.
    public init(song: Song, number: Int) {
        precondition(song.extensions.indices.contains(number - 1), "the song has that extension")
        self.song = song
        self.number = number
    }

    /// `open-road.extend-2`.
    public var id: String { Self.id(song: song.id, number: number) }

    /// The extension as the manifest wrote it.
    public var part: SongExtension { song.extensions[number - 1] }

    /// The job whose chosen take this part continues: the song itself, or the extension before it.
    public var continues: String { number == 1 ? song.id : Self.id(song: song.id, number: number - 1) }

    /// The take of ``continues`` this part continues: that job's pick.
    public var continuedTake: TakeChoice { number == 1 ? song.pick : song.extensions[number - 2].pick }

    /// Seconds into the continued part where the new part starts (`continue_at`): the extension's song time
    /// less the song time where the continued part starts, because each part holds only its own section.
    public var continueAt: Double { part.at - (number == 1 ? 0 : song.extensions[number - 2].at) }

    /// The id of extension `number` of song `song`.
    public static func id(song: String, number: Int) -> String { "\(song).extend-\(number)" }
}

/// The job that joins a song's parts into one song (`<song>.join`, `POST /suno/submit/concat`) from the chosen
/// take of its last extension; the joined take is the one that goes on the album.
public struct JoinJob: Sendable, Hashable {
    /// The extended song.
    public var song: Song

    /// Creates the join of `song`, which has at least one extension.
    public init(song: Song) {
        precondition(!song.extensions.isEmpty, "only an extended song is joined")
        self.song = song
    }

    /// `open-road.join`.
    public var id: String { Self.id(song: song.id) }

    /// The last extension, whose chosen take is joined.
    public var lastPart: String { ExtensionJob.id(song: song.id, number: song.extensions.count) }

    /// The take of the last extension that is joined: that extension's pick.
    public var joinedTake: TakeChoice { song.extensions[song.extensions.count - 1].pick }

    /// The id of song `song`'s join.
    public static func id(song: String) -> String { "\(song).join" }
}

/// The job that fetches a WAV master of a song's album take (`<song>.wav`, `GET /suno/act/wav/{clip_id}`):
/// the joined take of an extended song, else the song's pick.
public struct WAVJob: Sendable, Hashable {
    /// The song.
    public var song: Song

    /// Creates the WAV job of `song`.
    public init(song: Song) {
        self.song = song
    }

    /// `open-road.wav`.
    public var id: String { Self.id(song: song.id) }

    /// The job whose take is converted: the join of an extended song, else the song.
    public var source: String { song.extensions.isEmpty ? song.id : JoinJob.id(song: song.id) }

    /// The take of ``source`` that is converted: the song's pick, or the joined take.
    public var sourceTake: TakeChoice { song.extensions.isEmpty ? song.pick : .defaultPick }

    /// The id of song `song`'s WAV job.
    public static func id(song: String) -> String { "\(song).wav" }
}
