import Yams

/// The reader's typed values: known keys of a mapping, and strings, numbers, durations and choices read with a
/// diagnostic for each value of the wrong type or out of range.
extension RawManifestReader {
    struct Entry {
        var key: String
        var keyLocation: SourceLocation
        var value: Node
    }

    /// The entries with known keys; unknown and non-text keys are reported.
    mutating func entries(of mapping: Node.Mapping, owner: String?, known: [String]) -> [Entry] {
        var result: [Entry] = []
        result.reserveCapacity(mapping.count)
        for (keyNode, value) in mapping {
            guard case .string(let key) = YAMLValue(keyNode) else {
                error(keyNode, "\(Self.prefix(owner))keys must be text, not \(YAMLValue(keyNode).kindDescription).")
                continue
            }
            guard known.contains(key) else {
                reportUnknownKey(key, at: keyNode, owner: owner, known: known)
                continue
            }
            result.append(Entry(key: key, keyLocation: Self.location(of: keyNode), value: value))
        }
        return result
    }

    mutating func reportUnknownKey(_ key: String, at node: Node, owner: String?, known: [String]) {
        let place = owner.map { "in \($0)" } ?? "at the top level"
        if owner == "defaults", ManifestKeys.perSongOnly.contains(key) {
            error(node, "defaults: \(key) cannot have a default; set it on each song.")
        } else if let hint = ManifestKeys.hints[key] {
            error(node, "unknown key '\(key)' \(place); \(hint).")
        } else {
            error(node, "unknown key '\(key)' \(place)" + Suggestion.clause(for: key, in: known))
        }
    }

    // MARK: Typed values

    mutating func mapping(_ node: Node, what: String) -> Node.Mapping? {
        let value = YAMLValue(node)
        if case .mapping(let mapping) = value { return mapping }
        error(node, "\(what) must be a mapping of keys, not \(value.kindDescription).")
        return nil
    }

    mutating func list(_ node: Node, owner: String?, field: String) -> [Node] {
        let value = YAMLValue(node)
        if case .sequence(let items) = value { return items }
        let example =
            switch field {
            case "songs", "personas", "lyrics": "a list of entries starting with '- id:'"
            case "extend": "a list of extensions starting with '- at:'"
            case "vocal_window": "a list of two numbers, [start, end]"
            case "after": "a list of ids, such as [intro]"
            default: "a list, such as [audio, cover]"
            }
        error(node, "\(Self.prefix(owner))\(field) must be \(example), not \(value.kindDescription).")
        return []
    }

    mutating func string(_ node: Node, owner: String?, field: String) -> Located<String>? {
        let value = YAMLValue(node)
        switch value {
        case .string(let text):
            return Located(value: text, location: Self.location(of: node))
        case .null:
            error(node, "\(Self.prefix(owner))\(field) has no value; write one after the colon or remove the key.")
        case .bool, .int, .float:
            error(
                node,
                "\(Self.prefix(owner))\(field) must be text, not \(value.kindDescription) "
                    + "(\(node.scalar?.string ?? "")); put it in quotes.")
        case .sequence, .mapping:
            error(node, "\(Self.prefix(owner))\(field) must be text, not \(value.kindDescription).")
        }
        return nil
    }

    mutating func stringList(_ node: Node, owner: String, field: String) -> [Located<String>]? {
        list(node, owner: owner, field: field).compactMap { string($0, owner: owner, field: field) }
    }

    mutating func bool(_ node: Node, owner: String?, field: String) -> Located<Bool>? {
        let value = YAMLValue(node)
        if case .bool(let flag) = value { return Located(value: flag, location: Self.location(of: node)) }
        error(node, "\(Self.prefix(owner))\(field) must be true or false, not \(Self.shown(node, value)).")
        return nil
    }

