import Foundation
import Testing

@testable import SetlistCore

@Suite struct LedgerModelTests {
    static let provider = LedgerProvider(api: .evolink, baseURL: "https://api.evolink.ai")

    func planned(_ jobs: [(String, JobKind)] = [("song", .song)]) throws -> Ledger {
        var ledger = Ledger()
        try ledger.apply(.runStarted(run: "r1", at: 1_000, album: "Album", manifest: "a.yaml", provider: Self.provider))
        for (id, kind) in jobs { try ledger.apply(.jobPlanned(job: id, kind: kind, fingerprint: "fp-\(id)")) }
        return ledger
    }

    @Test func aSongGoesFromPendingToCompleted() throws {
        var ledger = try planned()
        #expect(ledger[job: "song"]?.state == .pending)
        #expect(ledger.album == "Album" && ledger.manifest == "a.yaml" && ledger.provider == Self.provider)

        try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k1", inputs: nil, at: 2_000))
        #expect(ledger[job: "song"]?.state == .submitting)
        #expect(ledger[job: "song"]?.unconfirmedAttempt?.idempotencyKey == "k1")

        try ledger.apply(.submitAccepted(job: "song", attempt: 1, taskID: "task-1", creditsReserved: 8, at: 2_500))
        #expect(ledger[job: "song"]?.state == .running)
        #expect(ledger[job: "song"]?.taskIDToPoll == "task-1")
        #expect(ledger[job: "song"]?.unconfirmedAttempt == nil)

        try ledger.apply(.taskProgress(job: "song", attempt: 1, status: .processing, progress: 55, at: 3_000))
        #expect(ledger[job: "song"]?.lastAttempt?.progress == 55)
        #expect(ledger[job: "song"]?.lastAttempt?.providerStatus == .processing)

        let results = [ResultRecord(TaskResult(resultID: "r-1", title: "One", duration: 120))]
        try ledger.apply(.taskCompleted(job: "song", attempt: 1, results: results, personaID: nil, at: 9_000))
        let job = try #require(ledger[job: "song"])
        #expect(job.state == .completed)
        #expect(job.results == results)
        #expect(job.taskIDToPoll == nil)
        #expect(job.completedAttempt?.taskID == "task-1")
        #expect(job.isCompleted(fingerprint: "fp-song"))
        #expect(!job.isCompleted(fingerprint: "other"))
        #expect(job.resumePoint == .completed(fingerprint: "fp-song"))
        let attempt = try #require(job.lastAttempt)
        #expect(attempt.submittedAtMs == 2_000 && attempt.acceptedAtMs == 2_500 && attempt.finishedAtMs == 9_000)
        #expect(attempt.outcome == .completed && attempt.creditsReserved == 8)

        let run = try #require(ledger.openRun)
        #expect(run.counts.submitted == 1 && run.counts.completed == 1 && run.creditsReserved == 8)
        #expect(ledger.sequence == 6)
    }

    @Test func aRetriedFailureKeepsEveryAttempt() throws {
        var ledger = try planned()
        let failure = RecordedError(TaskFailure(code: "service_error", message: "The service failed."))
        try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k1", inputs: nil, at: 1))
        try ledger.apply(.submitAccepted(job: "song", attempt: 1, taskID: "t1", creditsReserved: nil, at: 2))
        try ledger.apply(.taskFailed(job: "song", attempt: 1, error: failure, willRetry: true, at: 3))
        #expect(ledger[job: "song"]?.state == .pending)
        #expect(ledger[job: "song"]?.lastError == failure)
        #expect(ledger[job: "song"]?.nextAttemptNumber == 2)
        #expect(ledger[job: "song"]?.resumePoint == .ready)

        try ledger.apply(.submitIntent(job: "song", attempt: 2, idempotencyKey: "k2", inputs: nil, at: 4))
        try ledger.apply(.submitAccepted(job: "song", attempt: 2, taskID: "t2", creditsReserved: nil, at: 5))
        try ledger.apply(.taskFailed(job: "song", attempt: 2, error: failure, willRetry: false, at: 6))
        let job = try #require(ledger[job: "song"])
        #expect(job.state == .failed)
        #expect(job.attempts.map(\.outcome) == [.failed, .failed])
        #expect(job.attempts.map(\.taskID) == ["t1", "t2"])
        #expect(job.attemptCount(fingerprint: "fp-song") == 2)
        #expect(job.resumePoint == .failed)
        #expect(ledger.openRun?.counts.failed == 1)

        try ledger.apply(.jobRequeued(job: "song"))
        #expect(ledger[job: "song"]?.state == .pending && ledger[job: "song"]?.lastError == nil)
    }

