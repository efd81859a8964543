import Foundation
import SetlistCore
import SetlistEngine
import Testing

/// The four jobs of ``LedgerFixture/albumRun()`` as a manifest.
enum ReportFixture {
    static let manifestText = """
        setlist: 1
        album: Summer <Roadtrip> & "Friends"
        defaults:
          model: suno-v5
        songs:
          - id: open-road
            title: Open Road
            style: "pop, upbeat"
            lyrics: "[Verse] Wheels on the highway"
          - id: sunset
            prompt: "A slow acoustic ballad about sunsets"
          - id: homecoming
            title: Homecoming
            style: pop ballad
            lyrics: "[Verse] Back where we started"
            persona: road-voice
            persona_model: voice_persona
        personas:
          - id: road-voice
            from: open-road
            name: Road Singer
            description: Warm female pop vocals
        """

    static func manifest() throws -> ResolvedManifest {
        let result = ManifestLoader.load(text: manifestText, manifestFileName: "summer.yaml") { _ in "" }
        return try #require(result.manifest, "\(result.diagnostics)")
    }

    static let decisions: [String: ResumeDecision] = [
        "open-road": .skip,
        "road-voice": .skip,
        "homecoming": .poll(taskID: "task-unified-1763723577-cccc0001", attempt: 1),
        "sunset": .submit(attempt: 2, requeue: true, reason: "failed last run; retried"),
    ]

    static func decisions(for graph: JobGraph) -> [ResumeDecision] {
        graph.jobs.map { decisions[$0.id] ?? .submit(attempt: 1, requeue: false, reason: "not run yet") }
    }
}

@Suite("Album page and status renderers")
struct AlbumReportTests {
    let manifest: ResolvedManifest
    let graph: JobGraph
    let ledger: Ledger

    init() throws {
        manifest = try ReportFixture.manifest()
        graph = try JobGraph(manifest: manifest)
        ledger = try LedgerFixture.fold(LedgerFixture.albumRun())
    }

    func page(media: [String: String]) -> String {
        AlbumReport(
            manifest: manifest, graph: graph, ledger: ledger, decisions: ReportFixture.decisions(for: graph),
            media: media
        ).render()
    }

    @Test func everyTrackIsListedInOrderWithItsState() throws {
        let html = page(media: [:])
        let positions = try ["open-road", "sunset", "homecoming"].map { id in
            try #require(html.range(of: "id=\"track-\(id)\"")?.lowerBound, "track \(id) is missing")
        }
        #expect(positions == positions.sorted())
        #expect(html.contains("data-job=\"open-road\" data-state=\"completed\""))
        #expect(html.contains("data-job=\"homecoming\" data-state=\"running\""))
        #expect(html.contains("The prompt was rejected by the content policy."))
        #expect(html.contains("<title>Summer &lt;Roadtrip&gt; &amp; &quot;Friends&quot;</title>"))
        #expect(!html.contains("<Roadtrip>"))
    }

    @Test func playersUseTheGivenSourcesAndMissingFilesAreNamed() {
        let audio = "out/summer-roadtrip/01-open-road.mp3"
        let html = page(media: [
            audio: "out/summer-roadtrip/01-open-road.mp3",
            "out/summer-roadtrip/01-open-road.jpg":
                "data:image/jpeg;base64,/9j/",
        ])
        #expect(html.contains("<audio controls preload=\"metadata\" src=\"out/summer-roadtrip/01-open-road.mp3\">"))
        #expect(html.contains("src=\"data:image/jpeg;base64,/9j/\""))
        #expect(html.contains("The audio has not been downloaded yet."))
        let missing = page(media: [:])
        #expect(!missing.contains("<audio"))
        #expect(missing.contains("The audio file out/summer-roadtrip/01-open-road.mp3 is missing on disk."))
    }

