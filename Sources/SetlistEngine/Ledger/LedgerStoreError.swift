import SetlistCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the ledger store could not read or write the ledger. Every case says what happened, where, and what
/// to do; ``description`` is the sentence to print.
public enum LedgerStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed: `operation` is what the store was doing, `code` the `errno` value.
    case io(operation: String, path: String, code: Int32)
    /// The snapshot is not a ledger this version can read.
    case unreadableSnapshot(path: String, detail: String)
    /// The snapshot or a journal line was written by a newer version of setlist; nothing was changed.
    case newerFormat(path: String, detail: String)
    /// A journal line that is not the last one is not a valid event.
    case corruptJournalLine(path: String, line: Int, detail: String)
    /// A journal line skips sequence numbers, so events between the snapshot and the journal are missing.
    case journalGap(path: String, line: Int, expected: Int, found: Int)
    /// An event does not fit the ledger (`line` is set when it comes from the journal).
    case invalidEvent(path: String, line: Int?, error: LedgerError)
    /// An event or the snapshot could not be encoded.
    case encoding(path: String, detail: String)
    /// An earlier write failed, so the store accepts no more events.
    case stopped(path: String, cause: String)

    /// A full sentence saying what happened, where, and what to do.
    public var description: String {
        switch self {
        case .io(let operation, let path, let code):
            "Could not \(operation) '\(path)': \(Self.systemMessage(code)) (errno \(code)). "
                + "Check the disk space and permissions of that directory, then run again; "
                + "the run stops before paying for anything it could not record."
        case .unreadableSnapshot(let path, let detail):
            "The ledger '\(path)' cannot be read: \(detail) "
                + "Restore it from version control or a backup, or move it away to start a new ledger "
                + "(which forgets what earlier runs paid for)."
        case .newerFormat(let path, let detail):
            "The ledger '\(path)' was written by a newer version of setlist: \(detail) It was left exactly as it "
                + "is; run the newer version (setlist --version prints this one's)."
        case .corruptJournalLine(let path, let line, let detail):
            "Line \(line) of the ledger journal '\(path)' is not a valid event: \(detail) "
                + "Only a last line left by an interrupted write is ignored; repair or remove that line, "
                + "then run again."
        case .journalGap(let path, let line, let expected, let found):
            "Line \(line) of the ledger journal '\(path)' has sequence number \(found) where \(expected) was "
                + "expected, so events are missing between the ledger snapshot and its journal. "
                + "Restore both files from the same backup, or move the journal away to continue from the snapshot."
        case .invalidEvent(let path, let line, let error):
            if let line {
                "Line \(line) of the ledger journal '\(path)' cannot be applied: \(error.description)"
            } else {
                "The ledger '\(path)' refused an event: \(error.description)"
            }
        case .encoding(let path, let detail):
            "Could not encode an entry for the ledger '\(path)': \(detail)"
        case .stopped(let path, let cause):
            "The ledger '\(path)' accepts no more events because an earlier write failed (\(cause)). "
                + "Fix the cause and run again; the next run resumes from what was recorded."
        }
    }

    /// The system's text for an `errno` value.
    static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
