/// The writers of ``JSONValue``, none depending on Foundation: ``JSONValue/canonical`` for hashing (RFC 8785
/// style) and ``JSONValue/pretty`` for files people read and diff both sort object keys and omit members whose
/// value is `null`, so the same value always gives the same bytes on every machine; ``JSONValue/compact`` keeps
/// the members' order and their `null` values, for wire answers in a documented key order.
extension JSONValue {
    /// The canonical form: no insignificant whitespace, keys sorted by UTF-16 code units, `null` members
    /// omitted, strings escaped as RFC 8785 requires, numbers as ECMAScript prints them.
    /// Non-finite numbers have no JSON form and stop the program.
    public var canonical: String {
        var output: [UInt8] = []
        writeCompact(into: &output, canonical: true)
        return String(decoding: output, as: UTF8.self)
    }

    /// A pretty form: two-space indentation, `"key": value`, keys sorted as in ``canonical``, `null` members
    /// omitted, empty arrays and objects as `[]` and `{}`. No trailing newline.
    public var pretty: String {
        var output: [UInt8] = []
        writePretty(into: &output, indent: 0)
        return String(decoding: output, as: UTF8.self)
    }

    /// The compact form in the members' own order, `null` members kept; scalars as in ``canonical``.
    public var compact: String { String(decoding: compactBytes, as: UTF8.self) }

    /// The UTF-8 bytes of ``compact``.
    public var compactBytes: [UInt8] {
        var output: [UInt8] = []
        writeCompact(into: &output, canonical: false)
        return output
    }

    private func writeCompact(into output: inout [UInt8], canonical: Bool) {
        switch self {
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                element.writeCompact(into: &output, canonical: canonical)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members) where canonical:
            Self.writeCompactMembers(Self.sortedMembers(members), into: &output, canonical: true)
        case .object(let members):
            Self.writeCompactMembers(members, into: &output, canonical: false)
        default:
            writeScalar(into: &output)
        }
    }

    private static func writeCompactMembers(
        _ members: some Sequence<(key: String, value: JSONValue)>, into output: inout [UInt8], canonical: Bool
    ) {
        output.append(UInt8(ascii: "{"))
        var first = true
        for member in members {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            writeString(member.key, into: &output)
            output.append(UInt8(ascii: ":"))
            member.value.writeCompact(into: &output, canonical: canonical)
        }
        output.append(UInt8(ascii: "}"))
    }

    private func writePretty(into output: inout [UInt8], indent: Int) {
        func newline(indent: Int) {
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
        }
        switch self {
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent: indent + 1)
                element.writePretty(into: &output, indent: indent + 1)
            }
            if !elements.isEmpty { newline(indent: indent) }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            let sorted = Self.sortedMembers(members)
            output.append(UInt8(ascii: "{"))
            for (position, member) in sorted.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent: indent + 1)
                Self.writeString(member.key, into: &output)
                output.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                member.value.writePretty(into: &output, indent: indent + 1)
            }
            if !sorted.isEmpty { newline(indent: indent) }
            output.append(UInt8(ascii: "}"))
        default:
            writeScalar(into: &output)
        }
    }

    private func writeScalar(into output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): output.append(contentsOf: String(value).utf8)
        case .number(let value): output.append(contentsOf: Self.format(value).utf8)
        case .string(let value): Self.writeString(value, into: &output)
        case .array, .object: preconditionFailure("containers are written by the caller")
        }
    }

    private static func sortedMembers(_ members: JSONObject) -> [(key: String, value: JSONValue)] {
        var present: [(key: String, value: JSONValue)] = []
        present.reserveCapacity(members.count)
        for member in members {
            if case .null = member.value { continue }
            present.append(member)
        }
        present.sort { precedesInUTF16($0.key, $1.key) }
        return present
    }

    /// Whether `lhs` sorts before `rhs` by UTF-16 code units (RFC 8785 §3.2.3). UTF-8 byte order equals
    /// scalar order, which differs from UTF-16 order only between a supplementary scalar (a surrogate pair,
    /// 0xD800...) and a scalar from U+E000 to U+FFFF; only that case needs a closer look.
    private static func precedesInUTF16(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.unicodeScalars.makeIterator()
        var right = rhs.unicodeScalars.makeIterator()
        while true {
            guard let a = left.next() else { return right.next() != nil }
            guard let b = right.next() else { return false }
            if a == b { continue }
            return firstUTF16Unit(a) == firstUTF16Unit(b) ? a.value < b.value : firstUTF16Unit(a) < firstUTF16Unit(b)
        }
    }

    private static func firstUTF16Unit(_ scalar: Unicode.Scalar) -> UInt32 {
        scalar.value < 0x10000 ? scalar.value : 0xD800 + ((scalar.value - 0x10000) >> 10)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ value: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output.append(contentsOf: value.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
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
