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
/// The first status request goes out just after the provider's own `estimated_time`, when the task is most
/// likely done; later ones back off geometrically from a fraction of that estimate up to a cap. With accurate
/// estimates most tasks need one or two status requests.
public struct PollSchedule: Sendable, Hashable {
    /// Used when the provider gives no estimate.
    public var defaultEstimate: Duration
    /// The first poll waits the estimate times this factor.
    public var firstPollFactor: Double
    /// The shortest interval between polls of one task.
    public var minimumInterval: Duration
    /// The longest interval between polls of one task.
    public var maximumInterval: Duration
    /// Each later interval is the previous one times this factor.
    public var growth: Double

    /// Creates a poll schedule.
    public init(
        defaultEstimate: Duration = .seconds(60), firstPollFactor: Double = 1.05,
        minimumInterval: Duration = .milliseconds(200), maximumInterval: Duration = .seconds(30),
        growth: Double = 1.6
    ) {
        self.defaultEstimate = defaultEstimate
        self.firstPollFactor = firstPollFactor
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
        let base = Swift.max(minimumInterval, (estimate ?? defaultEstimate) * 0.15)
        var interval = base
        for _ in 1..<Swift.max(poll, 1) { interval = interval * growth }
        return Swift.min(maximumInterval, Swift.max(minimumInterval, interval))
    }
}
