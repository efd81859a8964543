/// The checks of single song values: non-blank text, weights, callback URLs; and how messages show numbers.
extension ManifestResolver {
    /// Lyrics (a song's, or one extension's) within the model's custom-mode prompt limit; `file` is where they
    /// were read from, if they were.
    mutating func checkLyricsLength(
        _ lyrics: Located<String>, file: Located<String>?, model: ModelCapabilities, owner: String
    ) {
        guard Self.length(lyrics.value) > model.maxCustomPrompt else { return }
        let what = file.map { "the lyrics in \($0.value) are" } ?? "lyrics are"
        error(
            at: lyrics.location,
            "\(owner): \(what) \(Self.length(lyrics.value)) characters; \(model.name) "
                + "allows \(model.maxCustomPrompt) in custom mode. Shorten them.")
    }

    mutating func nonBlank(_ value: Located<String>?, owner: String, field: String) -> Located<String>? {
        guard let value else { return nil }
        guard !Self.isBlank(value.value) else {
            error(at: value.location, "\(owner): \(field) is empty; give it a value or remove the key.")
            return nil
        }
        return value
    }

    mutating func weight(_ value: Located<Double>?, owner: String, field: String) -> Located<Double>? {
        guard let value else { return nil }
        guard (0...1).contains(value.value) else {
            error(
                at: value.location,
                "\(owner): \(field) is \(Self.number(value.value)); it must be between "
                    + "0 and 1.")
            return nil
        }
        let step = WeightStep.tenth
        if step.isOffStep(value.value) {
            let sent = step.rounded(value.value)
            let advice =
                sent == 0
                ? "0 will be sent, which the provider reads as unset. Write 0.1, or remove the key."
                : "\(Self.number(sent)) will be sent. Write \(Self.number(sent)) to keep this warning away."
            warning(
                at: value.location,
                "\(owner): \(field) \(Self.number(value.value)) has more than one decimal, the step the provider "
                    + "documents; \(advice)")
        }
        return value
    }

    mutating func checkCallbackURL(_ value: Located<String>, owner: String) -> Located<String>? {
        let text = value.value
        guard Self.length(text) <= 2048 else {
            error(
                at: value.location,
                "\(owner): callback_url is \(Self.length(text)) characters; the provider "
                    + "allows 2048.")
            return nil
        }
        guard let url = CheckedURL(text), url.scheme == "https" else {
            error(
                at: value.location,
                "\(owner): callback_url must be an https URL, such as "
                    + "https://example.com/hooks/suno; the provider calls back over https only.")
            return nil
        }
        guard !url.isInternal else {
            error(
                at: value.location,
                "\(owner): callback_url points to an internal address (\(url.host)); the "
                    + "provider refuses loopback, private and link-local hosts. Use a public https endpoint.")
            return nil
        }
        return value
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    static func reason(_ failure: any Error) -> String {
        String(describing: failure)
    }
}
