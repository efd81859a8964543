import SetlistCore
import Synchronization

/// The run's memory and voice: every driver callback becomes a durable ledger event first and a report
/// second. Chained values (a persona's id, a song's task and result ids) are read from the ledger, so what a
/// job sends is exactly what its upstream jobs recorded.
final class AlbumHooks: RunHooks {
    private let graph: JobGraph
    private let store: LedgerStore
    private let replays: Bool
    private let now: @Sendable () -> Int64
    private let keys: Mutex<SeededRandom>
    private let report: @Sendable (RunEvent) -> Void
    private let completed: @Sendable (Int) -> Void
    private let builder = RequestBuilder()
    private let chain: ChainResolver

    /// `completed` is told the index of every job whose task completed, after the ledger recorded it.
    init(
        graph: JobGraph, store: LedgerStore, replays: Bool, keySeed: UInt64, now: @escaping @Sendable () -> Int64,
        report: @escaping @Sendable (RunEvent) -> Void, completed: @escaping @Sendable (Int) -> Void
    ) {
        self.completed = completed
        self.graph = graph
        chain = ChainResolver(graph: graph)
        self.store = store
        self.replays = replays
        self.now = now
        keys = Mutex(SeededRandom(seed: keySeed))
        self.report = report
    }

    func willSubmit(job: Int, attempt: Int) async throws -> Submission {
        let spec = graph.jobs[job]
        let key = existingKey(for: spec.id, attempt: attempt) ?? newKey(for: spec.id, attempt: attempt)
        let chained = try chain.inputs(for: job, in: store.ledger).get()
        let submission: Submission
        do {
            submission = Submission(try builder.request(for: spec, chained: chained), idempotencyKey: key)
        } catch {
            throw RequestNotBuilt(job: spec.id, message: error.description)
        }
        try await append(.submitIntent(job: spec.id, attempt: attempt, idempotencyKey: key, inputs: chained, at: now()))
        report(.submitting(job: spec.id, attempt: attempt))
        return submission
    }

    func requestNotBuilt(job: Int, error: RequestNotBuilt) async throws {
        let id = graph.jobs[job].id
        try await append(
            .jobFailed(job: id, error: RecordedError(code: "request_not_built", message: error.message), at: now()))
    }

    func interpret(job: Int, snapshot: TaskSnapshot) -> TaskSnapshot {
        snapshot.usable(by: graph.jobs[job].kind, job: graph.jobs[job].id)
    }

    func submitted(job: Int, attempt: Int, snapshot: TaskSnapshot) async throws {
        let id = graph.jobs[job].id
        try await append(
            .submitAccepted(
                job: id, attempt: attempt, taskID: snapshot.id, creditsReserved: snapshot.creditsReserved, at: now()))
        report(.accepted(job: id, attempt: attempt, taskID: snapshot.id, credits: snapshot.creditsReserved))
        if snapshot.status == .completed { try await recordCompletion(job: job, attempt: attempt, snapshot: snapshot) }
    }

    func polled(job: Int, snapshot: TaskSnapshot) async throws {
        let id = graph.jobs[job].id
        guard let attempt = store.job(id)?.attempts.last?.number else { return }
        switch snapshot.status {
        case .completed:
            try await recordCompletion(job: job, attempt: attempt, snapshot: snapshot)
        case .failed, .cancelled:
            break
        case .pending, .processing:
            try await append(
                .taskProgress(
                    job: id, attempt: attempt, status: snapshot.status, progress: snapshot.progress, at: now()),
                durability: .buffered)
            report(.progress(job: id, status: snapshot.status, percent: snapshot.progress))
        }
    }

    func pollFailed(jobs: [Int], error: ProviderError) async throws {
        guard error.kind != .transient, error.kind != .rateLimited, error.kind != .notFound else { return }
        report(
            .warning("a status request for \(jobs.map { graph.jobs[$0].id }.joined(separator: ", ")) failed: \(error)"))
    }

