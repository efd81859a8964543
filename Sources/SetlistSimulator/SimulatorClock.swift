import SetlistCore

/// The simulator's view of time: seconds elapsed since it was made, and sleeping. Built from any clock, so tests
/// drive it with `ManualClock` and the command line with `ContinuousClock`.
struct SimulatorClock: Sendable {
    /// Simulated time elapsed since the clock was made.
    let elapsed: @Sendable () -> Duration
    /// Suspends for a duration of this clock.
    let sleep: @Sendable (Duration) async throws -> Void

    /// Wraps `clock`, taking its current instant as the origin.
    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleep = { duration in try await clock.sleep(for: duration) }
    }

    /// Elapsed time in seconds.
    var seconds: Double { elapsed().seconds }
}

/// Timestamps of requests in a sliding window, kept in arrival order with O(1) amortized trimming.
struct TimeWindow: Sendable {
    private var times: [Double] = []
    private var head = 0

    /// Timestamps currently in the window.
    var count: Int { times.count - head }

    /// The oldest timestamp in the window.
    var oldest: Double? { head < times.count ? times[head] : nil }

    /// Drops timestamps at or before `cutoff`.
    mutating func trim(olderThanOrAt cutoff: Double) {
        while head < times.count, times[head] <= cutoff { head += 1 }
        if head > 1024, head * 2 > times.count {
            times.removeFirst(head)
            head = 0
        }
    }

    /// Adds a timestamp (never earlier than the newest one).
    mutating func append(_ time: Double) { times.append(time) }
}
