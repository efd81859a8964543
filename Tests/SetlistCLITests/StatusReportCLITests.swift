import Foundation
import SetlistCore
import SetlistEngine
import Testing

@Suite("setlist status and report, end to end on a simulated run", .serialized)
struct StatusReportCLITests {
    static let jobs = [
        "salt-and-sun", "tidewater", "harbor-lights", "undertow", "lighthouse-keeper", "driftwood", "last-ferry",
        "coast-voice",
    ]

    /// The example album after `run --simulate`, in a temporary directory.
    static func simulatedAlbum() throws -> AlbumWorkspace {
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: nil)
        let result = try CLIRunner.run(["run", workspace.manifest.path, "--simulate"], in: workspace.directory)
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        return workspace
    }

    @Test func statusShowsEveryJobAndTheNextRun() throws {
        let workspace = try Self.simulatedAlbum()
        defer { workspace.remove() }
        let status = try CLIRunner.run(["status", workspace.manifest.path, "--simulate"], in: workspace.directory)
        #expect(status.exitCode == 0, "stderr: \(status.stderr)")
        for job in Self.jobs {
            let line = status.stdout.split(separator: "\n").first { $0.hasPrefix(job + " ") }
            #expect(line?.contains(" completed ") == true, "\(job) in:\n\(status.stdout)")
        }
        #expect(status.stdout.contains("8 jobs: 8 completed"))
        #expect(status.stdout.contains("next run: skip 8 (nothing to do)"))

        let real = try CLIRunner.run(["status", workspace.manifest.path], in: workspace.directory)
        #expect(real.exitCode == 0)
        #expect(real.stdout.contains("8 jobs: 8 not run"))
        #expect(real.stdout.contains("next run: submit 8\n"))
    }

    @Test func statusJSONHasEveryJobsStateAndNextAction() throws {
        let workspace = try Self.simulatedAlbum()
        defer { workspace.remove() }
        let status = try CLIRunner.run(
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

    @Test(.enabled(if: HeadlessChromium.path != nil, HeadlessChromium.missing))
    func reportRendersInHeadlessChromiumWithEveryTrackAndPlayableSources() throws {
        let workspace = try Self.simulatedAlbum()
        defer { workspace.remove() }
        let site = workspace.directory.appendingPathComponent("site")
        let page = site.appendingPathComponent("album.html")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let report = try CLIRunner.run(
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
            let file = URL(fileURLWithPath: source.removingPercentEncoding ?? source, relativeTo: site)
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
}

/// Headless Chromium driven from the command line: the rendered DOM, the console messages, and every file://
/// URL the page loaded (from Chromium's verbose log).
enum HeadlessChromium {
    static let path: String? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
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
            ["--hide-scrollbars", "--window-size=1280,2400", "--virtual-time-budget=5000",
             "--screenshot=\(file.path)", page.absoluteString],
            in: directory)
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
        process.arguments = [
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
