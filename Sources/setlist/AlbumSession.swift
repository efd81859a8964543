import ArgumentParser
import Foundation
import SetlistCore
import SetlistEngine
import SetlistProviders
import SetlistSimulator
import Synchronization

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
    /// Whether the ledger may record another manifest's name (`run --adopt-ledger`): the manifest was renamed or
    /// moved, and this run makes the ledger its own.
    var adoptsLedger = false

    /// The ledger file: `output.ledger` beside the manifest, `.sim.ledger.json` for simulated runs.
    var ledgerPath: String {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let name = ledgerName
        return name.hasPrefix("/") ? name : directory.appendingPathComponent(name).path
    }

    /// `output.ledger` as written, or its simulated variant.
    private var ledgerName: String {
        let name = manifest.output.ledger
        guard simulate else { return name }
        return name.hasSuffix(".ledger.json")
            ? String(name.dropLast(".ledger.json".count)) + ".sim.ledger.json" : name + ".sim"
    }

    /// The manifest's folder as an absolute path, symlinks resolved.
    var manifestFolder: String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return ManifestFiles.realPath(folder) ?? folder
    }

    /// Where this album's ledger and output folder are, for the rules about what albums may share.
    var placement: AlbumPlacement {
        AlbumPlacement(
            manifestPath: path, manifestFile: manifestFolder + "/" + URL(fileURLWithPath: path).lastPathComponent,
            ledger: Self.resolve(ledgerName, in: manifestFolder),
            outputDirectory: Self.resolve(outputDirectory, in: manifestFolder), locations: manifest.outputLocations)
    }

    /// `path` relative to `folder` unless absolute, without `.` and `..` components.
    static func resolve(_ path: String, in folder: String) -> String {
        URL(fileURLWithPath: path.hasPrefix("/") ? path : folder + "/" + path).standardizedFileURL.path
    }

    /// The sentence refusing `ledger` when it records another manifest (DESIGN §3: one ledger, one album).
    func ownershipRefusal(_ ledger: Ledger) -> String? {
        adoptsLedger ? nil : placement.ownershipRefusal(recorded: ledger.manifest)
    }

    /// Where a simulated run keeps the simulated provider's tasks, personas and idempotency records between runs:
    /// `<stem>.sim.state.json` beside `<stem>.sim.ledger.json`, so a simulated album resumes like a real one.
    var simulatorStatePath: String {
        let ledger = ledgerPath
        return ledger.hasSuffix(".ledger.json")
            ? String(ledger.dropLast(".ledger.json".count)) + ".state.json" : ledger + ".state.json"
    }

    /// The folder of the album's paid takes (DESIGN §8), absolute.
    var takesFolder: String {
        outputFolder + "/takes"
    }

    /// The output directory as the manifest gives it; simulated runs write under `out-sim/` instead of `out/`.
    var outputDirectory: String {
        let directory = manifest.output.directory
        guard simulate else { return directory }
        if directory == "out" || directory.hasPrefix("out/") { return "out-sim" + directory.dropFirst(3) }
        return directory + "-sim"
    }

    /// Loads the ledger read-only, for `plan`, `status` and `report`; a missing ledger is empty. A ledger of
    /// another manifest is refused (exit 2) rather than shown as this album's.
    func loadLedger() throws -> LoadedLedger {
        let loaded = try LedgerStore.load(path: ledgerPath)
        if let refusal = ownershipRefusal(loaded.ledger) {
            FileHandle.standardError.write(Data("error: \(refusal)\n".utf8))
            throw ExitStatus.usage
        }
        return loaded
    }

    /// What a run with `selection` would do with each job against `ledger`, as `plan`, `status` and `report`
    /// show it.
    func decisions(against ledger: Ledger, selection: RunSelection = RunSelection()) -> [ResumeDecision] {
        ResumePlan(manifest: manifest, graph: graph, ledger: ledger, selection: selection).decisions
    }

    /// Takes the album's run lock; when it cannot, prints why and fails with the exit code: 75 while another
    /// run holds it, 70 when the lock file cannot be written.
    func acquireLock(printError: (String) -> Void) -> Result<RunLock, ExitCode> {
        do {
            return .success(
                try RunLock.acquire(ledgerPath: ledgerPath, environment: .current(now: Self.unixMilliseconds)))
        } catch {
            printError(ErrorSentence.describe(error))
            if case .io = error { return .failure(ExitStatus.of(.ledgerUnwritable)) }
            return .failure(ExitStatus.tryLater)
        }
    }

    /// Runs the album and returns its exit code; `metrics` receives the run's figures when it ran to an end.
    func run(
        selection: RunSelection, apiKey: String?, speed: Double, reporter: ConsoleReporter,
        metrics: inout RunMetrics?, registerInterrupt: (@escaping @Sendable () -> Void) -> Void
    ) async -> ExitCode {
        let lock: RunLock
        switch acquireLock(printError: reporter.printError) {
        case .success(let acquired): lock = acquired
        case .failure(let code): return code
        }
        defer { try? lock.release() }
        if let warning = lock.takeoverWarning { reporter.report(.warning(warning)) }
        do {
            let store = try LedgerStore(path: ledgerPath)
            defer { store.close() }
            if let refusal = ownershipRefusal(store.ledger) {
                reporter.printError(refusal)
                return ExitStatus.usage
            }
            for warning in store.openWarnings { reporter.report(.warning(warning)) }
            let connection = try await connect(apiKey: apiKey, speed: speed) { reporter.report(.warning($0)) }
            let provider = CountingProvider(connection.provider)
            let mediaTransport = AsyncHTTPTransport(maxResponseBytes: MediaSettings.maxFileBytes)
            let stop: @Sendable () async -> Void = {
                try? await mediaTransport.shutdown()
                await connection.stop()
            }
            let runner = makeRunner(
                store: store, provider: provider, connection: connection, mediaTransport: mediaTransport,
                selection: selection, reporter: reporter)
            registerInterrupt { runner.interrupt() }
            let summary: AlbumRunSummary
            do {
                summary = try await runner.run()
            } catch {
                await stop()
                throw error
            }
            await stop()
            return conclude(summary, store: store, requests: provider.requests, reporter: reporter, metrics: &metrics)
        } catch {
            return failure(error, reporter: reporter)
        }
    }

    /// The exit code of a run that ended with `error`, which is printed.
    func failure(_ error: any Error, reporter: ConsoleReporter) -> ExitCode {
        reporter.printError(ErrorSentence.describe(error))
        if let storeError = error as? LedgerStoreError, case .newerFormat = storeError {
            return ExitStatus.usage
        }
        return ExitStatus.of(.ledgerUnwritable)
    }

    /// The album's runner against `provider`, its media fetched over `mediaTransport` (from the simulator when
    /// `connection` is one).
    func makeRunner(
        store: LedgerStore, provider: any MusicProvider, connection: Connection,
        mediaTransport: AsyncHTTPTransport, selection: RunSelection, reporter: ConsoleReporter
    ) -> AlbumRunner<ContinuousClock> {
        let fetcher = HTTPMediaFetcher(transport: mediaTransport)
        let media = MediaSettings(
            fetcher: connection.simulatorURL.map { SimulatedMediaFetcher(fetcher: fetcher, baseURL: $0) } ?? fetcher,
            manifestDirectory: URL(fileURLWithPath: path).deletingLastPathComponent(),
            outputDirectory: outputDirectory)
        return AlbumRunner(
            manifest: manifest, manifestName: placement.nameInLedger, graph: graph,
            store: store, provider: provider, clock: ContinuousClock(), now: Self.unixMilliseconds,
            options: AlbumRunOptions(
                selection: selection, simulated: simulate, seed: UInt64.random(in: 1...UInt64.max)),
            media: media, report: { reporter.report($0) })
    }

    /// Prints the run's summary table, writes the album folder, fills `metrics` and returns the exit code.
    func conclude(
        _ summary: AlbumRunSummary, store: LedgerStore, requests: [RequestKey: Int], reporter: ConsoleReporter,
        metrics: inout RunMetrics?
    ) -> ExitCode {
        reporter.printBlock(
            RunSummaryTable.render(
                graph: graph, ledger: summary.ledger, outcome: summary.outcome, width: reporter.columns))
        let album = writeAlbum(from: summary.ledger)
        if let album { reporter.report(album) }
        let run = summary.ledger.runs.last
        metrics = RunMetrics(
            album: manifest.album, jobsByState: RunMetrics.jobsByState(graph: graph, ledger: summary.ledger),
            requests: requests, retries: summary.statistics.retries,
            creditsReserved: run?.creditsReserved ?? 0,
            durationSeconds: run.map { Double(($0.endedAtMs ?? $0.startedAtMs) - $0.startedAtMs) / 1000 } ?? 0,
            lastSuccessUnixTime: RunMetrics.lastSuccessUnixTime(in: summary.ledger), outcome: summary.outcome,
            ledgerEvents: store.journalWrites.events, ledgerJournalBytes: store.journalWrites.bytes,
            downloadsPending: summary.pendingDownloads.count,
            oldestPendingTakeAgeSeconds: RunMetrics.oldestPendingTakeAge(
                summary.pendingDownloads, nowMs: Self.unixMilliseconds()),
            jobsByKind: RunMetrics.jobsByKind(graph: graph, ledger: summary.ledger))
        if case .albumFailed = album {
            return ExitStatus.combined([ExitStatus.of(summary.outcome), ExitStatus.jobsFailed])
        }
        return ExitStatus.of(summary.outcome)
    }

    /// A live provider, the simulator's base URL when simulated, and how to shut both down.
    struct Connection {
        var provider: any MusicProvider
        var simulatorURL: String?
        var stop: @Sendable () async -> Void
    }

    /// The provider to run against. A simulated one starts from the state the last simulated run of this ledger
    /// saved and saves its own when it stops; `warn` hears a state that could not be saved.
    func connect(
        apiKey: String?, speed: Double, warn: @escaping @Sendable (String) -> Void
    ) async throws -> Connection {
        if simulate {
            let key = "sim-" + String(UInt64.random(in: 1...UInt64.max), radix: 16)
            let simulator = Simulator(
                configuration: SimulatorConfiguration(
                    apiKeys: [key], seed: UInt64.random(in: 1...UInt64.max), speed: speed,
                    servesMediaForAnyResult: true))
            let statePath = simulatorStatePath
            if let saved = FileManager.default.contents(atPath: statePath) {
                do {
                    try simulator.restoreState(saved)
                } catch {
                    throw SimulatorStateError(
                        "The simulated provider's state '\(statePath)' cannot be read: \(error) Delete it to "
                            + "start the simulated provider afresh; simulated songs and personas recorded in the "
                            + "simulated ledger are then unknown to it.")
                }
            }
            let stateFile = SimulatorStateFile(simulator: simulator, path: statePath, warn: warn)
            simulator.onTaskCreated { stateFile.append() }
            let baseURL = try await simulator.start()
            let transport = AsyncHTTPTransport()
            let provider = ProviderFactory.provider(
                api: manifest.provider.api, baseURL: baseURL, apiKey: key, transport: transport,
                options: ProviderOptions(typicalTaskSeconds: SunoProxyProvider.defaultTypicalTaskSeconds / speed))
            return Connection(provider: provider, simulatorURL: baseURL) {
                try? await transport.shutdown()
                await simulator.stop()
                stateFile.save()
            }
        }
        let transport = AsyncHTTPTransport()
        let provider = ProviderFactory.provider(
            api: manifest.provider.api, baseURL: manifest.provider.baseURL, apiKey: apiKey ?? "", transport: transport,
            options: ProviderOptions(
                honoursIdempotencyKeys: manifest.provider.idempotencyKeys,
                typicalTaskSeconds: ProcessInfo.processInfo.environment["SETLIST_SUNO_PROXY_TASK_SECONDS"]
                    .flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
                    ?? SunoProxyProvider.defaultTypicalTaskSeconds))
        return Connection(provider: provider, simulatorURL: nil) { try? await transport.shutdown() }
    }

    /// Wall-clock Unix milliseconds, for the ledger and the lock.
    @Sendable static func unixMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}

