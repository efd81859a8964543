import Testing

@testable import SetlistCore

/// Lyrics jobs, extensions, joins and WAV jobs as nodes of the DAG: their order, edges, requests, chained values
/// and resume rules (issue 16).
@Suite("Whole songs in the plan")
struct WholeSongPlanTests {
    /// `words` (lyrics) -> `ballad` (lyrics_from, no title); `epic` extended at 100 s and 190 s, joined; WAV of
    /// both songs.
    static func manifest(firstPick: TakeChoice = .defaultPick, secondLyrics: String = "[Bridge] two")
        -> ResolvedManifest
    {
        var ballad = Song(
            id: "ballad", track: 1, model: "suno-v4.5-beta", mode: .custom, style: "soul", lyricsFrom: "words",
            wantsWAV: true)
        ballad.after = []
        let epic = Song(
            id: "epic", track: 2, model: "suno-v4.5-beta", mode: .custom, title: "Epic", style: "rock",
            prompt: "[Verse] one",
            extensions: [
                SongExtension(at: 100, lyrics: "[Chorus] more", pick: firstPick),
                SongExtension(at: 190, lyrics: secondLyrics),
            ], wantsWAV: true)
        var manifest = PlanFixtures.manifest(api: .sunoProxy, songs: [ballad, epic])
        manifest.lyrics = [LyricsJob(id: "words", prompt: "a song about rain")]
        manifest.output.download = [.audio, .cover, .wav]
        return manifest
    }

    @Test func everyPartIsAJobWithTheEdgesItsValuesNeed() throws {
        let graph = try JobGraph(manifest: Self.manifest())
        #expect(
            graph.jobs.map(\.id) == [
                "ballad", "epic", "words", "epic.extend-1", "epic.extend-2", "epic.join", "ballad.wav", "epic.wav",
            ])
        func needs(_ id: String) throws -> [String] {
            graph.dependencies(of: try #require(graph.index(of: id))).map { graph.jobs[$0].id }
        }
        #expect(try needs("ballad") == ["words"])
        #expect(try needs("epic.extend-1") == ["epic"])
        #expect(try needs("epic.extend-2") == ["epic.extend-1"])
        #expect(try needs("epic.join") == ["epic.extend-2"])
        #expect(try needs("epic.wav") == ["epic.join"])
        #expect(try needs("ballad.wav") == ["ballad"])
        #expect(graph.criticalPath() == ["epic", "epic.extend-1", "epic.extend-2", "epic.join", "epic.wav"])
    }

