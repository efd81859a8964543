import SetlistCore

/// Several albums on one provider, base URL and key run at the same time in one scheduler (DESIGN §4, like an
/// Airflow pool): they share one concurrency cap and both rate windows, the strictest of their limits, and their
/// ready jobs compete by critical path. Each album keeps its own ledger, budget, deadline, retries, timeout,
/// downloads and outcome; a key-wide stop (a rejected key, no credits, a signal) ends them all.
public final class AlbumPool<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    private let runners: [AlbumRunner<C>]
    private let provider: any MusicProvider
    private let clock: C
    private let seed: UInt64
    private let interruption = InterruptRelay<C>()

    /// Creates a pool of `runners`, which must share `provider`; `seed` seeds the shared scheduler.
    public init(runners: [AlbumRunner<C>], provider: any MusicProvider, clock: C, seed: UInt64) {
        self.runners = runners
        self.provider = provider
        self.clock = clock
        self.seed = seed
    }

    /// Stops submitting for every album; task ids in flight are already in the ledgers.
    public func interrupt() {
        interruption.interrupt()
    }

    /// The limits the albums share: the strictest concurrency cap and rates among them.
    public static func sharedLimits(of configurations: [SchedulerConfiguration]) -> RunLimits {
        var limits = configurations[0].limits
        for configuration in configurations.dropFirst() {
            limits.concurrency = min(limits.concurrency, configuration.limits.concurrency)
            limits.requestsPerMinute = min(limits.requestsPerMinute, configuration.limits.requestsPerMinute)
            limits.submitsPerMinute = min(limits.submitsPerMinute, configuration.limits.submitsPerMinute)
        }
        return limits
    }

    /// Runs every album to its outcome, in the runners' order. Throws when a ledger cannot be written, which ends
    /// the pool: nothing is sent without a durable intent.
    public func run() async throws -> [AlbumRunSummary] {
        var prepared: [PreparedAlbum] = []
        for (group, runner) in runners.enumerated() {
            do {
                prepared.append(try runner.prepare(group: group))
            } catch {
                for album in prepared { album.abandon() }
                throw error
            }
        }
        var offsets: [Int] = []
        var jobs: [SchedulerJob] = []
        for album in prepared {
            offsets.append(jobs.count)
            let offset = jobs.count
            jobs += album.jobs.map { job in
                var shifted = job
                shifted.dependencies = job.dependencies.map { $0 + offset }
                return shifted
            }
        }
        let configurations = runners.map { $0.configuration() }
        var configuration = configurations[0]
        configuration.limits = Self.sharedLimits(of: configurations)
        configuration.groups = prepared.map(\.policy)
        configuration.idempotentSubmissions = configurations.allSatisfy(\.idempotentSubmissions)
        let scheduler = RunScheduler<C>(jobs: jobs, configuration: configuration, now: clock.now, seed: seed)
        let hooks = PooledHooks(albums: prepared.map(\.hooks), offsets: offsets, total: jobs.count)
        let driver = RunDriver(scheduler: scheduler, provider: provider, hooks: hooks, clock: clock)
        interruption.attach(driver)
        do {
            _ = try await driver.run()
        } catch {
            for album in prepared { album.abandon() }
            throw error
        }
        var summaries: [AlbumRunSummary] = []
        for (group, runner) in runners.enumerated() {
            summaries.append(
                try await runner.finish(
                    prepared[group], outcome: driver.outcome(ofGroup: group),
                    statistics: driver.statistics(ofGroup: group)))
        }
        return summaries
    }
}

/// The hooks of a pool: each event goes to the hooks of the album whose job it is, with the job's index in that
/// album; a key-wide stop goes to every album, an album's own stop to that album.
struct PooledHooks: RunHooks {
    private let albums: [AlbumHooks]
    private let offsets: [Int]
    /// For each pooled job index, its album and its index there.
    private let owners: [(album: Int, job: Int)]

    init(albums: [AlbumHooks], offsets: [Int], total: Int) {
        self.albums = albums
        self.offsets = offsets
        var owners: [(album: Int, job: Int)] = []
        owners.reserveCapacity(total)
        for album in offsets.indices {
            let end = album + 1 < offsets.count ? offsets[album + 1] : total
            for job in offsets[album]..<end { owners.append((album, job - offsets[album])) }
        }
        self.owners = owners
    }

    func willSubmit(job: Int, attempt: Int) async throws -> Submission {
        let owner = owners[job]
        return try await albums[owner.album].willSubmit(job: owner.job, attempt: attempt)
    }

    func requestNotBuilt(job: Int, error: RequestNotBuilt) async throws {
        let owner = owners[job]
        try await albums[owner.album].requestNotBuilt(job: owner.job, error: error)
    }

    func interpret(job: Int, snapshot: TaskSnapshot) -> TaskSnapshot {
        let owner = owners[job]
        return albums[owner.album].interpret(job: owner.job, snapshot: snapshot)
    }

    func submitted(job: Int, attempt: Int, snapshot: TaskSnapshot) async throws {
        let owner = owners[job]
        try await albums[owner.album].submitted(job: owner.job, attempt: attempt, snapshot: snapshot)
    }

    func polled(job: Int, snapshot: TaskSnapshot) async throws {
        let owner = owners[job]
        try await albums[owner.album].polled(job: owner.job, snapshot: snapshot)
    }

    func pollFailed(jobs: [Int], error: ProviderError) async throws {
        var byAlbum: [Int: [Int]] = [:]
        for job in jobs { byAlbum[owners[job].album, default: []].append(owners[job].job) }
        for (album, local) in byAlbum.sorted(by: { $0.key < $1.key }) {
            try await albums[album].pollFailed(jobs: local, error: error)
        }
    }

    func scheduled(_ action: SchedulerAction) async throws {
        switch action {
        case .stopped:
            for album in albums { try await album.scheduled(action) }
        case .groupStopped(let group, let reason):
            try await albums[group].scheduled(.stopped(reason))
        case .submit, .poll:
            break
        case .submissionFailed(let job, let attempt, let error, let willRetry):
            try await forward(job) {
                .submissionFailed(job: $0, attempt: attempt, error: error, willRetry: willRetry)
            }
        case .taskFailed(let job, let attempt, let failure, let willRetry):
            try await forward(job) { .taskFailed(job: $0, attempt: attempt, failure: failure, willRetry: willRetry) }
        case .retryScheduled(let job, let attempt, let delay, let reason):
            try await forward(job) { .retryScheduled(job: $0, attempt: attempt, delay: delay, reason: reason) }
        case .failed(let job, let reason):
            try await forward(job) { .failed(job: $0, reason: reason) }
        case .blocked(let job, let cause):
            let local = owners[cause].job
            try await forward(job) { .blocked(job: $0, cause: local) }
        case .heldUnknown(let job, let attempt):
            try await forward(job) { .heldUnknown(job: $0, attempt: attempt) }
        case .timedOut(let job, let attempt, let taskID, let willRetry):
            try await forward(job) { .timedOut(job: $0, attempt: attempt, taskID: taskID, willRetry: willRetry) }
        case .taskNotFound(let job, let taskID):
            try await forward(job) { .taskNotFound(job: $0, taskID: taskID) }
        }
    }

    /// Sends `action`, made for the job's index in its album, to that album's hooks.
    private func forward(_ job: Int, _ action: (Int) -> SchedulerAction) async throws {
        let owner = owners[job]
        try await albums[owner.album].scheduled(action(owner.job))
    }
}
