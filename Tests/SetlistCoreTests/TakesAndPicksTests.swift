import Foundation
import Testing

@testable import SetlistCore

/// A three-song album with a persona derived from track 1 and sung on track 3, and a ledger built the way runs
/// build it, so that the planner's decisions about re-rolls, picks and pins can be checked.
private struct TakesAlbum {
    var songs: [Song]
    var personas: [Persona]
    var ledger = Ledger()

    init(personaTake: TakeChoice? = nil, pick: TakeChoice = .defaultPick) {
        var lead = PlanFixtures.song("open-road", track: 1)
        lead.pick = pick
        songs = [
            lead, PlanFixtures.song("sunset", track: 2),
            PlanFixtures.song("homecoming", track: 3, persona: .job("road-voice"), after: ["sunset"]),
        ]
        personas = [PlanFixtures.persona("road-voice", from: "open-road", take: personaTake)]
    }

    init(songs: [Song], personas: [Persona]) {
        self.songs = songs
        self.personas = personas
    }

    var manifest: ResolvedManifest { PlanFixtures.manifest(songs: songs, personas: personas) }

    func graph() throws -> JobGraph { try JobGraph(manifest: manifest) }

    func decisions(force: Set<String> = []) throws -> [String: ResumeDecision] {
        let graph = try graph()
        let fingerprints = JobFingerprint.fingerprints(of: graph, api: .evolink)
        let decisions = ResumePlanner.decide(
            graph: graph, fingerprints: fingerprints, ledger: ledger, selection: RunSelection(force: force),
            replays: true)
        return Dictionary(uniqueKeysWithValues: zip(graph.jobs.map(\.id), decisions))
    }

    /// Runs every job the planner says to submit, in dependency order, as a run would: each completed song
    /// answers with `takes` takes, each persona with a new persona id.
    mutating func run(force: Set<String> = [], takes: Int = 2) throws {
        let graph = try graph()
        let fingerprints = JobFingerprint.fingerprints(of: graph, api: .evolink)
        let decisions = ResumePlanner.decide(
            graph: graph, fingerprints: fingerprints, ledger: ledger, selection: RunSelection(force: force),
            replays: true)
        let chain = ChainResolver(graph: graph)
        for index in graph.topologicalOrder {
            let job = graph.jobs[index]
            try ledger.apply(.jobPlanned(job: job.id, kind: job.kind, fingerprint: fingerprints[index]))
            guard case .submit(let attempt, let requeue, _) = decisions[index] else { continue }
            if requeue { try ledger.apply(.jobRequeued(job: job.id)) }
            let inputs: ChainedInputs
            switch chain.inputs(for: index, in: ledger) {
            case .success(let found): inputs = found
            case .failure(let problem):
                try ledger.apply(
                    .jobFailed(
                        job: job.id, error: RecordedError(code: "request_not_built", message: problem.message), at: 1))
                continue
            }
            let task = "task-\(job.id)-\(attempt)"
            try ledger.apply(.submitIntent(job: job.id, attempt: attempt, idempotencyKey: "k", inputs: inputs, at: 1))
            try ledger.apply(.submitAccepted(job: job.id, attempt: attempt, taskID: task, creditsReserved: 1, at: 2))
            let results =
                job.kind == .song
                ? (1...takes).map { ResultRecord(resultID: "\(job.id)-a\(attempt)-t\($0)") } : []
            let personaID = job.kind == .persona ? "persona-\(attempt)" : nil
            try ledger.apply(
                .taskCompleted(job: job.id, attempt: attempt, results: results, personaID: personaID, at: 3))
        }
    }
}

private func submits(_ decisions: [String: ResumeDecision]) -> Set<String> {
    Set(decisions.compactMap { id, decision in if case .submit = decision { id } else { nil } })
}

struct ReRollTests {
    @Test func aCompletedAlbumIsUpToDate() throws {
        var album = TakesAlbum()
        try album.run()
        #expect(submits(try album.decisions()).isEmpty)
    }

