import SetlistCore

extension LedgerStore {
    /// Reads the snapshot at `path` and replays its journal over it; also returns the snapshot's size in bytes.
    static func load(
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

/// Replays journal bytes over a ledger, line by line.
struct JournalReplay {
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
