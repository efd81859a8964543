import Foundation
import SetlistCore

/// The example manifests and the invalid corpus, found from this file's location, with their expectations.
enum ManifestFixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examplesDirectory = repositoryRoot.appendingPathComponent("manifests")
    static let invalidDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/invalid")

    /// The example manifests users copy.
    static var examples: [URL] { files(in: examplesDirectory).filter { $0.pathExtension == "yaml" } }

    /// The invalid corpus: every file that is not an expectation sidecar.
    static var invalid: [URL] { files(in: invalidDirectory).filter { $0.pathExtension != "expect" } }

    /// One expected diagnostic: exact position and severity, and a part of the message.
    struct Expectation: CustomStringConvertible {
        var line: Int
        var column: Int
        var severity: String
        var messagePart: String

        var description: String { "\(line):\(column): \(severity): \(messagePart)" }

        func matches(_ diagnostic: Diagnostic) -> Bool {
            diagnostic.location == SourceLocation(line: line, column: column)
                && diagnostic.severity.rawValue == severity && diagnostic.message.contains(messagePart)
        }
    }

    /// The expectations of a fixture: `# expect: L:C: severity: text` lines, in the file or in a `.expect`
    /// sidecar beside it. `# schema: accepts` marks a rule the JSON Schema cannot express.
    static func header(of fixture: URL) throws -> (expectations: [Expectation], schemaAccepts: Bool) {
        let sidecar = fixture.appendingPathExtension("expect")
        let source = FileManager.default.fileExists(atPath: sidecar.path) ? sidecar : fixture
        let text = String(decoding: try Data(contentsOf: source), as: UTF8.self)
        var expectations: [Expectation] = []
        var schemaAccepts = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "# schema: accepts" { schemaAccepts = true }
            guard line.hasPrefix("# expect: ") else { continue }
            let parts = line.dropFirst("# expect: ".count).split(separator: ":", maxSplits: 3)
            guard parts.count == 4, let row = Int(parts[0]), let column = Int(parts[1]) else { continue }
            expectations.append(
                Expectation(
                    line: row, column: column, severity: parts[2].trimmingCharacters(in: .whitespaces),
                    messagePart: String(parts[3].dropFirst())
                ))
        }
        return (expectations, schemaAccepts)
    }

    /// Loads a manifest file the way the executable does, reading lyrics files beside it.
    static func load(_ url: URL) throws -> ManifestLoadResult {
        let bytes = [UInt8](try Data(contentsOf: url))
        let directory = url.deletingLastPathComponent()
        return ManifestLoader.load(bytes: bytes, manifestFileName: url.lastPathComponent) { path in
            let file = directory.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: file.path) else { throw MissingLyricsFile() }
            return String(decoding: try Data(contentsOf: file), as: UTF8.self)
        }
    }

    /// A lyrics file that is not there, worded as the executable's reader words it.
    private struct MissingLyricsFile: LyricsFileProblem {
        var description: String { "does not exist; the path is relative to the manifest's folder." }
    }

    private static func files(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
            .filter { !$0.hasDirectoryPath && !$0.lastPathComponent.hasPrefix(".") }
    }
}
