import Foundation

/// An API key that only the `Authorization` header ever sees: its descriptions and mirror are redacted, and
/// ``redact(_:)`` scrubs it from any text (including text a server echoed back) before that text is shown.
struct APICredential: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let key: String

    init(_ key: String) {
        self.key = key
    }

    /// The value of the `Authorization` header.
    var bearerAuthorization: String { "Bearer \(key)" }

    /// `text` with every occurrence of the key replaced by `<redacted>`.
    func redact(_ text: String) -> String {
        key.isEmpty ? text : text.replacingOccurrences(of: key, with: "<redacted>")
    }

    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    var customMirror: Mirror { Mirror(self, children: []) }
}