    mutating func int(_ node: Node, owner: String?, field: String) -> Located<Int>? {
        let value = YAMLValue(node)
        if case .int(let number) = value { return Located(value: number, location: Self.location(of: node)) }
        error(node, "\(Self.prefix(owner))\(field) must be a whole number, not \(Self.shown(node, value)).")
        return nil
    }

    mutating func positiveInt(_ node: Node, owner: String, field: String) -> Located<Int>? {
        guard let number = int(node, owner: owner, field: field) else { return nil }
        guard number.value > 0 else {
            error(node, "\(owner): \(field) must be at least 1, not \(number.value).")
            return nil
        }
        return number
    }

    mutating func number(_ node: Node, owner: String?, field: String) -> Located<Double>? {
        let value = YAMLValue(node)
        switch value {
        case .int(let number): return Located(value: Double(number), location: Self.location(of: node))
        case .float(let number) where number.isFinite: return Located(value: number, location: Self.location(of: node))
        default:
            error(node, "\(Self.prefix(owner))\(field) must be a number, not \(Self.shown(node, value)).")
            return nil
        }
    }

    mutating func duration(_ node: Node, owner: String, field: String) -> Located<Duration>? {
        let value = YAMLValue(node)
        guard case .string(let text) = value, let duration = DurationText.parse(text) else {
            error(
                node,
                "\(owner): \(field) must be a duration such as 90s, 15m, 2h or 1h30m, "
                    + "not \(Self.shown(node, value)).")
            return nil
        }
        guard duration > .zero else {
            error(node, "\(owner): \(field) must be longer than zero.")
            return nil
        }
        return Located(value: duration, location: Self.location(of: node))
    }

    mutating func choice<Value: RawRepresentable & CaseIterable & Sendable & Hashable>(
        _ node: Node, owner: String?, field: String
    ) -> Located<Value>? where Value.RawValue == String {
        choice(node, owner: owner, field: field, cases: Array(Value.allCases))
    }

    mutating func choice<Value: RawRepresentable & Sendable & Hashable>(
        _ node: Node, owner: String?, field: String, cases: [Value]
    ) -> Located<Value>? where Value.RawValue == String {
        let value = YAMLValue(node)
        let names = cases.map(\.rawValue)
        if case .string(let text) = value, let choice = Value(rawValue: text) {
            return Located(value: choice, location: Self.location(of: node))
        }
        let shown = Self.shown(node, value)
        let ending: String
        if case .string(let text) = value, let close = Suggestion.closest(to: text, in: names) {
            ending = "; did you mean '\(close)'?"
        } else {
            ending = "."
        }
        error(
            node,
            "\(Self.prefix(owner))\(field) must be one of \(names.joined(separator: ", ")), not \(shown)"
                + ending)
        return nil
    }

    // MARK: Helpers

    mutating func error(_ node: Node, _ message: String) {
        diagnostics.append(.error(at: Self.location(of: node), message))
    }

    mutating func error(at location: SourceLocation, _ message: String) {
        diagnostics.append(.error(at: location, message))
    }

    static func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(line: 1, column: 1) }
        return SourceLocation(line: mark.line, column: mark.column)
    }

    static func prefix(_ owner: String?) -> String { owner.map { "\($0): " } ?? "" }

    /// A value as it appears in messages: scalars quoted as written, others by kind.
    static func shown(_ node: Node, _ value: YAMLValue) -> String {
        switch value {
        case .sequence, .mapping, .null: value.kindDescription
        default: "'\(node.scalar?.string ?? "")'"
        }
    }

    /// How messages name an entry of songs or personas: by its id when it has a usable one, else by position.
    static func owner(_ kind: String, _ node: Node, index: Int) -> String {
        if case .mapping(let mapping) = YAMLValue(node), let idNode = mapping["id"],
            case .string(let id) = YAMLValue(idNode), !id.isEmpty
        {
            return "\(kind) '\(id)'"
        }
        return "\(kind) #\(index + 1)"
    }
}
