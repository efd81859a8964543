/// A clock that runs `speed` times faster than `ContinuousClock`: one real millisecond is `speed` simulated
/// milliseconds. The benchmark gives the same clock to the scheduler and to the simulator, so task times, poll
/// delays and 60-second rate windows all shrink together while every request still crosses real loopback HTTP.
struct ScaledClock: Clock {
    /// A moment on the scaled clock: simulated time since the clock was made.
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let origin: ContinuousClock.Instant
    /// How many simulated seconds pass per real second.
    let speed: Double

    /// Starts a clock at offset zero.
    init(speed: Double) {
        origin = ContinuousClock.now
        self.speed = speed
    }

    var now: Instant { Instant(offset: origin.duration(to: ContinuousClock.now) * speed) }

    var minimumResolution: Duration { .microseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let remaining = now.duration(to: deadline)
        if remaining > .zero { try await Task.sleep(for: remaining / speed) }
    }
}
