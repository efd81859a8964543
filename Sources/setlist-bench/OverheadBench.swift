import Foundation
import SetlistCore

#if canImport(Glibc)
    import Glibc
#endif

/// A whole `setlist run --simulate` process on a generated album with instant tasks and no effective limits.
enum OverheadBench {
    struct Figures {
        var jobs: Int
        var wallSeconds: Double
        var peakRSSBytes: Int
        var exitStatus: Int32
        var events: Int?
        var journalBytes: Int?
    }

    /// Every tenth song derives a persona that the next nine sing with; every fifth song waits for the one
    /// before it (the shape of `scripts/gen-manifest.py`).
    static func manifest(songs count: Int) -> String {
        var lines = [
            "setlist: 1", "album: Overhead \(count)", "limits:", "  concurrency: \(count)",
            "  requests_per_minute: 1000000", "  submits_per_minute: 1000000", "defaults:", "  model: suno-v5-beta",
            "output:", "  download: []", "songs:",
        ]
        var personas: [String] = []
        var current: String?
        for index in 0..<count {
            let id = "song-\(index)"
            let after = index % 5 == 4 ? ["song-\(index - 1)"] : []
            lines += Workload.song(id, persona: index % 10 == 0 ? nil : current, after: after)
            if index % 10 == 0 {
                current = "voice-\(index)"
                personas += Workload.persona("voice-\(index)", from: id)
            }
        }
        return (lines + ["personas:"] + personas).joined(separator: "\n") + "\n"
    }

    /// Runs `setlist` on a fresh album of `songs` songs in a temporary directory.
    static func run(setlist: String, songs: Int) throws -> Figures {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("setlist-bench-overhead-\(ProcessInfo.processInfo.processIdentifier)-\(songs)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifestPath = directory.appendingPathComponent("album.yaml").path
        try Data(manifest(songs: songs).utf8).write(to: URL(fileURLWithPath: manifestPath))
        let metrics = directory.appendingPathComponent("run.prom").path
        let started = ContinuousClock.now
        let (status, usage) = try spawn(
            setlist, ["run", manifestPath, "--simulate", "--speed", "1000000", "--quiet", "--metrics-file", metrics])
        let wall = started.duration(to: ContinuousClock.now).seconds
        let text = (try? String(contentsOfFile: metrics, encoding: .utf8)) ?? ""
        return Figures(
            jobs: songs + (songs + 9) / 10, wallSeconds: wall, peakRSSBytes: Int(usage.ru_maxrss) * 1024,
            exitStatus: status, events: gauge("setlist_ledger_events_appended", in: text),
            journalBytes: gauge("setlist_ledger_journal_bytes_appended", in: text))
    }

    private static func gauge(_ name: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return Int(value) }
        }
        return nil
    }

    /// Starts `path` with `arguments`, stdout and stderr to /dev/null, and waits for it with its resource usage.
    private static func spawn(_ path: String, _ arguments: [String]) throws -> (Int32, rusage) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard result == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(result)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("waiting for \(path) failed: errno \(errno)") }
        }
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : -(status & 0x7f), usage)
    }
}
