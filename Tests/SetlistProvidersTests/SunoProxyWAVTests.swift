import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

/// Answers requests from a script, one answer after another; the last answer repeats.
actor ScriptedAnswers {
    private var answers: [HTTPResponseData]

    init(_ answers: [(Int, String)]) {
        self.answers = answers.map { HTTPResponseData(status: $0.0, body: Data($0.1.utf8)) }
    }

    func next() -> HTTPResponseData {
        answers.count > 1 ? answers.removeFirst() : answers[0]
    }
}

@Suite("Suno proxy WAV masters")
struct SunoProxyWAVTests {
    static let url = "https://cdn1.suno.ai/whole-1.wav"
    static let wav = WAVRequest(clipID: "whole-1")

    @Test(arguments: [
        #"{"code":"success","message":"","data":"https://cdn1.suno.ai/whole-1.wav"}"#,
        #"{"wav_file_url":"https://cdn1.suno.ai/whole-1.wav"}"#,
        #"{"code":"success","data":{"wav_file_url":"https://cdn1.suno.ai/whole-1.wav"}}"#,
    ])
    func everyReadyShapeCompletesTheJobAtOnce(body: String) async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: body)
        let snapshot = try await provider.submit(.wav(Self.wav), idempotencyKey: testIdempotencyKey)
        #expect(snapshot.id == "wav:whole-1")
        #expect(snapshot.status == .completed)
        #expect(snapshot.results == [TaskResult(resultID: "whole-1", audioURL: Self.url)])
        #expect(snapshot.usable(by: .wav, job: "open-road.wav").status == .completed)
        let request = try #require(await log.requests.first)
        #expect(request.method == .get)
        #expect(request.url == "https://proxy.example.test/suno/act/wav/whole-1")
        #expect(request.body.isEmpty)
    }

    @Test(arguments: [
        #"{"code":"success","message":"","data":"47443cc1-0000-4000-8000-000000000001"}"#,
        #"{"code":"success","data":{"wav_file_url":null}}"#,
        #"{"code":"success","data":null}"#,
        #"{"wav_file_url":""}"#,
    ])
    func anAnswerWithoutAURLMeansStillConverting(body: String) async throws {
        let (provider, _) = makeProxyProvider(status: 200, body: body)
        let snapshot = try await provider.submit(.wav(Self.wav), idempotencyKey: testIdempotencyKey)
        #expect(snapshot.id == "wav:whole-1")
        #expect(snapshot.status == .processing)
        #expect(snapshot.results.isEmpty)
        #expect(snapshot.estimatedSeconds == 10)
    }

    @Test func theClipIdIsOnePathSegment() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: #"{"wav_file_url":"https://x.test/a.wav"}"#)
        let snapshot = try await provider.submit(.wav(WAVRequest(clipID: "a/b c")), idempotencyKey: testIdempotencyKey)
        #expect(try #require(await log.requests.first).url == "https://proxy.example.test/suno/act/wav/a%2Fb%20c")
        #expect(snapshot.id == "wav:a/b c")
    }

    @Test func aConvertingWAVIsPolledByRepeatingTheGETUntilItsURLAppears() async throws {
        let answers = ScriptedAnswers([
            (200, #"{"code":"success","data":"47443cc1-0000-4000-8000-000000000001"}"#),
            (200, #"{"code":"success","data":"47443cc1-0000-4000-8000-000000000001"}"#),
            (200, #"{"code":"success","data":"https://cdn1.suno.ai/whole-1.wav"}"#),
        ])
        let (provider, log) = makeProxyProvider { _ in await answers.next() }
        let submitted = try await provider.submit(.wav(Self.wav), idempotencyKey: testIdempotencyKey)
        #expect(submitted.status == .processing)
        let first = try await provider.fetchTasks([submitted.id])
        #expect(first.map(\.status) == [.processing])
        let second = try await provider.fetchTasks([submitted.id])
        #expect(second.map(\.id) == ["wav:whole-1"])
        #expect(second.first?.results == [TaskResult(resultID: "whole-1", audioURL: Self.url)])
        #expect(
            await log.requests.map(\.url)
                == Array(repeating: "https://proxy.example.test/suno/act/wav/whole-1", count: 3))
        #expect(await log.requests.allSatisfy { $0.method == .get })
    }

    @Test func wavIdsLeaveTheBatchFetchAndOtherIdsStayInIt() async throws {
        let (provider, log) = makeProxyProvider { request in
            if request.url.hasSuffix("/suno/fetch") {
                let asked = (parsedJSON(request.body)?["ids"] as? [String]) ?? []
                let tasks = asked.map { ProxyFixture.task($0, status: "IN_PROGRESS") }
                return HTTPResponseData(status: 200, body: Data(ProxyFixture.fetched(tasks).utf8))
            }
            return HTTPResponseData(status: 200, body: Data(#"{"wav_file_url":"https://x.test/w.wav"}"#.utf8))
        }
        let snapshots = try await provider.fetchTasks(["t-1", "wav:c-1", "t-2", "wav:c-2"])
        #expect(Set(snapshots.map(\.id)) == ["t-1", "t-2", "wav:c-1", "wav:c-2"])
        let requests = await log.requests
        #expect(requests.count == 3)
        let batch = try #require(requests.first { $0.url.hasSuffix("/suno/fetch") })
        #expect(parsedJSON(batch.body)?["ids"] as? [String] == ["t-1", "t-2"])
        #expect(
            requests.filter { $0.url.contains("/suno/act/wav/") }.map(\.url).sorted() == [
                "https://proxy.example.test/suno/act/wav/c-1", "https://proxy.example.test/suno/act/wav/c-2",
            ])
    }

    @Test(arguments: [
        (404, "Not Found"), (405, ""), (400, #"{"code":"invalid_action","message":"invalid_action","data":null}"#),
    ])
    func aVendorWithoutWAVFailsOnlyThatJobOnAPoll(status: Int, body: String) async throws {
        let (provider, _) = makeProxyProvider { request in
            if request.url.hasSuffix("/suno/fetch") {
                return HTTPResponseData(
                    status: 200, body: Data(ProxyFixture.fetched([ProxyFixture.task("t-1", status: "SUCCESS")]).utf8))
            }
            return HTTPResponseData(status: status, body: Data(body.utf8))
        }
        let snapshots = try await provider.fetchTasks(["wav:whole-1", "t-1"])
        let wav = try #require(snapshots.first { $0.id == "wav:whole-1" })
        #expect(wav.status == .failed)
        #expect(wav.failure?.code == "not_served")
        #expect(wav.failure?.isRetriable == false)
        #expect(wav.failure?.message.contains("does not serve WAV") == true)
        #expect(wav.failure?.message.contains("output.download") == true)
        #expect(snapshots.first { $0.id == "t-1" }?.status == .completed)
    }

    @Test func aFailedWAVStatusRequestFailsLikeAFailedFetch() async throws {
        let (provider, _) = makeProxyProvider(status: 503, body: #"{"code":"internal_error","message":"busy"}"#)
        let error = try #require(
            await providerError { () async throws(ProviderError) in try await provider.fetchTasks(["wav:whole-1"]) })
        #expect(error.kind == .transient)
        #expect(error.httpStatus == 503)
    }

    @Test func anErrorEnvelopeOrAnUnreadableAnswerIsNotAWAV() async throws {
        let (refusing, _) = makeProxyProvider(status: 200, body: #"{"code":"clip_not_found","message":"no clip"}"#)
        let refused = try #require(
            await providerError { () async throws(ProviderError) in
                try await refusing.submit(.wav(Self.wav), idempotencyKey: testIdempotencyKey)
            })
        #expect(refused.kind == .rejected)
        #expect(refused.code == "clip_not_found")
        let (garbled, _) = makeProxyProvider(status: 200, body: "<html>ok</html>")
        let unreadable = try #require(
            await providerError { () async throws(ProviderError) in
                try await garbled.submit(.wav(Self.wav), idempotencyKey: testIdempotencyKey)
            })
        #expect(unreadable.kind == .transient)
        #expect(unreadable.httpStatus == nil)
        let (garbledPoll, _) = makeProxyProvider(status: 200, body: #"{"status":"done"}"#)
        let pollError = try #require(
            await providerError { () async throws(ProviderError) in try await garbledPoll.fetchTasks(["wav:whole-1"]) })
        #expect(pollError.kind == .transient)
        #expect(pollError.httpStatus == 200)
    }
}
