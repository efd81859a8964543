import Foundation
import SetlistCore
import SetlistEngine
import Testing

/// ``LedgerFixture/albumRun()`` followed by a re-roll of `open-road`: a second generation with two more takes,
/// one of them downloaded, and the manifest picking take 2 of generation 1.
enum RerollFixture {
    static let secondGeneration = [
        ResultRecord(
            resultID: "c3a1f0de-2b4d-4e8a-9f10-2a3b4c5d6e7f", title: "Open Road (Night Drive)", duration: 195.2,
            audioURL: "https://files.evolink.ai/a/open-road-3.mp3", imageURL: "https://files.evolink.ai/i/3.jpg"),
        ResultRecord(
            resultID: "e4b2a1c0-3c5e-4f9b-8a21-3b4c5d6e7f80", duration: 242,
            audioURL: "https://files.evolink.ai/a/open-road-4.mp3", imageURL: "https://files.evolink.ai/i/4.jpg"),
    ]

    static let pickedTake = TakeRef(generation: 1, take: 2)

    static func events() -> [LedgerEvent] {
        let t1 = LedgerFixture.t0 + 3_600_000
        return LedgerFixture.albumRun() + [
            .runStarted(
                run: "run-2", at: t1, album: "Summer Roadtrip", manifest: "summer.yaml",
                provider: LedgerFixture.provider),
            .jobRequeued(job: "open-road"),
            .submitIntent(job: "open-road", attempt: 3, idempotencyKey: "setlist-open-road-3", inputs: nil, at: t1 + 5),
            .submitAccepted(
                job: "open-road", attempt: 3, taskID: "task-unified-1763726946-aaaa0003", creditsReserved: 8,
                at: t1 + 700),
            .taskCompleted(job: "open-road", attempt: 3, results: secondGeneration, personaID: nil, at: t1 + 120_000),
            .downloadRecorded(
                job: "open-road", take: TakeRef(generation: 2, take: 1), resultID: nil,
                file: DownloadedFile(
                    kind: .audio, path: "out/takes/01-open-road/g2-t1.mp3", sha256: LedgerFixture.sha("9"),
                    bytes: 3_311_002)),
            .takePicked(job: "open-road", pick: pickedTake),
            .runFinished(
                run: "run-2", at: t1 + 130_000, outcome: .completed, exitCode: 0, skipped: 3, polls: 2, requests: 3),
        ]
    }

    /// ``ReportFixture/manifestText`` with `open-road` picking `pick`, written as in a manifest.
    static func manifest(pick: String) throws -> ResolvedManifest {
        let text = ReportFixture.manifestText.replacingOccurrences(
            of: "    title: Open Road\n", with: "    title: Open Road\n    pick: \(pick)\n")
        let result = ManifestLoader.load(text: text, manifestFileName: "summer.yaml") { _ in "" }
        return try #require(result.manifest, "\(result.diagnostics)")
    }
}

@Suite("status: generations, takes and picks")
struct StatusReportTests {
    let manifest: ResolvedManifest
    let graph: JobGraph
    let ledger: Ledger

    init() throws {
        manifest = try RerollFixture.manifest(pick: "{generation: 1, take: 2}")
        graph = try JobGraph(manifest: manifest)
        ledger = try LedgerFixture.fold(RerollFixture.events())
    }

    func status(
        _ manifest: ResolvedManifest? = nil, decisions: [ResumeDecision]? = nil, downloads: [MediaKind] = []
    ) throws -> StatusReport {
        let manifest = manifest ?? self.manifest
        let graph = try JobGraph(manifest: manifest)
        return StatusReport(
            album: manifest.album, ledgerPath: "summer.ledger.json", graph: graph, ledger: ledger,
            decisions: decisions ?? ReportFixture.decisions(for: graph), downloads: downloads)
    }

