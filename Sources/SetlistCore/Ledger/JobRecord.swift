/// Everything the ledger knows about one job. The job's id is its key in ``Ledger/jobs``.
public struct JobRecord: Sendable, Hashable, Decodable {
    /// What the job generates.
    public var kind: JobKind
    /// The fingerprint of the request the job currently stands for (DESIGN §2).
    public var fingerprint: String
    /// Where the job stands.
    public var state: JobState
    /// Every attempt, oldest first, including those made for earlier fingerprints. Completed attempts are the
    /// job's generations and keep their takes.
    public var attempts: [AttemptRecord]
    /// The song's chosen take as the latest run resolved it from the manifest's `pick`.
    public var pick: TakeRef?
    /// The derived persona id (persona jobs, once completed).
    public var personaID: String?
    /// The chained values sent with the latest submission.
    public var chainedInputs: ChainedInputs?
    /// The most recent failure, cleared when the job completes or is requeued.
    public var lastError: RecordedError?
    /// The failed job that blocked this one (state `blocked`).
    public var blockedBy: String?

    /// Creates a job record.
    public init(
        kind: JobKind, fingerprint: String, state: JobState = .pending, attempts: [AttemptRecord] = [],
        pick: TakeRef? = nil, personaID: String? = nil, chainedInputs: ChainedInputs? = nil,
        lastError: RecordedError? = nil, blockedBy: String? = nil
    ) {
        self.kind = kind
        self.fingerprint = fingerprint
        self.state = state
        self.attempts = attempts
        self.pick = pick
        self.personaID = personaID
        self.chainedInputs = chainedInputs
        self.lastError = lastError
        self.blockedBy = blockedBy
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind
        case fingerprint
        case state
        case attempts
        case pick
        case results
        case personaID = "persona_id"
        case chainedInputs = "chained_inputs"
        case lastError = "last_error"
        case blockedBy = "blocked_by"
    }

    /// Decodes a job of either format. A format 1 job keeps the results of its latest completed attempt beside
    /// the attempts; they move into that attempt, and the completed attempts are numbered as generations, so
    /// nothing a format 1 ledger recorded is lost.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(JobKind.self, forKey: .kind)
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
        state = try c.decode(JobState.self, forKey: .state)
        attempts = try c.decode([AttemptRecord].self, forKey: .attempts)
        pick = try c.decodeIfPresent(TakeRef.self, forKey: .pick)
        personaID = try c.decodeIfPresent(String.self, forKey: .personaID)
        chainedInputs = try c.decodeIfPresent(ChainedInputs.self, forKey: .chainedInputs)
        lastError = try c.decodeIfPresent(RecordedError.self, forKey: .lastError)
        blockedBy = try c.decodeIfPresent(String.self, forKey: .blockedBy)
        let legacyResults = try c.decodeIfPresent([ResultRecord].self, forKey: .results)
        var generation = 0
        for index in attempts.indices where attempts[index].outcome == .completed {
            generation += 1
            if attempts[index].generation == nil { attempts[index].generation = generation }
        }
        if let latest = attempts.lastIndex(where: { $0.outcome == .completed }) {
            if let legacyResults, attempts[latest].results.isEmpty { attempts[latest].results = legacyResults }
            if attempts[latest].personaID == nil, kind == .persona { attempts[latest].personaID = personaID }
        }
    }
}
