import SetlistCore
import SetlistEngine
import SetlistTestSupport
import Testing

@Suite("RunScheduler")
struct RunSchedulerTests {
    @Test func submitsOnlyJobsWhoseDependenciesCompleted() {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b", after: [0]), job("c", after: [1])], configuration: configuration(),
            now: .at(0), seed: 1)
        #expect(submittedJobs(scheduler.step(now: .at(0))) == [0])
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t-a"), now: .at(0))
        scheduler.pollSucceeded(jobs: [0], snapshots: [finished("t-a")], now: .at(130))
        #expect(submittedJobs(scheduler.step(now: .at(130))) == [1])
    }

    @Test func neverExceedsTheConcurrencyCap() {
        var scheduler = Scheduler(
            jobs: (0..<10).map { job("j\($0)") }, configuration: configuration(concurrency: 3), now: .at(0), seed: 1)
        let first = submittedJobs(scheduler.step(now: .at(0)))
        #expect(first == [0, 1, 2])
        for index in first {
            scheduler.submitSucceeded(job: index, attempt: 1, snapshot: running("t\(index)"), now: .at(0))
        }
        #expect(submittedJobs(scheduler.step(now: .at(1))).isEmpty)
        scheduler.pollSucceeded(jobs: [1], snapshots: [finished("t1")], now: .at(126))
        #expect(submittedJobs(scheduler.step(now: .at(126))) == [3])
    }

    @Test func prefersTheLongestRemainingPathThenManifestOrder() {
        var scheduler = Scheduler(
            jobs: [job("short", priority: 120), job("long", priority: 255), job("tie", priority: 120)],
            configuration: configuration(concurrency: 1), now: .at(0), seed: 1)
        #expect(submittedJobs(scheduler.step(now: .at(0))) == [1])
    }

    @Test func respectsTheRequestRateAndWakesWhenTheWindowFrees() {
        var scheduler = Scheduler(
            jobs: (0..<5).map { job("j\($0)") }, configuration: configuration(concurrency: 10, requestsPerMinute: 2),
            now: .at(0), seed: 1)
        let step = scheduler.step(now: .at(0))
        #expect(submittedJobs(step) == [0, 1])
        #expect(step.wakeAt == nil, "both requests are out: only their answers can make room")
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t0"), now: .at(2))
        scheduler.submitSucceeded(job: 1, attempt: 1, snapshot: running("t1"), now: .at(3))
        let waiting = scheduler.step(now: .at(3))
        #expect(waiting.actions.isEmpty)
        #expect(waiting.wakeAt == .at(62.25), "a window and its margin after the first answer")
        #expect(submittedJobs(scheduler.step(now: .at(62.25))) == [2])
    }

    @Test func pollsFirstJustBeforeTheProviderEstimate() {
        var scheduler = Scheduler(jobs: [job("a")], configuration: configuration(), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t-a", estimate: 100), now: .at(0))
        let waiting = scheduler.step(now: .at(1))
        #expect(waiting.actions.isEmpty)
        #expect(waiting.wakeAt == .at(85))
        #expect(scheduler.step(now: .at(85)).actions == [.poll(jobs: [0], taskIDs: ["t-a"])])
    }

    @Test func tasksNearTheirEstimateRideAlongOnABatchStatusRequest() {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b"), job("c")],
            configuration: configuration(batch: 50, poll: PollSchedule(learns: false)),
            now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t-a", estimate: 100), now: .at(0))
        scheduler.submitSucceeded(job: 1, attempt: 1, snapshot: running("t-b", estimate: 100), now: .at(10))
        scheduler.submitSucceeded(job: 2, attempt: 1, snapshot: running("t-c", estimate: 100), now: .at(11))
        #expect(
            scheduler.step(now: .at(85)).actions == [.poll(jobs: [0, 1], taskIDs: ["t-a", "t-b"])],
            "b is 75% into its estimate and rides along; c, at 74%, waits for its own poll")
        scheduler.pollSucceeded(
            jobs: [0, 1], snapshots: [running("t-a", estimate: 100), finished("t-b")], now: .at(85))
        #expect(scheduler.state(of: 1) == .completed, "noticed 10 s before its own first poll")
        let step = 7.0
        let next = scheduler.step(now: .at(85))
        #expect(next.actions.isEmpty)
        #expect(next.wakeAt.map { abs($0.offset.seconds - (85 + step)) < 0.001 } == true, "a's first follow-up")
        #expect(
            scheduler.step(now: .at(85 + step + 0.001)).actions == [.poll(jobs: [0, 2], taskIDs: ["t-a", "t-c"])],
            "c, now 81% into its estimate, rides along")
        scheduler.pollSucceeded(
            jobs: [0, 2], snapshots: [running("t-a"), running("t-c")], now: .at(85 + step + 0.001))
        let after = scheduler.step(now: .at(85 + step + 0.001))
        #expect(
            after.wakeAt.map { abs($0.offset.seconds - (85 + 2 * step + 0.001)) < 0.001 } == true,
            "c's own first poll (96) moves a follow-up step past the look it just had")
        #expect(
            scheduler.step(now: .at(85 + 2 * step + 0.01)).actions == [.poll(jobs: [0, 2], taskIDs: ["t-a", "t-c"])])
    }

    @Test func aTaskFoundFinishedAtItsFirstPollMovesTheNextFirstPollEarlier() throws {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b")], configuration: configuration(concurrency: 1), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t-a", estimate: 100), now: .at(0))
        #expect(scheduler.step(now: .at(85)).actions == [.poll(jobs: [0], taskIDs: ["t-a"])])
        scheduler.pollSucceeded(jobs: [0], snapshots: [finished("t-a")], now: .at(85))
        #expect(submittedJobs(scheduler.step(now: .at(85))) == [1])
        scheduler.submitSucceeded(job: 1, attempt: 1, snapshot: running("t-b", estimate: 100), now: .at(85))
        let wake = try #require(scheduler.step(now: .at(85)).wakeAt)
        #expect(wake < .at(170) && wake > .at(160), "the first poll comes a little sooner than 85% of the estimate")
    }

    @Test func aSingleTaskProviderGetsNoCompanions() {
        var scheduler = Scheduler(jobs: [job("a"), job("b")], configuration: configuration(), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t-a", estimate: 100), now: .at(0))
        scheduler.submitSucceeded(job: 1, attempt: 1, snapshot: running("t-b", estimate: 100), now: .at(1))
        #expect(scheduler.step(now: .at(85)).actions == [.poll(jobs: [0], taskIDs: ["t-a"])])
    }

    @Test func retriesServerSideTaskFailuresWithANewAttempt() {
        var scheduler = Scheduler(jobs: [job("a")], configuration: configuration(), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t1"), now: .at(0))
        let failure = TaskFailure(code: "service_error", message: "Upstream hiccup.")
        let answered = scheduler.pollSucceeded(
            jobs: [0], snapshots: [finished("t1", .failed, failure: failure)], now: .at(130))
        let actions = answered + scheduler.step(now: .at(130)).actions
        #expect(actions.first == .taskFailed(job: 0, attempt: 1, failure: failure, willRetry: true))
        guard case .retryScheduled(0, 2, let delay, _) = actions.dropFirst().first else {
            Issue.record("expected a retry, got \(actions)")
            return
        }
        #expect(delay >= .milliseconds(2500) && delay <= .seconds(5))
        #expect(submittedJobs(scheduler.step(now: .at(136))) == [0])
    }

    @Test func aReplayedAttemptThatFailsRetriesWithTheNextNumber() {
        var scheduler = Scheduler(
            jobs: [job("a", start: .resubmit(attempt: 1))], configuration: configuration(), now: .at(0), seed: 1)
        #expect(scheduler.step(now: .at(0)).actions == [.submit(job: 0, attempt: 1)])
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t1"), now: .at(0))
        let failure = TaskFailure(code: "service_error", message: "Upstream hiccup.")
        let answered = scheduler.pollSucceeded(
            jobs: [0], snapshots: [finished("t1", .failed, failure: failure)], now: .at(130))
        let actions = answered + scheduler.step(now: .at(130)).actions
        #expect(actions.first == .taskFailed(job: 0, attempt: 1, failure: failure, willRetry: true))
        guard case .retryScheduled(0, 2, _, _) = actions.dropFirst().first else {
            Issue.record("expected a retry as attempt 2")
            return
        }
        #expect(scheduler.step(now: .at(136)).actions == [.submit(job: 0, attempt: 2)])
    }

    @Test func contentPolicyFailureFailsTheJobAndBlocksItsDependents() {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b", after: [0]), job("c", after: [1]), job("d")], configuration: configuration(),
            now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t1"), now: .at(0))
        scheduler.submitSucceeded(job: 3, attempt: 1, snapshot: running("t4"), now: .at(0))
        let failure = TaskFailure(code: "content_policy_violation", message: "Blocked by safety filters.")
        let answered = scheduler.pollSucceeded(
            jobs: [0, 3], snapshots: [finished("t1", .failed, failure: failure), finished("t4")], now: .at(130))
        let step = scheduler.step(now: .at(130))
        #expect((answered + step.actions).contains(.blocked(job: 1, cause: 0)))
        #expect((answered + step.actions).contains(.blocked(job: 2, cause: 0)))
        #expect(step.outcome == .jobsFailed)
        #expect(scheduler.state(of: 3) == .completed)
    }

    @Test func givesUpAfterTheConfiguredAttempts() {
        var scheduler = Scheduler(jobs: [job("a")], configuration: configuration(attempts: 2), now: .at(0), seed: 1)
        let error = ProviderError(kind: .transient, httpStatus: 500, message: "Internal server error.")
        _ = scheduler.step(now: .at(0))
        scheduler.submitFailed(job: 0, attempt: 1, error: error, now: .at(0))
        _ = scheduler.step(now: .at(0))
        #expect(submittedJobs(scheduler.step(now: .at(10))) == [0])
        scheduler.submitFailed(job: 0, attempt: 1, error: error, now: .at(10))
        let last = scheduler.step(now: .at(10))
        #expect(last.outcome == .jobsFailed)
        #expect(scheduler.state(of: 0) == .failed)
    }

    @Test func reusesTheIdempotencyKeyWhenTheAnswerWasLost() {
        var scheduler = Scheduler(jobs: [job("a")], configuration: configuration(), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitFailed(
            job: 0, attempt: 1, error: ProviderError(kind: .transient, message: "Connection reset."), now: .at(0))
        _ = scheduler.step(now: .at(0))
        #expect(scheduler.step(now: .at(10)).actions == [.submit(job: 0, attempt: 1)])
    }

    @Test func holdsAnUnknownSubmissionWhenTheProviderCannotReplay() {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b", after: [0])], configuration: configuration(idempotent: false), now: .at(0),
            seed: 1)
        _ = scheduler.step(now: .at(0))
        let answered = scheduler.submitFailed(
            job: 0, attempt: 1, error: ProviderError(kind: .transient, message: "Connection reset."), now: .at(0))
        let step = scheduler.step(now: .at(0))
        #expect((answered + step.actions).contains(.heldUnknown(job: 0, attempt: 1)))
        #expect((answered + step.actions).contains(.blocked(job: 1, cause: 0)))
        #expect(step.outcome == .jobsFailed)
    }

    @Test func rateLimitDoesNotSpendAnAttemptAndHonoursRetryAfter() {
        var scheduler = Scheduler(jobs: [job("a")], configuration: configuration(attempts: 1), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitFailed(
            job: 0, attempt: 1,
            error: ProviderError(
                kind: .rateLimited, httpStatus: 429, message: "Slow down.",
                retryAfter: .seconds(90)), now: .at(0))
        let waiting = scheduler.step(now: .at(1))
        #expect(submittedJobs(waiting).isEmpty)
        #expect(waiting.wakeAt == .at(90))
        #expect(scheduler.step(now: .at(90)).actions == [.submit(job: 0, attempt: 2)])
    }

    @Test func authenticationFailureEndsTheRunAtOnce() {
        var scheduler = Scheduler(jobs: [job("a"), job("b")], configuration: configuration(), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        let answered = scheduler.submitFailed(
            job: 0, attempt: 1, error: ProviderError(kind: .authentication, httpStatus: 401, message: "Bad key."),
            now: .at(0))
        let step = scheduler.step(now: .at(0))
        #expect((answered + step.actions).contains(.stopped(.authentication)))
        #expect(step.outcome == .authenticationRejected)
    }

    @Test func quotaStopsSubmittingButLetsInFlightTasksFinish() {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b"), job("c")], configuration: configuration(concurrency: 2), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t1"), now: .at(0))
        let answered = scheduler.submitFailed(
            job: 1, attempt: 1, error: ProviderError(kind: .quota, httpStatus: 402, message: "Top up."), now: .at(0))
        let stopped = scheduler.step(now: .at(0))
        #expect((answered + stopped.actions).contains(.stopped(.quota)))
        #expect(stopped.outcome == nil)
        #expect(submittedJobs(stopped).isEmpty)
        let polled = scheduler.step(now: .at(126))
        #expect(polled.actions == [.poll(jobs: [0], taskIDs: ["t1"])])
        scheduler.pollSucceeded(jobs: [0], snapshots: [finished("t1")], now: .at(126))
        #expect(scheduler.step(now: .at(126)).outcome == .outOfCredits)
    }

    @Test func budgetStopsBeforeTheSubmissionThatWouldExceedIt() {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b"), job("c")], configuration: configuration(maxCredits: 20), now: .at(0), seed: 1,
            creditsAlreadyReserved: 8)
        let step = scheduler.step(now: .at(0))
        #expect(submittedJobs(step) == [0])
        #expect(step.actions.contains(.stopped(.budget)))
    }

    @Test func deadlineInterruptsTheRun() {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b", after: [0])], configuration: configuration(deadline: .seconds(60)), now: .at(0),
            seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t1"), now: .at(0))
        #expect(scheduler.step(now: .at(10)).wakeAt == .at(60))
        let step = scheduler.step(now: .at(60))
        #expect(step.actions.contains(.stopped(.deadline)))
        #expect(step.outcome == .deadlineReached)
    }

    @Test func timesOutTasksThatNeverFinish() {
        var config = configuration(attempts: 1)
        config.limits.taskTimeout = .seconds(300)
        var scheduler = Scheduler(jobs: [job("a")], configuration: config, now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t1"), now: .at(0))
        let step = scheduler.step(now: .at(300))
        #expect(step.outcome == .jobsFailed)
        #expect(step.actions.contains { if case .failed(0, _) = $0 { true } else { false } })
    }

    @Test func aTaskTheProviderDoesNotKnowForAMomentIsPolledAgainNotPaidForAgain() {
        var config = configuration(attempts: 3)
        config.limits.taskTimeout = .seconds(300)
        var scheduler = Scheduler(jobs: [job("a")], configuration: config, now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t1", estimate: 100), now: .at(0))
        #expect(scheduler.step(now: .at(85)).actions == [.poll(jobs: [0], taskIDs: ["t1"])])
        let answered = scheduler.pollSucceeded(jobs: [0], snapshots: [], now: .at(86))
        let after404 = scheduler.step(now: .at(86))
        #expect(answered + after404.actions == [.taskNotFound(job: 0, taskID: "t1")], "no new attempt, no failure")
        #expect(scheduler.state(of: 0) == .running)
        let next = try! #require(after404.wakeAt)
        #expect(next > .at(86) && next <= .at(86 + 60), "asked again after a backoff")
        #expect(scheduler.step(now: next).actions == [.poll(jobs: [0], taskIDs: ["t1"])])
        scheduler.pollFailed(
            jobs: [0], error: ProviderError(kind: .notFound, message: "Task t1 does not exist."), now: next)
        let retryAt = try! #require(scheduler.step(now: next).wakeAt)
        #expect(scheduler.step(now: retryAt).actions == [.poll(jobs: [0], taskIDs: ["t1"])])
        scheduler.pollSucceeded(jobs: [0], snapshots: [finished("t1")], now: retryAt)
        let done = scheduler.step(now: retryAt)
        #expect(done.outcome == .completed)
        #expect(!done.actions.contains { if case .submit = $0 { true } else { false } })
        #expect(scheduler.statistics.submissions == 1)
    }

    @Test func aTaskStillUnknownAtTheTimeoutFailsTheJobWithoutANewPaidAttempt() {
        var config = configuration(attempts: 3)
        config.limits.taskTimeout = .seconds(300)
        var scheduler = Scheduler(
            jobs: [job("a"), job("b", after: [0])], configuration: config, now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t1", estimate: 100), now: .at(0))
        var now = ManualClock.Instant.at(85)
        var submissions = 0
        var outcome: RunOutcome?
        var actions: [SchedulerAction] = []
        for _ in 0..<100 where outcome == nil {
            let step = scheduler.step(now: now)
            actions += step.actions
            submissions += submittedJobs(step).count
            outcome = step.outcome
            if step.actions.contains(.poll(jobs: [0], taskIDs: ["t1"])) {
                actions += scheduler.pollSucceeded(jobs: [0], snapshots: [], now: now)
                continue
            }
            guard let wake = step.wakeAt else { break }
            now = wake
        }
        #expect(outcome == .jobsFailed)
        #expect(submissions == 0, "a task id the provider gave is never paid for again under a new key")
        #expect(now <= .at(300 + 60), "given up at the task timeout")
        #expect(
            actions.contains { if case .failed(0, let reason) = $0 { reason.contains("--force a") } else { false } })
        #expect(actions.contains(.blocked(job: 1, cause: 0)))
        #expect(!actions.contains { if case .timedOut = $0 { true } else { false } }, "no task failure is recorded")
    }

    @Test func anInterruptWaitsForTheAnswersOfSubmissionsAlreadyOnTheirWay() {
        var scheduler = Scheduler(jobs: [job("a"), job("b")], configuration: configuration(), now: .at(0), seed: 1)
        #expect(submittedJobs(scheduler.step(now: .at(0))) == [0, 1])
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: running("t0"), now: .at(1))
        let stopped = scheduler.interrupt()
        let waiting = scheduler.step(now: .at(1))
        #expect(stopped + waiting.actions == [.stopped(.signal)])
        #expect(waiting.outcome == nil, "b's POST is out under its intent: its answer is recorded before the end")
        let answered = scheduler.submitSucceeded(job: 1, attempt: 1, snapshot: running("t1"), now: .at(2))
        let end = scheduler.step(now: .at(2))
        #expect((answered + end.actions).isEmpty)
        #expect(end.outcome == .interrupted, "running tasks are not waited for: the next run polls them")
    }

    @Test func aSecondInterruptStopsWithoutWaiting() {
        var scheduler = Scheduler(jobs: [job("a")], configuration: configuration(), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.interrupt()
        #expect(scheduler.step(now: .at(1)).outcome == nil)
        scheduler.interrupt()
        #expect(scheduler.step(now: .at(2)).outcome == .interrupted)
    }

    @Test func resumesByPollingKnownTasksAndSkippingCompletedJobs() {
        var scheduler = Scheduler(
            jobs: [
                job("a", start: .done), job("b", after: [0], start: .poll(taskID: "t-b", attempt: 1)),
                job("c", after: [0]), job("d", start: .resubmit(attempt: 2)),
            ],
            configuration: configuration(), now: .at(0), seed: 1)
        let step = scheduler.step(now: .at(0))
        #expect(step.actions.contains(.poll(jobs: [1], taskIDs: ["t-b"])))
        #expect(step.actions.contains(.submit(job: 2, attempt: 1)))
        #expect(step.actions.contains(.submit(job: 3, attempt: 2)))
        #expect(!step.actions.contains { if case .submit(0, _) = $0 { true } else { false } })
    }

    @Test func batchesDuePollsUpToTheProviderBatchSize() {
        var scheduler = Scheduler(
            jobs: (0..<5).map { job("j\($0)") }, configuration: configuration(concurrency: 5, batch: 3),
            now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        for index in 0..<5 {
            scheduler.submitSucceeded(job: index, attempt: 1, snapshot: running("t\(index)"), now: .at(0))
        }
        let polls = scheduler.step(now: .at(200)).actions
        #expect(
            polls == [
                .poll(jobs: [0, 1, 2], taskIDs: ["t0", "t1", "t2"]), .poll(jobs: [3, 4], taskIDs: ["t3", "t4"]),
            ])
    }

    @Test func aJobThatPollsAloneNeverSharesAStatusRequest() {
        var jobs = (0..<5).map { job("j\($0)") }
        jobs[1].pollsAlone = true
        jobs[3].pollsAlone = true
        var scheduler = Scheduler(
            jobs: jobs, configuration: configuration(concurrency: 5, batch: 10), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        for index in 0..<5 {
            scheduler.submitSucceeded(job: index, attempt: 1, snapshot: running("t\(index)"), now: .at(0))
        }
        let polls = scheduler.step(now: .at(200)).actions
        #expect(
            polls == [
                .poll(jobs: [0, 2, 4], taskIDs: ["t0", "t2", "t4"]), .poll(jobs: [1], taskIDs: ["t1"]),
                .poll(jobs: [3], taskIDs: ["t3"]),
            ], "the others share one request, passing over the two that poll alone")
    }

    @Test func finishesWithSuccessWhenEverySelectedJobCompleted() {
        var scheduler = Scheduler(
            jobs: [job("a"), job("b", start: .excluded)], configuration: configuration(), now: .at(0), seed: 1)
        _ = scheduler.step(now: .at(0))
        scheduler.submitSucceeded(job: 0, attempt: 1, snapshot: finished("t1"), now: .at(0))
        #expect(scheduler.step(now: .at(0)).outcome == .completed)
    }
}

@Suite("RateWindow")
struct RateWindowTests {
    @Test func noWindowEverHoldsMoreThanTheLimit() {
        var window = RateWindow<ManualClock>(limit: 7, margin: .zero)
        var random = SeededRandom(seed: 42)
        var now = ManualClock.Instant.at(0)
        var sent: [ManualClock.Instant] = []
        for _ in 0..<500 {
            now = now.advanced(by: .milliseconds(Int64.random(in: 0...9000, using: &random)))
            let allowed = window.nextAllowed(at: now)
            now = max(now, allowed ?? now)
            window.willSend()
            window.answered(at: now)
            sent.append(now)
        }
        for (index, start) in sent.enumerated() {
            let inWindow = sent[index...].prefix { $0 < start.advanced(by: .seconds(60)) }.count
            #expect(inWindow <= 7)
        }
    }

    @Test func fallsToWhatTheProviderAcceptedAndGrowsBackWhenQuiet() {
        var window = RateWindow<ManualClock>(limit: 60, margin: .zero)
        for second in 0..<21 { window.sendAnswered(at: .at(Double(second))) }
        window.rejected(at: .at(21), retryAfter: .seconds(2))
        #expect(window.currentLimit == 20)
        #expect(window.nextAllowed(at: .at(21)) == .at(61))
        _ = window.nextAllowed(at: .at(200))
        #expect(window.currentLimit == 26)
    }

    @Test func oneBurstOfRejectionsLowersTheLimitOnce() {
        var window = RateWindow<ManualClock>(limit: 60, margin: .zero)
        for second in 0..<21 { window.sendAnswered(at: .at(Double(second))) }
        window.rejected(at: .at(21), retryAfter: .seconds(2))
        window.rejected(at: .at(21.5), retryAfter: .seconds(2))
        window.rejected(at: .at(22), retryAfter: .seconds(2))
        #expect(window.currentLimit == 20)
        #expect(window.nextAllowed(at: .at(22)) == .at(61))
    }

    @Test func aRequestCountsFromTheDecisionUntilOneWindowAfterItsAnswer() {
        var window = RateWindow<ManualClock>(limit: 2, margin: .zero)
        window.willSend()
        window.willSend()
        #expect(window.nextAllowed(at: .at(0)) == nil, "only an answer can make room")
        window.answered(at: .at(30))
        #expect(window.nextAllowed(at: .at(31)) == .at(90), "one window after the answer, not after the decision")
        #expect(window.count(at: .at(200)) == 1, "the unanswered request still counts")
        window.answered(at: .at(200))
        #expect(window.nextAllowed(at: .at(200)) == .at(200))
        #expect(window.count(at: .at(260)) == 0)
    }

    @Test func noProviderWindowHoldsMoreThanTheLimitHoweverLongRequestsTakeToArrive() {
        var window = RateWindow<ManualClock>(limit: 7, margin: .zero)
        var random = SeededRandom(seed: 7)
        var now = ManualClock.Instant.at(0)
        var pending: [(arrival: ManualClock.Instant, answer: ManualClock.Instant)] = []
        var arrivals: [ManualClock.Instant] = []
        for _ in 0..<400 {
            pending.sort { $0.answer < $1.answer }
            if let next = window.nextAllowed(at: now), pending.count < 5 || Bool.random(using: &random) {
                now = max(now, next)
                window.willSend()
                let arrival = now.advanced(by: .milliseconds(Int64.random(in: 0...20_000, using: &random)))
                let answer = arrival.advanced(by: .milliseconds(Int64.random(in: 0...3_000, using: &random)))
                pending.append((arrival, answer))
                arrivals.append(arrival)
            } else if !pending.isEmpty {
                let first = pending.removeFirst()
                now = max(now, first.answer)
                window.answered(at: now)
            }
        }
        arrivals.sort()
        for (index, start) in arrivals.enumerated() {
            #expect(arrivals[index...].prefix { $0 < start.advanced(by: .seconds(60)) }.count <= 7)
        }
    }

    @Test func probesByOneNearTheLevelTheProviderRefused() {
        var window = RateWindow<ManualClock>(limit: 60, margin: .zero)
        for second in 0..<21 { window.sendAnswered(at: .at(Double(second))) }
        window.rejected(at: .at(21), retryAfter: .seconds(2))
        _ = window.nextAllowed(at: .at(200))
        #expect(window.currentLimit == 26)
        for second in 200..<221 { window.sendAnswered(at: .at(Double(second))) }
        window.rejected(at: .at(221), retryAfter: .seconds(2))
        #expect(window.currentLimit == 20)
        _ = window.nextAllowed(at: .at(400))
        #expect(window.currentLimit == 21)
        _ = window.nextAllowed(at: .at(500))
        #expect(window.currentLimit == 22)
    }
}

extension RateWindow where C == ManualClock {
    /// A request sent and answered at `instant`.
    mutating func sendAnswered(at instant: ManualClock.Instant) {
        willSend()
        answered(at: instant)
    }
}

@Suite("PollSchedule")
struct PollScheduleTests {
    @Test("polls just before the estimate, then at even steps around it, then less and less often")
    func stepsAroundTheEstimate() {
        let schedule = PollSchedule()
        let estimate = Duration.seconds(100)
        let finishes = schedule.initialFinishes
        #expect(abs(schedule.firstPoll(estimate: estimate, finishes: finishes).seconds - 85) < 1e-6)
        for poll in 1...4 {
            #expect(abs(schedule.nextPoll(after: poll, estimate: estimate, finishes: finishes).seconds - 7) < 1e-6)
        }
        #expect(abs(schedule.nextPoll(after: 5, estimate: estimate, finishes: finishes).seconds - 11.2) < 1e-6)
        #expect(schedule.nextPoll(after: 12, estimate: estimate, finishes: finishes) == .seconds(30))
        #expect(abs(schedule.firstPoll(estimate: nil, finishes: finishes).seconds - 51) < 1e-6)
        #expect(schedule.firstPoll(estimate: .zero, finishes: finishes) == .milliseconds(200))
    }

    /// Polls `tasks` tasks whose times are drawn evenly from `spread` times the estimate, learning as a run does;
    /// returns the status requests per task and the mean delay to notice a finish, as a share of the estimate.
    func simulate(spread: ClosedRange<Double>, tasks: Int = 300, learns: Bool = true) -> (polls: Double, delay: Double)
    {
        let schedule = PollSchedule(learns: learns)
        let estimate = Duration.seconds(120)
        var finishes = schedule.initialFinishes
        var random = SeededRandom(seed: 11)
        var polls = 0
        var delay = 0.0
        for _ in 0..<tasks {
            let finish = estimate * Double.random(in: spread, using: &random)
            var look = schedule.firstPoll(estimate: estimate, finishes: finishes)
            var count = 1
            while look < finish {
                look += schedule.nextPoll(after: count, estimate: estimate, finishes: finishes)
                count += 1
            }
            polls += count
            delay += (look - finish) / estimate
            if learns {
                finishes.learn(
                    finishedByFirstPoll: count == 1, finishedByLastEvenPoll: count <= schedule.evenFollowUps + 1)
            }
        }
        return (Double(polls) / Double(tasks), delay / Double(tasks))
    }

    @Test("an accurate estimate costs well under three requests per task and is noticed within 2% of it")
    func learnsAnAccurateEstimate() {
        let learned = simulate(spread: 0.97...1.03)
        #expect(learned.polls < 2.6)
        #expect(learned.delay < 0.02)
        let fixed = simulate(spread: 0.97...1.03, learns: false)
        #expect(fixed.delay > 2 * learned.delay, "without learning the steps stay where the initial factors put them")
    }

    @Test("a spread of 0.8 to 1.1 times the estimate still costs under three requests per task")
    func economyAroundASpreadEstimate() {
        let learned = simulate(spread: 0.8...1.1)
        #expect(learned.polls < 2.9)
        #expect(learned.delay < 0.05)
    }

    @Test func quantilesMoveTowardWhereTasksFinish() {
        var finishes = FinishQuantiles(low: 0.85, high: 1.13)
        for _ in 0..<100 { finishes.learn(finishedByFirstPoll: false, finishedByLastEvenPoll: true) }
        #expect(finishes.low > 0.95, "tasks never finish by the first poll: it moves later")
        #expect(finishes.high - finishes.low < 0.05, "they always finish by the last even one: it moves closer")
        let settled = finishes
        finishes.learn(finishedByFirstPoll: true, finishedByLastEvenPoll: true)
        #expect(abs(finishes.low - settled.low) < 0.01, "steps shrink with the spread")
    }
}
