import Foundation
import SetlistCore
import SetlistEngine
import SetlistProviders
import SetlistSimulator

/// One manifest's run: the paths it uses, its lock and ledger, its provider (real or simulated), the runner,
/// and the summary. It reads files and wires live parts; the decisions live in the engine.
struct AlbumSession {
    /// The manifest as given on the command line.
    let path: String
    /// The validated manifest.
    let manifest: ResolvedManifest
    /// Its job graph.
    let graph: JobGraph
    /// Whether the run targets the in-process simulator.
    let simulate: Bool

    /// The ledger file: `output.ledger` beside the manifest, `.sim.ledger.json` for simulated runs.
    var ledgerPath: String {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var name = manifest.output.ledger
        if simulate {
            name = name.hasSuffix(".ledger.json")
                ? String(name.dropLast(".ledger.json".count)) + ".sim.ledger.json" : name + ".sim"
        }
        return name.hasPrefix("/") ? name : directory.appendingPathComponent(name).path
    }

    /// Loads the ledger read-only, for `plan` and `status`; a missing ledger is empty.
    func loadLedger() throws -> LoadedLedger {
        try LedgerStore.load(path: ledgerPath)
    }

    /// Runs the album and returns its exit code. `apiKey` is ignored for simulated runs.
    func run(
        selection: RunSelection, apiKey: String?, speed: Double, reporter: ConsoleReporter,
        registerInterrupt: (@escaping @Sendable () -> Void) -> Void
    ) async -> Int32 {
        let lock: RunLock
        do {
            lock = try RunLock.acquire(ledgerPath: ledgerPath, environment: .current(now: Self.unixMilliseconds))
        } catch {
            reporter.printBlock("error: \(error)")
            return RunOutcome.interrupted.exitCode
        }
        defer { try? lock.release() }
        if let warning = lock.takeoverWarning { reporter.report(.warning(warning)) }
        do {
            let store = try LedgerStore(path: ledgerPath)
            defer { store.close() }
            for warning in store.openWarnings { reporter.report(.warning(warning)) }
            let (provider, stop) = try await connect(apiKey: apiKey, speed: speed)
            let runner = AlbumRunner(
                manifest: manifest, manifestName: URL(fileURLWithPath: path).lastPathComponent, graph: graph,
                store: store, provider: provider, clock: ContinuousClock(), now: Self.unixMilliseconds,
                options: AlbumRunOptions(selection: selection, simulated: simulate, seed: UInt64.random(in: 1...UInt64.max)),
                report: { reporter.report($0) })
            registerInterrupt { runner.interrupt() }
            let summary: AlbumRunSummary
            do {
                summary = try await runner.run()
            } catch {
                await stop()
                throw error
            }
            await stop()
            reporter.printBlock(RunSummaryTable.render(graph: graph, ledger: summary.ledger, outcome: summary.outcome))
            return summary.outcome.exitCode
        } catch {
            reporter.printBlock("error: \(error)")
            return RunOutcome.ledgerUnwritable.exitCode
        }
    }

    private func connect(apiKey: String?, speed: Double) async throws
        -> (any MusicProvider, @Sendable () async -> Void)
    {
        if simulate {
            let key = "sim-" + String(UInt64.random(in: 1...UInt64.max), radix: 16)
            let simulator = Simulator(
                configuration: SimulatorConfiguration(
                    apiKeys: [key], seed: UInt64.random(in: 1...UInt64.max), speed: speed))
            let baseURL = try await simulator.start()
            let transport = AsyncHTTPTransport()
            let provider: any MusicProvider =
                switch manifest.provider.api {
                case .evolink:
                    EvolinkProvider(baseURL: baseURL, apiKey: key, transport: transport, now: { Date() })
                case .sunoProxy:
                    SunoProxyProvider(
                        baseURL: baseURL, apiKey: key, transport: transport,
                        typicalTaskSeconds: SunoProxyProvider.defaultTypicalTaskSeconds / speed, now: { Date() })
                }
            return (provider, {
                try? await transport.shutdown()
                await simulator.stop()
            })
        }
        let transport = AsyncHTTPTransport()
        let provider: any MusicProvider =
            switch manifest.provider.api {
            case .evolink:
                EvolinkProvider(
                    baseURL: manifest.provider.baseURL, apiKey: apiKey ?? "", transport: transport,
                    honoursIdempotencyKeys: manifest.provider.idempotencyKeys, now: { Date() })
            case .sunoProxy:
                SunoProxyProvider(
                    baseURL: manifest.provider.baseURL, apiKey: apiKey ?? "", transport: transport,
                    typicalTaskSeconds: ProcessInfo.processInfo.environment["SETLIST_SUNO_PROXY_TASK_SECONDS"]
                        .flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
                        ?? SunoProxyProvider.defaultTypicalTaskSeconds,
                    now: { Date() })
            }
        return (provider, { try? await transport.shutdown() })
    }

    /// Wall-clock Unix milliseconds, for the ledger and the lock.
    @Sendable static func unixMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
