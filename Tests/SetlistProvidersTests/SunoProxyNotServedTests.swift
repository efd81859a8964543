import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

/// The four whole-song requests, each with what its not-served message names.
private let wholeSongRequests: [(ProviderRequest, name: String, path: String)] = [
    (.lyrics(WholeSongFixture.lyrics), "lyrics", "POST /suno/submit/lyrics"),
    (.extension(WholeSongFixture.extension1), "extend", "POST /suno/submit/music"),
    (.join(WholeSongFixture.join), "concat", "POST /suno/submit/concat"),
    (.wav(WAVRequest(clipID: "whole-1")), "WAV", "GET /suno/act/wav/whole-1"),
]

/// Answers that mean the vendor has no such endpoint: stock new-api, Suno-API, and a router without the route.
private let notServedAnswers: [(Int, String, detail: String)] = [
    (400, #"{"code":"invalid_action","message":"invalid_action","data":null}"#, "HTTP 400 invalid_action"),
    (400, #"{"code":"invalid_request","message":"invalid action","data":null}"#, #"HTTP 400 "invalid action""#),
    (404, "404 page not found", "HTTP 404"),
    (405, "", "HTTP 405"),
]

@Suite("Suno proxy requests a vendor does not serve")
struct SunoProxyNotServedTests {
    @Test(arguments: 0..<wholeSongRequests.count, 0..<notServedAnswers.count)
    func aRequestTheVendorDoesNotServeFailsThatJobAlone(request index: Int, answer: Int) async throws {
        let (request, name, path) = wholeSongRequests[index]
        let (status, body, detail) = notServedAnswers[answer]
        let (provider, _) = makeProxyProvider(status: status, body: body)
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submit(request, idempotencyKey: testIdempotencyKey)
            })
        #expect(error.kind == .rejected)
        #expect(error.code == "not_served")
        #expect(error.httpStatus == status)
        #expect(
            error.message.hasPrefix(
                "The vendor at https://proxy.example.test does not serve \(name) (\(path) answered \(detail))."))
        #expect(error.message.hasSuffix("the rest of the album goes on."))
        #expect(error.message.contains("Use a vendor that serves it"))
    }

    @Test func aSongAnswered404KeepsTheBaseURLAdvice() async throws {
        let (provider, _) = makeProxyProvider(status: 404, body: "404 page not found")
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
            })
        #expect(error.kind == .rejected)
        #expect(error.code != "not_served")
        #expect(error.message.contains("provider.base_url"))
    }

    @Test func theKeyGoesOnlyIntoTheAuthorizationHeader() async throws {
        let (provider, log) = makeProxyProvider { request in
            let body =
                request.method == .get
                ? #"{"wav_file_url":"https://x.test/w.wav"}"#
                : request.url.hasSuffix("/suno/fetch") ? ProxyFixture.fetched([]) : ProxyFixture.submitted
            return HTTPResponseData(status: 200, body: Data(body.utf8))
        }
        for (request, _, _) in wholeSongRequests {
            _ = try await provider.submit(request, idempotencyKey: testIdempotencyKey)
        }
        _ = try await provider.fetchTasks(["wav:whole-1", "t-1"])
        let requests = await log.requests
        #expect(requests.count == 6)
        for request in requests {
            #expect(request.headers["Authorization"] == "Bearer \(testAPIKey)")
            #expect(request.headers["Idempotency-Key"] == nil)
            #expect(!request.url.contains(testAPIKey))
            #expect(!String(decoding: request.body, as: UTF8.self).contains(testAPIKey))
            let others = request.headers.filter { $0.name.lowercased() != "authorization" }
            #expect(others.allSatisfy { !$0.value.contains(testAPIKey) })
        }
        let (echoing, _) = makeProxyProvider(
            status: 404, body: #"{"code":"not_found","message":"no route for key \#(testAPIKey)"}"#)
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await echoing.submit(.join(WholeSongFixture.join), idempotencyKey: testIdempotencyKey)
            })
        #expect(!error.message.contains(testAPIKey))
    }
}
