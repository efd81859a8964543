/// One state change of a ledger. The engine appends each event to the journal before acting on it, and
/// ``Ledger/apply(_:)`` folds it into the ledger. Times (`at`) are Unix milliseconds (UTC) from the caller's clock.
///
/// In the journal an event is one JSON object on one line: `type` names the case in snake case, the other keys
/// are its fields (see docs/LEDGER.md).
public enum LedgerEvent: Sendable, Hashable {
    /// A run began. Sets the ledger's album, manifest and provider, and appends a run record naming the
    /// version of setlist that made it.
    case runStarted(
        run: String, at: Int64, album: String, manifest: String, provider: LedgerProvider,
        setlistVersion: String? = nil)
    /// A run ended. Completes its record with the outcome, the exit code and the counters only the engine knows.
    case runFinished(
        run: String, at: Int64, outcome: RunOutcome, exitCode: Int32, skipped: Int, polls: Int, requests: Int
    )
    /// A job recorded by an older setlist, unchanged since, gets the fingerprint this version computes for the
    /// same manifest entry. Nothing else about the job changes.
    case fingerprintMigrated(job: String, fingerprint: String)
    /// A job is part of the plan. A new job starts `pending`; a job whose fingerprint changed is reset to
    /// `pending` (its attempts stay as history); a job with the same kind and fingerprint is left as it is.
    case jobPlanned(job: String, kind: JobKind, fingerprint: String)
    /// A failed, blocked or completed job is to run again (`--force`, or a new run retrying failures).
    case jobRequeued(job: String)
    /// The engine is about to POST a paid submission. Recorded durably before the POST. Repeating the intent
    /// of an existing attempt (same number and key, no task id) records a resubmission with the same key.
    case submitIntent(job: String, attempt: Int, idempotencyKey: String, inputs: ChainedInputs?, at: Int64)
    /// The provider accepted the submission and returned a task id.
    case submitAccepted(job: String, attempt: Int, taskID: String, creditsReserved: Double?, at: Int64)
    /// The provider refused the submission; no task exists. `willRetry` false makes the job `failed`.
    case submitFailed(job: String, attempt: Int, error: RecordedError, willRetry: Bool, at: Int64)
    /// A status request reported the task's state.
    case taskProgress(job: String, attempt: Int, status: TaskStatus, progress: Int?, at: Int64)
    /// The task finished with results (songs) or a persona id (personas).
    case taskCompleted(job: String, attempt: Int, results: [ResultRecord], personaID: String?, at: Int64)
    /// The task finished with a failure. `willRetry` false makes the job `failed`.
    case taskFailed(job: String, attempt: Int, error: RecordedError, willRetry: Bool, at: Int64)
    /// A job was not run because `by` failed.
    case jobBlocked(job: String, by: String, at: Int64)
    /// On resume, the job's last attempt has an intent but no task id: whether the provider created a task is
    /// unknown.
    case jobMarkedUnknown(job: String, at: Int64)
    /// A take's file was downloaded and verified. Replaces the take's earlier record of a file of the same kind.
    /// Format 2 names the take; format 1 journals name it by `resultID` alone.
    case downloadRecorded(job: String, take: TakeRef?, resultID: String?, file: DownloadedFile)
    /// The song's chosen take, as the manifest's `pick` names it now.
    case takePicked(job: String, pick: TakeRef)
    /// The job failed before anything was sent: its request could not be built (a chained value is missing, or
    /// a take it names does not exist). Nothing was paid.
    case jobFailed(job: String, error: RecordedError, at: Int64)

    /// The job the event is about, if any.
    public var jobID: String? {
        switch self {
        case .runStarted, .runFinished:
            nil
        case .jobPlanned(let job, _, _), .jobRequeued(let job), .submitIntent(let job, _, _, _, _),
            .submitAccepted(let job, _, _, _, _), .submitFailed(let job, _, _, _, _),
            .taskProgress(let job, _, _, _, _), .taskCompleted(let job, _, _, _, _),
            .taskFailed(let job, _, _, _, _), .jobBlocked(let job, _, _), .jobMarkedUnknown(let job, _),
            .downloadRecorded(let job, _, _, _), .takePicked(let job, _), .jobFailed(let job, _, _),
            .fingerprintMigrated(let job, _):
            job
        }
    }

