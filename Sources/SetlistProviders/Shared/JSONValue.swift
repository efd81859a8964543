import Foundation
import SetlistCore

/// Any JSON value. Providers decode response bodies into it and read fields leniently: unknown keys are
/// ignored, and a number sent as a string (or a code sent as a number) is still understood.
enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `data`, or returns nil when it is not JSON.
    static func parse(_ data: Data) -> JSONValue? {
        (try? JSONParser.parse([UInt8](data))).map(JSONValue.init(parsed:))
    }

    private init(parsed: SetlistCore.JSONValue) {
        switch parsed {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let integer): self = .number(Double(integer))
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let elements): self = .array(elements.map(JSONValue.init(parsed:)))
        case .object(let members): self = .object(members.mapValues(JSONValue.init(parsed:)))
        }
    }

    /// The member `key` of an object; nil for other values or a missing key.
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The members of an object.
    var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array.
    var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// A string, or a number written as an integer where it is one (so `"code": 401` reads as `"401"`).
    var stringValue: String? {
        switch self {
        case .string(let text):
            return text
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
