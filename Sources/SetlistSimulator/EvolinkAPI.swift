import SetlistCore

/// The Evolink routes (api-contract §A): `POST /v1/audios/generations`, `GET /v1/tasks/{id}` and
/// `POST /v1/tasks/batch`.
extension SimulatorCore {
    /// The most ids one `POST /v1/tasks/batch` may carry.
    static let evolinkBatchLimit = 50

    /// `POST /v1/audios/generations`: creates a paid music or persona task, or replays one by its idempotency key.
    func evolinkSubmit(_ request: SimRequest) async -> SimOutcome {
        await throughGate(
            request, stopped: { evolinkOutcome($0, isSubmit: true) },
            proceed: { owner in
                let (response, created) = state.withLock { state in submit(request, owner: owner, state: &state) }
                return submissionOutcome(response, paid: created)
            })
    }

    /// `GET /v1/tasks/{id}`: the task as it stands now.
    func evolinkQuery(_ request: SimRequest) async -> SimOutcome {
        let id = String(request.path.dropFirst("/v1/tasks/".count))
        return await throughGate(
            request, stopped: { evolinkOutcome($0, isSubmit: false) },
            proceed: { owner in
                .respond(
                    state.withLock { state in
                        if state.store.contains(id), state.roll(state.faults.notFound, name: "notfound") {
                            return .error(Self.taskNotFound)
                        }
                        return query(id, owner: owner, store: state.store)
                    })
            })
    }

    /// `POST /v1/tasks/batch` with `{"task_ids": [...]}`: `{"data": [...]}` with the task object of each id the
    /// key's account owns, in the order asked, each once; other ids are left out. Answers 404 like a path without a
    /// route when ``SimulatorConfiguration/evolinkBatch`` is false.
    func evolinkBatchQuery(_ request: SimRequest) async -> SimOutcome {
        guard configuration.evolinkBatch else { return .respond(Self.evolinkNotFound(request)) }
        return await throughGate(
            request, stopped: { evolinkOutcome($0, isSubmit: false, isBatch: true) },
            proceed: { owner in
                let now = clock.seconds
                return .respond(
                    state.withLock { state in
                        let ids: [String]
                        do throws(APIError) {
                            ids = try Self.batchTaskIDs(request.body)
                        } catch {
                            return .error(error)
                        }
                        var seen: Set<String> = []
                        let tasks = ids.filter { seen.insert($0).inserted }.compactMap { id -> SimTask? in
                            guard let task = state.store.task(id), task.api == .evolink, task.ownerKey == owner,
                                !state.roll(state.faults.notFound, name: "notfound")
                            else { return nil }
                            return task
                        }
                        return .json(
                            EvolinkFormat.batch(tasks, now: now, baseURL: baseURL, shape: configuration.answerShape))
                    })
            })
    }

    /// The ids of a batch request, or the 400 that Evolink answers an invalid request with.
    private static func batchTaskIDs(_ body: [UInt8]) throws(APIError) -> [String] {
        guard let parsed = JSONValue.parse(body), parsed.objectValue != nil else {
            throw .invalidRequest("The request body must be a JSON object.")
        }
        guard let entries = parsed["task_ids"]?.arrayValue else {
            throw batchError("task_ids is required and must be an array of task ids.")
        }
        guard entries.count <= evolinkBatchLimit else {
            throw batchError("task_ids may hold at most \(evolinkBatchLimit) ids; this request has \(entries.count).")
        }
        var ids: [String] = []
        for entry in entries {
            guard case .string(let id) = entry else { throw batchError("task_ids must hold only strings.") }
            ids.append(id)
        }
        return ids
    }

    private static func batchError(_ message: String) -> APIError {
        var error = APIError.invalidRequest(message)
        error.param = "task_ids"
        return error
    }

    /// Evolink's answer for a path or method it has no route for.
    static func evolinkNotFound(_ request: SimRequest) -> SimResponse {
        .error(.noRoute(request, named: "route"))
    }

