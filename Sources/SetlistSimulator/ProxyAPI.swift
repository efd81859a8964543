import SetlistCore

/// The Suno proxy routes (api-contract §B) over the same store, accounts, credits, rate limit, faults and
/// statistics as the Evolink routes. Tasks created here are visible only here, and Evolink tasks only there.
extension SimulatorCore {
    /// The kinds of proxy submission.
    enum ProxySubmission {
        case music
        case lyrics
        case persona
        case concat

        /// Whether a submission of this kind is paid, and so may carry an `Idempotency-Key`.
        var isPaid: Bool { self != .lyrics }
    }

    /// `POST /suno/submit/music`, `/suno/submit/lyrics`, `/suno/submit/concat` and `/suno/persona/create`.
    func proxySubmit(_ kind: ProxySubmission, _ request: SimRequest) async -> SimOutcome {
        await throughGate(request, stopped: proxyOutcome) { owner in
            if kind == .concat, configuration.stockNewAPI { return .respond(ProxyError.invalidAction.response) }
            let (response, outcome) = state.withLock { state in
                proxySubmit(kind, request, owner: owner, state: &state)
            }
            return submissionOutcome(response, paid: outcome == .paid, created: outcome == .free)
        }
    }

    /// `GET /suno/fetch/{id}`: one task, in the envelope. A trailing slash is ignored.
    func proxyFetch(_ request: SimRequest) async -> SimOutcome {
        var path = request.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        let id = String(path.dropFirst("/suno/fetch/".count))
        return await throughGate(request, stopped: proxyOutcome) { owner in
            let now = clock.seconds
            return .respond(
                state.withLock { state in
                    guard let task = proxyTask(id, owner: owner, store: state.store),
                        !state.roll(state.faults.notFound, name: "notfound")
                    else { return ProxyError.taskNotExist.response }
                    return .json(ProxyFormat.envelope(render(task, now: now)))
                })
        }
    }

    /// `POST /suno/fetch`: the tasks of `ids` the caller may see, in the envelope.
    func proxyBatchFetch(_ request: SimRequest) async -> SimOutcome {
        await throughGate(request, stopped: proxyOutcome) { owner in
            let now = clock.seconds
            return .respond(
                state.withLock { state in
                    guard let body = JSONValue.parse(request.body), body.objectValue != nil else {
                        return ProxyError.invalidRequest("The request body must be a JSON object.").response
                    }
                    do throws(ProxyError) {
                        let ids = try ProxyRules().fetchIDs(body)
                        let tasks = ids.compactMap { proxyTask($0, owner: owner, store: state.store) }
                            .filter { _ in !state.roll(state.faults.notFound, name: "notfound") }
                        return .json(ProxyFormat.envelope(.array(tasks.map { render($0, now: now) })))
                    } catch {
                        return error.response
                    }
                })
        }
    }

    /// The proxy's answer for a path or method it has no route for.
    static func proxyNotFound(_ request: SimRequest) -> SimResponse {
        ProxyError(
            status: .notFound, code: "not_found",
            message: "There is no route \(request.method.rawValue) \(request.path)."
        ).response
    }

    /// A task of the proxy format that `owner` may see; persona ids are not tasks.
    private func proxyTask(_ id: String, owner: String, store: TaskStore) -> SimTask? {
        guard let task = store.task(id), task.api == .sunoProxy, task.ownerKey == owner, task.kind != .persona else {
            return nil
        }
        return task
    }

    private func render(_ task: SimTask, now: Double) -> JSONValue {
        ProxyFormat.task(
            task, now: now, startUnixTime: configuration.startUnixTime, baseURL: baseURL,
            seed: configuration.seed)
    }

    /// The proxy answer for a request the gate stopped (api-contract §B.8).
    func proxyOutcome(_ stop: GateStop) -> SimOutcome {
        switch stop {
        case .unauthorized:
            return .respond(ProxyError.unauthorized.response)
        case .rateLimited(let wait):
            var error = ProxyError(
                status: .tooManyRequests, code: "rate_limit_exceeded", message: "当前分组上游负载已饱和，请稍后再试")
            error.retryAfter = wait
            return .respond(error.response)
        case .drop:
            return .dropConnection
        case .serverError(let unavailable):
            let error =
                unavailable
                ? ProxyError(
                    status: .serviceUnavailable, code: "no_available_channel",
                    message: "No available channel, please try again later.", openAIStyle: true)
                : ProxyError(status: .internalServerError, code: "internal_error", message: "Internal server error.")
            return .respond(error.response)
        case .malformed:
            let truncated = #"{"code":"success","message":"","data":"#
            return .respond(SimResponse(status: .ok, contentType: "application/json", body: Array(truncated.utf8)))
        }
    }

