extension ChainedInputs {
    /// Readable stand-ins for the values a job will chain in, as a plan shows them before anything ran:
    /// `${road-voice.persona_id}`, `${road-voice.artist_clip_id}`, `${open-road.task_id}`,
    /// `${open-road.pick.result_id}` (or `results[2]`, `generations[1].results[2]` for a persona's own `take`).
    public static func placeholders(for job: JobSpec) -> ChainedInputs {
        switch job {
        case .song(let song):
            var inputs = ChainedInputs()
            if case .job(let persona) = song.persona {
                inputs.personaID = "${\(persona).persona_id}"
                inputs.artistClipID = "${\(persona).artist_clip_id}"
            }
            if let lyrics = song.lyricsFrom {
                inputs.lyrics = "${\(lyrics).text}"
                if song.title == nil { inputs.lyricsTitle = "${\(lyrics).title}" }
            }
            return inputs
        case .persona(let persona):
            guard case .song(let source, let take) = persona.source else { return ChainedInputs() }
            return ChainedInputs(
                sourceTaskID: "${\(source).task_id}",
                sourceResultID: take.map { resultPlaceholder(source, $0) }
                    ?? "${\(source).pick.result_id}")
        case .lyrics:
            return ChainedInputs()
        case .extension(let part):
            var inputs = clipPlaceholders(part.continues, part.continuedTake)
            if let lyrics = part.song.lyricsFrom, part.song.title == nil {
                inputs.lyricsTitle = "${\(lyrics).title}"
            }
            return inputs
        case .join(let join):
            return clipPlaceholders(join.lastPart, join.joinedTake)
        case .wav(let wav):
            return clipPlaceholders(wav.source, wav.sourceTake)
        }
    }

    private static func clipPlaceholders(_ source: String, _ take: TakeChoice) -> ChainedInputs {
        ChainedInputs(sourceTaskID: "${\(source).task_id}", sourceResultID: resultPlaceholder(source, take))
    }

    private static func resultPlaceholder(_ source: String, _ take: TakeChoice) -> String {
        switch take {
        case .newest(let number): "${\(source).results[\(number)].result_id}"
        case .pinned(let reference):
            "${\(source).generations[\(reference.generation)].results[\(reference.take)].result_id}"
        }
    }
}

/// A request cannot be built because a value it chains in is missing.
public struct MissingChainedInput: Error, Sendable, Hashable, CustomStringConvertible {
    /// The job whose request was being built.
    public var job: String
    /// The wire name of the missing value (`persona_id`, `source_task_id`, ...).
    public var input: String

    /// Creates the error.
    public init(job: String, input: String) {
        self.job = job
        self.input = input
    }

    /// A full sentence for logs.
    public var description: String { "job '\(job)' cannot be sent yet: its \(input) is not known" }
}

/// Turns manifest entries into the provider-neutral requests they send. The planner (with placeholders),
/// the fingerprints (with upstream fingerprints) and the engine (with real values) all go through it, so the
/// three can never disagree about what a job sends.
public struct RequestBuilder: Sendable {
    /// The step a song's weights are rounded to: ``WeightStep/tenth``, what is sent, unless a fingerprint recorded
    /// by an earlier setlist is being rebuilt.
    public var weightStep: WeightStep

    /// Creates a builder.
    public init(weightStep: WeightStep = .tenth) {
        self.weightStep = weightStep
    }

