import Synchronization

/// Passes each interruption of a run to its driver exactly once, whether it comes before the driver exists (it is
/// passed on when the driver is attached) or after. A second interruption is passed on again, which makes the driver
/// stop without waiting for answers; so one signal must never reach the driver twice.
final class InterruptRelay<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    private let state = Mutex<(driver: RunDriver<C>?, requested: Bool)>((nil, false))

    /// Interrupts the driver, or remembers to when it is attached.
    func interrupt() {
        let driver = state.withLock { state in
            state.requested = true
            return state.driver
        }
        driver?.interrupt()
    }

    /// Hands over the run's driver; an interruption that came first reaches it now.
    func attach(_ driver: RunDriver<C>) {
        let requested = state.withLock { state in
            state.driver = driver
            return state.requested
        }
        if requested { driver.interrupt() }
    }
}
