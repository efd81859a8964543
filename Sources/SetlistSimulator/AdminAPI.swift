import Foundation
import SetlistCore
import Synchronization

/// The `/_sim/*` routes: statistics, the task list, faults, reset and media. Faults never apply to them and they
/// need no key.
extension SimulatorCore {
    func admin(_ request: SimRequest) -> SimResponse {
        switch (request.method, request.path) {
        case (.get, "/_sim/stats"):
            return .json(state.withLock { stats($0) })
        case (.get, "/_sim/tasks"):
            return .json(state.withLock { tasks($0) })
        case (.post, "/_sim/reset"):
            state.withLock { $0 = SimulatorState(seed: configuration.seed, faults: configuration.faults) }
            return .json(.object([("reset", true)]))
        case (.get, "/_sim/faults"):
            return .json(.object([("faults", .string(state.withLock { $0.faults.spec }))]))
        case (.post, "/_sim/faults"):
            return setFaults(request.body)
        default:
            if request.method == .get, request.path.hasPrefix("/_sim/media/") {
                return media(String(request.path.dropFirst("/_sim/media/".count)))
            }
            return .error(
                APIError(
                    status: .notFound, code: "not_found",
                    message: "There is no admin route \(request.method.rawValue) \(request.path).",
                    type: "invalid_request_error"
                ))
        }
    }

    /// Replaces the fault configuration at run time.
    func replaceFaults(_ faults: FaultConfiguration) {
        state.withLock { $0.faults = faults }
    }

