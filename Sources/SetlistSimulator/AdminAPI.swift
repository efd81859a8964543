import Foundation
import SetlistCore
import Synchronization

/// The `/_sim/*` routes: statistics, the task list, faults, reset and media. Faults never apply to them and they
/// need no key.
extension SimulatorCore {
    /// `GET /_sim/stats`: requests, paid submissions, rate peaks, tasks by state, credits and faults.
    func adminStats() -> SimResponse {
        .json(state.withLock { stats($0) })
    }

    /// `GET /_sim/tasks`: every task with its request.
    func adminTasks() -> SimResponse {
        .json(state.withLock { tasks($0) })
    }

    /// `POST /_sim/reset`: forgets every task, account figure and fault change.
    func adminReset() -> SimResponse {
        state.withLock { $0 = SimulatorState(seed: configuration.seed, faults: configuration.faults) }
        return .json(.object(["reset": true]))
    }

    /// `GET /_sim/faults`: the fault configuration as a spec.
    func adminFaults() -> SimResponse {
        .json(.object(["faults": .string(state.withLock { $0.faults.spec })]))
    }

    /// `GET /_sim/media/{file}`: the audio (MP3, or WAV for the proxy's WAV route) or cover of a completed result.
    func adminMedia(_ request: SimRequest) -> SimResponse {
        media(String(request.path.dropFirst("/_sim/media/".count)))
    }

    /// The answer for an admin path or method with no route.
    static func adminNotFound(_ request: SimRequest) -> SimResponse {
        .error(.noRoute(request, named: "admin route"))
    }

    /// Replaces the fault configuration at run time.
    func replaceFaults(_ faults: FaultConfiguration) {
        state.withLock { $0.faults = faults }
    }

    /// `POST /_sim/faults`: replaces the fault configuration with a spec or rates by name.
    func setFaults(_ body: [UInt8]) -> SimResponse {
        guard let parsed = JSONValue.parse(body), let members = parsed.objectValue else {
            return .error(.invalidRequest(#"The body must be a JSON object such as {"spec": "5xx=0.1,slow=0.2:2s"}."#))
        }
        var items: [String] = []
        for (name, value) in members {
            switch value {
            case .string(let text) where name == "spec": items.append(text)
            case .string(let text): items.append("\(name)=\(text)")
            case .integer, .number: items.append("\(name)=\(value.numberValue ?? 0)")
            default:
                return .error(.invalidRequest("Fault '\(name)' must be a rate (number) or a 'rate:delay' string."))
            }
        }
        do {
            let faults = try FaultConfiguration(spec: items.joined(separator: ","))
            replaceFaults(faults)
            return .json(.object(["faults": .string(faults.spec)]))
        } catch {
            return .error(.invalidRequest(error.description))
        }
    }

    private func media(_ file: String) -> SimResponse {
        let kinds: [String: String] = ["mp3": "audio/mpeg", "png": "image/png", "wav": "audio/wav"]
        let fileExtension = String(file.split(separator: ".").last ?? "")
        let resultID = String(file.dropLast(fileExtension.count + 1))
        let now = clock.seconds
        let song = state.withLock { state -> SimSong? in
            guard let task = state.store.task(forResultID: resultID), task.kind != .lyrics,
                task.status(at: now) == .completed
            else { return nil }
            return task.songs.first { $0.resultID == resultID }
        }
        let available = song != nil || configuration.servesMediaForAnyResult && UUID(uuidString: resultID) != nil
        guard let contentType = kinds[fileExtension], file.contains("."), available else {
            return .error(
                APIError(
                    status: .notFound, code: "not_found", message: "There is no media file \(file).",
                    type: "invalid_request_error"
                ))
        }
        let body: [UInt8] =
            switch fileExtension {
            case "png": Media.png(resultID: resultID)
            case "wav": Media.wav(resultID: resultID)
            default:
                if let parts = song?.joinedParts {
                    Media.joinedMP3(resultID: resultID, parts: parts.map(\.clipID))
                } else {
                    Media.mp3(resultID: resultID)
                }
            }
        return SimResponse(status: .ok, contentType: contentType, body: body)
    }

    private func tasks(_ state: SimulatorState) -> JSONValue {
        let now = clock.seconds
        let list = state.store.order.compactMap { state.store.task($0) }.map { task -> JSONValue in
            var members: JSONObject = [
                "id": .string(task.id),
                "api": .string(task.api.rawValue),
                "account": .string(SimulatorAccount.name(forKey: task.ownerKey)),
                "kind": .string(task.kind.rawValue),
                "model": .string(task.model),
                "status": .string(task.status(at: now).rawValue),
                "progress": .integer(task.progress(at: now)),
                "created": .integer(Int(task.createdUnix)),
                "created_at_seconds": .number(task.createdAt),
                "duration_seconds": .number(task.duration),
                "credits_reserved": .integer(task.creditsReserved),
                "idempotency_key": task.idempotencyKey.map(JSONValue.string) ?? .null,
                "request": task.request,
                "result_ids": .array(task.songs.map { .string($0.resultID) }),
            ]
            if let personaID = task.personaID { members["persona_id"] = .string(personaID) }
            if let sourceTaskID = task.personaSourceTaskID, let sourceResultID = task.personaSourceResultID {
                members["persona_source"] = .object([
                    "task_id": .string(sourceTaskID), "result_id": .string(sourceResultID),
                ])
            }
            if let failure = task.failure { members["failure_code"] = .string(failure.code) }
            return .object(members)
        }
        return .object(["tasks": .array(list)])
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
            var members: JSONObject = [
                "reserved": .integer(state.charged[owner, default: 0]),
                "refunded": .integer(state.refunded[owner, default: 0]),
                "used": .integer(used),
            ]
            if let limit = configuration.creditsPerKey { members["remaining"] = .integer(limit - used) }
            return (account, .object(members))
        }
        return .object([
            "requests": counts(state.requestCounts.mapValues { counts($0) }),
            "paid_submissions": .object([
                "created": .integer(state.tasksCreated),
                "replayed": .integer(state.replays),
                "by_idempotency_key": counts(state.paidByIdempotencyKey),
                "by_body": counts(state.paidByBody),
            ]),
            "max_requests_per_60s": counts(byAccount(state.maxRequestsPerMinute)),
            "max_in_flight": counts(byAccount(maxInFlight(tasks))),
            "tasks_by_state": counts(byState),
            "credits": .object(JSONObject(credits, uniquingKeysWith: { first, _ in first })),
            "faults_injected": counts(state.faultCounts),
        ])
    }

    /// Per-key figures keyed by account name instead of the key.
    private func byAccount(_ values: [String: Int]) -> [String: Int] {
        Dictionary(values.map { (SimulatorAccount.name(forKey: $0.key), $0.value) }, uniquingKeysWith: max)
    }

    private func counts(_ values: [String: Int]) -> JSONValue { counts(values.mapValues(JSONValue.integer)) }

    private func counts(_ values: [String: JSONValue]) -> JSONValue {
        .object(JSONObject(uniqueKeysWithValues: values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
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
