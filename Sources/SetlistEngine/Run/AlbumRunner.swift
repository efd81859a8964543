import Foundation
import SetlistCore

/// Options of one album run.
public struct AlbumRunOptions: Sendable {
    /// Which jobs to consider.
    public var selection: RunSelection
    /// Whether the run talks to the simulator (only shown in reports).
    public var simulated: Bool
    /// Seeds the idempotency keys' random part and the backoff jitter.
    public var seed: UInt64
    /// When to poll; tests and the simulator shorten it.
    public var poll: PollSchedule
    /// Expected task times, for priorities.
    public var expectedTimes: ExpectedTaskTimes

    /// Creates options.
    public init(
        selection: RunSelection = RunSelection(), simulated: Bool = false, seed: UInt64,
        poll: PollSchedule = PollSchedule(), expectedTimes: ExpectedTaskTimes = .documented
    ) {
        self.selection = selection
        self.simulated = simulated
        self.seed = seed
        self.poll = poll
        self.expectedTimes = expectedTimes
    }
}

/// Where and how a run saves its media; nil in ``AlbumRunner`` when `output.download` is empty.
public struct MediaSettings: Sendable {
    /// The largest media file a run accepts.
    public static let maxFileBytes = 200 << 20

    /// Fetches files without credentials.
    public var fetcher: any MediaFetcher
    /// The manifest's directory: relative output paths start here.
    public var manifestDirectory: URL
    /// The output directory, relative to the manifest's directory unless absolute.
    public var outputDirectory: String
    /// Downloads running at once.
    public var parallelDownloads: Int

    /// Creates media settings.
    public init(
        fetcher: any MediaFetcher, manifestDirectory: URL, outputDirectory: String, parallelDownloads: Int = 4
    ) {
        self.fetcher = fetcher
        self.manifestDirectory = manifestDirectory
        self.outputDirectory = outputDirectory
        self.parallelDownloads = parallelDownloads
    }
}

/// What a finished run reports.
public struct AlbumRunSummary: Sendable {
    /// How the run ended.
    public var outcome: RunOutcome
    /// The scheduler's counters.
    public var statistics: SchedulerStatistics
    /// Jobs that needed nothing.
    public var skipped: Int
    /// The ledger after the run.
    public var ledger: Ledger
    /// Files of paid takes that are not on disk after the run, with why; the next run fetches them.
    public var pendingDownloads: [PendingDownload]
}

