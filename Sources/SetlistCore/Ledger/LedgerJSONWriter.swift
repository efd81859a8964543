/// Writes the ledger's JSON straight into UTF-8 bytes, in the exact format Foundation's `JSONEncoder` gives with
/// `.sortedKeys` and `.withoutEscapingSlashes` (plus `.prettyPrinted` for the snapshot, with empty containers
/// written `[]` and `{}`), without building a tree of the whole value first.
///
/// Members are named by `CodingKey` cases, whose `stringValue` is written as it is (keys are plain ASCII). Callers
/// write each object's keys in ascending order of their UTF-8 bytes, as `.sortedKeys` would; objects keyed
/// by data (the ledger's jobs) are written from a dictionary, which sorts them. Strings escape `"`, `\` and the
/// control characters below U+0020 (`\b`, `\f`, `\n`, `\r`, `\t`, else `\u00xx`); everything else, slashes and
/// non-ASCII text included, is written as it is. Numbers are written as Swift prints them, a whole `Double`
/// without its `.0`.
struct LedgerJSONWriter {
    private var bytes: [UInt8]
    private let pretty: Bool
    private var failure: LedgerEncodingError?
    private var depth = 0
    private var containerHasMembers = false

    /// Creates a writer: `pretty` for the snapshot's indented form, else one compact line. `capacity` reserves
    /// room for the expected output, so that a large snapshot is not copied while it grows.
    init(pretty: Bool, capacity: Int = 256) {
        self.pretty = pretty
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The bytes written, followed by `terminator`; throws if a value could not be written as JSON. Leaves the
    /// writer empty, so that the bytes are handed over rather than shared (appending to a shared buffer copies it).
    mutating func finish(appending terminator: UInt8) throws(LedgerEncodingError) -> [UInt8] {
        if let failure { throw failure }
        bytes.append(terminator)
        defer { bytes = [] }
        return bytes
    }

    // MARK: Containers

    /// Writes an object whose members `body` writes with the `field` and `key` methods.
    mutating func object(_ body: (inout LedgerJSONWriter) -> Void) {
        container(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), body)
    }

    /// Writes `dictionary` as an object, its keys sorted as `.sortedKeys` sorts them (by their UTF-8 bytes), each
    /// member's value written by `value`.
    mutating func object<Value>(_ dictionary: [String: Value], _ value: (inout LedgerJSONWriter, Value) -> Void) {
        let keys = dictionary.keys
        let sorted = dictionary.indices.sorted { Self.utf8Precedes(keys[$0], keys[$1]) }
        object { writer in
            for index in sorted {
                writer.key(keys[index])
                value(&writer, dictionary.values[index])
            }
        }
    }

