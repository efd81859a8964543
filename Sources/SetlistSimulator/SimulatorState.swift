import SetlistCore

/// The mutable state of a simulator: tasks, accounts, rate windows, faults and statistics.
struct SimulatorState: Sendable {
    var store = TaskStore()
    var random: SeededRandom
    var faultRandom: SeededRandom
    var faults: FaultConfiguration
    var charged: [String: Int] = [:]
    var refunded: [String: Int] = [:]
    var pendingRefunds: [(at: Double, owner: String, credits: Int)] = []
    var limiterWindows: [String: TimeWindow] = [:]
    var statsWindows: [String: TimeWindow] = [:]
    var maxRequestsPerMinute: [String: Int] = [:]
    var requestCounts: [String: [String: Int]] = [:]
    var paidByIdempotencyKey: [String: Int] = [:]
    var paidByBody: [String: Int] = [:]
    var tasksCreated = 0
    var replays = 0
    var faultCounts: [String: Int] = [:]
    /// WAV requests answered per owner key and clip id, joined by a NUL (the `wav-pending` answer shape).
    var wavRequests: [String: Int] = [:]

    init(seed: UInt64, faults: FaultConfiguration) {
        random = SeededRandom(seed: seed)
        faultRandom = SeededRandom(seed: seed ^ 0x5EED_FA17_0000_0001)
        self.faults = faults
    }

    /// Moves refunds of tasks that have failed by `now` into the refunded totals.
    mutating func settleRefunds(now: Double) {
        guard pendingRefunds.contains(where: { $0.at <= now }) else { return }
        for refund in pendingRefunds where refund.at <= now { refunded[refund.owner, default: 0] += refund.credits }
        pendingRefunds.removeAll { $0.at <= now }
    }

    /// Credits a key has used at `now` (charged minus refunded).
    mutating func creditsUsed(by owner: String, now: Double) -> Int {
        settleRefunds(now: now)
        return charged[owner, default: 0] - refunded[owner, default: 0]
    }

    /// A uniform draw in `range` from the main generator.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        Double.random(in: range, using: &random)
    }

    /// Whether a fault with probability `rate` fires; counts it under `name` when it does.
    mutating func roll(_ rate: Double, name: String) -> Bool {
        guard rate > 0 else { return false }
        let fires = Double.random(in: 0..<1, using: &faultRandom) < rate
        if fires { faultCounts[name, default: 0] += 1 }
        return fires
    }
}
