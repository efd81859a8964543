import Foundation
import SetlistCore

/// How providers read response bodies: leniently. Unknown keys are ignored, and a number sent as a string (or a
/// code sent as a number) is still understood.
extension JSONValue {
    /// Parses `data`, or returns nil when it is not JSON.
    static func parse(_ data: Data) -> JSONValue? {
        try? JSONParser.parse([UInt8](data))
    }

    /// A string, or a number written as an integer where it is one (so `"code": 401` reads as `"401"`).
    var stringValue: String? {
        switch self {
        case .string(let text):
            return text
        case .integer(let integer):
            return String(integer)
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        default:
            return nil
        }
    }

    /// A non-empty string after trimming whitespace.
    var nonEmptyStringValue: String? {
        guard let text = stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return nil
        }
        return text
    }

    /// A number, or a string holding one (an optional trailing `%` or `s` is ignored).
    var doubleValue: Double? {
        switch self {
        case .integer(let integer):
            return Double(integer)
        case .number(let number):
            return number.isFinite ? number : nil
        case .string(let text):
            var trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("%") || trimmed.hasSuffix("s") { trimmed.removeLast() }
            guard let number = Double(trimmed), number.isFinite else { return nil }
            return number
        default:
            return nil
        }
    }

    /// ``doubleValue`` rounded to the nearest integer.
    var intValue: Int? {
        guard let number = doubleValue, abs(number) < 1e15 else { return nil }
        return Int(number.rounded())
    }
}
