import ArgumentParser
import Foundation
import SetlistCore
import SetlistEngine
import SetlistProviders

/// An album of a pool, ready to run: its session, lock, ledger store and console.
private struct OpenAlbum {
    var session: AlbumSession
    var lock: RunLock
    var store: LedgerStore
    var reporter: ConsoleReporter

    func close() {
        store.close()
        try? lock.release()
    }
}

extension AlbumSession {
    /// What sets albums apart into pools: their provider's format, base URL, key and idempotency setting. Albums
    /// with the same identity share one key's limits; simulated albums each have their own simulator.
    func poolIdentity(apiKey: String?) -> String {
        if simulate { return "simulated:" + path }
        let provider = manifest.provider
        return [provider.api.rawValue, provider.baseURL, apiKey ?? "", String(provider.idempotencyKeys)]
            .joined(separator: "\u{0}")
    }

    /// Runs `sessions`, which share one key, at the same time in one scheduler (DESIGN §4), and returns each
    /// album's exit code and metrics in order. An album whose lock is held or whose ledger cannot be opened gets its
    /// own exit code and the others run; a ledger that cannot be written during the run ends the pool (exit 70 for
    /// every album still running), since nothing may be sent without a durable intent.
    static func runPool(
        _ sessions: [AlbumSession], apiKey: String?, selection: RunSelection, speed: Double,
        reporters: [ConsoleReporter], registerInterrupt: (@escaping @Sendable () -> Void) -> Void
    ) async -> [(code: ExitCode, metrics: RunMetrics?)] {
        var results: [(code: ExitCode, metrics: RunMetrics?)] = Array(
            repeating: (ExitStatus.success, nil), count: sessions.count)
        var open: [(index: Int, album: OpenAlbum)] = []
        for (index, session) in sessions.enumerated() {
            switch session.open(reporter: reporters[index]) {
            case .success(let album): open.append((index, album))
            case .failure(let code): results[index].code = code
            }
        }
        defer { for entry in open { entry.album.close() } }
        guard let first = open.first?.album else { return results }
        let connection: Connection
        do {
            connection = try await first.session.connect(apiKey: apiKey, speed: speed) {
                first.reporter.report(.warning($0))
            }
        } catch {
            for entry in open {
                results[entry.index].code = entry.album.session.failure(error, reporter: entry.album.reporter)
            }
            return results
        }
        let provider = CountingProvider(connection.provider)
        let mediaTransport = AsyncHTTPTransport(maxResponseBytes: MediaSettings.maxFileBytes)
        let runners = open.map { entry in
            entry.album.session.makeRunner(
                store: entry.album.store, provider: provider, connection: connection, mediaTransport: mediaTransport,
                selection: selection, reporter: entry.album.reporter)
        }
        let pool = AlbumPool(
            runners: runners, provider: provider, clock: ContinuousClock(), seed: UInt64.random(in: 1...UInt64.max))
        registerInterrupt { pool.interrupt() }
        let summaries: [AlbumRunSummary]
        do {
            summaries = try await pool.run()
        } catch {
            try? await mediaTransport.shutdown()
            await connection.stop()
            for entry in open {
                results[entry.index].code = entry.album.session.failure(error, reporter: entry.album.reporter)
            }
            return results
        }
        try? await mediaTransport.shutdown()
        await connection.stop()
        for (entry, summary) in zip(open, summaries) {
            var metrics: RunMetrics?
            let code = entry.album.session.conclude(
                summary, store: entry.album.store, requests: provider.requests, reporter: entry.album.reporter,
                metrics: &metrics)
            results[entry.index] = (code, metrics)
        }
        return results
    }

    /// Takes the album's lock and opens its ledger, printing why when it cannot.
    private func open(reporter: ConsoleReporter) -> Result<OpenAlbum, ExitCode> {
        let lock: RunLock
        switch acquireLock(printError: reporter.printError) {
        case .success(let acquired): lock = acquired
        case .failure(let code): return .failure(code)
        }
        if let warning = lock.takeoverWarning { reporter.report(.warning(warning)) }
        let store: LedgerStore
        do {
            store = try LedgerStore(path: ledgerPath)
        } catch {
            try? lock.release()
            return .failure(failure(error, reporter: reporter))
        }
        if let refusal = ownershipRefusal(store.ledger) {
            reporter.printError(refusal)
            store.close()
            try? lock.release()
            return .failure(ExitStatus.usage)
        }
        for warning in store.openWarnings { reporter.report(.warning(warning)) }
        return .success(OpenAlbum(session: self, lock: lock, store: store, reporter: reporter))
    }
}
