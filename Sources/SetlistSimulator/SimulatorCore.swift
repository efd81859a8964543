import HTTPTypes
import SetlistCore
import Synchronization

/// One HTTP request as the simulator's logic sees it, independent of the server framework.
struct SimRequest: Sendable {
    let method: HTTPRequest.Method
    let path: String
    let authorization: String?
    let idempotencyKey: String?
    let body: [UInt8]
}

/// One HTTP answer, or the decision to close the connection without one.
enum SimOutcome: Sendable {
    case respond(SimResponse)
    case dropConnection
}

/// A response: status, content type, extra headers and body.
struct SimResponse: Sendable {
    var status: HTTPResponse.Status
    var contentType: String
    var headers: [(String, String)] = []
    var body: [UInt8]

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> SimResponse {
        SimResponse(status: status, contentType: "application/json", body: value.bytes)
    }

    /// The documented error body for `error`, with `Retry-After` when it has one.
    static func error(_ error: APIError) -> SimResponse {
        var response = json(error.body, status: error.status)
        if let retryAfter = error.retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
        return response
    }
}

/// The mutable state of a simulator: tasks, accounts, rate windows, faults and statistics.
struct SimulatorState: Sendable {
    var store = TaskStore()
    var random: SeededRandom
    var faultRandom: SeededRandom
    var faults: FaultConfiguration
    var charged: [String: Int] = [:]
    var refunded: [String: Int] = [:]
    var pendingRefunds: [(at: Double, owner: String, credits: Int)] = []
    var limiterWindows: [String: TimeWindow] = [:]
    var statsWindows: [String: TimeWindow] = [:]
    var maxRequestsPerMinute: [String: Int] = [:]
    var requestCounts: [String: [String: Int]] = [:]
    var paidByIdempotencyKey: [String: Int] = [:]
    var paidByBody: [String: Int] = [:]
    var tasksCreated = 0
    var replays = 0
    var faultCounts: [String: Int] = [:]

    init(seed: UInt64, faults: FaultConfiguration) {
        random = SeededRandom(seed: seed)
        faultRandom = SeededRandom(seed: seed ^ 0x5EED_FA17_0000_0001)
        self.faults = faults
    }

    /// Moves refunds of tasks that have failed by `now` into the refunded totals.
    mutating func settleRefunds(now: Double) {
        guard pendingRefunds.contains(where: { $0.at <= now }) else { return }
        for refund in pendingRefunds where refund.at <= now { refunded[refund.owner, default: 0] += refund.credits }
        pendingRefunds.removeAll { $0.at <= now }
    }

    /// Credits a key has used at `now` (charged minus refunded).
    mutating func creditsUsed(by owner: String, now: Double) -> Int {
        settleRefunds(now: now)
        return charged[owner, default: 0] - refunded[owner, default: 0]
    }

    /// A uniform draw in `range` from the main generator.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        Double.random(in: range, using: &random)
    }

    /// Whether a fault with probability `rate` fires; counts it under `name` when it does.
    mutating func roll(_ rate: Double, name: String) -> Bool {
        guard rate > 0 else { return false }
        let fires = Double.random(in: 0..<1, using: &faultRandom) < rate
        if fires { faultCounts[name, default: 0] += 1 }
        return fires
    }
}

/// The simulator's logic: routing, accounts, faults, the Evolink API and the admin API. All state sits behind one
/// lock; nothing here blocks except the slow fault, which sleeps on the injected clock outside the lock.
final class SimulatorCore: Sendable {
    let configuration: SimulatorConfiguration
    let clock: SimulatorClock
    let state: Mutex<SimulatorState>
    private let baseURLStorage = Mutex("")
    /// Told after every paid submission that created (or replayed) a task; see ``Simulator/onTaskCreated(_:)``.
    let taskCreatedHandler = Mutex<(@Sendable () -> Void)?>(nil)
    private let rules: EvolinkRules
    let keys: Set<String>