    @Test func thePageLoadsNothingFromTheNetwork() {
        let html = page(media: [:])
        let external = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!external.contains("http://"))
        #expect(!external.contains("https://"))
        #expect(!external.contains("@import"))
        #expect(!external.contains("<script"))
        #expect(!external.contains("<link rel=\"stylesheet\""))
    }

    @Test func lineageShowsTheSourceThePersonaAndItsUsers() throws {
        let lineage = PersonaLineage(manifest: manifest, ledger: ledger) { $0 }
        #expect(lineage.nodes.map(\.key) == ["open-road", "road-voice", "homecoming"])
        #expect(lineage.nodes.map(\.column) == [0, 1, 2])
        #expect(lineage.edges.map { [$0.from, $0.to] } == [[0, 1], [1, 2]])
        #expect(lineage.edges.map(\.personaModel) == [nil, .voicePersona])
        #expect(lineage.sourceTakes == ["road-voice": "take 1 of generation 1"])
        #expect(lineage.nodes[1].detail == "from take 1 of generation 1")
        let html = page(media: [:])
        #expect(html.contains("from take 1 of generation 1 of <a href=\"#track-open-road\">Open Road</a>"))
        #expect(html.contains("<svg class=\"lineage\""))
        #expect(html.contains("persona id <code>5c57d49ef834110496fae5aa14fec441</code>"))
        #expect(html.contains("<a href=\"#track-homecoming\">Homecoming</a>"))
    }

    @Test func chainedPersonasTakeOneColumnPerGenerationAndExternalSourcesAreDrawn() throws {
        let text = """
            setlist: 1
            album: Chain
            defaults:
              model: suno-v5
            songs:
              - id: first
                prompt: the first song
              - id: second
                title: Second
                style: ambient
                instrumental: true
                persona: voice-a
              - id: third
                title: Third
                style: ambient
                instrumental: true
                persona: voice-b
              - id: guest
                title: Guest
                style: ambient
                instrumental: true
                persona_id: 0123456789abcdef0123456789abcdef
            personas:
              - id: voice-a
                from: first
                name: Voice A
                description: the first voice
              - id: voice-b
                from: second
                name: Voice B
                description: the second voice
              - id: voice-c
                from: {task_id: task-unified-1763723346-oldtask1, result_id: 3f2a9c1e-0000-4000-8000-000000000001}
                name: Voice C
                description: an older voice
            """
        let result = ManifestLoader.load(text: text, manifestFileName: "chain.yaml") { _ in "" }
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        let lineage = PersonaLineage(manifest: manifest, ledger: Ledger()) { $0 }
        let columns = Dictionary(uniqueKeysWithValues: lineage.nodes.map { ($0.key, $0.column) })
        #expect(
            columns == [
                "first": 0, "voice-a": 1, "second": 2, "voice-b": 3, "third": 4,
                "external:task-unified-1763723346-oldtask1": 0, "voice-c": 1,
                "external:0123456789abcdef0123456789abcdef": 0, "guest": 1,
            ])
        #expect(lineage.sourceTakes == ["voice-a": "the song's pick", "voice-b": "the song's pick"])
        let positions = Set(lineage.nodes.map { [$0.column, $0.row] })
        #expect(positions.count == lineage.nodes.count)
        let svg = AlbumReport.svg(lineage)
        #expect(svg.components(separatedBy: "<path class=\"edge").count - 1 == lineage.edges.count)
        #expect(svg.contains("class=\"node external\""))
    }

    @Test func lineageOfAnAlbumWithoutPersonasIsEmpty() throws {
        let result = ManifestLoader.load(
            text: "setlist: 1\nalbum: Solo\nsongs:\n  - id: one\n    prompt: a song\n", manifestFileName: "solo.yaml"
        ) { _ in "" }
        let manifest = try #require(result.manifest)
        #expect(PersonaLineage(manifest: manifest, ledger: Ledger()) { $0 }.isEmpty)
        let html = AlbumReport(
            manifest: manifest, graph: try JobGraph(manifest: manifest), ledger: Ledger(),
            decisions: [.submit(attempt: 1, requeue: false, reason: "not run yet")], media: [:]
        ).render()
        #expect(html.contains("This album uses no personas."))
        #expect(html.contains("No run is recorded yet."))
        #expect(html.contains("Not generated yet: no run has reached this track."))
    }

    @Test func aBlockedJobNamesTheJobThatBlockedIt() throws {
        let blocked = try LedgerFixture.fold([
            .jobPlanned(job: "sunset", kind: .song, fingerprint: LedgerFixture.sha("d")),
            .jobPlanned(job: "homecoming", kind: .song, fingerprint: LedgerFixture.sha("c")),
            .jobBlocked(job: "homecoming", by: "sunset", at: LedgerFixture.t0),
        ])
        let decisions = ReportFixture.decisions(for: graph)
        let status = StatusReport(
            album: manifest.album, ledgerPath: "summer.ledger.json", graph: graph, ledger: blocked,
            decisions: decisions)
        #expect(status.jobs.first { $0.id == "homecoming" }?.lastError == "blocked by sunset")
        #expect(status.states == ["pending": 1, "blocked": 1, "not_run": 2])
        let html = AlbumReport(
            manifest: manifest, graph: graph, ledger: blocked, decisions: decisions, media: [:]
        ).render()
        #expect(html.contains("Blocked because sunset failed."))
        #expect(html.contains(">blocked by sunset</td>"))
    }

    /// Take 1 of open-road has both files; take 2 has an audio URL but no cover URL, so only its audio is pending.
    @Test func statusCountsDownloadsStillPendingOfPaidTakes() throws {
        let status = StatusReport(
            album: manifest.album, ledgerPath: "summer.ledger.json", graph: graph, ledger: ledger,
            decisions: ReportFixture.decisions(for: graph), downloads: [.audio, .cover])
        let openRoad = try #require(status.jobs.first { $0.id == "open-road" })
        #expect(openRoad.downloadsPending == 1)
        #expect(status.jobs.filter { $0.state != .completed }.allSatisfy { $0.downloadsPending == 0 })
        #expect(status.text.contains("downloads pending: \(openRoad.downloadsPending) file"))
        let none = StatusReport(
            album: manifest.album, ledgerPath: "summer.ledger.json", graph: graph, ledger: ledger,
            decisions: ReportFixture.decisions(for: graph), downloads: [])
        #expect(!none.text.contains("downloads pending"))
    }

    @Test func relativeURLsClimbAndEncode() {
        #expect(AlbumReport.relativeURL(from: "/w/album", to: "/w/album/out/01 a#b.mp3") == "out/01%20a%23b.mp3")
        #expect(AlbumReport.relativeURL(from: "/w/album/site", to: "/w/album/out/a.mp3") == "../out/a.mp3")
        #expect(AlbumReport.relativeURL(from: "/", to: "/x/é.jpg") == "x/%C3%A9.jpg")
    }

    @Test func statusListsEveryJobWithItsNextAction() throws {
        let status = StatusReport(
            album: manifest.album, ledgerPath: "summer.ledger.json", graph: graph, ledger: ledger,
            decisions: ReportFixture.decisions(for: graph))
        #expect(status.jobs.map(\.id) == graph.jobs.map(\.id))
        let homecoming = try #require(status.jobs.first { $0.id == "homecoming" })
        #expect(homecoming.state == .running)
        #expect(homecoming.next == .poll)
        #expect(homecoming.personaID == "5c57d49ef834110496fae5aa14fec441")
        let openRoad = try #require(status.jobs.first { $0.id == "open-road" })
        #expect(openRoad.attempts == 2)
        #expect(openRoad.files == 2)
        #expect(openRoad.creditsReserved == 16)
        #expect(openRoad.lastError == nil)
        #expect(status.nextRun == ["skip": 2, "poll": 1, "submit": 1])
        let text = status.text
        for job in graph.jobs { #expect(text.contains(job.id)) }
        #expect(text.contains("next run: submit 1, poll 1, skip 2"))
        #expect(text.contains("The prompt was rejected by the content policy."))

        let json = try JSONSerialization.jsonObject(with: Data(try status.json().utf8)) as? [String: Any]
        let jobs = try #require(json?["jobs"] as? [[String: Any]])
        #expect(jobs.count == 4)
        #expect(jobs.first { $0["id"] as? String == "sunset" }?["state"] as? String == "failed")
        #expect(jobs.first { $0["id"] as? String == "sunset" }?["next"] as? String == "submit")
        #expect((json?["last_run"] as? [String: Any])?["outcome"] as? String == "interrupted")
    }
}

