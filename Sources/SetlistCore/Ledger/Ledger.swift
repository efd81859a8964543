/// The record of everything runs did for one manifest: per job its attempts, results and state; per run its
/// outcome and counters. The snapshot file is this value as pretty-printed JSON with sorted keys; jobs are a JSON
/// object keyed by job id, so their order is the sorted order of the ids.
///
/// A ledger changes only through ``apply(_:)``, one ``LedgerEvent`` at a time, at a cost independent of the
/// number of jobs and runs.
public struct Ledger: Sendable, Hashable {
    /// The ledger format this version of setlist writes.
    public static let formatVersion = 2
    /// The ledger formats this version of setlist reads; a format 1 ledger is migrated when it is next written.
    public static let readableFormats = 1...formatVersion

    /// The album's display name, from the latest run.
    public var album: String?
    /// The manifest's path as the latest run was given it.
    public var manifest: String?
    /// The provider of the latest run.
    public var provider: LedgerProvider?
    /// The number of events folded into this ledger since it was created.
    public private(set) var sequence: Int
    /// Every job ever planned, by id.
    public private(set) var jobs: [String: JobRecord]
    /// Every run, oldest first.
    public private(set) var runs: [RunRecord]

    /// Creates an empty ledger.
    public init() {
        sequence = 0
        jobs = [:]
        runs = []
    }

    /// Creates a ledger with the given contents, as a snapshot would hold them.
    public init(
        album: String?, manifest: String?, provider: LedgerProvider?, sequence: Int, jobs: [String: JobRecord],
        runs: [RunRecord]
    ) {
        self.album = album
        self.manifest = manifest
        self.provider = provider
        self.sequence = sequence
        self.jobs = jobs
        self.runs = runs
    }

    /// The job with `id`, if it was ever planned.
    public subscript(job id: String) -> JobRecord? {
        jobs[id]
    }

    /// The last run, if it has not finished (it is running, or it stopped without finishing).
    public var openRun: RunRecord? {
        guard let last = runs.last, last.endedAtMs == nil else { return nil }
        return last
    }

    /// Checks that `event` can be folded into this ledger, without changing it.
    public func validate(_ event: LedgerEvent) throws(LedgerError) {
        switch event {
        case .runStarted(let run, _, _, _, _, _):
            if runs.contains(where: { $0.id == run }) { throw .duplicateRun(run: run) }
        case .runFinished(let run, _, _, _, _, _, _):
            guard let last = runs.last, last.id == run else { throw .unknownRun(run: run) }
        case .jobPlanned(let job, let kind, _):
            if let record = jobs[job], record.kind != kind {
                throw .kindChanged(job: job, recorded: record.kind, planned: kind)
            }
        case .jobRequeued(let job), .jobBlocked(let job, _, _), .jobFailed(let job, _, _),
            .fingerprintMigrated(let job, _):
            _ = try record(job, for: event)
        case .takePicked(let job, let pick):
            let record = try record(job, for: event)
            guard case .success = record.take(.pinned(pick)) else { throw .unknownTake(job: job, take: pick) }
        case .submitIntent(let job, let attempt, let key, _, _):
            let record = try record(job, for: event)
            guard let last = record.attempts.last else { break }
            if attempt <= last.number {
                let reusable =
                    last.number == attempt && last.idempotencyKey == key && last.taskID == nil
                    && (last.outcome == .submitting || last.outcome == .unknown)
                if !reusable { throw .attemptNotResubmittable(job: job, attempt: attempt, last: last.number) }
            } else if last.outcome == .submitting || last.outcome == .running {
                throw .attemptInFlight(job: job, attempt: last.number, taskID: last.taskID)
            }
        case .submitAccepted(let job, let attempt, _, _, _), .submitFailed(let job, let attempt, _, _, _),
            .taskProgress(let job, let attempt, _, _, _), .taskCompleted(let job, let attempt, _, _, _),
            .taskFailed(let job, let attempt, _, _, _):
            let record = try record(job, for: event)
            guard record.attempts.last?.number == attempt else {
                throw .notLatestAttempt(job: job, attempt: attempt, latest: record.attempts.last?.number)
            }
        case .jobMarkedUnknown(let job, _):
            let record = try record(job, for: event)
            guard let last = record.attempts.last, last.taskID == nil,
                last.outcome == .submitting || last.outcome == .unknown
            else { throw .nothingUnconfirmed(job: job) }
        case .downloadRecorded(let job, let take, let resultID, _):
            let record = try record(job, for: event)
            if let take {
                guard case .success = record.take(.pinned(take)) else { throw .unknownTake(job: job, take: take) }
            } else if let resultID {
                guard Self.locate(resultID, in: record) != nil else {
                    throw .unknownResult(job: job, resultID: resultID)
                }
            } else {
                throw .unknownResult(job: job, resultID: "")
            }
        }
    }