    /// Whether a submission created (or replayed) a task, and whether that task is paid.
    enum SubmissionResult {
        case rejected
        case free
        case paid
    }

    /// Handles a submission: an `Idempotency-Key` replay of a paid one, or a new task.
    private func proxySubmit(
        _ kind: ProxySubmission, _ request: SimRequest, owner: String, state: inout SimulatorState
    ) -> (SimResponse, SubmissionResult) {
        guard let body = JSONValue.parse(request.body), body.objectValue != nil else {
            return (ProxyError.invalidRequest("The request body must be a JSON object.").response, .rejected)
        }
        let canonical = body.compact
        let bodyKey = String(Media.fnv1a(canonical), radix: 16)
        let idempotencyKey = kind.isPaid ? request.idempotencyKey : nil
        if let idempotencyKey {
            switch idempotencyVerdict(
                idempotencyKey: idempotencyKey, body: canonical, bodyKey: bodyKey, owner: owner, state: &state)
            {
            case .proceed:
                break
            case .invalidKey:
                return (ProxyError.invalidRequest(SimulatorCore.invalidIdempotencyKeyMessage).response, .rejected)
            case .conflict:
                let conflict = ProxyError(
                    status: .conflict, code: "idempotency_conflict",
                    message: SimulatorCore.idempotencyConflictMessage(idempotencyKey))
                return (conflict.response, .rejected)
            case .replay(let original):
                return (SimulatorCore.replayed(proxyCreationAnswer(original, store: state.store)), .paid)
            }
        }
        let now = clock.seconds
        do throws(ProxyError) {
            let task: SimTask
            switch kind {
            case .lyrics:
                let topic = try ProxyRules().lyrics(body)
                let lyrics = proxyLyricsTask(body, topic: topic, owner: owner, now: now, state: &state)
                state.store.insert(lyrics)
                return (.json(ProxyFormat.envelope(.string(lyrics.id))), .free)
            case .music:
                task = try proxyMusicTask(body, owner: owner, idempotencyKey: idempotencyKey, now: now, state: &state)
            case .concat:
                task = try proxyConcatTask(body, owner: owner, idempotencyKey: idempotencyKey, now: now, state: &state)
            case .persona:
                task = try proxyPersona(body, owner: owner, idempotencyKey: idempotencyKey, now: now, state: &state)
            }
            book(task, bodyKey: bodyKey, state: &state)
            if let idempotencyKey {
                recordIdempotency(idempotencyKey, body: canonical, taskID: task.id, owner: owner, state: &state)
            }
            return (proxyCreationAnswer(task, store: state.store), .paid)
        } catch {
            return (error.response, .rejected)
        }
    }

    /// The answer to the submission that created `task`: the envelope with its id, or a persona's bare object.
    private func proxyCreationAnswer(_ task: SimTask, store: TaskStore) -> SimResponse {
        guard task.kind == .persona, let source = task.personaSourceTaskID.flatMap({ store.task($0) }),
            let clip = source.songs.first(where: { $0.resultID == task.personaSourceResultID })
        else { return .json(ProxyFormat.envelope(.string(task.id))) }
        return .json(ProxyFormat.persona(task, source: source, clip: clip, baseURL: baseURL))
    }

