import Testing

@testable import SetlistCore

@Suite("ID3v2.4 tags")
struct ID3TagTests {
    /// Bytes of an ASCII string.
    private func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("Sizes are syncsafe: seven bits a byte, most significant first")
    func syncsafeSizes() {
        #expect(ID3Tag.syncsafe(0) == [0, 0, 0, 0])
        #expect(ID3Tag.syncsafe(127) == [0, 0, 0, 127])
        #expect(ID3Tag.syncsafe(128) == [0, 0, 1, 0])
        #expect(ID3Tag.syncsafe(255) == [0, 0, 1, 127])
        #expect(ID3Tag.syncsafe(ID3Tag.largestSize) == [127, 127, 127, 127])
    }

    @Test("A text frame is its id, a syncsafe size, two zero flag bytes, encoding byte 3 and the UTF-8 text")
    func textFrameBytes() throws {
        let tag = ID3Tag(frames: [.text(.title, "Öpen")])
        let frame = ascii("TIT2") + [0, 0, 0, 6, 0, 0, 3] + [0xC3, 0x96] + ascii("pen")
        #expect(try tag.encoded() == ascii("ID3") + [4, 0, 0] + [0, 0, 0, UInt8(frame.count)] + frame)
    }

    @Test("TXXX holds the description, a zero byte and the value")
    func userTextFrameBytes() throws {
        let bytes = try ID3Tag(frames: [.userText(description: "setlist task id", value: "t-1")]).encoded()
        let content = [3] + ascii("setlist task id") + [0] + ascii("t-1")
        #expect(Array(bytes[10...]) == ascii("TXXX") + [0, 0, 0, UInt8(content.count), 0, 0] + content)
    }

    @Test("USLT holds the language, an empty descriptor and the lyrics")
    func lyricsFrameBytes() throws {
        let bytes = try ID3Tag(frames: [.lyrics(language: "eng", text: "la la\nla")]).encoded()
        let content = [3] + ascii("eng") + [0] + ascii("la la\nla")
        #expect(Array(bytes[10...]) == ascii("USLT") + [0, 0, 0, UInt8(content.count), 0, 0] + content)
    }

    @Test("APIC holds the MIME type, picture type 3 (front cover), an empty description and the image")
    func coverFrameBytes() throws {
        let image: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]
        let bytes = try ID3Tag(frames: [.frontCover(mimeType: "image/jpeg", data: image)]).encoded()
        let content = [3] + ascii("image/jpeg") + [0, 3, 0] + image
        #expect(Array(bytes[10...]) == ascii("APIC") + [0, 0, 0, UInt8(content.count), 0, 0] + content)
    }

    @Test("A frame over 127 bytes carries its size in two syncsafe bytes")
    func largeFrameSize() throws {
        let bytes = try ID3Tag(frames: [.text(.album, String(repeating: "a", count: 300))]).encoded()
        #expect(Array(bytes[14..<18]) == [0, 0, 2, 45])  // 301 = 2 * 128 + 45
        #expect(Array(bytes[6..<10]) == ID3Tag.syncsafe(311))
        #expect(bytes.count == 10 + 311)
    }

    @Test("A provider's tag is replaced, not stacked, and the audio after it is kept byte for byte")
    func replacesExistingTag() throws {
        let audio: [UInt8] = [0xFF, 0xFB, 0x90, 0x64] + (0..<600).map { UInt8($0 % 251) }
        let providerTag =
            ascii("ID3") + [3, 0, 0, 0, 0, 0, 20] + ascii("TIT2") + [0, 0, 0, 10, 0, 0] + [0] + ascii("old title")
        let ours = ID3Tag(frames: [.text(.title, "New")])
        let tagged = try ours.replacingTags(in: providerTag + audio)
        #expect(tagged == (try ours.encoded()) + audio)
        #expect(Digest.sha256Hex(Array(try ID3Tag.audio(of: tagged))) == Digest.sha256Hex(audio))
        #expect(try ours.replacingTags(in: tagged) == tagged)
    }

    @Test("Stacked tags and a v2.4 footer are all read past")
    func readsPastStackedTagsAndFooter() throws {
        let audio: [UInt8] = [0xFF, 0xFB, 0x50, 0xC4, 9, 9]
        let withFooter = ascii("ID3") + [4, 0, 0x10, 0, 0, 0, 2] + [0, 0] + ascii("3DI") + [4, 0, 0x10, 0, 0, 0, 2]
        let plain = ascii("ID3") + [4, 0, 0, 0, 0, 0, 0]
        #expect(Array(try ID3Tag.audio(of: withFooter + plain + audio)) == audio)
        #expect(Array(try ID3Tag.audio(of: audio)) == audio)
    }

    @Test("A header claiming more than the file holds is a damaged tag, not a cut")
    func damagedTag() {
        let file = ascii("ID3") + [4, 0, 0, 0, 0, 1, 0] + [1, 2, 3]
        #expect(throws: ID3TagError.damagedTag(claimed: 138, available: 13)) { try ID3Tag.audio(of: file) }
    }

    @Test("Bytes that only look like the start of a header are audio")
    func notATag() throws {
        let file = ascii("ID3") + [4, 0, 0, 0x80, 0, 0, 0, 1, 2]
        #expect(Array(try ID3Tag.audio(of: file)) == file)
    }
}
