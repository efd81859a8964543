/// Puts an ID3 tag into a RIFF/WAVE file as an `id3 ` chunk, the place mutagen, ffmpeg, foobar2000 and most
/// taggers read it from. Any `id3 ` or `ID3 ` chunk already there is dropped, so a tag is replaced, not stacked;
/// every other chunk (`fmt `, `data`, `LIST`, …) is kept byte for byte and in order.
public enum WAVTagging {
    /// Why a file could not be tagged.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The file does not start with a RIFF/WAVE header.
        case notWAVE
        /// A chunk claims more bytes than the file holds.
        case truncated(chunk: String)

        /// A sentence for the user.
        public var description: String {
            switch self {
            case .notWAVE: "the file does not start with a RIFF/WAVE header"
            case .truncated(let chunk): "its '\(chunk)' chunk claims more bytes than the file holds"
            }
        }
    }

    /// `wave` with `tag` as its only ID3 chunk, after the other chunks.
    public static func replacingTag(in wave: [UInt8], with tag: [UInt8]) throws(Problem) -> [UInt8] {
        guard wave.count >= 12, Array(wave[0..<4]) == Array("RIFF".utf8), Array(wave[8..<12]) == Array("WAVE".utf8)
        else { throw .notWAVE }
        var body: [UInt8] = Array("WAVE".utf8)
        var offset = 12
        while offset + 8 <= wave.count {
            let identifier = String(decoding: wave[offset..<offset + 4], as: UTF8.self)
            let size = Int(littleEndian: wave[offset + 4..<offset + 8])
            let end = offset + 8 + size + size % 2
            guard offset + 8 + size <= wave.count else { throw .truncated(chunk: identifier) }
            if identifier != "id3 ", identifier != "ID3 " {
                body += wave[offset..<min(end, wave.count)]
                if end > wave.count { body.append(0) }
            }
            offset = end
        }
        body += Array("id3 ".utf8) + littleEndianBytes(tag.count) + tag
        if tag.count % 2 == 1 { body.append(0) }
        return Array("RIFF".utf8) + littleEndianBytes(body.count) + body
    }

    private static func littleEndianBytes(_ value: Int) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}

extension Int {
    /// The value of four little-endian bytes.
    fileprivate init(littleEndian bytes: ArraySlice<UInt8>) {
        self = bytes.reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
