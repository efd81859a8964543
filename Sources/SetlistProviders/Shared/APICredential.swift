import Foundation

/// An API key that only the `Authorization` header ever sees: its descriptions and mirror are redacted, and
/// ``redact(_:)`` scrubs it from any text (including text a server echoed back) before that text is shown.
struct APICredential: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Keys at least this long are scrubbed wherever they occur; shorter ones (test keys such as `k`) only where
    /// they stand alone, so that words containing them stay readable.
    static let substringRedactionLength = 16

    private let key: String

    init(_ key: String) {
        self.key = key
    }

    /// The value of the `Authorization` header.
    var bearerAuthorization: String { "Bearer \(key)" }

    /// `text` with the key replaced by `<redacted>`.
    func redact(_ text: String) -> String {
        guard !key.isEmpty, text.contains(key) else { return text }
        if key.count >= Self.substringRedactionLength {
            return text.replacingOccurrences(of: key, with: "<redacted>")
        }
        var result = ""
        var rest = text[...]
        while let range = rest.range(of: key) {
            let before =
                range.lowerBound == rest.startIndex
                ? result.last : rest[rest.index(before: range.lowerBound)]
            let after = range.upperBound == rest.endIndex ? nil : rest[range.upperBound]
            let standsAlone =
                !(before?.isLetter ?? false) && !(before?.isNumber ?? false)
                && !(after?.isLetter ?? false) && !(after?.isNumber ?? false)
            result += rest[..<range.lowerBound]
            result += standsAlone ? "<redacted>" : key
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    var customMirror: Mirror { Mirror(self, children: []) }
}
