/// Exponential backoff with jitter: attempt n waits `initial * 2^(n-1)`, capped at `max`, scaled by a random
/// factor in `0.5...1.0` so that many clients failing together do not retry together.
public struct Backoff: Sendable, Hashable {
    /// The first delay.
    public var initial: Duration
    /// The longest delay.
    public var max: Duration

    /// Creates a backoff policy.
    public init(initial: Duration, max: Duration) {
        self.initial = initial
        self.max = max
    }

    /// The delay before retry number `retry` (1 for the first retry), drawn with `generator`.
    public func delay(forRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = Swift.max(0, Swift.min(retry - 1, 30))
        let base = Swift.min(initial * (1 << exponent), max)
        let factor = Double.random(in: 0.5...1.0, using: &generator)
        return base * factor
    }
}

/// When to ask a provider about a running task.
///
/// Tasks rarely take exactly their `estimated_time`: the first status request goes out a little before the
/// estimate, then a few follow up at short, even steps around it (a fraction of the estimate each), and after
/// that the interval grows geometrically up to a cap. Even steps around the estimate keep the delay between a
/// task finishing and the run noticing it to about half a step (3-4% of the task's time), which is what
/// dependent jobs wait for, at under 3 status requests per task when the estimate is accurate to ±15%.
public struct PollSchedule: Sendable, Hashable {
    /// Used when the provider gives no estimate.
    public var defaultEstimate: Duration
    /// The first poll waits the estimate times this factor.
    public var firstPollFactor: Double
    /// Each follow-up poll waits the estimate times this factor.
    public var followUpFactor: Double
    /// How many follow-up polls keep the even step before the interval starts to grow.
    public var followUpPolls: Int
    /// The shortest interval between polls of one task.
    public var minimumInterval: Duration
    /// The longest interval between polls of one task.
    public var maximumInterval: Duration
    /// After the follow-ups, each interval is the previous one times this factor.
    public var growth: Double

    /// Creates a poll schedule.
    public init(
        defaultEstimate: Duration = .seconds(60), firstPollFactor: Double = 0.85, followUpFactor: Double = 0.07,
        followUpPolls: Int = 4, minimumInterval: Duration = .milliseconds(200),
        maximumInterval: Duration = .seconds(30), growth: Double = 1.6
    ) {
        self.defaultEstimate = defaultEstimate
        self.firstPollFactor = firstPollFactor
        self.followUpFactor = followUpFactor
        self.followUpPolls = followUpPolls
        self.minimumInterval = minimumInterval
        self.maximumInterval = maximumInterval
        self.growth = growth
    }

    /// The delay from submission to the first poll.
    public func firstPoll(estimate: Duration?) -> Duration {
        Swift.max(minimumInterval, (estimate ?? defaultEstimate) * firstPollFactor)
    }

    /// The delay after poll number `poll` (1 for the first poll) that found the task unfinished.
    public func nextPoll(after poll: Int, estimate: Duration?) -> Duration {
        var interval = (estimate ?? defaultEstimate) * followUpFactor
        for _ in 0..<Swift.max(0, poll - followUpPolls) { interval = interval * growth }
        return Swift.min(maximumInterval, Swift.max(minimumInterval, interval))
    }
}
