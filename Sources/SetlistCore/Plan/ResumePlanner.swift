/// Which jobs a run is asked to consider, from the command line.
public struct RunSelection: Sendable, Hashable {
    /// `--only`: run these jobs and whatever they need; nil runs everything.
    public var only: Set<String>?
    /// `--force`: pay for a new generation of these jobs, even if completed (the re-roll). Jobs downstream
    /// run again only where what they would send changes.
    public var force: Set<String>
    /// `--resubmit-unknown`: submit jobs whose earlier submission has an unknown outcome on a provider that
    /// cannot replay, accepting that the provider may charge twice.
    public var resubmitUnknown: Bool

    /// Creates a selection.
    public init(only: Set<String>? = nil, force: Set<String> = [], resubmitUnknown: Bool = false) {
        self.only = only
        self.force = force
        self.resubmitUnknown = resubmitUnknown
    }
}

/// What the next run does with one job, decided from the manifest, the ledger and the selection.
public enum ResumeDecision: Sendable, Hashable {
    /// Submit a new attempt. `requeue` is set when an earlier run ended the job (failed, blocked, or completed
    /// and forced), so the ledger first records that the job runs again.
    case submit(attempt: Int, requeue: Bool, reason: String)
    /// An earlier run recorded the intent for `attempt` but no task id: send it again with the same key, so
    /// the provider replays the original task instead of charging twice.
    case resubmit(attempt: Int, idempotencyKey: String)
    /// A task is running at the provider: poll it, never resubmit.
    case poll(taskID: String, attempt: Int)
    /// Completed with this fingerprint: nothing to do.
    case skip
    /// The outcome of `attempt` is unknown and the provider cannot replay: leave it until
    /// `--resubmit-unknown`.
    case hold(attempt: Int)
    /// Not selected by `--only`.
    case excluded

    /// Whether the job's last attempt has an intent and no task id, which the ledger marks `unknown` first.
    public var marksUnknown: Bool {
        switch self {
        case .resubmit, .hold: true
        default: false
        }
    }

    /// The decision as the plan shows it.
    public var action: JobAction {
        switch self {
        case .submit(_, _, let reason): JobAction(.submit, reason: reason)
        case .resubmit(let attempt, _):
            JobAction(.submit, reason: "attempt \(attempt) unconfirmed; replayed with its key")
        case .poll(let taskID, _): JobAction(.poll, reason: "task \(taskID) in flight")
        case .skip: JobAction(.skip, reason: "completed, unchanged")
        case .hold(let attempt): JobAction(.hold, reason: "attempt \(attempt) outcome unknown; see --resubmit-unknown")
        case .excluded: JobAction(.exclude, reason: "not selected by --only")
        }
    }
}

/// Decides, for every job, what the next run does: the "make" of the tool. Pure: the same manifest, ledger
/// and selection always give the same decisions, which `plan` shows and `run` carries out.
///
/// A completed job runs again when its fingerprint changed (its manifest entry, or one upstream), when it is
/// forced, or when a value it chains in would differ from what it was sent: a persona following the newest
/// generation of a song that runs again, a song sung with a persona that is derived again, or a pick that now
/// names another take. Jobs whose values come from nowhere else are left alone.
public enum ResumePlanner {
    /// The decisions for `graph`'s jobs, in job order. `fingerprints` are the jobs' current fingerprints, and
    /// each of `earlierFingerprints` the ones an earlier setlist recorded for the same manifest (before ledger
    /// format 2, or before weights followed the seeds' step): a job recorded with one is unchanged, see
    /// ``migratedFingerprints(graph:fingerprints:earlierFingerprints:ledger:)``. `replays` says whether the
    /// provider honours idempotency keys.
    public static func decide(
        graph: JobGraph, fingerprints: [String], earlierFingerprints: [[String]] = [], ledger: Ledger,
        selection: RunSelection, replays: Bool
    ) -> [ResumeDecision] {
        let selected = selection.only.map { closure(of: $0, in: graph, following: graph.dependencies(of:)) }
        let chain = ChainResolver(graph: graph)
        var decisions = Array(repeating: ResumeDecision.skip, count: graph.count)
        var producesValues = Array(repeating: false, count: graph.count)
        for index in graph.topologicalOrder {
            let decision = decide(
                index, graph: graph, fingerprints: [fingerprints[index]] + earlierFingerprints.map { $0[index] },
                ledger: ledger, selection: selection, selected: selected, replays: replays
            ) { record in
                chainChange(of: index, record: record, graph: graph, chain: chain, ledger: ledger) {
                    producesValues[$0]
                }
            }
            decisions[index] = decision
            switch decision {
            case .submit, .resubmit, .poll: producesValues[index] = true
            case .skip, .hold, .excluded: break
            }
        }
        return decisions
    }

