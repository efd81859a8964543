import SetlistCore
import SetlistEngine
import SetlistTestSupport

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