    /// The request `song` sends. A persona job's id and clip come from `chained`; a literal `persona_id`
    /// comes from the song, with ``ChainedInputs/artistClipID`` passed through when given. The model is the
    /// canonical one, with the name as written beside it (``SongRequest/wireModel``); the weights are rounded to
    /// ``weightStep``.
    public func songRequest(for song: Song, chained: ChainedInputs) throws(MissingChainedInput) -> SongRequest {
        var personaID: String?
        var artistClipID = chained.artistClipID
        switch song.persona {
        case .job:
            guard let chainedID = chained.personaID else {
                throw MissingChainedInput(job: song.id, input: "persona_id")
            }
            guard chained.artistClipID != nil else { throw MissingChainedInput(job: song.id, input: "artist_clip_id") }
            personaID = chainedID
        case .literal(let literal):
            personaID = literal
        case nil:
            artistClipID = nil
        }
        var prompt = song.prompt
        var title = song.title
        if song.lyricsFrom != nil {
            guard let lyrics = chained.lyrics else { throw MissingChainedInput(job: song.id, input: "lyrics") }
            prompt = lyrics
            title = title ?? chained.lyricsTitle
        }
        return SongRequest(
            model: song.model, customMode: song.mode == .custom, instrumental: song.instrumental,
            prompt: prompt, style: song.style, title: title, negativeTags: song.negativeTags,
            vocalGender: song.vocalGender, styleWeight: song.styleWeight.map(weightStep.rounded),
            weirdnessConstraint: song.weirdness.map(weightStep.rounded),
            audioWeight: song.audioWeight.map(weightStep.rounded), personaID: personaID,
            personaModel: song.persona == nil ? nil : song.personaModel, artistClipID: artistClipID,
            duration: song.duration, callbackURL: song.callbackURL, wireModel: song.wireModel
        )
    }

    /// The request `job` sends, whatever its kind.
    public func request(for job: JobSpec, chained: ChainedInputs) throws(MissingChainedInput) -> ProviderRequest {
        switch job {
        case .song(let song): .song(try songRequest(for: song, chained: chained))
        case .persona(let persona): .persona(try personaRequest(for: persona, chained: chained))
        case .lyrics(let lyrics): .lyrics(LyricsRequest(prompt: lyrics.prompt))
        case .extension(let part): .extension(try extensionRequest(for: part, chained: chained))
        case .join(let join): .join(JoinRequest(clipID: try clip(of: join.id, chained)))
        case .wav(let wav): .wav(WAVRequest(clipID: try clip(of: wav.id, chained)))
        }
    }

    /// The request extension `part` sends: the song's model, title and style, the part's own lyrics, and the task
    /// and clip of the take it continues from `chained`.
    public func extensionRequest(
        for part: ExtensionJob, chained: ChainedInputs
    ) throws(MissingChainedInput) -> ExtensionRequest {
        guard let taskID = chained.sourceTaskID else { throw MissingChainedInput(job: part.id, input: "task_id") }
        let song = part.song
        return ExtensionRequest(
            model: song.model, personaVersion: song.persona != nil, taskID: taskID,
            clipID: try clip(of: part.id, chained), continueAt: part.continueAt,
            prompt: part.part.lyrics ?? "", title: song.title ?? chained.lyricsTitle, style: song.style,
            negativeTags: song.negativeTags, instrumental: song.instrumental)
    }

    private func clip(of job: String, _ chained: ChainedInputs) throws(MissingChainedInput) -> String {
        guard let clip = chained.sourceResultID else { throw MissingChainedInput(job: job, input: "clip_id") }
        return clip
    }

    /// The request `persona` sends. For a source song of this manifest, the task id and result id come from
    /// `chained`; for an external source they come from the manifest.
    public func personaRequest(
        for persona: Persona, chained: ChainedInputs
    ) throws(MissingChainedInput) -> PersonaRequest {
        let sourceTaskID: String
        let resultID: String
        switch persona.source {
        case .song:
            guard let task = chained.sourceTaskID else {
                throw MissingChainedInput(job: persona.id, input: "source_task_id")
            }
            guard let result = chained.sourceResultID else {
                throw MissingChainedInput(job: persona.id, input: "result_id")
            }
            sourceTaskID = task
            resultID = result
        case .external(let task, let result):
            sourceTaskID = task
            resultID = result
        }
        return PersonaRequest(
            sourceTaskID: sourceTaskID, resultID: resultID, name: persona.name, description: persona.description,
            vocalStart: persona.vocalWindow?.start, vocalEnd: persona.vocalWindow?.end, style: persona.style
        )
    }
}
