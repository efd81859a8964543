import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

@Suite("Evolink error classification")
struct EvolinkErrorTests {
    private func submitError(
        status: Int, body: String, headers: HTTPHeaderFields = [:], honoursIdempotencyKeys: Bool = true
    ) async throws -> ProviderError {
        let (provider, _) = makeProvider(honoursIdempotencyKeys: honoursIdempotencyKeys) { _ in
            HTTPResponseData(status: status, headers: headers, body: Data(body.utf8))
        }
        return try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
            })
    }

    private func fetchError(status: Int, body: String, headers: HTTPHeaderFields = [:]) async throws
        -> ProviderError
    {
        let (provider, _) = makeProvider(status: status, body: body, headers: headers)
        return try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.fetchTasks(["task-unified-1766319089-oqs9cue4"])
            })
    }

    @Test func unauthorizedStopsTheRunAndQuotesEvolink() async throws {
        let error = try await submitError(
            status: 401,
            body: Fixture.error(
                code: "unauthorized", message: "Invalid or expired token", type: "authentication_error"))
        #expect(error.kind == .authentication)
        #expect(error.httpStatus == 401)
        #expect(error.code == "unauthorized")
        #expect(error.message.contains("POST /v1/audios/generations (song submission)"))
        #expect(error.message.contains("\"Invalid or expired token\""))
        #expect(error.message.contains("provider.api_key_env"))
        #expect(error.description.hasPrefix("HTTP 401 unauthorized: "))
    }

    @Test func forbiddenIsAnAuthenticationFailure() async throws {
        let error = try await fetchError(
            status: 403,
            body: Fixture.error(
                code: "permission_denied", message: "You don't have permission to access this task",
                type: "invalid_request_error"))
        #expect(error.kind == .authentication)
        #expect(error.code == "permission_denied")
        #expect(error.message.contains("GET /v1/tasks/task-unified-1766319089-oqs9cue4 (task status)"))
    }

    @Test func paymentRequiredIsQuota() async throws {
        let error = try await submitError(
            status: 402,
            body: Fixture.error(
                code: "insufficient_quota", message: "Insufficient quota. Please top up your account.",
                type: "insufficient_quota"))
        #expect(error.kind == .quota)
        #expect(error.code == "insufficient_quota")
        #expect(error.message.contains("Top up the account"))
    }

    @Test func notFoundWithoutTaskCodeMeansTheBaseURLIsWrong() async throws {
        let onFetch = try await fetchError(status: 404, body: "<html><body>404 Not Found</body></html>")
        #expect(onFetch.kind == .rejected)
        #expect(onFetch.message.contains("provider.base_url"))
        #expect(onFetch.message.contains("404 Not Found"))
        let onSubmit = try await submitError(status: 404, body: "")
        #expect(onSubmit.kind == .rejected)
    }

    @Test func idempotencyConflictTellsTheUserWhatHappened() async throws {
        let error = try await submitError(
            status: 409,
            body: Fixture.error(
                code: "idempotency_conflict", message: "Idempotency key reused with a different body",
                type: "invalid_request_error"))
        #expect(error.kind == .rejected)
        #expect(error.code == "idempotency_conflict")
        #expect(error.message.contains("idempotency key \(testIdempotencyKey) was already used"))
        #expect(error.message.contains("may have been charged"))
    }

    @Test func paidOutcomeUnknownIsTransientWhateverTheStatus() async throws {
        let error = try await submitError(
            status: 409,
            body: Fixture.error(
                code: "paid_outcome_unknown", message: "An earlier request with this key is still being processed",
                type: "invalid_request_error"))
        #expect(error.kind == .transient)
        #expect(error.message.contains("reuses idempotency key \(testIdempotencyKey)"))
    }

    @Test func badRequestIsRejectedWithTheParameter() async throws {
        let error = try await fetchError(
            status: 400,
            body: """
                {"error":{"code":"invalid_task_id","message":"Invalid task ID format, must start with 'task-unified-'",
                 "type":"invalid_request_error","param":"task_id"}}
                """)
        #expect(error.kind == .rejected)
        #expect(error.code == "invalid_task_id")
        #expect(error.message.contains("parameter task_id"))
        #expect(error.message.contains("not retried"))
    }

    @Test func rateLimitHonoursRetryAfterSeconds() async throws {
        let error = try await submitError(
            status: 429,
            body: Fixture.error(
                code: "rate_limit_exceeded", message: "Too many requests, please try again later",
                type: "rate_limit_error"),
            headers: ["Retry-After": "12", "X-Request-Id": "req-77"])
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == .seconds(12))
        #expect(error.code == "rate_limit_exceeded")
        #expect(error.message.contains("asked to wait 12 s"))
        #expect(error.message.contains("request id req-77"))
    }

    @Test func rateLimitHonoursRetryAfterHTTPDateRelativeToTheInjectedClock() async throws {
        let error = try await fetchError(
            status: 429,
            body: Fixture.error(
                code: "rate_limit_exceeded", message: "Rate limit exceeded",
                type: "evo_api_error"),
            headers: ["retry-after": "Sat, 21 Nov 2026 12:00:45 GMT"])
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == .seconds(45))
    }

    @Test(
        arguments: [
            ("3600", Duration.seconds(300)), ("Sat, 21 Nov 2026 11:59:00 GMT", .zero), ("soon", nil), ("", nil),
        ] as [(String, Duration?)])
    func rateLimitWaitIsCappedAndUnreadableValuesAreDropped(header: String, expected: Duration?) async throws {
        let error = try await fetchError(status: 429, body: "", headers: ["Retry-After": header])
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == expected)
    }

    @Test(arguments: [500, 502, 503, 504])
    func serverErrorsAreTransient(status: Int) async throws {
        let error = try await submitError(
            status: status,
            body: Fixture.error(code: "internal_error", message: "Internal server error", type: "api_error"),
            headers: ["Retry-After": "3"])
        #expect(error.kind == .transient)
        #expect(error.httpStatus == status)
        #expect(error.retryAfter == .seconds(3))
        #expect(error.message.contains("reuses idempotency key \(testIdempotencyKey)"))
    }

    @Test func paidFailureWithoutIdempotencyReplayWarnsAboutDoublePayment() async throws {
        let error = try await submitError(status: 503, body: "", honoursIdempotencyKeys: false)
        #expect(error.kind == .transient)
        #expect(error.message.contains("check its dashboard before submitting this job again"))
    }

    @Test func redirectIsNotFollowed() async throws {
        let error = try await submitError(
            status: 301, body: "", headers: ["Location": "https://elsewhere.example/v1/audios/generations"])
        #expect(error.kind == .rejected)
        #expect(error.message.contains("elsewhere.example"))
    }

    @Test(arguments: ["not json", "[1,2]", #"{"object":"audio.generation.task"}"#, #"{"status":"pending"}"#])
    func malformedSuccessfulSubmissionIsTransientWithUnknownOutcome(body: String) async throws {
        let error = try await submitError(status: 200, body: body)
        #expect(error.kind == .transient)
        #expect(error.httpStatus == 200)
        #expect(error.message.contains("may have been accepted and charged"))
    }

    @Test func malformedStatusAnswerIsTransient() async throws {
        let error = try await fetchError(
            status: 200,
            body: Fixture.error(
                code: "internal_error", message: "upstream hiccup", type: "api_error"))
        #expect(error.kind == .transient)
        #expect(error.message.contains("carries an error instead of a task"))
        #expect(error.message.contains("\"upstream hiccup\""))
        #expect(error.message.contains("status request is retried"))
    }

    @Test(arguments: [
        (HTTPTransportError(kind: .connection, detail: "connection reset by peer"), ProviderErrorKind.transient),
        (HTTPTransportError(kind: .timeout, detail: "no complete response within 60 seconds"), .transient),
        (HTTPTransportError(kind: .cancelled, detail: "the request was cancelled"), .transient),
        (HTTPTransportError(kind: .invalidResponse, detail: "the body exceeded 8 bytes"), .transient),
        (HTTPTransportError(kind: .invalidRequest, detail: "the URL is invalid"), .rejected),
    ])
    func transportFailuresAreClassified(failure: HTTPTransportError, expected: ProviderErrorKind) async throws {
        let (provider, _) = makeProvider { _ in throw failure }
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
            })
        #expect(error.kind == expected)
        #expect(error.httpStatus == nil)
        #expect(error.message.hasPrefix("Could not complete POST /v1/audios/generations (song submission)"))
    }

    @Test func foreignTransportErrorIsTransient() async throws {
        struct Boom: Error {}
        let (provider, _) = makeProvider { _ in throw Boom() }
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.fetchTasks(["task-unified-1-a"])
            })
        #expect(error.kind == .transient)
    }

    @Test func invalidBaseURLIsRejectedWithoutSending() async throws {
        let (provider, log) = makeProvider(baseURL: "api.evolink.ai") { _ in
            HTTPResponseData(status: 200, body: Data(Fixture.createdTask.utf8))
        }
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
            })
        #expect(error.kind == .rejected)
        #expect(error.message.contains("provider.base_url"))
        #expect(await log.requests.isEmpty)
    }
}
