/// What the album folder (DESIGN §9) holds for a manifest and its ledger: each song's chosen take as a numbered,
/// tagged track in manifest order, the songs left out and why, the cover's source and the playlist's name.
/// Pure: the engine reads the take files and writes the folder from this plan.
public struct AlbumLayout: Sendable, Hashable {
    /// The tracks the folder holds, in track order.
    public var tracks: [AlbumTrack]
    /// The songs the folder leaves out, in track order.
    public var missing: [AlbumGap]
    /// The playlist's file name, `<album-slug>.m3u8`.
    public var playlistName: String

    /// Plans the album folder of `manifest` from the takes `ledger` records.
    public init(manifest: ResolvedManifest, ledger: Ledger) {
        let count = manifest.songs.count
        let digits = max(2, String(count).count)
        var tracks: [AlbumTrack] = []
        var missing: [AlbumGap] = []
        for song in manifest.songs {
            switch Self.chosenTake(of: song, in: ledger) {
            case .gap(let gap):
                missing.append(gap)
            case .take(let found, let audio):
                let title = song.title ?? found.result.title.flatMap { $0.isEmpty ? nil : $0 } ?? song.id
                let fileExtension = audio.path.split(separator: "/").last.flatMap { name in
                    name.contains(".") ? name.split(separator: ".").last.map(String.init) : nil
                }
                tracks.append(
                    AlbumTrack(
                        song: song.id, number: song.track, count: count,
                        fileName: AlbumFileName.track(
                            number: song.track, digits: digits, title: title, fileExtension: fileExtension ?? "mp3"),
                        title: title, artist: Self.artist(of: song, in: manifest),
                        lyrics: song.mode == .custom && !song.instrumental ? song.prompt : nil,
                        take: found.reference, audio: audio,
                        cover: found.result.files.first { $0.kind == MediaKind.cover }, duration: found.result.duration,
                        taskID: found.attempt.taskID, resultID: found.result.resultID,
                        personaID: Self.personaID(of: song, record: ledger[job: song.id])))
            }
        }
        self.tracks = tracks
        self.missing = missing
        self.playlistName = (manifest.albumSlug.isEmpty ? "album" : manifest.albumSlug) + ".m3u8"
    }

    /// The playlist text for ``tracks``.
    public var playlist: String {
        AlbumPlaylist.render(
            tracks.map { .init(duration: $0.duration, artist: $0.artist, title: $0.title, path: $0.fileName) })
    }

    /// A song's chosen take with its audio file, or why the album leaves the song out.
    private enum Chosen {
        case take(FoundTake, DownloadedFile)
        case gap(AlbumGap)
    }

    private static func chosenTake(of song: Song, in ledger: Ledger) -> Chosen {
        guard let record = ledger[job: song.id] else {
            return .gap(AlbumGap(song: song.id, track: song.track, reason: .notCompleted))
        }
        switch record.take(song.pick) {
        case .failure(.noGeneration):
            return .gap(AlbumGap(song: song.id, track: song.track, reason: .notCompleted))
        case .failure:
            return .gap(AlbumGap(song: song.id, track: song.track, reason: .pickMissing))
        case .success(let found):
            guard let audio = found.result.files.first(where: { $0.kind == .audio }) else {
                return .gap(AlbumGap(song: song.id, track: song.track, reason: .notDownloaded(found.reference)))
            }
            return .take(found, audio)
        }
    }

    /// The song's own artist, else the album's, else the name of the persona job that sings it.
    private static func artist(of song: Song, in manifest: ResolvedManifest) -> String? {
        if let artist = song.artist ?? manifest.credits.artist { return artist }
        guard case .job(let personaJob) = song.persona else { return nil }
        return manifest.personas.first { $0.id == personaJob }?.name
    }

    private static func personaID(of song: Song, record: JobRecord?) -> String? {
        switch song.persona {
        case .literal(let id): id
        case .job: record?.chainedInputs?.personaID
        case nil: nil
        }
    }
}

/// One track of the album folder.
public struct AlbumTrack: Sendable, Hashable {
    /// The song's job id.
    public var song: String
    /// The track number, the song's place in the manifest.
    public var number: Int
    /// How many songs the manifest lists.
    public var count: Int
    /// `<NN> - <Title>.<ext>`.
    public var fileName: String
    /// The title: the manifest's, else the provider's, else the song's id.
    public var title: String
    /// The track's artist, if any.
    public var artist: String?
    /// The lyrics sent in custom mode.
    public var lyrics: String?
    /// The chosen take.
    public var take: TakeRef
    /// The take's downloaded audio.
    public var audio: DownloadedFile
    /// The take's downloaded cover, if any.
    public var cover: DownloadedFile?
    /// The take's length in seconds, as the provider reported it.
    public var duration: Double?
    /// The provider's task id.
    public var taskID: String?
    /// The provider's result id.
    public var resultID: String?
    /// The persona id the song was sung with.
    public var personaID: String?

    /// The track's ID3v2.4 tag: `cover` is the image to embed with its MIME type.
    public func tag(album: String?, credits: AlbumCredits, cover: (mimeType: String, data: [UInt8])?) -> ID3Tag {
        var frames: [ID3Frame] = [.text(.title, title)]
        if let artist { frames.append(.text(.artist, artist)) }
        if let albumArtist = credits.artist { frames.append(.text(.albumArtist, albumArtist)) }
        if let album { frames.append(.text(.album, album)) }
        frames.append(.text(.track, "\(number)/\(count)"))
        if let year = credits.year { frames.append(.text(.recordingTime, String(year))) }
        if let genre = credits.genre { frames.append(.text(.genre, genre)) }
        if let lyrics { frames.append(.lyrics(language: "und", text: lyrics)) }
        if let cover { frames.append(.frontCover(mimeType: cover.mimeType, data: cover.data)) }
        let provenance: [(String, String?)] = [
            ("setlist task id", taskID), ("setlist result id", resultID), ("setlist persona id", personaID),
            ("setlist take", "g\(take.generation)-t\(take.take)"), ("setlist version", SetlistVersion.current),
        ]
        for case (let description, let value?) in provenance {
            frames.append(.userText(description: description, value: value))
        }
        return ID3Tag(frames: frames)
    }
}

/// The album's credits from the manifest's top level.
public struct AlbumCredits: Sendable, Hashable {
    /// The album artist, and every track's artist unless the song names its own.
    public var artist: String?
    /// The release year.
    public var year: Int?
    /// The genre.
    public var genre: String?

    /// Creates credits.
    public init(artist: String? = nil, year: Int? = nil, genre: String? = nil) {
        self.artist = artist
        self.year = year
        self.genre = genre
    }
}

/// A song the album folder leaves out.
public struct AlbumGap: Sendable, Hashable {
    /// The song's job id.
    public var song: String
    /// Its track number.
    public var track: Int
    /// Why it is left out.
    public var reason: Reason

    /// Why a song is not in the album folder.
    public enum Reason: Sendable, Hashable {
        /// The song has no completed generation yet.
        case notCompleted
        /// The manifest's `pick` names a take the ledger does not hold.
        case pickMissing
        /// The chosen take's audio has not been downloaded yet.
        case notDownloaded(TakeRef)
    }
}