/// Fetches simulated media from the simulator running now: a simulated result's files depend only on its
/// result id, so URLs recorded by an earlier simulated run (another port) are served by this one.
struct SimulatedMediaFetcher: MediaFetcher {
    let fetcher: HTTPMediaFetcher
    let baseURL: String

    func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8] {
        guard let range = url.range(of: "/_sim/media/") else { return try await fetcher.fetch(url, maxBytes: maxBytes) }
        return try await fetcher.fetch(baseURL + url[range.lowerBound...], maxBytes: maxBytes)
    }
}

/// A simulated provider's saved state that cannot be used, with the sentence to print.
struct SimulatorStateError: Error, CustomStringConvertible {
    /// What is wrong and what to do, as full sentences.
    let description: String

    init(_ description: String) { self.description = description }
}

/// Keeps a simulated provider's state on disk, so even a run killed with SIGKILL leaves the tasks it was answered
/// about for the next simulated run: every task the simulator creates is appended as one line before its answer
/// goes out (constant cost per task), and the run's end rewrites the file as one line.
final class SimulatorStateFile: Sendable {
    private let simulator: Simulator
    private let path: String
    private let warn: @Sendable (String) -> Void
    /// Serialises the writes, counts the tasks already in the file and remembers a reported failure.
    private let saving: Mutex<(tasksInFile: Int, warned: Bool)>

