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
                let songRecord = ledger[job: song.id]
                let title =
                    song.title ?? songRecord?.chainedInputs?.lyricsTitle
                    ?? found.result.title.flatMap { $0.isEmpty ? nil : $0 } ?? song.id
                let fileExtension = audio.path.split(separator: "/").last.flatMap { name in
                    name.contains(".") ? name.split(separator: ".").last.map(String.init) : nil
                }
                tracks.append(
                    AlbumTrack(
                        song: song.id, number: song.track, count: count,
                        fileName: AlbumFileName.track(
                            number: song.track, digits: digits, title: title, fileExtension: fileExtension ?? "mp3"),
                        title: title, artist: Self.artist(of: song, in: manifest),
                        lyrics: Self.lyrics(of: song, record: songRecord),
                        take: found.reference, audio: audio,
                        cover: found.result.file(.cover) ?? Self.songCover(of: song, in: ledger),
                        duration: found.result.duration, taskID: found.attempt.taskID, resultID: found.result.resultID,
                        personaID: Self.personaID(of: song, record: songRecord),
                        wav: Self.wavMaster(of: song, clip: found.result.resultID, in: ledger)))
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

    /// The job whose take goes on the album, and which of its takes: an extended song's join (its one take),
    /// else the song's pick.
    public static func albumTake(of song: Song) -> (job: String, choice: TakeChoice) {
        song.extensions.isEmpty ? (song.id, song.pick) : (JoinJob.id(song: song.id), .defaultPick)
    }

    private static func chosenTake(of song: Song, in ledger: Ledger) -> Chosen {
        let (job, choice) = albumTake(of: song)
        guard let record = ledger[job: job] else {
            return .gap(AlbumGap(song: song.id, track: song.track, reason: .notCompleted))
        }
        switch record.take(choice) {
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

    /// What the song sings, as sent: its own or its lyrics job's lyrics, then each extension's, a blank line
    /// between parts; nil for simple-mode and instrumental songs.
    private static func lyrics(of song: Song, record: JobRecord?) -> String? {
        guard song.mode == .custom, !song.instrumental else { return nil }
        let parts =
            [song.lyricsFrom == nil ? song.prompt : record?.chainedInputs?.lyrics] + song.extensions.map(\.lyrics)
        let text = parts.compactMap { part -> String? in
            guard let part else { return nil }
            let trimmed = part.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()
            return trimmed.isEmpty ? nil : String(trimmed)
        }
        return text.isEmpty ? nil : text.joined(separator: "\n\n")
    }

    /// The cover of the song's own pick, for a joined song whose join brought no cover.
    private static func songCover(of song: Song, in ledger: Ledger) -> DownloadedFile? {
        guard !song.extensions.isEmpty, case .success(let found)? = ledger[job: song.id]?.take(song.pick) else {
            return nil
        }
        return found.result.file(.cover)
    }

    /// The WAV master made from the album take's clip, when the song's WAV job has saved one.
    private static func wavMaster(of song: Song, clip: String?, in ledger: Ledger) -> DownloadedFile? {
        guard song.wantsWAV, let clip, let record = ledger[job: WAVJob.id(song: song.id)] else { return nil }
        return record.everyTake.reversed().first { $0.result.resultID == clip }?.result.file(.wav)
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
    /// The WAV master of the take, if one was saved.
    public var wav: DownloadedFile?

    /// `<NN> - <Title>.wav`: the WAV master's name beside the track.
    public var wavFileName: String {
        let stem = fileName.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        return stem + ".wav"
    }

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
