import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

/// A key HTTP cannot carry (a newline from a key file) never reaches the network, and the failure says nothing
/// was sent: it is not the transient "may have been charged" outcome that holds a job as unknown.
@Suite("A header HTTP cannot carry is never sent")
struct UnsendableHeaderTests {
    static let badKey = testAPIKey + "\n"

    @Test func evolinkRefusesABadKeyBeforeTheTransportAsAnAuthenticationFailure() async throws {
        let log = RequestLog()
        let transport = ClosureHTTPTransport { request in
            await log.record(request)
            return HTTPResponseData(status: 200, body: Data(Fixture.createdTask.utf8))
        }
        let provider = EvolinkProvider(
            baseURL: "https://api.evolink.test", apiKey: Self.badKey, transport: transport, now: { fixedNow })
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
            })
        #expect(error.kind == .authentication)
        #expect(error.httpStatus == nil)
        #expect(error.message.contains("so nothing was sent and nothing was charged"), "\(error.message)")
        #expect(!error.message.contains(testAPIKey))
        #expect(await log.requests.isEmpty)
    }

    @Test func theSunoProxyRefusesABadKeyBeforeTheTransport() async throws {
        let log = RequestLog()
        let transport = ClosureHTTPTransport { request in
            await log.record(request)
            return HTTPResponseData(status: 200, body: Data(ProxyFixture.submitted.utf8))
        }
        let provider = SunoProxyProvider(
            baseURL: "https://proxy.example.test/", apiKey: Self.badKey, transport: transport, now: { fixedNow })
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
            })
        #expect(error.kind == .authentication)
        #expect(await log.requests.isEmpty)
    }

    @Test func theTransportRefusesAnUnsendableHeaderBeforeConnecting() async throws {
        let transport = AsyncHTTPTransport()
        defer { Task { try? await transport.shutdown() } }
        let request = HTTPRequestData(
            method: .post, url: "http://127.0.0.1:9/v1/audios/generations",
            headers: ["Authorization": "Bearer \(Self.badKey)"], timeout: .seconds(5))
        await #expect {
            _ = try await transport.send(request)
        } throws: { error in
            guard let failure = error as? HTTPTransportError else { return false }
            return failure.kind == .invalidRequest && !failure.detail.contains(testAPIKey)
        }
    }

    @Test func unsendableFieldsAreFoundByNameAndValue() {
        #expect(HTTPHeaderFields([("Authorization", "Bearer k"), ("Accept", "a\tb")]).unsendableFieldName == nil)
        #expect(HTTPHeaderFields([("Authorization", "Bearer k\r\n")]).unsendableFieldName == "Authorization")
        #expect(HTTPHeaderFields([("X", "\u{7F}")]).unsendableFieldName == "X")
        #expect(HTTPHeaderFields([("Bad Name", "v")]).unsendableFieldName == "Bad Name")
    }

    @Test func anUnbuildableRequestIsRejectedNotTransient() {
        let classifier = ProviderFailureClassifier(
            credential: APICredential(testAPIKey), now: { fixedNow }, retryAfterCap: .seconds(60))
        let call = ProviderCall(
            provider: "Evolink", method: .post, path: "/v1/audios/generations", purpose: "song submission",
            isPaid: true, idempotencyKey: testIdempotencyKey, replaysIdempotentRequests: true)
        let failure = HTTPTransportError(
            kind: .invalidRequest, detail: "the X header holds a character HTTP cannot carry")
        let error = classifier.transportFailure(failure, call: call)
        #expect(error.kind == .rejected)
        #expect(error.message.contains("Nothing reached Evolink, so nothing was charged"))
        #expect(!error.message.contains("may have been accepted and charged"))
    }
}
