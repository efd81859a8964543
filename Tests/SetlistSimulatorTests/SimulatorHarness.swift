import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import SetlistCore
import SetlistTestSupport
import Testing

@testable import SetlistSimulator

/// One HTTP answer as the tests look at it.
typealias Reply = HTTPReply

extension HTTPReply {
    /// The body parsed as JSON, or `.null` when it is not JSON.
    var json: JSONValue { JSONValue.parse(body) ?? .null }

    /// `error.code` of an error body.
    var errorCode: String? { json["error"]?["code"]?.stringValue }

    /// `error.message` of an error body.
    var errorMessage: String { json["error"]?["message"]?.stringValue ?? "" }

    /// A string member of the body.
    func string(_ key: String) -> String? { json[key]?.stringValue }
}

/// A simulator driven by a manual clock, and a client to talk to it: in this process through its router (no
/// socket), or over HTTP on an ephemeral loopback port (``SimulatorHarness``) for what needs a connection.
struct Harness: Sendable {
    let clock: ManualClock
    let simulator: Simulator
    let baseURL: String
    /// The in-process client; nil when the harness talks HTTP through ``overHTTP``.
    private let router: (any TestClientProtocol)?
    /// The loopback harness; nil when the harness answers in this process.
    private let overHTTP: SimulatorHarness?

    /// The base URL media links name when the simulator answers in this process.
    static let inProcessBaseURL = "http://simulator.in-process"

    /// Runs `body` against a simulator with `configuration`, in this process or, with `overHTTP`, over a socket.
    static func with<Result: Sendable>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(), overHTTP: Bool = false,
        _ body: @Sendable (Harness) async throws -> Result
    ) async throws -> Result {
        let clock = ManualClock()
        guard overHTTP else {
            let simulator = Simulator(configuration: configuration, clock: clock)
            let application = Application(router: simulator.inProcessRouter(baseURL: inProcessBaseURL))
            return try await application.test(.router) { client in
                try await body(
                    Harness(
                        clock: clock, simulator: simulator, baseURL: inProcessBaseURL, router: client, overHTTP: nil))
            }
        }
        let http = try await SimulatorHarness.start(configuration, on: clock)
        let harness = Harness(
            clock: clock, simulator: http.simulator, baseURL: http.baseURL, router: nil, overHTTP: http)
        do {
            let result = try await body(harness)
            await http.stop()
            return result
        } catch {
            await http.stop()
            throw error
        }
    }

    /// Sends a request; `key` nil sends no Authorization header.
    func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, key: String? = "sim-key",
        headers: [(String, String)] = []
    ) async throws -> Reply {
        guard let router else {
            return try await overHTTP!.send(method, path, body: body, key: key, headers: headers)
        }
        var fields = headers
        if let key { fields.insert(("Authorization", "Bearer \(key)"), at: 0) }
        if body != nil { fields.append(("Content-Type", "application/json")) }
        let route = path.hasPrefix(baseURL) ? String(path.dropFirst(baseURL.count)) : path
        var httpFields = HTTPFields()
        for (name, value) in fields { httpFields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let response = try await router.execute(
            uri: route, method: HTTPRequest.Method(method.rawValue)!, headers: httpFields,
            body: body.map { ByteBuffer(string: $0) })
        return Reply(
            status: Int(response.status.code),
            headers: HTTPHeaders(response.headers.map { ($0.name.rawName, $0.value) }),
            body: Array(response.body.readableBytesView))
    }

    /// `POST /v1/audios/generations` with a JSON body.
    func generate(_ body: String, key: String = "sim-key", idempotencyKey: String? = nil) async throws -> Reply {
        try await send(
            .POST, "/v1/audios/generations", body: body, key: key,
            headers: idempotencyKey.map { [("Idempotency-Key", $0)] } ?? []
        )
    }

    /// `GET /v1/tasks/{id}`.
    func task(_ id: String, key: String = "sim-key") async throws -> Reply {
        try await send(.GET, "/v1/tasks/\(id)", key: key)
    }

    /// An admin route's JSON.
    func admin(_ path: String) async throws -> JSONValue {
        try await send(.GET, path, key: nil).json
    }

    /// Moves simulated time forward.
    func advance(seconds: Double) {
        clock.advance(by: .milliseconds(Int64(seconds * 1000)))
    }

    /// Creates a music task and advances the clock until it has ended; returns the final task object.
    func completedSong(_ body: String = Seeds.customSongBody(), key: String = "sim-key") async throws -> JSONValue {
        let created = try await generate(body, key: key)
        #expect(created.status == 200, "\(String(decoding: created.body, as: UTF8.self))")
        let id = try #require(created.string("id"))
        advance(seconds: 200)
        return try await task(id, key: key).json
    }

    /// Creates a persona from the first result of `song` and advances the clock until it has ended.
    func completedPersona(from song: JSONValue, key: String = "sim-key") async throws -> JSONValue {
        let songID = try #require(song["id"]?.stringValue)
        let resultID = try #require(song["result_data"]?.arrayValue?.first?["result_id"]?.stringValue)
        let created = try await generate(Seeds.personaBody(source: songID, resultID: resultID), key: key)
        #expect(created.status == 200, "\(String(decoding: created.body, as: UTF8.self))")
        let id = try #require(created.string("id"))
        advance(seconds: 30)
        return try await task(id, key: key).json
    }
}

