/// When to ask a provider about a running task.
///
/// Tasks rarely take exactly their `estimated_time`, and how far off they are differs by provider, model and
/// hour. The schedule places the first status request at a low quantile of where tasks finish (as a share of
/// their estimate), then a few follow-ups at even steps up to a high quantile, and after that intervals that grow
/// geometrically up to a cap. The quantiles start at the configured factors and then follow what the run sees
/// (``FinishQuantiles``), so the polls move to where this run's tasks actually finish: a finished task is noticed
/// within half a step, at under 3 status requests per task. Where one request answers for several tasks, tasks
/// near their estimate also ride along on requests due for others.
public struct PollSchedule: Sendable, Hashable {
    /// Used when the provider gives no estimate.
    public var defaultEstimate: Duration
    /// The first poll's share of the estimate before the run has learned anything.
    public var firstPollFactor: Double
    /// The last evenly stepped poll's share of the estimate before the run has learned anything.
    public var lastEvenPollFactor: Double
    /// How many follow-up polls step evenly from the first poll to the last even one.
    public var evenFollowUps: Int
    /// The shortest interval between polls of one task.
    public var minimumInterval: Duration
    /// The longest interval between polls of one task.
    public var maximumInterval: Duration
    /// After the even follow-ups, each interval is the previous one times this factor.
    public var growth: Double
    /// On a provider that answers for several tasks in one status request, a running task whose elapsed time
    /// reached the estimate times this factor joins a request that goes out anyway for other tasks: a free look
    /// that notices it finished sooner and never adds a request.
    public var companionFactor: Double
    /// Whether the quantiles follow what the run sees; false keeps the configured factors.
    public var learns: Bool

    /// Creates a poll schedule.
    public init(
        defaultEstimate: Duration = .seconds(60), firstPollFactor: Double = 0.85, lastEvenPollFactor: Double = 1.13,
        evenFollowUps: Int = 4, minimumInterval: Duration = .milliseconds(200),
        maximumInterval: Duration = .seconds(30), growth: Double = 1.6, companionFactor: Double = 0.75,
        learns: Bool = true
    ) {
        self.defaultEstimate = defaultEstimate
        self.firstPollFactor = firstPollFactor
        self.lastEvenPollFactor = lastEvenPollFactor
        self.evenFollowUps = max(1, evenFollowUps)
        self.minimumInterval = minimumInterval
        self.maximumInterval = maximumInterval
        self.growth = growth
        self.companionFactor = companionFactor
        self.learns = learns
    }

    /// The quantiles before the run has seen a task finish.
    public var initialFinishes: FinishQuantiles {
        FinishQuantiles(low: firstPollFactor, high: lastEvenPollFactor)
    }

    /// The delay from submission to the first poll.
    public func firstPoll(estimate: Duration?, finishes: FinishQuantiles) -> Duration {
        Swift.max(minimumInterval, (estimate ?? defaultEstimate) * finishes.low)
    }

    /// The delay after poll number `poll` (1 for the first poll) that found the task unfinished.
    public func nextPoll(after poll: Int, estimate: Duration?, finishes: FinishQuantiles) -> Duration {
        var interval = (estimate ?? defaultEstimate) * ((finishes.high - finishes.low) / Double(evenFollowUps))
        for _ in 0..<Swift.max(0, poll - evenFollowUps) { interval = interval * growth }
        return Swift.min(maximumInterval, Swift.max(minimumInterval, interval))
    }

    /// Whether a task `elapsed` into its run is close enough to finishing to join another task's status request.
    public func isWorthACompanionLook(elapsed: Duration, estimate: Duration?) -> Bool {
        elapsed >= (estimate ?? defaultEstimate) * companionFactor
    }
}

/// Where tasks finish, as shares of their estimate: a low and a high quantile, tracked from what status answers
/// reveal.
///
/// The first poll sits at the low quantile and the last even follow-up at the high one, so each completed task
/// says whether it had finished by each of them. That is exactly the evidence a stochastic quantile tracker needs:
/// x moves down by `rate * (1 - level)` when the task had finished by x and up by `rate * level` when it had not,
/// and settles where a `level` share of tasks has finished. No task's exact finishing time is needed. The step
/// size scales with the distance between the quantiles (coarse while the spread is wide, fine once the estimate
/// proves accurate) and shrinks with the square root of the tasks seen after the first nine, so the quantiles
/// settle instead of wandering with each answer.
public struct FinishQuantiles: Sendable, Hashable {
    /// The share of tasks the first poll should find finished.
    public static let lowLevel = 0.3
    /// The share of tasks the last even follow-up should find finished.
    public static let highLevel = 0.95
    /// The estimate's share by which a low share of tasks has finished.
    public private(set) var low: Double
    /// The estimate's share by which a high share of tasks has finished.
    public private(set) var high: Double
    /// Completed tasks learned from.
    public private(set) var observations = 0

    /// Creates quantiles at the given shares of the estimate.
    public init(low: Double, high: Double) {
        self.low = low
        self.high = Swift.max(high, low + Self.minimumSpread)
    }

    private static let minimumSpread = 0.02
    private static let learningRate = 0.15

    /// Learns from one completed task: whether it had finished by its first poll, and by its last even follow-up.
    public mutating func learn(finishedByFirstPoll: Bool, finishedByLastEvenPoll: Bool) {
        observations += 1
        let settling = 3 / Double(observations).squareRoot()
        let rate = Swift.max(0.002, Self.learningRate * (high - low) * Swift.min(1, settling))
        low += rate * (Self.lowLevel - (finishedByFirstPoll ? 1 : 0))
        high += rate * (Self.highLevel - (finishedByLastEvenPoll ? 1 : 0))
        low = Swift.max(0.05, low)
        high = Swift.max(high, low + Self.minimumSpread)
    }
}
