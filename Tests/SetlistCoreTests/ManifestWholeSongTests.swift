import Foundation
import SetlistCore
import Testing

/// Five lines: a Suno-proxy manifest's start. Bodies below begin on line 6.
private let proxyHeader = """
    setlist: 1
    album: Long Way Home
    provider:
      api: suno-proxy
      base_url: https://proxy.example.com

    """

/// Loads `header + body`, with lyrics files from `files`.
private func load(_ body: String, header: String = proxyHeader, files: [String: String] = [:]) -> ManifestLoadResult {
    ManifestLoader.load(text: header + body, manifestFileName: "long.yaml") { path in
        guard let text = files[path] else { throw CocoaError(.fileNoSuchFile) }
        return text
    }
}

/// Lyrics jobs, `lyrics_from`, `extend` and `wav` as they land in the resolved manifest and its jobs.
@Suite struct ManifestWholeSongTests {
    static let whole = """
        lyrics:
          - id: train-words
            prompt: A night train crossing the mountains
            after: [porch]
        songs:
          - id: train
            style: folk rock
            lyrics_from: train-words
          - id: porch
            title: Porch Light
            style: americana
            lyrics: "[Verse] screen door"
            pick: 2
            after: [train-words]
            extend:
              - at: 100
                lyrics: "[Verse] part two"
              - at: 190.5
                lyrics_file: lyrics/part-three.txt
                pick: {generation: 1, take: 2}
        output:
          download: [audio, wav]

        """

    @Test func fieldsLandInTheSongsAndLyricsJobs() throws {
        let result = load(
            Self.whole.replacingOccurrences(of: "    after: [porch]\n", with: ""),
            files: [
                "lyrics/part-three.txt": "[Bridge] part three"
            ])
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(result.diagnostics.isEmpty)
        #expect(
            manifest.lyrics == [
                LyricsJob(
                    id: "train-words", prompt: "A night train crossing the mountains",
                    location: SourceLocation(line: 7, column: 5))
            ])
        let train = manifest.songs[0]
        #expect(train.lyricsFrom == "train-words")
        #expect(train.mode == .custom)
        #expect(train.title == nil && train.prompt == nil)
        #expect(train.extensions.isEmpty)
        let porch = manifest.songs[1]
        #expect(porch.lyricsFrom == nil)
        #expect(porch.after == ["train-words"])
        #expect(
            porch.extensions == [
                SongExtension(
                    at: 100, lyrics: "[Verse] part two", pick: .defaultPick,
                    location: SourceLocation(line: 20, column: 9)),
                SongExtension(
                    at: 190.5, lyrics: "[Bridge] part three", pick: .pinned(TakeRef(generation: 1, take: 2)),
                    location: SourceLocation(line: 22, column: 9)),
            ])
        #expect(manifest.songs.allSatisfy { $0.wantsWAV })
    }

    @Test func jobsComeInJobOrderWithTheirContinuePoints() throws {
        let result = load(
            Self.whole.replacingOccurrences(of: "    after: [porch]\n", with: ""),
            files: [
                "lyrics/part-three.txt": "[Bridge] part three"
            ])
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        let jobs = JobSpec.jobs(of: manifest)
        #expect(
            jobs.map(\.id) == [
                "train", "porch", "train-words", "porch.extend-1", "porch.extend-2", "porch.join", "train.wav",
                "porch.wav",
            ])
        let parts = jobs.compactMap { job -> ExtensionJob? in
            guard case .extension(let part) = job else { return nil }
            return part
        }
        #expect(parts.map(\.continueAt) == [100, 90.5])
        #expect(parts.map(\.continues) == ["porch", "porch.extend-1"])
        #expect(parts.map(\.continuedTake) == [.newest(take: 2), .defaultPick])
        let graph = try JobGraph(manifest: manifest)
        let train = try #require(graph.index(of: "train"))
        let words = try #require(graph.index(of: "train-words"))
        #expect(graph.dependencies(of: train) == [words])
    }

    @Test func noWAVJobsWithoutWAVInDownload() throws {
        let body = Self.whole.replacingOccurrences(of: "[audio, wav]", with: "[audio, cover]")
            .replacingOccurrences(of: "    after: [porch]\n", with: "")
        let manifest = try #require(load(body, files: ["lyrics/part-three.txt": "[Bridge]"]).manifest)
        #expect(!manifest.songs.contains { $0.wantsWAV })
        #expect(!JobSpec.jobs(of: manifest).contains { $0.kind == .wav })
    }

    @Test func aCycleThroughLyricsFromIsReportedWithItsPath() {
        let result = load(Self.whole, files: ["lyrics/part-three.txt": "[Bridge]"])
        #expect(result.manifest == nil)
        #expect(
            result.diagnostics == [
                .error(
                    at: SourceLocation(line: 9, column: 13),
                    "dependency cycle: train-words -> porch -> train-words; each job would wait for the next. Remove one of "
                        + "these references.")
            ])
    }

    @Test func theExampleResolvesWithEveryKind() throws {
        let url = ManifestFixtures.examplesDirectory.appendingPathComponent("long-songs.yaml")
        let result = try ManifestFixtures.load(url)
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(manifest.provider.api == .sunoProxy)
        let kinds = Set(JobSpec.jobs(of: manifest).map(\.kind))
        #expect(kinds == [.song, .persona, .lyrics, .extension, .join, .wav])
        let extended = try #require(manifest.songs.first { !$0.extensions.isEmpty })
        #expect(extended.extensions.map(\.at) == [80, 160])
        #expect(manifest.songs.contains { $0.lyricsFrom != nil })
        #expect(manifest.songs.contains { $0.persona != nil })
    }

    @Test func theSchemaOffersWAVAmongTheDownloads() throws {
        let schema = try #require(
            try JSONSerialization.jsonObject(with: Data(ManifestSchema.text.utf8)) as? [String: Any])
        let output = (schema["properties"] as? [String: Any])?["output"] as? [String: Any]
        let download = (output?["properties"] as? [String: Any])?["download"] as? [String: Any]
        #expect(((download?["items"] as? [String: Any])?["enum"] as? [String]) == MediaKind.allCases.map(\.rawValue))
    }
}
