import SetlistCore
import Synchronization

/// A provider double whose tasks take a fixed time on a manual clock; it records what it was sent.
public final class FakeProvider: MusicProvider {
    /// What the provider was sent and the tasks it holds.
    public struct Log: Sendable {
        /// Submissions per idempotency key (a replay under the same key counts again).
        public var submissionsByKey: [String: Int] = [:]
        /// The clock offset of every request, submissions and polls alike.
        public var requestTimes: [Duration] = []
        /// Tasks created and not yet reported finished.
        public var inFlight = 0
        /// The highest ``inFlight`` ever reached.
        public var maxInFlight = 0
        /// Every task by id: when it finishes, how it fails (if it does), and the job it belongs to.
        public var tasks: [String: (finishAt: Duration, failure: TaskFailure?, job: String)] = [:]
        /// Failures the next tasks of each job end with, first one first.
        public var failuresLeft: [String: [TaskFailure]] = [:]
        /// Errors the next submissions throw, first one first.
        public var submitErrors: [ProviderError] = []
        /// Tasks already reported finished once.
        public var reportedFinished = Set<String>()
        /// The request each task was created for.
        public var requests: [String: ProviderRequest] = [:]
    }

    /// The provider this double stands in for.
    public let api = ProviderAPI.evolink
    /// Whether a replay under the same key returns the same task: always.
    public let honoursIdempotencyKeys = true
    /// Task ids one status request may carry.
    public let maxBatchSize: Int
    /// The clock that decides when a task has finished.
    public let clock: ManualClock
    /// How long every task runs.
    public let taskDuration: Duration
    /// What the provider was sent.
    public let log = Mutex(Log())

    /// Creates a provider whose tasks finish `taskDuration` after their submission on `clock`.
    public init(clock: ManualClock, taskDuration: Duration = .seconds(120), maxBatchSize: Int = 1) {
        self.clock = clock
        self.taskDuration = taskDuration
        self.maxBatchSize = maxBatchSize
    }

    /// Makes the next tasks of `job` fail with `failures`, one each.
    public func failNextTasks(of job: String, with failures: [TaskFailure]) {
        log.withLock { $0.failuresLeft[job] = failures }
    }

    /// Makes the next submissions throw `errors`, one each.
    public func failNextSubmissions(with errors: [ProviderError]) {
        log.withLock { $0.submitErrors = errors }
    }

    /// Creates (or replays) a task for the request, named by a song's title, a persona's name, a lyrics prompt,
    /// or `extension`, `join` and `wav` for the other kinds.
    public func submit(_ request: ProviderRequest, idempotencyKey: String) async throws(ProviderError)
        -> TaskSnapshot
    {
        let job: String
        switch request {
        case .song(let song): job = song.title ?? "song"
        case .persona(let persona): job = persona.name
        case .lyrics(let lyrics): job = lyrics.prompt
        case .extension: job = "extension"
        case .join: job = "join"
        case .wav: job = "wav"
        }
        return try submit(job: job, request: request, key: idempotencyKey)
    }

    private func submit(job: String, request: ProviderRequest, key: String) throws(ProviderError) -> TaskSnapshot {
        let now = clock.now.offset
        let result = log.withLock { log -> Result<TaskSnapshot, ProviderError> in
            log.requestTimes.append(now)
            if !log.submitErrors.isEmpty { return .failure(log.submitErrors.removeFirst()) }
            let id = "task-\(key)"
            if log.tasks[id] == nil {
                var failure: TaskFailure?
                if var pending = log.failuresLeft[job], !pending.isEmpty {
                    failure = pending.removeFirst()
                    log.failuresLeft[job] = pending
                }
                log.tasks[id] = (now + taskDuration, failure, job)
                log.requests[id] = request
                log.inFlight += 1
                log.maxInFlight = max(log.maxInFlight, log.inFlight)
            }
            log.submissionsByKey[key, default: 0] += 1
            return .success(
                TaskSnapshot(
                    id: id, status: .pending, progress: 0,
                    estimatedSeconds: Double(taskDuration.components.seconds), creditsReserved: 8))
        }
        return try result.get()
    }

    /// The state of each known task at the clock's current instant; unknown ids are left out.
    public func fetchTasks(_ ids: [String]) async throws(ProviderError) -> [TaskSnapshot] {
        let now = clock.now.offset
        return log.withLock { log in
            log.requestTimes.append(now)
            return ids.compactMap { id -> TaskSnapshot? in
                guard let task = log.tasks[id] else { return nil }
                guard task.finishAt <= now else {
                    return TaskSnapshot(id: id, status: .processing, progress: 50)
                }
                if log.reportedFinished.insert(id).inserted { log.inFlight -= 1 }
                if let failure = task.failure { return TaskSnapshot(id: id, status: .failed, failure: failure) }
                return Self.completed(id, request: log.requests[id])
            }
        }
    }

    /// A completed task's answer for `request`: two takes of a song or extension, one joined take, written
    /// lyrics, or a WAV URL.
    private static func completed(_ id: String, request: ProviderRequest?) -> TaskSnapshot {
        let results: [TaskResult]
        switch request {
        case .lyrics(let lyrics)?:
            results = [TaskResult(resultID: "\(id)-1", title: "Lyrics", text: "[Verse]\nAbout \(lyrics.prompt)")]
        case .join?:
            results = [TaskResult(resultID: "\(id)-1", duration: 240)]
        case .wav(let wav)?:
            results = [TaskResult(resultID: wav.clipID, audioURL: "https://fake.invalid/\(wav.clipID).wav")]
        case .song?, .persona?, .extension?, nil:
            results = [TaskResult(resultID: "\(id)-1"), TaskResult(resultID: "\(id)-2")]
        }
        return TaskSnapshot(id: id, status: .completed, progress: 100, results: results)
    }

    /// The highest number of requests in any window of `window` length.
    public func maxRequests(in window: Duration) -> Int {
        let times = log.withLock { $0.requestTimes }.sorted()
        var best = 0
        var start = 0
        for end in times.indices {
            while times[end] - times[start] >= window { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }
}