    private func setFaults(_ body: [UInt8]) -> SimResponse {
        guard let parsed = JSONValue.parse(body), let members = parsed.objectMembers else {
            return .error(.invalidRequest(#"The body must be a JSON object such as {"spec": "5xx=0.1,slow=0.2:2s"}."#))
        }
        var items: [String] = []
        for (name, value) in members {
            switch value {
            case .string(let text) where name == "spec": items.append(text)
            case .number(let rate): items.append("\(name)=\(rate)")
            case .string(let text): items.append("\(name)=\(text)")
            default:
                return .error(.invalidRequest("Fault '\(name)' must be a rate (number) or a 'rate:delay' string."))
            }
        }
        do {
            let faults = try FaultConfiguration(spec: items.joined(separator: ","))
            replaceFaults(faults)
            return .json(.object([("faults", .string(faults.spec))]))
        } catch {
            return .error(.invalidRequest(error.description))
        }
    }

    private func media(_ file: String) -> SimResponse {
        let isAudio = file.hasSuffix(".mp3")
        let isImage = file.hasSuffix(".png")
        let resultID = String(file.dropLast(4))
        let now = clock.seconds
        let available =
            configuration.servesMediaForAnyResult && UUID(uuidString: resultID) != nil
            || state.withLock { state in state.store.task(forResultID: resultID)?.status(at: now) == .completed }
        guard isAudio || isImage, available else {
            return .error(
                APIError(
                    status: .notFound, code: "not_found", message: "There is no media file \(file).",
                    type: "invalid_request_error"
                ))
        }
        return isAudio
            ? SimResponse(status: .ok, contentType: "audio/mpeg", body: Media.mp3(resultID: resultID))
            : SimResponse(status: .ok, contentType: "image/png", body: Media.png(resultID: resultID))
    }

    private func tasks(_ state: SimulatorState) -> JSONValue {
        let now = clock.seconds
        let list = state.store.order.compactMap { state.store.task($0) }.map { task -> JSONValue in
            var members: [(String, JSONValue)] = [
                ("id", .string(task.id)),
                ("api", .string(task.api.rawValue)),
                ("account", .string(SimulatorAccount.name(forKey: task.ownerKey))),
                ("kind", .string(task.kind.rawValue)),
                ("model", .string(task.model)),
                ("status", .string(task.status(at: now).rawValue)),
                ("progress", .number(Double(task.progress(at: now)))),
                ("created", .number(Double(task.createdUnix))),
                ("created_at_seconds", .number(task.createdAt)),
                ("duration_seconds", .number(task.duration)),
                ("credits_reserved", .number(Double(task.creditsReserved))),
                ("idempotency_key", task.idempotencyKey.map(JSONValue.string) ?? .null),
                ("request", task.request),
                ("result_ids", .array(task.songs.map { .string($0.resultID) })),
            ]
            if let personaID = task.personaID { members.append(("persona_id", .string(personaID))) }
            if let sourceTaskID = task.personaSourceTaskID, let sourceResultID = task.personaSourceResultID {
                members.append(
                    (
                        "persona_source",
                        .object([
                            ("task_id", .string(sourceTaskID)), ("result_id", .string(sourceResultID)),
                        ])
                    ))
            }
            if let failure = task.failure { members.append(("failure_code", .string(failure.code))) }
            return .object(members)
        }
        return .object([("tasks", .array(list))])
    }

    private func stats(_ state: SimulatorState) -> JSONValue {
        var state = state
        let now = clock.seconds
        state.settleRefunds(now: now)
        let tasks = state.store.order.compactMap { state.store.task($0) }
        var byState = Dictionary(uniqueKeysWithValues: SimTaskStatus.allCases.map { ($0.rawValue, 0) })
        for task in tasks { byState[task.status(at: now).rawValue, default: 0] += 1 }
        let owners = Set(state.charged.keys).union(state.maxRequestsPerMinute.keys).sorted()
        let credits = owners.map { owner -> (String, JSONValue) in
            let account = SimulatorAccount.name(forKey: owner)
            let used = state.charged[owner, default: 0] - state.refunded[owner, default: 0]
            var members: [(String, JSONValue)] = [
                ("reserved", .number(Double(state.charged[owner, default: 0]))),
                ("refunded", .number(Double(state.refunded[owner, default: 0]))),
                ("used", .number(Double(used))),
            ]
            if let limit = configuration.creditsPerKey { members.append(("remaining", .number(Double(limit - used)))) }
            return (account, .object(members))
        }
        return .object([
            ("requests", counts(state.requestCounts.mapValues { counts($0) })),
            (
                "paid_submissions",
                .object([
                    ("created", .number(Double(state.tasksCreated))),
                    ("replayed", .number(Double(state.replays))),
                    ("by_idempotency_key", counts(state.paidByIdempotencyKey)),
                    ("by_body", counts(state.paidByBody)),
                ])
            ),
            ("max_requests_per_60s", counts(byAccount(state.maxRequestsPerMinute))),
            ("max_in_flight", counts(byAccount(maxInFlight(tasks)))),
            ("tasks_by_state", counts(byState)),
            ("credits", .object(credits)),
            ("faults_injected", counts(state.faultCounts)),
        ])
    }

    private static func number(_ value: Int) -> JSONValue { .number(Double(value)) }

    /// Per-key figures keyed by account name instead of the key.
    private func byAccount(_ values: [String: Int]) -> [String: Int] {
        Dictionary(values.map { (SimulatorAccount.name(forKey: $0.key), $0.value) }, uniquingKeysWith: max)
    }

    private func counts(_ values: [String: Int]) -> JSONValue { counts(values.mapValues(SimulatorCore.number)) }

    private func counts(_ values: [String: JSONValue]) -> JSONValue {
        .object(values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The most tasks each key had pending or processing at the same moment: a sweep over the tasks' lifetimes.
    /// Lifetimes reaching past now count as running now, which no later submission can lower.
    private func maxInFlight(_ tasks: [SimTask]) -> [String: Int] {
        var events: [String: [(time: Double, delta: Int)]] = [:]
        for task in tasks {
            events[task.ownerKey, default: []].append((task.createdAt, 1))
            events[task.ownerKey, default: []].append((task.endsAt, -1))
        }
        return events.mapValues { list in
            var current = 0
            var highest = 0
            for event in list.sorted(by: { ($0.time, $0.delta) < ($1.time, $1.delta) }) {
                current += event.delta
                highest = max(highest, current)
            }
            return highest
        }
    }
}

/// How the admin routes name an account: never by its API key, which anyone who can reach `/_sim/stats` would then
/// read, but by a fingerprint: the key's first 4 characters (keys of 16 characters or more only, so a short test
/// key is not shown whole), `…`, and the first 8 hex digits of its SHA-256. `test…1a2b3c4d`, `…5e6f7a8b`.
public enum SimulatorAccount {
    /// The account name the admin routes show for `key`.
    public static func name(forKey key: String) -> String {
        let prefix = key.count >= 16 ? String(key.prefix(4)) : ""
        return prefix + "…" + Digest.sha256Hex(Array(key.utf8)).prefix(8)
    }
}
