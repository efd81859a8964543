import Foundation
@testable import SetlistCore
import Testing

@Suite struct ManifestSchemaTests {
    static let schemaFile = ManifestFixtures.repositoryRoot.appendingPathComponent("schemas/manifest.schema.json")

    @Test func schemaFileIsTheSwiftText() throws {
        let file = try Data(contentsOf: Self.schemaFile)
        #expect(file == Data(ManifestSchema.text.utf8))
    }

    @Test func schemaListsTheKeysTheReaderAccepts() throws {
        let schema = try #require(
            try JSONSerialization.jsonObject(with: Data(ManifestSchema.text.utf8)) as? [String: Any]
        )
        func keys(_ path: [String]) -> Set<String> {
            var node: Any? = schema
            for step in path { node = (node as? [String: Any])?[step] }
            return Set(((node as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        }
        #expect(keys([]) == Set(ManifestKeys.top))
        #expect(keys(["properties", "provider"]) == Set(ManifestKeys.provider))
        #expect(keys(["properties", "limits"]) == Set(ManifestKeys.limits))
        #expect(keys(["properties", "retry"]) == Set(ManifestKeys.retry))
        #expect(keys(["properties", "output"]) == Set(ManifestKeys.output))
        #expect(keys(["properties", "defaults"]) == Set(ManifestKeys.defaults))
        #expect(keys(["$defs", "song"]) == Set(ManifestKeys.song))
        #expect(keys(["$defs", "persona"]) == Set(ManifestKeys.persona))
        let models = (((schema["$defs"] as? [String: Any])?["song"] as? [String: Any])?["properties"]
            as? [String: Any])?["model"] as? [String: Any]
        #expect((models?["enum"] as? [String]) == ModelCapabilities.acceptedNames)
    }

    /// Every example and every invalid fixture, checked by python3 `jsonschema` against the schema file. The
    /// schema must accept the examples and reject each invalid fixture, except where the fixture says
    /// `# schema: accepts`: rules a schema cannot express (per-model lengths, references, cycles, ranges
    /// between two values, private addresses, duplicate keys, which PyYAML lets through).
    @Test(.enabled(if: PythonSchemaCheck.isAvailable, "python3 lacks the jsonschema or yaml module"))
    func schemaAgreesWithTheValidator() throws {
        let files = ManifestFixtures.examples + ManifestFixtures.invalid
        let verdicts = try PythonSchemaCheck.run(schema: Self.schemaFile, files: files)
        for url in ManifestFixtures.examples {
            #expect(verdicts[url.path] == true, "the schema rejects the example \(url.lastPathComponent)")
        }
        for url in ManifestFixtures.invalid {
            let (_, schemaAccepts) = try ManifestFixtures.header(of: url)
            let swiftAccepts = try !ManifestFixtures.load(url).diagnostics.containsErrors
            #expect(verdicts[url.path] == (schemaAccepts || swiftAccepts),
                    "\(url.lastPathComponent): schema says \(String(describing: verdicts[url.path]))")
        }
    }
}

/// Runs python3 with `jsonschema` and PyYAML over manifest files.
enum PythonSchemaCheck {
    static let script = """
        import json, sys
        import jsonschema, yaml
        schema = json.load(open(sys.argv[1]))
        validator = jsonschema.Draft202012Validator(schema)
        verdicts = {}
        for path in sys.argv[2:]:
            try:
                with open(path, 'rb') as f:
                    document = yaml.safe_load(f)
                verdicts[path] = validator.is_valid(document)
            except Exception:
                verdicts[path] = False
        print(json.dumps(verdicts))
        """

    /// True when python3 can import `jsonschema` and `yaml`.
    static let isAvailable: Bool = (try? python(["-c", "import jsonschema, yaml"]).status) == 0

    /// Whether the schema accepts each file, by path.
    static func run(schema: URL, files: [URL]) throws -> [String: Bool] {
        let result = try python(["-c", script, schema.path] + files.map(\.path))
        guard result.status == 0 else { throw CocoaError(.executableLoad) }
        return try JSONSerialization.jsonObject(with: result.output) as? [String: Bool] ?? [:]
    }

    private static func python(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}
