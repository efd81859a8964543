import Foundation
import SetlistCore
import SetlistTestSupport
import Testing

/// A proxy album with written lyrics, a song extended twice and joined, and WAV masters (issue 16).
private func wholeSongAlbum(_ baseURL: String) throws -> AlbumWorkspace {
    try AlbumWorkspace(example: "album.yaml", baseURL: nil) { _ in
        """
        setlist: 1
        album: Long Roads
        provider:
          api: suno-proxy
          base_url: \(baseURL)
          api_key_env: SETLIST_TEST_KEY
        limits:
          requests_per_minute: 600
          submits_per_minute: 300
        output:
          download: [audio, cover, wav]
        lyrics:
          - id: rain-words
            prompt: A song about rain on a tin roof
        songs:
          - id: rain
            style: folk, fingerpicked guitar
            lyrics_from: rain-words
          - id: journey
            title: Journey
            style: post-rock, slow build
            lyrics: "[Verse] The road begins"
            extend:
              - at: 60
                lyrics: "[Verse 2] The road goes on"
              - at: 120
                lyrics: "[Outro] The road comes home"

        """
    }
}

private let environment = ["SETLIST_TEST_KEY": AlbumWorkspace.key, "SETLIST_SUNO_PROXY_TASK_SECONDS": "1"]

private func run(_ workspace: AlbumWorkspace, _ extra: [String] = []) async throws -> CLIResult {
    try await CLIRunner.run(
        ["run", workspace.manifest.path] + extra, in: workspace.directory, environment: environment)
}

/// The ledger's jobs, as JSON.
private func ledgerJobs(_ workspace: AlbumWorkspace) throws -> [String: [String: Any]] {
    let url = workspace.directory.appendingPathComponent("album.ledger.json")
    let ledger = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
    return ledger?["jobs"] as? [String: [String: Any]] ?? [:]
}

/// The first take of the newest completed attempt of `job`.
private func firstTake(_ jobs: [String: [String: Any]], _ job: String) -> [String: Any]? {
    let attempts = jobs[job]?["attempts"] as? [[String: Any]] ?? []
    let completed = attempts.last { $0["outcome"] as? String == "completed" }
    return (completed?["results"] as? [[String: Any]])?.first
}

