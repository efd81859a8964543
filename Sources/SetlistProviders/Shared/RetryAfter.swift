import Foundation

/// Parses the `Retry-After` header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date.
enum RetryAfter {
    /// The longest wait the providers pass on by default. A larger value is more likely a clock skew or a
    /// misconfigured gateway than a real request to pause the run for hours; the engine asks again after it.
    static let defaultCap: Duration = .seconds(300)

    /// The wait the header asks for, measured from `now` for an HTTP-date, clamped to `0...cap`.
    /// Returns nil for a missing or unreadable value, so the caller falls back to its own backoff.
    static func parse(_ value: String?, now: Date, cap: Duration = defaultCap) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        let wait: Duration
        if let seconds = delaySeconds(value) {
            wait = .seconds(seconds)
        } else if let date = HTTPDate.parse(value) {
            let milliseconds = (date.timeIntervalSince(now) * 1000).rounded(.up)
            wait = .milliseconds(Int64(max(0, min(milliseconds, Double(Int32.max)))))
        } else {
            return nil
        }
        return min(max(wait, .zero), cap)
    }

    /// Delta-seconds: digits only. A decimal fraction, which some servers send, is accepted and rounded up.
    private static func delaySeconds(_ value: String) -> Int64? {
        let parts = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        let wholeSeconds = Int64(whole.prefix(9)) ?? 0
        guard parts.count == 2 else { return wholeSeconds }
        let fraction = parts[1]
        guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        return fraction.allSatisfy { $0 == "0" } ? wholeSeconds : wholeSeconds + 1
    }
}

/// Parses the three HTTP-date formats of RFC 9110 §5.6.7 without locale-dependent formatters:
/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and
/// asctime (`Sun Nov  6 08:49:37 1994`).
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The instant `text` names, or nil when it is not an HTTP-date.
    static func parse(_ text: String) -> Date? {
        var tokens = text.split { $0 == " " || $0 == "," || $0 == "-" }.map(String.init)
        if let first = tokens.first, first.allSatisfy(\.isLetter), month(first) == nil {
            tokens.removeFirst()
        }
        if tokens.last?.uppercased() == "GMT" || tokens.last?.uppercased() == "UTC" {
            tokens.removeLast()
        }
        guard tokens.count == 4 else { return nil }
        let dayText: String
        let monthText: String
        let yearText: String
        let timeText: String
        if tokens[0].allSatisfy(\.isASCIIDigit) {
            (dayText, monthText, yearText, timeText) = (tokens[0], tokens[1], tokens[2], tokens[3])
        } else {
            (monthText, dayText, timeText, yearText) = (tokens[0], tokens[1], tokens[2], tokens[3])
        }
        guard let month = month(monthText), let day = Int(dayText), (1...31).contains(day),
            var year = Int(yearText), yearText.allSatisfy(\.isASCIIDigit)
        else { return nil }
        if yearText.count == 2 {
            year += year < 70 ? 2000 : 1900
        }
        let clock = timeText.split(separator: ":").map { Int($0) }
        guard clock.count == 3, let hour = clock[0], let minute = clock[1], let second = clock[2],
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func month(_ text: String) -> Int? {
        guard text.count == 3, let index = months.firstIndex(of: text.lowercased()) else { return nil }
        return index + 1
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Character {
    /// `0` through `9` only, unlike `isNumber`, which accepts any script's digits and fractions.
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
