import Testing

@testable import SetlistCore

@Suite struct DependencyGraphTests {
    @Test func wavesKeepManifestOrderWithinAWave() throws {
        let graph = DependencyGraph(ids: ["c", "b", "a"], dependencies: ["a": ["c"], "b": ["c"]])
        let waves = try #require(graph.waves())
        #expect(waves.map { $0.map { graph.ids[$0] } } == [["c"], ["b", "a"]])
    }

    @Test func unknownAndRepeatedDependenciesAreIgnored() {
        let graph = DependencyGraph(ids: ["a", "b"], dependencies: ["b": ["a", "a", "zzz"]])
        #expect(graph.dependencies == [[], [0]])
        #expect(graph.dependents == [[1], []])
    }

    @Test func cycleYieldsNoWavesAndAPath() {
        let graph = DependencyGraph(ids: ["a", "b", "c"], dependencies: ["a": ["c"], "b": ["a"], "c": ["b"]])
        #expect(graph.waves() == nil)
        #expect(graph.findCycle() == ["a", "c", "b", "a"])
    }
}
