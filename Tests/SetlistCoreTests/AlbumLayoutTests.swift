import Testing

@testable import SetlistCore

/// An album manifest and a ledger built the way runs build it, for the album folder's plan.
private struct CreditedAlbum {
    static let yaml = """
        setlist: 1
        album: Night Drive
        artist: Mara Vale
        year: 2026
        genre: Synthwave
        songs:
          - id: open-road
            title: Open Road
            style: synthwave
            lyrics: "[Verse] lights"
          - id: neon
            title: "Neon: Part 1/2"
            style: synthwave
            lyrics: "[Verse] neon"
            artist: Mara Vale & Io
          - id: ambient
            prompt: a calm ambient piece
          - id: late
            title: Late
            style: synthwave
            instrumental: true
        """

    var manifest: ResolvedManifest
    var ledger = Ledger()

    init(yaml: String = Self.yaml) throws {
        let loaded = ManifestLoader.load(text: yaml, manifestFileName: "night.yaml") { _ in "" }
        manifest = try #require(loaded.manifest, "\(loaded.diagnostics)")
    }

    /// Records a completed generation of `song` with two takes, each downloaded (audio and cover) when
    /// `downloaded`; `title` is the provider's title of each take.
    mutating func complete(_ song: String, attempt: Int = 1, title: String? = nil, downloaded: Bool = true) throws {
        if ledger[job: song] == nil { try ledger.apply(.jobPlanned(job: song, kind: .song, fingerprint: "f")) }
        try ledger.apply(.submitIntent(job: song, attempt: attempt, idempotencyKey: "k\(attempt)", inputs: nil, at: 1))
        try ledger.apply(
            .submitAccepted(job: song, attempt: attempt, taskID: "task-\(song)-\(attempt)", creditsReserved: 1, at: 2))
        let results = (1...2).map { take in
            ResultRecord(resultID: "\(song)-g\(attempt)-t\(take)", title: title, duration: 187.4)
        }
        try ledger.apply(.taskCompleted(job: song, attempt: attempt, results: results, personaID: nil, at: 3))
        guard downloaded else { return }
        for take in 1...2 {
            let reference = TakeRef(generation: attempt, take: take)
            for (kind, ext) in [(MediaKind.audio, "mp3"), (.cover, "jpeg")] {
                let file = DownloadedFile(
                    kind: kind, path: "out/takes/\(song)/g\(attempt)-t\(take).\(ext)", sha256: "0", bytes: 1)
                try ledger.apply(.downloadRecorded(job: song, take: reference, resultID: nil, file: file))
            }
        }
    }
}

