import Foundation
import SetlistCore
import SetlistEngine
import SetlistTestSupport
import Testing

@Suite("setlist status and report, end to end on a simulated run", .serialized)
struct StatusReportCLITests {
    static let jobs = [
        "salt-and-sun", "tidewater", "harbor-lights", "undertow", "lighthouse-keeper", "driftwood", "last-ferry",
        "coast-voice",
    ]

    /// The example album after `run --simulate`, in a temporary directory.
    static func simulatedAlbum() async throws -> AlbumWorkspace {
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: nil)
        let result = try await CLIRunner.run(["run", workspace.manifest.path, "--simulate"], in: workspace.directory)
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        return workspace
    }

    @Test func statusShowsEveryJobAndTheNextRun() async throws {
        let workspace = try await Self.simulatedAlbum()
        defer { workspace.remove() }
        let status = try await CLIRunner.run(
            ["status", workspace.manifest.path, "--simulate"], in: workspace.directory)
        #expect(status.exitCode == 0, "stderr: \(status.stderr)")
        for job in Self.jobs {
            let line = status.stdout.split(separator: "\n").first { $0.hasPrefix(job + " ") }
            #expect(line?.contains(" completed ") == true, "\(job) in:\n\(status.stdout)")
        }
        #expect(status.stdout.contains("8 jobs: 8 completed"))
        #expect(status.stdout.contains("next run: skip 8 (nothing to do)"))

        let real = try await CLIRunner.run(["status", workspace.manifest.path], in: workspace.directory)
        #expect(real.exitCode == 0)
        #expect(real.stdout.contains("8 jobs: 8 not run"))
        #expect(real.stdout.contains("next run: submit 8\n"))
    }

    @Test func statusJSONHasEveryJobsStateAndNextAction() async throws {
        let workspace = try await Self.simulatedAlbum()
        defer { workspace.remove() }
        let status = try await CLIRunner.run(
            ["status", workspace.manifest.path, "--simulate", "--json"], in: workspace.directory)
        #expect(status.exitCode == 0, "stderr: \(status.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(Set(jobs.compactMap { $0["id"] as? String }) == Set(Self.jobs))
        for job in jobs {
            #expect(job["state"] as? String == "completed", "\(job)")
            #expect(job["next"] as? String == "skip", "\(job)")
            #expect(job["task_id"] is String, "\(job)")
        }
        #expect(jobs.first { $0["id"] as? String == "coast-voice" }?["persona_id"] is String)
        #expect(document["next_run"] as? [String: Int] == ["skip": 8])
        #expect((document["last_run"] as? [String: Any])?["outcome"] as? String == "completed")
    }

    /// Whatever the run downloaded: every take with a recorded audio file has a player whose source exists, and
    /// every take without one says the audio has not been downloaded yet.
    @Test(.enabled(if: HeadlessChromium.path != nil, HeadlessChromium.missing))
    func reportRendersInHeadlessChromiumWithEveryTrackAndPlayableSources() async throws {
        let workspace = try await Self.simulatedAlbum()
        defer { workspace.remove() }
        let site = workspace.directory.appendingPathComponent("site")
        let page = site.appendingPathComponent("album.html")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let report = try await CLIRunner.run(
            ["report", workspace.manifest.path, "--simulate", "-o", page.path], in: workspace.directory)
        #expect(report.exitCode == 0, "stderr: \(report.stderr)")

        let browser = try HeadlessChromium.load(page, in: workspace.directory)
        #expect(browser.consoleMessages.isEmpty, "console: \(browser.consoleMessages)")
        for url in browser.loadedFiles {
            #expect(FileManager.default.fileExists(atPath: url.path), "the page asked for a missing file: \(url.path)")
        }
        let dom = browser.dom
        #expect(dom.contains("<h1>Coastline Stories</h1>"))
        for job in Self.jobs where job != "coast-voice" {
            #expect(dom.contains("id=\"track-\(job)\""), "track \(job) is not on the page")
        }
        #expect(dom.contains("<svg class=\"lineage\""))

        let ledger = try LedgerStore.load(
            path: workspace.directory.appendingPathComponent("album.sim.ledger.json").path
        ).ledger
        let results = ledger.jobs.values.flatMap(\.results)
        let audioFiles = results.compactMap { $0.file(.audio) }
        let sources = HeadlessChromium.attribute("src", ofTag: "audio", in: dom)
        #expect(sources.count == audioFiles.count)
        for source in sources {
            let file = HeadlessChromium.resolve(source, from: page)
            #expect(FileManager.default.fileExists(atPath: file.path), "player source \(source) does not exist")
        }
        let notDownloaded = dom.components(separatedBy: "The audio has not been downloaded yet.").count - 1
        #expect(notDownloaded == results.count - audioFiles.count)
        #expect(results.count == 14)

        let screenshot = site.appendingPathComponent("album.png")
        try HeadlessChromium.screenshot(page, to: screenshot, in: workspace.directory)
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 20_000, "the screenshot is suspiciously small: \(png.count) bytes")
    }

    @Test(.enabled(if: HeadlessChromium.path != nil, HeadlessChromium.missing))
    func downloadedFilesPlayFromRelativePathsAndSmallCoversAreEmbedded() async throws {
        let workspace = try await Self.simulatedAlbum()
        defer { workspace.remove() }
        let ledgerPath = workspace.directory.appendingPathComponent("album.sim.ledger.json").path
        let recorded = try DownloadFixture.record(in: workspace.directory, ledgerPath: ledgerPath)
        let deleted = try #require(recorded.first { $0.kind == .audio })
        try FileManager.default.removeItem(at: workspace.directory.appendingPathComponent(deleted.path))

        let page = workspace.directory.appendingPathComponent("pages/coastline.html")
        let report = try await CLIRunner.run(
            ["report", workspace.manifest.path, "--simulate", "-o", page.path], in: workspace.directory)
        #expect(report.exitCode == 0, "stderr: \(report.stderr)")
        let browser = try HeadlessChromium.load(page, in: workspace.directory)
        #expect(browser.consoleMessages.isEmpty, "console: \(browser.consoleMessages)")
        let dom = browser.dom

        let sources = HeadlessChromium.attribute("src", ofTag: "audio", in: dom)
        let audio = recorded.filter { $0.kind == .audio }
        #expect(sources.count == audio.count - 1)
        for source in sources {
            #expect(source.hasPrefix("../out-sim/"), "\(source) is not relative to the page")
            let file = HeadlessChromium.resolve(source, from: page)
            #expect(FileManager.default.fileExists(atPath: file.path), "player source \(source) does not exist")
            #expect(
                browser.loadedFiles.map(\.standardizedFileURL.path).contains(file.path),
                "the browser did not load \(source)")
        }
        #expect(dom.contains("The audio file \(deleted.path) is missing on disk."))
        let covers = HeadlessChromium.attribute("src", ofTag: "img", in: dom)
        #expect(covers.count == 8)
        #expect(covers.allSatisfy { $0.hasPrefix("data:image/png;base64,") })
    }
}