    @Test func aRefusedSubmissionRecordsTheProviderError() throws {
        var ledger = try planned()
        let error = ProviderError(kind: .rejected, httpStatus: 400, code: "invalid_request", message: "Bad style.")
        try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k1", inputs: nil, at: 1))
        try ledger.apply(.submitFailed(job: "song", attempt: 1, error: RecordedError(error), willRetry: false, at: 2))
        let attempt = try #require(ledger[job: "song"]?.lastAttempt)
        #expect(attempt.outcome == .rejected && attempt.taskID == nil)
        #expect(
            attempt.error
                == RecordedError(
                    kind: .rejected, httpStatus: 400, code: "invalid_request",
                    message: "Bad style."))
        #expect(ledger[job: "song"]?.unconfirmedAttempt == nil, "a refused submission is not unconfirmed")
    }

    @Test func anIntentWithoutATaskIDBecomesUnknownAndCanBeResubmittedWithItsKey() throws {
        var ledger = try planned()
        try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k1", inputs: nil, at: 1))
        #expect(ledger.unconfirmedJobIDs == ["song"])
        guard case .unconfirmed(let attempt) = ledger[job: "song"]?.resumePoint else {
            Issue.record("an intent without a task id must be unconfirmed")
            return
        }
        #expect(attempt.idempotencyKey == "k1")

        try ledger.apply(.jobMarkedUnknown(job: "song", at: 5))
        #expect(ledger[job: "song"]?.state == .unknown)
        #expect(ledger[job: "song"]?.lastAttempt?.outcome == .unknown)

        #expect(throws: LedgerError.self) {
            try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "other", inputs: nil, at: 6))
        }
        try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k1", inputs: nil, at: 6))
        let job = try #require(ledger[job: "song"])
        #expect(job.attempts.count == 1)
        #expect(job.lastAttempt?.submissions == 2 && job.lastAttempt?.submittedAtMs == 6)
        #expect(job.state == .submitting)

        try ledger.apply(.submitAccepted(job: "song", attempt: 1, taskID: "t1", creditsReserved: 8, at: 7))
        #expect(ledger.unconfirmedJobIDs.isEmpty)
        #expect(ledger.inFlightJobIDs == ["song"])
        #expect(throws: LedgerError.self) { try ledger.apply(.jobMarkedUnknown(job: "song", at: 8)) }
        #expect(throws: LedgerError.self) {
            try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k1", inputs: nil, at: 9))
        }
    }

    @Test func aPersonaRecordsItsIDAndChainedInputs() throws {
        var ledger = try planned([("voice", .persona), ("ballad", .song)])
        let source = ChainedInputs(sourceTaskID: "task-src", sourceResultID: "res-1")
        try ledger.apply(.submitIntent(job: "voice", attempt: 1, idempotencyKey: "k", inputs: source, at: 1))
        try ledger.apply(.submitAccepted(job: "voice", attempt: 1, taskID: "t-p", creditsReserved: 1, at: 2))
        try ledger.apply(.taskCompleted(job: "voice", attempt: 1, results: [], personaID: "persona-9", at: 3))
        #expect(ledger[job: "voice"]?.personaID == "persona-9")
        #expect(ledger[job: "voice"]?.chainedInputs == source)

        let used = ChainedInputs(personaID: "persona-9", personaModel: .voicePersona)
        try ledger.apply(.submitIntent(job: "ballad", attempt: 1, idempotencyKey: "k", inputs: used, at: 4))
        #expect(ledger[job: "ballad"]?.chainedInputs == used)
    }

    @Test func aNewFingerprintResetsTheJobButKeepsItsHistory() throws {
        var ledger = try planned()
        try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k1", inputs: nil, at: 1))
        try ledger.apply(.submitAccepted(job: "song", attempt: 1, taskID: "t1", creditsReserved: 8, at: 2))
        try ledger.apply(
            .taskCompleted(job: "song", attempt: 1, results: [ResultRecord(resultID: "r")], personaID: nil, at: 3)
        )
        let completed = try #require(ledger[job: "song"])

        try ledger.apply(.jobPlanned(job: "song", kind: .song, fingerprint: "fp-song"))
        #expect(ledger[job: "song"] == completed, "the same fingerprint leaves the job alone")

        try ledger.apply(.jobPlanned(job: "song", kind: .song, fingerprint: "fp-edited"))
        let job = try #require(ledger[job: "song"])
        #expect(job.state == .pending && job.fingerprint == "fp-edited")
        #expect(job.attempts == completed.attempts, "the paid generation keeps its takes")
        #expect(job.generations.map(\.results) == [[ResultRecord(resultID: "r")]])
        #expect(job.attemptCount(fingerprint: "fp-edited") == 0)
        #expect(job.nextAttemptNumber == 2)
        #expect(job.resumePoint == .ready)

        #expect {
            try ledger.apply(.jobPlanned(job: "song", kind: .persona, fingerprint: "x"))
        } throws: { error in
            "\(error)".contains("recorded as a song but was planned as a persona")
        }
    }

    @Test func aNewAttemptWaitsForTheLatestOne() throws {
        var ledger = try planned()
        try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k1", inputs: nil, at: 1))
        #expect(throws: LedgerError.self) {
            try ledger.apply(.submitIntent(job: "song", attempt: 2, idempotencyKey: "k2", inputs: nil, at: 2))
        }
        try ledger.apply(.submitAccepted(job: "song", attempt: 1, taskID: "t1", creditsReserved: nil, at: 3))
        #expect {
            try ledger.apply(.submitIntent(job: "song", attempt: 2, idempotencyKey: "k2", inputs: nil, at: 4))
        } throws: { error in
            "\(error)".contains("still has the task 't1' in flight")
        }
    }

    @Test func aNewFingerprintSupersedesAnAttemptInFlight() throws {
        var ledger = try planned()
        try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k1", inputs: nil, at: 1))
        try ledger.apply(.submitAccepted(job: "song", attempt: 1, taskID: "t1", creditsReserved: nil, at: 2))
        try ledger.apply(.jobPlanned(job: "song", kind: .song, fingerprint: "fp-edited"))
        let job = try #require(ledger[job: "song"])
        #expect(job.lastAttempt?.outcome == .superseded)
        #expect(job.taskIDToPoll == nil && job.unconfirmedAttempt == nil)
        try ledger.apply(.submitIntent(job: "song", attempt: 2, idempotencyKey: "k2", inputs: nil, at: 3))
        #expect(ledger[job: "song"]?.attemptCount(fingerprint: "fp-edited") == 1)
    }

    @Test func downloadsReplaceTheFileOfTheSameKind() throws {
        var ledger = try planned()
        try ledger.apply(.submitIntent(job: "song", attempt: 1, idempotencyKey: "k", inputs: nil, at: 1))
        try ledger.apply(.submitAccepted(job: "song", attempt: 1, taskID: "t", creditsReserved: nil, at: 2))
        try ledger.apply(
            .taskCompleted(job: "song", attempt: 1, results: [ResultRecord(resultID: "r")], personaID: nil, at: 3)
        )
        let cover = DownloadedFile(kind: .cover, path: "c.jpg", sha256: "1", bytes: 10)
        let audio = DownloadedFile(kind: .audio, path: "a.mp3", sha256: "2", bytes: 20)
        let audioAgain = DownloadedFile(kind: .audio, path: "a.mp3", sha256: "3", bytes: 30)
        try ledger.apply(.downloadRecorded(job: "song", take: nil, resultID: "r", file: cover))
        try ledger.apply(.downloadRecorded(job: "song", take: nil, resultID: "r", file: audio))
        try ledger.apply(.downloadRecorded(job: "song", take: nil, resultID: "r", file: audioAgain))
        #expect(ledger[job: "song"]?.results.first?.files == [audioAgain, cover])
        #expect(ledger[job: "song"]?.results.first?.file(.audio) == audioAgain)
        #expect(throws: LedgerError.self) {
            try ledger.apply(.downloadRecorded(job: "song", take: nil, resultID: "missing", file: audio))
        }
    }

    @Test func eventsThatDoNotFitChangeNothing() throws {
        var ledger = try planned()
        let before = ledger
        let misfits: [LedgerEvent] = [
            .jobRequeued(job: "ghost"),
            .submitAccepted(job: "song", attempt: 1, taskID: "t", creditsReserved: nil, at: 1),
            .taskProgress(job: "song", attempt: 1, status: .pending, progress: nil, at: 1),
            .jobMarkedUnknown(job: "song", at: 1),
            .runStarted(run: "r1", at: 1, album: "A", manifest: "m", provider: Self.provider),
            .runFinished(run: "r0", at: 1, outcome: .completed, exitCode: 0, skipped: 0, polls: 0, requests: 0),
        ]
        for event in misfits {
            #expect(throws: LedgerError.self) { try ledger.apply(event) }
        }
        #expect(ledger == before)
        #expect(
            LedgerError.unknownJob(job: "ghost", event: "job_requeued").description
                == "A 'job_requeued' event names the job 'ghost', which the ledger has never planned; "
                + "plan a job (job_planned) before recording anything about it."
        )
    }

    @Test func aRunRecordsItsEnd() throws {
        var ledger = try planned([("a", .song), ("b", .song)])
        try ledger.apply(.jobBlocked(job: "b", by: "a", at: 2))
        #expect(ledger[job: "b"]?.state == .blocked && ledger[job: "b"]?.blockedBy == "a")
        try ledger.apply(
            .runFinished(run: "r1", at: 5_000, outcome: .jobsFailed, exitCode: 1, skipped: 3, polls: 7, requests: 9)
        )
        #expect(ledger.openRun == nil)
        let run = try #require(ledger.runs.last)
        #expect(run.endedAtMs == 5_000 && run.outcome == .jobsFailed && run.exitCode == 1)
        #expect(run.counts == RunCounts(blocked: 1, skipped: 3, polls: 7, requests: 9))
        try ledger.apply(.jobRequeued(job: "b"))
        #expect(ledger.runs.last?.counts.blocked == 1, "events outside a run count nowhere")
    }
}