    /// The event's `type` in the journal.
    public var typeName: String {
        switch self {
        case .runStarted: "run_started"
        case .runFinished: "run_finished"
        case .jobPlanned: "job_planned"
        case .jobRequeued: "job_requeued"
        case .submitIntent: "submit_intent"
        case .submitAccepted: "submit_accepted"
        case .submitFailed: "submit_failed"
        case .taskProgress: "task_progress"
        case .taskCompleted: "task_completed"
        case .taskFailed: "task_failed"
        case .jobBlocked: "job_blocked"
        case .jobMarkedUnknown: "job_marked_unknown"
        case .downloadRecorded: "download_recorded"
        case .takePicked: "take_picked"
        case .jobFailed: "job_failed"
        case .fingerprintMigrated: "fingerprint_migrated"
        }
    }
}

extension LedgerEvent: Decodable {
    enum CodingKeys: String, CodingKey {
        case type
        case run
        case at = "at_ms"
        case album
        case manifest
        case provider
        case outcome
        case exitCode = "exit_code"
        case skipped
        case polls
        case requests
        case job
        case kind
        case fingerprint
        case attempt
        case idempotencyKey = "idempotency_key"
        case inputs
        case taskID = "task_id"
        case creditsReserved = "credits_reserved"
        case error
        case willRetry = "will_retry"
        case status
        case progress
        case results
        case personaID = "persona_id"
        case by
        case resultID = "result_id"
        case file
        case take
        case pick
        case setlistVersion = "setlist_version"
    }

