/// What one Suno music model accepts, keyed by its canonical `-beta` name (api-contract §A.1, §C-1). This table is
/// the server's own: it does not share code with the client's validation.
struct SunoModel: Sendable {
    /// The `-beta` name the simulator echoes in `model`.
    let name: String
    /// Longest `prompt` in custom mode (lyrics).
    let maxCustomPrompt: Int
    /// Longest `prompt` in simple mode (a description).
    let maxSimplePrompt: Int
    /// Longest `style`.
    let maxStyle: Int
    /// Whether `persona_id` is accepted (V5/V6 family, custom mode).
    let personaAllowed: Bool
    /// Whether `persona_model: voice_persona` is accepted.
    let voicePersonaAllowed: Bool
    /// Whether `duration` is accepted (V5.5/V6 family, custom mode).
    let durationAllowed: Bool
    /// Whether a completed task of this model may be the source of a persona (v4 or later).
    let personaSourceAllowed: Bool

    /// Longest `title` on every model.
    static let maxTitle = 80
    /// Longest `negative_tags` on every model.
    static let maxNegativeTags = 200
    /// Longest `callback_url`.
    static let maxCallbackURL = 2048
    /// The model name of persona creation.
    static let personaModelName = "suno-persona"

    private static func g2(_ name: String, prompt: Int, style: Int, persona: Bool) -> SunoModel {
        SunoModel(
            name: name, maxCustomPrompt: prompt, maxSimplePrompt: 500, maxStyle: style,
            personaAllowed: persona, voicePersonaAllowed: persona, durationAllowed: false, personaSourceAllowed: true
        )
    }

    private static func g3(_ name: String) -> SunoModel {
        SunoModel(
            name: name, maxCustomPrompt: 5000, maxSimplePrompt: 3000, maxStyle: 1000,
            personaAllowed: true, voicePersonaAllowed: true, durationAllowed: true, personaSourceAllowed: true
        )
    }

    /// Every accepted model, by canonical name.
    static let all: [SunoModel] = [
        g2("suno-v4-beta", prompt: 3000, style: 200, persona: false),
        g2("suno-v4.5-beta", prompt: 5000, style: 1000, persona: false),
        g2("suno-v4.5plus-beta", prompt: 5000, style: 1000, persona: false),
        g2("suno-v4.5all-beta", prompt: 5000, style: 1000, persona: false),
        g2("suno-v5-beta", prompt: 5000, style: 1000, persona: true),
        g3("suno-v5.5-beta"),
        g3("suno-v6-beta"),
        g3("suno-v6-mini-beta"),
        g3("suno-v6-wild-beta"),
    ]

    /// The model a requested name means: a `-beta` name, or the same name without `-beta` (legacy G1 names and
    /// the G3 short names map to their `-beta` versions).
    static func named(_ requested: String) -> SunoModel? {
        let canonical = requested.hasSuffix("-beta") ? requested : requested + "-beta"
        return all.first { $0.name == canonical }
    }
}