    /// Credits reserved per request (the public price; the seed example shows 10).
    static let musicCredits = 8
    static let personaCredits = 1

    init(configuration: SimulatorConfiguration, clock: SimulatorClock) {
        self.configuration = configuration
        self.clock = clock
        self.state = Mutex(SimulatorState(seed: configuration.seed, faults: configuration.faults))
        self.rules = EvolinkRules(requireModeFlags: configuration.requireModeFlags)
        self.keys = Set(configuration.apiKeys)
    }

    /// The base URL media links point at, set once the server is bound.
    var baseURL: String {
        get { baseURLStorage.withLock { $0 } }
        set { baseURLStorage.withLock { $0 = newValue } }
    }

    /// Answers one request.
    func handle(_ request: SimRequest) async -> SimOutcome {
        let route = SimulatorCore.routeName(method: request.method, path: request.path)
        let outcome: SimOutcome
        if request.path.hasPrefix("/_sim/") {
            outcome = .respond(admin(request))
        } else {
            outcome = await api(request)
        }
        let statusName: String
        switch outcome {
        case .respond(let response): statusName = String(response.status.code)
        case .dropConnection: statusName = "dropped"
        }
        state.withLock { $0.requestCounts[route, default: [:]][statusName, default: 0] += 1 }
        return outcome
    }

    /// The statistics name of a route: method and path, with task ids and media file names folded.
    static func routeName(method: HTTPRequest.Method, path: String) -> String {
        if path.hasPrefix("/v1/tasks/") { return "\(method.rawValue) /v1/tasks/{id}" }
        if method == .get, path.hasPrefix("/suno/fetch/") { return "GET /suno/fetch/{id}" }
        if path.hasPrefix("/suno/"), path.hasSuffix("/") { return "\(method.rawValue) \(path.dropLast())" }
        if path.hasPrefix("/_sim/media/") { return "\(method.rawValue) /_sim/media/{file}" }
        return "\(method.rawValue) \(path)"
    }

    // MARK: API requests

    /// Why the gate answered instead of the API, in neutral terms; each API format renders it.
    enum GateStop {
        case unauthorized
        case rateLimited(retryAfter: Int)
        case serverError(unavailable: Bool)
        case malformed
        case drop
    }

    enum Gate {
        case proceed(owner: String, slow: Duration?)
        case stop(GateStop)
    }

    private func api(_ request: SimRequest) async -> SimOutcome {
        if request.path.hasPrefix("/suno/") { return await proxyAPI(request) }
        let isSubmit = request.method == .post && request.path == "/v1/audios/generations"
        let isQuery = request.method == .get && request.path.hasPrefix("/v1/tasks/")
        guard isSubmit || isQuery else {
            return .respond(
                .error(
                    APIError(
                        status: .notFound, code: "not_found",
                        message: "There is no route \(request.method.rawValue) \(request.path).",
                        type: "invalid_request_error"
                    )))
        }
        let gate = state.withLock { state in self.gate(request, state: &state) }
        switch gate {
        case .stop(let stop):
            return evolinkOutcome(stop, isSubmit: isSubmit)
        case .proceed(let owner, let slow):
            if let slow { try? await clock.sleep(slow) }
            if isSubmit {
                let (response, created) = state.withLock { state in submit(request, owner: owner, state: &state) }
                if created { taskCreatedHandler.withLock { $0 }?() }
                let lost = created && state.withLock { $0.roll($0.faults.lostResponse, name: "lost") }
                return lost ? .dropConnection : .respond(response)
            }
            let id = String(request.path.dropFirst("/v1/tasks/".count))
            return .respond(
                state.withLock { state in
                    if state.store.contains(id), state.roll(state.faults.notFound, name: "notfound") {
                        return .error(Self.taskNotFound)
                    }
                    return query(id, owner: owner, store: state.store)
                })
        }
    }