    /// The Evolink answer for a request the gate stopped.
    private func evolinkOutcome(_ stop: GateStop, isSubmit: Bool, isBatch: Bool = false) -> SimOutcome {
        switch stop {
        case .unauthorized:
            return .respond(.error(.unauthorized))
        case .rateLimited(let wait):
            var error = APIError(
                status: .tooManyRequests, code: "rate_limit_exceeded",
                message: isSubmit ? "Too many requests, please try again later" : "Rate limit exceeded",
                type: isSubmit ? "rate_limit_error" : "evo_api_error")
            error.retryAfter = wait
            return .respond(.error(error))
        case .drop:
            return .dropConnection
        case .serverError(let unavailable):
            let error =
                unavailable
                ? APIError(
                    status: .serviceUnavailable, code: "service_unavailable",
                    message: "The service is temporarily unavailable, please try again later.", type: "api_error")
                : APIError(
                    status: .internalServerError, code: "internal_error",
                    message: isSubmit ? "Internal server error" : "Failed to retrieve task status",
                    type: "api_error")
            return .respond(.error(error))
        case .malformed:
            let task = #"{"created":\#(configuration.startUnixTime),"id":"task-unified-"#
            let truncated = isBatch ? #"{"data":["# + task : task
            return .respond(SimResponse(status: .ok, contentType: "application/json", body: Array(truncated.utf8)))
        }
    }

    private func submit(_ request: SimRequest, owner: String, state: inout SimulatorState) -> (SimResponse, Bool) {
        let now = clock.seconds
        guard let parsed = JSONValue.parse(request.body), parsed.objectValue != nil else {
            return (.error(.invalidRequest("The request body must be a JSON object.")), false)
        }
        let canonical = parsed.compact
        let bodyKey = String(Media.fnv1a(canonical), radix: 16)
        if let idempotencyKey = request.idempotencyKey,
            let answer = idempotentAnswer(
                idempotencyKey: idempotencyKey, body: canonical, bodyKey: bodyKey, owner: owner, state: &state)
        {
            return answer
        }
        let task: SimTask
        do {
            task = try makeEvolinkTask(
                parsed, owner: owner, idempotencyKey: request.idempotencyKey, now: now, state: &state)
        } catch {
            return (.error(error), false)
        }
        book(task, bodyKey: bodyKey, state: &state)
        if let idempotencyKey = request.idempotencyKey {
            recordIdempotency(idempotencyKey, body: canonical, taskID: task.id, owner: owner, state: &state)
        }
        return (.json(evolinkCreationAnswer(task)), true)
    }

    /// The answer to the submission that created `task`, exactly as first sent: it is rendered at the creation
    /// instant, so a replay repeats it byte for byte.
    func evolinkCreationAnswer(_ task: SimTask) -> JSONValue {
        EvolinkFormat.creation(task, now: task.createdAt, baseURL: baseURL, shape: configuration.answerShape)
    }

    /// Evolink's answer for a task it does not know.
    static let taskNotFound = APIError(
        status: .notFound, code: "task_not_found", message: "The requested task could not be found",
        type: "invalid_request_error")

    private func query(_ id: String, owner: String, store: TaskStore) -> SimResponse {
        guard id.hasPrefix("task-unified-") else {
            var error = APIError(
                status: .badRequest, code: "invalid_task_id",
                message: "Invalid task ID format, must start with 'task-unified-'", type: "invalid_request_error"
            )
            error.param = "task_id"
            return .error(error)
        }
        guard let task = store.task(id), task.api == .evolink else { return .error(Self.taskNotFound) }
        guard task.ownerKey == owner else {
            return .error(
                APIError(
                    status: .forbidden, code: "permission_denied",
                    message: "You don't have permission to access this task", type: "invalid_request_error"
                ))
        }
        return .json(
            EvolinkFormat.detail(task, now: clock.seconds, baseURL: baseURL, shape: configuration.answerShape))
    }
}
