extension ManifestResolver {
    /// The rules only the Suno proxy format adds (api-contract §B.1, §B.6): the model must have an `mv`, and a
    /// persona needs the clip it was made from (`artist_clip_id`), which only a persona of this manifest supplies.
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
        guard SunoProxyModels.mv(for: song.model, persona: usesPersona) == nil else { return }
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
    }
}
