/// Turns a manifest file's bytes into text, locating the first byte that makes it not UTF-8 text.
enum TextDecoding {
    struct Problem: Error {
        var location: SourceLocation
        var message: String
    }

    static func decode(_ bytes: [UInt8]) -> Result<String, Problem> {
        var line = 1
        var column = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let width = sequenceWidth(bytes, at: index)
            guard width > 0 else {
                return .failure(
                    Problem(
                        location: SourceLocation(line: line, column: column),
                        message: "the manifest "
                            + "is not UTF-8 text (invalid byte 0x\(String(byte, radix: 16, uppercase: true))); save it as "
                            + "UTF-8 YAML."))
            }
            if byte == 0 {
                return .failure(
                    Problem(
                        location: SourceLocation(line: line, column: column),
                        message: "the manifest "
                            + "contains a NUL byte, so it is binary data, not YAML text; check that the right file was given."
                    ))
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += width
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// The 1-based line and column of the character at `offset` (in characters) of `text`.
    static func location(ofCharacter offset: Int, in text: String) -> SourceLocation {
        var line = 1
        var column = 1
        for character in text.unicodeScalars.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourceLocation(line: line, column: column)
    }

    /// The length of the well-formed UTF-8 sequence at `index`, or 0 when it is not one.
    private static func sequenceWidth(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let width: Int
        let secondRange: ClosedRange<UInt8>
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: (width, secondRange) = (2, 0x80...0xBF)
        case 0xE0: (width, secondRange) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (width, secondRange) = (3, 0x80...0xBF)
        case 0xED: (width, secondRange) = (3, 0x80...0x9F)
        case 0xF0: (width, secondRange) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (width, secondRange) = (4, 0x80...0xBF)
        case 0xF4: (width, secondRange) = (4, 0x80...0x8F)
        default: return 0
        }
        guard index + width <= bytes.count, secondRange.contains(bytes[index + 1]) else { return 0 }
        for offset in 2..<width where !(0x80...0xBF).contains(bytes[index + offset]) { return 0 }
        return width
    }
}