    /// Decodes an event from one flat JSON object with a `type` key.
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: CodingKeys.self))
    }

    init(from c: KeyedDecodingContainer<CodingKeys>) throws {
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "run_started":
            self = try .runStarted(
                run: c.decode(String.self, forKey: .run), at: c.decode(Int64.self, forKey: .at),
                album: c.decode(String.self, forKey: .album), manifest: c.decode(String.self, forKey: .manifest),
                provider: c.decode(LedgerProvider.self, forKey: .provider),
                setlistVersion: c.decodeIfPresent(String.self, forKey: .setlistVersion)
            )
        case "run_finished":
            self = try .runFinished(
                run: c.decode(String.self, forKey: .run), at: c.decode(Int64.self, forKey: .at),
                outcome: c.decode(RunOutcome.self, forKey: .outcome),
                exitCode: c.decode(Int32.self, forKey: .exitCode), skipped: c.decode(Int.self, forKey: .skipped),
                polls: c.decode(Int.self, forKey: .polls), requests: c.decode(Int.self, forKey: .requests)
            )
        case "job_planned":
            self = try .jobPlanned(
                job: c.decode(String.self, forKey: .job), kind: c.decode(JobKind.self, forKey: .kind),
                fingerprint: c.decode(String.self, forKey: .fingerprint)
            )
        case "job_requeued":
            self = try .jobRequeued(job: c.decode(String.self, forKey: .job))
        case "submit_intent":
            self = try .submitIntent(
                job: c.decode(String.self, forKey: .job), attempt: c.decode(Int.self, forKey: .attempt),
                idempotencyKey: c.decode(String.self, forKey: .idempotencyKey),
                inputs: c.decodeIfPresent(ChainedInputs.self, forKey: .inputs), at: c.decode(Int64.self, forKey: .at)
            )
        case "submit_accepted":
            self = try .submitAccepted(
                job: c.decode(String.self, forKey: .job), attempt: c.decode(Int.self, forKey: .attempt),
                taskID: c.decode(String.self, forKey: .taskID),
                creditsReserved: c.decodeIfPresent(Double.self, forKey: .creditsReserved),
                at: c.decode(Int64.self, forKey: .at)
            )
        case "submit_failed":
            self = try .submitFailed(
                job: c.decode(String.self, forKey: .job), attempt: c.decode(Int.self, forKey: .attempt),
                error: c.decode(RecordedError.self, forKey: .error), willRetry: c.decode(Bool.self, forKey: .willRetry),
                at: c.decode(Int64.self, forKey: .at)
            )
        case "task_progress":
            self = try .taskProgress(
                job: c.decode(String.self, forKey: .job), attempt: c.decode(Int.self, forKey: .attempt),
                status: c.decode(TaskStatus.self, forKey: .status),
                progress: c.decodeIfPresent(Int.self, forKey: .progress), at: c.decode(Int64.self, forKey: .at)
            )
        case "task_completed":
            self = try .taskCompleted(
                job: c.decode(String.self, forKey: .job), attempt: c.decode(Int.self, forKey: .attempt),
                results: c.decode([ResultRecord].self, forKey: .results),
                personaID: c.decodeIfPresent(String.self, forKey: .personaID), at: c.decode(Int64.self, forKey: .at)
            )
        case "task_failed":
            self = try .taskFailed(
                job: c.decode(String.self, forKey: .job), attempt: c.decode(Int.self, forKey: .attempt),
                error: c.decode(RecordedError.self, forKey: .error), willRetry: c.decode(Bool.self, forKey: .willRetry),
                at: c.decode(Int64.self, forKey: .at)
            )
        case "job_blocked":
            self = try .jobBlocked(
                job: c.decode(String.self, forKey: .job), by: c.decode(String.self, forKey: .by),
                at: c.decode(Int64.self, forKey: .at)
            )
        case "job_marked_unknown":
            self = try .jobMarkedUnknown(
                job: c.decode(String.self, forKey: .job), at: c.decode(Int64.self, forKey: .at)
            )
        case "download_recorded":
            self = try .downloadRecorded(
                job: c.decode(String.self, forKey: .job), take: c.decodeIfPresent(TakeRef.self, forKey: .take),
                resultID: c.decodeIfPresent(String.self, forKey: .resultID),
                file: c.decode(DownloadedFile.self, forKey: .file)
            )
        case "take_picked":
            self = try .takePicked(
                job: c.decode(String.self, forKey: .job), pick: c.decode(TakeRef.self, forKey: .pick))
        case "fingerprint_migrated":
            self = try .fingerprintMigrated(
                job: c.decode(String.self, forKey: .job), fingerprint: c.decode(String.self, forKey: .fingerprint))
        case "job_failed":
            self = try .jobFailed(
                job: c.decode(String.self, forKey: .job), error: c.decode(RecordedError.self, forKey: .error),
                at: c.decode(Int64.self, forKey: .at)
            )
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "The journal holds an event of type '\(type)', which a newer version of setlist "
                    + "wrote; run that version, or the ledger would lose what it records."
            )
        }
    }
}

/// One line of the journal: an event and its sequence number. Sequence numbers count every event ever folded
/// into the ledger, from 1; a snapshot records the last one it contains, so a journal line already in the
/// snapshot is skipped on replay.
public struct LedgerJournalEntry: Sendable, Hashable, Decodable {
    /// The event's sequence number.
    public var sequence: Int
    /// The event.
    public var event: LedgerEvent

    /// Creates a journal entry.
    public init(sequence: Int, event: LedgerEvent) {
        self.sequence = sequence
        self.event = event
    }

    enum SequenceKey: String, CodingKey {
        case seq
    }

    /// Decodes an entry from the event's flat object plus a `seq` key.
    public init(from decoder: any Decoder) throws {
        sequence = try decoder.container(keyedBy: SequenceKey.self).decode(Int.self, forKey: .seq)
        event = try LedgerEvent(from: decoder.container(keyedBy: LedgerEvent.CodingKeys.self))
    }
}
