import Foundation
import SetlistCore
import Testing

@Suite struct ManifestCorpusTests {
    @Test func corpusIsLargeEnough() {
        #expect(ManifestFixtures.examples.count == 3)
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
