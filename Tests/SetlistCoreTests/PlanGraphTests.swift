import Testing

@testable import SetlistCore

@Suite struct PlanGraphTests {
    private func ids(_ graph: JobGraph, _ indices: [Int]) -> [String] { indices.map { graph.jobs[$0].id } }

    @Test func diamondHasThreeWavesAndTheEarlierBranchOnTheCriticalPath() throws {
        let graph = try JobGraph(manifest: PlanFixtures.diamond)
        #expect(graph.waves.map { ids(graph, $0) } == [["a"], ["b", "c"], ["d"]])
        #expect(graph.waveIndex == [0, 1, 1, 2])
        let paths = graph.longestPaths()
        #expect(ids(graph, paths.criticalPath) == ["a", "b", "d"])
        #expect(paths.criticalPathSeconds == 360)
        #expect(paths.remainingSeconds == [360, 240, 240, 120])
    }

    @Test func explicitSecondsMoveTheCriticalPath() throws {
        let graph = try JobGraph(manifest: PlanFixtures.diamond)
        let paths = graph.longestPaths(seconds: [10, 5, 50, 1])
        #expect(ids(graph, paths.criticalPath) == ["a", "c", "d"])
        #expect(paths.criticalPathSeconds == 61)
    }

    @Test func zeroTimeJobsEndTheCriticalPath() throws {
        let graph = try JobGraph(manifest: PlanFixtures.diamond)
        #expect(ids(graph, graph.longestPaths(seconds: [0, 7, 3, 0]).criticalPath) == ["a", "b"])
        let none = graph.longestPaths(seconds: [0, 0, 0, 0])
        #expect(none.criticalPath.isEmpty)
        #expect(none.criticalPathSeconds == 0)
    }

    @Test func personaChainAlternatesKindsAlongOnePath() throws {
        let manifest = PlanFixtures.manifest(
            songs: [
                PlanFixtures.song("s1", track: 1),
                PlanFixtures.song("s2", track: 2, persona: .job("p1")),
                PlanFixtures.song("s3", track: 3, persona: .job("p2")),
            ],
            personas: [PlanFixtures.persona("p1", from: "s1"), PlanFixtures.persona("p2", from: "s2")]
        )
        let graph = try JobGraph(manifest: manifest)
        #expect(graph.jobs.map(\.id) == ["s1", "s2", "s3", "p1", "p2"])
        #expect(graph.jobs.map(\.kind) == [.song, .song, .song, .persona, .persona])
        #expect(graph.waves.map { ids(graph, $0) } == [["s1"], ["p1"], ["s2"], ["p2"], ["s3"]])
        let paths = graph.longestPaths()
        #expect(ids(graph, paths.criticalPath) == ["s1", "p1", "s2", "p2", "s3"])
        #expect(graph.criticalPath() == ["s1", "p1", "s2", "p2", "s3"])
        #expect(paths.criticalPathSeconds == 390)
        #expect(graph.longestPaths(ExpectedTaskTimes(song: 100, persona: 1)).criticalPathSeconds == 302)
    }

    @Test func albumEdgesFollowPersonaFromAndAfter() throws {
        let graph = try JobGraph(manifest: PlanFixtures.album())
        let homecoming = try #require(graph.index(of: "homecoming"))
        let voice = try #require(graph.index(of: "road-voice"))
        let openRoad = try #require(graph.index(of: "open-road"))
        #expect(ids(graph, graph.dependencies(of: homecoming)) == ["road-voice", "sunset"])
        #expect(ids(graph, graph.dependencies(of: voice)) == ["open-road"])
        #expect(ids(graph, graph.dependents(of: openRoad)) == ["road-voice"])
        #expect(graph.waves.map { ids(graph, $0) } == [["open-road", "sunset"], ["road-voice"], ["homecoming"]])
        #expect(ids(graph, graph.topologicalOrder) == ["open-road", "sunset", "road-voice", "homecoming"])
        let paths = graph.longestPaths()
        #expect(ids(graph, paths.criticalPath) == ["open-road", "road-voice", "homecoming"])
        #expect(paths.criticalPathSeconds == 255)
        #expect(paths.remainingSeconds[try #require(graph.index(of: "sunset"))] == 240)
    }

    @Test func cycleIsReportedWithItsPath() {
        let manifest = PlanFixtures.songsOnly([("a", ["b"]), ("b", ["a"])])
        #expect(throws: JobGraphError.cycle(["a", "b", "a"])) { try JobGraph(manifest: manifest) }
    }

    @Test func duplicateIDsAreRejected() {
        let manifest = PlanFixtures.manifest(
            songs: [PlanFixtures.song("x", track: 1)], personas: [PlanFixtures.persona("x", from: "x")]
        )
        #expect(throws: JobGraphError.duplicateID("x")) { try JobGraph(manifest: manifest) }
    }

    @Test func referencesMustNameAJobOfTheRightKind() {
        let songAsPersona = PlanFixtures.manifest(
            songs: [PlanFixtures.song("a", track: 1), PlanFixtures.song("b", track: 2, persona: .job("a"))]
        )
        #expect(throws: JobGraphError.invalidReference(job: "b", reference: "a", expected: "a persona job")) {
            try JobGraph(manifest: songAsPersona)
        }
        let unknownAfter = PlanFixtures.songsOnly([("a", ["nope"])])
        #expect(throws: JobGraphError.invalidReference(job: "a", reference: "nope", expected: "a job")) {
            try JobGraph(manifest: unknownAfter)
        }
        let personaFromPersona = PlanFixtures.manifest(
            songs: [PlanFixtures.song("a", track: 1)],
            personas: [PlanFixtures.persona("p", from: "a"), PlanFixtures.persona("q", from: "p")]
        )
        #expect(throws: JobGraphError.invalidReference(job: "q", reference: "p", expected: "a song job")) {
            try JobGraph(manifest: personaFromPersona)
        }
    }

    @Test func literalPersonasAndExternalSourcesAddNoEdges() throws {
        let manifest = PlanFixtures.manifest(
            songs: [PlanFixtures.song("a", track: 1, persona: .literal("5c57d49ef834110496fae5aa14fec441"))],
            personas: [
                Persona(
                    id: "p", source: .external(taskID: "task-unified-1-x", resultID: "r"), name: "n", description: "d"
                )
            ]
        )
        let graph = try JobGraph(manifest: manifest)
        #expect(graph.waves.count == 1)
        #expect(graph.dependencies(of: 0).isEmpty && graph.dependencies(of: 1).isEmpty)
    }

    @Test func emptyManifestHasNoWavesAndNoCriticalPath() throws {
        let graph = try JobGraph(manifest: PlanFixtures.manifest(songs: []))
        #expect(graph.waves.isEmpty)
        #expect(graph.longestPaths().criticalPath.isEmpty)
    }
}
