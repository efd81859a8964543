/// A job's request cannot be built from what the ledger holds: a chained value is missing, or a take it names
/// does not exist. The job fails alone; nothing is paid.
public struct RequestNotBuilt: Error, Sendable, Hashable, CustomStringConvertible {
    /// The job whose request was being built.
    public var job: String
    /// A sentence saying what is missing and what to do.
    public var message: String

    /// Creates the error.
    public init(job: String, message: String) {
        self.job = job
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}

/// Reads the values a job chains in from the jobs before it, as the ledger records them (DESIGN §8): a
/// persona's source task and the result id of the take it follows, a song's persona id and the clip it came
/// from. `run` builds every request from these values, and `plan` compares them with what each completed job
/// was sent, so that a job runs again exactly when what it would send changes.
public struct ChainResolver: Sendable {
    private let graph: JobGraph

    /// Creates a resolver for `graph`'s jobs.
    public init(graph: JobGraph) {
        self.graph = graph
    }

    /// The take persona `persona` is derived from: its own `take`, else its source song's `pick`.
    public func sourceChoice(of persona: Persona) -> TakeChoice? {
        guard case .song(let source, let take) = persona.source else { return nil }
        if let take { return take }
        guard let index = graph.index(of: source), case .song(let song) = graph.jobs[index] else { return nil }
        return song.pick
    }

    /// The take of its value source a job follows: a persona's source take, the take an extension continues, the
    /// take a join joins, the take a WAV job converts; nil for jobs that take no clip from another job.
    public func followedChoice(of job: Int) -> TakeChoice? {
        switch graph.jobs[job] {
        case .persona(let persona): sourceChoice(of: persona)
        case .extension(let part): part.continuedTake
        case .join(let join): join.joinedTake
        case .wav(let wav): wav.sourceTake
        case .song, .lyrics: nil
        }
    }

    /// The jobs whose values `job` chains in (``JobSpec/valueSources``). `after` edges carry none.
    public func valueSources(of job: Int) -> [Int] {
        graph.jobs[job].valueSources.compactMap(graph.index(of:))
    }

    /// The values job `index` chains in now, read from `ledger`.
    public func inputs(for index: Int, in ledger: Ledger) -> Result<ChainedInputs, RequestNotBuilt> {
        switch graph.jobs[index] {
        case .song(let song): songInputs(song, ledger: ledger)
        case .persona(let persona): personaInputs(persona, ledger: ledger)
        case .lyrics: .success(ChainedInputs())
        case .extension(let part): extensionInputs(part, ledger: ledger)
        case .join(let join):
            clipInputs(
                job: join.id, what: "Join '\(join.id)'", source: join.lastPart, choice: join.joinedTake,
                ledger: ledger
            ).map(\.inputs)
        case .wav(let wav):
            clipInputs(
                job: wav.id, what: "WAV '\(wav.id)'", source: wav.source, choice: wav.sourceTake, ledger: ledger
            ).map(\.inputs)
        }
    }

    /// Whether `recorded`, the inputs a completed job was sent with, still hold the values that came from other
    /// jobs in `now`. Values the manifest writes (a literal persona id, an external source) are compared through
    /// the fingerprint instead.
    public static func sameChainedValues(_ recorded: ChainedInputs?, _ now: ChainedInputs) -> Bool {
        let recorded = recorded ?? ChainedInputs()
        return recorded.personaID == now.personaID && recorded.sourceTaskID == now.sourceTaskID
            && recorded.sourceResultID == now.sourceResultID && recorded.lyrics == now.lyrics
            && recorded.lyricsTitle == now.lyricsTitle
    }

