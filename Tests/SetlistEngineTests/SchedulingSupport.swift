import SetlistCore
import SetlistEngine
import Synchronization

typealias Scheduler = RunScheduler<ManualClock>

extension ManualClock.Instant {
    static func at(_ seconds: Double) -> ManualClock.Instant {
        ManualClock.Instant(offset: .milliseconds(Int64(seconds * 1000)))
    }
}

func job(_ id: String, after dependencies: [Int] = [], priority: Double = 0, start: JobStart = .submit(attempt: 1))
    -> SchedulerJob
{
    SchedulerJob(id: id, dependencies: dependencies, priority: priority, estimatedCredits: 8, start: start)
}

func configuration(
    concurrency: Int = 4, requestsPerMinute: Int = 1000, submitsPerMinute: Int? = nil, maxCredits: Double? = nil,
    deadline: Duration? = nil, attempts: Int = 3, idempotent: Bool = true, batch: Int = 1,
    poll: PollSchedule = PollSchedule()
) -> SchedulerConfiguration {
    SchedulerConfiguration(
        limits: RunLimits(
            concurrency: concurrency, requestsPerMinute: requestsPerMinute,
            submitsPerMinute: submitsPerMinute ?? requestsPerMinute, maxCredits: maxCredits,
            taskTimeout: .seconds(900), deadline: deadline),
        retry: RetrySettings(attempts: attempts, initialBackoff: .seconds(5), maxBackoff: .seconds(60)), poll: poll,
        maxBatchSize: batch, idempotentSubmissions: idempotent
    )
}

func submittedJobs(_ step: SchedulerStep<ManualClock.Instant>) -> [Int] {
    step.actions.compactMap { if case .submit(let job, _) = $0 { job } else { nil } }
}

func running(_ id: String, estimate: Double = 120) -> TaskSnapshot {
    TaskSnapshot(id: id, status: .pending, progress: 0, estimatedSeconds: estimate, creditsReserved: 8)
}

func finished(_ id: String, _ status: TaskStatus = .completed, failure: TaskFailure? = nil) -> TaskSnapshot {
    TaskSnapshot(id: id, status: status, progress: 100, failure: failure)
}

/// A provider double whose tasks take a fixed time on a manual clock; it records what it was sent.
final class FakeProvider: MusicProvider {
    struct Log {
        var submissionsByKey: [String: Int] = [:]
        var requestTimes: [Duration] = []
        var inFlight = 0
        var maxInFlight = 0
        var tasks: [String: (finishAt: Duration, failure: TaskFailure?, job: String)] = [:]
        var failuresLeft: [String: [TaskFailure]] = [:]
        var submitErrors: [ProviderError] = []
        var reportedFinished = Set<String>()
    }

    let api = ProviderAPI.evolink
    let honoursIdempotencyKeys = true
    let maxBatchSize: Int
    let clock: ManualClock
    let taskDuration: Duration
    let log = Mutex(Log())

    init(clock: ManualClock, taskDuration: Duration = .seconds(120), maxBatchSize: Int = 1) {
        self.clock = clock
        self.taskDuration = taskDuration
        self.maxBatchSize = maxBatchSize
    }

    func failNextTasks(of job: String, with failures: [TaskFailure]) {
        log.withLock { $0.failuresLeft[job] = failures }
    }

    func failNextSubmissions(with errors: [ProviderError]) {
        log.withLock { $0.submitErrors = errors }
    }

    func submitSong(_ request: SongRequest, idempotencyKey: String) async throws(ProviderError) -> TaskSnapshot {
        try submit(job: request.title ?? "song", key: idempotencyKey)
    }

    func submitPersona(_ request: PersonaRequest, idempotencyKey: String) async throws(ProviderError) -> TaskSnapshot {
        try submit(job: request.name, key: idempotencyKey)
    }

    private func submit(job: String, key: String) throws(ProviderError) -> TaskSnapshot {
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
                log.inFlight += 1
                log.maxInFlight = max(log.maxInFlight, log.inFlight)
            }
            log.submissionsByKey[key, default: 0] += 1
            return .success(TaskSnapshot(
                id: id, status: .pending, progress: 0,
                estimatedSeconds: Double(taskDuration.components.seconds), creditsReserved: 8))
        }
        return try result.get()
    }

    func fetchTasks(_ ids: [String]) async throws(ProviderError) -> [TaskSnapshot] {
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
                return TaskSnapshot(
                    id: id, status: .completed, progress: 100,
                    results: [TaskResult(resultID: "\(id)-1"), TaskResult(resultID: "\(id)-2")])
            }
        }
    }

    /// The highest number of requests in any window of `window` length.
    func maxRequests(in window: Duration) -> Int {
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