    @Test func eachRequestCarriesWhatTheJobBeforeItRecorded() throws {
        let manifest = Self.manifest()
        let graph = try JobGraph(manifest: manifest)
        var ledger = Ledger()
        for id in ["words", "ballad", "epic", "epic.extend-1", "epic.extend-2", "epic.join"] {
            try Self.complete(id, in: &ledger, graph: graph)
        }
        let chain = ChainResolver(graph: graph)
        let builder = RequestBuilder()
        func request(_ id: String) throws -> ProviderRequest {
            let index = try #require(graph.index(of: id))
            return try builder.request(for: graph.jobs[index], chained: chain.inputs(for: index, in: ledger).get())
        }
        guard case .song(let ballad) = try request("ballad") else { throw Unexpected() }
        #expect(ballad.prompt == "[Verse] rain on words")
        #expect(ballad.title == "Title by words", "a song without a title takes the lyrics' title")
        #expect(
            try request("epic.extend-2")
                == .extension(
                    ExtensionRequest(
                        model: "suno-v4.5-beta", taskID: "task-epic.extend-1", clipID: "epic.extend-1-t1",
                        continueAt: 90, prompt: "[Bridge] two", title: "Epic", style: "rock")))
        #expect(try request("epic.join") == .join(JoinRequest(clipID: "epic.extend-2-t1")))
        #expect(try request("epic.wav") == .wav(WAVRequest(clipID: "epic.join-t1")))
        #expect(try request("ballad.wav") == .wav(WAVRequest(clipID: "ballad-t1")))
    }

    @Test func aPartThatWouldStartPastTheTakeItContinuesFailsAloneWithASentence() throws {
        let graph = try JobGraph(manifest: Self.manifest())
        var ledger = Ledger()
        try Self.complete("epic", in: &ledger, graph: graph, duration: 80)
        let index = try #require(graph.index(of: "epic.extend-1"))
        let problem = try #require(ChainResolver(graph: graph).inputs(for: index, in: ledger).failureValue)
        #expect(problem.job == "epic.extend-1")
        #expect(
            problem.message
                == "Extension 'epic.extend-1' would continue take 1 of generation 1 of 'epic' at 100 s into it, but "
                + "that take lasts only 80 s. Set at: of extension 1 of 'epic' to a time inside the part it "
                + "continues, or pick another take.")
    }

    @Test func aSongWaitsForItsLyricsWithASentence() throws {
        let graph = try JobGraph(manifest: Self.manifest())
        let index = try #require(graph.index(of: "ballad"))
        let problem = try #require(ChainResolver(graph: graph).inputs(for: index, in: Ledger()).failureValue)
        #expect(problem.message.hasPrefix("Song 'ballad' cannot be sent: its lyrics job 'words' has no lyrics"))
    }

    @Test func aNewPickOfAPartRunsOnlyWhatFollowsIt() throws {
        let manifest = Self.manifest()
        let graph = try JobGraph(manifest: manifest)
        var ledger = Ledger()
        for index in graph.topologicalOrder { try Self.complete(graph.jobs[index].id, in: &ledger, graph: graph) }
        #expect(
            ResumePlan(manifest: manifest, graph: graph, ledger: ledger, selection: RunSelection()).decisions
                .allSatisfy { $0 == .skip })

        let repicked = Self.manifest(firstPick: .newest(take: 2))
        let plan = ResumePlan(
            manifest: repicked, graph: try JobGraph(manifest: repicked), ledger: ledger, selection: RunSelection())
        let running = Set(graph.jobs.indices.filter { plan.decisions[$0] != .skip }.map { graph.jobs[$0].id })
        #expect(running == ["epic.extend-2", "epic.join", "epic.wav"])
    }

    @Test func editingOnePartsLyricsChangesThatPartsFingerprintAlone() throws {
        let before = JobFingerprint.fingerprints(of: try JobGraph(manifest: Self.manifest()), api: .sunoProxy)
        let after = JobFingerprint.fingerprints(
            of: try JobGraph(manifest: Self.manifest(secondLyrics: "[Bridge] other")), api: .sunoProxy)
        let changed = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(changed == [4], "only epic.extend-2")
    }

    @Test func reRollingTheLyricsSendsTheSongAgain() throws {
        let manifest = Self.manifest()
        let graph = try JobGraph(manifest: manifest)
        var ledger = Ledger()
        for index in graph.topologicalOrder { try Self.complete(graph.jobs[index].id, in: &ledger, graph: graph) }
        let plan = ResumePlan(
            manifest: manifest, graph: graph, ledger: ledger, selection: RunSelection(force: ["words"]))
        let running = Set(graph.jobs.indices.filter { plan.decisions[$0] != .skip }.map { graph.jobs[$0].id })
        #expect(running == ["words", "ballad", "ballad.wav"])
    }

    @Test func planPlaceholdersNameWhereEachValueComesFrom() {
        let manifest = Self.manifest()
        let jobs = JobSpec.jobs(of: manifest)
        #expect(
            ChainedInputs.placeholders(for: jobs[0])
                == ChainedInputs(lyrics: "${words.text}", lyricsTitle: "${words.title}"))
        #expect(
            ChainedInputs.placeholders(for: jobs[4])
                == ChainedInputs(
                    sourceTaskID: "${epic.extend-1.task_id}", sourceResultID: "${epic.extend-1.results[1].result_id}"))
        #expect(jobs.map(\.modelShown).suffix(3) == ["concat", "wav", "wav"])
    }

    /// Records job `id` as completed in one attempt with what it chains in: two takes of `duration` seconds for
    /// songs and extensions, one for a join, written lyrics, or a WAV URL.
    static func complete(_ id: String, in ledger: inout Ledger, graph: JobGraph, duration: Double = 120) throws {
        let index = try #require(graph.index(of: id))
        let job = graph.jobs[index]
        let inputs = try ChainResolver(graph: graph).inputs(for: index, in: ledger).get()
        let fingerprint = JobFingerprint.fingerprints(of: graph, api: .sunoProxy)[index]
        try ledger.apply(.jobPlanned(job: id, kind: job.kind, fingerprint: fingerprint))
        try ledger.apply(.submitIntent(job: id, attempt: 1, idempotencyKey: "k-\(id)", inputs: inputs, at: 1))
        try ledger.apply(.submitAccepted(job: id, attempt: 1, taskID: "task-\(id)", creditsReserved: 1, at: 2))
        let results: [ResultRecord]
        switch job.kind {
        case .lyrics:
            results = [ResultRecord(resultID: "\(id)-t1", title: "Title by \(id)", text: "[Verse] rain on \(id)")]
        case .join: results = [ResultRecord(resultID: "\(id)-t1", duration: 300)]
        case .wav: results = [ResultRecord(resultID: inputs.sourceResultID, audioURL: "https://x/\(id).wav")]
        default:
            results = [1, 2].map { ResultRecord(resultID: "\(id)-t\($0)", duration: duration) }
        }
        try ledger.apply(.taskCompleted(job: id, attempt: 1, results: results, personaID: nil, at: 3))
    }

    struct Unexpected: Error {}
}

