import Foundation
import SetlistCore
import SetlistTestSupport
import Testing

/// The files of a folder with their SHA-256, by name.
private func hashes(of folder: URL) throws -> [String: String] {
    var result: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
        result[name] = Digest.sha256Hex([UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
    }
    return result
}

@Suite("The album folder, end to end", .serialized)
struct AlbumFolderCLITests {
    static let tracks = [
        "01 - Salt and Sun.mp3", "02 - A Slow Acoustic Ballad.mp3", "03 - Harbor Lights.mp3", "04 - Undertow.mp3",
        "05 - An Upbeat Folk-rock Song.mp3", "06 - Driftwood.mp3", "07 - The Last Ferry.mp3",
    ]

    /// The example album with credits, so every tag has a value to check.
    private func workspace(_ simulator: SimulatorHarness) throws -> AlbumWorkspace {
        try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL) {
            $0.replacingOccurrences(
                of: "\nsongs:\n", with: "\nartist: Coastline Collective\nyear: 2026\ngenre: Folk\nsongs:\n")
        }
    }

    @Test(.enabled(if: TagReader.isAvailable, "python3 lacks mutagen, or ffprobe is missing"))
    func aRunEndsWithATaggedPlayableAlbum() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try workspace(simulator)
        defer { workspace.remove() }
        let result = try await workspace.run()
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let folder = workspace.directory.appendingPathComponent("out/coastline-stories/album")
        #expect(result.stdout.contains("album: \(folder.standardizedFileURL.path): 7 of 7 tracks"), "\(result.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == Self.tracks + ["coastline-stories.m3u8", "cover.png"])

        let tags = try TagReader.read(Self.tracks.map { folder.appendingPathComponent($0) })
        for (index, name) in Self.tracks.enumerated() {
            let frames = try #require(tags[name], "\(name) unreadable")
            #expect(frames["version"] as? String == "2.4.0")
            #expect(frames["TRCK"] as? String == "\(index + 1)/7")
            #expect(frames["TALB"] as? String == "Coastline Stories")
            #expect(frames["TPE2"] as? String == "Coastline Collective")
            #expect(frames["TPE1"] as? String == "Coastline Collective")
            #expect(frames["TDRC"] as? String == "2026")
            #expect(frames["TCON"] as? String == "Folk")
            #expect(frames["TXXX:setlist version"] as? String == SetlistVersion.current)
            #expect((frames["TXXX:setlist task id"] as? String)?.hasPrefix("task-") == true)
            #expect(frames["TXXX:setlist result id"] != nil)
            let cover = try #require(frames["APIC"] as? [String: Any])
            #expect(cover["mime"] as? String == "image/png" && cover["type"] as? Int == 3)
            #expect((frames["duration"] as? Double ?? -1) > 0.5, "ffprobe could not decode \(name)")
        }
        #expect(tags["03 - Harbor Lights.mp3"]?["TXXX:setlist persona id"] != nil)
        #expect((tags["01 - Salt and Sun.mp3"]?["USLT"] as? String)?.hasPrefix("[Verse]") == true)
        #expect(tags["02 - A Slow Acoustic Ballad.mp3"]?["USLT"] == nil, "a simple-mode song has no lyrics sent")

        let playlist = try String(
            contentsOf: folder.appendingPathComponent("coastline-stories.m3u8"), encoding: .utf8)
        let lines = playlist.split(separator: "\n").map(String.init)
        #expect(lines.first == "#EXTM3U")
        #expect(lines.filter { !$0.hasPrefix("#") } == Self.tracks)
        #expect(lines[1].hasPrefix("#EXTINF:") && lines[1].hasSuffix(",Coastline Collective - Salt and Sun"))
        let cover = try Data(contentsOf: folder.appendingPathComponent("cover.png"))
        #expect(cover.starts(with: [0x89, 0x50, 0x4E, 0x47]))

        let before = try hashes(of: folder)
        let again = try await CLIRunner.run(
            ["album", workspace.manifest.path], in: workspace.directory)
        #expect(again.exitCode == 0 && again.stdout.contains("nothing changed"), "\(again.stdout)\(again.stderr)")
        #expect(try hashes(of: folder) == before)

        try Data("mine".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let manifest = try String(contentsOf: workspace.manifest, encoding: .utf8)
        let start = try #require(manifest.range(of: "  - id: last-ferry\n"))
        let end = try #require(manifest.range(of: "\npersonas:")).lowerBound
        try (String(manifest[..<start.lowerBound]) + String(manifest[end...].dropFirst()))
            .write(to: workspace.manifest, atomically: true, encoding: .utf8)
        let shorter = try await CLIRunner.run(["album", workspace.manifest.path], in: workspace.directory)
        #expect(shorter.exitCode == 0 && shorter.stdout.contains("6 of 6 tracks"), "\(shorter.stdout)\(shorter.stderr)")
        let remaining = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(remaining == Self.tracks.dropLast() + ["coastline-stories.m3u8", "cover.png", "notes.txt"])
        let takes = workspace.directory.appendingPathComponent("out/coastline-stories/takes/07-last-ferry")
        #expect(try FileManager.default.contentsOfDirectory(atPath: takes.path).count == 4, "takes/ is never touched")
        await simulator.stop()
    }

    /// The files that differ between two listings, the playlist counted only when a line other than track 6's
    /// length changed (a new take has its own length, which the playlist must say).
    private func changedFiles(_ before: [String: String], _ after: [String: String]) -> [String] {
        before.filter { after[$0.key] != $0.value }.keys.filter { $0 != "coastline-stories.m3u8" }.sorted()
    }

    /// The playlist's lines, but for the length of track 6.
    private func playlistWithoutTrackSixLength(_ folder: URL) throws -> [String] {
        let text = try String(contentsOf: folder.appendingPathComponent("coastline-stories.m3u8"), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            line.hasPrefix("#EXTINF:") && line.hasSuffix(" - Driftwood") ? "#EXTINF:…, - Driftwood" : String(line)
        }
    }

    @Test func aNewPickChangesExactlyThatTrackAndKeepsEveryTake() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try workspace(simulator)
        defer { workspace.remove() }
        #expect(try await workspace.run(["--quiet"]).exitCode == 0)
        let folder = workspace.directory.appendingPathComponent("out/coastline-stories/album")
        let takes = workspace.directory.appendingPathComponent("out/coastline-stories/takes/06-driftwood")
        let before = try hashes(of: folder)
        let playlist = try playlistWithoutTrackSixLength(folder)

        let reroll = try await workspace.run(["--quiet", "--force", "driftwood"])
        #expect(reroll.exitCode == 0, "\(reroll.stderr)")
        let afterReroll = try hashes(of: folder)
        #expect(Set(before.keys) == Set(afterReroll.keys))
        #expect(changedFiles(before, afterReroll) == ["06 - Driftwood.mp3"])
        #expect(try playlistWithoutTrackSixLength(folder) == playlist)
        #expect(try hashes(of: takes).count == 8, "both generations' takes and covers stay in takes/")

        let manifest = try String(contentsOf: workspace.manifest, encoding: .utf8)
        let pinned = manifest.replacingOccurrences(
            of: "  - id: driftwood\n", with: "  - id: driftwood\n    pick: {generation: 1, take: 2}\n")
        #expect(pinned != manifest)
        try pinned.write(to: workspace.manifest, atomically: true, encoding: .utf8)
        let rebuilt = try await CLIRunner.run(["album", workspace.manifest.path], in: workspace.directory)
        #expect(rebuilt.exitCode == 0, "\(rebuilt.stderr)")
        let afterPick = try hashes(of: folder)
        #expect(changedFiles(afterReroll, afterPick) == ["06 - Driftwood.mp3"])
        #expect(try playlistWithoutTrackSixLength(folder) == playlist)
        #expect(rebuilt.stdout.contains("7 of 7 tracks"), "\(rebuilt.stdout)")
        #expect(try hashes(of: takes).count == 8)
        await simulator.stop()
    }
}
