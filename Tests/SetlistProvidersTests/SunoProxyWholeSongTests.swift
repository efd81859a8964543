import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

/// Retyped bodies of api-contract-proxy-extras §1–§3.
enum WholeSongFixture {
    static let extension1 = ExtensionRequest(
        model: "suno-v5-beta", taskID: "736a6f88-bd29-4b1e-b110-37132a5325ac",
        clipID: "e1138cfd-0000-4000-8000-000000000001", continueAt: 61.59, prompt: "[Bridge]\nHold on",
        title: "Open Road", style: "indie pop", negativeTags: "metal")

    static let join = JoinRequest(clipID: "ext-clip-2")

    static let lyrics = LyricsRequest(prompt: "A road trip at dawn")

    /// A finished lyrics task as one vendor's batch fetch gives it: `data` an object, `action` empty, `tags` a list.
    static let lyricsTask = #"""
        {"task_id":"lyr-1","action":"","status":"SUCCESS","fail_reason":"","progress":"100%",
         "submit_time":1758435704,"start_time":1758435704,"finish_time":1758435704,
         "data":{"id":"f4a94d75-0000-4000-8000-000000000001","title":"Electric Fantasy",
                 "text":"[Verse]\nNeon lights","status":"complete","tags":["synthwave","dreamy"]}}
        """#

    /// A finished concat task: one clip, the whole song.
    static let concatTask = #"""
        {"task_id":"cat-1","action":"MUSIC","status":"SUCCESS","fail_reason":"","progress":"100%",
         "data":[{"id":"whole-1","title":"Open Road","status":"complete","audio_url":"https://cdn1.suno.ai/whole-1.mp3",
                  "image_url":"https://cdn2.suno.ai/whole-1.jpeg",
                  "metadata":{"tags":"indie pop","duration":242.5,"type":"concat",
                              "concat_history":[{"id":"clip-0","continue_at":60,"type":"gen","infill":false},
                                                {"id":"ext-clip-2","continue_at":null}]}}]}
        """#
}

@Suite("Suno proxy whole songs: lyrics, extend, concat")
struct SunoProxyWholeSongTests {
    private func submit(_ provider: SunoProxyProvider, _ request: ProviderRequest) async throws(ProviderError)
        -> TaskSnapshot
    {
        try await provider.submit(request, idempotencyKey: testIdempotencyKey)
    }

    @Test func lyricsSendsThePromptOnly() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.submitted)
        let snapshot = try await submit(provider, .lyrics(WholeSongFixture.lyrics))
        #expect(snapshot.id == "736a6f88-bd29-4b1e-b110-37132a5325ac")
        #expect(snapshot.status == .pending)
        #expect(snapshot.estimatedSeconds == 10)
        let request = try #require(await log.requests.first)
        #expect(request.method == .post)
        #expect(request.url == "https://proxy.example.test/suno/submit/lyrics")
        #expect(parsedJSON(request.body) == parsedJSON(#"{"prompt":"A road trip at dawn"}"#))
    }

    @Test func extendSendsTheParentTaskClipTimeAndModelVersion() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.submitted)
        let snapshot = try await submit(provider, .extension(WholeSongFixture.extension1))
        #expect(snapshot.status == .pending)
        #expect(snapshot.estimatedSeconds == SunoProxyProvider.defaultTypicalTaskSeconds)
        let request = try #require(await log.requests.first)
        #expect(request.url == "https://proxy.example.test/suno/submit/music")
        #expect(
            parsedJSON(request.body)
                == parsedJSON(
                    """
                    {"task":"extend","task_id":"736a6f88-bd29-4b1e-b110-37132a5325ac",
                     "continue_clip_id":"e1138cfd-0000-4000-8000-000000000001","continue_at":61.59,
                     "prompt":"[Bridge]\\nHold on","mv":"chirp-crow","title":"Open Road","tags":"indie pop",
                     "negative_tags":"metal","make_instrumental":false}
                    """))
    }

    @Test func extendOfAPersonaSongUsesThePersonaVersionAndSendsAnEmptyPrompt() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.submitted)
        let part = ExtensionRequest(
            model: "suno-v5", personaVersion: true, taskID: "t-1", clipID: "c-1", continueAt: 120, prompt: "",
            instrumental: true)
        _ = try await submit(provider, .extension(part))
        let request = try #require(await log.requests.first)
        #expect(
            parsedJSON(request.body)
                == parsedJSON(
                    """
                    {"task":"extend","task_id":"t-1","continue_clip_id":"c-1","continue_at":120,"prompt":"",
                     "mv":"chirp-auk","make_instrumental":true}
                    """))
    }

    @Test(arguments: [
        ExtensionRequest(model: "suno-v6-beta", taskID: "t", clipID: "c", continueAt: 30, prompt: ""),
        ExtensionRequest(
            model: "suno-v4-beta", personaVersion: true, taskID: "t", clipID: "c", continueAt: 30, prompt: ""),
        ExtensionRequest(model: "suno-v5-beta", taskID: "", clipID: "c", continueAt: 30, prompt: ""),
        ExtensionRequest(model: "suno-v5-beta", taskID: "t", clipID: "", continueAt: 30, prompt: ""),
    ])
    func unservableExtensionsAreRejectedBeforeSending(part: ExtensionRequest) async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.submitted)
        let error = try #require(
            await providerError { () async throws(ProviderError) in try await submit(provider, .extension(part)) })
        #expect(error.kind == .rejected)
        #expect(error.message.contains("extend submission was not sent"))
        #expect(await log.requests.isEmpty)
    }

    @Test func concatSendsTheLastClipAndNoInfill() async throws {
        let (provider, log) = makeProxyProvider(status: 200, body: ProxyFixture.submitted)
        let snapshot = try await submit(provider, .join(WholeSongFixture.join))
        #expect(snapshot.status == .pending)
        #expect(snapshot.estimatedSeconds == 30)
        let request = try #require(await log.requests.first)
        #expect(request.url == "https://proxy.example.test/suno/submit/concat")
        #expect(parsedJSON(request.body) == parsedJSON(#"{"clip_id":"ext-clip-2","is_infill":false}"#))
    }

    @Test func lyricsTaskIsReadFromItsDataObject() async throws {
        let (provider, log) = makeProxyProvider(
            status: 200, body: ProxyFixture.fetched([WholeSongFixture.lyricsTask]))
        let snapshots = try await provider.fetchTasks(["lyr-1"])
        let snapshot = try #require(snapshots.first)
        #expect(snapshot.status == .completed)
        #expect(
            snapshot.results == [
                TaskResult(
                    resultID: "f4a94d75-0000-4000-8000-000000000001", title: "Electric Fantasy",
                    tags: "synthwave, dreamy", text: "[Verse]\nNeon lights")
            ])
        #expect(snapshot.usable(by: .lyrics, job: "words").status == .completed)
        #expect(parsedJSON(try #require(await log.requests.first).body)?["ids"] as? [String] == ["lyr-1"])
    }

    @Test func lyricsWithoutActionAndWithStringTagsAreReadToo() {
        let task = JSONValue.parse(
            Data(
                #"""
                {"task_id":"lyr-2","status":"SUCCESS",
                 "data":{"id":"l-2","title":"Dawn","text":"[Chorus] Go","status":"complete","tags":"folk"}}
                """#.utf8))
        let snapshot = task.flatMap(SunoProxyDecoder.snapshot)
        #expect(snapshot?.results == [TaskResult(resultID: "l-2", title: "Dawn", tags: "folk", text: "[Chorus] Go")])
        let running = JSONValue.parse(
            Data(#"{"task_id":"lyr-3","action":"LYRICS","status":"IN_PROGRESS","data":null}"#.utf8))
        #expect(running.flatMap(SunoProxyDecoder.snapshot)?.status == .processing)
        #expect(running.flatMap(SunoProxyDecoder.snapshot)?.results == [])
    }

    @Test func concatTaskYieldsTheWholeSongAsOneTake() async throws {
        let (provider, _) = makeProxyProvider(status: 200, body: ProxyFixture.fetched([WholeSongFixture.concatTask]))
        let snapshot = try #require(try await provider.fetchTasks(["cat-1"]).first)
        #expect(snapshot.status == .completed)
        #expect(
            snapshot.results == [
                TaskResult(
                    resultID: "whole-1", title: "Open Road", tags: "indie pop", duration: 242.5,
                    audioURL: "https://cdn1.suno.ai/whole-1.mp3", imageURL: "https://cdn2.suno.ai/whole-1.jpeg")
            ])
    }

    @Test func extensionTaskYieldsBothClips() async throws {
        let twoClips = ProxyFixture.task("ext-1", status: "SUCCESS").replacingOccurrences(
            of: #""data":[{"id":"e1138cfd-0000-4000-8000-000000000001""#,
            with:
                #""data":[{"id":"seg-a","audio_url":"https://cdn1.suno.ai/seg-a.mp3"},{"id":"e1138cfd-0000-4000-8000-000000000001""#
        )
        let (provider, _) = makeProxyProvider(status: 200, body: ProxyFixture.fetched([twoClips]))
        let snapshot = try #require(try await provider.fetchTasks(["ext-1"]).first)
        #expect(snapshot.results.map(\.resultID) == ["seg-a", "e1138cfd-0000-4000-8000-000000000001"])
    }

    @Test func unknownParentTaskRejectsTheExtensionInsteadOfLosingIt() async throws {
        let (provider, _) = makeProxyProvider(
            status: 400, body: #"{"code":"task_not_exist","message":"task_origin_not_exist","data":null}"#)
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await submit(provider, .extension(WholeSongFixture.extension1))
            })
        #expect(error.kind == .rejected)
        #expect(error.message.contains("task_id"))
        let (enveloped, _) = makeProxyProvider(
            status: 200, body: #"{"code":"task_not_exist","message":"task_origin_not_exist","data":null}"#)
        let envelopeError = try #require(
            await providerError { () async throws(ProviderError) in
                try await submit(enveloped, .extension(WholeSongFixture.extension1))
            })
        #expect(envelopeError.kind == .rejected)
    }

    @Test func lostOrUnreadableAnswersLeaveTheOutcomeUnknown() async throws {
        let (lost, _) = makeProxyProvider { _ in throw HTTPTransportError(kind: .timeout, detail: "no answer") }
        let lostError = try #require(
            await providerError { () async throws(ProviderError) in try await submit(lost, .join(WholeSongFixture.join))
            })
        #expect(lostError.kind == .transient)
        #expect(lostError.httpStatus == nil)
        #expect(lostError.message.contains("dashboard"))
        let (garbled, _) = makeProxyProvider(status: 200, body: #"{"code":"success","data":{}}"#)
        let garbledError = try #require(
            await providerError { () async throws(ProviderError) in
                try await submit(garbled, .lyrics(WholeSongFixture.lyrics))
            })
        #expect(garbledError.kind == .transient)
        #expect(garbledError.httpStatus == nil)
    }

    @Test func otherRefusalsKeepTheirOwnCode() async throws {
        let (provider, _) = makeProxyProvider(
            status: 400, body: #"{"code":"prompt_empty","message":"prompt is empty","data":null}"#)
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await submit(provider, .lyrics(LyricsRequest(prompt: "")))
            })
        #expect(error.kind == .rejected)
        #expect(error.code == "prompt_empty")
    }
}
