/// An ID3v2.4 tag as setlist writes it into an album track: a header and the frames, every text in UTF-8
/// (encoding byte 3), no unsynchronisation, no extended header, no padding. See the ID3v2.4 structure and
/// frames documents (id3.org, 2000).
///
/// ```swift
/// let tag = ID3Tag(frames: [.text(.title, "Open Road"), .text(.track, "1/8")])
/// let tagged = try tag.replacingTags(in: providerFile)   // the provider's own tag replaced, audio unchanged
/// ```
public struct ID3Tag: Sendable, Hashable {
    /// The frames in the order they are written.
    public var frames: [ID3Frame]

    /// Creates a tag holding `frames`.
    public init(frames: [ID3Frame]) {
        self.frames = frames
    }

    /// The largest size a syncsafe integer can hold: 2^28 - 1 bytes, for a frame and for the whole tag.
    public static let largestSize = (1 << 28) - 1

    /// The tag's bytes: the ten-byte header, then each frame with its ten-byte header.
    public func encoded() throws(ID3TagError) -> [UInt8] {
        var body: [UInt8] = []
        for frame in frames {
            let content = frame.content
            guard content.count <= Self.largestSize else { throw .frameTooLarge(frame.identifier) }
            body += Array(frame.identifier.utf8)
            body += Self.syncsafe(content.count)
            body += [0, 0]
            body += content
        }
        guard body.count <= Self.largestSize else { throw .tagTooLarge }
        return Array("ID3".utf8) + [4, 0, 0] + Self.syncsafe(body.count) + body
    }

    /// `file` with every ID3v2 tag at its start replaced by this one; the bytes after those tags (the audio
    /// frames, and an ID3v1 tag at the end if there is one) are kept byte for byte.
    public func replacingTags(in file: [UInt8]) throws(ID3TagError) -> [UInt8] {
        try encoded() + Self.audio(of: file)
    }

    /// The bytes of `file` after every ID3v2 tag at its start (a tagger may have stacked several).
    /// A header that claims more bytes than the file holds is an error, not a tag to cut at.
    public static func audio(of file: [UInt8]) throws(ID3TagError) -> ArraySlice<UInt8> {
        var start = 0
        while let length = try leadingTagLength(file[start...]) {
            start += length
        }
        return file[start...]
    }

    /// The length of the ID3v2 tag at the start of `bytes`, footer included; nil when none starts there.
    private static func leadingTagLength(_ bytes: ArraySlice<UInt8>) throws(ID3TagError) -> Int? {
        guard bytes.count >= 10 else { return nil }
        let header = Array(bytes.prefix(10))
        guard header[0] == UInt8(ascii: "I"), header[1] == UInt8(ascii: "D"), header[2] == UInt8(ascii: "3"),
            header[3] != 0xFF, header[4] != 0xFF, header[6..<10].allSatisfy({ $0 < 0x80 })
        else { return nil }
        let size = header[6..<10].reduce(0) { ($0 << 7) | Int($1) }
        let hasFooter = header[3] == 4 && header[5] & 0x10 != 0
        let length = 10 + size + (hasFooter ? 10 : 0)
        guard length <= bytes.count else { throw .damagedTag(claimed: length, available: bytes.count) }
        return length
    }

    /// `value` as a four-byte syncsafe integer: seven bits a byte, most significant first.
    static func syncsafe(_ value: Int) -> [UInt8] {
        [UInt8((value >> 21) & 0x7F), UInt8((value >> 14) & 0x7F), UInt8((value >> 7) & 0x7F), UInt8(value & 0x7F)]
    }
}

/// One frame of an ``ID3Tag``.
public enum ID3Frame: Sendable, Hashable {
    /// A text information frame (`TIT2`, `TPE1`, …) holding one UTF-8 string.
    case text(ID3TextFrame, String)
    /// A user-defined text frame (`TXXX`): a description naming the value, and the value.
    case userText(description: String, value: String)
    /// Unsynchronised lyrics (`USLT`) in an ISO 639-2 language (three letters, `und` when unknown).
    case lyrics(language: String, text: String)
    /// The front cover picture (`APIC`, picture type 3) with its MIME type, e.g. `image/jpeg`.
    case frontCover(mimeType: String, data: [UInt8])

    /// The frame's four-character identifier.
    public var identifier: String {
        switch self {
        case .text(let frame, _): frame.rawValue
        case .userText: "TXXX"
        case .lyrics: "USLT"
        case .frontCover: "APIC"
        }
    }

    /// The frame's content, after its ten-byte header.
    var content: [UInt8] {
        let utf8: UInt8 = 3
        switch self {
        case .text(_, let value):
            return [utf8] + Array(value.utf8)
        case .userText(let description, let value):
            return [utf8] + Array(description.utf8) + [0] + Array(value.utf8)
        case .lyrics(let language, let text):
            let code = Array(language.utf8.prefix(3))
            return [utf8] + code + Array(repeating: UInt8(ascii: " "), count: 3 - code.count) + [0] + Array(text.utf8)
        case .frontCover(let mimeType, let data):
            let frontCoverType: UInt8 = 3
            return [utf8] + Array(mimeType.utf8) + [0, frontCoverType, 0] + data
        }
    }
}

/// The text information frames setlist writes.
public enum ID3TextFrame: String, Sendable, Hashable, CaseIterable {
    /// The track's title.
    case title = "TIT2"
    /// The track's artist.
    case artist = "TPE1"
    /// The album artist.
    case albumArtist = "TPE2"
    /// The album's name.
    case album = "TALB"
    /// The track number and count, `n/N`.
    case track = "TRCK"
    /// The recording time; setlist writes the year.
    case recordingTime = "TDRC"
    /// The genre.
    case genre = "TCON"
}

/// Why an ``ID3Tag`` could not be written or a file's tag could not be read past.
public enum ID3TagError: Error, Sendable, Hashable {
    /// A frame's content is over 256 MiB, more than its syncsafe size can say.
    case frameTooLarge(String)
    /// The frames together are over 256 MiB.
    case tagTooLarge
    /// The file starts with an ID3v2 header claiming `claimed` bytes, but only `available` are there.
    case damagedTag(claimed: Int, available: Int)
}
