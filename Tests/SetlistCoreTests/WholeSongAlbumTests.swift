import Testing

@testable import SetlistCore

/// What the album folder takes from an extended song, a song with written lyrics, and WAV masters (issue 16).
@Suite("Whole songs in the album")
struct WholeSongAlbumTests {
    @Test func anExtendedSongGoesOnTheAlbumAsItsJoinedTakeWithEveryPartsLyricsAndItsWAV() throws {
        let manifest = WholeSongPlanTests.manifest()
        let graph = try JobGraph(manifest: manifest)
        var ledger = Ledger()
        for index in graph.topologicalOrder {
            try WholeSongPlanTests.complete(graph.jobs[index].id, in: &ledger, graph: graph)
        }
        let files: [(job: String, kind: MediaKind, path: String)] = [
            ("epic", .audio, "out/takes/02-epic/g1-t1.mp3"), ("epic.join", .audio, "out/takes/02-epic.join/g1-t1.mp3"),
            ("epic", .cover, "out/takes/02-epic/g1-t1.jpeg"), ("epic.wav", .wav, "out/takes/02-epic.join/g1-t1.wav"),
            ("ballad", .audio, "out/takes/01-ballad/g1-t1.mp3"),
        ]
        for file in files {
            try ledger.apply(
                .downloadRecorded(
                    job: file.job, take: TakeRef(generation: 1, take: 1), resultID: nil,
                    file: DownloadedFile(kind: file.kind, path: file.path, sha256: "00", bytes: 1)))
        }
        let layout = AlbumLayout(manifest: manifest, ledger: ledger)
        #expect(layout.missing.isEmpty)
        let epic = try #require(layout.tracks.last)
        #expect(epic.audio.path == "out/takes/02-epic.join/g1-t1.mp3")
        #expect(epic.resultID == "epic.join-t1")
        #expect(epic.cover?.path == "out/takes/02-epic/g1-t1.jpeg", "the first part's cover when the join has none")
        #expect(epic.lyrics == "[Verse] one\n\n[Chorus] more\n\n[Bridge] two")
        #expect(epic.wav?.path == "out/takes/02-epic.join/g1-t1.wav")
        #expect(epic.wavFileName == "02 - Epic.wav")
        let ballad = try #require(layout.tracks.first)
        #expect(ballad.title == "Title by words", "the written lyrics' title")
        #expect(ballad.lyrics == "[Verse] rain on words")
        #expect(ballad.wav == nil, "no WAV saved yet")
    }

    @Test func anExtendedSongIsLeftOutUntilItsPartsAreJoined() throws {
        let manifest = WholeSongPlanTests.manifest()
        let graph = try JobGraph(manifest: manifest)
        var ledger = Ledger()
        for id in ["epic", "epic.extend-1", "epic.extend-2"] {
            try WholeSongPlanTests.complete(id, in: &ledger, graph: graph)
        }
        let layout = AlbumLayout(manifest: manifest, ledger: ledger)
        #expect(layout.missing.map(\.song) == ["ballad", "epic"])
        #expect(layout.missing.last?.reason == .notCompleted)
    }

    @Test func aWAVGetsOneID3ChunkAndKeepsEveryOtherChunk() throws {
        let format = chunk("fmt ", [1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0])
        let data = chunk("data", [1, 2, 3])
        let old = chunk("id3 ", Array("ID3old".utf8))
        let list = chunk("LIST", Array("INFOx".utf8))
        let wave = riff(format + old + data + list)
        let tag: [UInt8] = Array("ID3new".utf8) + [7]
        let tagged = try WAVTagging.replacingTag(in: wave, with: tag)
        #expect(tagged == riff(format + data + list + chunk("id3 ", tag)))
        #expect(try WAVTagging.replacingTag(in: tagged, with: tag) == tagged, "a second tagging changes nothing")
    }

    @Test func aFileThatIsNotWAVEIsRefused() {
        #expect(throws: WAVTagging.Problem.notWAVE) {
            try WAVTagging.replacingTag(in: Array("ID3xxxxxxxxx".utf8), with: [])
        }
        let truncated = riff(chunk("fmt ", [1, 2])).dropLast(1)
        #expect(throws: WAVTagging.Problem.truncated(chunk: "fmt ")) {
            try WAVTagging.replacingTag(in: Array(truncated), with: [])
        }
    }

    private func chunk(_ identifier: String, _ body: [UInt8]) -> [UInt8] {
        Array(identifier.utf8) + littleEndian(body.count) + body + (body.count % 2 == 1 ? [0] : [])
    }

    private func riff(_ chunks: [UInt8]) -> [UInt8] {
        Array("RIFF".utf8) + littleEndian(chunks.count + 4) + Array("WAVE".utf8) + chunks
    }

    private func littleEndian(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