    /// Authentication, rate limit and the faults that replace the answer, in that order; shared by both formats.
    func gate(_ request: SimRequest, state: inout SimulatorState) -> Gate {
        guard let header = request.authorization, header.hasPrefix("Bearer "),
            case let key = String(header.dropFirst("Bearer ".count)), keys.contains(key)
        else { return .stop(.unauthorized) }
        let now = clock.seconds
        state.statsWindows[key, default: TimeWindow()].trim(olderThanOrAt: now - 60)
        state.statsWindows[key, default: TimeWindow()].append(now)
        let observed = state.statsWindows[key, default: TimeWindow()].count
        state.maxRequestsPerMinute[key] = max(state.maxRequestsPerMinute[key, default: 0], observed)
        if let limit = configuration.rateLimitPerMinute {
            var window = state.limiterWindows[key, default: TimeWindow()]
            window.trim(olderThanOrAt: now - 60)
            if window.count >= limit, let oldest = window.oldest {
                state.limiterWindows[key] = window
                return .stop(.rateLimited(retryAfter: max(1, Int((oldest + 60 - now).rounded(.up)))))
            }
            window.append(now)
            state.limiterWindows[key] = window
        }
        let faults = state.faults
        if state.roll(faults.drop, name: "drop") { return .stop(.drop) }
        if state.roll(faults.serverError, name: "5xx") {
            return .stop(.serverError(unavailable: Bool.random(using: &state.faultRandom)))
        }
        if state.roll(faults.malformed, name: "malformed") { return .stop(.malformed) }
        let slow = state.roll(faults.slow, name: "slow") ? faults.slowDelay : nil
        return .proceed(owner: key, slow: slow)
    }