@Suite("Album page after a re-roll")
struct RerollAlbumReportTests {
    static func page(_ manifest: ResolvedManifest, _ ledger: Ledger) throws -> String {
        let graph = try JobGraph(manifest: manifest)
        return AlbumReport(
            manifest: manifest, graph: graph, ledger: ledger, decisions: ReportFixture.decisions(for: graph),
            media: [:]
        ).render()
    }

    /// The `data-take` of every take of `song`'s track, in page order.
    static func takes(of song: String, in html: String) throws -> [String] {
        let start = try #require(html.range(of: "id=\"track-\(song)\""))
        let end = try #require(html.range(of: "</div>\n</li>\n", range: start.upperBound..<html.endIndex))
        let track = html[start.upperBound..<end.lowerBound]
        return track.components(separatedBy: "data-take=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func thePickPlaysFirstAndTheOtherTakesFollowNewestGenerationFirst() throws {
        let manifest = try RerollFixture.manifest(pick: "{generation: 1, take: 2}")
        let html = try Self.page(manifest, try LedgerFixture.fold(RerollFixture.events()))
        #expect(try Self.takes(of: "open-road", in: html) == ["g1-t2", "g2-t1", "g2-t2", "g1-t1"])
        #expect(html.contains("<div class=\"take pick\" data-take=\"g1-t2\""))
        #expect(html.contains("<span class=\"pick-mark\">The pick</span> Take 2 of generation 1 · Open Road (Take 2)"))
        #expect(html.components(separatedBy: "class=\"pick-mark\"").count == 2)
        #expect(html.contains("Other takes, newest generation first"))
        #expect(html.contains("Take 1 of generation 2 · Open Road (Night Drive)"))
        #expect(html.contains("3 tracks · 3:21 ·"))
    }

    @Test func aPickThatNamesNoTakeIsSaidAndEveryTakeIsListed() throws {
        let manifest = try RerollFixture.manifest(pick: "{generation: 3, take: 1}")
        let html = try Self.page(manifest, try LedgerFixture.fold(RerollFixture.events()))
        #expect(try Self.takes(of: "open-road", in: html) == ["g2-t1", "g2-t2", "g1-t1", "g1-t2"])
        #expect(!html.contains("class=\"pick-mark\""))
        #expect(html.contains("<p class=\"error\">Song &#39;open-road&#39; picks take 1 of generation 3, but it has 2"))
        #expect(html.contains("Takes, newest generation first"))
    }

    @Test func lineageNamesTheTakeThePersonaWasDerivedFrom() throws {
        let manifest = try RerollFixture.manifest(pick: "{generation: 1, take: 2}")
        let ledger = try LedgerFixture.fold(RerollFixture.events())
        let lineage = PersonaLineage(manifest: manifest, ledger: ledger) { $0 }
        #expect(lineage.sourceTakes == ["road-voice": "take 1 of generation 1"])

        let underived = try LedgerFixture.fold(
            RerollFixture.events().filter {
                $0.jobID != "road-voice" && $0.jobID != "homecoming"
            })
        let following = PersonaLineage(manifest: manifest, ledger: underived) { $0 }
        #expect(following.sourceTakes == ["road-voice": "take 2 of generation 1"])
        let html = try Self.page(manifest, underived)
        #expect(html.contains("from take 2 of generation 1 of <a href=\"#track-open-road\">Open Road</a>"))

        let pinned = ManifestLoader.load(
            text: ReportFixture.manifestText + "\n    take: 2\n", manifestFileName: "summer.yaml"
        ) { _ in "" }.manifest
        let newest = PersonaLineage(manifest: try #require(pinned), ledger: underived) { $0 }
        #expect(newest.sourceTakes == ["road-voice": "take 2 of generation 2"])
        let unrun = PersonaLineage(manifest: try #require(pinned), ledger: Ledger()) { $0 }
        #expect(unrun.sourceTakes == ["road-voice": "take 2 of the newest generation"])
    }
}
