import Foundation
import Testing

@testable import SetlistSimulator

/// The simulator serves real, structurally valid audio and cover files for its results.
@Suite struct MediaTests {
    @Test func audioIsAnID3TaggedMP3ThatDiffersPerResult() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong()
            var files: [[UInt8]] = []
            for result in song["result_data"]?.arrayValue ?? [] {
                let resultID = try #require(result["result_id"]?.stringValue)
                let reply = try await sim.send(.GET, try #require(result["audio_url"]?.stringValue), key: nil)
                #expect(reply.status == 200)
                #expect(reply.headers.first(name: "Content-Type") == "audio/mpeg")
                #expect(reply.headers.first(name: "Content-Length") == String(reply.body.count))
                let bytes = reply.body
                #expect(Array(bytes.prefix(3)) == Array("ID3".utf8))
                let tagSize = bytes[6...9].reduce(0) { ($0 << 7) | Int($1) }
                let tag = String(decoding: bytes[10..<(10 + tagSize)], as: UTF8.self)
                #expect(tag.contains(resultID))
                let frames = bytes[(10 + tagSize)...]
                #expect(Array(frames.prefix(2)) == [0xFF, 0xFB])
                #expect(frames.count % 417 == 0)
                files.append(bytes)
            }
            #expect(files.count == 2)
            #expect(files[0] != files[1])
        }
    }

    @Test func coverIsAValidPNG() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong()
            let url = try #require(song["result_data"]?.arrayValue?.first?["image_url"]?.stringValue)
            let reply = try await sim.send(.GET, url, key: nil)
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "Content-Type") == "image/png")
            let bytes = reply.body
            #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            var offset = 8
            var chunkTypes: [String] = []
            while offset + 12 <= bytes.count {
                let length = bytes[offset..<(offset + 4)].reduce(0) { ($0 << 8) | Int($1) }
                let typed = Array(bytes[(offset + 4)..<(offset + 8 + length)])
                let crc = bytes[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) {
                    ($0 << 8) | UInt32($1)
                }
                #expect(Media.crc32(typed) == crc)
                chunkTypes.append(String(decoding: typed.prefix(4), as: UTF8.self))
                offset += 12 + length
            }
            #expect(chunkTypes == ["IHDR", "IDAT", "IEND"])
            #expect(offset == bytes.count)
        }
    }

    @Test func checksumsMatchKnownValues() {
        #expect(Media.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Media.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test func fileRecognisesTheFormatsWhenInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/file") else { return }
        let directory = FileManager.default.temporaryDirectory.appending(
            path: "setlist-sim-media-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let mp3 = directory.appending(path: "a.mp3")
        let png = directory.appending(path: "a.png")
        try Data(Media.mp3(resultID: "555f4ea2-cfef-4622-8355-baa5f2ce6a59")).write(to: mp3)
        try Data(Media.png(resultID: "555f4ea2-cfef-4622-8355-baa5f2ce6a59")).write(to: png)
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/file")
        process.arguments = ["-b", mp3.path, png.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.contains("ID3"))
        #expect(output.contains("PNG image data, 16 x 16"))
    }

    @Test func mediaOfUnfinishedOrUnknownResultsIs404() async throws {
        try await Harness.with { sim in
            let unknown = try await sim.send(.GET, "/_sim/media/nothing.mp3", key: nil)
            #expect(unknown.status == 404)
            let unsupported = try await sim.send(.GET, "/_sim/media/nothing.gif", key: nil)
            #expect(unsupported.status == 404)
        }
    }
}
