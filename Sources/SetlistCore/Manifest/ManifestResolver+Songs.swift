/// Song fields after the checks that need nothing but the value itself, for `defaults:` or one song entry.
struct CheckedSongFields {
    var model: Located<ModelCapabilities>?
    /// The model name as written, which may be an alias of `model`'s canonical name.
    var writtenModel: String?
    var title: Located<String>?
    var style: Located<String>?
    var prompt: Located<String>?
    /// The lyrics text, from `lyrics` or read from `lyrics_file`; the location is that of the key's value.
    var lyrics: Located<String>?
    var lyricsFile: Located<String>?
    var instrumental: Located<Bool>?
    var negativeTags: Located<String>?
    var vocalGender: Located<VocalGender>?
    var styleWeight: Located<Double>?
    var weirdness: Located<Double>?
    var audioWeight: Located<Double>?
    var duration: Located<Int>?
    var persona: Located<String>?
    var personaID: Located<String>?
    var personaModel: Located<PersonaModel>?
    var callbackURL: Located<String>?
    var keys: Set<String> = []

    /// The keys that give a song its words; a song that writes any of them takes none from `defaults`.
    static let wordKeys: Set<String> = ["lyrics", "lyrics_file", "lyrics_from"]

    /// These fields with `defaults` filling the gaps; `lyrics`, `lyrics_file` and `lyrics_from` count as one field.
    func merged(over defaults: CheckedSongFields) -> CheckedSongFields {
        var result = self
        result.model = model ?? defaults.model
        result.writtenModel = model == nil ? defaults.writtenModel : writtenModel
        result.title = title ?? defaults.title
        result.style = style ?? defaults.style
        result.prompt = prompt ?? defaults.prompt
        let ownWords = !keys.isDisjoint(with: Self.wordKeys)
        if !ownWords {
            result.lyrics = defaults.lyrics
            result.lyricsFile = defaults.lyricsFile
        }
        result.instrumental = instrumental ?? defaults.instrumental
        result.negativeTags = negativeTags ?? defaults.negativeTags
        result.vocalGender = vocalGender ?? defaults.vocalGender
        result.styleWeight = styleWeight ?? defaults.styleWeight
        result.weirdness = weirdness ?? defaults.weirdness
        result.audioWeight = audioWeight ?? defaults.audioWeight
        result.duration = duration ?? defaults.duration
        result.persona = persona ?? defaults.persona
        result.personaID = personaID ?? defaults.personaID
        result.personaModel = personaModel ?? defaults.personaModel
        result.callbackURL = callbackURL ?? defaults.callbackURL
        result.keys = keys.union(ownWords ? defaults.keys.subtracting(Self.wordKeys) : defaults.keys)
        return result
    }
}

extension ManifestResolver {
    /// Songs whose mode is custom when any of these keys is set.
    static let customModeKeys = ["title", "style", "lyrics", "lyrics_file", "lyrics_from"]

    mutating func resolveSongs(api: ProviderAPI? = nil) -> [Song] {
        let defaults = raw.defaults.map { checkFields($0, owner: "defaults") } ?? CheckedSongFields()
        if api == .sunoProxy, let written = raw.defaults { checkProxyDefaults(written) }
        var songs: [Song] = []
        songs.reserveCapacity(raw.songs.count)
        for (index, entry) in raw.songs.enumerated() {
            let owner = entry.id.map { "song '\($0.value)'" } ?? "song #\(index + 1)"
            let own = checkFields(entry, owner: owner)
            if let song = resolveSong(entry, own: own, defaults: defaults, owner: owner, track: index + 1, api: api) {
                if api == .sunoProxy { checkProxyServes(song, entry: entry, defaults: raw.defaults, owner: owner) }
                songs.append(song)
            }
        }
        return songs
    }