    /// Whether `left` sorts before `right` by their UTF-8 bytes, comparing the bytes in place.
    private static func utf8Precedes(_ left: String, _ right: String) -> Bool {
        var left = left
        var right = right
        return left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes in leftBytes.lexicographicallyPrecedes(rightBytes) }
        }
    }

    /// Writes an array with one element per item of `items`, each written by `element`.
    mutating func array<Items: Sequence>(_ items: Items, _ element: (inout LedgerJSONWriter, Items.Element) -> Void) {
        container(open: UInt8(ascii: "["), close: UInt8(ascii: "]")) { writer in
            for item in items {
                writer.startMember()
                element(&writer, item)
            }
        }
    }

    private mutating func container(open: UInt8, close: UInt8, _ body: (inout LedgerJSONWriter) -> Void) {
        bytes.append(open)
        let outerHasMembers = containerHasMembers
        containerHasMembers = false
        depth += 1
        body(&self)
        depth -= 1
        if containerHasMembers, pretty { newlineAndIndent() }
        bytes.append(close)
        containerHasMembers = outerHasMembers
    }

    /// Starts a member of the current container: the separator from the previous one and, when pretty, a new
    /// indented line.
    private mutating func startMember() {
        if containerHasMembers { bytes.append(UInt8(ascii: ",")) }
        containerHasMembers = true
        if pretty { newlineAndIndent() }
    }

    private mutating func newlineAndIndent() {
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<(2 * depth) { bytes.append(UInt8(ascii: " ")) }
    }

    /// Appends `text` as it is.
    private mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    // MARK: Keys

    /// Starts the member `name` of the current object; write its value next.
    mutating func key(_ name: some CodingKey) {
        startMember()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: name.stringValue.utf8)
        bytes.append(UInt8(ascii: "\""))
        writeColon()
    }

    /// Starts the member named by data (such as a job id) of the current object; write its value next.
    mutating func key(_ name: String) {
        startMember()
        string(name)
        writeColon()
    }

    private mutating func writeColon() {
        if pretty { raw(" : ") } else { bytes.append(UInt8(ascii: ":")) }
    }

    // MARK: Fields

    /// Writes the member `name` with a string value.
    mutating func field(_ name: some CodingKey, _ value: String) {
        key(name)
        string(value)
    }

    /// Writes the member `name` with a string value, or nothing when `value` is nil.
    mutating func field(_ name: some CodingKey, _ value: String?) {
        guard let value else { return }
        field(name, value)
    }

    /// Writes the member `name` with an enumeration's raw value.
    mutating func field(_ name: some CodingKey, _ value: some RawRepresentable<String>) {
        field(name, value.rawValue)
    }

    /// Writes the member `name` with an enumeration's raw value, or nothing when `value` is nil.
    mutating func field(_ name: some CodingKey, _ value: (some RawRepresentable<String>)?) {
        guard let value else { return }
        field(name, value.rawValue)
    }

    /// Writes the member `name` with an integer value.
    mutating func field(_ name: some CodingKey, _ value: some BinaryInteger) {
        key(name)
        integer(value)
    }

    /// Writes the member `name` with an integer value, or nothing when `value` is nil.
    mutating func field(_ name: some CodingKey, _ value: (some BinaryInteger)?) {
        guard let value else { return }
        field(name, value)
    }

    /// Writes the member `name` with a number value. Infinity and NaN, which JSON cannot hold, make
    /// ``finish(appending:)`` throw.
    mutating func field(_ name: some CodingKey, _ value: Double) {
        key(name)
        number(value, name: name.stringValue)
    }

    /// Writes the member `name` with a number value, or nothing when `value` is nil.
    mutating func field(_ name: some CodingKey, _ value: Double?) {
        guard let value else { return }
        field(name, value)
    }

    /// Writes the member `name` with a value that writes itself.
    mutating func field(_ name: some CodingKey, _ value: some LedgerJSONWritable) {
        key(name)
        value.writeJSON(to: &self)
    }

    /// Writes the member `name` with a value that writes itself, or nothing when `value` is nil.
    mutating func field(_ name: some CodingKey, _ value: (some LedgerJSONWritable)?) {
        guard let value else { return }
        field(name, value)
    }

    /// Writes the member `name` with an array of values that write themselves.
    mutating func field(_ name: some CodingKey, _ values: [some LedgerJSONWritable]) {
        key(name)
        array(values) { writer, value in value.writeJSON(to: &writer) }
    }

    /// Writes the member `name` with a boolean value.
    mutating func field(_ name: some CodingKey, _ value: Bool) {
        key(name)
        if value { raw("true") } else { raw("false") }
    }

    // MARK: Values

    /// Writes `value` as a JSON string.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { appendEscaped($0) }
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            runStart = index + 1
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
            default:
                raw("u00")
                bytes.append(Self.lowercaseHexDigit(byte >> 4))
                bytes.append(Self.lowercaseHexDigit(byte & 0x0F))
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        bytes.append(UInt8(ascii: "\""))
    }

    private static func lowercaseHexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// Writes `value` in decimal digits.
    mutating func integer(_ value: some BinaryInteger) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        guard magnitude >= 10 else {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        let start = bytes.count
        var remaining = magnitude
        while remaining > 0 {
            let (quotient, digit) = remaining.quotientAndRemainder(dividingBy: 10)
            bytes.append(UInt8(ascii: "0") + UInt8(digit))
            remaining = quotient
        }
        bytes[start...].reverse()
    }

    /// Writes `value` as Swift prints it, without the `.0` of a whole number. Records infinity and NaN as the
    /// failure ``finish(appending:)`` throws, naming the member `name`.
    private mutating func number(_ value: Double, name: String) {
        guard value.isFinite else {
            failure = failure ?? .nonFiniteNumber(value, key: name)
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }
}

/// A ledger value that writes itself as JSON with a ``LedgerJSONWriter``.
protocol LedgerJSONWritable {
    /// Writes the value, as `JSONEncoder` would encode it with sorted keys.
    func writeJSON(to writer: inout LedgerJSONWriter)
}

/// A ledger value that JSON cannot hold.
public enum LedgerEncodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A number is infinite or not a number.
    case nonFiniteNumber(Double, key: String)

    /// A full sentence saying what is wrong.
    public var description: String {
        switch self {
        case .nonFiniteNumber(let value, let key):
            "The value of '\(key)' is \(value), which JSON cannot hold; "
                + "a provider reported a number that is not finite."
        }
    }
}
