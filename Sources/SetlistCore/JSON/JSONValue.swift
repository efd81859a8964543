import OrderedCollections

/// The members of a JSON object, in insertion order.
public typealias JSONObject = OrderedDictionary<String, JSONValue>

/// A JSON document as a value: the one JSON type of every module. Objects keep their members in the order they
/// were added (or parsed), so a wire response comes out in its documented order; equality and hashing ignore
/// that order. The writers are in `JSONWriter.swift`: ``canonical`` and ``pretty`` sort keys and omit `null`
/// members, ``compact`` keeps both the order and the `null` members.
public enum JSONValue: Sendable {
    /// `null`. Omitted when it is an object member's value, except by ``compact``.
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
    /// An object, its members in insertion order.
    case object(JSONObject)

    /// An optional string as a value: `null` when absent.
    public static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// An optional integer as a value: `null` when absent.
    public static func optional(_ value: Int?) -> JSONValue { value.map(JSONValue.integer) ?? .null }

    /// An optional number as a value: `null` when absent.
    public static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    /// The member `key` of an object; nil for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The members of an object; nil for other values.
    public var objectValue: JSONObject? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array; nil for other values.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// An integer or a number as a `Double`; nil for other values.
    public var numberValue: Double? {
        switch self {
        case .integer(let integer): Double(integer)
        case .number(let number): number
        default: nil
        }
    }
}

extension JSONValue: Hashable {
    /// Whether two values are the same document: objects with the same members in any order are equal;
    /// an integer never equals a number.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let left), .bool(let right)): left == right
        case (.integer(let left), .integer(let right)): left == right
        case (.number(let left), .number(let right)): left == right
        case (.string(let left), .string(let right)): left == right
        case (.array(let left), .array(let right)): left == right
        case (.object(let left), .object(let right)):
            left.count == right.count && left.allSatisfy { key, value in right[key] == value }
        default: false
        }
    }

    /// Hashes the value so that equal values (objects in any member order) hash alike.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let flag): hasher.combine(flag)
        case .integer(let integer): hasher.combine(integer)
        case .number(let number): hasher.combine(number)
        case .string(let text): hasher.combine(text)
        case .array(let elements): hasher.combine(elements)
        case .object(let members):
            var orderFree = 0
            for (key, value) in members {
                var member = Hasher()
                member.combine(key)
                member.combine(value)
                orderFree &+= member.finalize()
            }
            hasher.combine(members.count)
            hasher.combine(orderFree)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    /// A string literal as ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }

    /// An integer literal as ``integer(_:)``.
    public init(integerLiteral value: Int) { self = .integer(value) }

    /// A boolean literal as ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