    @Test func textShowsBothGenerationsAndMarksThePick() throws {
        let text = try status().text
        let header = try #require(text.split(separator: "\n").first { $0.hasPrefix("JOB ") })
        #expect(header.contains(" GENS ") && header.contains(" PICK "))
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("open-road ") })
        #expect(row.contains(" 2 ") && row.contains(" g1 t2 "))
        #expect(text.contains("open-road has 4 takes in 2 generations; * marks the pick, take 2 of generation 1.\n"))
        let lines = text.split(separator: "\n").map(String.init)
        let takes = lines.filter { $0.dropFirst(2).hasPrefix("g") && $0.dropFirst(3).first?.isNumber == true }
        #expect(takes.map { String($0.prefix(7)) } == ["  g1-t1", "* g1-t2", "  g2-t1", "  g2-t2"])
        #expect(takes[0].contains("Open Road ") && takes[0].hasSuffix("out/summer-roadtrip/01-open-road.mp3"))
        #expect(takes[1].contains("Open Road (Take 2)") && takes[1].contains("3:21"))
        #expect(takes[1].hasSuffix("not downloaded"))
        #expect(takes[2].contains("3:15") && takes[2].hasSuffix("out/takes/01-open-road/g2-t1.mp3"))
        #expect(takes[3].contains("e4b2a1c0-3c5e-4f9b-8a21-3b4c5d6e7f80") && takes[3].contains("4:02"))
        #expect(!text.contains("sunset has"))
    }

    @Test func jsonHasEveryGenerationWithItsTakesAndThePick() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(try status().json().utf8)) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        let openRoad = try #require(jobs.first { $0["id"] as? String == "open-road" })
        #expect(openRoad["pick"] as? [String: Int] == ["generation": 1, "take": 2])
        #expect(openRoad["pick_problem"] is NSNull)
        let generations = try #require(openRoad["generations"] as? [[String: Any]])
        #expect(generations.map { $0["generation"] as? Int } == [1, 2])
        #expect(
            generations.map { $0["task_id"] as? String }
                == ["task-unified-1763723441-aaaa0002", "task-unified-1763726946-aaaa0003"])
        let takes = generations.map { ($0["takes"] as? [[String: Any]]) ?? [] }
        #expect(takes.map { $0.map { $0["take"] as? Int } } == [[1, 2], [1, 2]])
        #expect(takes[0][1]["result_id"] as? String == "7d9e2a10-44b2-4f0e-8c61-0f1e2d3c4b5a")
        #expect(takes[0][1]["title"] as? String == "Open Road (Take 2)")
        #expect(takes[0][1]["duration"] as? Double == 201)
        #expect(takes[1][1]["title"] is NSNull)
        let files = try #require(takes[1][0]["files"] as? [[String: Any]])
        #expect(files.map { $0["path"] as? String } == ["out/takes/01-open-road/g2-t1.mp3"])
        #expect(files.first?["kind"] as? String == "audio")
        for key in ["attempts", "results", "files", "task_id", "persona_id", "downloads_pending", "next_reason"] {
            #expect(openRoad[key] != nil, "the key \(key) is missing")
        }
        #expect(openRoad["results"] as? Int == 2)

        let sunset = try #require(jobs.first { $0["id"] as? String == "sunset" })
        #expect((sunset["generations"] as? [Any])?.isEmpty == true)
        #expect(sunset["pick"] is NSNull)
        let persona = try #require(jobs.first { $0["id"] as? String == "road-voice" })
        let personaGenerations = try #require(persona["generations"] as? [[String: Any]])
        #expect(personaGenerations.count == 1)
        #expect((personaGenerations.first?["takes"] as? [Any])?.isEmpty == true)
        #expect(persona["pick"] is NSNull)
    }

    @Test func aPickThatNamesNoTakeIsSaidInASentence() throws {
        let report = try status(try RerollFixture.manifest(pick: "{generation: 3, take: 1}"))
        let openRoad = try #require(report.jobs.first { $0.id == "open-road" })
        #expect(openRoad.pick == nil)
        let problem = try #require(openRoad.pickProblem)
        #expect(problem.hasPrefix("Song 'open-road' picks take 1 of generation 3, but it has 2 generations so far"))
        #expect(problem.contains("setlist run --force open-road"))
        let text = report.text
        #expect(text.contains("\n" + problem + "\n"))
        #expect(text.contains("open-road has 4 takes in 2 generations; its pick names no take that exists.\n"))
        #expect(!text.contains("\n* g"))
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("open-road ") })
        #expect(row.contains(" missing "))
        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let jobs = try #require(json?["jobs"] as? [[String: Any]])
        #expect(jobs.first { $0["id"] as? String == "open-road" }?["pick_problem"] as? String == problem)
    }

    @Test func theNewestGenerationIsPickedByDefault() throws {
        let report = try status(try ReportFixture.manifest())
        #expect(report.jobs.first { $0.id == "open-road" }?.pick == TakeRef(generation: 2, take: 1))
        #expect(report.text.contains("* marks the pick, take 1 of generation 2."))
        #expect(report.text.contains("\n* g2-t1 "))
    }

    /// g1-t1 has both files; g1-t2 has an audio URL but no image URL; g2-t1 has its audio; g2-t2 has neither.
    @Test func downloadsPendingCountEveryTakeOfEveryGeneration() throws {
        let report = try status(downloads: [.audio, .cover])
        #expect(report.jobs.first { $0.id == "open-road" }?.downloadsPending == 4)
        #expect(report.text.contains("downloads pending: 4 files of paid takes;"))
        #expect(report.text.contains("next run: submit 1, poll 1, skip 2; fetch 4 files of paid takes\n"))
    }

    @Test func nextRunSaysWhatItFetchesWhenNothingIsPaid() throws {
        let idle = try status(decisions: graph.jobs.map { _ in .skip }, downloads: [.audio, .cover])
        #expect(idle.text.hasSuffix("next run: skip 4; fetch 4 files of paid takes (no generation is paid)\n"))
        #expect(!idle.text.contains("nothing to do"))
        let done = try status(decisions: graph.jobs.map { _ in .skip }, downloads: [])
        #expect(done.text.hasSuffix("next run: skip 4 (nothing to do)\n"))
    }
}
