@testable import SetlistCore

// The `Encodable` side of the ledger's hand-written `Codable` conformances, which setlist itself no longer needs:
// it writes its files with `LedgerJSONWriter`. Foundation's `JSONEncoder` over these is the independent reference
// that `LedgerEncodingTests` compares the writer's bytes with. They name keys by the types' `CodingKeys`.

extension Ledger: Encodable {
    /// Encodes the snapshot form, including the format version.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .format)
        try container.encodeIfPresent(album, forKey: .album)
        try container.encodeIfPresent(manifest, forKey: .manifest)
        try container.encodeIfPresent(provider, forKey: .provider)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(jobs, forKey: .jobs)
        try container.encode(runs, forKey: .runs)
    }
}

extension JobRecord: Encodable {
    /// Encodes the format 2 form: takes live in the attempts, not beside them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(state, forKey: .state)
        try c.encode(attempts, forKey: .attempts)
        try c.encodeIfPresent(pick, forKey: .pick)
        try c.encodeIfPresent(personaID, forKey: .personaID)
        try c.encodeIfPresent(chainedInputs, forKey: .chainedInputs)
        try c.encodeIfPresent(lastError, forKey: .lastError)
        try c.encodeIfPresent(blockedBy, forKey: .blockedBy)
    }
}

extension LedgerEvent: Encodable {
    /// Encodes the event as one flat JSON object with a `type` key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try encodeFields(into: &container)
    }

    func encodeFields(into c: inout KeyedEncodingContainer<CodingKeys>) throws {
        try c.encode(typeName, forKey: .type)
        switch self {
        case .runStarted(let run, let at, let album, let manifest, let provider, let version):
            try c.encode(run, forKey: .run)
            try c.encode(at, forKey: .at)
            try c.encode(album, forKey: .album)
            try c.encode(manifest, forKey: .manifest)
            try c.encode(provider, forKey: .provider)
            try c.encodeIfPresent(version, forKey: .setlistVersion)
        case .runFinished(let run, let at, let outcome, let exitCode, let skipped, let polls, let requests):
            try c.encode(run, forKey: .run)
            try c.encode(at, forKey: .at)
            try c.encode(outcome, forKey: .outcome)
            try c.encode(exitCode, forKey: .exitCode)
            try c.encode(skipped, forKey: .skipped)
            try c.encode(polls, forKey: .polls)
            try c.encode(requests, forKey: .requests)
        case .jobPlanned(let job, let kind, let fingerprint):
            try c.encode(job, forKey: .job)
            try c.encode(kind, forKey: .kind)
            try c.encode(fingerprint, forKey: .fingerprint)
        case .jobRequeued(let job):
            try c.encode(job, forKey: .job)
        case .submitIntent(let job, let attempt, let idempotencyKey, let inputs, let at):
            try c.encode(job, forKey: .job)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(idempotencyKey, forKey: .idempotencyKey)
            try c.encodeIfPresent(inputs, forKey: .inputs)
            try c.encode(at, forKey: .at)
        case .submitAccepted(let job, let attempt, let taskID, let creditsReserved, let at):
            try c.encode(job, forKey: .job)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(taskID, forKey: .taskID)
            try c.encodeIfPresent(creditsReserved, forKey: .creditsReserved)
            try c.encode(at, forKey: .at)
        case .submitFailed(let job, let attempt, let error, let willRetry, let at),
            .taskFailed(let job, let attempt, let error, let willRetry, let at):
            try c.encode(job, forKey: .job)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(error, forKey: .error)
            try c.encode(willRetry, forKey: .willRetry)
            try c.encode(at, forKey: .at)
        case .taskProgress(let job, let attempt, let status, let progress, let at):
            try c.encode(job, forKey: .job)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(status, forKey: .status)
            try c.encodeIfPresent(progress, forKey: .progress)
            try c.encode(at, forKey: .at)
        case .taskCompleted(let job, let attempt, let results, let personaID, let at):
            try c.encode(job, forKey: .job)
            try c.encode(attempt, forKey: .attempt)
            try c.encode(results, forKey: .results)
            try c.encodeIfPresent(personaID, forKey: .personaID)
            try c.encode(at, forKey: .at)
        case .jobBlocked(let job, let by, let at):
            try c.encode(job, forKey: .job)
            try c.encode(by, forKey: .by)
            try c.encode(at, forKey: .at)
        case .jobMarkedUnknown(let job, let at):
            try c.encode(job, forKey: .job)
            try c.encode(at, forKey: .at)
        case .downloadRecorded(let job, let take, let resultID, let file):
            try c.encode(job, forKey: .job)
            try c.encodeIfPresent(take, forKey: .take)
            try c.encodeIfPresent(resultID, forKey: .resultID)
            try c.encode(file, forKey: .file)
        case .takePicked(let job, let pick):
            try c.encode(job, forKey: .job)
            try c.encode(pick, forKey: .pick)
        case .jobFailed(let job, let error, let at):
            try c.encode(job, forKey: .job)
            try c.encode(error, forKey: .error)
            try c.encode(at, forKey: .at)
        case .fingerprintMigrated(let job, let fingerprint):
            try c.encode(job, forKey: .job)
            try c.encode(fingerprint, forKey: .fingerprint)
        }
    }
}

extension LedgerJournalEntry: Encodable {
    /// Encodes the entry as the event's flat object plus a `seq` key.
    public func encode(to encoder: any Encoder) throws {
        var sequenceContainer = encoder.container(keyedBy: SequenceKey.self)
        try sequenceContainer.encode(sequence, forKey: .seq)
        var container = encoder.container(keyedBy: LedgerEvent.CodingKeys.self)
        try event.encodeFields(into: &container)
    }
}