    /// Folds `event` into the ledger. Throws, leaving the ledger unchanged, when the event does not fit it
    /// (see ``validate(_:)``). The cost does not depend on the number of jobs or runs.
    public mutating func apply(_ event: LedgerEvent) throws(LedgerError) {
        try validate(event)
        sequence += 1
        switch event {
        case .runStarted(let run, let at, let album, let manifest, let provider, let version):
            self.album = album
            self.manifest = manifest
            self.provider = provider
            runs.append(RunRecord(id: run, setlistVersion: version, startedAtMs: at))
        case .runFinished(_, let at, let outcome, let exitCode, let skipped, let polls, let requests):
            let index = runs.count - 1
            runs[index].endedAtMs = at
            runs[index].outcome = outcome
            runs[index].exitCode = exitCode
            runs[index].counts.skipped = skipped
            runs[index].counts.polls = polls
            runs[index].counts.requests = requests
        case .jobPlanned(let job, let kind, let fingerprint):
            plan(job, kind: kind, fingerprint: fingerprint)
        case .jobRequeued(let job):
            jobs[job]!.state = .pending
            jobs[job]!.lastError = nil
            jobs[job]!.blockedBy = nil
        case .submitIntent(let job, let attempt, let key, let inputs, let at):
            recordIntent(job, attempt: attempt, key: key, inputs: inputs, at: at)
        case .submitAccepted(let job, _, let taskID, let credits, let at):
            modifyLatestAttempt(of: job) { attempt in
                attempt.taskID = taskID
                attempt.acceptedAtMs = at
                attempt.outcome = .running
                attempt.creditsReserved = credits
            }
            jobs[job]!.state = .running
            countInOpenRun { run in
                run.counts.submitted += 1
                run.creditsReserved += credits ?? 0
            }
        case .submitFailed(let job, _, let error, let willRetry, let at):
            recordFailure(job, outcome: .rejected, error: error, willRetry: willRetry, at: at)
        case .taskProgress(let job, _, let status, let progress, _):
            modifyLatestAttempt(of: job) { attempt in
                attempt.providerStatus = status
                attempt.progress = progress
            }
        case .taskCompleted(let job, _, let results, let personaID, let at):
            let generation = jobs[job]!.generations.count + 1
            modifyLatestAttempt(of: job) { attempt in
                attempt.outcome = .completed
                attempt.providerStatus = .completed
                attempt.finishedAtMs = at
                attempt.generation = generation
                attempt.results = results
                attempt.personaID = personaID
            }
            jobs[job]!.personaID = personaID
            jobs[job]!.state = .completed
            jobs[job]!.lastError = nil
            jobs[job]!.blockedBy = nil
            countInOpenRun { $0.counts.completed += 1 }
        case .taskFailed(let job, _, let error, let willRetry, let at):
            recordFailure(job, outcome: .failed, error: error, willRetry: willRetry, at: at)
        case .jobBlocked(let job, let by, _):
            jobs[job]!.state = .blocked
            jobs[job]!.blockedBy = by
            countInOpenRun { $0.counts.blocked += 1 }
        case .jobMarkedUnknown(let job, _):
            modifyLatestAttempt(of: job) { $0.outcome = .unknown }
            jobs[job]!.state = .unknown
        case .jobFailed(let job, let error, _):
            jobs[job]!.state = .failed
            jobs[job]!.lastError = error
            jobs[job]!.blockedBy = nil
            countInOpenRun { $0.counts.failed += 1 }
        case .takePicked(let job, let pick):
            jobs[job]!.pick = pick
        case .fingerprintMigrated(let job, let fingerprint):
            jobs[job]!.fingerprint = fingerprint
        case .downloadRecorded(let job, let take, let resultID, let file):
            let record = jobs[job]!
            let (attempt, index) =
                take.flatMap { Self.locate($0, in: record) } ?? Self.locate(resultID ?? "", in: record)!
            var files = jobs[job]!.attempts[attempt].results[index].files.filter { $0.kind != file.kind }
            files.append(file)
            files.sort { $0.kind.rawValue < $1.kind.rawValue }
            jobs[job]!.attempts[attempt].results[index].files = files
        }
    }

