import Foundation
import SetlistCore

/// A JSON document as the simulator reads and writes it. Objects keep their key order, so responses come out in
/// the documented order, and the canonical form (sorted keys) identifies identical request bodies.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.canonicalText == rhs.canonicalText
    }

    /// Parses `bytes` as one JSON value, or returns nil when they are not valid JSON.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        (try? JSONParser.parse(bytes)).map(JSONValue.init(parsed:))
    }

    /// The parsed value, with object members sorted by key.
    private init(parsed: SetlistCore.JSONValue) {
        switch parsed {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let integer): self = .number(Double(integer))
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let elements): self = .array(elements.map(JSONValue.init(parsed:)))
        case .object(let members):
            self = .object(members.sorted { $0.key < $1.key }.map { ($0.key, JSONValue(parsed: $0.value)) })
        }
    }

    /// The member `key` of an object, nil for other values or a missing key.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The members of an object, nil for other values.
    var objectMembers: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// Whether the value is JSON null.
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The string payload, nil for other values.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The numeric payload, nil for other values.
    var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The boolean payload, nil for other values.
    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The elements of an array, nil for other values.
    var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The JSON name of the value's type, for error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Compact JSON text with object keys in their stored order.
    var text: String {
        var output = ""
        write(to: &output, sortedKeys: false)
        return output
    }

    /// Compact JSON text with object keys sorted: equal documents give equal text.
    var canonicalText: String {
        var output = ""
        write(to: &output, sortedKeys: true)
        return output
    }

    /// The UTF-8 bytes of ``text``.
    var bytes: [UInt8] { Array(text.utf8) }

    private func write(to output: inout String, sortedKeys: Bool) {
        switch self {
        case .null:
            output += "null"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .number(let number):
            output += JSONValue.format(number)
        case .string(let text):
            JSONValue.writeString(text, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output, sortedKeys: sortedKeys)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let ordered = sortedKeys ? members.sorted { $0.0 < $1.0 } : members
            for (index, member) in ordered.enumerated() {
                if index > 0 { output += "," }
                JSONValue.writeString(member.0, to: &output)
                output += ":"
                member.1.write(to: &output, sortedKeys: sortedKeys)
            }
            output += "}"
        }
    }

    private static func format(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 {
            return String(Int64(number))
        }
        return "\(number)"
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
}
