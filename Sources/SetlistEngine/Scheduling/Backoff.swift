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
