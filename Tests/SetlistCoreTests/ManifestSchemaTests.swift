import Foundation
import Testing

@testable import SetlistCore

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
        #expect(keys(["$defs", "lyricsJob"]) == Set(ManifestKeys.lyricsJob))
        #expect(keys(["$defs", "extension"]) == Set(ManifestKeys.songExtension))
        let models =
            (((schema["$defs"] as? [String: Any])?["song"] as? [String: Any])?["properties"]
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
            #expect(
                verdicts[url.path] == (schemaAccepts || swiftAccepts),
                "\(url.lastPathComponent): schema says \(String(describing: verdicts[url.path]))")
        }
    }

    /// A manifest with both take forms: a song's pinned `pick` and a persona's `take` number.
    static let takes = """
        setlist: 1
        album: Takes
        songs:
          - id: open-road
            title: Open Road
            style: pop
            lyrics: "[Verse] drive"
            pick: {generation: 1, take: 2}
          - id: homecoming
            title: Homecoming
            style: pop ballad
            lyrics: "[Verse] home"
            persona: road-voice
        personas:
          - id: road-voice
            from: open-road
            take: 2
            name: Road Singer
            description: Warm female pop vocals

        """

    /// Edits of ``takes`` that both validators must refuse, by what they break.
    static let badTakes: [(String, String, String)] = [
        ("pick in defaults", "album: Takes\n", "album: Takes\ndefaults:\n  pick: 2\n"),
        ("pick beyond two takes", "pick: {generation: 1, take: 2}", "pick: 3"),
        ("pick of generation 0", "pick: {generation: 1, take: 2}", "pick: {generation: 0, take: 1}"),
        ("pick without take", "pick: {generation: 1, take: 2}", "pick: {generation: 1}"),
        ("pick with another key", "pick: {generation: 1, take: 2}", "pick: {generation: 1, take: 2, song: 1}"),
        ("take as text", "    take: 2\n", "    take: \"2\"\n"),
        ("take without generation", "    take: 2\n", "    take: {take: 2}\n"),
        ("take 0", "    take: 2\n", "    take: 0\n"),
        (
            "take with an external source", "from: open-road",
            "from: {task_id: task-unified-1, result_id: 0b5c1f8e-8d1c-4c55-9d3a-1a2b3c4d5e6f}"
        ),
    ]

    /// `pick: {generation: 1, take: 2}` and `take: 2` are valid for the schema and for `setlist validate`, and
    /// each way of writing a take wrongly is refused by both.
    @Test(.enabled(if: PythonSchemaCheck.isAvailable, "python3 lacks the jsonschema or yaml module"))
    func takeFormsAgreeWithTheValidator() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("setlist-schema-takes-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var cases = [("both take forms", Self.takes, true)]
        for (name, old, new) in Self.badTakes {
            #expect(Self.takes.components(separatedBy: old).count == 2, "\(name): the edit must apply once")
            cases.append((name, Self.takes.replacingOccurrences(of: old, with: new), false))
        }
        var files: [URL] = []
        for (index, (_, text, _)) in cases.enumerated() {
            let url = directory.appendingPathComponent("takes-\(index).yaml")
            try Data(text.utf8).write(to: url)
            files.append(url)
        }
        let verdicts = try PythonSchemaCheck.run(schema: Self.schemaFile, files: files)
        for ((name, _, valid), url) in zip(cases, files) {
            let loaded = try ManifestFixtures.load(url)
            #expect(verdicts[url.path] == valid, "\(name): schema says \(String(describing: verdicts[url.path]))")
            #expect(loaded.diagnostics.containsErrors == !valid, "\(name): \(loaded.diagnostics)")
        }
        let manifest = try #require(try ManifestFixtures.load(files[0]).manifest)
        #expect(manifest.songs.first?.pick == .pinned(TakeRef(generation: 1, take: 2)))
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
