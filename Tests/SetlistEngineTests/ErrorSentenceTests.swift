import Foundation
import SetlistEngine
import Testing

struct ErrorSentenceTests {
    @Test func aFoundationFileErrorBecomesThePathAndTheSystemsReason() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)")
        let error = try #require(throws: (any Error).self) { _ = try Data(contentsOf: missing) }
        let sentence = ErrorSentence.describe(error)
        #expect(sentence.hasPrefix("\(missing.path): "))
        #expect(!sentence.contains("Domain") && !sentence.contains("UserInfo"))
    }

    @Test func aWriteIntoAFileAsIfItWereAFolderSaysSo() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("file-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = try #require(throws: (any Error).self) {
            try FileManager.default.createDirectory(
                at: file.appendingPathComponent("inner"), withIntermediateDirectories: true)
        }
        #expect(!ErrorSentence.describe(error).contains("NSCocoaErrorDomain"))
    }

    @Test func setlistsOwnErrorsAreTheirSentences() {
        #expect(ErrorSentence.describe(RequestNotBuiltStandIn()) == "a sentence")
        #expect(ErrorSentence.describe(CancellationError()) == "the run was interrupted before this finished")
    }
}

private struct RequestNotBuiltStandIn: Error, CustomStringConvertible {
    var description: String { "a sentence" }
}