    /// The Evolink answer for a request the gate stopped.
    private func evolinkOutcome(_ stop: GateStop, isSubmit: Bool) -> SimOutcome {
        switch stop {
        case .unauthorized:
            return .respond(.error(.unauthorized))
        case .rateLimited(let wait):
            var error =
                isSubmit
                ? APIError(
                    status: .tooManyRequests, code: "rate_limit_exceeded",
                    message: "Too many requests, please try again later", type: "rate_limit_error")
                : APIError(
                    status: .tooManyRequests, code: "rate_limit_exceeded",
                    message: "Rate limit exceeded", type: "evo_api_error")
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

    // MARK: Submission

    private func submit(_ request: SimRequest, owner: String, state: inout SimulatorState) -> (SimResponse, Bool) {
        let now = clock.seconds
        guard let parsed = JSONValue.parse(request.body), parsed.objectMembers != nil else {
            return (.error(.invalidRequest("The request body must be a JSON object.")), false)
        }
        let canonical = parsed.canonicalText
        let bodyKey = String(Media.fnv1a(canonical), radix: 16)
        if let idempotencyKey = request.idempotencyKey {
            guard SimulatorCore.isValidIdempotencyKey(idempotencyKey) else {
                let message =
                    "The Idempotency-Key header must be 16 to 96 characters of letters, digits, "
                    + "'.', '_' or '-'."
                return (.error(.invalidRequest(message)), false)
            }
            if let record = state.store.idempotencyRecord(ownerKey: owner, idempotencyKey: idempotencyKey) {
                guard record.canonicalBody == canonical else {
                    let conflict = APIError(
                        status: .conflict, code: "idempotency_conflict",
                        message: "Idempotency-Key '\(idempotencyKey)' was already used with a different request body.",
                        type: "invalid_request_error"
                    )
                    return (.error(conflict), false)
                }
                if let original = state.store.task(record.taskID) {
                    state.replays += 1
                    state.paidByIdempotencyKey[idempotencyKey, default: 0] += 1
                    state.paidByBody[bodyKey, default: 0] += 1
                    var response = SimResponse.json(creationAnswer(original))
                    response.headers.append(("idempotency-replayed", "true"))
                    return (response, true)
                }
            }
        }
        let task: SimTask
        do {
            task = try makeTask(parsed, owner: owner, idempotencyKey: request.idempotencyKey, now: now, state: &state)
        } catch {
            return (.error(error), false)
        }
        book(task, bodyKey: bodyKey, state: &state)
        if let idempotencyKey = request.idempotencyKey {
            state.paidByIdempotencyKey[idempotencyKey, default: 0] += 1
            state.store.storeIdempotency(
                IdempotencyRecord(canonicalBody: canonical, taskID: task.id), ownerKey: owner,
                idempotencyKey: idempotencyKey
            )
        }
        return (.json(creationAnswer(task)), true)
    }

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

    /// The answer to the submission that created `task`, exactly as first sent: it is rendered at the creation
    /// instant, so a replay repeats it byte for byte.
    private func creationAnswer(_ task: SimTask) -> JSONValue {
        EvolinkFormat.creation(task, now: task.createdAt, baseURL: baseURL, shape: configuration.answerShape)
    }

    static func isValidIdempotencyKey(_ key: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".unicodeScalars)
        return (16...96).contains(key.count) && key.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    private func makeTask(
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
        let failure =
            state.roll(state.faults.taskFailure, name: "fail")
            ? SimulatorCore.failures[Int.random(in: 0..<SimulatorCore.failures.count, using: &state.faultRandom)]
            : nil
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
        let chained: Set<String> = ["persona_id", "task_id", "result_id", "clip_id", "artist_clip_id", "root_clip_id"]
        let key = JSONValue.object(members.filter { !chained.contains($0.0) }).canonicalText
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
            throw .invalidRequest("Source task does not exist or does not belong to the current user: \(sourceID)")
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

    private func songs(for request: MusicRequest, state: inout SimulatorState) -> [SimSong] {
        songs(
            customMode: request.customMode, title: request.title, style: request.style, description: request.prompt,
            duration: request.duration, state: &state)
    }

    /// The answer shape's number of seeded variations (two by default): the title and style as sent in custom
    /// mode; in simple mode a title from the first words of the description and a seeded genre.
    func songs(
        customMode: Bool, title: String?, style: String?, description: String?, duration: Int?,
        state: inout SimulatorState
    ) -> [SimSong] {
        let genres = ["pop", "rock", "electronic", "folk", "r&b", "jazz", "hip-hop", "ambient", "country", "soul"]
        let title = customMode ? title ?? "" : SimulatorCore.title(fromDescription: description ?? "")
        let tags = customMode ? style ?? "" : genres[Int.random(in: 0..<genres.count, using: &state.random)]
        return (0..<configuration.answerShape.resultsPerTask).map { _ in
            let seconds = duration.map { Double($0) * state.uniform(0.95...1.05) } ?? state.uniform(90...240)
            return SimSong(
                resultID: SimulatorCore.uuid(&state.random), title: title, tags: tags,
                duration: (seconds * 10).rounded() / 10
            )
        }
    }

    static func title(fromDescription description: String) -> String {
        let words = description.split(whereSeparator: \.isWhitespace).prefix(4)
        let title = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        return String(title.prefix(SunoModel.maxTitle))
    }

    /// Task failures the `fail` fault draws from: documented business codes (api-contract §A.4).
    static let failures: [SimFailure] = [
        SimFailure(code: "service_error", message: "The generation service had an internal error. Please retry later."),
        SimFailure(code: "generation_timeout", message: "The generation timed out. Please retry later."),
        SimFailure(code: "service_unavailable", message: "The generation service is unavailable. Please retry later."),
        SimFailure(code: "resource_exhausted", message: "Generation resources are exhausted. Please retry later."),
        SimFailure(
            code: "generation_failed_no_content", message: "The generation produced no content. Try a different prompt."
        ),
        SimFailure(
            code: "content_policy_violation",
            message: "Content policy violation.\nYour request was blocked by safety filters."
        ),
    ]

    static func randomText(_ length: Int, alphabet: String, _ random: inout SeededRandom) -> String {
        let characters = Array(alphabet)
        return String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count, using: &random)] })
    }

    static func uuid(_ random: inout SeededRandom) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }

    // MARK: Query

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