    private func songInputs(_ song: Song, ledger: Ledger) -> Result<ChainedInputs, RequestNotBuilt> {
        var inputs = ChainedInputs()
        if case .job(let personaJob) = song.persona {
            guard let record = ledger[job: personaJob], record.state == .completed, let personaID = record.personaID
            else {
                return .failure(
                    RequestNotBuilt(
                        job: song.id,
                        message: "Song '\(song.id)' cannot be sent: its persona '\(personaJob)' has no persona_id "
                            + "recorded. Run the persona first (setlist run --only \(personaJob)); the song waits for "
                            + "it."))
            }
            inputs.personaID = personaID
            inputs.personaModel = song.personaModel
            inputs.artistClipID = record.chainedInputs?.sourceResultID ?? externalResultID(of: personaJob)
        }
        if let lyricsJob = song.lyricsFrom {
            switch writtenLyrics(lyricsJob, for: song.id, what: "Song '\(song.id)'", ledger: ledger) {
            case .success(let lyrics):
                inputs.lyrics = lyrics.text
                inputs.lyricsTitle = song.title == nil ? lyrics.title : nil
            case .failure(let problem):
                return .failure(problem)
            }
        }
        return .success(inputs)
    }

    /// The text and title lyrics job `job` wrote, from its newest generation.
    private func writtenLyrics(
        _ job: String, for owner: String, what: String, ledger: Ledger
    ) -> Result<(text: String, title: String?), RequestNotBuilt> {
        guard case .success(let found) = ledger[job: job]?.take(.defaultPick), let text = found.result.text,
            !text.isEmpty
        else {
            return .failure(
                RequestNotBuilt(
                    job: owner,
                    message: "\(what) cannot be sent: its lyrics job '\(job)' has no lyrics recorded yet. Run it "
                        + "first (setlist run --only \(job)); the song waits for it."))
        }
        return .success((text, found.result.title))
    }

    private func extensionInputs(_ part: ExtensionJob, ledger: Ledger) -> Result<ChainedInputs, RequestNotBuilt> {
        let what = "Extension '\(part.id)'"
        switch clipInputs(job: part.id, what: what, source: part.continues, choice: part.continuedTake, ledger: ledger)
        {
        case .failure(let problem):
            return .failure(problem)
        case .success((var inputs, let found)):
            if let duration = found.result.duration, part.continueAt >= duration {
                return .failure(
                    RequestNotBuilt(
                        job: part.id,
                        message: "\(what) would continue \(found.reference) of '\(part.continues)' at "
                            + "\(Self.seconds(part.continueAt)) s into it, but that take lasts only "
                            + "\(Self.seconds(duration)) s. Set at: of extension \(part.number) of '\(part.song.id)' to "
                            + "a time inside the part it continues, or pick another take."))
            }
            if let lyricsJob = part.song.lyricsFrom, part.song.title == nil,
                case .success(let lyrics) = writtenLyrics(lyricsJob, for: part.id, what: what, ledger: ledger)
            {
                inputs.lyricsTitle = lyrics.title
            }
            return .success(inputs)
        }
    }

