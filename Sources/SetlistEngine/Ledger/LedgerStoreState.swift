import SetlistCore

/// A call of ``LedgerStore/appendDurably(_:)`` waiting for a sync that covers its line.
struct SyncWaiter {
    typealias Continuation = CheckedContinuation<Result<Void, LedgerStoreError>, Never>

    /// The sequence number of the waiting event's line.
    var sequence: Int
    var continuation: Continuation
}

/// Everything a ``LedgerStore`` guards with its lock.
struct StoreState {
    var ledger: Ledger
    var coder: LedgerCoder
    /// The open journal; nil once the store is closed.
    var journal: (any LedgerAppendFile)?
    /// The sequence number of the last line written to the journal.
    var writtenSequence: Int
    /// The sequence number of the last line known to be on stable storage.
    var durableSequence: Int
    /// Durable appends waiting for a sync that covers their line, in the order of their lines.
    var syncWaiters: [SyncWaiter] = []
    /// Whether the sync queue has a round of syncing queued or running.
    var syncRoundScheduled = false
    /// Events appended since the last compaction (or replayed from the journal at open).
    var eventsSinceCompaction: Int
    /// Journal lines and bytes written since the store was opened.
    var journalLinesWritten = 0
    var journalBytesWritten = 0
    /// The size of the last snapshot written or read.
    var snapshotBytes: Int
    /// The write or sync that failed and stopped the store.
    var failure: LedgerStoreError?

    /// See ``LedgerStore/compactionAdvised``.
    var compactionAdvised: Bool {
        (journal?.size ?? 0) >= max(snapshotBytes, 64 * 1024)
    }

    /// The journal, unless the store was stopped or closed.
    func usableJournal(path: String) throws(LedgerStoreError) -> any LedgerAppendFile {
        if let failure { throw .stopped(path: path, cause: failure.description) }
        guard let journal else { throw .stopped(path: path, cause: "the store was closed") }
        return journal
    }

    /// Checks that `event` fits the ledger and writes its journal line; returns the line's sequence number. A
    /// failed write cuts the partial line off where it can and stops the store.
    @discardableResult
    mutating func write(_ event: LedgerEvent, path: String) throws(LedgerStoreError) -> Int {
        let journal = try usableJournal(path: path)
        do throws(LedgerError) {
            try ledger.validate(event)
        } catch {
            throw .invalidEvent(path: path, line: nil, error: error)
        }
        let sequence = ledger.sequence + 1
        let line: [UInt8]
        do throws(LedgerEncodingError) {
            line = try coder.line(LedgerJournalEntry(sequence: sequence, event: event))
        } catch {
            throw .encoding(path: path, detail: error.description)
        }
        let validSize = journal.size
        do throws(LedgerStoreError) {
            try journal.append(line)
        } catch {
            try? journal.truncate(toSize: validSize)
            stop(error)
            throw error
        }
        writtenSequence = sequence
        journalLinesWritten += 1
        journalBytesWritten += line.count
        return sequence
    }

    /// Folds an event whose line was written into the in-memory ledger.
    mutating func fold(_ event: LedgerEvent, path: String) throws(LedgerStoreError) {
        do throws(LedgerError) {
            try ledger.apply(event)
        } catch {
            throw .invalidEvent(path: path, line: nil, error: error)
        }
        eventsSinceCompaction += 1
    }

    /// `fsync`s the journal if a written line is not yet durable. A failure stops the store.
    mutating func syncJournal(path: String) throws(LedgerStoreError) {
        let journal = try usableJournal(path: path)
        guard durableSequence < writtenSequence else { return }
        do throws(LedgerStoreError) {
            try journal.sync()
        } catch {
            stop(error)
            throw error
        }
        markDurable(through: writtenSequence)
    }

    /// Writes the snapshot and empties the journal (see ``LedgerStore/compact()``).
    mutating func compact(path: String, fileSystem: any LedgerFileSystem) throws(LedgerStoreError) {
        let journal = try usableJournal(path: path)
        let bytes: [UInt8]
        do throws(LedgerEncodingError) {
            // Pretty-printed, the journal's events take up to about twice their lines' size in the snapshot.
            // Reserving too much costs only address space; too little would copy the buffer as it grows.
            bytes = try coder.snapshot(ledger, expectedSize: snapshotBytes + 2 * journal.size)
        } catch {
            throw .encoding(path: path, detail: error.description)
        }
        try fileSystem.replaceFile(atPath: path, with: bytes)
        markDurable(through: writtenSequence)
        do throws(LedgerStoreError) {
            try journal.truncate(toSize: 0)
        } catch {
            stop(error)
            throw error
        }
        eventsSinceCompaction = 0
        snapshotBytes = bytes.count
    }

    /// The journal and the sequence number a sync round makes durable, or nil when no append waits or the
    /// store is closed (``LedgerStore/close()`` then settles the waiting appends itself).
    mutating func nextSyncRound() -> (journal: any LedgerAppendFile, through: Int)? {
        guard !syncWaiters.isEmpty, let journal else {
            syncRoundScheduled = false
            return nil
        }
        return (journal, writtenSequence)
    }

    /// Takes the journal out of the state, closing the store for writes.
    mutating func detachJournal() -> (any LedgerAppendFile)? {
        defer { journal = nil }
        return journal
    }

    /// Records that every line up to `sequence` is on stable storage, and resumes the appends waiting for them.
    mutating func markDurable(through sequence: Int) {
        durableSequence = max(durableSequence, sequence)
        let durableWaiters = syncWaiters.prefix { $0.sequence <= durableSequence }.count
        for waiter in syncWaiters[..<durableWaiters] { waiter.continuation.resume(returning: .success(())) }
        syncWaiters.removeFirst(durableWaiters)
    }

    /// Stops the store after a failed write or sync: every later call throws, and every append still waiting
    /// for a sync throws `error`.
    mutating func stop(_ error: LedgerStoreError) {
        failure = error
        for waiter in syncWaiters { waiter.continuation.resume(returning: .failure(error)) }
        syncWaiters = []
    }
}