    @Test func reRollingASongRederivesThePersonaFollowingItAndTheSongsSungWithIt() throws {
        var album = TakesAlbum()
        try album.run()
        let decisions = try album.decisions(force: ["open-road"])
        #expect(submits(decisions) == ["open-road", "road-voice", "homecoming"])
        #expect(decisions["open-road"]?.action.reason == "forced: a new generation")
        #expect(decisions["sunset"] == .skip, "a song that takes nothing from the re-rolled one is left alone")

        try album.run(force: ["open-road"])
        let record = try #require(album.ledger[job: "open-road"])
        #expect(
            record.generations.map { $0.results.map(\.resultID) } == [
                ["open-road-a1-t1", "open-road-a1-t2"], ["open-road-a2-t1", "open-road-a2-t2"],
            ])
        #expect(album.ledger[job: "road-voice"]?.chainedInputs?.sourceResultID == "open-road-a2-t1")
        #expect(album.ledger[job: "homecoming"]?.chainedInputs?.personaID == "persona-2")
        #expect(submits(try album.decisions()).isEmpty)
    }

    @Test func aPinnedTakeKeepsThePersonaAndItsSongsThroughAReRoll() throws {
        var album = TakesAlbum(personaTake: .pinned(TakeRef(generation: 1, take: 1)))
        try album.run()
        #expect(submits(try album.decisions(force: ["open-road"])) == ["open-road"])
        try album.run(force: ["open-road"])
        #expect(album.ledger[job: "road-voice"]?.chainedInputs?.sourceResultID == "open-road-a1-t1")
        #expect(submits(try album.decisions()).isEmpty)
    }

    @Test func editingTheSourceSongLeavesAPinnedPersonaAlone() throws {
        var album = TakesAlbum(personaTake: .pinned(TakeRef(generation: 1, take: 1)))
        try album.run()
        album.songs[0].style = "synth pop"
        #expect(submits(try album.decisions()) == ["open-road"])
        album.personas[0].source = .song(id: "open-road", take: nil)
        #expect(submits(try album.decisions()) == ["open-road", "road-voice", "homecoming"])
    }

    @Test func pinningTheTakeAPersonaAlreadyFollowsCostsNothing() throws {
        var album = TakesAlbum()
        try album.run()
        album.personas[0].source = .song(id: "open-road", take: .pinned(TakeRef(generation: 1, take: 1)))
        #expect(submits(try album.decisions()).isEmpty)
    }

    @Test func pinningAnOlderGenerationRederivesThePersonaAndItsSongs() throws {
        var album = TakesAlbum()
        try album.run()
        try album.run(force: ["open-road"])
        album.personas[0].source = .song(id: "open-road", take: .pinned(TakeRef(generation: 1, take: 1)))
        let decisions = try album.decisions()
        #expect(submits(decisions) == ["road-voice", "homecoming"])
        #expect(decisions["road-voice"]?.action.reason == "what it takes from 'open-road' changed since it ran")
    }

    @Test func changingTheSongsPickRederivesThePersonaThatFollowsIt() throws {
        var album = TakesAlbum()
        try album.run()
        album.songs[0].pick = .newest(take: 2)
        #expect(submits(try album.decisions()) == ["road-voice", "homecoming"])
    }

    @Test func forcingAJobWhoseTaskIsInFlightGivesTheTaskUpForANewGeneration() throws {
        var album = TakesAlbum()
        try album.run()
        try album.ledger.apply(.jobRequeued(job: "sunset"))
        try album.ledger.apply(.submitIntent(job: "sunset", attempt: 2, idempotencyKey: "k2", inputs: nil, at: 4))
        try album.ledger.apply(.submitAccepted(job: "sunset", attempt: 2, taskID: "t-lost", creditsReserved: 8, at: 5))
        #expect(try album.decisions()["sunset"] == .poll(taskID: "t-lost", attempt: 2), "a task we hold is polled")
        #expect(
            try album.decisions(force: ["sunset"])["sunset"]
                == .submit(
                    attempt: 3, requeue: false, reason: "forced: task t-lost is given up and a new generation paid for")
        )
    }

    @Test func reRollingAPersonaRunsTheSongsSungWithItAgain() throws {
        var album = TakesAlbum()
        try album.run()
        #expect(submits(try album.decisions(force: ["road-voice"])) == ["road-voice", "homecoming"])
    }
}