    /// The checks that need only the values of one entry: known model, lengths that do not depend on the
    /// model, ranges, URLs, lyrics files.
    private mutating func checkFields(_ raw: RawSongFields, owner: String) -> CheckedSongFields {
        var fields = CheckedSongFields()
        fields.keys = Set(raw.keys.keys)
        if let model = raw.model {
            if let capabilities = ModelCapabilities.named(model.value) {
                fields.model = Located(value: capabilities, location: model.location)
                fields.writtenModel = model.value
            } else {
                let names = ModelCapabilities.all.map(\.name).joined(separator: ", ")
                let ending =
                    Suggestion.closest(to: model.value, in: ModelCapabilities.acceptedNames)
                    .map { "; did you mean '\($0)'?" } ?? "; use one of \(names)."
                error(
                    at: model.location,
                    "\(owner): model '\(model.value)' is not a model the provider offers"
                        + ending)
            }
        }
        fields.title = nonBlank(raw.title, owner: owner, field: "title")
        if let title = fields.title, Self.length(title.value) > ModelCapabilities.maxTitle {
            error(
                at: title.location,
                "\(owner): title is \(Self.length(title.value)) characters; the provider "
                    + "allows \(ModelCapabilities.maxTitle). Shorten it.")
        }
        fields.style = nonBlank(raw.style, owner: owner, field: "style")
        fields.prompt = nonBlank(raw.prompt, owner: owner, field: "prompt")
        fields.lyrics = nonBlank(raw.lyrics, owner: owner, field: "lyrics")
        if let lyrics = raw.lyrics, let file = raw.lyricsFile {
            error(
                at: file.location,
                "\(owner): lyrics and lyrics_file cannot both be set (lyrics is on line "
                    + "\(lyrics.location.line)); keep one.")
        } else if let file = raw.lyricsFile {
            fields.lyricsFile = file
            fields.lyrics = readLyricsFile(file, owner: owner)
        }
        fields.instrumental = raw.instrumental
        fields.negativeTags = raw.negativeTags
        if let tags = raw.negativeTags, Self.length(tags.value) > ModelCapabilities.maxNegativeTags {
            error(
                at: tags.location,
                "\(owner): negative_tags is \(Self.length(tags.value)) characters; the "
                    + "provider allows \(ModelCapabilities.maxNegativeTags). Shorten it.")
        }
        fields.vocalGender = raw.vocalGender
        fields.styleWeight = weight(raw.styleWeight, owner: owner, field: "style_weight")
        fields.weirdness = weight(raw.weirdness, owner: owner, field: "weirdness")
        fields.audioWeight = weight(raw.audioWeight, owner: owner, field: "audio_weight")
        if let duration = raw.duration {
            if ModelCapabilities.durationRange.contains(duration.value) {
                fields.duration = duration
            } else {
                error(
                    at: duration.location,
                    "\(owner): duration is \(duration.value) seconds; the provider "
                        + "accepts 10 to 360.")
            }
        }
        fields.persona = nonBlank(raw.persona, owner: owner, field: "persona")
        fields.personaID = nonBlank(raw.personaID, owner: owner, field: "persona_id")
        if let persona = raw.persona, let personaID = raw.personaID {
            error(
                at: personaID.location,
                "\(owner): persona and persona_id cannot both be set (persona is on "
                    + "line \(persona.location.line)); use persona for a persona of this manifest, persona_id for "
                    + "one made elsewhere.")
        }
        fields.personaModel = raw.personaModel
        fields.callbackURL = raw.callbackURL.flatMap { checkCallbackURL($0, owner: owner) }
        return fields
    }

