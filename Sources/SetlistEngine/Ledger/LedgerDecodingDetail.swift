/// Turns a decoding failure into the end of a sentence for ledger error messages.
enum LedgerDecodingDetail {
    /// Whether `error` says that a newer version of setlist wrote the value: a snapshot `format` or a journal
    /// event `type` this version does not know.
    static func isNewerFormat(_ error: any Error) -> Bool {
        guard case DecodingError.dataCorrupted(let context) = error, let key = context.codingPath.last else {
            return false
        }
        return key.stringValue == "format" || key.stringValue == "type"
    }

    /// A sentence saying what is wrong with the decoded JSON and where, ending with a period.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return ErrorSentence.describe(error) + "." }
        switch error {
        case .dataCorrupted(let context):
            return sentence(context.debugDescription, at: context.codingPath)
        case .keyNotFound(let key, let context):
            return sentence("The key '\(key.stringValue)' is missing.", at: context.codingPath)
        case .typeMismatch(let type, let context):
            return sentence("A value is not of the expected type \(type).", at: context.codingPath)
        case .valueNotFound(let type, let context):
            return sentence("A value of type \(type) is missing.", at: context.codingPath)
        @unknown default:
            return "\(error)"
        }
    }

    private static func sentence(_ text: String, at path: [any CodingKey]) -> String {
        let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
        guard !path.isEmpty else { return trimmed + "." }
        let location = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return "\(trimmed) (at '\(location)')."
    }
}
