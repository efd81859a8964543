import SetlistCore

/// A sliding-window rate limiter: at most `limit` events in any window of `window` length.
///
/// A token bucket with a burst allowance lets `burst + rate` requests into one minute; this keeps the exact
/// timestamps of the last `limit` events instead, so no window ever holds more than the limit, while a burst up
/// to the limit still goes out at once. Each call is amortized O(1); memory is O(limit).
///
/// The limit can drop below its configured value (AIMD): on a 429 it falls to what the provider demonstrably
/// accepted in the last window. For every full window without a rejection it grows back by a tenth of the
/// configured limit while it stays below the level the provider last refused, and by one above it, so a run
/// probes a provider that limits harder than configured gently instead of running into it every minute.
public struct RateWindow<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    /// The configured ceiling, events per window.
    public let configuredLimit: Int
    /// The limit in force now, 1...configuredLimit.
    public private(set) var currentLimit: Int
    /// The window length plus a safety margin for network jitter between here and the provider.
    public let window: Duration
    private var sent: [C.Instant] = []
    private var head = 0
    private var pausedUntil: C.Instant?
    private var lastIncrease: C.Instant?
    private var refusedLimit: Int?

    /// Creates a limiter of `limit` events per `window`. `margin` widens the window so that events spaced
    /// exactly one window apart here cannot land within one window at the provider: it covers the time between
    /// the decision to send and the request's arrival (a ledger `fsync`, a queued connection, a TLS handshake),
    /// at a cost of margin / window of the rate (under 2% for the default second).
    public init(limit: Int, window: Duration = .seconds(60), margin: Duration = .seconds(1)) {
        precondition(limit > 0, "A rate limit must allow at least one event.")
        configuredLimit = limit
        currentLimit = limit
        self.window = window + margin
    }

    /// The number of events recorded within the window ending at `now`.
    public mutating func count(at now: C.Instant) -> Int {
        dropExpired(at: now)
        return sent.count - head
    }

    /// The earliest instant at which one more event is allowed; `now` when it is allowed already.
    public mutating func nextAllowed(at now: C.Instant) -> C.Instant {
        dropExpired(at: now)
        growIfQuiet(at: now)
        var earliest = now
        if let pausedUntil, pausedUntil > earliest { earliest = pausedUntil }
        let inWindow = sent.count - head
        if inWindow >= currentLimit {
            let blocking = sent[sent.count - currentLimit]
            let free = blocking.advanced(by: window)
            if free > earliest { earliest = free }
        }
        return earliest
    }

    /// Records an event at `now`. Call only when ``nextAllowed(at:)`` returned `now`.
    public mutating func record(at now: C.Instant) {
        dropExpired(at: now)
        sent.append(now)
    }

    /// Reacts to a rate-limit rejection: the limit falls to the number of events the provider accepted in the
    /// last window (at least one, at most one less than before), and nothing is sent before `retryAfter` passes.
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
            let step = currentLimit + max(1, configuredLimit / 10) < refusedLimit ?? configuredLimit
                ? max(1, configuredLimit / 10) : 1
            currentLimit = min(configuredLimit, currentLimit + step)
            lastIncrease = now
        }
    }

    private mutating func dropExpired(at now: C.Instant) {
        while head < sent.count, sent[head].advanced(by: window) <= now { head += 1 }
        if head > 64, head * 2 > sent.count {
            sent.removeFirst(head)
            head = 0
        }
    }
}
