/// Where a job can be picked up by the next run, read from its record (DESIGN §3, "Never pay twice").
public enum ResumePoint: Sendable, Hashable {
    /// Nothing is in flight: no attempt yet, or the last one ended and the job waits for another.
    case ready
    /// The last attempt has an intent but no task id: the provider may or may not have created a task. Resubmit
    /// with the attempt's own idempotency key where the provider honours it; otherwise report and leave it.
    case unconfirmed(AttemptRecord)
    /// The last attempt has a task id and no end: poll the task, never resubmit.
    case inFlight(taskID: String, attempt: AttemptRecord)
    /// The job completed; compare its fingerprint with the plan's to know whether it is up to date.
    case completed(fingerprint: String)
    /// The job failed for good in an earlier run.
    case failed
    /// The job was blocked by a failed dependency in an earlier run.
    case blocked
}

extension JobRecord {
    /// The latest attempt, if any.
    public var lastAttempt: AttemptRecord? {
        attempts.last
    }

    /// The number the next new attempt must carry.
    public var nextAttemptNumber: Int {
        (attempts.last?.number ?? 0) + 1
    }

    /// The latest attempt if it has an intent but no task id (outcome `submitting` or `unknown`).
    public var unconfirmedAttempt: AttemptRecord? {
        guard let last = attempts.last, last.taskID == nil,
            last.outcome == .submitting || last.outcome == .unknown
        else { return nil }
        return last
    }

    /// The task id to poll: the latest attempt's, while its task has not finished.
    public var taskIDToPoll: String? {
        guard let last = attempts.last, last.outcome == .running else { return nil }
        return last.taskID
    }

    /// The latest attempt that completed, whose task id later jobs chain from.
    public var completedAttempt: AttemptRecord? {
        attempts.last { $0.outcome == .completed }
    }

    /// Whether the job completed for exactly this fingerprint, so a run can skip it.
    public func isCompleted(fingerprint: String) -> Bool {
        state == .completed && self.fingerprint == fingerprint
    }

    /// How many attempts were made for `fingerprint`; the retry budget counts these.
    public func attemptCount(fingerprint: String) -> Int {
        attempts.reduce(0) { $0 + ($1.fingerprint == fingerprint ? 1 : 0) }
    }

    /// Where the next run picks this job up.
    public var resumePoint: ResumePoint {
        if let attempt = unconfirmedAttempt { return .unconfirmed(attempt) }
        if let last = attempts.last, let taskID = taskIDToPoll { return .inFlight(taskID: taskID, attempt: last) }
        switch state {
        case .completed: return .completed(fingerprint: fingerprint)
        case .failed: return .failed
        case .blocked: return .blocked
        case .pending, .submitting, .running, .unknown: return .ready
        }
    }
}

extension Ledger {
    /// Ids of the jobs whose latest attempt is an intent without a task id, sorted. A run calls this once at
    /// start and marks each with ``LedgerEvent/jobMarkedUnknown(job:at:)`` before deciding what to do.
    public var unconfirmedJobIDs: [String] {
        jobs.compactMap { $0.value.unconfirmedAttempt == nil ? nil : $0.key }.sorted()
    }

    /// Ids of the jobs with a task in flight, sorted.
    public var inFlightJobIDs: [String] {
        jobs.compactMap { $0.value.taskIDToPoll == nil ? nil : $0.key }.sorted()
    }
}

/// Why a take cannot be found in a song's record.
public enum TakeProblem: Error, Sendable, Hashable {
    /// The song has no completed generation yet.
    case noGeneration
    /// The choice pins a generation the song does not have yet.
    case noSuchGeneration(asked: Int, generations: Int)
    /// The generation has fewer takes than the choice names.
    case noSuchTake(TakeRef, takes: Int)
}

/// A take found in a song's record.
public struct FoundTake: Sendable, Hashable {
    /// Which take it is.
    public var reference: TakeRef
    /// The completed attempt that made it.
    public var attempt: AttemptRecord
    /// The take itself.
    public var result: ResultRecord
}

extension JobRecord {
    /// The completed attempts, oldest first: generation `g` is element `g - 1`.
    public var generations: [AttemptRecord] {
        attempts.filter { $0.outcome == .completed }
    }

    /// Every take of every generation, oldest generation first, each generation's takes in the provider's order.
    public var everyTake: [FoundTake] {
        generations.enumerated().flatMap { index, attempt in
            attempt.results.enumerated().map { number, result in
                FoundTake(
                    reference: TakeRef(generation: index + 1, take: number + 1), attempt: attempt, result: result)
            }
        }
    }

    /// The takes of the newest generation, in the provider's order.
    public var results: [ResultRecord] {
        completedAttempt?.results ?? []
    }

    /// The take `choice` names in this record.
    public func take(_ choice: TakeChoice) -> Result<FoundTake, TakeProblem> {
        let generations = self.generations
        guard !generations.isEmpty else { return .failure(.noGeneration) }
        let reference: TakeRef
        switch choice {
        case .newest(let take): reference = TakeRef(generation: generations.count, take: take)
        case .pinned(let pinned): reference = pinned
        }
        guard reference.generation <= generations.count else {
            return .failure(.noSuchGeneration(asked: reference.generation, generations: generations.count))
        }
        let attempt = generations[reference.generation - 1]
        guard reference.take <= attempt.results.count else {
            return .failure(.noSuchTake(reference, takes: attempt.results.count))
        }
        return .success(FoundTake(reference: reference, attempt: attempt, result: attempt.results[reference.take - 1]))
    }
}
