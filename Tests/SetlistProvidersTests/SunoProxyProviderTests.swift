import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

/// A Suno proxy provider over a closure transport, plus the log of what it sent.
func makeProxyProvider(
    maxBatchSize: Int = SunoProxyProvider.defaultBatchSize,
    respond: @escaping @Sendable (HTTPRequestData) async throws -> HTTPResponseData
) -> (SunoProxyProvider, RequestLog) {
    let log = RequestLog()
    let transport = ClosureHTTPTransport { request in
        await log.record(request)
        return try await respond(request)
    }
    let provider = SunoProxyProvider(
        baseURL: "https://proxy.example.test/", apiKey: testAPIKey, transport: transport, maxBatchSize: maxBatchSize,
        now: { fixedNow })
    return (provider, log)
}

/// A proxy answering every request with `status` and `body`.
func makeProxyProvider(status: Int, body: String) -> (SunoProxyProvider, RequestLog) {
    makeProxyProvider { _ in HTTPResponseData(status: status, body: Data(body.utf8)) }
}

/// Retyped bodies of api-contract §B.
enum ProxyFixture {
    static let submitted = #"{"code":"success","message":"","data":"736a6f88-bd29-4b1e-b110-37132a5325ac"}"#

    static func task(_ id: String, status: String, failReason: String = "") -> String {
        #"""
        {"task_id":"\#(id)","notify_hook":"","action":"MUSIC","status":"\#(status)","fail_reason":"\#(failReason)",
         "submit_time":1758435704,"start_time":1758435704,"finish_time":1758435862,"progress":"100%",
         "data":[{"id":"e1138cfd-0000-4000-8000-000000000001","title":"Cat Dance","status":"complete",
                  "model_name":"chirp-v4","audio_url":"https://cdn1.suno.ai/e1138cfd.mp3",
                  "image_url":"https://cdn2.suno.ai/image_e1138cfd.jpeg","video_url":"",
                  "metadata":{"tags":"electronic","prompt":"[Verse]","duration":240,"type":"gen"}}]}
        """#
    }

    static func fetched(_ tasks: [String]) -> String {
        #"{"code":"success","message":"","data":[\#(tasks.joined(separator: ","))]}"#
    }

    static let persona = #"""
        {"id":"fd213afd-ac1c-4822-9802-c1c0ea45e77b","name":"food","description":"123",
         "root_clip_id":"54834687-5e79-4f08-8e14-cf188f15b598","image_s3_id":"x",
         "clip":{"id":"54834687-5e79-4f08-8e14-cf188f15b598","status":"complete","model_name":"chirp-v4"},
         "persona_clips":[{"id":0,"clip":{"id":"54834687-5e79-4f08-8e14-cf188f15b598"}}],
         "is_suno_persona":false,"is_public":true,"is_owned":true,"clip_count":1,"upvote_count":0}
        """#
}

@Suite("Suno proxy provider")
struct SunoProxyProviderTests {
    private func body(_ request: HTTPRequestData) -> NSDictionary? { parsedJSON(request.body) }

    @Test func customSongMapsToPromptTitleTagsAndMV() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.submitted)
        let song = SongRequest(
            model: "suno-v5-beta", customMode: true, instrumental: false, prompt: "[Verse] la", style: "pop",
            title: "Open Road", negativeTags: "metal", vocalGender: .f, styleWeight: 0.5, weirdnessConstraint: 0.2,
            callbackURL: "https://hooks.example.com/suno")
        let snapshot = try await provider.submitSong(song, idempotencyKey: testIdempotencyKey)
        #expect(snapshot.id == "736a6f88-bd29-4b1e-b110-37132a5325ac")
        #expect(snapshot.status == .pending)
        #expect(snapshot.estimatedSeconds == SunoProxyProvider.defaultTypicalTaskSeconds)
        let request = try #require(await log.requests.first)
        #expect(request.url == "https://proxy.example.test/suno/submit/music")
        #expect(request.headers["Authorization"] == "Bearer \(testAPIKey)")
        #expect(request.headers["Idempotency-Key"] == nil)
        #expect(
            body(request)
                == parsedJSON(
                    """
                    {"mv":"chirp-crow","make_instrumental":false,"prompt":"[Verse] la","title":"Open Road","tags":"pop",
                     "negative_tags":"metal","vocal_gender":"f","notify_hook":"https://hooks.example.com/suno"}
                    """))
    }

    @Test func simpleSongIsInspirationMode() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.submitted)
        let song = SongRequest(model: "suno-v4-beta", customMode: false, instrumental: true, prompt: "rainy jazz")
        _ = try await provider.submitSong(song, idempotencyKey: testIdempotencyKey)
        let request = try #require(await log.requests.first)
        #expect(
            body(request)
                == parsedJSON(
                    #"{"mv":"chirp-v4","make_instrumental":true,"gpt_description_prompt":"rainy jazz"}"#))
    }

    @Test func personaSongUsesArtistConsistency() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.submitted)
        let song = SongRequest(
            model: "suno-v5-beta", customMode: true, instrumental: false, prompt: "la", style: "pop", title: "T",
            personaID: "p-1", personaModel: .voicePersona, artistClipID: "clip-1")
        _ = try await provider.submitSong(song, idempotencyKey: testIdempotencyKey)
        let request = try #require(await log.requests.first)
        #expect(
            body(request)
                == parsedJSON(
                    """
                    {"mv":"chirp-auk","make_instrumental":false,"prompt":"la","title":"T","tags":"pop",
                     "task":"artist_consistency","persona_id":"p-1","artist_clip_id":"clip-1","generation_type":"TEXT"}
                    """))
    }

    @Test func unservableRequestsAreRejectedBeforeSending() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.submitted)
        let v6 = SongRequest(model: "suno-v6-beta", customMode: false, instrumental: false, prompt: "x")
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(v6, idempotencyKey: testIdempotencyKey)
            })
        #expect(error.kind == .rejected)
        let noClip = SongRequest(
            model: "suno-v5-beta", customMode: true, instrumental: false, prompt: "la", style: "pop", title: "T",
            personaID: "p-1")
        let clipError = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(noClip, idempotencyKey: testIdempotencyKey)
            })
        #expect(clipError.message.contains("artist_clip_id"))
        #expect(await log.requests.isEmpty)
    }

    @Test func personaIsCreatedSynchronouslyFromTheBareObject() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.persona)
        let snapshot = try await provider.submitPersona(basicPersona, idempotencyKey: testIdempotencyKey)
        #expect(snapshot.status == .completed)
        #expect(snapshot.id == "fd213afd-ac1c-4822-9802-c1c0ea45e77b")
        #expect(snapshot.personaID == snapshot.id)
        let request = try #require(await log.requests.first)
        #expect(request.url == "https://proxy.example.test/suno/persona/create")
        #expect(
            body(request)
                == parsedJSON(
                    """
                    {"root_clip_id":"4fcc4507-a7ae-4441-ad8a-465c2f61d5bb","name":"Electronic Pop Singer",
                     "description":"Modern electronic style with energetic beats and synthesizer tones for dance music",
                     "clips":["4fcc4507-a7ae-4441-ad8a-465c2f61d5bb"],"is_public":false}
                    """))
    }

    @Test func wrappedPersonaIsAcceptedToo() async throws {
        let wrapped = #"{"code":"success","message":"","data":\#(ProxyFixture.persona)}"#
        let (provider, _) = makeProxyProvider(status: 200, body: wrapped)
        let snapshot = try await provider.submitPersona(basicPersona, idempotencyKey: testIdempotencyKey)
        #expect(snapshot.personaID == "fd213afd-ac1c-4822-9802-c1c0ea45e77b")
    }

    @Test func fetchBatchesIdsAndReadsStatuses() async throws {
        let ids = (1...5).map { "id-\($0)" }
        let (provider, log) = makeProxyProvider(maxBatchSize: 2) { request in
            let asked = (parsedJSON(request.body)?["ids"] as? [String]) ?? []
            let statuses = ["id-1": "SUCCESS", "id-2": "IN_PROGRESS", "id-3": "QUEUED", "id-4": "FAILURE"]
            let tasks =
                asked.compactMap { id in
                    statuses[id].map { ProxyFixture.task(id, status: $0, failReason: "Content moderation failed") }
                } + [ProxyFixture.task("not-asked", status: "SUCCESS")]
            return HTTPResponseData(status: 200, body: Data(ProxyFixture.fetched(tasks).utf8))
        }
        let snapshots = try await provider.fetchTasks(ids)
        #expect(await log.requests.count == 3)
        #expect(await log.requests.allSatisfy { $0.url.hasSuffix("/suno/fetch") && $0.method == .post })
        #expect(snapshots.map(\.id) == ["id-1", "id-2", "id-3", "id-4"])
        #expect(snapshots.map(\.status) == [.completed, .processing, .pending, .failed])
        let result = try #require(snapshots[0].results.first)
        #expect(result.resultID == "e1138cfd-0000-4000-8000-000000000001")
        #expect(result.tags == "electronic")
        #expect(result.duration == 240)
        #expect(result.audioURL == "https://cdn1.suno.ai/e1138cfd.mp3")
        #expect(snapshots[1].results.isEmpty)
        #expect(snapshots[3].failure?.code == "content_policy_violation")
        #expect(snapshots[3].failure?.isRetriable == false)
        #expect(snapshots[0].progress == 100)
    }

    @Test(arguments: [
        ("任务超时（10分钟）", "generation_timeout"), ("upstream exploded", "upstream_error"),
        ("Your prompt violates our policy", "content_policy_violation"),
    ])
    func failReasonsAreClassifiedByTheirWords(reason: String, code: String) {
        #expect(SunoProxyDecoder.failure(reason).code == code)
    }

    @Test func errorEnvelopesAreClassified() async throws {
        let cases: [(Int, String, ProviderErrorKind)] = [
            (400, #"{"code":"invalid_request","message":"prompt is required","data":null}"#, .rejected),
            (
                401, #"{"error":{"message":"Invalid token.","type":"new_api_error","code":"invalid_token"}}"#,
                .authentication
            ),
            (403, #"{"error":{"message":"quota","type":"new_api_error","code":"insufficient_user_quota"}}"#, .quota),
            (429, #"{"code":"rate_limit_exceeded","message":"当前分组上游负载已饱和，请稍后再试","data":null}"#, .rateLimited),
            (500, #"{"code":"internal_error","message":"boom","data":null}"#, .transient),
            (503, #"{"error":{"message":"No available channel","type":"new_api_error","code":"x"}}"#, .transient),
            (200, #"{"code":"invalid_request","message":"bad","data":null}"#, .rejected),
            (200, #"{"code":"success","message":"","data":"#, .transient),
        ]
        for (status, text, kind) in cases {
            let (provider, _) = makeProxyProvider(status: status, body: text)
            let error = try #require(
                await providerError { () async throws(ProviderError) in
                    try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
                })
            #expect(error.kind == kind, "\(status) \(text): \(error)")
            #expect(!error.message.contains(testAPIKey))
        }
    }

    @Test func unknownTaskOnSingleFetchIsNotFound() async throws {
        let (provider, _) = makeProxyProvider(
            status: 400, body: #"{"code":"task_not_exist","message":"task_not_exist","data":null}"#)
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.fetchTasks(["gone"])
            })
        #expect(error.kind == .notFound)
    }

    @Test func lostSubmissionSaysToCheckTheDashboard() async throws {
        let (provider, _) = makeProxyProvider { _ in throw HTTPTransportError(kind: .connection, detail: "reset") }
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
            })
        #expect(error.kind == .transient)
        #expect(error.message.contains("dashboard"))
        #expect(provider.honoursIdempotencyKeys == false)
        #expect(provider.maxBatchSize > 1)
        #expect(!String(describing: provider).contains(testAPIKey))
    }
}
