import Foundation
import SetlistCore
import Testing

/// Loads manifest text with the given lyrics files, prefixed with the required header.
private func load(
    _ body: String, header: String = "setlist: 1\nalbum: Summer Roadtrip\n", fileName: String = "summer.yaml",
    lyrics: [String: String] = [:]
) -> ManifestLoadResult {
    ManifestLoader.load(text: header + body, manifestFileName: fileName) { path in
        guard let text = lyrics[path] else { throw CocoaError(.fileNoSuchFile) }
        return text
    }
}

@Suite struct ManifestDefaultsTests {
    @Test func minimalManifestGetsEveryDefault() throws {
        let result = load("songs:\n  - id: sunset\n    prompt: A slow acoustic ballad\n")
        let manifest = try #require(result.manifest)
        #expect(result.diagnostics.isEmpty)
        #expect(manifest.albumSlug == "summer-roadtrip")
        #expect(
            manifest.provider
                == ProviderSettings(
                    api: .evolink, baseURL: "https://api.evolink.ai", apiKeyEnvironmentVariable: "EVOLINK_API_KEY",
                    idempotencyKeys: true
                ))
        #expect(
            manifest.limits
                == RunLimits(
                    concurrency: 4, requestsPerMinute: 60, submitsPerMinute: 60, maxCredits: nil,
                    taskTimeout: .seconds(900), deadline: nil
                ))
        #expect(manifest.retry == RetrySettings(attempts: 3, initialBackoff: .seconds(5), maxBackoff: .seconds(120)))
        #expect(
            manifest.output
                == OutputSettings(
                    directory: "out/summer-roadtrip", download: [.audio], ledger: "summer.ledger.json"
                ))
        let song = try #require(manifest.songs.first)
        #expect(song.model == "suno-v5-beta")
        #expect(song.mode == .simple)
        #expect(song.prompt == "A slow acoustic ballad")
        #expect(song.track == 1)
        #expect(song.location == SourceLocation(line: 4, column: 5))
    }

    @Test func sunoProxyDefaultsAndLoopbackHTTP() throws {
        let result = load(
            """
            provider:
              api: suno-proxy
              base_url: http://127.0.0.1:8080/
            limits:
              requests_per_minute: 30
            songs:
              - id: sunset
                prompt: A ballad
            """)
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(
            manifest.provider
                == ProviderSettings(
                    api: .sunoProxy, baseURL: "http://127.0.0.1:8080", apiKeyEnvironmentVariable: "SUNO_PROXY_API_KEY",
                    idempotencyKeys: false
                ))
        #expect(manifest.limits.submitsPerMinute == 30)
    }

    @Test(arguments: ["http://localhost:9000", "http://[::1]:9000", "https://proxy.example.com/api"])
    func baseURLAccepted(url: String) {
        let result = load("provider:\n  base_url: \(url)\nsongs:\n  - id: a\n    prompt: x\n")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test(arguments: ["http://10.0.0.5", "ftp://api.example.com", "not a url", "https://user:pw@api.example.com"])
    func baseURLRejected(url: String) {
        let result = load("provider:\n  base_url: \(url)\nsongs:\n  - id: a\n    prompt: x\n")
        #expect(result.manifest == nil)
        #expect(result.diagnostics.map(\.location) == [SourceLocation(line: 4, column: 13)])
    }

    @Test func songValuesWinOverDefaults() throws {
        let result = load(
            """
            defaults:
              model: suno-v4.5
              vocal_gender: f
              style: pop
            songs:
              - id: one
                title: One
                lyrics: "[Verse] one"
              - id: two
                title: Two
                style: rock
                model: suno-v6
                vocal_gender: m
                lyrics: "[Verse] two"
            """)
        let songs = try #require(result.manifest?.songs)
        #expect(songs.map(\.model) == ["suno-v4.5-beta", "suno-v6-beta"])
        #expect(songs.map(\.style) == ["pop", "rock"])
        #expect(songs.map(\.vocalGender) == [.f, .m])
        #expect(songs.map(\.mode) == [.custom, .custom])
        #expect(songs.map(\.prompt) == ["[Verse] one", "[Verse] two"])
    }

    @Test func personaChainResolves() throws {
        let result = load(
            """
            songs:
              - id: open-road
                title: Open Road
                style: pop
                lyrics_file: lyrics/open-road.txt
              - id: homecoming
                title: Homecoming
                style: pop ballad
                instrumental: true
                persona: road-voice
                after: [open-road]
              - id: nightfall
                title: Nightfall
                style: pop
                lyrics: "[Verse] night"
                persona_id: 5c57d49ef834110496fae5aa14fec441
                persona_model: voice_persona
            personas:
              - id: road-voice
                from: open-road
                take: 2
                name: Road Singer
                description: Warm female pop vocals
                vocal_window: [12, 34.5]
                style: ""
              - id: old-voice
                from: {task_id: task-unified-1766319089-oqs9cue4, result_id: 555F4EA2-CFEF-4622-8355-BAA5F2CE6A59}
                name: Old
                description: From an earlier album
            """, lyrics: ["lyrics/open-road.txt": "[Verse] the road"])
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(manifest.songs[0].prompt == "[Verse] the road")
        #expect(manifest.songs[1].persona == .job("road-voice"))
        #expect(manifest.songs[1].personaModel == .stylePersona)
        #expect(manifest.songs[1].prompt == nil)
        #expect(manifest.songs[1].after == ["open-road"])
        #expect(manifest.songs[2].persona == .literal("5c57d49ef834110496fae5aa14fec441"))
        #expect(manifest.songs[2].personaModel == .voicePersona)
        #expect(manifest.personas[0].source == .song(id: "open-road", take: .newest(take: 2)))
        #expect(manifest.personas[0].vocalWindow == VocalWindow(start: 12, end: 34.5))
        #expect(manifest.personas[0].style == nil)
        #expect(
            manifest.personas[1].source
                == .external(
                    taskID: "task-unified-1766319089-oqs9cue4", resultID: "555f4ea2-cfef-4622-8355-baa5f2ce6a59"
                ))
    }

    @Test func sunoProxyTaskIDsAreOpaque() throws {
        let result = load(
            """
            provider: {api: suno-proxy, base_url: "https://proxy.example.com"}
            songs:
              - id: a
                prompt: x
            personas:
              - id: p
                from: {task_id: 736a6f88-bd29-4b1e-b110-37132a5325ac, result_id: 555f4ea2-cfef-4622-8355-baa5f2ce6a59}
                name: P
                description: D
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test func lyricsFilesAreReadOncePerPath() {
        var reads: [String] = []
        let text = """
            setlist: 1
            album: A
            defaults: {title: T, style: S, lyrics_file: shared.txt}
            songs:
              - id: a
              - id: b
            """
        let result = ManifestLoader.load(text: text, manifestFileName: "a.yaml") { path in
            reads.append(path)
            return "[Verse] shared"
        }
        #expect(result.diagnostics.isEmpty)
        #expect(reads == ["shared.txt"])
    }

    @Test func durationsAcceptCombinedUnits() throws {
        let result = load(
            "limits: {task_timeout: 90s, deadline: 1h30m}\nretry: {backoff: {initial: 1m30s}}\n"
                + "songs:\n  - id: a\n    prompt: x\n")
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(manifest.limits.taskTimeout == .seconds(90))
        #expect(manifest.limits.deadline == .seconds(5400))
        #expect(manifest.retry.initialBackoff == .seconds(90))
    }

    @Test(arguments: ["15", "30m1h", "1.5h", "h", "0s", "-5m", "1h 30m"])
    func durationRejected(text: String) {
        let result = load("limits:\n  task_timeout: \"\(text)\"\nsongs:\n  - id: a\n    prompt: x\n")
        #expect(result.manifest == nil)
        #expect(result.diagnostics.map(\.location) == [SourceLocation(line: 4, column: 17)])
    }

    @Test(arguments: [
        ("Summer Roadtrip", "summer-roadtrip"), ("Sommerträume!", "sommertraume"), ("  AC/DC  Live ", "ac-dc-live"),
        ("東京", "dong-jing"),
    ])
    func albumSlug(album: String, slug: String) throws {
        let result = load("songs:\n  - id: a\n    prompt: x\n", header: "setlist: 1\nalbum: \"\(album)\"\n")
        #expect(try #require(result.manifest).albumSlug == slug)
    }

    @Test func ledgerDefaultUsesTheManifestStem() throws {
        let result = load("songs:\n  - id: a\n    prompt: x\n", fileName: "albums/night.drive.yml")
        #expect(try #require(result.manifest).output.ledger == "night.drive.ledger.json")
    }
}

@Suite struct ManifestModelRulesTests {
    @Test func canonicalNamesAndAliases() {
        for model in ModelCapabilities.all {
            #expect(ModelCapabilities.named(model.name) == model)
            #expect(model.aliases.allSatisfy { ModelCapabilities.named($0) == model })
            #expect(model.name.hasSuffix("-beta"))
        }
        #expect(ModelCapabilities.named("suno-v5")?.name == "suno-v5-beta")
        #expect(ModelCapabilities.named("suno-v6-mini")?.name == "suno-v6-mini-beta")
        #expect(ModelCapabilities.named("suno-v3.5") == nil)
    }

    @Test func limitsFollowTheContract() throws {
        let v4 = try #require(ModelCapabilities.named("suno-v4-beta"))
        #expect((v4.maxSimplePrompt, v4.maxCustomPrompt, v4.maxStyle) == (500, 3000, 200))
        #expect(!v4.personaAllowed && !v4.durationAllowed)
        let v5 = try #require(ModelCapabilities.named("suno-v5-beta"))
        #expect((v5.maxSimplePrompt, v5.maxCustomPrompt, v5.maxStyle) == (500, 5000, 1000))
        #expect(v5.personaAllowed && v5.voicePersonaAllowed && !v5.durationAllowed)
        let v6 = try #require(ModelCapabilities.named("suno-v6-beta"))
        #expect((v6.maxSimplePrompt, v6.maxCustomPrompt, v6.maxStyle) == (3000, 5000, 1000))
        #expect(v6.personaAllowed && v6.durationAllowed)
    }

    @Test func simplePromptLimitDependsOnTheModel() {
        let prompt = String(repeating: "a", count: 501)
        let v5 = load("songs:\n  - id: a\n    model: suno-v5\n    prompt: \(prompt)\n")
        let v55 = load("songs:\n  - id: a\n    model: suno-v5.5\n    prompt: \(prompt)\n")
        #expect(
            v5.diagnostics.map(\.message) == [
                "song 'a': prompt is 501 characters; suno-v5-beta allows 500 in "
                    + "simple mode. Shorten it, or use custom mode."
            ])
        #expect(v55.diagnostics.isEmpty)
    }

    @Test func durationOnV6MiniWarns() throws {
        let result = load(
            "songs:\n  - id: a\n    model: suno-v6-mini\n    title: A\n    style: pop\n"
                + "    instrumental: true\n    duration: 90\n")
        #expect(result.manifest?.songs.first?.duration == 90)
        #expect(result.diagnostics.map(\.severity) == [.warning])
    }

    /// The song keeps the weights as written (the request rounds them to one decimal); each with more than one
    /// decimal is a warning at its value.
    @Test func weightsAreRoundedWithAWarning() throws {
        let result = load(
            "songs:\n  - id: a\n    title: A\n    style: pop\n    lyrics: x\n"
                + "    style_weight: 0.125\n    weirdness: 0.29\n    audio_weight: 0\n")
        let song = try #require(result.manifest?.songs.first)
        #expect(song.styleWeight == 0.125)
        #expect(song.weirdness == 0.29)
        #expect(song.audioWeight == 0)
        #expect(
            result.diagnostics.map(\.location) == [
                SourceLocation(line: 8, column: 19), SourceLocation(line: 9, column: 16),
            ])
        let request = try RequestBuilder().songRequest(for: song, chained: ChainedInputs())
        #expect([request.styleWeight, request.weirdnessConstraint, request.audioWeight] == [0.1, 0.3, 0])
    }

    @Test func customOnlyFieldsInSimpleModeWarn() throws {
        let result = load(
            "songs:\n  - id: a\n    prompt: x\n    negative_tags: rap\n"
                + "    persona_model: voice_persona\n")
        #expect(result.manifest != nil)
        #expect(result.diagnostics.map(\.severity) == [.warning, .warning])
        #expect(result.diagnostics.map(\.location?.line) == [6, 7])
    }

    @Test func submitRateAboveRequestRateWarns() {
        let result = load(
            "limits: {requests_per_minute: 10, submits_per_minute: 20}\n"
                + "songs:\n  - id: a\n    prompt: x\n")
        #expect(result.manifest != nil)
        #expect(result.diagnostics.map(\.severity) == [.warning])
    }

    @Test(arguments: [
        "https://127.0.0.1/hook", "https://localhost/hook", "https://10.1.2.3/hook", "https://172.20.0.1/hook",
        "https://169.254.169.254/latest", "https://[::1]/hook", "https://[fd00::1]/hook", "https://printer.local/x",
        "http://example.com/hook",
    ])
    func callbackURLRejected(url: String) {
        let result = load("songs:\n  - id: a\n    prompt: x\n    callback_url: \"\(url)\"\n")
        #expect(result.manifest == nil)
        #expect(result.diagnostics.map(\.location) == [SourceLocation(line: 6, column: 19)])
    }

    @Test func callbackURLAccepted() {
        let result = load("songs:\n  - id: a\n    prompt: x\n    callback_url: https://hooks.example.com/suno\n")
        #expect(result.diagnostics.isEmpty)
    }
}

@Suite struct ManifestInputTests {
    @Test func diagnosticsAreSortedAndAllReported() {
        let result = load(
            """
            songs:
              - id: b
                prompt: x
                after: [zzz]
              - id: a
                model: nope
                prompt: y
            retry: {attempts: 0}
            """)
        #expect(result.diagnostics.map(\.location?.line) == [6, 8, 10])
        #expect(result.manifest == nil)
    }

    @Test func aliasesAreFollowed() throws {
        let result = load("defaults: &base\n  model: suno-v4.5\nsongs:\n  - id: a\n    prompt: x\n")
        #expect(try #require(result.manifest).songs[0].model == "suno-v4.5-beta")
    }

    @Test(arguments: [
        [UInt8](), [0xEF, 0xBB, 0xBF], Array("  \n# only a comment\n".utf8), [0xC3, 0x28], [0xF4, 0x90, 0x80, 0x80],
        [0xED, 0xA0, 0x80], Array("setlist: 1\n\u{7}".utf8), Array("- a\n- b\n".utf8), Array("just text".utf8),
    ])
    func hostileBytesGiveOneLocatedError(bytes: [UInt8]) {
        let result = ManifestLoader.load(bytes: bytes, manifestFileName: "x.yaml") { _ in "" }
        #expect(result.manifest == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.allSatisfy { $0.location != nil && $0.severity == .error })
    }

    @Test func suggestionsOnlyWhenClose() {
        let result = load("songs:\n  - id: a\n    prompt: x\n    colour: blue\n")
        #expect(result.diagnostics.map(\.message) == ["unknown key 'colour' in song 'a'."])
    }
}

@Suite struct ManifestModeMessageTests {
    @Test func promptInACustomSongNamesWhereTheModeComesFrom() {
        let result = load("defaults:\n  style: ambient\nsongs:\n  - id: a\n    prompt: a calm piece\n")
        #expect(
            result.diagnostics.map(\.message) == [
                "song 'a': custom mode (set by style (from defaults)) needs a title; add title:.",
                "song 'a': prompt is a simple-mode description, but the song is in custom mode because of style (from "
                    + "defaults); put the words in lyrics, or remove style (from defaults) for simple mode.",
            ])
    }

    @Test func unknownModelWithoutACloseNameListsTheModels() {
        let result = load("songs:\n  - id: a\n    model: chirp-v4\n    prompt: x\n")
        let message = result.diagnostics.first?.message ?? ""
        #expect(
            message.hasPrefix(
                "song 'a': model 'chirp-v4' is not a model the provider offers; use one of "
                    + "suno-v4-beta, suno-v4.5-beta"))
    }
}

@Suite struct ManifestTypeMessageTests {
    @Test(arguments: [
        ("title:", "song 'a': title has no value; write one after the colon or remove the key."),
        ("title: yes", "song 'a': title must be text, not true/false (yes); put it in quotes."),
        ("title: [a, b]", "song 'a': title must be text, not a list."),
        ("instrumental: 1", "song 'a': instrumental must be true or false, not '1'."),
        ("duration: 12.5", "song 'a': duration must be a whole number, not '12.5'."),
        ("style_weight: high", "song 'a': style_weight must be a number, not 'high'."),
        ("persona_model: voice", "song 'a': persona_model must be one of style_persona, voice_persona, not 'voice'."),
        ("after: intro", "song 'a': after must be a list of ids, such as [intro], not text."),
    ])
    func wrongTypesAreNamed(line: String, message: String) {
        let result = load("songs:\n  - id: a\n    style: pop\n    lyrics: la\n    \(line)\n")
        #expect(result.diagnostics.map(\.message).contains(message), "\(result.diagnostics.map(\.message))")
        #expect(result.manifest == nil)
    }
}

@Suite struct ManifestVocalWindowTests {
    @Test(arguments: [
        ("12", "persona 'p': vocal_window must be a list of two numbers, [start, end], not a number."),
        ("[12, late]", "persona 'p': vocal_window must be a number, not 'late'."),
        ("[-1, 12]", "persona 'p': vocal_window starts at -1 seconds; it cannot start before 0."),
        (
            "[0, 9.5]",
            "persona 'p': vocal_window is 9.5 seconds wide; the provider needs 10 to 30 seconds between "
                + "start and end."
        ),
    ])
    func badWindowGivesOneError(window: String, message: String) {
        let result = load(
            """
            songs:
              - id: s
                title: S
                style: pop
                lyrics: la
            personas:
              - id: p
                from: s
                name: P
                description: D
                vocal_window: \(window)
            """)
        #expect(result.diagnostics.map(\.message) == [message])
    }
}

@Suite struct ManifestPersonaSourceTests {
    @Test func onePersonaPerSongResult() {
        let result = load(
            """
            songs:
              - id: s
                title: S
                style: pop
                lyrics: la
            personas:
              - {id: p1, from: s, name: P, description: D}
              - {id: p2, from: s, take: 1, name: P, description: D}
              - {id: p3, from: s, take: 2, name: P, description: D}
            """)
        #expect(
            result.diagnostics.map(\.message) == [
                "persona 'p2': persona 'p1' is already made from the same song result; the provider allows one "
                    + "persona per result. Use another take or song."
            ])
        #expect(result.diagnostics.first?.location?.line == 10)
    }

    @Test func callbackURLLengthIsLimited() {
        let url = "https://hooks.example.com/" + String(repeating: "a", count: 2030)
        let result = load("songs:\n  - id: a\n    prompt: x\n    callback_url: \(url)\n")
        #expect(
            result.diagnostics.map(\.message) == [
                "song 'a': callback_url is 2056 characters; the provider "
                    + "allows 2048."
            ])
    }
}

@Suite struct TakeChoiceManifestTests {
    private static let song = "songs:\n  - id: s\n    title: S\n    style: pop\n    lyrics: la\n"

    @Test func picksAndTakesAcceptANumberOrAGenerationAndTake() throws {
        let result = load(
            Self.song + "    pick: {generation: 1, take: 2}\n  - id: t\n    prompt: x\n    pick: 2\n"
                + "personas:\n  - {id: p, from: s, take: {generation: 2, take: 1}, name: P, description: D}\n"
                + "  - {id: q, from: t, name: Q, description: D}\n")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let manifest = try #require(result.manifest)
        #expect(manifest.songs[0].pick == .pinned(TakeRef(generation: 1, take: 2)))
        #expect(manifest.songs[1].pick == .newest(take: 2))
        #expect(manifest.personas[0].source == .song(id: "s", take: .pinned(TakeRef(generation: 2, take: 1))))
        #expect(manifest.personas[1].source == .song(id: "t", take: nil), "no take follows the song's pick")
    }

    @Test func aSongWithoutPickChoosesTakeOneOfTheNewestGeneration() throws {
        let manifest = try #require(load(Self.song).manifest)
        #expect(manifest.songs[0].pick == .defaultPick)
    }

    @Test func badPicksAndTakesAreLocatedSentences() {
        let cases: [(String, String)] = [
            ("    pick: 3\n", "song 's': pick is 3, but a generation yields at most 2 takes; use 1 or 2."),
            (
                "    pick: {generation: 0, take: 1}\n",
                "song 's': pick.generation is 0, but generations are numbered from 1 (the song's first completed "
                    + "generation)."
            ),
            ("    pick: {generation: 1}\n", "song 's': pick has no take; add take: 1 or take: 2."),
            (
                "    pick: {take: 1}\n",
                "song 's': pick has no generation; add generation: 1, or write the take number alone to follow the "
                    + "newest generation."
            ),
            (
                "    pick: last\n",
                "song 's': pick must be a take number such as 2, or {generation: 1, take: 2}, not 'last'."
            ),
        ]
        for (line, message) in cases {
            let result = load(Self.song + line)
            #expect(result.diagnostics.map(\.message) == [message], "\(line)")
            #expect(result.diagnostics.first?.location?.line == 8, "\(line)")
        }
    }

    @Test func pickIsNotADefault() {
        let result = load("defaults:\n  pick: 2\n" + Self.song)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("pick") == true)
    }
}
