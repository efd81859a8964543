/// How the manifest's Evolink-style model names map to the Suno proxy's `mv` values (api-contract §B.1, §B.6,
/// §C-12). The proxy names Suno's internal model versions; V5.5 and V6 have no documented `mv`, so a manifest
/// that asks for them cannot run on the proxy.
public enum SunoProxyModels {
    /// The `mv` of a song without a persona, by canonical model name.
    public static let plain: [String: String] = [
        "suno-v5-beta": "chirp-crow",
        "suno-v4.5plus-beta": "chirp-bluejay",
        "suno-v4.5all-beta": "chirp-auk",
        "suno-v4.5-beta": "chirp-auk",
        "suno-v4-beta": "chirp-v4",
    ]

    /// The `mv` of a persona song (`task: artist_consistency`), by canonical model name. The docs name only
    /// `chirp-v3-5-tau` and `chirp-v4-tau` for persona songs, and one vendor adds `chirp-auk` (v4.5), the newest
    /// persona-capable version the proxy documents. So a persona song runs on `chirp-auk`: one that names
    /// `suno-v4.5-beta` says so, and a V5 one (the Evolink persona model) is sent there too, with a `validate`
    /// warning that it does not run on V5.
    public static let persona: [String: String] = [
        "suno-v4.5-beta": "chirp-auk",
        "suno-v5-beta": "chirp-auk",
    ]

    /// The longest song each `mv` makes, in seconds, where a source documents it (api-contract §B.1, the rixapi
    /// table). A part cannot be continued past its own end, so an extension's `continue_at` must stay below it.
    public static let maxSongSeconds: [String: Double] = [
        "chirp-crow": 480,
        "chirp-bluejay": 480,
        "chirp-auk": 240,
        "chirp-v4": 150,
        "chirp-v3-5": 120,
    ]

    /// The `mv` for a model name or alias, or nil when the proxy offers no such model.
    public static func mv(for model: String, persona usesPersona: Bool) -> String? {
        let canonical = ModelCapabilities.named(model)?.name ?? model
        return usesPersona ? persona[canonical] : plain[canonical]
    }

    /// The canonical names the proxy can serve without a persona, in release order.
    public static var servedModels: [String] {
        ModelCapabilities.all.map(\.name).filter { plain[$0] != nil }
    }
}
