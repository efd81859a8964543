import SetlistCore
import SetlistEngine
import SetlistTestSupport
import Testing

/// Several albums in one scheduler (DESIGN §4): one concurrency cap and one pair of rate windows, the albums'
/// own budgets, deadlines and retries, and each album's own outcome.
@Suite("RunScheduler with a pool of albums")
struct PoolSchedulerTests {
    private func pooled(_ id: String, group: Int, after: [Int] = [], priority: Double = 0) -> SchedulerJob {
        var entry = job(id, after: after, priority: priority)
        entry.group = group
        return entry
    }

    private func policy(maxCredits: Double? = nil, deadline: Duration? = nil, attempts: Int = 3) -> GroupPolicy {
        GroupPolicy(
            retry: RetrySettings(attempts: attempts, initialBackoff: .seconds(5), maxBackoff: .seconds(60)),
            maxCredits: maxCredits, deadline: deadline, taskTimeout: .seconds(900))
    }

    private func poolConfiguration(concurrency: Int, groups: [GroupPolicy]) -> SchedulerConfiguration {
        var pool = configuration(concurrency: concurrency)
        pool.groups = groups
        return pool
    }

    @Test func albumsShareOneCapAndCompeteByCriticalPath() {
        let jobs = [
            pooled("a1", group: 0, priority: 100), pooled("a2", group: 0, priority: 100),
            pooled("b1", group: 1, priority: 300), pooled("b2", group: 1, priority: 50),
        ]
        var scheduler = Scheduler(
            jobs: jobs, configuration: poolConfiguration(concurrency: 2, groups: [policy(), policy()]),
            now: .at(0), seed: 1)
        #expect(submittedJobs(scheduler.step(now: .at(0))) == [2, 0], "the longest path first, across albums")
        scheduler.submitSucceeded(job: 2, attempt: 1, snapshot: running("t-b1"), now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t-a1"), now: .at(0))
        #expect(submittedJobs(scheduler.step(now: .at(1))).isEmpty, "two in flight is the pool's cap")
        scheduler.pollSucceeded(jobs: [2], snapshots: [finished("t-b1")], now: .at(130))
        #expect(submittedJobs(scheduler.step(now: .at(130))) == [1])
    }

    @Test func anAlbumOverItsBudgetStopsAloneAndTheOthersGoOn() {
        let jobs = [pooled("a1", group: 0), pooled("a2", group: 0), pooled("b1", group: 1), pooled("b2", group: 1)]
        var scheduler = Scheduler(
            jobs: jobs,
            configuration: poolConfiguration(concurrency: 4, groups: [policy(maxCredits: 8), policy()]),
            now: .at(0), seed: 1)
        let step = scheduler.step(now: .at(0))
        #expect(submittedJobs(step) == [0, 2, 3])
        #expect(step.actions.contains(.groupStopped(group: 0, reason: .budget)))
        #expect(!step.actions.contains(.stopped(.budget)))
        for (index, id) in [(0, "t0"), (2, "t2"), (3, "t3")] {
            scheduler.submitSucceeded(job: index, attempt: 1, snapshot: running(id), now: .at(0))
            scheduler.pollSucceeded(jobs: [index], snapshots: [finished(id)], now: .at(130))
        }
        let end = scheduler.step(now: .at(130))
        #expect(end.outcome == .jobsFailed, "the pool ends once nothing can be sent; each album says how it ended")
        #expect(scheduler.outcome(ofGroup: 0) == .budgetReached)
        #expect(scheduler.outcome(ofGroup: 1) == .completed)
        #expect(scheduler.groupStatistics[1].completed == 2 && scheduler.groupStatistics[0].completed == 1)
    }

    @Test func anAlbumPastItsDeadlineStopsAloneAndItsRetriesAreItsOwn() {
        let jobs = [pooled("a1", group: 0), pooled("b1", group: 1), pooled("b2", group: 1, after: [1])]
        var scheduler = Scheduler(
            jobs: jobs,
            configuration: poolConfiguration(
                concurrency: 4, groups: [policy(attempts: 1), policy(deadline: .seconds(60))]),
            now: .at(0), seed: 1)
        #expect(submittedJobs(scheduler.step(now: .at(0))) == [0, 1])
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t0"), now: .at(0))
        scheduler.submitSucceeded(job: 1, attempt: 1, snapshot: running("t1"), now: .at(0))
        let failure = TaskFailure(code: "service_error", message: "busy")
        let failed = scheduler.pollSucceeded(
            jobs: [0, 1], snapshots: [finished("t0", .failed, failure: failure), finished("t1")], now: .at(130))
        #expect(failed.contains(.failed(job: 0, reason: "service_error: busy (gave up after 1 tries)")))
        let late = scheduler.step(now: .at(130))
        #expect(late.actions.contains(.groupStopped(group: 1, reason: .deadline)))
        #expect(submittedJobs(late).isEmpty, "b2 is ready, but its album's deadline passed")
        #expect(late.outcome == .jobsFailed, "the pool ends; each album says how it ended")
        #expect(scheduler.outcome(ofGroup: 0) == .jobsFailed)
        #expect(scheduler.outcome(ofGroup: 1) == .deadlineReached)
    }

    @Test func aRejectedKeyStopsEveryAlbum() {
        let jobs = [pooled("a1", group: 0), pooled("b1", group: 1)]
        var scheduler = Scheduler(
            jobs: jobs, configuration: poolConfiguration(concurrency: 1, groups: [policy(), policy()]),
            now: .at(0), seed: 1)
        #expect(submittedJobs(scheduler.step(now: .at(0))) == [0])
        let actions = scheduler.submitFailed(
            job: 0, attempt: 1, error: ProviderError(kind: .authentication, httpStatus: 401, message: "no"),
            now: .at(1))
        #expect(actions.contains(.stopped(.authentication)))
        #expect(scheduler.outcome(ofGroup: 0) == .authenticationRejected)
        #expect(scheduler.outcome(ofGroup: 1) == .authenticationRejected)
    }

    @Test func aSingleAlbumStopsAsBefore() {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b")], configuration: configuration(concurrency: 4, maxCredits: 8), now: .at(0),
            seed: 1)
        let step = scheduler.step(now: .at(0))
        #expect(submittedJobs(step) == [0])
        #expect(step.actions.contains(.stopped(.budget)))
    }
}
