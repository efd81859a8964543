import SetlistCore

/// Rate figures from the calls of one run.
enum RateFigures {
    /// The most calls sent in any 60-second window (scaled time), counting refused ones too.
    static func maxPerMinute(_ calls: [RecordingProvider.Call]) -> Int {
        let times = calls.map(\.at).sorted()
        var best = 0
        var start = 0
        for end in times.indices {
            while times[end] - times[start] >= 60 { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }

    /// Accepted calls per full minute while the run still had work waiting (from the first call to the last
    /// submission), as a share of `limit`. The first minute is left out: a sliding window lets a whole minute's
    /// allowance through at once there.
    static func shareOfLimit(_ calls: [RecordingProvider.Call], limit: Int) -> (share: Double, minutes: Int) {
        guard let first = calls.map(\.at).min(),
            let lastSubmission = calls.filter({ $0.isSubmission && !$0.rateLimited }).map(\.at).max()
        else { return (0, 0) }
        let minutes = Int((lastSubmission - first) / 60) - 1
        guard minutes > 0 else { return (0, 0) }
        let windowStart = first + 60
        let windowEnd = windowStart + Double(minutes) * 60
        let accepted = calls.filter { !$0.rateLimited && $0.at >= windowStart && $0.at < windowEnd }.count
        return (Double(accepted) / Double(minutes * limit), minutes)
    }
}
