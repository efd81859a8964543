import SetlistCore
import SetlistEngine
import SetlistTestSupport
import Synchronization
import Testing

/// Hooks that build a song request per job and remember what the driver reported.
final class RecordingHooks: RunHooks {
    struct Record {
        var submitted: [Int: [String]] = [:]
        var polled = 0
        var scheduled: [SchedulerAction] = []
    }

    let names: [String]
    let record = Mutex(Record())

    init(names: [String]) { self.names = names }

    func willSubmit(job: Int, attempt: Int) async throws -> Submission {
        Submission(
            .song(
                SongRequest(
                    model: "suno-v5-beta", customMode: false, instrumental: false, prompt: "p", title: names[job])),
            idempotencyKey: "\(names[job])-\(attempt)")
    }

    func requestNotBuilt(job: Int, error: RequestNotBuilt) async throws {}
    func interpret(job: Int, snapshot: TaskSnapshot) -> TaskSnapshot { snapshot }

    func submitted(job: Int, attempt: Int, snapshot: TaskSnapshot) async throws {
        record.withLock { $0.submitted[job, default: []].append(snapshot.id) }
    }

    func polled(job: Int, snapshot: TaskSnapshot) async throws { record.withLock { $0.polled += 1 } }
    func pollFailed(jobs: [Int], error: ProviderError) async throws {}
    func scheduled(_ action: SchedulerAction) async throws { record.withLock { $0.scheduled.append(action) } }
}

/// Runs `driver` to its outcome, advancing `clock` whenever every task is asleep.
func drive(_ driver: RunDriver<ManualClock>, clock: ManualClock) async throws -> RunOutcome {
    let run = Task { try await driver.run() }
    let finished = Mutex<Bool>(false)
    let watcher = Task {
        _ = try? await run.value
        finished.withLock { $0 = true }
    }
    var idleRounds = 0
    while !finished.withLock({ $0 }) {
        for _ in 0..<50 { await Task.yield() }
        if let next = clock.nextDeadline {
            clock.advance(to: next)
            idleRounds = 0
        } else {
            idleRounds += 1
            if idleRounds > 10_000 { break }
        }
    }
    _ = await watcher.value
    return try await run.value
}

@Suite("RunDriver")
struct RunDriverTests {
    @Test func runsADagWithinTheCapsAndRates() async throws {
        let clock = ManualClock()
        let provider = FakeProvider(clock: clock, taskDuration: .seconds(120))
        let names = (0..<12).map { "song\($0)" }
        let jobs = names.indices.map { index in
            job(names[index], after: index >= 6 ? [index - 6] : [], priority: index >= 6 ? 120 : 240)
        }
        let scheduler = Scheduler(
            jobs: jobs, configuration: configuration(concurrency: 3, requestsPerMinute: 10), now: clock.now, seed: 7)
        let hooks = RecordingHooks(names: names)
        let driver = RunDriver(scheduler: scheduler, provider: provider, hooks: hooks, clock: clock)
        let outcome = try await drive(driver, clock: clock)
        #expect(outcome == .completed)
        #expect(provider.log.withLock { $0.maxInFlight } <= 3)
        #expect(provider.maxRequests(in: .seconds(60)) <= 10)
        #expect(provider.log.withLock { $0.submissionsByKey.values.allSatisfy { $0 == 1 } })
        #expect(hooks.record.withLock { $0.submitted.count } == 12)
    }

    @Test func retriesFailedTasksAndReportsTheFinalFailure() async throws {
        let clock = ManualClock()
        let provider = FakeProvider(clock: clock, taskDuration: .seconds(30))
        let transient = TaskFailure(code: "generation_timeout", message: "Took too long.")
        provider.failNextTasks(of: "a", with: [transient, transient, transient])
        provider.failNextTasks(of: "b", with: [transient])
        let scheduler = Scheduler(
            jobs: [job("a"), job("b"), job("c", after: [0])], configuration: configuration(attempts: 3),
            now: clock.now, seed: 3)
        let hooks = RecordingHooks(names: ["a", "b", "c"])
        let driver = RunDriver(scheduler: scheduler, provider: provider, hooks: hooks, clock: clock)
        let outcome = try await drive(driver, clock: clock)
        #expect(outcome == .jobsFailed)
        #expect(driver.state(of: 0) == .failed)
        #expect(driver.state(of: 1) == .completed)
        #expect(driver.state(of: 2) == .blocked)
        #expect(hooks.record.withLock { $0.submitted[0]?.count } == 3)
    }

    @Test func interruptEndsTheRunWithTasksStillInFlight() async throws {
        let clock = ManualClock()
        let provider = FakeProvider(clock: clock, taskDuration: .seconds(600))
        let scheduler = Scheduler(jobs: [job("a"), job("b")], configuration: configuration(), now: clock.now, seed: 1)
        let driver = RunDriver(
            scheduler: scheduler, provider: provider, hooks: RecordingHooks(names: ["a", "b"]),
            clock: clock)
        let run = Task { try await driver.run() }
        while provider.log.withLock({ $0.submissionsByKey.count }) < 2 { await Task.yield() }
        driver.interrupt()
        #expect(try await run.value == .interrupted)
    }
}
