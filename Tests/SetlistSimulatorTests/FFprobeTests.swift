import Foundation
import Testing

@testable import SetlistSimulator

/// `ffprobe`, when installed (CI installs ffmpeg).
private let ffprobe = ["/usr/bin/ffprobe", "/usr/local/bin/ffprobe", "/opt/homebrew/bin/ffprobe"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// The audio the simulator serves for WAV requests and joined songs is what a real decoder accepts.
@Suite struct FFprobeTests {
    /// What ffprobe reports for `bytes` written to a file named `name`: format name, codec and duration.
    private func probe(_ bytes: [UInt8], name: String) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appending(
            path: "setlist-sim-ffprobe-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appending(path: name)
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(filePath: try #require(ffprobe))
        process.arguments = [
            "-v", "error", "-show_entries", "format=format_name,duration:stream=codec_name,sample_rate,channels",
            "-of", "default=noprint_wrappers=1", file.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test(.enabled(if: ffprobe != nil, "ffprobe is not installed; install ffmpeg to run this check"))
    func ffprobeReadsTheWAVAndTheJoinedMP3() throws {
        let wav = try probe(Media.wav(resultID: "555f4ea2-cfef-4622-8355-baa5f2ce6a59"), name: "take.wav")
        #expect(wav.status == 0, "\(wav.output)")
        #expect(wav.output.contains("codec_name=pcm_s16le"), "\(wav.output)")
        #expect(wav.output.contains("sample_rate=8000"), "\(wav.output)")
        #expect(wav.output.contains("channels=1"), "\(wav.output)")
        #expect(wav.output.contains("format_name=wav"), "\(wav.output)")

        let parts = ["a1b2c3d4-0000-4000-8000-000000000001", "a1b2c3d4-0000-4000-8000-000000000002"]
        let single = try probe(Media.mp3(resultID: parts[0]), name: "part.mp3")
        let joined = try probe(
            Media.joinedMP3(resultID: "a1b2c3d4-0000-4000-8000-000000000003", parts: parts), name: "song.mp3")
        #expect(joined.status == 0, "\(joined.output)")
        #expect(joined.output.contains("codec_name=mp3"), "\(joined.output)")
        #expect(joined.output.contains("format_name=mp3"), "\(joined.output)")
        func seconds(_ output: String) -> Double {
            output.split(separator: "\n").first { $0.hasPrefix("duration=") }
                .flatMap { Double($0.dropFirst("duration=".count)) } ?? 0
        }
        #expect(seconds(joined.output) > seconds(single.output) * 1.5, "\(joined.output)")
    }
}