    private mutating func resolveSong(
        _ entry: RawSongFields, own: CheckedSongFields, defaults: CheckedSongFields, owner: String, track: Int,
        api: ProviderAPI?
    ) -> Song? {
        let id = entry.id
        let graphID = registeredID(id, kind: .song)
        if id == nil, entry.keys["id"] == nil {
            error(at: entry.location, "\(owner) has no id; add id: with a short name such as open-road.")
        }
        let fields = own.merged(over: defaults)
        let isCustom = Self.customModeKeys.contains { fields.keys.contains($0) }
        let model =
            fields.model?.value
            ?? (fields.keys.contains("model")
                ? nil
                : ModelCapabilities.named(
                    ModelCapabilities.defaultModelName))
        let prompt =
            isCustom
            ? checkCustomMode(fields, model: model, owner: owner, entry: entry)
            : checkSimpleMode(fields, own: own, model: model, owner: owner, entry: entry)
        let persona = checkPersonaUse(
            fields, own: own, isCustom: isCustom, model: api == .sunoProxy ? nil : model, owner: owner, id: graphID)
        checkDuration(fields, isCustom: isCustom, model: model, owner: owner)
        for reference in entry.after ?? [] {
            checkReference(reference, from: graphID, owner: owner, field: "after", kinds: Self.anyJob)
        }
        let artist = checkedCredit(entry.artist, owner: owner, field: "artist")
        let lyricsFrom = resolveLyricsFrom(entry, fields: fields, owner: owner, id: graphID)
        let extensions = resolveExtensions(entry, model: model, usesPersona: persona.reference != nil, owner: owner)
        guard let id, let model else { return nil }
        return Song(
            id: id.value, track: track, model: model.name,
            wireModel: fields.writtenModel.flatMap { $0 == model.name ? nil : $0 }, mode: isCustom ? .custom : .simple,
            title: fields.title?.value, style: fields.style?.value, prompt: prompt,
            instrumental: fields.instrumental?.value ?? false, negativeTags: fields.negativeTags?.value,
            vocalGender: fields.vocalGender?.value, styleWeight: fields.styleWeight?.value,
            weirdness: fields.weirdness?.value, audioWeight: fields.audioWeight?.value,
            duration: fields.duration?.value, persona: persona.reference, personaModel: persona.model,
            after: (entry.after ?? []).map(\.value), callbackURL: fields.callbackURL?.value,
            pick: entry.pick.flatMap { takeChoice($0, owner: owner, field: "pick") } ?? .defaultPick,
            artist: artist, lyricsFrom: lyricsFrom, extensions: extensions, wantsWAV: wantsWAV,
            location: entry.location
        )
    }

    /// Custom mode: title and style required, lyrics unless instrumental, per-model lengths. Returns the lyrics.
    private mutating func checkCustomMode(
        _ fields: CheckedSongFields, model: ModelCapabilities?, owner: String, entry: RawSongFields
    ) -> String? {
        let setBy = Self.customModeKeys.filter { fields.keys.contains($0) }
            .map { entry.keys[$0] == nil ? "\($0) (from defaults)" : $0 }.joined(separator: ", ")
        if let prompt = fields.prompt, !fields.keys.contains("lyrics_from") {
            if fields.keys.contains("lyrics") || fields.keys.contains("lyrics_file") {
                error(
                    at: prompt.location,
                    "\(owner): prompt and lyrics cannot be used together; in custom mode "
                        + "the lyrics are what is sent. Keep lyrics (custom mode) or prompt (simple mode).")
            } else {
                error(
                    at: prompt.location,
                    "\(owner): prompt is a simple-mode description, but the song is in "
                        + "custom mode because of \(setBy); put the words in lyrics, or remove \(setBy) for simple mode."
                )
            }
        }
        let titleComesFromLyrics = fields.keys.contains("lyrics_from")
        for key in ["title", "style"] where !fields.keys.contains(key) && !(key == "title" && titleComesFromLyrics) {
            error(at: entry.location, "\(owner): custom mode (set by \(setBy)) needs a \(key); add \(key):.")
        }
        let instrumental = fields.instrumental?.value ?? fields.keys.contains("instrumental")
        if !instrumental, fields.keys.isDisjoint(with: CheckedSongFields.wordKeys), fields.prompt == nil,
            !fields.keys.contains("prompt")
        {
            error(
                at: entry.location,
                "\(owner): custom mode (set by \(setBy)) needs lyrics or lyrics_file, "
                    + "or instrumental: true for a song without vocals.")
        }
        guard let model else { return fields.lyrics?.value }
        if let style = fields.style, Self.length(style.value) > model.maxStyle {
            error(
                at: style.location,
                "\(owner): style is \(Self.length(style.value)) characters; \(model.name) "
                    + "allows \(model.maxStyle). Shorten it.")
        }
        if let lyrics = fields.lyrics {
            checkLyricsLength(lyrics, file: fields.lyricsFile, model: model, owner: owner)
        }
        return fields.lyrics?.value
    }

