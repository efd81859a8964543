import SetlistCore

/// How the simulator reads request bodies: strictly typed, with object members sorted by key, so that the
/// ``JSONValue/compact`` text of a parsed body identifies identical requests and echoes them in a stable order.
extension JSONValue {
    /// Parses `bytes` as one JSON value with every object's members sorted by key; nil when they are not JSON.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        (try? JSONParser.parse(bytes))?.sortedByKey
    }

    /// The value with every object's members sorted by key.
    private var sortedByKey: JSONValue {
        switch self {
        case .array(let elements):
            return .array(elements.map(\.sortedByKey))
        case .object(let members):
            var sorted = members.mapValues(\.sortedByKey)
            sorted.sort { $0.key < $1.key }
            return .object(sorted)
        default:
            return self
        }
    }

    /// Whether the value is JSON null.
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The string payload; nil for other values.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The boolean payload; nil for other values.
    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The JSON name of the value's type, for error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