@Suite("Whole songs on the Suno proxy, end to end", .serialized)
struct WholeSongCLITests {
    @Test func eachPartCarriesWhatTheJobBeforeItMadeAndTheAlbumHoldsTheJoinedSong() async throws {
        let simulator = try await SimulatorHarness.start()
        let workspace = try wholeSongAlbum(simulator.baseURL)
        defer { workspace.remove() }
        let result = try await run(workspace)
        #expect(result.exitCode == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")

        let tasks = try await simulator.tasks()
        let jobs = try ledgerJobs(workspace)
        func task(of job: String) throws -> [String: Any] {
            let attempts = jobs[job]?["attempts"] as? [[String: Any]] ?? []
            let id = try #require(attempts.last?["task_id"] as? String, "\(job) has no task id")
            return try #require(tasks.first { $0["id"] as? String == id }, "the simulator has no task \(id)")
        }
        func request(_ job: String) throws -> [String: Any] { try task(of: job)["request"] as? [String: Any] ?? [:] }
        func clip(_ job: String) -> String? { firstTake(jobs, job)?["result_id"] as? String }

        let lyrics = try #require(firstTake(jobs, "rain-words"))
        let written = try #require(lyrics["text"] as? String)
        #expect(try task(of: "rain-words")["kind"] as? String == "lyrics")
        #expect(try request("rain")["prompt"] as? String == written, "the song sings the written lyrics")
        #expect(try request("rain")["title"] as? String == lyrics["title"] as? String)

        let first = try request("journey.extend-1")
        #expect(first["task"] as? String == "extend")
        #expect(first["task_id"] as? String == (try task(of: "journey"))["id"] as? String)
        #expect(first["continue_clip_id"] as? String == clip("journey"))
        #expect(first["continue_at"] as? Double == 60)
        #expect(first["mv"] as? String == (try request("journey"))["mv"] as? String)
        #expect(first["prompt"] as? String == "[Verse 2] The road goes on")
        let second = try request("journey.extend-2")
        #expect(second["task_id"] as? String == (try task(of: "journey.extend-1"))["id"] as? String)
        #expect(second["continue_clip_id"] as? String == clip("journey.extend-1"))
        #expect(second["continue_at"] as? Double == 60, "120 s into the song is 60 s into the second part")
        #expect(try request("journey.join")["clip_id"] as? String == clip("journey.extend-2"))
        #expect(try request("journey.join")["is_infill"] as? Bool == false)

        let joined = try #require(firstTake(jobs, "journey.join"))
        let secondPart = try #require(firstTake(jobs, "journey.extend-2")?["duration"] as? Double)
        #expect(joined["duration"] as? Double == 60 + 60 + secondPart, "the parts up to each continue_at")

        let output = workspace.directory.appendingPathComponent("out/long-roads")
        let album = output.appendingPathComponent("album")
        let names = try FileManager.default.contentsOfDirectory(atPath: album.path).sorted()
        let rainTitle = AlbumFileName.cleaned(lyrics["title"] as? String ?? "")
        #expect(
            names == [
                "01 - \(rainTitle).mp3", "01 - \(rainTitle).wav", "02 - Journey.mp3", "02 - Journey.wav", "cover.png",
                "long-roads.m3u8",
            ])
        let takes = output.appendingPathComponent("takes")
        for path in ["02-journey.join/g1-t1.mp3", "02-journey.join/g1-t1.wav", "02-journey.extend-2/g1-t2.mp3"] {
            #expect(FileManager.default.fileExists(atPath: takes.appendingPathComponent(path).path), "\(path)")
        }
        if TagReader.isAvailable {
            let tags = try TagReader.read(
                ["02 - Journey.mp3", "02 - Journey.wav"].map { album.appendingPathComponent($0) })
            #expect(tags["02 - Journey.mp3"]?["TXXX:setlist result id"] as? String == clip("journey.join"))
            #expect(
                tags["02 - Journey.mp3"]?["USLT"] as? String
                    == "[Verse] The road begins\n\n[Verse 2] The road goes on\n\n[Outro] The road comes home")
            let wav = try #require(tags["02 - Journey.wav"])
            #expect(wav["format"] as? String == "wav", "ffprobe reads the master as WAV")
            #expect((wav["duration"] as? Double ?? -1) > 0.5)
            #expect(wav["TIT2"] as? String == "Journey" && wav["TRCK"] as? String == "2/2")
        }

        let page = workspace.directory.appendingPathComponent("album.html")
        let report = try await CLIRunner.run(
            ["report", workspace.manifest.path, "-o", page.path], in: workspace.directory)
        #expect(report.exitCode == 0, "\(report.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("The joined song, on the album") && html.contains("Extension 2, from 120 s"))
        #expect(html.contains(">WAV master</a>"))

        let again = try await run(workspace)
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(try await simulator.tasks().count == tasks.count, "a second run pays for nothing")
        await simulator.stop()
    }

    @Test func aVendorWithoutConcatAndWAVFailsThoseJobsAloneAndTheRestCompletes() async throws {
        let simulator = try await SimulatorHarness.start(stockNewAPI: true)
        let workspace = try wholeSongAlbum(simulator.baseURL)
        defer { workspace.remove() }
        let result = try await run(workspace)
        #expect(result.exitCode == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let jobs = try ledgerJobs(workspace)
        let states = jobs.mapValues { $0["state"] as? String ?? "" }
        #expect(states["rain-words"] == "completed" && states["rain"] == "completed")
        #expect(states["journey.extend-2"] == "completed")
        #expect(states["journey.join"] == "failed" && states["rain.wav"] == "failed")
        #expect(states["journey.wav"] == "blocked")
        let joinError = (jobs["journey.join"]?["last_error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(joinError.contains("does not serve"), "\(joinError)")
        #expect(result.stdout.contains("1 of 2 tracks"), "\(result.stdout)")
        await simulator.stop()
    }
}