struct EditPropagationTests {
    @Test func anEditRunsAlongThePersonaChainAndNoFurther() throws {
        var album = TakesAlbum(
            songs: [
                PlanFixtures.song("s1", track: 1), PlanFixtures.song("s2", track: 2, persona: .job("p1")),
                PlanFixtures.song("s3", track: 3, persona: .job("p2")), PlanFixtures.song("solo", track: 4),
                PlanFixtures.song("s4", track: 5, persona: .literal("abc"), after: ["s3"]),
            ],
            personas: [PlanFixtures.persona("p1", from: "s1"), PlanFixtures.persona("p2", from: "s2")])
        try album.run()
        album.songs[0].style = "jazz"
        let decisions = try album.decisions()
        #expect(submits(decisions) == ["s1", "p1", "s2", "p2", "s3"])
        #expect(decisions["s1"]?.action.reason == "changed since the last run")
        #expect(decisions["s2"]?.action.reason == "its persona 'p1' is derived again")
    }

    @Test func aPersonaEditRederivesItAndRunsItsSongsAgain() throws {
        var album = TakesAlbum()
        try album.run()
        album.personas[0].description = "smoky alto"
        #expect(submits(try album.decisions()) == ["road-voice", "homecoming"])
    }

    @Test func changingThePersonasTakeRederivesItAndItsSongs() throws {
        var album = TakesAlbum()
        try album.run()
        album.personas[0].source = .song(id: "open-road", take: .newest(take: 2))
        #expect(submits(try album.decisions()) == ["road-voice", "homecoming"])
    }
}

struct ChainResolverTests {
    @Test func aPersonaFollowingATakeTheProviderDidNotYieldFailsAlone() throws {
        var album = TakesAlbum(personaTake: .newest(take: 2))
        try album.run(takes: 1)
        let graph = try album.graph()
        let persona = try #require(graph.index(of: "road-voice"))
        let failure = try #require(ChainResolver(graph: graph).inputs(for: persona, in: album.ledger).failureValue)
        #expect(failure.job == "road-voice")
        #expect(
            failure.message == "Persona 'road-voice' follows take 2 of generation 1 of 'open-road', but the "
                + "provider answered that generation with 1 take. Set take: to one that exists (1), or re-roll the song "
                + "with --force open-road.")
    }

    @Test func aPinnedGenerationThatDoesNotExistYetSaysHowToMakeIt() throws {
        var album = TakesAlbum(personaTake: .pinned(TakeRef(generation: 3, take: 1)))
        try album.run()
        let graph = try album.graph()
        let persona = try #require(graph.index(of: "road-voice"))
        let failure = try #require(ChainResolver(graph: graph).inputs(for: persona, in: album.ledger).failureValue)
        #expect(failure.message.contains("names take 1 of generation 3 of 'open-road', but the song has 1 generation"))
        #expect(failure.message.contains("setlist run --force open-road"))
    }

    @Test func aTakeWithoutAResultIDCannotBeAPersonaSource() throws {
        var album = TakesAlbum()
        try album.ledger.apply(.jobPlanned(job: "open-road", kind: .song, fingerprint: "f"))
        try album.ledger.apply(.submitIntent(job: "open-road", attempt: 1, idempotencyKey: "k", inputs: nil, at: 1))
        try album.ledger.apply(
            .submitAccepted(job: "open-road", attempt: 1, taskID: "t", creditsReserved: nil, at: 2))
        try album.ledger.apply(
            .taskCompleted(
                job: "open-road", attempt: 1, results: [ResultRecord(resultID: nil, audioURL: "https://a/1.mp3")],
                personaID: nil, at: 3))
        let graph = try album.graph()
        let persona = try #require(graph.index(of: "road-voice"))
        let failure = try #require(ChainResolver(graph: graph).inputs(for: persona, in: album.ledger).failureValue)
        #expect(failure.message.contains("gave that take's audio but no result id"))
    }

    @Test func anExternalPersonaGivesItsSongsTheClipItNames() throws {
        var album = TakesAlbum()
        album.personas[0].source = .external(
            taskID: "task-unified-1757165031-uyujaw3d", resultID: "1c0b8a2e-5d3b-4f6a-9e2d-7b8c9d0e1f2a")
        let graph = try album.graph()
        try album.ledger.apply(.jobPlanned(job: "road-voice", kind: .persona, fingerprint: "f"))
        try album.ledger.apply(.submitIntent(job: "road-voice", attempt: 1, idempotencyKey: "k", inputs: nil, at: 1))
        try album.ledger.apply(.submitAccepted(job: "road-voice", attempt: 1, taskID: "t", creditsReserved: nil, at: 2))
        try album.ledger.apply(.taskCompleted(job: "road-voice", attempt: 1, results: [], personaID: "p-1", at: 3))
        let song = try #require(graph.index(of: "homecoming"))
        let inputs = try ChainResolver(graph: graph).inputs(for: song, in: album.ledger).get()
        #expect(inputs.personaID == "p-1")
        #expect(inputs.artistClipID == "1c0b8a2e-5d3b-4f6a-9e2d-7b8c9d0e1f2a")
    }
}