extension Result {
    /// The failure, or nil.
    fileprivate var failureValue: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

/// How `plan` shows the new kinds: their credits, tracks and shapes in the graphs.
@Suite("Whole songs in plan output")
struct WholeSongPlanRenderingTests {
    @Test func everyKindHasItsOwnShapeAndPrice() throws {
        let plan = try Plan(manifest: WholeSongPlanTests.manifest())
        let byID = Dictionary(uniqueKeysWithValues: plan.jobs.map { ($0.id, $0) })
        #expect(byID["words"]?.estimatedCredits == 1 && byID["words"]?.track == nil)
        #expect(byID["epic.extend-2"]?.estimatedCredits == 8 && byID["epic.extend-2"]?.track == 2)
        #expect(byID["epic.join"]?.estimatedCredits == 8 && byID["epic.join"]?.model == "concat")
        #expect(byID["epic.wav"]?.estimatedCredits == 0 && byID["epic.wav"]?.kind == .wav)

        let dot = PlanRenderer.dot(plan)
        #expect(dot.contains("\"words\" [shape=note"))
        #expect(dot.contains("\"epic.extend-1\" [shape=box"))
        #expect(dot.contains("\"epic.join\" [shape=hexagon"))
        #expect(dot.contains("\"epic.wav\" [shape=cylinder"))
        #expect(dot.contains("\"epic.extend-2\" -> \"epic.join\""))
        let mermaid = PlanRenderer.mermaid(plan)
        #expect(mermaid.contains("[/\"words<br/>lyrics, lyrics<br/>wave 1, submit\"/]"), "\(mermaid)")
        #expect(mermaid.contains("{{\"epic.join<br/>track 2, concat"))
        #expect(mermaid.contains("[(\"epic.wav<br/>track 2, wav"))
        let json = try JSONParser.parse(Array(PlanRenderer.json(plan).utf8))
        let kinds = json["jobs"]?.arrayValue?.compactMap { $0["kind"] } ?? []
        #expect(Set(kinds) == Set(["song", "lyrics", "extension", "join", "wav"].map(JSONValue.string)))
    }
}