    /// The task and clip of the take `choice` names in job `source`, for a job that continues, joins or converts
    /// it, with the take itself.
    private func clipInputs(
        job: String, what: String, source: String, choice: TakeChoice, ledger: Ledger
    ) -> Result<(inputs: ChainedInputs, take: FoundTake), RequestNotBuilt> {
        guard let record = ledger[job: source] else {
            return .failure(
                RequestNotBuilt(
                    job: job,
                    message: "\(what) cannot be sent: '\(source)' has not been generated yet. Run it first; this "
                        + "job waits for it."))
        }
        switch record.take(choice) {
        case .success(let found):
            guard let taskID = found.attempt.taskID, let clipID = found.result.resultID else {
                return .failure(
                    RequestNotBuilt(
                        job: job,
                        message: "\(what) cannot be sent: the provider's answer for \(found.reference) of "
                            + "'\(source)' gave no task or clip id, and this job needs both. Pick another take, or "
                            + "re-roll it with setlist run --force \(source)."))
            }
            return .success((ChainedInputs(sourceTaskID: taskID, sourceResultID: clipID), found))
        case .failure(.noGeneration):
            return .failure(
                RequestNotBuilt(
                    job: job,
                    message: "\(what) cannot be sent: '\(source)' has no completed generation yet. Run it first; "
                        + "this job waits for it."))
        case .failure(.noSuchGeneration(let asked, let generations)):
            return .failure(
                RequestNotBuilt(
                    job: job,
                    message: "\(what) follows \(choice) of '\(source)', but it has \(generations) "
                        + "generation\(generations == 1 ? "" : "s"), not \(asked). Name a generation that exists, or "
                        + "re-roll it with setlist run --force \(source)."))
        case .failure(.noSuchTake(let reference, let takes)):
            return .failure(
                RequestNotBuilt(
                    job: job,
                    message: "\(what) follows \(reference) of '\(source)', but the provider answered that "
                        + "generation with \(takes) take\(takes == 1 ? "" : "s"). Pick a take that exists, or "
                        + "re-roll it with setlist run --force \(source)."))
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private func personaInputs(_ persona: Persona, ledger: Ledger) -> Result<ChainedInputs, RequestNotBuilt> {
        switch persona.source {
        case .external(let taskID, let resultID):
            return .success(ChainedInputs(sourceTaskID: taskID, sourceResultID: resultID))
        case .song(let source, _):
            let choice = sourceChoice(of: persona) ?? .defaultPick
            guard let record = ledger[job: source] else {
                return .failure(notBuilt(persona, "its source song '\(source)' has not been generated yet"))
            }
            switch record.take(choice) {
            case .success(let found):
                guard let taskID = found.attempt.taskID else {
                    return .failure(notBuilt(persona, "'\(source)' has no task id recorded for \(found.reference)"))
                }
                guard let resultID = found.result.resultID else {
                    return .failure(
                        RequestNotBuilt(
                            job: persona.id,
                            message: "Persona '\(persona.id)' cannot be derived from \(found.reference) of "
                                + "'\(source)': the provider's answer gave that take's audio but no result id, and a "
                                + "persona needs one. Choose another take with take:, or re-roll the song with "
                                + "--force \(source)."))
                }
                return .success(ChainedInputs(sourceTaskID: taskID, sourceResultID: resultID))
            case .failure(let problem):
                return .failure(missingTake(persona, source: source, choice: choice, problem: problem))
            }
        }
    }

    private func externalResultID(of personaJob: String) -> String? {
        guard let index = graph.index(of: personaJob), case .persona(let persona) = graph.jobs[index],
            case .external(_, let resultID) = persona.source
        else { return nil }
        return resultID
    }

    private func notBuilt(_ persona: Persona, _ reason: String) -> RequestNotBuilt {
        RequestNotBuilt(
            job: persona.id,
            message: "Persona '\(persona.id)' cannot be derived: \(reason). Run the song first; the persona waits "
                + "for it.")
    }

    private func missingTake(
        _ persona: Persona, source: String, choice: TakeChoice, problem: TakeProblem
    ) -> RequestNotBuilt {
        let message: String
        switch problem {
        case .noGeneration:
            message =
                "Persona '\(persona.id)' cannot be derived: its source song '\(source)' has no completed "
                + "generation yet. Run the song first; the persona waits for it."
        case .noSuchGeneration(let asked, let generations):
            message =
                "Persona '\(persona.id)' names \(choice) of '\(source)', but the song has \(generations) "
                + "generation\(generations == 1 ? "" : "s") so far, not \(asked). Name a generation that exists, or "
                + "re-roll the song (setlist run --force \(source)) until it does."
        case .noSuchTake(let reference, 0):
            message =
                "Persona '\(persona.id)' follows \(reference) of '\(source)', but the ledger holds no takes of "
                + "that generation (ledgers written before format 2 kept only the newest generation's takes). Name "
                + "a take of a later generation, or re-roll the song with --force \(source)."
        case .noSuchTake(let reference, let takes):
            message =
                "Persona '\(persona.id)' follows \(reference) of '\(source)', but the provider answered "
                + "that generation with \(takes) take\(takes == 1 ? "" : "s"). Set take: to one that exists "
                + "(1\(takes > 1 ? " to \(takes)" : "")), or re-roll the song with --force \(source)."
        }
        return RequestNotBuilt(job: persona.id, message: message)
    }
}
