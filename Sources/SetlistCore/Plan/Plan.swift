/// What a run would do with a job.
public enum ActionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Send a paid request.
    case submit
    /// A task is already running at the provider: poll it, pay nothing.
    case poll
    /// Up to date: nothing to do.
    case skip
    /// An earlier submission's outcome is unknown and the provider cannot replay it: left alone until
    /// `--resubmit-unknown`.
    case hold
    /// Not selected by `--only`.
    case exclude
}

/// A job's action and why.
public struct JobAction: Sendable, Hashable {
    /// The action.
    public var kind: ActionKind
    /// A short reason a user understands (`not run yet`, `fingerprint changed`, ...).
    public var reason: String

    /// Creates an action.
    public init(_ kind: ActionKind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The action of a job no run has touched.
    public static let notRunYet = JobAction(.submit, reason: "not run yet")
}

/// Knobs of the planner.
public struct PlanOptions: Sendable, Hashable {
    /// Expected task times for the critical path and the makespan bound.
    public var expectedTimes: ExpectedTaskTimes
    /// Prices for the credit estimate.
    public var prices: CreditPrices

    /// Creates options; the defaults are the documented task times and the public prices.
    public init(expectedTimes: ExpectedTaskTimes = .documented, prices: CreditPrices = .publicEstimate) {
        self.expectedTimes = expectedTimes
        self.prices = prices
    }
}

/// One job of a plan.
public struct PlannedJob: Sendable, Hashable {
    /// The job id.
    public var id: String
    /// Song or persona.
    public var kind: JobKind
    /// The 1-based track number of the song the job belongs to (songs, extensions, joins, WAV jobs).
    public var track: Int?
    /// The model the request names, or what it asks for (``JobSpec/modelShown``).
    public var model: String
    /// The 1-based wave: wave 1 needs nothing, wave k needs something of wave k - 1.
    public var wave: Int
    /// The ids of the jobs it needs first, in the order the manifest names them.
    public var dependencies: [String]
    /// The job fingerprint (lowercase hex SHA-256).
    public var fingerprint: String
    /// Expected credits of one submission.
    public var estimatedCredits: Double
    /// Expected task seconds.
    public var expectedSeconds: Double
    /// Whether the job lies on the plan's critical path.
    public var onCriticalPath: Bool
    /// What a run would do with it.
    public var action: JobAction
}

/// Sums over a plan.
public struct PlanTotals: Sendable, Hashable {
    /// Number of jobs.
    public var jobs: Int
    /// Number of waves.
    public var waves: Int
    /// Number of jobs per action.
    public var actions: [ActionKind: Int]
    /// Expected credits of the jobs to submit: what this run would spend.
    public var credits: Double
    /// Expected credits of every job, as if nothing had run yet.
    public var albumCredits: Double
    /// The manifest's budget (`limits.max_credits`), if set.
    public var maxCredits: Double?

    /// Whether ``credits`` exceeds the budget; false without a budget.
    public var overBudget: Bool { maxCredits.map { credits > $0 } ?? false }
}

/// What a run of a manifest would do: every job with its wave, fingerprint, credits and action, listed in
/// dependency order (by wave, then job order), plus the critical path, the totals and the makespan bound.
/// In the critical path and the bound, jobs that are skipped, held or excluded count zero seconds and polled
/// jobs their full expected time; only submitted jobs count as submissions and credits to spend.
public struct Plan: Sendable, Hashable {
    /// The album's display name.
    public var album: String
    /// The provider API.
    public var api: ProviderAPI
    /// The jobs in dependency order.
    public var jobs: [PlannedJob]
    /// The ids of the longest chain of expected task times, upstream first.
    public var criticalPath: [String]
    /// The seconds of the critical path.
    public var criticalPathSeconds: Double
    /// The lower bound on the run's makespan.
    public var makespan: MakespanBound
    /// Sums over the jobs.
    public var totals: PlanTotals
    /// The concurrency cap used for the bound.
    public var concurrency: Int
    /// The submit rate used for the bound.
    public var submitsPerMinute: Int

    /// Plans `manifest`, whose job graph is `graph`, asking `action` what to do with each job given its
    /// fingerprint. O(jobs + edges).
    public init(
        manifest: ResolvedManifest, graph: JobGraph, options: PlanOptions = PlanOptions(),
        action: (JobSpec, _ fingerprint: String) -> JobAction = { _, _ in .notRunYet }
    ) {
        let fingerprints = JobFingerprint.fingerprints(of: graph, api: manifest.provider.api)
        let actions = graph.jobs.indices.map { action(graph.jobs[$0], fingerprints[$0]) }
        let expected = graph.expectedSeconds(options.expectedTimes)
        let seconds = graph.jobs.indices.map { index in
            actions[index].kind == .submit || actions[index].kind == .poll ? expected[index] : 0
        }
        let paths = graph.longestPaths(seconds: seconds)
        var onPath = Array(repeating: false, count: graph.count)
        for job in paths.criticalPath { onPath[job] = true }
        let credits = graph.jobs.map(options.prices.credits(for:))

        self.jobs = graph.topologicalOrder.map { index in
            let spec = graph.jobs[index]
            return PlannedJob(
                id: spec.id, kind: spec.kind, track: spec.song?.track, model: spec.modelShown,
                wave: graph.waveIndex[index] + 1,
                dependencies: graph.dependencies(of: index).map { graph.jobs[$0].id },
                fingerprint: fingerprints[index], estimatedCredits: credits[index], expectedSeconds: expected[index],
                onCriticalPath: onPath[index], action: actions[index]
            )
        }
        var counts = Dictionary(uniqueKeysWithValues: ActionKind.allCases.map { ($0, 0) })
        for planned in actions { counts[planned.kind, default: 0] += 1 }
        self.album = manifest.album
        self.api = manifest.provider.api
        self.criticalPath = paths.criticalPath.map { graph.jobs[$0].id }
        self.criticalPathSeconds = paths.criticalPathSeconds
        self.concurrency = manifest.limits.concurrency
        self.submitsPerMinute = manifest.limits.submitsPerMinute
        self.makespan = MakespanBound(
            criticalPathSeconds: paths.criticalPathSeconds, submissions: counts[.submit] ?? 0,
            submitsPerMinute: manifest.limits.submitsPerMinute, totalTaskSeconds: seconds.reduce(0, +),
            concurrency: manifest.limits.concurrency
        )
        self.totals = PlanTotals(
            jobs: graph.count, waves: graph.waves.count, actions: counts,
            credits: graph.jobs.indices.filter { actions[$0].kind == .submit }.reduce(0) { $0 + credits[$1] },
            albumCredits: credits.reduce(0, +), maxCredits: manifest.limits.maxCredits
        )
    }

    /// Builds the job graph of `manifest` and plans it, with actions looked up by job id (missing ids are
    /// ``JobAction/notRunYet``).
    public init(
        manifest: ResolvedManifest, options: PlanOptions = PlanOptions(), actions: [String: JobAction] = [:]
    ) throws(JobGraphError) {
        let graph = try JobGraph(manifest: manifest)
        self.init(manifest: manifest, graph: graph, options: options) { job, _ in actions[job.id] ?? .notRunYet }
    }
}
