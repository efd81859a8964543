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

    /// The jobs whose values `job` chains in: its persona job, or its source song. `after` edges carry none.
    public func valueSources(of job: Int) -> [Int] {
        switch graph.jobs[job] {
        case .song(let song):
            guard case .job(let persona) = song.persona else { return [] }
            return graph.index(of: persona).map { [$0] } ?? []
        case .persona(let persona):
            guard case .song(let source, _) = persona.source else { return [] }
            return graph.index(of: source).map { [$0] } ?? []
        }
    }

    /// The values job `index` chains in now, read from `ledger`.
    public func inputs(for index: Int, in ledger: Ledger) -> Result<ChainedInputs, RequestNotBuilt> {
        switch graph.jobs[index] {
        case .song(let song): songInputs(song, ledger: ledger)
        case .persona(let persona): personaInputs(persona, ledger: ledger)
        }
    }

    /// Whether `recorded`, the inputs a completed job was sent with, still hold the values that came from other
    /// jobs in `now`. Values the manifest writes (a literal persona id, an external source) are compared through
    /// the fingerprint instead.
    public static func sameChainedValues(_ recorded: ChainedInputs?, _ now: ChainedInputs) -> Bool {
        let recorded = recorded ?? ChainedInputs()
        return recorded.personaID == now.personaID && recorded.sourceTaskID == now.sourceTaskID
            && recorded.sourceResultID == now.sourceResultID
    }

    private func songInputs(_ song: Song, ledger: Ledger) -> Result<ChainedInputs, RequestNotBuilt> {
        guard case .job(let personaJob) = song.persona else { return .success(ChainedInputs()) }
        guard let record = ledger[job: personaJob], record.state == .completed, let personaID = record.personaID
        else {
            return .failure(
                RequestNotBuilt(
                    job: song.id,
                    message: "Song '\(song.id)' cannot be sent: its persona '\(personaJob)' has no persona_id "
                        + "recorded. Run the persona first (setlist run --only \(personaJob)); the song waits for it."))
        }
        return .success(
            ChainedInputs(
                personaID: personaID, personaModel: song.personaModel,
                artistClipID: record.chainedInputs?.sourceResultID ?? externalResultID(of: personaJob)))
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
