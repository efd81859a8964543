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
}
