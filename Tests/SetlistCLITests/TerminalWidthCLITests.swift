import Foundation
import SetlistCore
import SetlistEngine
import Testing

/// The summary table and the live progress line at a given terminal width, with no terminal needed.
@Suite("the summary table and the live line fit the terminal")
struct TerminalWidthCLITests {
    /// Columns a line takes on a terminal, counted independently of setlist: two for CJK ideographs.
    private static func columns(_ line: Substring) -> Int {
        line.unicodeScalars.reduce(0) { $0 + ((0x4E00...0x9FFF).contains($1.value) ? 2 : 1) }
    }

    /// Songs with long ids (three unless `ids` says otherwise), each tried twice with a long task id, the first
    /// failed with `error`.
    private static func album(
        error: String, ids: [String] = ["the-longest-night-reprise", "a-song-for-the-keeper", "undertow"]
    ) throws -> (JobGraph, Ledger) {
        let songs = ids.map { "  - id: \($0)\n    prompt: \"A song.\"\n" }.joined()
        let loaded = ManifestLoader.load(
            text: "setlist: 1\nalbum: Wide\nsongs:\n" + songs, manifestFileName: "wide.yaml", readLyrics: { $0 })
        let manifest = try #require(loaded.manifest, "\(loaded.diagnostics)")
        let graph = try JobGraph(manifest: manifest)
        var jobs: [String: JobRecord] = [:]
        for (index, id) in ids.enumerated() {
            let attempts = (1...2).map { number in
                AttemptRecord(
                    number: number, fingerprint: "f", idempotencyKey: "k\(number)",
                    taskID: "task-unified-1766319089-\(index)abcde\(number)x", submittedAtMs: 0, creditsReserved: 8)
            }
            jobs[id] = JobRecord(
                kind: .song, fingerprint: "f", state: index == 0 ? .failed : .running, attempts: attempts,
                lastError: index == 0 ? RecordedError(message: error) : nil)
        }
        let ledger = Ledger(album: "Wide", manifest: "wide.yaml", provider: nil, sequence: 1, jobs: jobs, runs: [])
        return (graph, ledger)
    }

    private static let longError =
        "The provider refused the request because the style text is longer than the model accepts; shorten it."

    @Test(arguments: [80, 120])
    func theTableIsNeverWiderThanTheTerminal(width: Int) throws {
        let (graph, ledger) = try Self.album(error: Self.longError)
        let table = RunSummaryTable.render(graph: graph, ledger: ledger, outcome: .jobsFailed, width: width)
        let lines = table.split(separator: "\n")
        for line in lines { #expect(Self.columns(line) <= width, "\(line.count) columns: \(line)") }
        #expect(lines.first?.hasPrefix("JOB") == true)
        #expect(table.contains("the-longest-night-reprise"), "job ids are not cut")
        #expect(!table.contains("task-unified-1766319089-0abcde2x"), "the whole task id does not fit")
        #expect(table.contains("The provider"), "the last error is clipped, not dropped")
        #expect(!table.contains(Self.longError))
        if width == 120 {
            #expect(lines.first?.contains("TASK") == true)
            #expect(table.contains("…0abcde2x"), "the task id's distinctive end stays")
        } else {
            #expect(lines.first?.contains("TASK") == false, "at 80 columns the task ids give way")
        }
    }

    @Test func aWideTerminalShowsWholeTaskIdsAndANarrowOneClipsEveryLine() throws {
        let longest = String(repeating: "a-very-long-song-id-", count: 3) + "tail"
        let (graph, ledger) = try Self.album(
            error: "提供者拒绝了请求,因为风格文本太长了,请缩短它然后再试一次吧", ids: [longest, "b"])
        let wide = RunSummaryTable.render(graph: graph, ledger: ledger, outcome: nil, width: 200)
        #expect(wide.contains("task-unified-1766319089-0abcde2x"))
        for width in [120, 80, 40] {
            let table = RunSummaryTable.render(graph: graph, ledger: ledger, outcome: .jobsFailed, width: width)
            for line in table.split(separator: "\n") { #expect(Self.columns(line) <= width, "\(width): \(line)") }
        }
    }

    @Test func theLiveLineShowsABarBesideTheCounts() {
        var progress = RunProgress(total: 1, upToDate: 0)
        progress.apply(.started(album: "A", jobs: 13, submit: 10, poll: 0, skip: 3, simulated: true))
        for job in ["a", "b", "c", "d", "e"] {
            progress.apply(.accepted(job: job, attempt: 1, taskID: "t", credits: nil))
        }
        for job in ["a", "b", "c", "d"] { progress.apply(.completed(job: job, detail: "2 takes")) }
        progress.apply(.failed(job: "e", reason: "Refused."))
        #expect(
            progress.line(elapsed: .seconds(60), width: 80)
                == "[##########!!........] 7/13 jobs, 1 failed, 0 in flight, ETA 1m00s")
    }

    @Test func theLiveLineIsOneLineWithinEveryWidth() {
        var progress = RunProgress(total: 40, upToDate: 12)
        progress.apply(.accepted(job: "a", attempt: 1, taskID: "t", credits: nil))
        progress.apply(.completed(job: "b", detail: "2 takes"))
        progress.apply(.blocked(job: "c", cause: "d"))
        for width in 1...100 {
            let line = progress.line(elapsed: .seconds(3725), width: width)
            #expect(line.count <= max(width - 1, 1), "\(width): \(line)")
            #expect(!line.contains("\n") && !line.contains("\r"))
            if width >= 20 { #expect(line.hasPrefix("[") && line.contains("] 13/40 jobs"), "\(width): \(line)") }
        }
        #expect(progress.line(elapsed: .seconds(3725), width: 30) == "[#!....] 13/40 jobs, 1 failed")
        #expect(progress.line(elapsed: .seconds(3725), width: 15) == "13/40 jobs")
    }
}
