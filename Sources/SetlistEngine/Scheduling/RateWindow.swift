import SetlistCore

/// A sliding-window rate limiter: at most `limit` requests in any window of `window` length, as the provider
/// counts them.
///
/// A token bucket with a burst allowance lets `burst + rate` requests into one minute; this keeps the exact
/// timestamps of the last `limit` requests instead, so no window ever holds more than the limit, while a burst up
/// to the limit still goes out at once. Each call is amortized O(1); memory is O(limit).
///
/// The provider counts a request when it arrives, somewhere between the decision to send it and its answer: a
/// ledger `fsync`, a queued connection or a loaded machine can put seconds between the two. So a request stays in
/// the window from the decision (``willSend()``) until one window after its answer (``answered(at:)``), which is
/// never earlier than one window after the provider saw it. No window at the provider then holds more than the
/// limit, however long requests take to leave, at the cost of each request's own latency.
///
/// The limit can drop below its configured value (AIMD): on a 429 it falls to what the provider demonstrably
/// accepted in the last window. For every full window without a rejection it grows back by a tenth of the
/// configured limit while it stays below the level the provider last refused, and by one above it, so a run
/// probes a provider that limits harder than configured gently instead of running into it every minute.
public struct RateWindow<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    /// The configured ceiling, requests per window.
    public let configuredLimit: Int
    /// The limit in force now, 1...configuredLimit.
    public private(set) var currentLimit: Int
    /// The window length plus a safety margin.
    public let window: Duration
    /// Requests decided on and not yet answered; each counts against every window until its answer.
    public private(set) var outstanding = 0
    private var answers: [C.Instant] = []
    private var head = 0
    private var pausedUntil: C.Instant?
    private var lastIncrease: C.Instant?
    private var refusedLimit: Int?

    /// Creates a limiter of `limit` requests per `window`. `margin` widens the window for providers that count
    /// in coarser steps than this clock (whole seconds, say), at a cost of margin / window of the rate (under
    /// 0.5% for the default quarter second).
    public init(limit: Int, window: Duration = .seconds(60), margin: Duration = .milliseconds(250)) {
        precondition(limit > 0, "A rate limit must allow at least one request.")
        configuredLimit = limit
        currentLimit = limit
        self.window = window + margin
    }

    /// The number of requests counted in the window ending at `now`: the outstanding ones and those answered
    /// less than one window ago.
    public mutating func count(at now: C.Instant) -> Int {
        dropExpired(at: now)
        return outstanding + answers.count - head
    }

    /// The earliest instant at which one more request is allowed: `now` when it is allowed already, nil when
    /// only an answer to an outstanding request can make room.
    public mutating func nextAllowed(at now: C.Instant) -> C.Instant? {
        dropExpired(at: now)
        growIfQuiet(at: now)
        var earliest = now
        if let pausedUntil, pausedUntil > earliest { earliest = pausedUntil }
        let inWindow = outstanding + answers.count - head
        if inWindow >= currentLimit {
            let mustExpire = inWindow - currentLimit + 1
            guard mustExpire <= answers.count - head else { return nil }
            let free = answers[head + mustExpire - 1].advanced(by: window)
            if free > earliest { earliest = free }
        }
        return earliest
    }

    /// Counts a request about to be sent. Call only when ``nextAllowed(at:)`` returned the current instant, and
    /// call ``answered(at:)`` once its answer (or its failure) is in.
    public mutating func willSend() {
        outstanding += 1
    }

    /// Records the answer to an outstanding request at `now`: the request leaves the window one window later.
    public mutating func answered(at now: C.Instant) {
        if outstanding > 0 { outstanding -= 1 }
        if let last = answers.last, last > now {
            answers.append(last)
        } else {
            answers.append(now)
        }
    }

    /// Reacts to a rate-limit rejection, after its ``answered(at:)``: the limit falls to the number of requests
    /// the provider accepted in the last window (at least one, at most one less than before), and nothing is sent before `retryAfter` passes.
    /// A rejection that arrives while an earlier one still pauses sending answers a request sent before that
    /// reduction, so it only extends the pause: one burst of 429s lowers the limit once.
    public mutating func rejected(at now: C.Instant, retryAfter: Duration?) {
        if let pausedUntil, now < pausedUntil {
            pause(until: now.advanced(by: retryAfter ?? .seconds(5)))
            return
        }
        let accepted = max(count(at: now) - 1, 1)
        refusedLimit = currentLimit
        currentLimit = max(1, min(currentLimit - 1, accepted))
        lastIncrease = now
        pause(until: now.advanced(by: retryAfter ?? .seconds(5)))
    }

    /// Sends nothing before `instant`, without changing the limit: for a rejection this window did not cause.
    public mutating func pause(until instant: C.Instant) {
        if pausedUntil.map({ instant > $0 }) ?? true { pausedUntil = instant }
    }

    private mutating func growIfQuiet(at now: C.Instant) {
        guard currentLimit < configuredLimit, let last = lastIncrease else { return }
        if last.advanced(by: window) <= now {
            let step =
                currentLimit + max(1, configuredLimit / 10) < refusedLimit ?? configuredLimit
                ? max(1, configuredLimit / 10) : 1
            currentLimit = min(configuredLimit, currentLimit + step)
            lastIncrease = now
        }
    }

    private mutating func dropExpired(at now: C.Instant) {
        while head < answers.count, answers[head].advanced(by: window) <= now { head += 1 }
        if head > 64, head * 2 > answers.count {
            answers.removeFirst(head)
            head = 0
        }
    }
}
