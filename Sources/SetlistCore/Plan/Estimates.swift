/// Credits each job is expected to cost. These are estimates from Evolink's public prices
/// (https://evolink.ai/suno): 8 credits per music request on every `-beta` model and 1 per persona. Billing is
/// per request, whatever the song's length. Models the table does not list cost ``musicDefault``. The Suno-proxy
/// jobs have vendor-set prices (api-contract-proxy-extras §2): an extension is a music request, a join is priced
/// as a song (the dearest figure vendors publish), lyrics as a persona, and a WAV conversion at nothing, as no
/// vendor lists a price for it.
public struct CreditPrices: Sendable, Hashable {
    /// Credits per music request, by canonical model name.
    public var perModel: [String: Double]
    /// Credits per music request on a model missing from ``perModel``.
    public var musicDefault: Double
    /// Credits per persona derivation.
    public var persona: Double
    /// Credits per lyrics request.
    public var lyrics: Double
    /// Credits per join (concat) request.
    public var join: Double
    /// Credits per WAV conversion.
    public var wav: Double

    /// Creates a price table.
    public init(
        perModel: [String: Double], musicDefault: Double, persona: Double, lyrics: Double = 1, join: Double = 8,
        wav: Double = 0
    ) {
        self.perModel = perModel
        self.musicDefault = musicDefault
        self.persona = persona
        self.lyrics = lyrics
        self.join = join
        self.wav = wav
    }

    /// The public price list: every documented `-beta` music model at 8 credits, personas and lyrics at 1, a join
    /// at 8 and a WAV conversion at 0.
    public static let publicEstimate = CreditPrices(
        perModel: Dictionary(
            uniqueKeysWithValues: [
                "suno-v4-beta", "suno-v4.5-beta", "suno-v4.5plus-beta", "suno-v4.5all-beta", "suno-v5-beta",
                "suno-v5.5-beta", "suno-v6-beta", "suno-v6-mini-beta", "suno-v6-wild-beta",
            ].map { ($0, 8.0) }),
        musicDefault: 8,
        persona: 1
    )

    /// The expected credits of `job`.
    public func credits(for job: JobSpec) -> Double {
        switch job {
        case .song(let song): perModel[song.model] ?? musicDefault
        case .extension(let part): perModel[part.song.model] ?? musicDefault
        case .persona: persona
        case .lyrics: lyrics
        case .join: join
        case .wav: wav
        }
    }
}

/// A lower bound on how long a run takes (DESIGN §7): no schedule beats the longest chain, the submit rate
/// or the concurrency cap. The benchmarks compare real makespans with ``seconds``.
public struct MakespanBound: Sendable, Hashable {
    /// The longest chain of expected task times.
    public var criticalPathSeconds: Double
    /// Submissions divided by the submit rate.
    public var submissionSeconds: Double
    /// Total expected task time divided by the concurrency cap.
    public var concurrencySeconds: Double

    /// Creates a bound from its three parts.
    public init(criticalPathSeconds: Double, submissionSeconds: Double, concurrencySeconds: Double) {
        self.criticalPathSeconds = criticalPathSeconds
        self.submissionSeconds = submissionSeconds
        self.concurrencySeconds = concurrencySeconds
    }

    /// Computes the bound. `submitsPerMinute` and `concurrency` must be positive (validation ensures it).
    public init(
        criticalPathSeconds: Double, submissions: Int, submitsPerMinute: Int, totalTaskSeconds: Double,
        concurrency: Int
    ) {
        precondition(submitsPerMinute > 0 && concurrency > 0, "rates and caps are positive")
        self.init(
            criticalPathSeconds: criticalPathSeconds,
            submissionSeconds: Double(submissions) * 60 / Double(submitsPerMinute),
            concurrencySeconds: totalTaskSeconds / Double(concurrency)
        )
    }

    /// The bound: the largest of the three parts.
    public var seconds: Double { max(criticalPathSeconds, submissionSeconds, concurrencySeconds) }
}
