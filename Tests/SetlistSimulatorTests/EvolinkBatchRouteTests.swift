import SetlistCore
import Testing

@testable import SetlistSimulator

extension Harness {
    /// `POST /v1/tasks/batch` with `{"task_ids": ids}`.
    func batch(_ ids: [String], key: String? = "sim-key") async throws -> Reply {
        let list = ids.map { #""\#($0)""# }.joined(separator: ",")
        return try await send(.POST, "/v1/tasks/batch", body: #"{"task_ids":[\#(list)]}"#, key: key)
    }

    /// Creates an Evolink music task and returns its id.
    func evolinkSongID(key: String = "sim-key") async throws -> String {
        try #require(try await generate(Seeds.customSongBody(), key: key).string("id"))
    }
}

/// `POST /v1/tasks/batch` (api-contract §A.4, last paragraphs): task objects as the single GET renders them, only
/// the key's own tasks, at most 50 ids, the gate of the other routes, and the switch that turns it off.
@Suite struct EvolinkBatchRouteTests {
    @Test func answersEachOwnTaskAsTheSingleGETDoesInTheOrderAsked() async throws {
        let configuration = SimulatorConfiguration(apiKeys: ["sim-key", "other"])
        try await Harness.with(configuration) { sim in
            let first = try await sim.evolinkSongID()
            let second = try await sim.evolinkSongID()
            let theirs = try await sim.evolinkSongID(key: "other")
            let proxyID = try #require(try await sim.proxyMusic(ProxySeeds.custom).json["data"]?.stringValue)
            sim.advance(seconds: 60)
            let reply = try await sim.batch([second, theirs, "task-unified-1-nope", proxyID, "x", first, second])
            #expect(reply.status == 200)
            #expect(keys(reply.json) == ["data"])
            let tasks = try #require(reply.json["data"]?.arrayValue)
            #expect(tasks.map { $0["id"]?.stringValue } == [second, first])
            #expect(tasks[0] == (try await sim.task(second).json))
            #expect(tasks[1] == (try await sim.task(first).json))

            sim.advance(seconds: 200)
            let done = try #require(try await sim.batch([first]).json["data"]?.arrayValue)
            #expect(done == [try await sim.task(first).json])
            #expect(done[0]["result_data"]?.arrayValue?.count == 2)
            #expect(try await sim.batch([]).json == .object(["data": .array([])]))
        }
    }

    @Test func personaAndFailedTasksKeepTheirShapes() async throws {
        let configuration = SimulatorConfiguration(faults: try FaultConfiguration(spec: "fail=1"))
        try await Harness.with(configuration) { sim in
            let failed = try await sim.evolinkSongID()
            sim.advance(seconds: 200)
            let answer = try #require(try await sim.batch([failed]).json["data"]?.arrayValue?.first)
            #expect(answer["status"]?.stringValue == "failed")
            #expect(answer["error"]?["type"]?.stringValue == "task_error")
            #expect(answer == (try await sim.task(failed).json))
        }
        try await Harness.with { sim in
            let persona = try await sim.completedPersona(from: try await sim.completedSong())
            let id = try #require(persona["id"]?.stringValue)
            let answer = try #require(try await sim.batch([id]).json["data"]?.arrayValue?.first)
            #expect(answer == persona)
            #expect(answer["result_data"]?["persona_id"]?.stringValue != nil)
        }
    }

    @Test(arguments: [
        (#"{"task_ids": "task-unified-1-a"}"#, "task_ids is required and must be an array of task ids."),
        (#"{"ids": ["task-unified-1-a"]}"#, "task_ids is required and must be an array of task ids."),
        (#"{"task_ids": [1, 2]}"#, "task_ids must hold only strings."),
        (#"["task-unified-1-a"]"#, "The request body must be a JSON object."),
        ("not json", "The request body must be a JSON object."),
    ])
    func invalidRequestIsA400InTheDocumentedBody(body: String, message: String) async throws {
        try await Harness.with { sim in
            let reply = try await sim.send(.POST, "/v1/tasks/batch", body: body)
            #expect(reply.status == 400)
            #expect(reply.errorCode == "invalid_request")
            #expect(reply.json["error"]?["type"]?.stringValue == "invalid_request_error")
            #expect(reply.errorMessage == message)
        }
    }

    @Test func fiftyIDsAreTheMost() async throws {
        try await Harness.with { sim in
            let fifty = (1...50).map { "task-unified-\($0)-a" }
            #expect(try await sim.batch(fifty).status == 200)
            let reply = try await sim.batch(fifty + ["task-unified-51-a"])
            #expect(reply.status == 400)
            #expect(reply.errorCode == "invalid_request")
            #expect(reply.json["error"]?["param"]?.stringValue == "task_ids")
            #expect(reply.errorMessage == "task_ids may hold at most 50 ids; this request has 51.")
        }
    }

    @Test func passesTheGateAndCountsAsOneRequest() async throws {
        let configuration = SimulatorConfiguration(rateLimitPerMinute: 3)
        try await Harness.with(configuration) { sim in
            let unauthorized = try await sim.batch([], key: nil)
            #expect(unauthorized.status == 401)
            #expect(unauthorized.json["error"]?["type"]?.stringValue == "authentication_error")
            let id = try await sim.evolinkSongID()
            #expect(try await sim.batch([id, id]).status == 200)
            #expect(try await sim.batch([id]).status == 200)
            let limited = try await sim.batch([id])
            #expect(limited.status == 429)
            #expect(limited.errorCode == "rate_limit_exceeded")
            #expect(limited.headers.first(name: "Retry-After") != nil)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["requests"]?["POST /v1/tasks/batch"]?["200"]?.numberValue == 2)
            #expect(stats["requests"]?["POST /v1/tasks/batch"]?["429"]?.numberValue == 1)
            #expect(stats["requests"]?["POST /v1/tasks/batch"]?["401"]?.numberValue == 1)
            #expect(stats["requests"]?["POST /v1/tasks/{id}"] == nil)
            #expect(stats["requests"]?["GET /v1/tasks/{id}"] == nil)
        }
    }

    @Test func faultsApplyAsOnTheOtherRoutes() async throws {
        try await Harness.with { sim in
            let id = try await sim.evolinkSongID()
            sim.simulator.setFaults(try FaultConfiguration(spec: "5xx=1"))
            let failing = try await sim.batch([id])
            #expect([500, 503].contains(failing.status))
            #expect(failing.json["error"]?["type"]?.stringValue == "api_error")
            sim.simulator.setFaults(try FaultConfiguration(spec: "malformed=1"))
            let malformed = try await sim.batch([id])
            #expect(malformed.status == 200)
            #expect(malformed.json == .null)
            #expect(malformed.text.hasPrefix(#"{"data":[{"#))
            sim.simulator.setFaults(try FaultConfiguration(spec: "notfound=1"))
            #expect(try await sim.batch([id]).json["data"]?.arrayValue?.isEmpty == true)
            sim.simulator.setFaults(FaultConfiguration())
            #expect(try await sim.batch([id]).json["data"]?.arrayValue?.count == 1)
        }
    }

    @Test func switchedOffItAnswers404LikeAPathWithoutARoute() async throws {
        try await Harness.with(SimulatorConfiguration(evolinkBatch: false)) { sim in
            let id = try await sim.evolinkSongID()
            let reply = try await sim.batch([id])
            #expect(reply.status == 404)
            #expect(reply.errorCode == "not_found")
            #expect(reply.errorMessage == "There is no route POST /v1/tasks/batch.")
            #expect(try await sim.task(id).status == 200)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["requests"]?["POST /v1/tasks/batch"]?["404"]?.numberValue == 1)
        }
    }

    @Test func otherMethodsAre405AndSingleTasksStillAnswer() async throws {
        try await Harness.with { sim in
            let id = try await sim.evolinkSongID()
            let get = try await sim.send(.GET, "/v1/tasks/batch")
            #expect(get.status == 405)
            #expect(get.headers.first(name: "Allow") == "POST")
            let post = try await sim.send(.POST, "/v1/tasks/\(id)", body: "{}")
            #expect(post.status == 405)
            #expect(post.headers.first(name: "Allow") == "GET")
            #expect(try await sim.task(id).status == 200)
        }
    }
}
