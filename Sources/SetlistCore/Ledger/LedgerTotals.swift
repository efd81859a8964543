extension RunOutcome {
    /// The process exit code DESIGN §5 assigns to this outcome.
    public var exitCode: Int32 {
        switch self {
        case .completed: 0
        case .jobsFailed, .downloadsPending: 1
        case .authenticationRejected: 3
        case .outOfCredits, .budgetReached: 4
        case .deadlineReached, .interrupted, .providerUnreachable: 75
        case .ledgerUnwritable, .internalError: 70
        }
    }
}

extension Ledger {
    /// Credits reserved by every accepted attempt of every run that did not fail (the provider refunds failed
    /// tasks), for the `max_credits` budget.
    public var totalCreditsReserved: Double {
        var total = 0.0
        for job in jobs.values {
            for attempt in job.attempts where attempt.taskID != nil && attempt.outcome != .failed {
                total += attempt.creditsReserved ?? 0
            }
        }
        return total
    }
}
