/// What one provider music model accepts, per api-contract §A.1 and the per-model table of §C-1.
public struct ModelCapabilities: Sendable, Hashable {
    /// The canonical name sent to the provider (a `-beta` name).
    public let name: String
    /// Older names the provider maps to this model.
    public let aliases: [String]
    /// Longest `prompt` in simple mode (a description), in characters.
    public let maxSimplePrompt: Int
    /// Longest `prompt` in custom mode (the lyrics), in characters.
    public let maxCustomPrompt: Int
    /// Longest `style`, in characters.
    public let maxStyle: Int
    /// Whether `persona_id` may be sent (custom mode only).
    public let personaAllowed: Bool
    /// Whether `persona_model: voice_persona` may be sent.
    public let voicePersonaAllowed: Bool
    /// Whether `duration` may be sent (custom mode only).
    public let durationAllowed: Bool
    /// Whether the model ignores `duration` even though it accepts it.
    public let ignoresDuration: Bool

    /// Longest `title`, in characters, on every model.
    public static let maxTitle = 80
    /// Longest `negative_tags`, in characters, on every model.
    public static let maxNegativeTags = 200
    /// The allowed `duration` range in seconds.
    public static let durationRange = 10...360

    /// The model used when a manifest names none.
    public static let defaultModelName = "suno-v5-beta"

    /// Every model, in release order.
    public static let all: [ModelCapabilities] = [
        generation2("suno-v4-beta", alias: "suno-v4", maxCustomPrompt: 3000, maxStyle: 200),
        generation2("suno-v4.5-beta", alias: "suno-v4.5", maxCustomPrompt: 5000, maxStyle: 1000),
        generation2("suno-v4.5plus-beta", alias: "suno-v4.5plus", maxCustomPrompt: 5000, maxStyle: 1000),
        generation2("suno-v4.5all-beta", alias: "suno-v4.5all", maxCustomPrompt: 5000, maxStyle: 1000),
        generation2("suno-v5-beta", alias: "suno-v5", maxCustomPrompt: 5000, maxStyle: 1000, persona: true),
        generation3("suno-v5.5-beta", alias: "suno-v5.5"),
        generation3("suno-v6-beta", alias: "suno-v6"),
        generation3("suno-v6-mini-beta", alias: "suno-v6-mini", ignoresDuration: true),
        generation3("suno-v6-wild-beta", alias: "suno-v6-wild"),
    ]

    /// Every name a manifest may write: canonical names first, then aliases.
    public static let acceptedNames: [String] = all.map(\.name) + all.flatMap(\.aliases)

    private static let byName: [String: ModelCapabilities] = {
        var table: [String: ModelCapabilities] = [:]
        for model in all {
            table[model.name] = model
            for alias in model.aliases { table[alias] = model }
        }
        return table
    }()

    /// The model a canonical name or alias stands for, or nil when the provider does not know the name.
    public static func named(_ name: String) -> ModelCapabilities? { byName[name] }

    /// G1/G2 models: a simple-mode prompt of at most 500 characters; duration is not accepted.
    private static func generation2(
        _ name: String, alias: String, maxCustomPrompt: Int, maxStyle: Int, persona: Bool = false
    ) -> ModelCapabilities {
        ModelCapabilities(
            name: name, aliases: [alias], maxSimplePrompt: 500, maxCustomPrompt: maxCustomPrompt,
            maxStyle: maxStyle, personaAllowed: persona, voicePersonaAllowed: persona, durationAllowed: false,
            ignoresDuration: false
        )
    }

    /// G3-only models: V5.5 and V6, with the G3 limits, persona support and `duration`.
    private static func generation3(_ name: String, alias: String, ignoresDuration: Bool = false) -> ModelCapabilities {
        ModelCapabilities(
            name: name, aliases: [alias], maxSimplePrompt: 3000, maxCustomPrompt: 5000, maxStyle: 1000,
            personaAllowed: true, voicePersonaAllowed: true, durationAllowed: true, ignoresDuration: ignoresDuration
        )
    }
}
