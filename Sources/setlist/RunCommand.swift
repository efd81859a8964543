import ArgumentParser
import Dispatch
import Foundation
import SetlistCore
import SetlistEngine

extension LogFormat: ExpressibleByArgument {}

/// `setlist run MANIFEST...`: generates what the manifests describe, resuming from their ledgers.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Generate the songs and personas of one or more manifests, resuming from their ledgers.",
        discussion: "Exit codes: \(ExitStatus.helpSummary)."
    )

    @Argument(help: "Manifest files to run, one after another.")
    var manifests: [String]

    @Flag(help: "Run against the built-in simulator on loopback: nothing is paid; uses <stem>.sim.ledger.json.")
    var simulate = false

    @Option(
        help: ArgumentHelp(
            "With --simulate: how many times faster than real tasks simulated tasks finish (default 100).",
            discussion: "A number from 0.001 to 1000000; without --simulate it is a usage error."))
    var speed: Double?

    @OptionGroup var jobs: JobSelectionOptions<RunSelectionWording>

    @Flag(help: "Print what the run would do and exit; sends nothing and writes nothing.")
    var dryRun = false

    @Flag(help: "Submit jobs whose earlier submission has an unknown outcome on a provider that cannot replay it.")
    var resubmitUnknown = false

    @Option(help: "Log format: text (a live line on a terminal, timestamped lines otherwise) or json.")
    var logFormat: LogFormat = .text

    @Flag(help: "Print only problems and the final summary.")
    var quiet = false

    @Option(help: "Read the API key from this file instead of the environment variable the manifest names.")
    var apiKeyFile: String?

    @Flag(
        help: ArgumentHelp(
            "Make the ledger this manifest's own although it records another manifest: for a "
                + "renamed or moved manifest. Never for two albums: each needs its own output.ledger."))
    var adoptLedger = false

    @Option(
        help: ArgumentHelp(
            "Write Prometheus text-format metrics of the run to this file (atomically), for node_exporter.",
            discussion: "A regular file in an existing directory; never a ledger, journal, lock, manifest or link."))
    var metricsFile: String?

    /// The range `--speed` accepts: slower than a thousandth of real time is a typo, a million times faster makes
    /// every task instant (the overhead benchmark runs there), and 0, negative or non-finite values would break
    /// the simulator's clock.
    static let speedRange = 0.001...1_000_000.0

    /// Refuses a `--speed` outside ``speedRange``.
    static func checkSpeed(_ speed: Double) throws {
        guard speed.isFinite, speedRange.contains(speed) else {
            throw ValidationError(
                "--speed must be a number from 0.001 to 1000000 (how many times faster than real "
                    + "time simulated tasks finish), not \(speed).")
        }
    }

    func validate() throws {
        guard let speed else { return }
        guard simulate else {
            throw ValidationError(
                "--speed applies only to simulated runs, and this run would use the real provider "
                    + "and pay; add --simulate, or leave --speed out.")
        }
        try Self.checkSpeed(speed)
    }

    func run() async throws {
        let sessions = try CommandSupport.sessions(for: manifests, simulate: simulate, adoptLedger: adoptLedger)
        let selection = try jobs.selection(in: sessions, resubmitUnknown: resubmitUnknown)
        let metricsOutput = try metricsFile.map {
            try CommandSupport.outputFile(
                $0, purpose: "the metrics file", option: "--metrics-file", sessions: sessions,
                createsDirectories: false)
        }
        if dryRun {
            for session in sessions { try PlanCommand.printPlan(session, selection: selection, format: .text) }
            return
        }
        let keys = try sessions.map { simulate ? nil : try CommandSupport.apiKey(for: $0.manifest, file: apiKeyFile) }
        let interrupts = SignalForwarder()
        let results = await runAll(sessions, keys: keys, selection: selection, interrupts: interrupts)
        let codes = results.map(\.code)
        let metrics = results.compactMap(\.metrics)
        if let metricsOutput {
            do {
                try metricsOutput.write(Array(PrometheusTextFormat.render(metrics).utf8))
            } catch {
                try? FileHandle.standardError.write(contentsOf: Data("warning: \(error.description)\n".utf8))
            }
        }
        let code = ExitStatus.combined(codes)
        if code != ExitStatus.success { throw code }
    }
}