@Suite("The album folder's plan")
struct AlbumLayoutTests {
    @Test("Tracks follow the manifest with the chosen take, numbered n/N, named safely")
    func tracksInManifestOrder() throws {
        var album = try CreditedAlbum()
        try album.complete("open-road")
        try album.complete("neon")
        try album.complete("ambient", title: "Calm Waters")
        try album.complete("late")
        let layout = AlbumLayout(manifest: album.manifest, ledger: album.ledger)
        #expect(
            layout.tracks.map(\.fileName) == [
                "01 - Open Road.mp3", "02 - Neon_ Part 1_2.mp3", "03 - Calm Waters.mp3", "04 - Late.mp3",
            ])
        #expect(layout.tracks.map(\.number) == [1, 2, 3, 4])
        #expect(layout.tracks.allSatisfy { $0.count == 4 && $0.take == TakeRef(generation: 1, take: 1) })
        #expect(layout.tracks[0].audio.path == "out/takes/open-road/g1-t1.mp3")
        #expect(layout.tracks[0].cover?.path == "out/takes/open-road/g1-t1.jpeg")
        #expect(layout.playlistName == "night-drive.m3u8")
        #expect(layout.missing.isEmpty)
    }

    @Test("A track's artist is the song's, else the album's; lyrics only for sung custom-mode songs")
    func creditsAndLyrics() throws {
        var album = try CreditedAlbum()
        for song in ["open-road", "neon", "ambient", "late"] { try album.complete(song) }
        let tracks = AlbumLayout(manifest: album.manifest, ledger: album.ledger).tracks
        #expect(tracks.map(\.artist) == ["Mara Vale", "Mara Vale & Io", "Mara Vale", "Mara Vale"])
        #expect(tracks.map(\.lyrics) == ["[Verse] lights", "[Verse] neon", nil, nil])
        #expect(album.manifest.credits == AlbumCredits(artist: "Mara Vale", year: 2026, genre: "Synthwave"))
    }

    @Test("Without an album artist, a song sung with a persona is credited to the persona's name")
    func personaNameAsArtist() throws {
        let yaml = """
            setlist: 1
            album: Coast
            songs:
              - id: first
                title: First
                style: folk
                lyrics: "[Verse] a"
              - id: second
                title: Second
                style: folk
                lyrics: "[Verse] b"
                persona: voice
            personas:
              - id: voice
                from: first
                name: Coast Singer
                description: warm folk voice
            """
        var album = try CreditedAlbum(yaml: yaml)
        try album.complete("first")
        try album.complete("second")
        let tracks = AlbumLayout(manifest: album.manifest, ledger: album.ledger).tracks
        #expect(tracks.map(\.artist) == [nil, "Coast Singer"])
    }

    @Test("Songs not completed, not downloaded, or picking a missing take are left out and said so")
    func gaps() throws {
        var yaml = CreditedAlbum.yaml
        yaml = yaml.replacingOccurrences(
            of: "    artist: Mara Vale & Io\n", with: "    pick: {generation: 2, take: 1}\n")
        var album = try CreditedAlbum(yaml: yaml)
        try album.complete("open-road", downloaded: false)
        try album.complete("neon")
        try album.complete("late")
        let layout = AlbumLayout(manifest: album.manifest, ledger: album.ledger)
        #expect(layout.tracks.map(\.song) == ["late"])
        #expect(layout.tracks[0].fileName == "04 - Late.mp3")
        #expect(
            layout.missing == [
                AlbumGap(song: "open-road", track: 1, reason: .notDownloaded(TakeRef(generation: 1, take: 1))),
                AlbumGap(song: "neon", track: 2, reason: .pickMissing),
                AlbumGap(song: "ambient", track: 3, reason: .notCompleted),
            ])
    }

    @Test("A re-rolled song's track follows its pick")
    func followsThePick() throws {
        var album = try CreditedAlbum()
        try album.complete("open-road")
        try album.complete("open-road", attempt: 2)
        #expect(
            AlbumLayout(manifest: album.manifest, ledger: album.ledger).tracks[0].take
                == TakeRef(generation: 2, take: 1))
        album.manifest.songs[0].pick = .pinned(TakeRef(generation: 1, take: 2))
        let track = AlbumLayout(manifest: album.manifest, ledger: album.ledger).tracks[0]
        #expect(track.take == TakeRef(generation: 1, take: 2))
        #expect(track.audio.path == "out/takes/open-road/g1-t2.mp3")
    }

    @Test("The tag carries every credit and the take's provenance")
    func tagFrames() throws {
        var album = try CreditedAlbum()
        try album.complete("neon")
        let track = try #require(AlbumLayout(manifest: album.manifest, ledger: album.ledger).tracks.first)
        let tag = track.tag(album: "Night Drive", credits: album.manifest.credits, cover: ("image/jpeg", [1, 2]))
        #expect(
            tag.frames == [
                .text(.title, "Neon: Part 1/2"), .text(.artist, "Mara Vale & Io"), .text(.albumArtist, "Mara Vale"),
                .text(.album, "Night Drive"), .text(.track, "2/4"), .text(.recordingTime, "2026"),
                .text(.genre, "Synthwave"), .lyrics(language: "und", text: "[Verse] neon"),
                .frontCover(mimeType: "image/jpeg", data: [1, 2]),
                .userText(description: "setlist task id", value: "task-neon-1"),
                .userText(description: "setlist result id", value: "neon-g1-t1"),
                .userText(description: "setlist take", value: "g1-t1"),
                .userText(description: "setlist version", value: SetlistVersion.current),
            ])
    }

    @Test(
        "Credits are checked: a plausible year, one line, bounded length, and no song artist in defaults",
        arguments: [
            ("year: 26\n", "year 26 is not a release year"),
            ("year: 3000\n", "year 3000 is not a release year"),
            ("genre: \"\"\n", "genre is empty"),
            ("artist: \"\(String(repeating: "a", count: 201))\"\n", "artist is 201 characters long"),
            ("artist: \"a\\nb\"\n", "artist spans several lines"),
            ("defaults:\n  artist: Someone\n", "artist"),
        ]
    )
    func creditChecks(line: String, message: String) {
        let yaml = "setlist: 1\nalbum: A\n" + line + "songs:\n  - id: s\n    prompt: a song\n"
        let loaded = ManifestLoader.load(text: yaml, manifestFileName: "a.yaml") { _ in "" }
        #expect(loaded.manifest == nil)
        #expect(loaded.diagnostics.contains { $0.message.contains(message) }, "\(loaded.diagnostics)")
    }
}
