import Foundation
import SetlistCore
import SetlistEngine
import Testing

/// Where the repository's files are, from this source file's path.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let ledgerSchema = root.appendingPathComponent("schemas/ledger.schema.json").path
}

/// Runs python3 with the `jsonschema` package, when the machine has both.
enum PythonJSONSchema {
    static let available: Bool = (try? run(["-c", "import jsonschema"]).status) == 0

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    static let validator = """
        import json, sys
        from jsonschema import Draft202012Validator
        schema = json.load(open(sys.argv[1]))
        Draft202012Validator.check_schema(schema)
        errors = sorted(Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))), key=str)
        for error in errors:
            print("/".join(map(str, error.absolute_path)) + ": " + error.message)
        sys.exit(1 if errors else 0)
        """
}

@Suite struct LedgerSnapshotTests {
    @Test(.enabled(if: PythonJSONSchema.available, "python3 with the jsonschema package is not installed"))
    func aRealisticSnapshotIsValidAgainstTheSchema() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        let events = LedgerFixture.albumRun()
        for event in events { try store.append(event) }
        try store.append(
            .runStarted(run: "run-2", at: LedgerFixture.t0 + 86_400_000, album: "Summer Roadtrip",
                        manifest: "summer.yaml", provider: LedgerFixture.provider)
        )
        try store.append(.jobPlanned(job: "encore", kind: .song, fingerprint: LedgerFixture.sha("9")))
        try store.append(
            .submitIntent(job: "encore", attempt: 1, idempotencyKey: "setlist-encore-1", inputs: nil,
                          at: LedgerFixture.t0 + 86_400_001)
        )
        try store.append(.jobMarkedUnknown(job: "encore", at: LedgerFixture.t0 + 86_400_002))
        try store.compact()

        let ledger = store.ledger
        #expect(ledger[job: "open-road"]?.attempts.count == 2)
        #expect(ledger[job: "open-road"]?.results.first?.files.count == 2)
        #expect(ledger[job: "road-voice"]?.personaID == "5c57d49ef834110496fae5aa14fec441")
        #expect(ledger.runs.count == 2)

        let result = try PythonJSONSchema.run(["-c", PythonJSONSchema.validator, Repository.ledgerSchema,
                                               scratch.ledgerPath])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test(.enabled(if: PythonJSONSchema.available, "python3 with the jsonschema package is not installed"))
    func theSchemaRejectsAnAPIKeyField() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        for event in LedgerFixture.albumRun() { try store.append(event) }
        try store.compact()
        let text = String(decoding: scratch.read(scratch.ledgerPath)!, as: UTF8.self)
        let tampered = text.replacingOccurrences(
            of: "\"base_url\"", with: "\"api_key\" : \"\(LedgerFixture.apiKey)\", \"base_url\""
        )
        scratch.write(scratch.ledgerPath, Array(tampered.utf8))
        let result = try PythonJSONSchema.run(["-c", PythonJSONSchema.validator, Repository.ledgerSchema,
                                               scratch.ledgerPath])
        #expect(result.status == 1)
        #expect(result.output.contains("api_key"))
    }

    @Test func theSnapshotIsStableByteForByte() throws {
        let first = try ScratchDirectory()
        let second = try ScratchDirectory()
        for scratch in [first, second] {
            let store = try LedgerStore(path: scratch.ledgerPath)
            for event in LedgerFixture.albumRun() { try store.append(event) }
            try store.compact()
            try store.compact()
        }
        let bytes = try #require(first.read(first.ledgerPath))
        #expect(second.read(second.ledgerPath) == bytes)

        let reopened = try LedgerStore(path: first.ledgerPath)
        try reopened.compact()
        #expect(first.read(first.ledgerPath) == bytes, "load then save changes nothing")
    }

    @Test func noCredentialReachesAnyLedgerFile() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        let events = LedgerFixture.albumRun()
        for event in events.prefix(12) { try store.append(event) }
        try store.compact()
        for event in events.dropFirst(12) { try store.append(event) }
        store.close()
        for file in scratch.files() {
            let text = String(decoding: scratch.read(scratch.path + "/" + file)!, as: UTF8.self)
            for forbidden in [LedgerFixture.apiKey, "Authorization", "Bearer", "api_key", "apiKey", "API_KEY"] {
                #expect(!text.contains(forbidden), "\(file) contains \(forbidden)")
            }
        }
    }
}
