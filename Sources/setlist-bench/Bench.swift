import ArgumentParser
import Foundation
import SetlistCore
import SetlistSimulator

/// `setlist-bench`: measures setlist against the performance bars of DESIGN §7 and prints one line per figure.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setlist-bench",
        abstract: "Measure setlist against the bars of DESIGN §7: one line per figure.",
        discussion: """
            Runs against the in-process simulator over loopback HTTP. Scheduling, polling and rate figures run on a \
            scaled clock shared by setlist and the simulator, so simulated minutes pass in real milliseconds; \
            overhead figures run the setlist binary as a child process. Build with -c release.
            """)

    @Option(help: "Comma-separated sections to run: schedule, polls, rate, pool, overhead (default: all).")
    var only: String?

    @Option(help: "Simulated seconds per real second for the schedule and polls sections.")
    var speed: Double = 100

    @Option(help: "Simulated seconds per real second for the one-at-a-time baseline (it runs every job in turn).")
    var serialSpeed: Double = 1000

    @Option(help: "Simulated seconds per real second for the rate section (lower keeps loopback jitter small).")
    var rateSpeed: Double = 20

    @Option(help: "Seed of the random DAG, the simulator and setlist's jitter.")
    var seed: UInt64 = 7

    @Option(help: "Songs of the overhead album (one persona per ten songs).")
    var overheadSongs: Int = 10000

    @Option(help: "The setlist binary for the overhead section (default: next to this executable).")
    var setlist: String?

    @Flag(help: "Leave out the slow one-at-a-time baseline.")
    var skipSerialBaseline = false

    func run() async throws {
        let sections = Set((only ?? "schedule,polls,rate,pool,overhead").split(separator: ",").map(String.init))
        if sections.contains("schedule") { try await schedule() }
        if sections.contains("polls") { try await polls() }
        if sections.contains("rate") { try await rate() }
        if sections.contains("pool") { try await pool() }
        if sections.contains("overhead") { try overhead() }
    }

    private func schedule() async throws {
        for workload in [Workload.wideAlbum(), .personaChain(), .randomDAG(seed: seed)] {
            var line = "schedule \(workload.name) (\(workload.shape); \(workload.limitsText)):"
            for api in ProviderAPI.allCases {
                let ours = try await withEnvironment(speed: speed) { environment in
                    try await SchedulingBench.runSetlist(workload, api: api, environment: environment, seed: seed)
                }
                let met = ours.makespan <= ours.lowerBound * 1.05
                line +=
                    " setlist on \(api.rawValue): lower bound \(format(ours.lowerBound)) s, makespan "
                    + "\(format(ours.makespan)) s = \(ratio(ours.makespan, ours.lowerBound)) "
                    + "[bar <= 1.05: \(met ? "met" : "falls short")];"
            }
            if !skipSerialBaseline {
                let serial = try await withEnvironment(speed: serialSpeed) { environment in
                    try await SchedulingBench.runBaseline(
                        workload, api: .evolink, environment: environment, waves: false)
                }
                line += " one-at-a-time \(format(serial.makespan)) s = \(ratio(serial.makespan, serial.lowerBound));"
            }
            let waves = try await withEnvironment(speed: speed) { environment in
                try await SchedulingBench.runBaseline(workload, api: .evolink, environment: environment, waves: true)
            }
            line +=
                " wave-by-wave (pool \(workload.concurrency)) \(format(waves.makespan)) s = "
                + ratio(waves.makespan, waves.lowerBound)
            emit(line)
        }
    }

    private func polls() async throws {
        let workload = Workload.wideAlbum()
        let runs: [(api: ProviderAPI, batch: Bool, name: String)] = [
            (.evolink, true, "evolink with batch status"), (.evolink, false, "evolink without batch status"),
            (.sunoProxy, true, "suno-proxy"),
        ]
        for spread in [TaskTiming().spread, 0.97...1.03] {
            for run in runs {
                let figures = try await withEnvironment(speed: speed, spread: spread, evolinkBatch: run.batch) {
                    environment in
                    try await SchedulingBench.runSetlist(
                        workload, api: run.api, environment: environment, seed: seed)
                }
                let perTask = Double(figures.statusRequests) / Double(max(1, figures.tasks))
                let batched = run.batch
                let perTaskBar = batched ? 1.5 : 3
                let makespanBar = batched ? 1.04 : 1.05
                let makespan = figures.makespan / figures.lowerBound
                emit(
                    "polls \(run.name) (\(workload.shape), task times \(spread.lowerBound)-\(spread.upperBound) "
                        + "x estimate): \(String(format: "%.2f", perTask)) status requests per task "
                        + "(\(figures.statusRequests) for \(figures.tasks) tasks) [bar <= \(perTaskBar): "
                        + "\(perTask <= perTaskBar ? "met" : "falls short")]; makespan "
                        + ratio(figures.makespan, figures.lowerBound)
                        + " [bar <= \(makespanBar): \(makespan <= makespanBar ? "met" : "falls short")]")
            }
        }
    }

    /// Two and four copies of the wide album on one key at 60 requests a minute: in one pool at the same time,
    /// and one after another. Concurrency 100 and 60 submissions a minute, so that the key's request rate, not the
    /// slots or the submit rate, is what binds.
    private func pool() async throws {
        var workload = Workload.wideAlbum()
        workload.concurrency = 100
        workload.requestsPerMinute = 60
        workload.submitsPerMinute = 60
        for copies in [2, 4] {
            let pooled = try await withEnvironment(speed: rateSpeed) { environment in
                let figures = try await SchedulingBench.runPool(
                    workload, copies: copies, api: .evolink, environment: environment, seed: seed)
                let stats = try await environment.admin("/_sim/stats")
                let seen = stats["max_requests_per_60s"]?[SimulatorAccount.name(forKey: environment.key)]?.numberValue
                return (figures, Int(seen ?? -1))
            }
            let sequential = try await withEnvironment(speed: rateSpeed) { environment in
                var total = 0.0
                for copy in 0..<copies {
                    let figures = try await SchedulingBench.runSetlist(
                        workload, api: .evolink, environment: environment, seed: seed &+ UInt64(copy) &* 7919)
                    total += figures.makespan
                }
                return total
            }
            let figures = pooled.0
            let highest = max(RateFigures.maxPerMinute(figures.calls), pooled.1)
            emit(
                "pool \(copies) x \(workload.name) on one key (60 requests/min, 60 submissions/min, concurrency 100): "
                    + "highest 60 s window \(highest) [bar <= 60: \(highest <= 60 ? "met" : "falls short")]; "
                    + "makespan \(format(figures.makespan)) s in one pool against \(format(sequential)) s one after "
                    + "another (\(String(format: "%.2f", sequential / figures.makespan)) x faster); "
                    + "\(figures.tasks) submissions + \(figures.statusRequests) status requests = bound "
                    + "\(format(figures.lowerBound)) s at 60/min, makespan "
                    + ratio(figures.makespan, figures.lowerBound))
        }
    }

    private func rate() async throws {
        var bound = Workload.wideAlbum()
        bound.name = "rate"
        bound.concurrency = 40
        bound.requestsPerMinute = 40
        bound.submitsPerMinute = 20
        let adherence = try await withEnvironment(speed: rateSpeed) { environment in
            let figures = try await SchedulingBench.runSetlist(
                bound, api: .evolink, environment: environment, seed: seed)
            let stats = try await environment.admin("/_sim/stats")
            let account = SimulatorAccount.name(forKey: environment.key)
            let seen = stats["max_requests_per_60s"]?[account]?.numberValue
            return (figures, Int(seen ?? -1))
        }
        let highest = RateFigures.maxPerMinute(adherence.0.calls)
        emit(
            "rate adherence (\(bound.shape), concurrency 40, 40 requests/min configured, provider unlimited): "
                + "highest 60 s window \(highest) sent, \(adherence.1) seen by the simulator, limit 40 "
                + "[bar: no window over the limit: \(max(highest, adherence.1) <= 40 ? "met" : "falls short")]")

        let providerLimit = 40
        var harder = bound
        harder.requestsPerMinute = 120
        harder.submitsPerMinute = 60
        let limited = try await withEnvironment(speed: rateSpeed, rateLimit: providerLimit) { environment in
            try await SchedulingBench.runSetlist(harder, api: .evolink, environment: environment, seed: seed)
        }
        let (share, minutes) = RateFigures.shareOfLimit(limited.calls, limit: providerLimit)
        let refused = limited.calls.filter(\.rateLimited).count
        emit(
            "rate share (provider limits \(providerLimit)/min, manifest says 120/min): "
                + "\(String(format: "%.1f", share * 100))% of the provider's rate used over \(minutes) full busy minutes, "
                + "\(refused) requests refused with 429 of \(limited.calls.count) "
                + "[bar >= 90%: \(share >= 0.9 ? "met" : "falls short")]")
    }

    private func overhead() throws {
        let binary =
            setlist
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("setlist").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("no setlist binary at \(binary); build it with swift build -c release or pass --setlist")
        }
        for songs in [overheadSongs / 10, overheadSongs] {
            let figures = try OverheadBench.run(setlist: binary, songs: songs)
            var line =
                "overhead \(songs) songs (\(figures.jobs) jobs, instant tasks, no limits): "
                + "exit \(figures.exitStatus), wall \(String(format: "%.2f", figures.wallSeconds)) s, "
                + "peak RSS \(figures.peakRSSBytes >> 20) MB"
            if let events = figures.events, let bytes = figures.journalBytes, events > 0 {
                line += ", ledger \(events) events, \(bytes / events) journal bytes per event"
            }
            if songs == overheadSongs {
                let met = figures.wallSeconds <= 20 && figures.peakRSSBytes <= 200 << 20 && figures.exitStatus == 0
                line += " [bar <= 20 s and <= 200 MB: \(met ? "met" : "falls short")]"
            }
            emit(line)
        }
    }

    private func withEnvironment<T>(
        speed: Double, rateLimit: Int? = nil, spread: ClosedRange<Double> = TaskTiming().spread,
        evolinkBatch: Bool = true, _ body: (BenchEnvironment) async throws -> T
    ) async throws -> T {
        let environment = try await BenchEnvironment.start(
            speed: speed, seed: seed, rateLimit: rateLimit, spread: spread, evolinkBatch: evolinkBatch)
        do {
            let value = try await body(environment)
            await environment.stop()
            return value
        } catch {
            await environment.stop()
            throw error
        }
    }

    /// Writes one figure line at once, unbuffered, so a long run shows each figure as it is measured.
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func format(_ seconds: Double) -> String { String(format: "%.0f", seconds) }

    private func ratio(_ value: Double, _ bound: Double) -> String {
        String(format: "%.3f x bound", value / bound)
    }
}
