import HeapModule

/// A moment at which a job may need attention, kept in a ``Heap`` ordered by time, then job. Timers are never
/// removed early: one whose job has moved on is recognised as stale when it reaches the front and dropped, so
/// each step costs O(due timers · log n) rather than a pass over every running job.
struct JobTimer<Instant: Comparable & Sendable>: Comparable, Sendable {
    var at: Instant
    var job: Int
    /// The task attempt the timer was set for; 0 for a backoff.
    var attempt: Int

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.at, lhs.job, lhs.attempt) < (rhs.at, rhs.job, rhs.attempt)
    }
}

extension Heap {
    /// The first element that `isLive` accepts, after dropping the stale ones in front of it.
    mutating func firstLive(_ isLive: (Element) -> Bool) -> Element? {
        while let first = min {
            if isLive(first) { return first }
            _ = popMin()
        }
        return nil
    }
}

/// A job ready to submit, ordered so that the job to submit first is the heap's minimum: the longest remaining
/// path first, then manifest order.
struct ReadyJob: Comparable, Sendable {
    var priority: Double
    var job: Int

    static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.priority != rhs.priority ? lhs.priority > rhs.priority : lhs.job < rhs.job
    }
}

extension Optional where Wrapped: Comparable {
    /// Moves this wake-up earlier to `instant`; a nil instant (only an answer helps) leaves it.
    mutating func wake(noLaterThan instant: Wrapped?) {
        guard let instant else { return }
        if map({ instant < $0 }) ?? true { self = instant }
    }
}
