/// A JSON document as a value, with two encoders that never depend on Foundation: ``canonical`` for hashing
/// (RFC 8785 style) and ``pretty`` for files people read and diff. Both sort object keys and omit members
/// whose value is `null`, so the same value always gives the same bytes on every machine.
public enum JSONValue: Sendable, Hashable {
    /// `null`. Omitted when it is an object member's value.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer, written without a fraction.
    case integer(Int)
    /// A finite number, written in its shortest round-trip form.
    case number(Double)
    /// A string.
    case string(String)
    /// An array; `null` elements are kept.
    case array([JSONValue])
    /// An object; members are written sorted by key.
    case object([String: JSONValue])

    /// An optional string as a value: `null` when absent.
    public static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// An optional integer as a value: `null` when absent.
    public static func optional(_ value: Int?) -> JSONValue { value.map(JSONValue.integer) ?? .null }

    /// An optional number as a value: `null` when absent.
    public static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    /// The canonical form: no insignificant whitespace, keys sorted by UTF-16 code units, `null` members
    /// omitted, strings escaped as RFC 8785 requires, numbers as ECMAScript prints them.
    /// Non-finite numbers have no JSON form and stop the program.
    public var canonical: String {
        var output = ""
        writeCanonical(into: &output)
        return output
    }

    /// A pretty form: two-space indentation, `"key": value`, keys sorted as in ``canonical``, `null` members
    /// omitted, empty arrays and objects as `[]` and `{}`. No trailing newline.
    public var pretty: String {
        var output = ""
        writePretty(into: &output, indent: 0)
        return output
    }

    private func writeCanonical(into output: inout String) {
        switch self {
        case .array(let elements):
            output += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { output += "," }
                element.writeCanonical(into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (position, member) in Self.sortedMembers(members).enumerated() {
                if position > 0 { output += "," }
                Self.writeString(member.key, into: &output)
                output += ":"
                member.value.writeCanonical(into: &output)
            }
            output += "}"
        default:
            writeScalar(into: &output)
        }
    }

    private func writePretty(into output: inout String, indent: Int) {
        let inner = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch self {
        case .array(let elements):
            guard !elements.isEmpty else {
                output += "[]"
                return
            }
            output += "[\n"
            for (position, element) in elements.enumerated() {
                if position > 0 { output += ",\n" }
                output += inner
                element.writePretty(into: &output, indent: indent + 1)
            }
            output += "\n" + closing + "]"
        case .object(let members):
            let sorted = Self.sortedMembers(members)
            guard !sorted.isEmpty else {
                output += "{}"
                return
            }
            output += "{\n"
            for (position, member) in sorted.enumerated() {
                if position > 0 { output += ",\n" }
                output += inner
                Self.writeString(member.key, into: &output)
                output += ": "
                member.value.writePretty(into: &output, indent: indent + 1)
            }
            output += "\n" + closing + "}"
        default:
            writeScalar(into: &output)
        }
    }

    private func writeScalar(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .integer(let value): output += String(value)
        case .number(let value): output += Self.format(value)
        case .string(let value): Self.writeString(value, into: &output)
        case .array, .object: preconditionFailure("containers are written by the caller")
        }
    }

    private static func sortedMembers(_ members: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        members.filter { $0.value != .null }.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
    }

    private static func writeString(_ value: String, into output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// Formats a finite double as ECMAScript's `Number.prototype.toString` does (RFC 8785 §3.2.2.3), from
    /// the shortest round-trip digits the standard library produces.
    static func format(_ value: Double) -> String {
        precondition(value.isFinite, "JSON has no form for \(value)")
        if value == 0 { return "0" }
        let (digits, pointPosition) = decimalDigits(of: value.magnitude)
        let sign = value < 0 ? "-" : ""
        let count = digits.count
        let body: String
        if count <= pointPosition && pointPosition <= 21 {
            body = digits + String(repeating: "0", count: pointPosition - count)
        } else if 0 < pointPosition && pointPosition <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: pointPosition)
            body = String(digits[..<split]) + "." + String(digits[split...])
        } else if -6 < pointPosition && pointPosition <= 0 {
            body = "0." + String(repeating: "0", count: -pointPosition) + digits
        } else {
            let exponent = pointPosition - 1
            let mantissa = count == 1 ? digits : String(digits.prefix(1)) + "." + String(digits.dropFirst())
            body = mantissa + "e" + (exponent < 0 ? "-" : "+") + String(exponent.magnitude)
        }
        return sign + body
    }

    /// The significant digits of a positive finite double (no leading or trailing zeros) and the position
    /// of the decimal point relative to them: the value is `0.digits × 10^pointPosition`.
    private static func decimalDigits(of value: Double) -> (digits: String, pointPosition: Int) {
        let text = value.description
        var mantissa = Substring(text)
        var exponent = 0
        if let marker = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<marker]
            exponent = Int(text[text.index(after: marker)...].filter { $0 != "+" }) ?? 0
        }
        let integerPart = mantissa.prefix { $0 != "." }
        let fractionPart = mantissa.dropFirst(integerPart.count + 1)
        var digits = Substring(integerPart + fractionPart)
        var pointPosition = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (String(digits), pointPosition)
    }
}
