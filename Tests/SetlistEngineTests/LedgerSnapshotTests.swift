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
            .runStarted(
                run: "run-2", at: LedgerFixture.t0 + 86_400_000, album: "Summer Roadtrip",
                manifest: "summer.yaml", provider: LedgerFixture.provider)
        )
        try store.append(.jobPlanned(job: "encore", kind: .song, fingerprint: LedgerFixture.sha("9")))
        try store.append(
            .submitIntent(
                job: "encore", attempt: 1, idempotencyKey: "setlist-encore-1", inputs: nil,
                at: LedgerFixture.t0 + 86_400_001)
        )
        try store.append(.jobMarkedUnknown(job: "encore", at: LedgerFixture.t0 + 86_400_002))
        try store.compact()

        let ledger = store.ledger
        #expect(ledger[job: "open-road"]?.attempts.count == 2)
        #expect(ledger[job: "open-road"]?.results.first?.files.count == 2)
        #expect(ledger[job: "road-voice"]?.personaID == "5c57d49ef834110496fae5aa14fec441")
        #expect(ledger.runs.count == 2)

        let result = try PythonJSONSchema.run([
            "-c", PythonJSONSchema.validator, Repository.ledgerSchema,
            scratch.ledgerPath,
        ])
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
        let result = try PythonJSONSchema.run([
            "-c", PythonJSONSchema.validator, Repository.ledgerSchema,
            scratch.ledgerPath,
        ])
        #expect(result.status == 1)
        #expect(result.output.contains("api_key"))
    }

    /// A format 2 snapshot with everything format 2 added: two generations of a song, the second with a take the
    /// provider listed only by URL (no result id), a pick of the first generation's second take, files under the
    /// takes folder (one under a numbered name after a clash), a persona pinned to that take, a persona that failed
    /// before anything was sent, and runs that record the version of setlist that made them.
    @Test(.enabled(if: PythonJSONSchema.available, "python3 with the jsonschema package is not installed"))
    func aFormat2SnapshotWithGenerationsAndPicksIsValidAgainstTheSchema() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        for event in Self.rerolledAlbum() { try store.append(event) }
        try store.compact()

        let song = try #require(store.ledger[job: "open-road"])
        #expect(song.generations.map(\.generation) == [1, 2])
        #expect(song.generations.map(\.results.count) == [2, 2])
        #expect(song.generations[1].results[1].resultID == nil)
        #expect(song.pick == TakeRef(generation: 1, take: 2))
        #expect(store.ledger[job: "road-voice"]?.generations.first?.personaID == Self.personaID)
        #expect(store.ledger.runs.map(\.setlistVersion) == ["0.9.0", "0.9.1"])
        #expect(store.ledger.runs.map(\.outcome) == [.downloadsPending, .jobsFailed])
        #expect(store.ledger[job: "echo-voice"]?.lastError?.code == "request_not_built")
        let text = String(decoding: scratch.read(scratch.ledgerPath)!, as: UTF8.self)
        #expect(text.contains("\"format\" : 2,"))
        #expect(text.contains("\"results\" : [],"), "attempts without takes write results []")

        let result = try PythonJSONSchema.run([
            "-c", PythonJSONSchema.validator, Repository.ledgerSchema,
            scratch.ledgerPath,
        ])
        #expect(result.status == 0, "\(result.output)")
    }

    /// The schema describes the format setlist writes: a format 1 snapshot does not match it, and the same
    /// ledger migrated by a run that writes it does, with its downloaded file adopted where it is.
    @Test(.enabled(if: PythonJSONSchema.available, "python3 with the jsonschema package is not installed"))
    func aMigratedFormat1SnapshotIsValidAgainstTheSchema() throws {
        let scratch = try ScratchDirectory()
        scratch.write(scratch.ledgerPath, Array(Self.format1Snapshot.utf8))
        let before = try PythonJSONSchema.run([
            "-c", PythonJSONSchema.validator, Repository.ledgerSchema,
            scratch.ledgerPath,
        ])
        #expect(before.status == 1)
        #expect(before.output.contains("format") && before.output.contains("results"), "\(before.output)")

        let store = try LedgerStore(path: scratch.ledgerPath)
        try store.compact()
        let song = try #require(store.ledger[job: "open-road"])
        #expect(song.attempts.map(\.generation) == [nil, 1])
        #expect(song.attempts[1].results.first?.file(.audio)?.path == "out/summer-roadtrip/01-open-road.mp3")
        let after = try PythonJSONSchema.run([
            "-c", PythonJSONSchema.validator, Repository.ledgerSchema,
            scratch.ledgerPath,
        ])
        #expect(after.status == 0, "\(after.output)")
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

extension LedgerSnapshotTests {
    static let personaID = "5c57d49ef834110496fae5aa14fec441"

    /// Two runs of an album in format 2: the first generates `open-road`, picks its second take and derives
    /// `road-voice` from it, but leaves a file to download; the second saves it, re-rolls `open-road` (`--force`),
    /// whose new generation has a take without a result id, keeps the pick on generation 1, and fails
    /// `echo-voice`, which follows that take, before anything is sent.
    static func rerolledAlbum() -> [LedgerEvent] {
        let t0 = LedgerFixture.t0
        let day: Int64 = 86_400_000
        let provider = LedgerFixture.provider
        let folder = "out/summer-roadtrip/takes/01-open-road/"
        func take(_ id: String?, _ name: String) -> ResultRecord {
            ResultRecord(
                resultID: id, title: "Open Road", duration: 190, tags: "pop",
                audioURL: "https://files.evolink.ai/a/\(name).mp3", imageURL: "https://files.evolink.ai/i/\(name).jpg")
        }
        func file(_ name: String, _ seed: Character) -> DownloadedFile {
            DownloadedFile(kind: .audio, path: folder + name, sha256: LedgerFixture.sha(seed), bytes: 3_145_728)
        }
        let first = [
            take("0b5c1f8e-8d1c-4c55-9d3a-1a2b3c4d5e6f", "g1-1"), take("7d9e2a10-44b2-4f0e-8c61-0f1e2d3c4b5a", "g1-2"),
        ]
        let second = [take("c1d2e3f4-0a1b-4c2d-8e3f-405162738495", "g2-1"), take(nil, "g2-2")]
        let unbuildable = RecordedError(
            code: "request_not_built",
            message: "Persona 'echo-voice' cannot be derived from take 2 of generation 2 of 'open-road': the "
                + "provider's answer gave that take's audio but no result id, and a persona needs one. Choose "
                + "another take with take:, or re-roll the song with --force open-road.")
        return [
            .runStarted(
                run: "run-1", at: t0, album: "Summer Roadtrip", manifest: "summer.yaml", provider: provider,
                setlistVersion: "0.9.0"),
            .jobPlanned(job: "open-road", kind: .song, fingerprint: LedgerFixture.sha("a")),
            .jobPlanned(job: "road-voice", kind: .persona, fingerprint: LedgerFixture.sha("b")),
            .submitIntent(job: "open-road", attempt: 1, idempotencyKey: "setlist-open-road-1", inputs: nil, at: t0 + 5),
            .submitAccepted(
                job: "open-road", attempt: 1, taskID: "task-unified-1-aaaa0001", creditsReserved: 8,
                at: t0 + 900),
            .taskCompleted(job: "open-road", attempt: 1, results: first, personaID: nil, at: t0 + 120_000),
            .takePicked(job: "open-road", pick: TakeRef(generation: 1, take: 2)),
            .downloadRecorded(
                job: "open-road", take: TakeRef(generation: 1, take: 1), resultID: nil,
                file: file("g1-t1.mp3", "1")),
            .submitIntent(
                job: "road-voice", attempt: 1, idempotencyKey: "setlist-road-voice-1",
                inputs: ChainedInputs(sourceTaskID: "task-unified-1-aaaa0001", sourceResultID: first[1].resultID),
                at: t0 + 121_000),
            .submitAccepted(
                job: "road-voice", attempt: 1, taskID: "task-unified-2-bbbb0001", creditsReserved: 1,
                at: t0 + 121_500),
            .taskCompleted(job: "road-voice", attempt: 1, results: [], personaID: personaID, at: t0 + 140_000),
            .runFinished(
                run: "run-1", at: t0 + 150_000, outcome: .downloadsPending, exitCode: 1, skipped: 0, polls: 4,
                requests: 6),
            .runStarted(
                run: "run-2", at: t0 + day, album: "Summer Roadtrip", manifest: "summer.yaml", provider: provider,
                setlistVersion: "0.9.1"),
            .jobPlanned(job: "echo-voice", kind: .persona, fingerprint: LedgerFixture.sha("c")),
            .downloadRecorded(
                job: "open-road", take: TakeRef(generation: 1, take: 2), resultID: nil,
                file: file("g1-t2.mp3", "2")),
            .jobRequeued(job: "open-road"),
            .submitIntent(
                job: "open-road", attempt: 2, idempotencyKey: "setlist-open-road-2", inputs: nil,
                at: t0 + day + 5),
            .submitAccepted(
                job: "open-road", attempt: 2, taskID: "task-unified-3-aaaa0002", creditsReserved: 8,
                at: t0 + day + 900),
            .taskCompleted(job: "open-road", attempt: 2, results: second, personaID: nil, at: t0 + day + 120_000),
            .downloadRecorded(
                job: "open-road", take: TakeRef(generation: 2, take: 1), resultID: nil,
                file: file("g2-t1.mp3", "3")),
            .downloadRecorded(
                job: "open-road", take: TakeRef(generation: 2, take: 2), resultID: nil,
                file: file("g2-t2.2.mp3", "4")),
            .jobFailed(job: "echo-voice", error: unbuildable, at: t0 + day + 120_001),
            .runFinished(
                run: "run-2", at: t0 + day + 130_000, outcome: .jobsFailed, exitCode: 1, skipped: 1, polls: 3,
                requests: 4),
        ]
    }

    /// A format 1 snapshot as setlist wrote it: the results of the latest completed attempt beside the attempts,
    /// and the file saved under the format 1 name.
    static let format1Snapshot = """
        {
          "format" : 1,
          "jobs" : {
            "open-road" : {
              "attempts" : [
                {
                  "error" : {"code" : "service_error", "message" : "The upstream service failed."},
                  "fingerprint" : "\(LedgerFixture.sha("a"))",
                  "finished_at_ms" : 1763723436120,
                  "idempotency_key" : "setlist-open-road-1",
                  "number" : 1,
                  "outcome" : "failed",
                  "submissions" : 1,
                  "submitted_at_ms" : 1763723346125,
                  "task_id" : "task-unified-1763723346-aaaa0001"
                },
                {
                  "fingerprint" : "\(LedgerFixture.sha("a"))",
                  "finished_at_ms" : 1763723556120,
                  "idempotency_key" : "setlist-open-road-2",
                  "number" : 2,
                  "outcome" : "completed",
                  "provider_status" : "completed",
                  "submissions" : 1,
                  "submitted_at_ms" : 1763723441120,
                  "task_id" : "task-unified-1763723441-aaaa0002"
                }
              ],
              "fingerprint" : "\(LedgerFixture.sha("a"))",
              "kind" : "song",
              "results" : [
                {
                  "files" : [
                    {
                      "bytes" : 3145728,
                      "kind" : "audio",
                      "path" : "out/summer-roadtrip/01-open-road.mp3",
                      "sha256" : "\(LedgerFixture.sha("e"))"
                    }
                  ],
                  "result_id" : "0b5c1f8e-8d1c-4c55-9d3a-1a2b3c4d5e6f"
                }
              ],
              "state" : "completed"
            }
          },
          "journal_sequence" : 9,
          "runs" : [
            {
              "counts" : {
                "blocked" : 0, "completed" : 1, "failed" : 0, "polls" : 3, "requests" : 5, "skipped" : 0,
                "submitted" : 2
              },
              "credits_reserved" : 16,
              "ended_at_ms" : 1763723646120,
              "exit_code" : 0,
              "id" : "run-1",
              "outcome" : "completed",
              "started_at_ms" : 1763723346120
            }
          ]
        }

        """
}
