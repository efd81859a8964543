import SetlistCore

/// The gate every API request passes before its route answers: authentication, the rate limit, and the faults
/// that replace the answer, in that order; shared by both API formats.
extension SimulatorCore {
    /// Why the gate answered instead of the API, in neutral terms; each API format renders it.
    enum GateStop {
        case unauthorized
        case rateLimited(retryAfter: Int)
        case serverError(unavailable: Bool)
        case malformed
        case drop
    }

    /// The gate's verdict: go on for the key's owner (after a slow fault's delay, if one fired), or stop.
    enum Gate {
        case proceed(owner: String, slow: Duration?)
        case stop(GateStop)
    }

    /// Authentication, rate limit and the faults that replace the answer, in that order; shared by both formats.
    func gate(_ request: SimRequest, state: inout SimulatorState) -> Gate {
        guard let header = request.authorization, header.hasPrefix("Bearer "),
            case let key = String(header.dropFirst("Bearer ".count)), keys.contains(key)
        else { return .stop(.unauthorized) }
        let now = clock.seconds
        state.statsWindows[key, default: TimeWindow()].trim(olderThanOrAt: now - 60)
        state.statsWindows[key, default: TimeWindow()].append(now)
        let observed = state.statsWindows[key, default: TimeWindow()].count
        state.maxRequestsPerMinute[key] = max(state.maxRequestsPerMinute[key, default: 0], observed)
        if let limit = configuration.rateLimitPerMinute {
            var window = state.limiterWindows[key, default: TimeWindow()]
            window.trim(olderThanOrAt: now - 60)
            if window.count >= limit, let oldest = window.oldest {
                state.limiterWindows[key] = window
                return .stop(.rateLimited(retryAfter: max(1, Int((oldest + 60 - now).rounded(.up)))))
            }
            window.append(now)
            state.limiterWindows[key] = window
        }
        let faults = state.faults
        if state.roll(faults.drop, name: "drop") { return .stop(.drop) }
        if state.roll(faults.serverError, name: "5xx") {
            return .stop(.serverError(unavailable: Bool.random(using: &state.faultRandom)))
        }
        if state.roll(faults.malformed, name: "malformed") { return .stop(.malformed) }
        let slow = state.roll(faults.slow, name: "slow") ? faults.slowDelay : nil
        return .proceed(owner: key, slow: slow)
    }
}
