/// The rules of issue 16's whole songs: lyrics jobs, `lyrics_from`, `extend` and `wav`. All four use endpoints
/// only the Suno-proxy format has (api-contract §B.2, api-contract-proxy-extras §1–§4), so each is an error on
/// `api: evolink`.
extension ManifestResolver {
    /// The longest lyrics-job prompt: no source documents a limit for `/suno/submit/lyrics`, so setlist holds it to
    /// 3000 characters, the shortest custom-mode prompt limit of any model the proxy serves.
    static let maxLyricsPrompt = 3000

    /// The API the manifest writes (the default when it writes none), whether or not the rest of `provider:` is
    /// valid.
    var writtenAPI: ProviderAPI { raw.provider.api?.value ?? .evolink }

    /// Whether `output.download` lists `wav`: every song then gets a WAV job.
    var wantsWAV: Bool { raw.output.download?.contains { $0.value == .wav } ?? false }

    mutating func resolveLyricsJobs() -> [LyricsJob] {
        if writtenAPI == .evolink, !raw.lyrics.isEmpty {
            error(
                at: raw.keys["lyrics"],
                "lyrics jobs need api: suno-proxy; the Evolink API has no lyrics endpoint. Write each song's words "
                    + "with lyrics: or lyrics_file:, or switch the provider to a Suno-proxy vendor.")
        }
        var jobs: [LyricsJob] = []
        for (index, entry) in raw.lyrics.enumerated() {
            let owner = entry.id.map { "lyrics job '\($0.value)'" } ?? "lyrics job #\(index + 1)"
            if entry.id == nil, entry.keys["id"] == nil {
                error(at: entry.location, "\(owner) has no id; add id: with a short name such as harbor-words.")
            }
            let graphID = registeredID(entry.id, kind: .lyrics)
            let prompt = lyricsPrompt(entry, owner: owner)
            for reference in entry.after ?? [] {
                checkReference(reference, from: graphID, owner: owner, field: "after", kinds: Self.anyJob)
            }
            guard let id = entry.id, let prompt else { continue }
            jobs.append(
                LyricsJob(
                    id: id.value, prompt: prompt, after: (entry.after ?? []).map(\.value), location: entry.location))
        }
        return jobs
    }

    private mutating func lyricsPrompt(_ entry: RawLyricsJob, owner: String) -> String? {
        guard let prompt = entry.prompt else {
            if entry.keys["prompt"] == nil {
                error(
                    at: entry.location,
                    "\(owner) has no prompt; add prompt: with what the lyrics should be about.")
            }
            return nil
        }
        guard !Self.isBlank(prompt.value) else {
            error(
                at: prompt.location,
                "\(owner): prompt is empty; the provider refuses an empty one, so describe what the lyrics should "
                    + "be about.")
            return nil
        }
        guard Self.length(prompt.value) <= Self.maxLyricsPrompt else {
            error(
                at: prompt.location,
                "\(owner): prompt is \(Self.length(prompt.value)) characters; setlist sends at most "
                    + "\(Self.maxLyricsPrompt), the shortest lyrics limit of any proxy model. Shorten it.")
            return nil
        }
        return prompt.value
    }

    /// A song's `lyrics_from`: the proxy only, a lyrics job of this manifest, and the song's only words. Records
    /// the dependency edge for cycle reports.
    mutating func resolveLyricsFrom(
        _ entry: RawSongFields, fields: CheckedSongFields, owner: String, id: String?
    ) -> String? {
        guard let reference = entry.lyricsFrom else { return nil }
        if writtenAPI == .evolink {
            error(
                at: entry.keys["lyrics_from"],
                "\(owner): lyrics_from needs api: suno-proxy; the Evolink API has no lyrics endpoint. Write the "
                    + "words with lyrics: or lyrics_file:, or switch the provider to a Suno-proxy vendor.")
        }
        checkReference(reference, from: id, owner: owner, field: "lyrics_from", kinds: [.lyrics])
        let defaultsKeys = raw.defaults?.keys ?? [:]
        let conflicts = [
            ("lyrics", entry.keys["lyrics"], false), ("lyrics_file", entry.keys["lyrics_file"], false),
            ("prompt", entry.keys["prompt"] ?? defaultsKeys["prompt"], entry.keys["prompt"] == nil),
        ]
        for case (let key, let location?, let inDefaults) in conflicts {
            error(
                at: reference.location,
                "\(owner): lyrics_from and \(key) cannot both be set (\(key) is on line \(location.line)"
                    + (inDefaults ? ", in defaults" : "") + "); the song sings the lyrics job's text, so remove "
                    + "\(key).")
        }
        if fields.instrumental?.value == true {
            warning(
                at: reference.location,
                "\(owner): instrumental: true sings no words, so the text of lyrics job '\(reference.value)' would "
                    + "not be sung; remove lyrics_from or instrumental.")
        }
        return reference.value
    }