    /// Simple mode: a prompt of the model's length; custom-only fields the song sets itself have no effect.
    private mutating func checkSimpleMode(
        _ fields: CheckedSongFields, own: CheckedSongFields, model: ModelCapabilities?, owner: String,
        entry: RawSongFields
    ) -> String? {
        guard let prompt = fields.prompt else {
            if !fields.keys.contains("prompt") {
                error(
                    at: entry.location,
                    "\(owner) has nothing to generate from; add a prompt (simple mode) or "
                        + "title, style and lyrics (custom mode).")
            }
            return nil
        }
        if let model, Self.length(prompt.value) > model.maxSimplePrompt {
            error(
                at: prompt.location,
                "\(owner): prompt is \(Self.length(prompt.value)) characters; "
                    + "\(model.name) allows \(model.maxSimplePrompt) in simple mode. Shorten it, or use custom mode.")
        }
        let ownCustomOnly = [
            ("negative_tags", own.negativeTags?.location), ("vocal_gender", own.vocalGender?.location),
            ("style_weight", own.styleWeight?.location), ("weirdness", own.weirdness?.location),
            ("audio_weight", own.audioWeight?.location),
        ]
        for (key, location) in ownCustomOnly where location != nil {
            warning(
                at: entry.keys[key],
                "\(owner): \(key) has no effect in simple mode (no title, style or "
                    + "lyrics); remove it, or write the song in custom mode.")
        }
        return prompt.value
    }

    /// Persona rules: custom mode, a V5/V6 model, voice_persona where allowed. Returns what to resolve to. `model`
    /// is nil on the Suno proxy, whose persona models ``checkProxyServes(_:entry:defaults:owner:)`` checks.
    private mutating func checkPersonaUse(
        _ fields: CheckedSongFields, own: CheckedSongFields, isCustom: Bool, model: ModelCapabilities?,
        owner: String, id: String?
    ) -> (reference: PersonaReference?, model: PersonaModel?) {
        let written = fields.persona ?? fields.personaID
        guard let written else {
            if let personaModel = own.personaModel {
                warning(
                    at: personaModel.location,
                    "\(owner): persona_model has no effect without persona or "
                        + "persona_id; remove it.")
            }
            return (nil, nil)
        }
        if let persona = fields.persona, fields.personaID == nil {
            checkReference(persona, from: id, owner: owner, field: "persona", kinds: [.persona])
        }
        if !isCustom {
            error(
                at: written.location,
                "\(owner): a persona works only in custom mode; give the song title, "
                    + "style and lyrics (or instrumental: true) instead of a prompt.")
        } else if let model, !model.personaAllowed {
            error(
                at: written.location,
                "\(owner): \(model.name) does not accept a persona; use "
                    + "\(ModelCapabilities.defaultModelName) or a V5.5/V6 model.")
        }
        let personaModel = fields.personaModel?.value ?? .stylePersona
        if let chosen = fields.personaModel, chosen.value == .voicePersona, let model, model.personaAllowed,
            !model.voicePersonaAllowed
        {
            error(
                at: chosen.location,
                "\(owner): \(model.name) does not accept voice_persona; use style_persona "
                    + "or a V5/V6 model.")
        }
        let reference: PersonaReference =
            fields.persona.map { .job($0.value) }
            ?? .literal(fields.personaID?.value ?? "")
        return (reference, personaModel)
    }

    private mutating func checkDuration(
        _ fields: CheckedSongFields, isCustom: Bool, model: ModelCapabilities?, owner: String
    ) {
        guard let duration = fields.duration, let model else { return }
        let allowing = ModelCapabilities.all.filter(\.durationAllowed).map(\.name).joined(separator: ", ")
        if !model.durationAllowed {
            error(
                at: duration.location,
                "\(owner): \(model.name) does not accept duration; only \(allowing) do. "
                    + "Remove duration or change the model.")
        } else if !isCustom {
            error(
                at: duration.location,
                "\(owner): duration works only in custom mode; give the song title, "
                    + "style and lyrics (or instrumental: true), or remove duration.")
        } else if model.ignoresDuration {
            warning(
                at: duration.location,
                "\(owner): \(model.name) ignores duration (its songs run about 3 "
                    + "minutes); remove it or pick another V6 model.")
        }
    }
}