    /// Why completed job `index` must run again for what it chains in, or nil when its values still hold.
    private static func chainChange(
        of index: Int, record: JobRecord, graph: JobGraph, chain: ChainResolver, ledger: Ledger,
        producesValues: (Int) -> Bool
    ) -> String? {
        let sources = chain.valueSources(of: index)
        guard !sources.isEmpty else { return nil }
        let pinned = chain.followedChoice(of: index).map { !$0.followsNewest } ?? false
        if !pinned, let source = sources.first(where: producesValues) {
            let upstream = graph.jobs[source].id
            switch (graph.jobs[index], graph.jobs[source]) {
            case (.persona, _): return "'\(upstream)' makes a new generation, and this persona follows its newest take"
            case (.song, .lyrics): return "its lyrics '\(upstream)' are written again"
            case (.song, _): return "its persona '\(upstream)' is derived again"
            case (.extension, _): return "'\(upstream)' makes a new generation, and this part continues its newest take"
            case (.join, _): return "its last part '\(upstream)' makes a new generation"
            case (.wav, _): return "'\(upstream)' makes a new generation, and the WAV follows its album take"
            case (.lyrics, _): return nil
            }
        }
        switch chain.inputs(for: index, in: ledger) {
        case .success(let inputs):
            guard !ChainResolver.sameChainedValues(record.chainedInputs, inputs) else { return nil }
            return "what it takes from '\(graph.jobs[sources[0]].id)' changed since it ran"
        case .failure:
            return "what it takes from '\(graph.jobs[sources[0]].id)' cannot be found; the run says why"
        }
    }

    /// The jobs whose record carries an earlier fingerprint of their unchanged manifest entry: a run records
    /// their current fingerprint (``LedgerEvent/fingerprintMigrated(job:fingerprint:)``), so an upgrade pays for
    /// nothing.
    public static func migratedFingerprints(
        graph: JobGraph, fingerprints: [String], earlierFingerprints: [[String]], ledger: Ledger
    ) -> [Int] {
        graph.jobs.indices.filter { index in
            guard let record = ledger[job: graph.jobs[index].id] else { return false }
            return record.fingerprint != fingerprints[index]
                && earlierFingerprints.contains { $0[index] == record.fingerprint }
        }
    }

    private static func decide(
        _ index: Int, graph: JobGraph, fingerprints: [String], ledger: Ledger, selection: RunSelection,
        selected: Set<Int>?, replays: Bool, chainChange: (JobRecord) -> String?
    ) -> ResumeDecision {
        if let selected, !selected.contains(index) { return .excluded }
        let id = graph.jobs[index].id
        guard let record = ledger[job: id] else {
            return .submit(attempt: 1, requeue: false, reason: "not run yet")
        }
        guard fingerprints.contains(record.fingerprint) else {
            return .submit(attempt: record.nextAttemptNumber, requeue: false, reason: "changed since the last run")
        }
        switch record.resumePoint {
        case .inFlight(let taskID, let attempt):
            guard selection.force.contains(id) else { return .poll(taskID: taskID, attempt: attempt.number) }
            return .submit(
                attempt: record.nextAttemptNumber, requeue: false,
                reason: "forced: task \(taskID) is given up and a new generation paid for")
        case .unconfirmed(let attempt):
            if replays { return .resubmit(attempt: attempt.number, idempotencyKey: attempt.idempotencyKey) }
            if selection.resubmitUnknown {
                return .submit(
                    attempt: record.nextAttemptNumber, requeue: false,
                    reason: "attempt \(attempt.number) outcome unknown; resubmitted as asked")
            }
            return .hold(attempt: attempt.number)
        case .completed:
            if selection.force.contains(id) {
                return .submit(attempt: record.nextAttemptNumber, requeue: true, reason: "forced: a new generation")
            }
            guard let change = chainChange(record) else { return .skip }
            return .submit(attempt: record.nextAttemptNumber, requeue: true, reason: change)
        case .failed:
            return .submit(attempt: record.nextAttemptNumber, requeue: true, reason: "failed last run; retried")
        case .blocked:
            return .submit(attempt: record.nextAttemptNumber, requeue: true, reason: "blocked last run; retried")
        case .ready:
            return .submit(attempt: record.nextAttemptNumber, requeue: false, reason: "not finished yet")
        }
    }

    private static func closure(of ids: Set<String>, in graph: JobGraph, following next: (Int) -> [Int]) -> Set<Int> {
        var seen = Set<Int>()
        var stack = ids.compactMap(graph.index(of:))
        while let index = stack.popLast() {
            guard seen.insert(index).inserted else { continue }
            stack += next(index)
        }
        return seen
    }
}
