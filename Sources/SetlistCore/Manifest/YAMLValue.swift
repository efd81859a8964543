import Yams

/// How a YAML node reads, with YAML 1.1 rules for plain scalars (the rules of PyYAML and of editors' YAML
/// servers), so that `title: 1999` or `instrumental: yes` mean the same here as in the JSON Schema check.
enum YAMLValue {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case sequence([Node])
    case mapping(Node.Mapping)

    /// Classifies a node. Quoted and block scalars are always strings.
    init(_ node: Node) {
        switch node {
        case .mapping(let mapping): self = .mapping(mapping)
        case .sequence(let sequence): self = .sequence(Array(sequence))
        case .alias: self = .null
        case .scalar(let scalar):
            guard scalar.style == .plain || scalar.style == .any else {
                self = .string(scalar.string)
                return
            }
            self = YAMLValue.plain(scalar.string)
        }
    }

    /// A few words naming the kind of value, for messages (`a number`, `a list`).
    var kindDescription: String {
        switch self {
        case .null: "empty (null)"
        case .bool: "true/false"
        case .int, .float: "a number"
        case .string: "text"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    private static func plain(_ text: String) -> YAMLValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        guard let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return .string(text) }
        return number(text) ?? .string(text)
    }

    /// Decimal integers and floats as YAML 1.1 writes them (underscores allowed, floats need a dot).
    private static func number(_ text: String) -> YAMLValue? {
        let digits = text.filter { $0 != "_" }
        let allowed = Set("0123456789+-.eE")
        guard digits.allSatisfy(allowed.contains) else { return nil }
        if !digits.contains("."), !digits.contains("e"), !digits.contains("E") {
            return Int(digits.hasPrefix("+") ? String(digits.dropFirst()) : digits).map(YAMLValue.int)
        }
        guard digits.contains("."), let value = Double(digits) else { return nil }
        return .float(value)
    }
}
