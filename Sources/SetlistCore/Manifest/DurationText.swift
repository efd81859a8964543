/// Durations as manifests write them: a whole number with a unit, `90s`, `15m`, `2h`, or units combined from
/// the largest down, `1h30m`, `2m30s`.
enum DurationText {
    /// The duration `text` stands for, or nil when it is not written in this form.
    static func parse(_ text: String) -> Duration? {
        var seconds: Int64 = 0
        var number: Int64?
        var lastUnitRank = Int.max
        for character in text.unicodeScalars {
            if ("0"..."9").contains(character) {
                let digit = Int64(character.value - 48)
                let (shifted, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, shifted <= Int64.max / 3600 - 9 else { return nil }
                number = shifted + digit
                continue
            }
            guard let value = number, let (rank, scale) = unit(character), rank < lastUnitRank else { return nil }
            seconds += value * scale
            guard seconds <= Int64.max / 3600 else { return nil }
            lastUnitRank = rank
            number = nil
        }
        guard number == nil, lastUnitRank != Int.max else { return nil }
        return .seconds(seconds)
    }

    private static func unit(_ character: Unicode.Scalar) -> (rank: Int, scale: Int64)? {
        switch character {
        case "h": (3, 3600)
        case "m": (2, 60)
        case "s": (1, 1)
        default: nil
        }
    }
}