extension RunCommand {
    /// Runs the albums: one alone as before; several at the same time, those on one provider, base URL and key
    /// in one pool that shares the key's limits (DESIGN §4), the pools side by side. Returns each album's exit code
    /// and metrics, in the order the manifests were named.
    func runAll(
        _ sessions: [AlbumSession], keys: [String?], selection: RunSelection, interrupts: SignalForwarder
    ) async -> [(code: ExitCode, metrics: RunMetrics?)] {
        let several = sessions.count > 1
        let reporters = sessions.map {
            ConsoleReporter(
                format: logFormat, quiet: quiet, total: $0.graph.count, upToDate: 0,
                album: several ? $0.manifest.album : nil)
        }
        if sessions.count == 1 {
            var metrics: RunMetrics?
            let code = await sessions[0].run(
                selection: selection, apiKey: keys[0], speed: speed ?? 100, reporter: reporters[0],
                metrics: &metrics, registerInterrupt: interrupts.forward(to:))
            return [(code, metrics)]
        }
        var pools: [String: [Int]] = [:]
        var order: [String] = []
        for (index, session) in sessions.enumerated() {
            let identity = session.poolIdentity(apiKey: keys[index])
            if pools[identity] == nil { order.append(identity) }
            pools[identity, default: []].append(index)
        }
        let stops = PoolStops()
        interrupts.forward { stops.interruptAll() }
        let speed = self.speed ?? 100
        return await withTaskGroup(of: [(Int, ExitCode, RunMetrics?)].self) { group in
            for identity in order {
                let members = pools[identity] ?? []
                group.addTask {
                    let results = await AlbumSession.runPool(
                        members.map { sessions[$0] }, apiKey: keys[members[0]], selection: selection, speed: speed,
                        reporters: members.map { reporters[$0] }, registerInterrupt: stops.register)
                    return zip(members, results).map { ($0, $1.code, $1.metrics) }
                }
            }
            var results: [(code: ExitCode, metrics: RunMetrics?)] = Array(
                repeating: (ExitStatus.success, nil), count: sessions.count)
            for await finished in group {
                for (index, code, metrics) in finished { results[index] = (code, metrics) }
            }
            return results
        }
    }
}

/// The interrupt handlers of pools running side by side: a signal stops them all.
final class PoolStops: @unchecked Sendable {
    private let lock = NSLock()
    private var handlers: [@Sendable () -> Void] = []
    private var fired = false

    /// Adds a pool's handler; it runs at once if a signal already came.
    func register(_ handler: @escaping @Sendable () -> Void) {
        let late = lock.withLock {
            handlers.append(handler)
            return fired
        }
        if late { handler() }
    }

    /// Calls every pool's handler.
    func interruptAll() {
        let current = lock.withLock {
            fired = true
            return handlers
        }
        for handler in current { handler() }
    }
}

/// Turns SIGINT, SIGTERM and SIGHUP (a closed terminal or ssh session) into a call, so a run can stop submitting,
/// record the answers to the requests it sent, release its lock and exit 75. SIGPIPE is ignored: a reader of the
/// run's output that goes away (`setlist run album.yaml | head -1`) makes writes fail, which the console shrugs
/// off, instead of killing the run between a durable intent and its request.
final class SignalForwarder: @unchecked Sendable {
    private let lock = NSLock()
    private var handler: (@Sendable () -> Void)?
    private var sources: [any DispatchSourceSignal] = []
    private var didFire = false

    init() {
        signal(SIGPIPE, SIG_IGN)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.fire() }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether a signal arrived.
    var fired: Bool { lock.withLock { didFire } }

    /// Routes the next signals to `handler`.
    func forward(to handler: @escaping @Sendable () -> Void) {
        lock.withLock { self.handler = handler }
    }

    private func fire() {
        let handler = lock.withLock {
            didFire = true
            return self.handler
        }
        handler?()
    }
}