@Suite struct LedgerCodingTests {
    static let every: [LedgerEvent] = [
        .runStarted(
            run: "r", at: 1, album: "A", manifest: "m.yaml",
            provider: LedgerProvider(api: .sunoProxy, baseURL: "http://127.0.0.1:9000")),
        .runFinished(run: "r", at: 2, outcome: .deadlineReached, exitCode: 75, skipped: 1, polls: 2, requests: 3),
        .jobPlanned(job: "j", kind: .persona, fingerprint: "f"),
        .jobRequeued(job: "j"),
        .submitIntent(
            job: "j", attempt: 1, idempotencyKey: "k",
            inputs: ChainedInputs(personaID: "p", personaModel: .stylePersona, artistClipID: "c"), at: 3),
        .submitIntent(job: "j", attempt: 2, idempotencyKey: "k2", inputs: nil, at: 3),
        .submitAccepted(job: "j", attempt: 1, taskID: "t", creditsReserved: 8.5, at: 4),
        .submitAccepted(job: "j", attempt: 1, taskID: "t", creditsReserved: nil, at: 4),
        .submitFailed(
            job: "j", attempt: 1, error: RecordedError(kind: .quota, httpStatus: 402, message: "No credits."),
            willRetry: false, at: 5),
        .taskProgress(job: "j", attempt: 1, status: .cancelled, progress: nil, at: 6),
        .taskCompleted(
            job: "j", attempt: 1,
            results: [
                ResultRecord(
                    resultID: "r", title: "T", duration: 1.5, tags: "x",
                    audioURL: "https://a/b",
                    files: [DownloadedFile(kind: .audio, path: "p", sha256: "s", bytes: 3)])
            ],
            personaID: "p", at: 7),
        .taskFailed(
            job: "j", attempt: 1, error: RecordedError(code: "generation_timeout", message: "Slow."),
            willRetry: true, at: 8),
        .jobBlocked(job: "j", by: "i", at: 9),
        .jobMarkedUnknown(job: "j", at: 10),
        .downloadRecorded(
            job: "j", take: nil, resultID: "r",
            file: DownloadedFile(kind: .cover, path: "c", sha256: "s", bytes: 1)),
    ]

