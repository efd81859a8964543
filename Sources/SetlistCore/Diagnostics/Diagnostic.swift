/// A position in a source file, 1-based, as editors and compilers count.
public struct SourceLocation: Hashable, Sendable, Comparable, Codable {
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column number.
    public var column: Int

    /// Creates a location from a 1-based line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Orders locations by line, then column.
    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// How serious a diagnostic is.
public enum DiagnosticSeverity: String, Sendable, Hashable, Codable {
    /// The input cannot be used; nothing is sent.
    case error
    /// The input is used, but probably not as the author meant.
    case warning
    /// Extra context attached to an error or warning.
    case note
}

/// One finding about an input file, printed in compiler format.
public struct Diagnostic: Hashable, Sendable, Codable {
    /// How serious the finding is.
    public var severity: DiagnosticSeverity
    /// Where in the file the finding points, when known.
    public var location: SourceLocation?
    /// A full sentence saying what is wrong and, where possible, what to do.
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: DiagnosticSeverity, at location: SourceLocation?, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// Creates an error diagnostic.
    public static func error(at location: SourceLocation?, _ message: String) -> Diagnostic {
        Diagnostic(.error, at: location, message)
    }

    /// Creates a warning diagnostic.
    public static func warning(at location: SourceLocation?, _ message: String) -> Diagnostic {
        Diagnostic(.warning, at: location, message)
    }

    /// Renders the diagnostic as `path:line:col: severity: message`, the format editors and CI parse.
    public func formatted(path: String) -> String {
        guard let location else { return "\(path): \(severity.rawValue): \(message)" }
        return "\(path):\(location.line):\(location.column): \(severity.rawValue): \(message)"
    }
}

extension Array where Element == Diagnostic {
    /// True when at least one diagnostic is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }

    /// The diagnostics ordered by position; diagnostics without a position come first, ties keep their order.
    public func sortedByPosition() -> [Diagnostic] {
        enumerated().sorted { lhs, rhs in
            let l = lhs.element.location ?? SourceLocation(line: 0, column: 0)
            let r = rhs.element.location ?? SourceLocation(line: 0, column: 0)
            return l == r ? lhs.offset < rhs.offset : l < r
        }.map(\.element)
    }
}