/// Downloads recorded in a ledger the way a run records them, with small valid files on disk.
enum DownloadFixture {
    /// A 1x1 PNG.
    static let png = Data(
        base64Encoded:
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!

    /// Half a second of 8 kHz mono silence as WAV.
    static let wav: Data = {
        let samples = 4000
        var data = Data("RIFF".utf8)
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        func append(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt32(36 + samples * 2))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16))
        append(UInt16(1))
        append(UInt16(1))
        append(UInt32(8000))
        append(UInt32(16000))
        append(UInt16(2))
        append(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        append(UInt32(samples * 2))
        data.append(Data(count: samples * 2))
        return data
    }()

    /// Writes an audio file and a cover for every result under `out-sim/` and records them in the ledger.
    static func record(in directory: URL, ledgerPath: String) throws -> [DownloadedFile] {
        let store = try LedgerStore(path: ledgerPath)
        defer { store.close() }
        var recorded: [DownloadedFile] = []
        for (job, record) in store.ledger.jobs.sorted(by: { $0.key < $1.key }) {
            for (index, result) in record.results.enumerated() {
                for (kind, bytes, suffix) in [(MediaKind.audio, wav, "wav"), (.cover, png, "png")]
                where kind == .audio || index == 0 {
                    let path = "out-sim/coastline-stories/\(job) take \(index + 1).\(suffix)"
                    let url = directory.appendingPathComponent(path)
                    try FileManager.default.createDirectory(
                        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try bytes.write(to: url)
                    let file = DownloadedFile(
                        kind: kind, path: path, sha256: String(repeating: "0", count: 64),
                        bytes: Int64(bytes.count))
                    try store.append(.downloadRecorded(job: job, take: nil, resultID: result.resultID, file: file))
                    recorded.append(file)
                }
            }
        }
        try store.compact()
        return recorded
    }
}

/// Headless Chromium driven from the command line: the rendered DOM, the console messages, and every file://
/// URL the page loaded (from Chromium's verbose log).
enum HeadlessChromium {
    static let path: String? = {
        let directories =
            (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin"]
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for directory in directories where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
                return directory + "/" + name
            }
        }
        return nil
    }()