    /// A new music task: a song, or with `continue_clip_id` an extension of a clip.
    private func proxyMusicTask(
        _ body: JSONValue, owner: String, idempotencyKey: String?, now: Double, state: inout SimulatorState
    ) throws(ProxyError) -> SimTask {
        let store = state.store
        let request = try ProxyRules().music(
            body,
            lookup: { personaID in
                guard let task = store.task(forPersonaID: personaID), task.ownerKey == owner,
                    task.api == .sunoProxy
                else { return .unknown }
                let status = task.status(at: now)
                return status == .completed ? .usable : .notCompleted(status)
            },
            clipExists: { clipID in
                guard let task = store.task(forResultID: clipID), task.kind == .music else { return false }
                return task.api == .sunoProxy && task.status(at: now) == .completed
            })
        let source = try request.continuation.map { continuation throws(ProxyError) in
            try extensionSource(continuation, mv: request.mv, owner: owner, now: now, store: store)
        }
        try charge(SimulatorCore.musicCredits, owner: owner, now: now, state: &state)
        let nominal = configuration.timing.musicSeconds / configuration.speed
        let duration = taskDuration(nominal: nominal, body: body, state: &state)
        let failure = drawnFailure(state: &state)
        let songs =
            if let source, let continuation = request.continuation {
                extensionSongs(request, of: source, at: continuation.continueAt, state: &state)
            } else {
                self.songs(
                    customMode: !request.inspiration, title: request.title, style: request.tags,
                    description: request.description, duration: nil, state: &state)
            }
        return SimTask(
            id: newProxyID(&state), kind: .music, ownerKey: owner, model: request.mv, request: body, createdAt: now,
            createdUnix: configuration.startUnixTime + Int64(now.rounded(.down)), duration: duration,
            estimatedTime: SimulatorCore.estimatedTime(nominal), creditsReserved: SimulatorCore.musicCredits,
            failure: failure, songs: songs, personaID: nil, personaSourceTaskID: nil, personaSourceResultID: nil,
            idempotencyKey: idempotencyKey, api: .sunoProxy)
    }

    /// A lyrics task, done when it is created: Suno-API waits for the lyrics before it answers, so the first fetch
    /// finds `SUCCESS` (api-contract-proxy-extras §3).
    private func proxyLyricsTask(
        _ body: JSONValue, topic: String, owner: String, now: Double, state: inout SimulatorState
    ) -> SimTask {
        let title = SimulatorCore.title(fromDescription: topic)
        var song = SimSong(resultID: SimulatorCore.uuid(&state.random), title: title, tags: "", duration: 0)
        song.text = FakeLyrics.text(topic: topic, title: title, seed: configuration.seed)
        return SimTask(
            id: newProxyID(&state), kind: .lyrics, ownerKey: owner, model: "lyrics", request: body, createdAt: now,
            createdUnix: configuration.startUnixTime + Int64(now.rounded(.down)), duration: 0, estimatedTime: 0,
            creditsReserved: 0, failure: nil, songs: [song], personaID: nil, personaSourceTaskID: nil,
            personaSourceResultID: nil, idempotencyKey: nil, api: .sunoProxy)
    }

    /// Creates a persona at once: the root clip must be a completed proxy clip of the same account.
    private func proxyPersona(
        _ body: JSONValue, owner: String, idempotencyKey: String?, now: Double, state: inout SimulatorState
    ) throws(ProxyError) -> SimTask {
        let clipID = try ProxyRules().persona(body)
        guard let source = state.store.task(forResultID: clipID), source.kind == .music, source.api == .sunoProxy,
            source.ownerKey == owner, source.songs.contains(where: { $0.resultID == clipID })
        else {
            throw .invalidRequest(
                "root_clip_id '\(clipID)' does not exist in this account; it must be a generated clip, not an upload.")
        }
        let status = source.status(at: now)
        guard status == .completed else {
            throw .invalidRequest("root_clip_id '\(clipID)' is \(status.rawValue); a persona needs a completed clip.")
        }
        try charge(SimulatorCore.personaCredits, owner: owner, now: now, state: &state)
        let id = newProxyID(&state)
        let persona = SimTask(
            id: id, kind: .persona, ownerKey: owner, model: source.model, request: body, createdAt: now,
            createdUnix: configuration.startUnixTime + Int64(now.rounded(.down)), duration: 0, estimatedTime: 0,
            creditsReserved: SimulatorCore.personaCredits, failure: nil, songs: [], personaID: id,
            personaSourceTaskID: source.id, personaSourceResultID: clipID, idempotencyKey: idempotencyKey,
            api: .sunoProxy)
        return persona
    }

    /// Refuses a request whose `credits` would take the key past its credit limit.
    func charge(_ credits: Int, owner: String, now: Double, state: inout SimulatorState) throws(ProxyError) {
        if let limit = configuration.creditsPerKey, state.creditsUsed(by: owner, now: now) + credits > limit {
            throw .insufficientQuota
        }
    }

    /// A new proxy task id (a UUID) not yet in the store.
    func newProxyID(_ state: inout SimulatorState) -> String {
        var id: String
        repeat { id = SimulatorCore.uuid(&state.random) } while state.store.contains(id)
        return id
    }
}