/// The request bodies and example responses of the seed documents, and bodies built like them.
enum Seeds {
    /// Seed 001/003: the documented curl body of a music request. It leaves out `custom_mode` and `instrumental`,
    /// which the same page marks required, so the simulator refuses it unless `requireModeFlags` is false.
    static let curlMusicBody =
        #"{"model": "suno-v4.5", "prompt": "A cheerful summer pop song about road trips and freedom"}"#

    /// The seeds' curl body with the two flags their field list marks required: the smallest valid music request.
    static let musicBody = #"""
        {"model": "suno-v4.5", "custom_mode": false, "instrumental": false,
         "prompt": "A cheerful summer pop song about road trips and freedom"}
        """#

    /// Seed 001/003: the documented completed music task.
    static let completedMusic = #"""
        {"created": 1766319090, "id": "task-unified-1766319089-oqs9cue4", "model": "suno-v5",
         "object": "audio.generation.task", "progress": 100,
         "result_data": [{"result_id": "555f4ea2-cfef-4622-8355-baa5f2ce6a59", "duration": 91.2, "tags": "R&B",
           "title": "Forget Me Nots", "image_url": "https://media.evolink.ai/xxx.jpeg",
           "audio_url": "https://media.evolink.ai/xxx.mp3", "stream_audio_url": "https://media.evolink.ai/xxx.mp3"}],
         "results": ["https://media.evolink.ai/xxx.mp3", "https://media.evolink.ai/yyy.mp3"],
         "status": "completed", "task_info": {"can_cancel": false}, "type": "audio"}
        """#

    /// Seed 000/002: the documented answer to a persona request.
    static let createdPersona = #"""
        {"created": 1774170584, "id": "task-unified-1774170584-su75smg7", "model": "suno-persona",
         "object": "audio.generation.task", "progress": 0, "status": "pending",
         "task_info": {"can_cancel": false, "estimated_time": 15}, "type": "audio",
         "usage": {"billing_rule": "per_call", "credits_reserved": 1, "user_group": "default"}}
        """#

    /// api-contract §A.1: the documented (G2) answer to a music request.
    static let createdMusic = #"""
        {"id": "task-unified-1766319089-oqs9cue4", "object": "audio.generation.task", "created": 1766319090,
         "model": "suno-v5-beta", "status": "pending", "progress": 0, "type": "audio",
         "task_info": {"can_cancel": true, "estimated_time": 120},
         "usage": {"billing_rule": "per_call", "credits_reserved": 10, "user_group": "default"}}
        """#

    /// Seed 002: the persona request body ("with_vocal_range" example) with real ids.
    static func personaBody(source: String, resultID: String, extra: String = "") -> String {
        #"""
        {"model": "suno-persona", "model_params": {"source_task_id": "\#(source)", "result_id": "\#(resultID)",
         "name": "Jazz Vocalist",
         "description": "Smooth jazz vocal style with warm tones and improvisational flair suitable for lounge music",
         "vocal_start": 15, "vocal_end": 35, "style": "jazz"\#(extra)}}
        """#
    }

    /// A custom-mode song request in the shape the music page documents.
    static func customSongBody(model: String = "suno-v5-beta", extra: String = "") -> String {
        #"""
        {"model": "\#(model)", "custom_mode": true, "instrumental": false, "title": "Open Road",
         "style": "pop, upbeat, female vocals", "prompt": "[Verse]\nDriving down the open road"\#(extra)}
        """#
    }
}

/// The structure of a JSON value: objects keep their keys, arrays their first element, leaves their type name.
func shape(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members):
        .object(JSONObject(uniqueKeysWithValues: members.map { ($0.key, shape($0.value)) }.sorted { $0.0 < $1.0 }))
    case .array(let elements): .array(elements.prefix(1).map(shape))
    default: .string(value.typeName)
    }
}

/// The sorted keys of a JSON object.
func keys(_ value: JSONValue?) -> [String] {
    (value?.objectValue?.keys.elements ?? []).sorted()
}

extension JSONValue {
    /// The member for the account of API key `key` in `/_sim/stats`, which names accounts by
    /// ``SimulatorAccount/name(forKey:)`` rather than by key.
    subscript(account key: String) -> JSONValue? {
        self[SimulatorAccount.name(forKey: key)]
    }
}
