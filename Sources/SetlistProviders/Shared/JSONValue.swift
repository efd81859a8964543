import Foundation

/// Any JSON value. Providers decode response bodies into it and read fields leniently: unknown keys are
/// ignored, and a number sent as a string (or a code sent as a number) is still understood.
enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses `data`, or returns nil when it is not JSON.
    static func parse(_ data: Data) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: data)
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
