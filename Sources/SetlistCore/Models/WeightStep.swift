/// The step a weight (`style_weight`, `weirdness_constraint`, `audio_weight`) is rounded to before it is sent.
/// Seeds 001/003 document "0.0 ~ 1.0, one decimal" for each, so setlist sends one decimal and warns about a value
/// with more, naming the value it sends.
public enum WeightStep: Sendable, Hashable {
    /// One decimal, the seeds' step: `0.75` is sent as `0.8`.
    case tenth
    /// Two decimals, the step setlist followed before (G3's `multipleOf 0.01`). Nothing is sent with it: it only
    /// rebuilds the requests, and so the fingerprints, that ledgers written then hold (see ``ResumePlan``).
    case hundredth

    /// `value` on this step, halves rounded away from zero. A value already on the step comes back unchanged, bit
    /// for bit, so a manifest that writes `0.7` sends and fingerprints the same `0.7` as before.
    public func rounded(_ value: Double) -> Double {
        let scale: Double = self == .tenth ? 10 : 100
        return (value * scale).rounded() / scale
    }

    /// Whether `value` has more decimals than this step keeps.
    public func isOffStep(_ value: Double) -> Bool {
        abs(rounded(value) - value) > 1e-9
    }
}