    /// A song's `extend:` list: the proxy only; each `at` above 0, later than the one before, and continuing its
    /// part before the longest song the model makes; each part's lyrics as a song's; each `pick` as a song's.
    mutating func resolveExtensions(
        _ entry: RawSongFields, model: ModelCapabilities?, usesPersona: Bool, owner: String
    ) -> [SongExtension] {
        guard let written = entry.extend else { return [] }
        if writtenAPI == .evolink {
            error(
                at: entry.keys["extend"],
                "\(owner): extend needs api: suno-proxy; the Evolink API has no extend or concat endpoint. Remove "
                    + "extend, or switch the provider to a Suno-proxy vendor.")
        }
        let mv = model.flatMap { SunoProxyModels.mv(for: $0.name, persona: usesPersona) }
        var parts: [SongExtension] = []
        var previous: (at: Double, number: Int)?
        for part in written.value {
            let partOwner = "\(owner), extension \(part.number)"
            let at = checkedAt(part, owner: partOwner, previous: previous)
            if let at {
                if let model, let mv, writtenAPI == .sunoProxy {
                    checkPartLength(at: at, previous: previous, model: model, mv: mv, owner: partOwner)
                }
                previous = (at.value, part.number)
            }
            let lyrics = extensionLyrics(part, model: model, owner: partOwner)
            let pick = part.pick.flatMap { takeChoice($0, owner: partOwner, field: "pick") }
            guard let at else { continue }
            parts.append(
                SongExtension(at: at.value, lyrics: lyrics, pick: pick ?? .defaultPick, location: part.location))
        }
        return parts
    }

    private mutating func checkedAt(
        _ part: RawExtension, owner: String, previous: (at: Double, number: Int)?
    ) -> Located<Double>? {
        guard let at = part.at else {
            if part.keys["at"] == nil {
                error(
                    at: part.location,
                    "\(owner) has no at; add at: with the second of the whole song where this part starts, such "
                        + "as at: 120.")
            }
            return nil
        }
        guard at.value > 0 else {
            error(
                at: at.location,
                "\(owner): at is \(Self.number(at.value)) seconds; a part starts after the song's beginning, so "
                    + "at must be above 0.")
            return nil
        }
        if let previous, at.value <= previous.at {
            error(
                at: at.location,
                "\(owner): at \(Self.number(at.value)) is not later than extension \(previous.number)'s at "
                    + "(\(Self.number(previous.at))); each part starts later in the song than the one before, so "
                    + "the values must increase.")
            return nil
        }
        return at
    }

    /// A part is continued `continue_at` seconds in; that must be before the end of the longest song `mv` makes.
    private mutating func checkPartLength(
        at: Located<Double>, previous: (at: Double, number: Int)?, model: ModelCapabilities, mv: String,
        owner: String
    ) {
        guard let longest = SunoProxyModels.maxSongSeconds[mv] else { return }
        let continueAt = at.value - (previous?.at ?? 0)
        guard continueAt >= longest else { return }
        let continued =
            previous.map { "extension \($0.number)'s part \(Self.number(continueAt)) seconds after its at" }
            ?? "the song \(Self.number(continueAt)) seconds in"
        error(
            at: at.location,
            "\(owner): at \(Self.number(at.value)) continues \(continued), but \(model.name) (\(mv) on "
                + "api: suno-proxy) makes songs of at most \(Self.number(longest)) seconds, and a part cannot be "
                + "continued past its end; use an earlier at, or add an extension in between.")
    }

    /// One part's lyrics: as a song's `lyrics` or `lyrics_file` (not both, inside the manifest's folder), within
    /// the model's custom-mode limit. None makes an instrumental part.
    private mutating func extensionLyrics(_ part: RawExtension, model: ModelCapabilities?, owner: String) -> String? {
        var lyrics = nonBlank(part.lyrics, owner: owner, field: "lyrics")
        var file: Located<String>?
        if let written = part.lyrics, let path = part.lyricsFile {
            error(
                at: path.location,
                "\(owner): lyrics and lyrics_file cannot both be set (lyrics is on line \(written.location.line)); "
                    + "keep one.")
        } else if let path = part.lyricsFile {
            file = path
            lyrics = readLyricsFile(path, owner: owner)
        }
        if let lyrics, let model {
            checkLyricsLength(lyrics, file: file, model: model, owner: owner)
        }
        return lyrics?.value
    }

    /// `wav` in `output.download` needs the proxy.
    mutating func checkWAVProvider() {
        guard writtenAPI == .evolink, let wav = raw.output.download?.first(where: { $0.value == .wav }) else { return }
        error(
            at: wav.location,
            "output: download lists wav, which needs api: suno-proxy; the Evolink API has no WAV endpoint. Remove "
                + "wav, or switch the provider to a Suno-proxy vendor.")
    }
}
