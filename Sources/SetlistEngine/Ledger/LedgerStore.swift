import SetlistCore
import Synchronization

/// When an appended event must be on stable storage.
public enum LedgerDurability: Sendable, Hashable {
    /// Written and `fsync`ed before ``LedgerStore/append(_:durability:)`` returns. Required for submit intents
    /// and accepted task ids (DESIGN §3, "Never pay twice").
    case synced
    /// Written (so it survives the process being killed) but `fsync`ed only by the next synced append,
    /// ``LedgerStore/sync()`` or ``LedgerStore/compact()``. A power loss may drop it. Fits events whose loss costs
    /// only a repeated status request or download, such as task progress.
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
/// the in-memory ledger: the cost per event is one line, whatever the ledger's size. ``compact()`` writes the
/// whole ledger as the new snapshot atomically and empties the journal. Loading reads the snapshot and replays
/// the journal; a torn last line is ignored with a warning.
///
/// Safe to call from any thread; calls are serialized. One process at a time may write a ledger: hold a
/// ``RunLock`` while the store is open.
public final class LedgerStore: Sendable {
    /// The snapshot's path.
    public let path: String
    /// Warnings from opening the ledger, as full sentences.
    public let openWarnings: [String]
    private let fileSystem: any LedgerFileSystem
    private let state: Mutex<State>

    private struct State {
        var ledger: Ledger
        var coder: LedgerCoder
        var journal: (any LedgerAppendFile)?
        var unsyncedEvents: Int
        var eventsSinceCompaction: Int
        var snapshotBytes: Int
        var failure: String?
    }

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
            State(
                ledger: loaded.ledger, coder: coder, journal: journal, unsyncedEvents: 0,
                eventsSinceCompaction: loaded.replayedEvents, snapshotBytes: snapshotBytes, failure: nil
            )
        )
    }

    deinit {
        close()
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

    /// The journal's current length in bytes.
    public var journalBytes: Int {
        state.withLock { $0.journal?.size ?? 0 }
    }

    /// True when the journal has grown as large as the last snapshot (and past 64 KiB). Compacting then keeps the
    /// cost of snapshots proportional to the events appended, so O(1) per event amortized; callers may also
    /// compact on a timer and at the end of each run.
    public var compactionAdvised: Bool {
        state.withLock { state in
            let journalSize = state.journal?.size ?? 0
            return journalSize >= max(state.snapshotBytes, 64 * 1024)
        }
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
        try state.withLock { (state: inout State) throws(LedgerStoreError) in
            let journal = try Self.usableJournal(state, path: path)
            do throws(LedgerError) {
                try state.ledger.validate(event)
            } catch {
                throw .invalidEvent(path: path, line: nil, error: error)
            }
            let line: [UInt8]
            do {
                line = try state.coder.line(LedgerJournalEntry(sequence: state.ledger.sequence + 1, event: event))
            } catch {
                throw .encoding(path: path, detail: "\(error)")
            }
            let validSize = journal.size
            do throws(LedgerStoreError) {
                try journal.append(line)
            } catch {
                try? journal.truncate(toSize: validSize)
                state.failure = error.description
                throw error
            }
            state.unsyncedEvents += 1
            if durability == .synced { try Self.sync(&state, journal) }
            do throws(LedgerError) {
                try state.ledger.apply(event)
            } catch {
                throw .invalidEvent(path: path, line: nil, error: error)
            }
            state.eventsSinceCompaction += 1
        }
    }

    /// Makes every buffered event durable (`fsync`).
    public func sync() throws(LedgerStoreError) {
        let path = path
        try state.withLock { (state: inout State) throws(LedgerStoreError) in
            try Self.sync(&state, Self.usableJournal(state, path: path))
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
        try state.withLock { (state: inout State) throws(LedgerStoreError) in
            let journal = try Self.usableJournal(state, path: path)
            let bytes: [UInt8]
            do {
                bytes = try state.coder.snapshot(state.ledger)
            } catch {
                throw .encoding(path: path, detail: "\(error)")
            }
            try fileSystem.replaceFile(atPath: path, with: bytes)
            do throws(LedgerStoreError) {
                try journal.truncate(toSize: 0)
            } catch {
                state.failure = error.description
                throw error
            }
            state.unsyncedEvents = 0
            state.eventsSinceCompaction = 0
            state.snapshotBytes = bytes.count
        }
    }

    /// Syncs buffered events and closes the journal. Later calls that write throw. Does not compact: call
    /// ``compact()`` first at the end of a run.
    public func close() {
        state.withLock { state in
            guard let journal = state.journal else { return }
            if state.unsyncedEvents > 0, state.failure == nil { try? journal.sync() }
            journal.close()
            state.journal = nil
        }
    }

    private static func usableJournal(_ state: State, path: String) throws(LedgerStoreError) -> any LedgerAppendFile {
        if let failure = state.failure { throw .stopped(path: path, cause: failure) }
        guard let journal = state.journal else { throw .stopped(path: path, cause: "the store was closed") }
        return journal
    }

    private static func sync(_ state: inout State, _ journal: any LedgerAppendFile) throws(LedgerStoreError) {
        guard state.unsyncedEvents > 0 else { return }
        do throws(LedgerStoreError) {
            try journal.sync()
        } catch {
            state.failure = error.description
            throw error
        }
        state.unsyncedEvents = 0
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
