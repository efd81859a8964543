import SetlistCore
import Testing

@testable import SetlistSimulator

/// Every error example of seed 002 (the persona page's OpenAPI, the only seed that gives error bodies) is answered
/// verbatim: status, `code`, `type` and `message`, the Chinese message in Chinese. docs/SIMULATOR.md lists them.
@Suite struct SeedMessageTests {
    /// One documented example: the HTTP status and the body's three members.
    struct Documented: Sendable, CustomTestStringConvertible {
        var status: Int
        var code: String
        var type: String
        var message: String

        var testDescription: String { "\(status) \(message)" }

        var body: JSONValue {
            .object(["error": .object(["code": .string(code), "message": .string(message), "type": .string(type)])])
        }
    }

    static let missingParams = Documented(
        status: 400, code: "invalid_request", type: "invalid_request_error",
        message: "model_params.source_task_id is required")
    static let invalidSource = Documented(
        status: 400, code: "invalid_request", type: "invalid_request_error",
        message: "源任务不存在或不属于当前用户: task-unified-xxx")
    static let vocalWindow = Documented(
        status: 400, code: "invalid_request", type: "invalid_request_error",
        message: "vocal_end - vocal_start must be between 10 and 30 seconds")
    static let unauthorized = Documented(
        status: 401, code: "unauthorized", type: "authentication_error", message: "Invalid or expired token")
    static let quota = Documented(
        status: 402, code: "insufficient_quota", type: "insufficient_quota",
        message: "Insufficient quota. Please top up your account.")
    static let rateLimited = Documented(
        status: 429, code: "rate_limit_exceeded", type: "rate_limit_error",
        message: "Too many requests, please try again later")
    static let internalError = Documented(
        status: 500, code: "internal_error", type: "api_error", message: "Internal server error")

    private func expect(
        _ reply: Reply, is documented: Documented, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(reply.status == documented.status, sourceLocation: sourceLocation)
        #expect(reply.json == documented.body, sourceLocation: sourceLocation)
    }

    /// The seed's own `task-unified-xxx`, an id no key owns, gives the seed's message to the letter.
    @Test func thePersonaRequestErrorsAreTheSeedsOwn() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong()
            let task = try #require(song["id"]?.stringValue)
            let result = try #require(song["result_data"]?.arrayValue?.first?["result_id"]?.stringValue)
            expect(try await sim.generate(#"{"model": "suno-persona", "model_params": {}}"#), is: Self.missingParams)
            expect(
                try await sim.generate(Seeds.personaBody(source: "task-unified-xxx", resultID: result)),
                is: Self.invalidSource)
            let narrow = #"""
                {"model": "suno-persona", "model_params": {"source_task_id": "\#(task)", "result_id": "\#(result)",
                 "name": "N", "description": "D", "vocal_start": 10, "vocal_end": 15}}
                """#
            expect(try await sim.generate(narrow), is: Self.vocalWindow)
        }
    }

    @Test func authenticationQuotaAndRateLimitAreTheSeedsOwn() async throws {
        try await Harness.with(SimulatorConfiguration(creditsPerKey: 0, rateLimitPerMinute: 2)) { sim in
            expect(try await sim.generate(Seeds.musicBody, key: "not-a-key"), is: Self.unauthorized)
            expect(try await sim.generate(Seeds.musicBody), is: Self.quota)
            _ = try await sim.generate(Seeds.musicBody)
            expect(try await sim.generate(Seeds.musicBody), is: Self.rateLimited)
        }
    }

    @Test func aServerErrorOnASubmissionIsTheSeedsOwn() async throws {
        let faults = try FaultConfiguration(spec: "5xx=1")
        try await Harness.with(SimulatorConfiguration(faults: faults)) { sim in
            var replies: [Reply] = []
            for _ in 0..<8 { replies.append(try await sim.generate(Seeds.musicBody)) }
            let internalErrors = replies.filter { $0.status == 500 }
            try #require(!internalErrors.isEmpty, "eight 5xx faults drew no 500")
            for reply in internalErrors { expect(reply, is: Self.internalError) }
        }
    }
}
