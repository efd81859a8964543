import Foundation
import Testing

@testable import SetlistCore

/// Format 2 (DESIGN §3): every generation keeps its takes, and a format 1 ledger is read without losing anything.
struct LedgerFormatTwoTests {
    private static let formatOneSnapshot = #"""
        {
          "album" : "Fixture",
          "format" : 1,
          "jobs" : {
            "song" : {
              "attempts" : [
                {"fingerprint" : "f", "idempotency_key" : "k1", "number" : 1, "outcome" : "completed",
                 "submissions" : 1, "submitted_at_ms" : 1, "task_id" : "t1"},
                {"fingerprint" : "f", "idempotency_key" : "k2", "number" : 2, "outcome" : "failed",
                 "submissions" : 1, "submitted_at_ms" : 2, "task_id" : "t2"},
                {"fingerprint" : "f", "idempotency_key" : "k3", "number" : 3, "outcome" : "completed",
                 "submissions" : 1, "submitted_at_ms" : 3, "task_id" : "t3"}
              ],
              "fingerprint" : "f", "kind" : "song", "state" : "completed",
              "results" : [
                {"files" : [{"bytes" : 3, "kind" : "audio", "path" : "out/a/01-song-1.mp3", "sha256" : "aa"}],
                 "result_id" : "r3a"},
                {"files" : [], "result_id" : "r3b"}
              ]
            },
            "voice" : {
              "attempts" : [
                {"fingerprint" : "g", "idempotency_key" : "k", "number" : 1, "outcome" : "completed",
                 "submissions" : 1, "submitted_at_ms" : 4, "task_id" : "t4"}
              ],
              "chained_inputs" : {"source_result_id" : "r3a", "source_task_id" : "t3"},
              "fingerprint" : "g", "kind" : "persona", "persona_id" : "p1", "results" : [], "state" : "completed"
            }
          },
          "journal_sequence" : 9,
          "runs" : [{"counts" : {"blocked" : 0, "completed" : 2, "failed" : 0, "polls" : 1, "requests" : 3,
                     "skipped" : 0, "submitted" : 2}, "credits_reserved" : 8, "id" : "run-1",
                     "started_at_ms" : 1}]
        }
        """#

    @Test func aFormatOneSnapshotMovesItsTakesIntoTheirGeneration() throws {
        let ledger = try LedgerCoder().ledger(fromSnapshot: Array(Self.formatOneSnapshot.utf8))
        let song = try #require(ledger[job: "song"])
        #expect(song.generations.map(\.number) == [1, 3])
        #expect(song.generations.map(\.generation) == [1, 2])
        #expect(song.generations[0].results.isEmpty, "format 1 had already dropped the first generation's takes")
        #expect(song.generations[1].results.map(\.resultID) == ["r3a", "r3b"])
        #expect(song.results.first?.file(.audio)?.path == "out/a/01-song-1.mp3", "files are adopted where they are")
        #expect(ledger[job: "voice"]?.generations.first?.personaID == "p1")
        #expect(ledger[job: "voice"]?.personaID == "p1")

        let written = String(decoding: try LedgerCoder().snapshot(ledger), as: UTF8.self)
        #expect(written.contains("\"format\" : 2,"))
        let reread = try LedgerCoder().ledger(fromSnapshot: Array(written.utf8))
        #expect(reread == ledger, "the migrated ledger round-trips in format 2")
    }

    @Test func aFormatOneJournalNamesATakeByItsResultID() throws {
        var ledger = try LedgerCoder().ledger(fromSnapshot: Array(Self.formatOneSnapshot.utf8))
        let line =
            #"{"file":{"bytes":5,"kind":"cover","path":"out/a/01-song-2.png","sha256":"bb"},"job":"song","#
            + #""result_id":"r3b","seq":10,"type":"download_recorded"}"#
        let entry = try LedgerCoder().entry(fromLine: Array(line.utf8)[...])
        try ledger.apply(entry.event)
        #expect(ledger[job: "song"]?.generations[1].results[1].file(.cover)?.path == "out/a/01-song-2.png")
    }

    @Test func everyGenerationKeepsItsTakesAndDownloadsNameTheirTake() throws {
        var ledger = Ledger()
        try ledger.apply(.jobPlanned(job: "song", kind: .song, fingerprint: "f"))
        for attempt in 1...2 {
            if attempt == 2 { try ledger.apply(.jobRequeued(job: "song")) }
            try ledger.apply(.submitIntent(job: "song", attempt: attempt, idempotencyKey: "k", inputs: nil, at: 1))
            try ledger.apply(
                .submitAccepted(job: "song", attempt: attempt, taskID: "t\(attempt)", creditsReserved: 8, at: 2))
            try ledger.apply(
                .taskCompleted(
                    job: "song", attempt: attempt,
                    results: [ResultRecord(resultID: "g\(attempt)a"), ResultRecord(resultID: nil)], personaID: nil,
                    at: 3))
        }
        let file = DownloadedFile(kind: .audio, path: "takes/01-song/g1-t2.mp3", sha256: "cc", bytes: 7)
        try ledger.apply(
            .downloadRecorded(job: "song", take: TakeRef(generation: 1, take: 2), resultID: nil, file: file))
        let record = try #require(ledger[job: "song"])
        #expect(record.generations.map { $0.results.map(\.resultID) } == [["g1a", nil], ["g2a", nil]])
        #expect(record.generations[0].results[1].files == [file])
        #expect(record.results.map(\.resultID) == ["g2a", nil], "results are the newest generation's takes")
        #expect(throws: LedgerError.unknownTake(job: "song", take: TakeRef(generation: 3, take: 1))) {
            try ledger.apply(.takePicked(job: "song", pick: TakeRef(generation: 3, take: 1)))
        }
        try ledger.apply(.takePicked(job: "song", pick: TakeRef(generation: 1, take: 2)))
        #expect(ledger[job: "song"]?.pick == TakeRef(generation: 1, take: 2))
        #expect(
            ledger[job: "song"]?.take(.pinned(TakeRef(generation: 1, take: 2))).map(\.attempt.taskID) == .success("t1"))
    }

    @Test func aRequestThatCannotBeBuiltFailsTheJobWithoutAnAttempt() throws {
        var ledger = Ledger()
        let provider = LedgerProvider(api: .evolink, baseURL: "https://api.evolink.ai")
        try ledger.apply(
            .runStarted(
                run: "r", at: 1, album: "A", manifest: "a.yaml", provider: provider, setlistVersion: "0.3.0"))
        try ledger.apply(.jobPlanned(job: "voice", kind: .persona, fingerprint: "f"))
        let error = RecordedError(code: "request_not_built", message: "Persona 'voice' cannot be derived.")
        try ledger.apply(.jobFailed(job: "voice", error: error, at: 2))
        #expect(ledger[job: "voice"]?.state == .failed)
        #expect(ledger[job: "voice"]?.lastError == error)
        #expect(ledger[job: "voice"]?.attempts.isEmpty == true, "nothing was sent, so nothing was paid")
        #expect(ledger.runs.last?.counts.failed == 1)
        #expect(ledger.runs.last?.setlistVersion == "0.3.0")
    }

    @Test func newEventsRoundTripThroughTheJournal() throws {
        let events: [LedgerEvent] = [
            .takePicked(job: "s", pick: TakeRef(generation: 2, take: 1)),
            .jobFailed(job: "s", error: RecordedError(code: "request_not_built", message: "m"), at: 5),
            .downloadRecorded(
                job: "s", take: TakeRef(generation: 1, take: 2), resultID: nil,
                file: DownloadedFile(kind: .audio, path: "p", sha256: "h", bytes: 1)),
            .runStarted(
                run: "r", at: 1, album: "A", manifest: "m", provider: LedgerProvider(api: .sunoProxy, baseURL: "u"),
                setlistVersion: "0.3.0"),
        ]
        let coder = LedgerCoder()
        for (sequence, event) in events.enumerated() {
            let entry = LedgerJournalEntry(sequence: sequence + 1, event: event)
            let line = try coder.line(entry)
            #expect(try coder.entry(fromLine: line.dropLast()) == entry)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            #expect(Array(try encoder.encode(entry)) + [UInt8(ascii: "\n")] == line, "the hand writer matches Codable")
        }
    }
}
