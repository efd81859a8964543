import SetlistCore

/// The simulated content of tasks: seeded song titles, tags and durations, result ids, and the documented task
/// failures.
extension SimulatorCore {
    func songs(for request: MusicRequest, state: inout SimulatorState) -> [SimSong] {
        songs(
            customMode: request.customMode, title: request.title, style: request.style, description: request.prompt,
            duration: request.duration, state: &state)
    }

    /// The answer shape's number of seeded variations (two by default): the title and style as sent in custom
    /// mode; in simple mode a title from the first words of the description and a seeded genre.
    func songs(
        customMode: Bool, title: String?, style: String?, description: String?, duration: Int?,
        state: inout SimulatorState
    ) -> [SimSong] {
        let genres = ["pop", "rock", "electronic", "folk", "r&b", "jazz", "hip-hop", "ambient", "country", "soul"]
        let title = customMode ? title ?? "" : SimulatorCore.title(fromDescription: description ?? "")
        let tags = customMode ? style ?? "" : genres[Int.random(in: 0..<genres.count, using: &state.random)]
        return (0..<configuration.answerShape.resultsPerTask).map { _ in
            let seconds = duration.map { Double($0) * state.uniform(0.95...1.05) } ?? state.uniform(90...240)
            return SimSong(
                resultID: SimulatorCore.uuid(&state.random), title: title, tags: tags,
                duration: (seconds * 10).rounded() / 10
            )
        }
    }

    static func title(fromDescription description: String) -> String {
        let words = description.split(whereSeparator: \.isWhitespace).prefix(4)
        let title = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        return String(title.prefix(SunoModel.maxTitle))
    }

    /// Task failures the `fail` fault draws from: documented business codes (api-contract §A.4).
    static let failures: [SimFailure] = [
        SimFailure(code: "service_error", message: "The generation service had an internal error. Please retry later."),
        SimFailure(code: "generation_timeout", message: "The generation timed out. Please retry later."),
        SimFailure(code: "service_unavailable", message: "The generation service is unavailable. Please retry later."),
        SimFailure(code: "resource_exhausted", message: "Generation resources are exhausted. Please retry later."),
        SimFailure(
            code: "generation_failed_no_content", message: "The generation produced no content. Try a different prompt."
        ),
        SimFailure(
            code: "content_policy_violation",
            message: "Content policy violation.\nYour request was blocked by safety filters."
        ),
    ]

    static func randomText(_ length: Int, alphabet: String, _ random: inout SeededRandom) -> String {
        let characters = Array(alphabet)
        return String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count, using: &random)] })
    }

    static func uuid(_ random: inout SeededRandom) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }
}
