import Dispatch
import SetlistCore
import Synchronization

/// When an appended event must be on stable storage.
public enum LedgerDurability: Sendable, Hashable {
    /// Written and `fsync`ed before ``LedgerStore/append(_:durability:)`` returns. Required for submit intents
    /// and accepted task ids (DESIGN §3, "Never pay twice").
    case synced
    /// Written (so it survives the process being killed) but `fsync`ed only by the next synced or durable
    /// append, ``LedgerStore/sync()`` or ``LedgerStore/compact()``. A power loss may drop it. Fits events whose
    /// loss costs only a repeated status request or download, such as task progress.
    case buffered
}

/// A ledger as read from disk: the snapshot with the journal replayed over it.
public struct LoadedLedger: Sendable {
    /// The ledger.
    public var ledger: Ledger
    /// Problems that did not stop the load, as full sentences (a torn last journal line).
    public var warnings: [String]
    /// The length of the journal's valid prefix in bytes; anything after it is a torn line.
    public var journalValidBytes: Int
    /// The journal events replayed over the snapshot.
    public var replayedEvents: Int
}

/// The durable home of one ledger: the snapshot file `<path>` and the journal `<path>.journal` (JSON Lines).
///
/// ``append(_:durability:)`` writes one journal line and, by default, `fsync`s it before folding the event into
/// the in-memory ledger: the cost per event is one line, whatever the ledger's size. ``appendDurably(_:)`` is its
/// form for concurrent callers: appends made close together share one `fsync`, run on a thread of the store's own,
/// so no caller blocks a thread of Swift's cooperative pool while it waits. ``compact()`` writes the whole ledger
/// as the new snapshot atomically and empties the journal. Loading reads the snapshot and replays the journal; a
/// torn last line is ignored with a warning.
///
/// Safe to call from any thread; calls are serialized. One process at a time may write a ledger: hold a
/// ``RunLock`` while the store is open.
public final class LedgerStore: Sendable {
    /// The snapshot's path.
    public let path: String
    /// Warnings from opening the ledger, as full sentences.
    public let openWarnings: [String]
    private let fileSystem: any LedgerFileSystem
    private let state: Mutex<StoreState>
    /// Runs the `fsync`s that ``appendDurably(_:)`` waits for, one round at a time, outside the lock and off
    /// Swift's cooperative threads.
    private let syncQueue = DispatchQueue(label: "setlist.ledger.journal-sync")

    /// The journal's path for the ledger at `path`.
    public static func journalPath(for path: String) -> String {
        path + ".journal"
    }

    /// The journal's path.
    public var journalPath: String {
        Self.journalPath(for: path)
    }

    /// Reads the ledger at `path` without changing any file: for `status`, `plan` and `report`. Missing files
    /// give an empty ledger.
    public static func load(
        path: String, fileSystem: any LedgerFileSystem = PosixLedgerFileSystem()
    ) throws(LedgerStoreError) -> LoadedLedger {
        try load(path: path, fileSystem: fileSystem, coder: LedgerCoder()).loaded
    }

    /// Opens the ledger at `path` for a run: loads it, cuts a torn last journal line off the journal, and keeps
    /// the journal open for appending. Missing files give an empty ledger; the journal is created.
    public init(path: String, fileSystem: any LedgerFileSystem = PosixLedgerFileSystem()) throws(LedgerStoreError) {
        let coder = LedgerCoder()
        let (loaded, snapshotBytes) = try Self.load(path: path, fileSystem: fileSystem, coder: coder)
        let journal = try fileSystem.openForAppending(atPath: Self.journalPath(for: path))
        if journal.size > loaded.journalValidBytes {
            do {
                try journal.truncate(toSize: loaded.journalValidBytes)
            } catch {
                journal.close()
                throw error
            }
        }
        self.path = path
        self.fileSystem = fileSystem
        openWarnings = loaded.warnings
        state = Mutex(
            StoreState(
                ledger: loaded.ledger, coder: coder, journal: journal, writtenSequence: loaded.ledger.sequence,
                durableSequence: loaded.ledger.sequence, eventsSinceCompaction: loaded.replayedEvents,
                snapshotBytes: snapshotBytes
            )
        )
    }

    deinit {
        // No sync round is queued or running: each holds a reference to the store.
        closeJournal(state.withLock { $0.detachJournal() })
    }

    /// A copy of the ledger. Cheap to take, but a copy that is still alive when the next event is appended
    /// makes that append copy the whole ledger: read single jobs with ``job(_:)`` or ``withLedger(_:)`` on hot
    /// paths.
    public var ledger: Ledger {
        state.withLock { $0.ledger }
    }

    /// The record of the job `id`, if it was ever planned.
    public func job(_ id: String) -> JobRecord? {
        state.withLock { $0.ledger[job: id] }
    }

    /// Runs `body` with the ledger, without copying it.
    public func withLedger<Result: Sendable>(_ body: (Ledger) -> Result) -> Result {
        state.withLock { body($0.ledger) }
    }

