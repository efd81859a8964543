extension ManifestResolver {
    /// The song keys the Suno proxy's music request has no field for (api-contract §B.1, §B.6): written, they are
    /// not sent, which `validate` says instead of dropping them silently.
    static let proxyUnsentSongKeys = ["style_weight", "weirdness", "audio_weight", "persona_model"]

    /// The rules only the Suno proxy format adds (api-contract §B.1, §B.6): the model must have an `mv`, and a
    /// persona needs the clip it was made from (`artist_clip_id`), which only a persona of this manifest supplies.
    /// What the format cannot carry is a warning: the song's own weights and `persona_model`, and the model a
    /// persona song really runs on when it is not the one the manifest names.
    mutating func checkProxyServes(_ song: Song, entry: RawSongFields, defaults: RawSongFields?, owner: String) {
        let modelLocation = entry.model?.location ?? defaults?.model?.location ?? entry.location
        if case .literal = song.persona {
            let location = entry.personaID?.location ?? defaults?.personaID?.location ?? entry.location
            error(
                at: location,
                "\(owner): a literal persona_id cannot be used with api: suno-proxy, which also needs "
                    + "the clip the persona was made from (artist_clip_id); derive the persona in this manifest under "
                    + "personas: and refer to it with persona:.")
            return
        }
        let usesPersona = song.persona != nil
        warnUnsentOnProxy(entry, owner: owner, weights: song.mode == .custom, personaModel: usesPersona)
        guard let mv = SunoProxyModels.mv(for: song.model, persona: usesPersona) else {
            if usesPersona {
                let allowed = SunoProxyModels.persona.keys.sorted().joined(separator: ", ")
                error(
                    at: modelLocation,
                    "\(owner): \(song.model) cannot sing with a persona on api: suno-proxy, whose "
                        + "persona songs need a persona-capable model version; use \(allowed).")
            } else {
                let served = SunoProxyModels.servedModels.joined(separator: ", ")
                error(
                    at: modelLocation,
                    "\(owner): \(song.model) has no model version on api: suno-proxy; use one of "
                        + "\(served).")
            }
            return
        }
        if usesPersona, let plain = SunoProxyModels.plain[song.model], plain != mv,
            let named = SunoProxyModels.persona.first(where: { $0.value == mv && SunoProxyModels.plain[$0.key] == mv })
        {
            warning(
                at: entry.persona?.location ?? entry.location,
                "\(owner): on api: suno-proxy this persona song is sent with mv \(mv) (\(named.key)), not \(plain) "
                    + "(\(song.model)), because the proxy documents no \(song.model) version for persona songs; "
                    + "write model: \(named.key) to say so, or sing it without the persona.")
        }
    }

    /// The proxy warnings for `defaults:`, once for the whole manifest: each of ``proxyUnsentSongKeys`` written there.
    mutating func checkProxyDefaults(_ defaults: RawSongFields) {
        warnUnsentOnProxy(defaults, owner: "defaults", weights: true, personaModel: true)
    }

    /// A persona's `vocal_window` and `style`, which the proxy's `POST /suno/persona/create` has no field for
    /// (api-contract §B.5): warnings, not silent drops.
    mutating func checkProxyPersona(_ entry: RawPersona, owner: String, style: String?) {
        if let window = entry.vocalWindow {
            warning(
                at: entry.keys["vocal_window"] ?? window.location,
                "\(owner): vocal_window is not sent on api: suno-proxy, whose persona request takes the whole "
                    + "clip; remove it, or use api: evolink to choose the vocals.")
        }
        if style != nil {
            warning(
                at: entry.keys["style"] ?? entry.location,
                "\(owner): style is not sent on api: suno-proxy, whose persona request has no style field; "
                    + "remove it.")
        }
    }

    /// Warns about each of ``proxyUnsentSongKeys`` that `fields` writes: the weights when `weights` (a simple-mode
    /// song's own weights already have their warning), `persona_model` when `personaModel` (without a persona it
    /// has its own warning).
    private mutating func warnUnsentOnProxy(_ fields: RawSongFields, owner: String, weights: Bool, personaModel: Bool) {
        for key in Self.proxyUnsentSongKeys {
            guard let location = fields.keys[key], key == "persona_model" ? personaModel : weights else { continue }
            let reason =
                key == "persona_model"
                ? "persona songs (task artist_consistency) have no such field"
                : "music request has no field for weights"
            warning(at: location, "\(owner): \(key) is not sent on api: suno-proxy, whose \(reason); remove it.")
        }
    }
}
