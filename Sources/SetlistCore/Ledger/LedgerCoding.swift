import Foundation

/// Encodes and decodes the ledger's two file forms: the snapshot (the whole ``Ledger``, pretty-printed, sorted
/// keys, ending in a newline) and journal lines (one ``LedgerJournalEntry``, compact, sorted keys, ending in a
/// newline). Both forms are byte-for-byte stable: the same value always gives the same bytes, the bytes
/// Foundation's `JSONEncoder` gives with `.sortedKeys` and `.withoutEscapingSlashes`. They are written straight
/// into the output bytes, so encoding costs about the output's size in memory.
///
/// Holds its own decoder, so keep one per owner rather than sharing it between threads.
public struct LedgerCoder {
    private let decoder: JSONDecoder

    /// Creates a coder.
    public init() {
        decoder = JSONDecoder()
    }

    /// The snapshot bytes of `ledger`. Empty arrays and objects are written `[]` and `{}`. `expectedSize`, such
    /// as the size of the previous snapshot, reserves the output's memory up front.
    public func snapshot(_ ledger: Ledger, expectedSize: Int = 0) throws(LedgerEncodingError) -> [UInt8] {
        var writer = LedgerJSONWriter(pretty: true, capacity: expectedSize + 1)
        ledger.writeJSON(to: &writer)
        return try writer.finish(appending: UInt8(ascii: "\n"))
    }

    /// The ledger a snapshot holds.
    public func ledger(fromSnapshot bytes: [UInt8]) throws -> Ledger {
        try decoder.decode(Ledger.self, from: Data(bytes))
    }

    /// One journal line, newline included.
    public func line(_ entry: LedgerJournalEntry) throws(LedgerEncodingError) -> [UInt8] {
        var writer = LedgerJSONWriter(pretty: false)
        entry.writeJSON(to: &writer)
        return try writer.finish(appending: UInt8(ascii: "\n"))
    }

    /// The entry one journal line holds, without its newline.
    public func entry(fromLine bytes: ArraySlice<UInt8>) throws -> LedgerJournalEntry {
        try decoder.decode(LedgerJournalEntry.self, from: Data(bytes))
    }
}

/// Formats the ledger's times (Unix milliseconds, UTC) for people.
public enum LedgerTime {
    /// `unixMilliseconds` as ISO 8601 in UTC with milliseconds, e.g. `2026-11-21T11:09:06.120Z`.
    public static func iso8601(unixMilliseconds: Int64) -> String {
        let millisecondsPerDay: Int64 = 86_400_000
        let days =
            unixMilliseconds >= 0
            ? unixMilliseconds / millisecondsPerDay
            : (unixMilliseconds - millisecondsPerDay + 1) / millisecondsPerDay
        let dayMilliseconds = unixMilliseconds - days * millisecondsPerDay
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let hour = dayMilliseconds / 3_600_000
        let minute = dayMilliseconds / 60_000 % 60
        let second = dayMilliseconds / 1000 % 60
        let millisecond = dayMilliseconds % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
            + ".\(pad(millisecond, 3))Z"
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
