/// The media files the simulator serves for its results: short but structurally valid files that differ per
/// result, so download, checksum and deduplication code is exercised for real.
enum Media {
    /// An MP3 file: an ID3v2.3 tag whose title and comment carry `resultID`, then about one second of silent
    /// MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono). The frame count varies with the result id, so
    /// files differ in length as well as content.
    static func mp3(resultID: String) -> [UInt8] {
        id3Tag(resultID: resultID) + mpegFrames(resultID: resultID)
    }

    /// The MP3 of a joined song: one ID3 tag naming `resultID`, then the MPEG frames of each part's own file in
    /// order, so the stream is as long as its parts together.
    static func joinedMP3(resultID: String, parts: [String]) -> [UInt8] {
        parts.reduce(id3Tag(resultID: resultID)) { $0 + mpegFrames(resultID: $1) }
    }

    /// A WAV file: RIFF/WAVE with a `fmt ` chunk (PCM, 16 bit, mono, 8 kHz) and a `data` chunk of about one second
    /// of a quiet triangle tone whose pitch and length derive from `resultID`.
    static func wav(resultID: String) -> [UInt8] {
        let hash = fnv1a(resultID)
        let sampleRate: UInt32 = 8_000
        let sampleCount = Int(sampleRate) + Int(hash % 800)
        let period = 20 + Int((hash >> 16) % 60)
        let amplitude = 2_000
        var samples: [UInt8] = []
        samples.reserveCapacity(sampleCount * 2)
        for index in 0..<sampleCount {
            let phase = index % period
            let rising = phase < period / 2 ? phase : period - phase
            let value = Int16(rising * 4 * amplitude / period - amplitude)
            samples += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
        }
        var format = littleEndian(UInt16(1)) + littleEndian(UInt16(1))
        format += littleEndian(sampleRate) + littleEndian(sampleRate * 2)
        format += littleEndian(UInt16(2)) + littleEndian(UInt16(16))
        let body = Array("WAVE".utf8) + riffChunk("fmt ", format) + riffChunk("data", samples)
        return Array("RIFF".utf8) + littleEndian(UInt32(body.count)) + body
    }

    /// The ID3v2.3 tag that opens every simulated MP3: `TIT2` and `TXXX:result_id` carrying `resultID`.
    private static func id3Tag(resultID: String) -> [UInt8] {
        var frames: [UInt8] = []
        frames += id3Frame("TIT2", text: "setlist simulator \(resultID)")
        frames += id3Frame("TXXX", text: "result_id\u{0}\(resultID)")
        return Array("ID3".utf8) + [3, 0, 0] + syncSafe(frames.count) + frames
    }

    /// 38 to 45 silent MPEG frames, the count derived from `resultID`.
    private static func mpegFrames(resultID: String) -> [UInt8] {
        let frameCount = 38 + Int(fnv1a(resultID) % 8)
        let frameLength = 144 * 128_000 / 44_100
        let header: [UInt8] = [0xFF, 0xFB, 0x90, 0xC0]
        var frames: [UInt8] = []
        frames.reserveCapacity(frameCount * frameLength)
        for _ in 0..<frameCount {
            frames += header
            frames += [UInt8](repeating: 0, count: frameLength - header.count)
        }
        return frames
    }

    /// A 16x16 RGB PNG in a colour derived from `resultID`: IHDR, one IDAT holding a zlib stream with a stored
    /// (uncompressed) deflate block and its Adler-32, and IEND, each chunk with its CRC-32.
    static func png(resultID: String) -> [UInt8] {
        let side = 16
        let hash = fnv1a(resultID)
        let colour: [UInt8] = [
            UInt8(truncatingIfNeeded: hash), UInt8(truncatingIfNeeded: hash >> 8),
            UInt8(truncatingIfNeeded: hash >> 16),
        ]
        var raw: [UInt8] = []
        for row in 0..<side {
            raw.append(0)
            for column in 0..<side {
                let shade = UInt8((row + column) * 4)
                raw += colour.map { $0 &+ shade }
            }
        }
        let length = UInt16(raw.count)
        var zlib: [UInt8] = [0x78, 0x01, 0x01]
        zlib += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        zlib += raw
        zlib += bigEndian(adler32(raw))
        var header = bigEndian(UInt32(side)) + bigEndian(UInt32(side))
        header += [8, 2, 0, 0, 0]
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += chunk("IHDR", header)
        file += chunk("IDAT", zlib)
        file += chunk("IEND", [])
        return file
    }

    /// CRC-32 (ISO-HDLC, as PNG uses it).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }

    /// Adler-32, as zlib uses it.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return (b << 16) | a
    }

    /// FNV-1a, 64 bit: a stable hash for deriving per-result variations and naming request bodies.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    private static func id3Frame(_ id: String, text: String) -> [UInt8] {
        let payload: [UInt8] = [0] + Array(text.utf8)
        return Array(id.utf8) + bigEndian(UInt32(payload.count)) + [0, 0] + payload
    }

    private static func syncSafe(_ value: Int) -> [UInt8] {
        [UInt8((value >> 21) & 0x7F), UInt8((value >> 14) & 0x7F), UInt8((value >> 7) & 0x7F), UInt8(value & 0x7F)]
    }

    private static func riffChunk(_ id: String, _ data: [UInt8]) -> [UInt8] {
        Array(id.utf8) + littleEndian(UInt32(data.count)) + data + (data.count % 2 == 1 ? [0] : [])
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }

    private static func littleEndian(_ value: UInt16) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