    static let missing: Comment = "Chromium was not found on PATH; install it with `apt-get install -y chromium`."

    struct Load {
        var dom: String
        var consoleMessages: [String]
        var loadedFiles: [URL]
    }

    static func load(_ page: URL, in directory: URL) throws -> Load {
        let (stdout, stderr) = try run(
            ["--enable-logging=stderr", "--v=1", "--virtual-time-budget=5000", "--dump-dom", page.absoluteString],
            in: directory)
        let lines = stderr.split(separator: "\n")
        let console = lines.filter { $0.contains(":CONSOLE") }.map(String.init)
        let loaded = lines.compactMap { line -> URL? in
            guard let range = line.range(of: "FileURLLoader::Start: ") else { return nil }
            return URL(string: String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces))
        }
        return Load(dom: stdout, consoleMessages: console, loadedFiles: loaded)
    }

    static func screenshot(_ page: URL, to file: URL, in directory: URL) throws {
        _ = try run(
            [
                "--hide-scrollbars", "--window-size=1280,2400", "--virtual-time-budget=5000",
                "--screenshot=\(file.path)", page.absoluteString,
            ],
            in: directory)
    }

    /// The file a relative, percent-encoded `source` on `page` points to.
    static func resolve(_ source: String, from page: URL) -> URL {
        page.deletingLastPathComponent().appendingPathComponent(source.removingPercentEncoding ?? source)
            .standardizedFileURL
    }

    /// The values of `attribute` on every `<tag>` element of `html`.
    static func attribute(_ attribute: String, ofTag tag: String, in html: String) -> [String] {
        let pattern = "<\(tag)\\b[^>]*\\b\(attribute)=\"([^\"]*)\""
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(html.startIndex..., in: html)
        return expression.matches(in: html, range: range).compactMap { match in
            Range(match.range(at: 1), in: html).map { String(html[$0]) }
        }
    }

    private static func run(_ arguments: [String], in directory: URL) throws -> (String, String) {
        let profile = directory.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
        let output = directory.appendingPathComponent("chromium-\(UUID().uuidString).out")
        let errors = directory.appendingPathComponent("chromium-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer {
            for url in [profile, output, errors] { try? FileManager.default.removeItem(at: url) }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path))
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile.path)",
            ] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let stdout = try String(contentsOf: output, encoding: .utf8)
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "chromium failed: \(stderr.suffix(2000))")
        return (stdout, stderr)
    }
}