struct TakePickTests {
    @Test func thePickDefaultsToTakeOneOfTheNewestGeneration() throws {
        var album = TakesAlbum()
        try album.run()
        try album.run(force: ["open-road"])
        let event = try TakePicks.change(for: album.songs[0], in: album.ledger).get()
        #expect(event == .takePicked(job: "open-road", pick: TakeRef(generation: 2, take: 1)))
        try album.ledger.apply(try #require(event))
        #expect(try TakePicks.change(for: album.songs[0], in: album.ledger).get() == nil, "recorded once")
    }

    @Test func aPickOfAGenerationThatDoesNotExistIsASentenceForThatSong() throws {
        var album = TakesAlbum(pick: .pinned(TakeRef(generation: 2, take: 1)))
        try album.run()
        let problem = try #require(TakePicks.change(for: album.songs[0], in: album.ledger).failureValue)
        #expect(
            problem.message == "Song 'open-road' picks take 1 of generation 2, but it has 1 generation so far, "
                + "not 2. Pick one that exists, or re-roll the song with setlist run --force open-road.")
    }
}

struct UsableAnswerTests {
    @Test func aCompletedSongWithoutTakesIsAFailureThatIsNotRetriedInTheRun() {
        let snapshot = TaskSnapshot(id: "t-1", status: .completed, results: [TaskResult(resultID: nil)])
            .usable(by: .song, job: "open-road")
        #expect(snapshot.status == .failed)
        #expect(snapshot.failure?.code == "no_usable_result")
        #expect(snapshot.failure?.isRetriable == false)
        #expect(
            snapshot.failure?.message.hasPrefix("The provider reported task t-1 of song 'open-road' completed") == true)
    }

    @Test func aCompletedPersonaWithoutAPersonaIDIsAFailure() {
        let snapshot = TaskSnapshot(id: "t-2", status: .completed).usable(by: .persona, job: "voice")
        #expect(snapshot.status == .failed)
        #expect(snapshot.failure?.message.contains("holds no persona_id") == true)
    }

    @Test func takesWithAnIDOrAnAudioURLAreKept() {
        let results = [
            TaskResult(resultID: "r"), TaskResult(resultID: nil, audioURL: "https://a/b.mp3"),
            TaskResult(resultID: nil),
        ]
        let snapshot = TaskSnapshot(id: "t", status: .completed, results: results).usable(by: .song, job: "s")
        #expect(snapshot.status == .completed)
        #expect(snapshot.results == Array(results.prefix(2)))
    }
}

extension Result {
    fileprivate var failureValue: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