    func scheduled(_ action: SchedulerAction) async throws {
        switch action {
        case .submissionFailed(let job, let attempt, let error, let willRetry):
            try await submissionFailed(job: job, attempt: attempt, error: error, willRetry: willRetry)
        case .taskFailed(let job, let attempt, let failure, let willRetry):
            try await append(
                .taskFailed(
                    job: graph.jobs[job].id, attempt: attempt, error: RecordedError(failure), willRetry: willRetry,
                    at: now()))
        case .retryScheduled(let job, let attempt, let delay, let reason):
            report(.retrying(job: graph.jobs[job].id, attempt: attempt, delay: delay, reason: reason))
        case .failed(let job, let reason):
            report(.failed(job: graph.jobs[job].id, reason: reason))
        case .blocked(let job, let cause):
            let id = graph.jobs[job].id
            let causeID = graph.jobs[cause].id
            try await append(.jobBlocked(job: id, by: causeID, at: now()))
            report(.blocked(job: id, cause: causeID))
        case .heldUnknown(let job, let attempt):
            report(
                .held(
                    job: graph.jobs[job].id,
                    reason: "the answer to attempt \(attempt) was lost and the provider cannot replay it; "
                        + "check the provider's dashboard, then rerun with --resubmit-unknown to submit it again"))
        case .timedOut(let job, let attempt, let taskID, let willRetry):
            let error = RecordedError(
                code: "task_timeout", message: "Task \(taskID) was still unfinished after the task timeout.")
            try await append(
                .taskFailed(job: graph.jobs[job].id, attempt: attempt, error: error, willRetry: willRetry, at: now()))
        case .taskNotFound(let job, let taskID):
            report(
                .warning(
                    "The provider answered that task \(taskID) of '\(graph.jobs[job].id)' does not exist; setlist "
                        + "asks about it again until the task timeout and does not pay for it again."))
        case .stopped(let reason), .groupStopped(_, let reason):
            report(.stopped(reason: Self.describe(reason)))
        case .submit, .poll:
            break
        }
    }

    /// Records a failed submission: the failure, or that the provider may have created a task the ledger has
    /// no id for.
    private func submissionFailed(job: Int, attempt: Int, error: ProviderError, willRetry: Bool) async throws {
        let id = graph.jobs[job].id
        let mayHaveCreatedTask = error.kind == .transient && (error.httpStatus == nil || replays)
        guard mayHaveCreatedTask else {
            try await append(
                .submitFailed(job: id, attempt: attempt, error: RecordedError(error), willRetry: willRetry, at: now()))
            return
        }
        if !replays || !willRetry { try await append(.jobMarkedUnknown(job: id, at: now())) }
    }

    private func recordCompletion(job: Int, attempt: Int, snapshot: TaskSnapshot) async throws {
        let id = graph.jobs[job].id
        try await append(
            .taskCompleted(
                job: id, attempt: attempt, results: snapshot.results.map(ResultRecord.init),
                personaID: snapshot.personaID, at: now()))
        report(.completed(job: id, detail: Self.detail(of: graph.jobs[job], snapshot)))
        try await recordPick(of: graph.jobs[job])
        completed(job)
    }

    /// Records `event`; a synced event is on stable storage when this returns, and shares its `fsync` with the
    /// events other jobs record meanwhile.
    private func append(_ event: LedgerEvent, durability: LedgerDurability = .synced) async throws {
        switch durability {
        case .synced: try await store.appendDurably(event)
        case .buffered: try store.append(event, durability: .buffered)
        }
        try store.compactIfAdvised()
    }

    private func existingKey(for id: String, attempt: Int) -> String? {
        guard let last = store.job(id)?.attempts.last, last.number == attempt, last.taskID == nil,
            last.outcome == .submitting || last.outcome == .unknown
        else { return nil }
        return last.idempotencyKey
    }

    private func newKey(for id: String, attempt: Int) -> String {
        let random = keys.withLock { $0.next() }
        let hex = String(random, radix: 16)
        return "sl-\(id)-\(attempt)-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Records the take `job`'s pick names now that a generation completed; a pick that names no take is
    /// reported, and the run ends with exit 1.
    private func recordPick(of job: JobSpec) async throws {
        switch TakePicks.change(for: job, in: store.ledger) {
        case .success(let event?): try await append(event)
        case .success(nil): break
        case .failure(let problem): report(.pickUnresolved(job: job.id, reason: problem.message))
        }
    }

    /// What a completed task brought, for the progress line: `2 takes`, `persona_id …`, `lyrics "Title"`.
    private static func detail(of job: JobSpec, _ snapshot: TaskSnapshot) -> String {
        switch job {
        case .persona: return snapshot.personaID.map { "persona_id \($0)" } ?? "no persona_id"
        case .lyrics:
            let title = snapshot.results.first?.title.map { " \"\($0)\"" } ?? ""
            return "lyrics\(title), \(snapshot.results.first?.text?.count ?? 0) characters"
        case .join:
            let seconds = snapshot.results.first?.duration.map { ", \(Int($0.rounded())) s" } ?? ""
            return "joined song\(seconds)"
        case .wav: return "WAV ready"
        case .song, .extension:
            return "\(snapshot.results.count) take\(snapshot.results.count == 1 ? "" : "s")"
        }
    }

    private static func describe(_ reason: StopReason) -> String {
        switch reason {
        case .signal: "interrupted; tasks in flight are recorded and the next run polls them"
        case .deadline: "the manifest's deadline passed; the next run resumes"
        case .quota: "the provider reports the account is out of credits; in-flight tasks finish"
        case .budget: "the next submission would exceed limits.max_credits; in-flight tasks finish"
        case .authentication: "the provider rejected the API key"
        }
    }
}
