import SetlistCore

/// The Evolink routes (api-contract §A): `POST /v1/audios/generations` and `GET /v1/tasks/{id}`.
extension SimulatorCore {
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

    /// Evolink's answer for a path or method it has no route for.
    static func evolinkNotFound(_ request: SimRequest) -> SimResponse {
        .error(.noRoute(request, named: "route"))
    }

    /// The Evolink answer for a request the gate stopped.
    private func evolinkOutcome(_ stop: GateStop, isSubmit: Bool) -> SimOutcome {
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
            let truncated = #"{"created":\#(configuration.startUnixTime),"id":"task-unified-"#
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