/// Runs one album: decides from the ledger what each job needs, records the run, drives the scheduler against
/// the provider, and closes the run in the ledger. The caller owns the lock, the store and the provider.
public final class AlbumRunner<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    private let manifest: ResolvedManifest
    private let manifestName: String
    private let graph: JobGraph
    private let store: LedgerStore
    private let provider: any MusicProvider
    private let clock: C
    private let now: @Sendable () -> Int64
    private let options: AlbumRunOptions
    private let report: @Sendable (RunEvent) -> Void
    private let media: MediaSettings?
    private let interruption = InterruptRelay<C>()

    /// Creates a runner. `now` gives wall-clock Unix milliseconds for the ledger; `clock` paces the run.
    public init(
        manifest: ResolvedManifest, manifestName: String, graph: JobGraph, store: LedgerStore,
        provider: any MusicProvider, clock: C, now: @escaping @Sendable () -> Int64, options: AlbumRunOptions,
        media: MediaSettings?, report: @escaping @Sendable (RunEvent) -> Void
    ) {
        self.media = media
        self.manifest = manifest
        self.manifestName = manifestName
        self.graph = graph
        self.store = store
        self.provider = provider
        self.clock = clock
        self.now = now
        self.options = options
        self.report = report
    }

    /// Stops submitting; in-flight task ids are already in the ledger, and the next run polls them.
    public func interrupt() {
        interruption.interrupt()
    }

    /// Runs the album to an outcome. Throws when the ledger cannot be written.
    public func run() async throws -> AlbumRunSummary {
        let prepared = try prepare(group: 0)
        let scheduler = RunScheduler<C>(
            jobs: prepared.jobs, configuration: configuration(), now: clock.now, seed: options.seed,
            creditsAlreadyReserved: store.ledger.totalCreditsReserved)
        let driver = RunDriver(scheduler: scheduler, provider: provider, hooks: prepared.hooks, clock: clock)
        interruption.attach(driver)
        let outcome: RunOutcome
        do {
            outcome = try await driver.run()
        } catch {
            prepared.abandon()
            throw error
        }
        return try await finish(prepared, outcome: outcome, statistics: driver.statistics)
    }

    /// Records the run's start and readies the album's jobs for a scheduler, as group `group` of a pool (0 when
    /// it runs alone): their scheduler entries, the hooks that record them, and the downloads of what is already
    /// done, which start at once.
    func prepare(group: Int) throws -> PreparedAlbum {
        let plan = ResumePlan(manifest: manifest, graph: graph, ledger: store.ledger, selection: options.selection)
        let decisions = plan.decisions
        let runID = "run-\(now())"
        let pickProblems = try record(start: runID, plan: plan)
        let skipped = decisions.filter { $0 == .skip }.count
        let counts = Dictionary(grouping: decisions, by: { $0.action.kind }).mapValues(\.count)
        report(
            .started(
                album: manifest.album, jobs: graph.count, submit: counts[.submit] ?? 0, poll: counts[.poll] ?? 0,
                skip: skipped, simulated: options.simulated))
        for problem in pickProblems { report(.pickUnresolved(job: problem.job, reason: problem.message)) }

        let (downloads, queue) = AsyncStream.makeStream(of: DownloadItem.self)
        let downloader = makeDownloader()
        let jobs = graph.jobs
        let enqueue: @Sendable (Int) -> Void = { index in
            guard let downloader else { return }
            for item in downloader.pending(for: jobs[index]) { queue.yield(item) }
        }
        for index in graph.jobs.indices where decisions[index] == .skip { enqueue(index) }
        let hooks = AlbumHooks(
            graph: graph, store: store, replays: manifest.provider.idempotencyKeys, keySeed: options.seed &+ 1,
            now: now, report: report, completed: enqueue)
        let parallel = media?.parallelDownloads ?? 1
        let downloading = Task { await Self.drain(downloads, with: downloader, parallel: parallel) }
        return PreparedAlbum(
            runID: runID, skipped: skipped, jobs: schedulerJobs(decisions: decisions, group: group), hooks: hooks,
            policy: GroupPolicy(
                limits: manifest.limits, retry: manifest.retry,
                creditsAlreadyReserved: store.ledger.totalCreditsReserved),
            downloader: downloader, queue: queue, downloading: downloading)
    }

    /// Waits for the album's downloads and closes its run in the ledger with `outcome`.
    func finish(
        _ prepared: PreparedAlbum, outcome scheduled: RunOutcome, statistics: SchedulerStatistics
    ) async throws -> AlbumRunSummary {
        var outcome = scheduled
        prepared.queue.finish()
        if outcome == .interrupted { prepared.downloading.cancel() }
        let failures = await prepared.downloading.value
        let pending = pendingDownloads(prepared.downloader, failures: failures)
        if !pending.isEmpty {
            report(
                .downloadsPending(
                    files: pending.map { "\($0.path) (\($0.reason ?? "not tried: the run stopped first"))" }))
        }
        let unresolvedPicks = graph.jobs.filter { job in
            if case .failure = TakePicks.change(for: job, in: store.ledger) { return true }
            return false
        }
        if outcome == .completed, !pending.isEmpty || !unresolvedPicks.isEmpty {
            outcome = unresolvedPicks.isEmpty ? .downloadsPending : .jobsFailed
        }
        try store.append(
            .runFinished(
                run: prepared.runID, at: now(), outcome: outcome, exitCode: outcome.exitCode,
                skipped: prepared.skipped, polls: statistics.polls,
                requests: statistics.polls + statistics.submissions))
        try store.compact()
        return AlbumRunSummary(
            outcome: outcome, statistics: statistics, skipped: prepared.skipped, ledger: store.ledger,
            pendingDownloads: pending)
    }

    /// The takes' files still missing after the run, with the reasons this run's tries gave.
    private func pendingDownloads(
        _ downloader: MediaDownloader?, failures: [DownloadItem: String]
    ) -> [PendingDownload] {
        guard let downloader else { return [] }
        return graph.jobs.flatMap(downloader.pending(for:)).map { item in
            PendingDownload(
                job: item.job, take: item.take, kind: item.kind, path: item.relativePath, reason: failures[item],
                finishedAtMs: item.finishedAtMs)
        }
    }

    private func makeDownloader() -> MediaDownloader? {
        guard let media, !manifest.output.download.isEmpty else { return nil }
        let clock = self.clock
        return MediaDownloader(
            fetcher: media.fetcher, store: store, manifestDirectory: media.manifestDirectory,
            outputDirectory: media.outputDirectory, kinds: manifest.output.download, trackCount: manifest.songs.count,
            pause: { try? await clock.sleep(for: $0) }, report: report)
    }

    /// Runs the queued downloads, `parallel` at a time, until the queue ends; returns why each failed one did.
    private static func drain(
        _ items: AsyncStream<DownloadItem>, with downloader: MediaDownloader?, parallel: Int
    ) async -> [DownloadItem: String] {
        guard let downloader else { return [:] }
        return await withTaskGroup(of: (DownloadItem, String?).self) { group in
            var running = 0
            var failed: [DownloadItem: String] = [:]
            for await item in items {
                if running == parallel, let (done, reason) = await group.next() {
                    running -= 1
                    failed[done] = reason
                }
                group.addTask { (item, await downloader.download(item)) }
                running += 1
            }
            for await (done, reason) in group { failed[done] = reason }
            return failed
        }
    }

    /// Records the run's start, its plan and the songs' picks; returns the picks that name no take.
    private func record(start runID: String, plan: ResumePlan) throws -> [RequestNotBuilt] {
        let provider = LedgerProvider(api: manifest.provider.api, baseURL: manifest.provider.baseURL)
        try store.append(
            .runStarted(
                run: runID, at: now(), album: manifest.album, manifest: manifestName, provider: provider,
                setlistVersion: SetlistVersion.current),
            durability: .buffered)
        for (index, spec) in graph.jobs.enumerated() {
            let planned: LedgerEvent =
                plan.migrated.contains(index)
                ? .fingerprintMigrated(job: spec.id, fingerprint: plan.fingerprints[index])
                : .jobPlanned(job: spec.id, kind: spec.kind, fingerprint: plan.fingerprints[index])
            try store.append(planned, durability: .buffered)
            if case .submit = plan.decisions[index],
                case .inFlight(let taskID, let attempt)? = store.job(spec.id)?.resumePoint
            {
                let error = RecordedError(
                    code: "given_up", message: "Task \(taskID) was given up by --force; a new generation was paid for.")
                try store.append(
                    .taskFailed(job: spec.id, attempt: attempt.number, error: error, willRetry: true, at: now()),
                    durability: .buffered)
            }
            switch plan.decisions[index] {
            case .submit(_, true, _):
                try store.append(.jobRequeued(job: spec.id), durability: .buffered)
            case .resubmit, .hold:
                try store.append(.jobMarkedUnknown(job: spec.id, at: now()), durability: .buffered)
            default:
                break
            }
        }
        var problems: [RequestNotBuilt] = []
        for job in graph.jobs {
            switch TakePicks.change(for: job, in: store.ledger) {
            case .success(let event?): try store.append(event, durability: .buffered)
            case .success(nil): break
            case .failure(let problem): problems.append(problem)
            }
        }
        try store.sync()
        return problems
    }

    private func schedulerJobs(decisions: [ResumeDecision], group: Int) -> [SchedulerJob] {
        let priorities = graph.longestPaths(options.expectedTimes).remainingSeconds
        let prices = CreditPrices.publicEstimate
        return graph.jobs.indices.map { index in
            let start: JobStart =
                switch decisions[index] {
                case .submit(let attempt, _, _): .submit(attempt: attempt)
                case .resubmit(let attempt, _): .resubmit(attempt: attempt)
                case .poll(let taskID, let attempt): .poll(taskID: taskID, attempt: attempt)
                case .skip: .done
                case .hold: .held
                case .excluded: .excluded
                }
            return SchedulerJob(
                id: graph.jobs[index].id, dependencies: graph.dependencies(of: index), priority: priorities[index],
                estimatedCredits: prices.credits(for: graph.jobs[index]), start: start,
                pollsAlone: graph.jobs[index].kind == .wav, group: group)
        }
    }

    /// The scheduler configuration of the album alone.
    func configuration() -> SchedulerConfiguration {
        SchedulerConfiguration(
            limits: manifest.limits, retry: manifest.retry, poll: options.poll, maxBatchSize: provider.maxBatchSize,
            idempotentSubmissions: manifest.provider.idempotencyKeys && provider.honoursIdempotencyKeys)
    }
}

/// One album readied for a scheduler: its entries, hooks and downloads in progress.
struct PreparedAlbum: Sendable {
    /// The run's id in the ledger.
    var runID: String
    /// Jobs that needed nothing.
    var skipped: Int
    /// The album's scheduler entries, indices local to the album.
    var jobs: [SchedulerJob]
    /// What records the album's events.
    var hooks: AlbumHooks
    /// The album's own budget, deadline, retries and timeout.
    var policy: GroupPolicy
    /// Where the album's media go; nil when it downloads nothing.
    var downloader: MediaDownloader?
    /// Downloads waiting to be fetched.
    var queue: AsyncStream<DownloadItem>.Continuation
    /// The downloads in progress; their failures by item when done.
    var downloading: Task<[DownloadItem: String], Never>

    /// Stops the album's downloads after the run failed.
    func abandon() {
        queue.finish()
        downloading.cancel()
    }
}
