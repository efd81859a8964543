import Foundation
import SetlistCore
import Testing

@Suite struct ManifestCorpusTests {
    @Test func corpusIsLargeEnough() {
        #expect(ManifestFixtures.examples.count == 4)
        #expect(ManifestFixtures.invalid.count >= 25)
    }

    @Test(arguments: ManifestFixtures.examples.map(\.lastPathComponent))
    func exampleHasNoDiagnostics(name: String) throws {
        let result = try ManifestFixtures.load(ManifestFixtures.examplesDirectory.appendingPathComponent(name))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map { $0.formatted(path: name) })")
        #expect(result.manifest != nil)
    }

    @Test(arguments: ManifestFixtures.invalid.map(\.lastPathComponent))
    func fixtureGivesExactlyTheExpectedDiagnostics(name: String) throws {
        let url = ManifestFixtures.invalidDirectory.appendingPathComponent(name)
        let expectations = try ManifestFixtures.header(of: url).expectations
        let result = try ManifestFixtures.load(url)
        let shown = result.diagnostics.map { $0.formatted(path: name) }.joined(separator: "\n")
        try #require(!expectations.isEmpty, "\(name) has no '# expect:' line")
        #expect(result.diagnostics.count == expectations.count, "\(shown)")
        for (expectation, diagnostic) in zip(expectations, result.diagnostics) {
            #expect(expectation.matches(diagnostic), "expected \(expectation)\ngot \(shown)")
        }
        #expect((result.manifest == nil) == result.diagnostics.containsErrors)
    }
}

@Suite struct ManifestMutationTests {
    /// Random byte edits of the album example: the loader never crashes, a nil manifest always comes with an
    /// error, and every diagnostic has a position inside the file.
    @Test func mutatedExamplesGiveLocatedDiagnostics() throws {
        let url = ManifestFixtures.examplesDirectory.appendingPathComponent("album.yaml")
        let original = [UInt8](try Data(contentsOf: url))
        let alphabet = Array(":-[]{}#&*!|>'\"%@` \n\t\0".utf8) + [0xFF, 0xC3]
        var random = SeededRandom(seed: 2026)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = alphabet.randomElement(using: &random) ?? 0
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &random) ?? 0, at: index)
                }
            }
            let result = ManifestLoader.load(bytes: bytes, manifestFileName: "album.yaml") { _ in "[Verse] la" }
            let lineCount = bytes.filter { $0 == UInt8(ascii: "\n") }.count + 1
            #expect((result.manifest == nil) == result.diagnostics.containsErrors)
            for diagnostic in result.diagnostics {
                let location = try #require(diagnostic.location)
                #expect((1...lineCount).contains(location.line) && location.column >= 1)
            }
        }
    }
}