    /// The attempt index and take index of `take` in `record`.
    private static func locate(_ take: TakeRef, in record: JobRecord) -> (Int, Int)? {
        var generation = 0
        for index in record.attempts.indices where record.attempts[index].outcome == .completed {
            generation += 1
            guard generation == take.generation else { continue }
            return take.take <= record.attempts[index].results.count ? (index, take.take - 1) : nil
        }
        return nil
    }

    /// The attempt index and take index of the take with `resultID`, newest generation first (format 1 journals
    /// name a take by its result id).
    private static func locate(_ resultID: String, in record: JobRecord) -> (Int, Int)? {
        for index in record.attempts.indices.reversed() {
            if let take = record.attempts[index].results.firstIndex(where: { $0.resultID == resultID }) {
                return (index, take)
            }
        }
        return nil
    }

    private func record(_ job: String, for event: LedgerEvent) throws(LedgerError) -> JobRecord {
        guard let record = jobs[job] else { throw .unknownJob(job: job, event: event.typeName) }
        return record
    }

    private mutating func plan(_ job: String, kind: JobKind, fingerprint: String) {
        guard let existing = jobs[job] else {
            jobs[job] = JobRecord(kind: kind, fingerprint: fingerprint)
            return
        }
        guard existing.fingerprint != fingerprint else { return }
        var attempts = existing.attempts
        if let last = attempts.indices.last, [.submitting, .running, .unknown].contains(attempts[last].outcome) {
            attempts[last].outcome = .superseded
        }
        jobs[job] = JobRecord(kind: kind, fingerprint: fingerprint, attempts: attempts, pick: existing.pick)
    }

    private mutating func recordIntent(_ job: String, attempt: Int, key: String, inputs: ChainedInputs?, at: Int64) {
        let fingerprint = jobs[job]!.fingerprint
        if jobs[job]!.attempts.last?.number == attempt {
            modifyLatestAttempt(of: job) { record in
                record.submissions += 1
                record.submittedAtMs = at
                record.outcome = .submitting
            }
        } else {
            jobs[job]!.attempts.append(
                AttemptRecord(number: attempt, fingerprint: fingerprint, idempotencyKey: key, submittedAtMs: at)
            )
        }
        jobs[job]!.chainedInputs = inputs
        jobs[job]!.state = .submitting
    }

    private mutating func recordFailure(
        _ job: String, outcome: AttemptOutcome, error: RecordedError, willRetry: Bool, at: Int64
    ) {
        modifyLatestAttempt(of: job) { attempt in
            attempt.outcome = outcome
            attempt.error = error
            attempt.finishedAtMs = at
            if outcome == .failed { attempt.providerStatus = .failed }
        }
        jobs[job]!.lastError = error
        jobs[job]!.state = willRetry ? .pending : .failed
        if !willRetry { countInOpenRun { $0.counts.failed += 1 } }
    }

    private mutating func modifyLatestAttempt(of job: String, _ body: (inout AttemptRecord) -> Void) {
        let index = jobs[job]!.attempts.count - 1
        body(&jobs[job]!.attempts[index])
    }

    private mutating func countInOpenRun(_ body: (inout RunRecord) -> Void) {
        guard openRun != nil else { return }
        body(&runs[runs.count - 1])
    }
}

