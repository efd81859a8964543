import SetlistCore

/// The kind of work a simulated task does, independent of the API format that created it.
enum SimTaskKind: String, Sendable, Codable {
    case music
    case persona
    /// Lyrics only (the Suno proxy's `/suno/submit/lyrics`).
    case lyrics
    /// Joining an extension and the clips it continues into one song (the Suno proxy's `/suno/submit/concat`).
    case concat
}

/// The API format a task was created through; a task is visible only through the format that created it.
enum SimAPIFormat: String, Sendable, Codable {
    case evolink
    case sunoProxy = "suno-proxy"
}

/// A task's state at one moment, in the simulator's own words; each API format maps it to its own names.
enum SimTaskStatus: String, Sendable, CaseIterable {
    case pending
    case processing
    case completed
    case failed
}

/// One generated song of a music task (a clip, in the proxy's words), or the text of a lyrics task.
struct SimSong: Sendable, Codable {
    let resultID: String
    let title: String
    let tags: String
    let duration: Double
    /// The lyrics a lyrics task wrote.
    var text: String?
    /// For an extension: the clip it continues and the second it continues from.
    var continues: SimContinuation?
    /// For a joined song: its parts, oldest first, each with the second its successor continues from (nil on the
    /// last part, which plays to its end).
    var joinedParts: [SimContinuation]?
}

/// A clip and the second the next part of a song takes over from it.
struct SimContinuation: Sendable, Codable, Equatable {
    let clipID: String
    let at: Double?
}

/// Why a task failed: a documented business error code and its message.
struct SimFailure: Sendable, Codable {
    let code: String
    let message: String
}

/// A task as the simulator stores it, provider-neutral: an API format renders it, the store never does.
/// Its state is derived from the clock at query time: no timer ever touches it.
struct SimTask: Sendable, Codable {
    let id: String
    let kind: SimTaskKind
    var ownerKey: String
    /// The canonical model name (the `-beta` name for Suno music, `suno-persona` for personas).
    let model: String
    /// The request body exactly as the client sent it.
    @SavedAsJSONText var request: JSONValue
    /// Simulated seconds since the simulator started, when the task was created; negative for a task restored
    /// from an earlier simulator's saved state.
    var createdAt: Double
    /// Unix seconds of creation.
    let createdUnix: Int64
    /// Simulated seconds from creation to the end (completed or failed).
    let duration: Double
    /// The whole seconds the API reports in `estimated_time`.
    let estimatedTime: Int
    let creditsReserved: Int
    /// Set when the task is going to fail instead of completing.
    let failure: SimFailure?
    /// The results of a music task (two variations unless the answer shape asks for one).
    let songs: [SimSong]
    /// The persona id a persona task yields.
    let personaID: String?
    /// The music task and `result_id` a persona task was derived from.
    let personaSourceTaskID: String?
    let personaSourceResultID: String?
    let idempotencyKey: String?
    /// The format that created the task.
    var api: SimAPIFormat = .evolink

    /// Share of the duration spent `pending` before processing starts.
    static let pendingShare = 0.15

    /// When the task reaches its terminal state.
    var endsAt: Double { createdAt + duration }

    /// The state at simulated time `now`.
    func status(at now: Double) -> SimTaskStatus {
        if now >= endsAt { return failure == nil ? .completed : .failed }
        if now >= createdAt + duration * SimTask.pendingShare { return .processing }
        return .pending
    }

    /// The progress percentage at `now`: 0 while pending, rising 10...99 while processing, 100 when completed,
    /// 0 when failed (as the documented failed example shows).
    func progress(at now: Double) -> Int {
        switch status(at: now) {
        case .pending, .failed:
            return 0
        case .completed:
            return 100
        case .processing:
            let start = createdAt + duration * SimTask.pendingShare
            let fraction = (now - start) / (endsAt - start)
            return min(99, 10 + Int(fraction * 89))
        }
    }
}

/// A successful paid submission under an `Idempotency-Key`: the body it carried and the task it created.
struct IdempotencyRecord: Sendable, Codable {
    let canonicalBody: String
    let taskID: String
}

/// All tasks of all formats, with the indexes the rules need. Not thread-safe: the simulator guards it.
struct TaskStore: Sendable {
    private(set) var tasks: [String: SimTask] = [:]
    /// Task ids in creation order.
    private(set) var order: [String] = []
    private var taskByResultID: [String: String] = [:]
    private var taskByPersonaID: [String: String] = [:]
    private var personaTasksByResultID: [String: [String]] = [:]
    /// Replay records by owner key and idempotency key, joined by a NUL.
    private(set) var idempotency: [String: IdempotencyRecord] = [:]

    /// Adds a new task and indexes its results and persona.
    mutating func insert(_ task: SimTask) {
        tasks[task.id] = task
        order.append(task.id)
        for song in task.songs { taskByResultID[song.resultID] = task.id }
        if let personaID = task.personaID { taskByPersonaID[personaID] = task.id }
        if let resultID = task.personaSourceResultID { personaTasksByResultID[resultID, default: []].append(task.id) }
    }

    /// Whether a task id is already taken.
    func contains(_ id: String) -> Bool { tasks[id] != nil }

    /// The task with `id`.
    func task(_ id: String) -> SimTask? { tasks[id] }

    /// The task that produced the song with `resultID`.
    func task(forResultID resultID: String) -> SimTask? { taskByResultID[resultID].flatMap { tasks[$0] } }

    /// The persona task that yields `personaID`.
    func task(forPersonaID personaID: String) -> SimTask? { taskByPersonaID[personaID].flatMap { tasks[$0] } }

    /// The persona tasks derived from the song with `resultID`.
    func personaTasks(fromResultID resultID: String) -> [SimTask] {
        (personaTasksByResultID[resultID] ?? []).compactMap { tasks[$0] }
    }

    /// The replay record of `idempotencyKey` for `ownerKey`.
    func idempotencyRecord(ownerKey: String, idempotencyKey: String) -> IdempotencyRecord? {
        idempotency[ownerKey + "\u{0}" + idempotencyKey]
    }

    /// Stores the replay record of a successful paid submission.
    mutating func storeIdempotency(_ record: IdempotencyRecord, ownerKey: String, idempotencyKey: String) {
        idempotency[ownerKey + "\u{0}" + idempotencyKey] = record
    }
}
