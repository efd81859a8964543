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
        var codes: [ExitCode] = []
        var metrics: [RunMetrics] = []
        let interrupts = SignalForwarder()
        for (session, key) in zip(sessions, keys) {
            let reporter = ConsoleReporter(
                format: logFormat, quiet: quiet, total: session.graph.count, upToDate: 0)
            var albumMetrics: RunMetrics?
            codes.append(
                await session.run(
                    selection: selection, apiKey: key, speed: speed ?? 100, reporter: reporter, metrics: &albumMetrics,
                    registerInterrupt: interrupts.forward(to:)))
            if let albumMetrics { metrics.append(albumMetrics) }
            if interrupts.fired { break }
        }
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