/// An event that does not fit the ledger it is applied to: a bug in the caller, or a journal edited by hand.
public enum LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The event names a job that was never planned.
    case unknownJob(job: String, event: String)
    /// A planned job's kind differs from the recorded one.
    case kindChanged(job: String, recorded: JobKind, planned: JobKind)
    /// The event is about an attempt that is not the job's latest.
    case notLatestAttempt(job: String, attempt: Int, latest: Int?)
    /// A submit intent reuses an attempt number that cannot be resubmitted.
    case attemptNotResubmittable(job: String, attempt: Int, last: Int)
    /// A new attempt was intended while the latest one may still have a task: it must be polled (or marked
    /// unknown) first, never paid for twice.
    case attemptInFlight(job: String, attempt: Int, taskID: String?)
    /// A job was marked unknown but its latest attempt is not an unconfirmed intent.
    case nothingUnconfirmed(job: String)
    /// A download names a result the job does not have.
    case unknownResult(job: String, resultID: String)
    /// A download or a pick names a take the job does not have.
    case unknownTake(job: String, take: TakeRef)
    /// A run was started twice with the same id.
    case duplicateRun(run: String)
    /// A run that is not the latest was finished.
    case unknownRun(run: String)

    /// A full sentence saying what is wrong.
    public var description: String {
        switch self {
        case .unknownJob(let job, let event):
            "A '\(event)' event names the job '\(job)', which the ledger has never planned; "
                + "plan a job (job_planned) before recording anything about it."
        case .kindChanged(let job, let recorded, let planned):
            "The job '\(job)' is recorded as a \(recorded) but was planned as a \(planned); "
                + "give the \(planned) a new id, or remove the old job from the ledger."
        case .notLatestAttempt(let job, let attempt, let latest):
            "An event about attempt \(attempt) of the job '\(job)' arrived, but the latest attempt is "
                + (latest.map { "\($0)" } ?? "none") + "; only the latest attempt of a job can change."
        case .attemptNotResubmittable(let job, let attempt, let last):
            "A submit intent for attempt \(attempt) of the job '\(job)' arrived, but attempt \(last) exists; "
                + "a new attempt needs a higher number, and only an unconfirmed attempt may be resubmitted with "
                + "its own idempotency key."
        case .attemptInFlight(let job, let attempt, let taskID):
            "A new attempt of the job '\(job)' was intended while attempt \(attempt) "
                + (taskID.map { "still has the task '\($0)' in flight; poll it until it finishes." }
                    ?? "has an unconfirmed submission; mark it unknown, or resubmit it with its own idempotency key.")
        case .nothingUnconfirmed(let job):
            "The job '\(job)' was marked unknown, but its latest attempt is not a submission without a task id."
        case .unknownResult(let job, let resultID):
            "A download was recorded for the result '\(resultID)' of the job '\(job)', which has no such result."
        case .unknownTake(let job, let take):
            "A download or pick names \(take) of the job '\(job)', which has no such take."
        case .duplicateRun(let run):
            "A run with the id '\(run)' was already recorded; give each run a new id."
        case .unknownRun(let run):
            "The run '\(run)' was finished, but it is not the ledger's latest run."
        }
    }
}

extension Ledger: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case format
        case album
        case manifest
        case provider
        case sequence = "journal_sequence"
        case jobs
        case runs
    }

    /// Decodes the snapshot form of any readable format (format 1 is migrated as it is read: see
    /// ``JobRecord/init(from:)``). Refuses a newer format, which this version cannot read without losing what it
    /// does not understand.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let format = try container.decode(Int.self, forKey: .format)
        guard Self.readableFormats.contains(format) else {
            throw DecodingError.dataCorruptedError(
                forKey: .format, in: container,
                debugDescription: "The ledger has format \(format), which a newer version of setlist wrote; this "
                    + "version reads formats \(Self.readableFormats.lowerBound) to \(Self.formatVersion). Run it with "
                    + "that newer version; the ledger was left as it is."
            )
        }
        album = try container.decodeIfPresent(String.self, forKey: .album)
        manifest = try container.decodeIfPresent(String.self, forKey: .manifest)
        provider = try container.decodeIfPresent(LedgerProvider.self, forKey: .provider)
        sequence = try container.decode(Int.self, forKey: .sequence)
        jobs = try container.decode([String: JobRecord].self, forKey: .jobs)
        runs = try container.decode([RunRecord].self, forKey: .runs)
    }
}