    /// Keeps `simulator`'s state in `path`, which already holds every task the simulator has (restored from it).
    init(simulator: Simulator, path: String, warn: @escaping @Sendable (String) -> Void) {
        self.simulator = simulator
        self.path = path
        self.warn = warn
        saving = Mutex((simulator.taskCount, false))
    }

    /// Appends the tasks created since the last write.
    func append() {
        saving.withLock { state in
            let (line, end) = simulator.savedTasks(from: state.tasksInFile)
            guard end > state.tasksInFile else { return }
            write(&state.warned) { () throws(FileWriteFailure) in
                try AtomicFile.append([UInt8](line) + [0x0A], to: path)
            }
            state.tasksInFile = end
        }
    }

    /// Rewrites the whole state atomically as one line.
    func save() {
        saving.withLock { state in
            let (line, end) = simulator.savedTasks(from: 0)
            write(&state.warned) { () throws(FileWriteFailure) in
                try AtomicFile.replace(
                    path, with: [UInt8](line) + [0x0A], temporary: AtomicFile.temporaryPath(beside: path))
            }
            state.tasksInFile = end
        }
    }

    /// Runs `body`; its first failure is reported once.
    private func write(_ warned: inout Bool, _ body: () throws(FileWriteFailure) -> Void) {
        do {
            try body()
        } catch {
            guard !warned else { return }
            warned = true
            warn(
                "Could not save the simulated provider's state to '\(path)': \(ErrorSentence.describe(error)); "
                    + "the next simulated run will not know this run's simulated songs and personas.")
        }
    }
}