    /// Events appended since the last compaction (or replayed from the journal at open).
    public var eventsSinceCompaction: Int {
        state.withLock { $0.eventsSinceCompaction }
    }

    /// Journal lines (one per event) and their bytes written since the store was opened: the ledger's write
    /// cost per event, which compaction does not reset.
    public var journalWrites: (events: Int, bytes: Int) {
        state.withLock { ($0.journalLinesWritten, $0.journalBytesWritten) }
    }

    /// The journal's current length in bytes.
    public var journalBytes: Int {
        state.withLock { $0.journal?.size ?? 0 }
    }

    /// True when the journal has grown as large as the last snapshot (and past 64 KiB). Compacting then keeps the
    /// cost of snapshots proportional to the events appended, so O(1) per event amortized; callers may also
    /// compact on a timer and at the end of each run.
    public var compactionAdvised: Bool {
        state.withLock { $0.compactionAdvised }
    }

    /// Records `event`: checks that it fits the ledger, writes it to the journal as one line (and `fsync`s it
    /// when `durability` is `.synced`), then folds it into the in-memory ledger.
    ///
    /// An event that does not fit throws ``LedgerStoreError/invalidEvent(path:line:error:)`` and changes
    /// nothing. A failed write throws ``LedgerStoreError/io(operation:path:code:)``, removes what it wrote of
    /// the line where it can, and stops the store: every later call throws ``LedgerStoreError/stopped(path:cause:)``,
    /// so the run ends before it pays for anything it could not record.
    public func append(_ event: LedgerEvent, durability: LedgerDurability = .synced) throws(LedgerStoreError) {
        let path = path
        try state.withLock { (state: inout StoreState) throws(LedgerStoreError) in
            try state.write(event, path: path)
            if durability == .synced { try state.syncJournal(path: path) }
            try state.fold(event, path: path)
        }
    }

    /// Records `event` durably, like ``append(_:durability:)`` with `.synced`, for concurrent callers: returns
    /// only once the event's line is on stable storage, but waits for that without holding the store's lock or
    /// a thread. The line is written and the event folded into the in-memory ledger at once; the store's sync
    /// thread then `fsync`s the journal for every line written so far, so appends made while one `fsync` runs
    /// share the next one.
    ///
    /// Throws as ``append(_:durability:)`` does. If the `fsync` fails, every append waiting for it throws that
    /// error and the store stops: later calls throw ``LedgerStoreError/stopped(path:cause:)``.
    public func appendDurably(_ event: LedgerEvent) async throws(LedgerStoreError) {
        let path = path
        let outcome = await withCheckedContinuation { (continuation: SyncWaiter.Continuation) in
            let startsSyncRound = state.withLock { state in
                do throws(LedgerStoreError) {
                    let sequence = try state.write(event, path: path)
                    try state.fold(event, path: path)
                    state.syncWaiters.append(SyncWaiter(sequence: sequence, continuation: continuation))
                } catch {
                    continuation.resume(returning: .failure(error))
                    return false
                }
                guard !state.syncRoundScheduled else { return false }
                state.syncRoundScheduled = true
                return true
            }
            if startsSyncRound { syncQueue.async { self.runSyncRounds() } }
        }
        try outcome.get()
    }

    /// Makes every buffered event durable (`fsync`).
    public func sync() throws(LedgerStoreError) {
        let path = path
        try state.withLock { (state: inout StoreState) throws(LedgerStoreError) in
            try state.syncJournal(path: path)
        }
    }

    /// Writes the whole ledger as the new snapshot atomically (temp file, `fsync`, rename, directory `fsync`),
    /// then empties the journal. A crash at any point leaves a ledger that loads with every event: before the
    /// rename the old snapshot and the full journal; after it the new snapshot, whose sequence number makes
    /// replay skip the journal lines it already holds.
    ///
    /// If the snapshot cannot be written, the journal is untouched and the store stays usable. If the journal
    /// cannot be emptied afterwards, the store stops.
    public func compact() throws(LedgerStoreError) {
        let path = path
        let fileSystem = fileSystem
        try state.withLock { (state: inout StoreState) throws(LedgerStoreError) in
            try state.compact(path: path, fileSystem: fileSystem)
        }
    }

    /// Compacts (see ``compact()``) if ``compactionAdvised`` is true, deciding under the store's lock, so that
    /// callers appending concurrently do not write the same snapshot one after another.
    public func compactIfAdvised() throws(LedgerStoreError) {
        let path = path
        let fileSystem = fileSystem
        try state.withLock { (state: inout StoreState) throws(LedgerStoreError) in
            guard state.compactionAdvised else { return }
            try state.compact(path: path, fileSystem: fileSystem)
        }
    }

    /// Syncs buffered events and closes the journal. Later calls that write throw. Does not compact: call
    /// ``compact()`` first at the end of a run.
    public func close() {
        guard let journal = state.withLock({ $0.detachJournal() }) else { return }
        syncQueue.sync {}  // lets a sync round that still uses the journal finish
        closeJournal(journal)
    }

