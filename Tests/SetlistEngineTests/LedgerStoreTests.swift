import Foundation
import SetlistCore
import SetlistEngine
import Testing

@Suite struct LedgerStoreTests {
    @Test func missingFilesGiveAnEmptyLedger() throws {
        let scratch = try ScratchDirectory()
        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == Ledger())
        #expect(loaded.warnings.isEmpty)
        #expect(scratch.files().isEmpty, "load must not create files")
    }

    @Test func replayingTheJournalEqualsFoldingInMemory() throws {
        let scratch = try ScratchDirectory()
        let events = LedgerFixture.albumRun()
        let store = try LedgerStore(path: scratch.ledgerPath)
        for event in events { try store.append(event) }
        let expected = try LedgerFixture.fold(events)
        #expect(store.ledger == expected)

        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == expected)
        #expect(loaded.replayedEvents == events.count)
        #expect(loaded.warnings.isEmpty)
        #expect(scratch.read(scratch.ledgerPath) == nil, "appends never write the snapshot")
    }

    @Test func journalLinesAreCompactSortedAndNumbered() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        try store.append(.jobPlanned(job: "open-road", kind: .song, fingerprint: "abc"))
        try store.append(.submitIntent(job: "open-road", attempt: 1, idempotencyKey: "k-1", inputs: nil, at: 42))
        let text = String(decoding: scratch.read(store.journalPath)!, as: UTF8.self)
        #expect(
            text == """
                {"fingerprint":"abc","job":"open-road","kind":"song","seq":1,"type":"job_planned"}
                {"at_ms":42,"attempt":1,"idempotency_key":"k-1","job":"open-road","seq":2,"type":"submit_intent"}

                """
        )
    }

    @Test func aTornLastLineIsIgnoredWithAWarningAndCutOff() throws {
        let scratch = try ScratchDirectory()
        let events = Array(LedgerFixture.albumRun().prefix(8))
        do {
            let store = try LedgerStore(path: scratch.ledgerPath)
            for event in events { try store.append(event) }
        }
        let journalPath = LedgerStore.journalPath(for: scratch.ledgerPath)
        let intact = scratch.read(journalPath)!
        scratch.write(journalPath, intact + Array(#"{"at_ms":1,"attempt":1,"job":"open-ro"#.utf8))

        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == (try LedgerFixture.fold(events)))
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.contains("last line (9)") == true)
        #expect(loaded.journalValidBytes == intact.count)

        let store = try LedgerStore(path: scratch.ledgerPath)
        #expect(store.openWarnings == loaded.warnings)
        #expect(scratch.read(journalPath) == intact, "opening for a run cuts the torn line off")
        try store.append(LedgerFixture.albumRun()[8])
        store.close()
        let reloaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(reloaded.warnings.isEmpty)
        #expect(reloaded.ledger == (try LedgerFixture.fold(Array(LedgerFixture.albumRun().prefix(9)))))
    }

    @Test func anUndecodableLastLineEndingInANewlineIsAlsoTorn() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        try store.append(.jobPlanned(job: "a", kind: .song, fingerprint: "f"))
        store.close()
        let journalPath = store.journalPath
        scratch.write(journalPath, scratch.read(journalPath)! + [0, 0, 0, 0, UInt8(ascii: "\n")])
        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger[job: "a"] != nil)
        #expect(loaded.warnings.count == 1)
    }

    @Test func aLastLineFromANewerVersionIsRefusedAndLeftInPlace() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        try store.append(.jobPlanned(job: "a", kind: .song, fingerprint: "f"))
        store.close()
        let journalPath = store.journalPath
        let journal = scratch.read(journalPath)! + Array(#"{"job":"a","seq":2,"type":"song_mastered"}"#.utf8) + [10]
        scratch.write(journalPath, journal)
        #expect {
            _ = try LedgerStore(path: scratch.ledgerPath)
        } throws: { error in
            "\(error)".contains("was written by a newer version of setlist")
                && "\(error)".contains("'song_mastered'") && "\(error)".contains("left exactly as it is")
        }
        #expect(scratch.read(journalPath) == journal, "the newer event is not cut off")
    }

    @Test func aSnapshotFromANewerVersionIsRefusedAndLeftInPlace() throws {
        let scratch = try ScratchDirectory()
        let snapshot = Array(#"{"format":3,"journal_sequence":0,"jobs":{},"runs":[]}"#.utf8) + [10]
        scratch.write(scratch.ledgerPath, snapshot)
        #expect {
            _ = try LedgerStore(path: scratch.ledgerPath)
        } throws: { error in
            guard let error = error as? LedgerStoreError, case .newerFormat = error else { return false }
            return "\(error)".contains("format 3")
        }
        #expect(scratch.read(scratch.ledgerPath) == snapshot)
    }

    @Test func corruptionInTheMiddleIsAnErrorWithTheLineNumber() throws {
        let scratch = try ScratchDirectory()
        do {
            let store = try LedgerStore(path: scratch.ledgerPath)
            for event in LedgerFixture.albumRun().prefix(5) { try store.append(event) }
        }
        let journalPath = LedgerStore.journalPath(for: scratch.ledgerPath)
        var lines = String(decoding: scratch.read(journalPath)!, as: UTF8.self).split(separator: "\n")
        lines[2] = #"{"seq":3,"type":"job_planned","job":"road-voice""#
        scratch.write(journalPath, Array((lines.joined(separator: "\n") + "\n").utf8))

        #expect {
            try LedgerStore.load(path: scratch.ledgerPath)
        } throws: { error in
            guard case .corruptJournalLine(let path, let line, _) = error as? LedgerStoreError else { return false }
            return path == journalPath && line == 3 && "\(error)".hasPrefix("Line 3 of the ledger journal")
        }
        #expect(throws: LedgerStoreError.self) { try LedgerStore(path: scratch.ledgerPath) }
    }

    @Test func anEventThatDoesNotFitIsReportedWithItsLine() throws {
        let scratch = try ScratchDirectory()
        let coder = LedgerCoder()
        let line = try coder.line(LedgerJournalEntry(sequence: 1, event: .jobRequeued(job: "ghost")))
        scratch.write(LedgerStore.journalPath(for: scratch.ledgerPath), line + line)
        #expect {
            try LedgerStore.load(path: scratch.ledgerPath)
        } throws: { error in
            guard case .invalidEvent(_, let line, .unknownJob(let job, _)) = error as? LedgerStoreError else {
                return false
            }
            return line == 1 && job == "ghost"
        }
    }

    @Test func compactionWritesTheSnapshotAndEmptiesTheJournal() throws {
        let scratch = try ScratchDirectory()
        let events = LedgerFixture.albumRun()
        let store = try LedgerStore(path: scratch.ledgerPath)
        for event in events { try store.append(event) }
        #expect(store.eventsSinceCompaction == events.count)
        try store.compact()
        #expect(store.journalBytes == 0)
        #expect(store.eventsSinceCompaction == 0)
        #expect(scratch.read(store.journalPath) == [])
        #expect(scratch.files() == ["album.ledger.json", "album.ledger.json.journal"], "no temp file is left")

        let expected = try LedgerFixture.fold(events)
        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == expected)
        #expect(loaded.replayedEvents == 0)
        #expect(scratch.read(scratch.ledgerPath) == (try LedgerCoder().snapshot(expected)))

        let more = LedgerEvent.taskCompleted(job: "homecoming", attempt: 1, results: [], personaID: nil, at: 1)
        try store.append(more)
        store.close()
        var folded = expected
        try folded.apply(more)
        #expect((try LedgerStore.load(path: scratch.ledgerPath)).ledger == folded)
    }

    @Test func aCrashBeforeCompactionLosesNothing() throws {
        let scratch = try ScratchDirectory()
        let events = LedgerFixture.albumRun()
        let first = try LedgerStore(path: scratch.ledgerPath)
        for event in events.prefix(10) { try first.append(event) }
        try first.compact()
        for event in events.dropFirst(10) { try first.append(event) }
        let reopened = try LedgerStore(path: scratch.ledgerPath)
        #expect(reopened.ledger == (try LedgerFixture.fold(events)))
        #expect(reopened.openWarnings.isEmpty)
    }

    @Test func aCrashAfterTheSnapshotRenameBeforeTheJournalResetReplaysNothingTwice() throws {
        let scratch = try ScratchDirectory()
        let events = LedgerFixture.albumRun()
        let store = try LedgerStore(path: scratch.ledgerPath)
        for event in events.prefix(12) { try store.append(event) }
        let journalBeforeCompaction = scratch.read(store.journalPath)!
        try store.compact()
        store.close()
        scratch.write(store.journalPath, journalBeforeCompaction)

        let expected = try LedgerFixture.fold(Array(events.prefix(12)))
        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == expected)
        #expect(loaded.replayedEvents == 0)

        let resumed = try LedgerStore(path: scratch.ledgerPath)
        for event in events.dropFirst(12) { try resumed.append(event) }
        resumed.close()
        #expect((try LedgerStore.load(path: scratch.ledgerPath)).ledger == (try LedgerFixture.fold(events)))
    }

    @Test func aJournalThatSkipsEventsIsAnError() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        try store.append(.jobPlanned(job: "a", kind: .song, fingerprint: "f"))
        try store.compact()
        store.close()
        let line = try LedgerCoder().line(LedgerJournalEntry(sequence: 5, event: .jobRequeued(job: "a")))
        scratch.write(store.journalPath, line)
        #expect {
            try LedgerStore.load(path: scratch.ledgerPath)
        } throws: { error in
            guard case .journalGap(_, let line, let expected, let found) = error as? LedgerStoreError else {
                return false
            }
            return line == 1 && expected == 2 && found == 5
        }
    }

    @Test func aLeftoverTempFileNeverStandsInForTheSnapshot() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        try store.append(.jobPlanned(job: "a", kind: .song, fingerprint: "f"))
        try store.compact()
        scratch.write(scratch.ledgerPath + ".tmp", Array(#"{"format":1,"jobs":{"#.utf8))
        #expect((try LedgerStore.load(path: scratch.ledgerPath)).ledger[job: "a"] != nil)
        try store.append(.jobPlanned(job: "b", kind: .persona, fingerprint: "g"))
        try store.compact()
        #expect(!scratch.files().contains("album.ledger.json.tmp"))
        #expect((try LedgerStore.load(path: scratch.ledgerPath)).ledger.jobs.count == 2)
    }

    @Test func aFailedSnapshotWriteKeepsTheOldSnapshotAndTheJournal() throws {
        let scratch = try ScratchDirectory()
        let fileSystem = InstrumentedFileSystem()
        let store = try LedgerStore(path: scratch.ledgerPath, fileSystem: fileSystem)
        let events = LedgerFixture.albumRun()
        for event in events.prefix(6) { try store.append(event) }
        try store.compact()
        for event in events.dropFirst(6) { try store.append(event) }
        fileSystem.record.withLock { $0.failReplace = ENOSPC }
        #expect {
            try store.compact()
        } throws: { error in
            "\(error)".contains("No space left on device") && "\(error)".contains("album.ledger.json.tmp")
        }
        #expect((try LedgerStore.load(path: scratch.ledgerPath)).ledger == (try LedgerFixture.fold(events)))
        fileSystem.record.withLock { $0.failReplace = nil }
        try store.compact()
        #expect((try LedgerStore.load(path: scratch.ledgerPath)).replayedEvents == 0)
    }

    @Test func aFailedAppendThrowsStopsTheStoreAndLeavesALoadableLedger() throws {
        let scratch = try ScratchDirectory()
        let fileSystem = InstrumentedFileSystem()
        let store = try LedgerStore(path: scratch.ledgerPath, fileSystem: fileSystem)
        let events = LedgerFixture.albumRun()
        for event in events.prefix(5) { try store.append(event) }
        let before = store.ledger
        fileSystem.record.withLock { $0.failAppend = (ENOSPC, 17) }

        #expect {
            try store.append(events[5])
        } throws: { error in
            guard case .io(_, let path, let code) = error as? LedgerStoreError else { return false }
            return path == store.journalPath && code == ENOSPC
                && "\(error)".hasPrefix("Could not append to '\(store.journalPath)': No space left on device")
        }
        #expect(store.ledger == before, "a failed append changes nothing in memory")
        #expect {
            try store.append(events[5])
        } throws: { error in
            guard case .stopped = error as? LedgerStoreError else { return false }
            return "\(error)".contains("accepts no more events")
        }
        #expect(throws: LedgerStoreError.self) { try store.compact() }

        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == before)
        #expect(loaded.warnings.isEmpty, "the partial line was cut off")
    }

    @Test func aPartialLineThatCannotBeCutOffIsTornOnTheNextLoad() throws {
        let scratch = try ScratchDirectory()
        let fileSystem = InstrumentedFileSystem()
        let store = try LedgerStore(path: scratch.ledgerPath, fileSystem: fileSystem)
        let events = LedgerFixture.albumRun()
        for event in events.prefix(5) { try store.append(event) }
        fileSystem.record.withLock {
            $0.failAppend = (EIO, 30)
            $0.failTruncate = EIO
        }
        #expect(throws: LedgerStoreError.self) { try store.append(events[5]) }
        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == (try LedgerFixture.fold(Array(events.prefix(5)))))
        #expect(loaded.warnings.count == 1)
    }

    @Test func aFailedSyncStopsTheStore() throws {
        let scratch = try ScratchDirectory()
        let fileSystem = InstrumentedFileSystem()
        let store = try LedgerStore(path: scratch.ledgerPath, fileSystem: fileSystem)
        try store.append(.jobPlanned(job: "a", kind: .song, fingerprint: "f"))
        fileSystem.record.withLock { $0.failSync = EIO }
        #expect(throws: LedgerStoreError.self) {
            try store.append(.submitIntent(job: "a", attempt: 1, idempotencyKey: "k", inputs: nil, at: 1))
        }
        #expect(store.job("a")?.attempts.isEmpty == true, "an intent that is not durable is not applied")
        fileSystem.record.withLock { $0.failSync = nil }
        #expect(throws: LedgerStoreError.self) { try store.append(.jobRequeued(job: "a")) }
    }

    @Test func anInvalidEventIsRefusedWithoutWritingAnything() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        try store.append(.jobPlanned(job: "a", kind: .song, fingerprint: "f"))
        let bytes = store.journalBytes
        #expect {
            try store.append(.submitAccepted(job: "a", attempt: 1, taskID: "t", creditsReserved: nil, at: 1))
        } throws: { error in
            guard case .invalidEvent(_, nil, .notLatestAttempt) = error as? LedgerStoreError else { return false }
            return true
        }
        #expect(store.journalBytes == bytes)
        try store.append(.jobRequeued(job: "a"))
    }

    @Test func bufferedEventsAreWrittenAtOnceAndSyncedLater() throws {
        let scratch = try ScratchDirectory()
        let fileSystem = InstrumentedFileSystem()
        let store = try LedgerStore(path: scratch.ledgerPath, fileSystem: fileSystem)
        try store.append(.jobPlanned(job: "a", kind: .song, fingerprint: "f"), durability: .buffered)
        try store.append(.jobPlanned(job: "b", kind: .song, fingerprint: "g"), durability: .buffered)
        #expect(fileSystem.record.withLock { $0.syncs } == 0)
        #expect((try LedgerStore.load(path: scratch.ledgerPath)).ledger.jobs.count == 2, "written, not yet synced")
        try store.sync()
        #expect(fileSystem.record.withLock { $0.syncs } == 1)
        try store.sync()
        #expect(fileSystem.record.withLock { $0.syncs } == 1, "nothing left to sync")
        try store.append(.jobRequeued(job: "a"))
        #expect(fileSystem.record.withLock { $0.syncs } == 2)
    }

    /// The cost of an event must not grow with the ledger: the bytes written per append are the event's line
    /// alone, nothing is read and no snapshot is written, whether the ledger holds 10 jobs or 5,000.
    @Test func appendCostIsIndependentOfLedgerSize() throws {
        func bytesWrittenForProbe(jobs: Int) throws -> (appended: [Int], replaces: Int, reads: Int) {
            let scratch = try ScratchDirectory()
            let fileSystem = InstrumentedFileSystem()
            let store = try LedgerStore(path: scratch.ledgerPath, fileSystem: fileSystem)
            for index in 0..<jobs {
                try store.append(
                    .jobPlanned(job: "job-\(index)", kind: .song, fingerprint: LedgerFixture.sha("a")),
                    durability: .buffered
                )
            }
            try store.append(.jobPlanned(job: "probe", kind: .song, fingerprint: LedgerFixture.sha("b")))
            try store.compact()
            fileSystem.record.withLock { $0 = InstrumentedFileSystem.Record() }
            try store.append(.submitIntent(job: "probe", attempt: 1, idempotencyKey: "key", inputs: nil, at: 7))
            try store.append(.submitAccepted(job: "probe", attempt: 1, taskID: "task", creditsReserved: 8, at: 8))
            return fileSystem.record.withLock { ($0.appendedBytes, $0.replaces, $0.reads) }
        }
        let small = try bytesWrittenForProbe(jobs: 9)
        let large = try bytesWrittenForProbe(jobs: 4_999)
        #expect(small.replaces == 0 && large.replaces == 0)
        #expect(small.reads == 0 && large.reads == 0)
        #expect(small.appended.count == 2)
        let sequenceDigits = "\(5_001)".count - "\(11)".count
        #expect(large.appended == small.appended.map { $0 + sequenceDigits })
    }

    @Test func appendsFromConcurrentTasksAreSerialized() async throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        let job = "w\(worker)-\(index)"
                        try store.append(.jobPlanned(job: job, kind: .song, fingerprint: "f"), durability: .buffered)
                        try store.append(.submitIntent(job: job, attempt: 1, idempotencyKey: job, inputs: nil, at: 1))
                    }
                }
            }
            try await group.waitForAll()
        }
        store.close()
        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == store.ledger)
        #expect(loaded.ledger.unconfirmedJobIDs.count == 200)
        #expect(loaded.ledger.sequence == 400)
    }

    /// Compacting whenever it is advised writes snapshot bytes in proportion to the journal bytes appended, so
    /// snapshots cost O(1) per event amortized, however large the ledger grows.
    @Test func advisedCompactionWritesSnapshotsProportionalToTheEventsAppended() throws {
        let scratch = try ScratchDirectory()
        let fileSystem = InstrumentedFileSystem()
        let store = try LedgerStore(path: scratch.ledgerPath, fileSystem: fileSystem)
        func record(_ event: LedgerEvent) throws {
            try store.append(event, durability: .buffered)
            try store.compactIfAdvised()
        }
        let results = LedgerFixture.albumRun().compactMap { event -> [ResultRecord]? in
            guard case .taskCompleted(_, _, let results, _, _) = event, !results.isEmpty else { return nil }
            return results
        }[0]
        for index in 0..<1_500 {
            let job = "song-\(index)"
            try record(.jobPlanned(job: job, kind: .song, fingerprint: LedgerFixture.sha("a")))
            try record(.submitIntent(job: job, attempt: 1, idempotencyKey: "key-\(index)", inputs: nil, at: 1))
            try record(.submitAccepted(job: job, attempt: 1, taskID: "task-\(index)", creditsReserved: 8, at: 2))
            try record(.taskCompleted(job: job, attempt: 1, results: results, personaID: nil, at: 3))
        }
        let (journalBytes, snapshotBytes, snapshots) = fileSystem.record.withLock {
            ($0.appendedBytes.reduce(0, +), $0.replacedBytes, $0.replaces)
        }
        #expect(snapshots >= 3 && snapshots <= 6, "compactions grow with the logarithm of the events")
        #expect(snapshotBytes <= 3 * journalBytes, "\(snapshotBytes) snapshot bytes for \(journalBytes) journal bytes")
    }

    @Test func compactionIsAdvisedOnceTheJournalOutgrowsTheSnapshot() throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        try store.append(.jobPlanned(job: "a", kind: .song, fingerprint: LedgerFixture.sha("a")))
        try store.append(.submitIntent(job: "a", attempt: 1, idempotencyKey: "k", inputs: nil, at: 1))
        try store.append(.submitAccepted(job: "a", attempt: 1, taskID: "t", creditsReserved: 8, at: 2))
        #expect(!store.compactionAdvised)
        var index: Int64 = 0
        while store.journalBytes < 64 * 1024 {
            index += 1
            try store.append(
                .taskProgress(job: "a", attempt: 1, status: .processing, progress: Int(index % 100), at: index),
                durability: .buffered
            )
        }
        #expect(store.compactionAdvised)
        try store.compact()
        #expect(!store.compactionAdvised)
    }
}
