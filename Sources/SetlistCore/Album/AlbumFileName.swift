/// File names in the album folder that every common file system accepts (ext4, APFS, NTFS, FAT32, SMB shares):
/// no `/ \ : * ? " < > |`, no control characters, no trailing dot or space, no reserved device name, and short
/// enough for a 255-byte limit with room to spare. Two tracks never share a name: the number comes first.
public enum AlbumFileName {
    /// The most UTF-8 bytes a title keeps in a file name; a longer one is cut at a character boundary.
    public static let titleByteLimit = 120

    /// `<NN> - <Title>.<ext>`: the track number padded to `digits` (at least two), the cleaned title.
    public static func track(number: Int, digits: Int, title: String, fileExtension: String) -> String {
        let padded = String(number)
        let width = max(2, digits)
        let prefix = String(repeating: "0", count: max(0, width - padded.count)) + padded
        return "\(prefix) - \(cleaned(title)).\(cleaned(fileExtension, fallback: "bin"))"
    }

    /// `title` made safe as (part of) a file name: forbidden characters become `_`, control characters and
    /// surrounding spaces go, runs of spaces become one, a trailing dot goes, a reserved device name (`CON`,
    /// `NUL`, `COM1`, …) gets a `_` after it, and a long title is cut to ``titleByteLimit`` bytes.
    /// An empty result is `fallback`.
    public static func cleaned(_ title: String, fallback: String = "Untitled") -> String {
        var text = ""
        var pendingSpace = false
        for character in title {
            if character.isWhitespace {
                pendingSpace = !text.isEmpty
                continue
            }
            guard !character.unicodeScalars.contains(where: isControl) else { continue }
            if pendingSpace { text.append(" ") }
            pendingSpace = false
            text.append(forbidden.contains(character) ? "_" : character)
        }
        text = cut(text, toBytes: titleByteLimit)
        while let last = text.last, last == "." || last == " " { text.removeLast() }
        if text.isEmpty { return fallback }
        let stem = text.split(separator: ".", maxSplits: 1).first.map(String.init) ?? text
        if reservedNames.contains(stem.uppercased()) { text = stem + "_" + text.dropFirst(stem.count) }
        return text
    }

    /// The characters Windows and FAT forbid in names (`/` is forbidden everywhere).
    private static let forbidden: Set<Character> = ["/", "\\", ":", "*", "?", "\"", "<", ">", "|"]

    /// Device names Windows reserves whatever the extension.
    private static let reservedNames: Set<String> = Set(
        ["CON", "PRN", "AUX", "NUL"] + (1...9).flatMap { ["COM\($0)", "LPT\($0)"] }
    )

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `text` cut to at most `limit` UTF-8 bytes without splitting a character.
    private static func cut(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            if bytes + size > limit { break }
            result.append(character)
            bytes += size
        }
        return result.trimmingTrailingSpaces()
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