    @Test(arguments: every)
    func everyEventSurvivesAJournalLine(event: LedgerEvent) throws {
        let coder = LedgerCoder()
        let line = try coder.line(LedgerJournalEntry(sequence: 12, event: event))
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.contains("\"type\":\"\(event.typeName)\""))
        #expect(text.contains("\"seq\":12"))
        let decoded = try coder.entry(fromLine: line.dropLast())
        #expect(decoded == LedgerJournalEntry(sequence: 12, event: event))
        #expect(try JSONDecoder().decode(LedgerEvent.self, from: JSONEncoder().encode(event)) == event)
    }

    @Test func anUnknownEventTypeIsRejected() {
        #expect(throws: DecodingError.self) {
            try LedgerCoder().entry(fromLine: Array(#"{"seq":1,"type":"job_teleported","job":"a"}"#.utf8)[...])
        }
    }

    @Test func theSnapshotIsPrettySortedAndStable() throws {
        var ledger = Ledger()
        try ledger.apply(
            .runStarted(
                run: "r1", at: 10, album: "A", manifest: "a.yaml",
                provider: LedgerProvider(api: .evolink, baseURL: "https://api.evolink.ai")))
        try ledger.apply(.jobPlanned(job: "b-song", kind: .song, fingerprint: "f2"))
        try ledger.apply(.jobPlanned(job: "a-song", kind: .song, fingerprint: "f1"))
        let coder = LedgerCoder()
        let bytes = try coder.snapshot(ledger)
        #expect(try coder.snapshot(ledger) == bytes)
        #expect(try coder.snapshot(coder.ledger(fromSnapshot: bytes)) == bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == ["album", "format", "jobs", "journal_sequence", "manifest", "provider", "runs"])
        #expect(text.range(of: "\"a-song\"")!.lowerBound < text.range(of: "\"b-song\"")!.lowerBound)
        #expect(text.contains("https://api.evolink.ai"), "slashes are not escaped")
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\"attempts\" : [],\n"), "empty arrays are written []")
        let empty = String(decoding: try coder.snapshot(Ledger()), as: UTF8.self)
        #expect(empty.contains("\"jobs\" : {},\n") && empty.contains("\"runs\" : []\n"))
        #expect(try coder.ledger(fromSnapshot: Array(empty.utf8)) == Ledger())
    }

    @Test func aNewerFormatIsRefusedWithAClearMessage() {
        let bytes = Array(#"{"format":3,"journal_sequence":0,"jobs":{},"runs":[]}"#.utf8)
        #expect {
            try LedgerCoder().ledger(fromSnapshot: bytes)
        } throws: { error in
            "\(error)".contains("The ledger has format 3, which a newer version of setlist wrote")
                && "\(error)".contains("the ledger was left as it is")
        }
    }

    /// The model has no field that could hold a credential: the only "key" anywhere is the idempotency key.
    @Test func noRecordHasAFieldForAnAPIKey() {
        let samples: [Any] = [
            Ledger(),
            LedgerProvider(api: .evolink, baseURL: ""),
            JobRecord(kind: .song, fingerprint: ""),
            AttemptRecord(number: 1, fingerprint: "", idempotencyKey: "", submittedAtMs: 0),
            ResultRecord(resultID: ""),
            RunRecord(id: "", startedAtMs: 0),
            RecordedError(message: ""),
            ChainedInputs(),
            DownloadedFile(kind: .audio, path: "", sha256: "", bytes: 0),
        ]
        for sample in samples {
            for label in Mirror(reflecting: sample).children.compactMap(\.label) {
                let lowered = label.lowercased()
                let suspicious = ["key", "token", "auth", "secret", "password", "bearer"].contains {
                    lowered.contains($0)
                }
                #expect(!suspicious || label == "idempotencyKey", "\(type(of: sample)).\(label)")
            }
        }
    }

    @Test func timesFormatAsISO8601() {
        #expect(LedgerTime.iso8601(unixMilliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(LedgerTime.iso8601(unixMilliseconds: 1_763_723_346_120) == "2025-11-21T11:09:06.120Z")
        #expect(LedgerTime.iso8601(unixMilliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(LedgerTime.iso8601(unixMilliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func theSchemaTextEqualsTheSchemaFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try Data(contentsOf: root.appendingPathComponent("schemas/ledger.schema.json"))
        #expect(Array(LedgerSchema.json.utf8) == [UInt8](file))
    }

    /// Each object's keys, as its `CodingKeys` spell them for the JSON writer and the decoder, are the properties
    /// the schema lists for it; a job's `results` is read from format 1 ledgers only.
    @Test func theSchemaListsTheKeysTheLedgerWrites() throws {
        let schema = try #require(
            try JSONSerialization.jsonObject(with: Data(LedgerSchema.json.utf8)) as? [String: Any]
        )
        func properties(_ path: String...) -> Set<String> {
            var node: Any? = schema
            for step in path { node = (node as? [String: Any])?[step] }
            return Set(((node as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        }
        func keys<Key: CodingKey & CaseIterable>(_: Key.Type) -> Set<String> {
            Set(Key.allCases.map(\.stringValue))
        }
        #expect(properties() == keys(Ledger.CodingKeys.self))
        #expect(properties("$defs", "job") == keys(JobRecord.CodingKeys.self).subtracting(["results"]))
        #expect(properties("$defs", "attempt") == keys(AttemptRecord.CodingKeys.self))
        #expect(properties("$defs", "result") == keys(ResultRecord.CodingKeys.self))
        #expect(properties("$defs", "file") == keys(DownloadedFile.CodingKeys.self))
        #expect(properties("$defs", "error") == keys(RecordedError.CodingKeys.self))
        #expect(properties("$defs", "chained_inputs") == keys(ChainedInputs.CodingKeys.self))
        #expect(properties("$defs", "provider") == keys(LedgerProvider.CodingKeys.self))
        #expect(properties("$defs", "take_ref") == keys(TakeRef.LedgerKeys.self))
        #expect(properties("$defs", "run") == keys(RunRecord.CodingKeys.self))
        #expect(properties("$defs", "run", "properties", "counts") == keys(RunCounts.CodingKeys.self))
    }
}
