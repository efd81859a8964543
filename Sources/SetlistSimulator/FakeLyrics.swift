import SetlistCore

/// The lyrics a simulated lyrics task writes: verses, a chorus and a bridge in Suno's `[Section]` notation, built
/// from the topic's words and lines picked by a generator seeded with the simulator's seed and the topic, so the
/// same topic gives the same lyrics under the same seed.
enum FakeLyrics {
    /// Lyrics about `topic`, with `title` as the chorus hook.
    static func text(topic: String, title: String, seed: UInt64) -> String {
        var random = SeededRandom(seed: Media.fnv1a("\(seed):lyrics:\(topic)"))
        let words = topic.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        let subject = words.isEmpty ? "the song" : words.prefix(3).joined(separator: " ")
        let hook = title.isEmpty ? SimulatorCore.title(fromDescription: subject) : title
        func pick(_ lines: [String], _ count: Int) -> [String] {
            lines.shuffled(using: &random).prefix(count).map {
                $0.split(separator: "@", omittingEmptySubsequences: false).joined(separator: subject)
            }
        }
        let verse = pick(verseLines, 8)
        let chorus = ["\(hook), \(hook)"] + pick(chorusLines, 3)
        let bridge = pick(bridgeLines, 2)
        let sections: [(String, [String])] = [
            ("Verse", Array(verse.prefix(4))), ("Chorus", chorus), ("Verse 2", Array(verse.suffix(4))),
            ("Chorus", chorus), ("Bridge", bridge), ("Chorus", chorus), ("Outro", ["\(hook)…"]),
        ]
        return sections.map { name, lines in "[\(name)]\n" + lines.joined(separator: "\n") }
            .joined(separator: "\n\n")
    }

    private static let verseLines = [
        "I woke up thinking of @", "The morning light was made of @", "We walked for hours chasing @",
        "Every window showed me @", "The radio kept playing @", "You wrote it down, a note on @",
        "The city hums the tune of @", "I kept a photograph of @", "The road runs long, it smells of @",
        "We never stopped to talk of @", "Somewhere a door is open to @", "The ticket said one way to @",
    ]

    private static let chorusLines = [
        "Hold on, hold on, we're nearly there", "Sing it loud into the air", "All the night is ours to keep",
        "Louder than the world asleep", "Turn it up and let it go", "Everybody wants to know",
    ]

    private static let bridgeLines = [
        "And if it fades, we'll start again", "The quiet part before the end", "One more time, just one more round",
        "We lift our feet right off the ground",
    ]
}
