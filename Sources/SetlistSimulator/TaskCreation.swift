import SetlistCore

/// Creating tasks: Evolink's model dispatch and persona source checks, and what every paid task shares (booking,
/// duration, estimate, drawn failure).
extension SimulatorCore {
    /// Stores a new paid task and charges its owner; a task that is going to fail is refunded when it fails.
    func book(_ task: SimTask, bodyKey: String, state: inout SimulatorState) {
        state.store.insert(task)
        state.charged[task.ownerKey, default: 0] += task.creditsReserved
        if task.failure != nil {
            state.pendingRefunds.append((at: task.endsAt, owner: task.ownerKey, credits: task.creditsReserved))
        }
        state.tasksCreated += 1
        state.paidByBody[bodyKey, default: 0] += 1
    }

    /// A new Evolink task for `body`: a persona for `suno-persona`, otherwise music of the named model.
    func makeEvolinkTask(
        _ body: JSONValue, owner: String, idempotencyKey: String?, now: Double, state: inout SimulatorState
    ) throws(APIError) -> SimTask {
        let modelName = try rules.modelName(body)
        let kind: SimTaskKind
        let model: String
        var music: MusicRequest?
        var persona: PersonaRequest?
        if modelName == SunoModel.personaModelName {
            let request = try rules.persona(body)
            try checkPersonaSource(request, owner: owner, now: now, state: state)
            kind = .persona
            model = SunoModel.personaModelName
            persona = request
        } else if let sunoModel = SunoModel.named(modelName) {
            music = try rules.music(body, model: sunoModel) { personaID in
                guard let task = state.store.task(forPersonaID: personaID), task.ownerKey == owner else {
                    return .unknown
                }
                let status = task.status(at: now)
                return status == .completed ? .usable : .notCompleted(status)
            }
            kind = .music
            model = sunoModel.name
        } else {
            let names = SunoModel.all.map(\.name).joined(separator: ", ")
            throw .invalidRequest(
                "model '\(modelName)' is not supported; use suno-persona or one of \(names) (or a name without -beta)."
            )
        }
        let credits = kind == .music ? SimulatorCore.musicCredits : SimulatorCore.personaCredits
        if let limit = configuration.creditsPerKey, state.creditsUsed(by: owner, now: now) + credits > limit {
            throw .insufficientQuota
        }
        let timing = configuration.timing
        let nominal = (kind == .music ? timing.musicSeconds : timing.personaSeconds) / configuration.speed
        let duration = taskDuration(nominal: nominal, body: body, state: &state)
        let unix = configuration.startUnixTime + Int64(now.rounded(.down))
        var id: String
        repeat {
            let suffix = SimulatorCore.randomText(8, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789", &state.random)
            id = "task-unified-\(unix)-\(suffix)"
        } while state.store.contains(id)
        let failure = drawnFailure(state: &state)
        return SimTask(
            id: id, kind: kind, ownerKey: owner, model: model, request: body, createdAt: now, createdUnix: unix,
            duration: duration, estimatedTime: SimulatorCore.estimatedTime(nominal), creditsReserved: credits,
            failure: failure,
            songs: music.map { songs(for: $0, state: &state) } ?? [],
            personaID: kind == .persona
                ? SimulatorCore.randomText(32, alphabet: "0123456789abcdef", &state.random) : nil,
            personaSourceTaskID: persona?.sourceTaskID, personaSourceResultID: persona?.resultID,
            idempotencyKey: idempotencyKey
        )
    }

    /// How long a new task runs: its nominal time times ``durationFactor(for:state:)``, or no time at all when the
    /// answer shape has tasks completed on submission.
    func taskDuration(nominal: Double, body: JSONValue, state: inout SimulatorState) -> Double {
        configuration.answerShape.completedOnSubmit ? 0 : nominal * durationFactor(for: body, state: &state)
    }

    /// The factor a new task's duration is its nominal time times (see ``TaskTiming``).
    func durationFactor(for body: JSONValue, state: inout SimulatorState) -> Double {
        let spread = configuration.timing.spread
        guard configuration.timing.keyedByRequest, case .object(let members) = body else {
            return state.uniform(spread)
        }
        let chained: Set<String> = [
            "persona_id", "task_id", "result_id", "clip_id", "artist_clip_id", "root_clip_id", "continue_clip_id",
        ]
        let key = JSONValue.object(members.filter { !chained.contains($0.key) }).compact
        let hash = Media.fnv1a("\(configuration.seed):\(key)")
        let unit = Double(hash % 1_000_000) / 999_999
        return spread.lowerBound + (spread.upperBound - spread.lowerBound) * unit
    }

    /// `estimated_time` for a scaled nominal duration: whole seconds rounded up, so a client polling then mostly
    /// finds the task done; 0 below half a second, where rounding up would make near-instant tasks look slow.
    static func estimatedTime(_ seconds: Double) -> Int {
        seconds < 0.5 ? 0 : Int(seconds.rounded(.up))
    }

    private func checkPersonaSource(
        _ request: PersonaRequest, owner: String, now: Double, state: SimulatorState
    ) throws(APIError) {
        let sourceID = request.sourceTaskID
        guard let source = state.store.task(sourceID), source.ownerKey == owner else {
            throw .invalidRequest(SimulatorCore.invalidPersonaSourceMessage + sourceID)
        }
        if source.kind == .persona {
            throw .invalidRequest(
                "Source task \(sourceID) is a suno-persona task; a persona cannot come from a persona.")
        }
        let status = source.status(at: now)
        guard status == .completed else {
            throw .invalidRequest(
                "Source task \(sourceID) is \(status.rawValue); a persona needs a completed music task.")
        }
        guard SunoModel.named(source.model)?.personaSourceAllowed == true else {
            throw .invalidRequest("Source task \(sourceID) used \(source.model); a persona needs suno-v4 or later.")
        }
        guard source.songs.contains(where: { $0.resultID == request.resultID }) else {
            throw .invalidRequest("result_id '\(request.resultID)' is not a result of source task \(sourceID).")
        }
        if let existing = state.store.personaTasks(fromResultID: request.resultID)
            .first(where: { $0.status(at: now) != .failed })
        {
            throw .invalidRequest(
                "A persona was already created from result_id '\(request.resultID)' (task \(existing.id)); "
                    + "each result_id allows one persona."
            )
        }
    }

    /// Seed 002's message, verbatim, for a persona source task that does not exist or belongs to another key
    /// ("the source task does not exist or does not belong to the current user"), followed by the task id.
    static let invalidPersonaSourceMessage = "源任务不存在或不属于当前用户: "

    /// A failure drawn by the `fail` fault for a new task, or nil.
    func drawnFailure(state: inout SimulatorState) -> SimFailure? {
        state.roll(state.faults.taskFailure, name: "fail")
            ? SimulatorCore.failures[Int.random(in: 0..<SimulatorCore.failures.count, using: &state.faultRandom)]
            : nil
    }
}