    /// Syncs what is not yet durable, settles the appends waiting for it, and closes `journal`, which
    /// ``StoreState/detachJournal()`` has taken out of the state.
    private func closeJournal(_ journal: (any LedgerAppendFile)?) {
        guard let journal else { return }
        state.withLock { state in
            if state.failure == nil, state.durableSequence < state.writtenSequence {
                do throws(LedgerStoreError) {
                    try journal.sync()
                    state.markDurable(through: state.writtenSequence)
                } catch {
                    state.stop(error)
                }
            }
        }
        journal.close()
    }

    /// Syncs the journal, on the sync queue, until no ``appendDurably(_:)`` waits any more.
    private func runSyncRounds() {
        while let round = state.withLock({ $0.nextSyncRound() }) {
            do throws(LedgerStoreError) {
                try round.journal.sync()
                state.withLock { $0.markDurable(through: round.through) }
            } catch {
                state.withLock { state in
                    if state.failure == nil { state.stop(error) }
                }
            }
        }
    }

    private static func load(
        path: String, fileSystem: any LedgerFileSystem, coder: LedgerCoder
    ) throws(LedgerStoreError) -> (loaded: LoadedLedger, snapshotBytes: Int) {
        var ledger = Ledger()
        let snapshot = try fileSystem.readFile(atPath: path)
        if let snapshot {
            do {
                ledger = try coder.ledger(fromSnapshot: snapshot)
            } catch {
                if LedgerDecodingDetail.isNewerFormat(error) {
                    throw .newerFormat(path: path, detail: LedgerDecodingDetail.describe(error))
                }
                throw .unreadableSnapshot(path: path, detail: LedgerDecodingDetail.describe(error))
            }
        }
        let journalPath = journalPath(for: path)
        guard let journal = try fileSystem.readFile(atPath: journalPath) else {
            let loaded = LoadedLedger(ledger: ledger, warnings: [], journalValidBytes: 0, replayedEvents: 0)
            return (loaded, snapshot?.count ?? 0)
        }
        var replay = JournalReplay(path: journalPath, ledger: ledger, coder: coder)
        try replay.run(journal)
        let loaded = LoadedLedger(
            ledger: replay.ledger, warnings: replay.warnings, journalValidBytes: replay.validBytes,
            replayedEvents: replay.replayed
        )
        return (loaded, snapshot?.count ?? 0)
    }
}

/// A call of ``LedgerStore/appendDurably(_:)`` waiting for a sync that covers its line.
private struct SyncWaiter {
    typealias Continuation = CheckedContinuation<Result<Void, LedgerStoreError>, Never>

    /// The sequence number of the waiting event's line.
    var sequence: Int
    var continuation: Continuation
}

/// Everything a ``LedgerStore`` guards with its lock.
private struct StoreState {
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

/// Replays journal bytes over a ledger, line by line.
private struct JournalReplay {
    let path: String
    var ledger: Ledger
    let coder: LedgerCoder
    var warnings: [String] = []
    var validBytes = 0
    var replayed = 0

    init(path: String, ledger: Ledger, coder: LedgerCoder) {
        self.path = path
        self.ledger = ledger
        self.coder = coder
    }

    mutating func run(_ bytes: [UInt8]) throws(LedgerStoreError) {
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            lineNumber += 1
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? bytes.count
            let next = newline.map { $0 + 1 } ?? bytes.count
            let isLast = next >= bytes.count
            let entry: LedgerJournalEntry
            do {
                guard newline != nil else { throw TornLine() }
                entry = try coder.entry(fromLine: bytes[start..<end])
            } catch {
                if newline != nil, LedgerDecodingDetail.isNewerFormat(error) {
                    throw .newerFormat(path: path, detail: LedgerDecodingDetail.describe(error))
                }
                guard isLast else {
                    let detail = LedgerDecodingDetail.describe(error)
                    throw .corruptJournalLine(path: path, line: lineNumber, detail: detail)
                }
                warnings.append(
                    "The last line (\(lineNumber)) of the ledger journal '\(path)' is incomplete "
                        + "(\(bytes.count - start) bytes), left by a write that was interrupted; it was ignored, "
                        + "as the event it held was never confirmed as recorded."
                )
                return
            }
            try fold(entry, line: lineNumber)
            validBytes = next
            start = next
        }
    }

    private mutating func fold(_ entry: LedgerJournalEntry, line: Int) throws(LedgerStoreError) {
        if entry.sequence <= ledger.sequence { return }
        guard entry.sequence == ledger.sequence + 1 else {
            throw .journalGap(path: path, line: line, expected: ledger.sequence + 1, found: entry.sequence)
        }
        do {
            try ledger.apply(entry.event)
        } catch {
            throw .invalidEvent(path: path, line: line, error: error)
        }
        replayed += 1
    }
}

/// A line that does not end in a newline.
private struct TornLine: Error, CustomStringConvertible {
    var description: String { "the line does not end with a newline." }
}
