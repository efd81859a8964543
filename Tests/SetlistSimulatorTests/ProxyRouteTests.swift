import SetlistCore
import Testing

@testable import SetlistSimulator

extension Harness {
    /// `POST /suno/submit/music`.
    func proxyMusic(_ body: String, key: String = "sim-key") async throws -> Reply {
        try await send(.POST, "/suno/submit/music", body: body, key: key)
    }

    /// `GET /suno/fetch/{id}`.
    func proxyFetch(_ id: String, key: String = "sim-key") async throws -> Reply {
        try await send(.GET, "/suno/fetch/\(id)", key: key)
    }

    /// A custom-mode proxy song, ended; returns its task object.
    func completedProxySong(key: String = "sim-key") async throws -> JSONValue {
        let created = try await proxyMusic(ProxySeeds.custom, key: key)
        #expect(created.status == 200, "\(String(decoding: created.body, as: UTF8.self))")
        let id = try #require(created.json["data"]?.stringValue)
        advance(seconds: 200)
        return try #require(try await proxyFetch(id, key: key).json["data"])
    }
}

/// Bodies built like the seed 004 and mirror examples.
enum ProxySeeds {
    static let custom = #"""
        {"prompt": "[Verse]\nCat dance", "mv": "chirp-crow", "title": "Cat Dance", "tags": "electronic",
         "make_instrumental": false}
        """#
    static let inspiration =
        #"{"gpt_description_prompt": "a cat dance party", "mv": "chirp-v4", "make_instrumental": true}"#

    static func persona(clip: String) -> String {
        #"""
        {"root_clip_id": "\#(clip)", "name": "Cat", "description": "Cat voice", "clips": ["\#(clip)"],
         "is_public": true}
        """#
    }

    static func personaSong(persona: String, clip: String, mv: String = "chirp-auk") -> String {
        #"""
        {"task": "artist_consistency", "persona_id": "\#(persona)", "artist_clip_id": "\#(clip)", "mv": "\#(mv)",
         "prompt": "[Verse]\nAgain", "tags": "pop", "title": "Again", "generation_type": "TEXT",
         "make_instrumental": false}
        """#
    }
}

/// The Suno proxy routes (api-contract §B) on the shared store.
@Suite struct ProxyRouteTests {
    @Test func submitAnswersTheEnvelopeWithATaskID() async throws {
        try await Harness.with { sim in
            let reply = try await sim.proxyMusic(ProxySeeds.custom)
            #expect(reply.status == 200)
            #expect(reply.json["code"]?.stringValue == "success")
            #expect(reply.json["message"]?.stringValue == "")
            let id = try #require(reply.json["data"]?.stringValue)
            #expect(id.count == 36)
        }
    }

    @Test func lifecycleGoesFromSubmittedToSuccessWithStringProgress() async throws {
        try await Harness.with { sim in
            let id = try #require(try await sim.proxyMusic(ProxySeeds.custom).json["data"]?.stringValue)
            let first = try #require(try await sim.proxyFetch(id).json["data"])
            #expect(first["status"]?.stringValue == "SUBMITTED")
            #expect(first["progress"]?.stringValue == "0%")
            #expect(first["action"]?.stringValue == "MUSIC")
            #expect(first["start_time"]?.numberValue == 0)
            #expect(first["data"]?.isNull == true)
            sim.advance(seconds: 60)
            let running = try #require(try await sim.proxyFetch(id).json["data"])
            #expect(running["status"]?.stringValue == "IN_PROGRESS")
            #expect(running["data"]?.arrayValue?.first?["status"]?.stringValue == "streaming")
            sim.advance(seconds: 200)
            let done = try #require(try await sim.proxyFetch(id).json["data"])
            #expect(done["status"]?.stringValue == "SUCCESS")
            #expect(done["progress"]?.stringValue == "100%")
            #expect((done["finish_time"]?.numberValue ?? 0) > 0)
            let clips = try #require(done["data"]?.arrayValue)
            #expect(clips.count == 2)
            let clip = clips[0]
            #expect(clip["status"]?.stringValue == "complete")
            #expect(clip["title"]?.stringValue == "Cat Dance")
            #expect(clip["model_name"]?.stringValue == "chirp-crow")
            #expect(clip["metadata"]?["tags"]?.stringValue == "electronic")
            #expect((clip["metadata"]?["duration"]?.numberValue ?? 0) > 0)
            let audio = try #require(clip["audio_url"]?.stringValue)
            #expect(try await sim.send(.GET, audio, key: nil).status == 200)
        }
    }

    @Test func inspirationModeWritesItsOwnTitle() async throws {
        try await Harness.with { sim in
            let id = try #require(try await sim.proxyMusic(ProxySeeds.inspiration).json["data"]?.stringValue)
            sim.advance(seconds: 200)
            let clip = try #require(try await sim.proxyFetch(id).json["data"]?["data"]?.arrayValue?.first)
            #expect(clip["title"]?.stringValue == "A Cat Dance Party")
            #expect(clip["metadata"]?["gpt_description_prompt"]?.stringValue == "a cat dance party")
        }
    }

    @Test func requestRulesAnswerTheDocumentedErrorEnvelope() async throws {
        try await Harness.with { sim in
            let cases: [(String, String)] = [
                (#"{"mv": "chirp-crow"}"#, "prompt is required"),
                (#"{"prompt": "", "mv": "chirp-v9"}"#, "mv 'chirp-v9'"),
                (#"{"prompt": "x", "continue_clip_id": "c1", "continue_at": 30}"#, "task id is empty"),
                (#"{"prompt": "x", "make_instrumental": "yes"}"#, "make_instrumental must be a boolean"),
                (#"{"prompt": "x", "persona_id": "p"}"#, "persona_id needs task: artist_consistency"),
                (#"{"prompt": "\#(String(repeating: "a", count: 3001))", "mv": "chirp-v4"}"#, "prompt is 3001"),
            ]
            for (body, message) in cases {
                let reply = try await sim.proxyMusic(body)
                #expect(reply.status == 400)
                #expect(reply.json["code"]?.stringValue == "invalid_request")
                #expect(reply.json["data"]?.isNull == true)
                #expect(reply.json["message"]?.stringValue?.contains(message) == true, "\(body)")
            }
            let continued = try await sim.proxyMusic(
                #"{"prompt": "x", "continue_clip_id": "c1", "task_id": "t1", "continue_at": 30}"#)
            #expect(continued.status == 400)
            #expect(continued.json["code"]?.stringValue == "task_not_exist")
        }
    }

    @Test func batchFetchLeavesOutUnknownAndForeignIDs() async throws {
        let configuration = SimulatorConfiguration(apiKeys: ["sim-key", "other"])
        try await Harness.with(configuration) { sim in
            let mine = try #require(try await sim.proxyMusic(ProxySeeds.custom).json["data"]?.stringValue)
            let theirs = try #require(
                try await sim.proxyMusic(ProxySeeds.custom, key: "other").json["data"]?.stringValue)
            let body = #"{"ids": ["\#(mine)", "\#(theirs)", "nope"], "action": "MUSIC"}"#
            let reply = try await sim.send(.POST, "/suno/fetch", body: body)
            #expect(reply.status == 200)
            let tasks = try #require(reply.json["data"]?.arrayValue)
            #expect(tasks.map { $0["task_id"]?.stringValue } == [mine])
            let empty = try await sim.send(.POST, "/suno/fetch", body: #"{"ids": []}"#)
            #expect(empty.json["data"]?.arrayValue?.isEmpty == true)
            let foreign = try await sim.proxyFetch(theirs)
            #expect(foreign.status == 400)
            #expect(foreign.json["code"]?.stringValue == "task_not_exist")
        }
    }

    @Test func formatsDoNotSeeEachOthersTasks() async throws {
        try await Harness.with { sim in
            let proxyID = try #require(try await sim.proxyMusic(ProxySeeds.custom).json["data"]?.stringValue)
            let evolinkID = try #require(try await sim.generate(Seeds.customSongBody()).string("id"))
            #expect(try await sim.proxyFetch(evolinkID).json["code"]?.stringValue == "task_not_exist")
            #expect(try await sim.task(proxyID).status == 400)
        }
    }

    @Test func personaIsSynchronousBareAndUsableWithArtistConsistency() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedProxySong()
            let clip = try #require(song["data"]?.arrayValue?.first?["id"]?.stringValue)
            let created = try await sim.send(.POST, "/suno/persona/create", body: ProxySeeds.persona(clip: clip))
            #expect(created.status == 200)
            #expect(created.json["code"] == nil)
            let persona = try #require(created.string("id"))
            #expect(created.string("root_clip_id") == clip)
            #expect(created.json["clip"]?["id"]?.stringValue == clip)
            #expect(created.json["persona_clips"]?.arrayValue?.count == 1)

            let use = try await sim.proxyMusic(ProxySeeds.personaSong(persona: persona, clip: clip))
            #expect(use.status == 200, "\(String(decoding: use.body, as: UTF8.self))")
            let wrongMV = try await sim.proxyMusic(
                ProxySeeds.personaSong(persona: persona, clip: clip, mv: "chirp-crow"))
            #expect(wrongMV.json["message"]?.stringValue?.contains("does not support artist_consistency") == true)
            let unknown = try await sim.proxyMusic(ProxySeeds.personaSong(persona: "nobody", clip: clip))
            #expect(unknown.json["message"]?.stringValue?.contains("does not exist") == true)
            let noClip = try await sim.proxyMusic(ProxySeeds.personaSong(persona: persona, clip: ""))
            #expect(noClip.json["message"]?.stringValue?.contains("artist_clip_id is required") == true)
            let tasks = try await sim.admin("/_sim/tasks")["tasks"]?.arrayValue ?? []
            #expect(tasks.contains { $0["kind"]?.stringValue == "persona" && $0["persona_id"]?.stringValue == persona })
        }
    }

    @Test func personaNeedsACompletedClipOfTheSameAccount() async throws {
        let configuration = SimulatorConfiguration(apiKeys: ["sim-key", "other"])
        try await Harness.with(configuration) { sim in
            let id = try #require(try await sim.proxyMusic(ProxySeeds.custom).json["data"]?.stringValue)
            let unknownClip = try await sim.send(.POST, "/suno/persona/create", body: ProxySeeds.persona(clip: "x"))
            #expect(unknownClip.json["message"]?.stringValue?.contains("not an upload") == true)
            sim.advance(seconds: 60)
            let clip = try #require(
                try await sim.proxyFetch(id).json["data"]?["data"]?.arrayValue?.first?["id"]?
                    .stringValue)
            let streaming = try await sim.send(.POST, "/suno/persona/create", body: ProxySeeds.persona(clip: clip))
            #expect(streaming.json["message"]?.stringValue?.contains("needs a completed clip") == true)
            sim.advance(seconds: 200)
            let foreign = try await sim.send(
                .POST, "/suno/persona/create/", body: ProxySeeds.persona(clip: clip), key: "other")
            #expect(foreign.status == 400)
            let missing = try await sim.send(.POST, "/suno/persona/create", body: #"{"root_clip_id": "\#(clip)"}"#)
            #expect(missing.json["message"]?.stringValue == "name is required.")
        }
    }

    @Test func lyricsTaskCompletesWithAnObject() async throws {
        try await Harness.with { sim in
            let empty = try await sim.send(.POST, "/suno/submit/lyrics", body: #"{"prompt": ""}"#)
            #expect(empty.status == 400)
            let reply = try await sim.send(.POST, "/suno/submit/lyrics", body: #"{"prompt": "summer rain"}"#)
            let id = try #require(reply.json["data"]?.stringValue)
            let task = try #require(try await sim.proxyFetch(id).json["data"])
            #expect(task["action"]?.stringValue == "LYRICS")
            #expect(task["status"]?.stringValue == "SUCCESS")
            #expect(task["data"]?["text"]?.stringValue?.contains("[Verse]") == true)
            #expect(task["data"]?["status"]?.stringValue == "complete")
        }
    }

    @Test func sharesAccountsCreditsRateLimitAndStats() async throws {
        let configuration = SimulatorConfiguration(creditsPerKey: 10, rateLimitPerMinute: 4)
        try await Harness.with(configuration) { sim in
            let unauthorized = try await sim.proxyMusic(ProxySeeds.custom, key: "wrong")
            #expect(unauthorized.status == 401)
            #expect(unauthorized.json["error"]?["type"]?.stringValue == "new_api_error")
            #expect(try await sim.generate(Seeds.customSongBody()).status == 200)
            let broke = try await sim.proxyMusic(ProxySeeds.custom)
            #expect(broke.status == 403)
            #expect(broke.json["error"]?["code"]?.stringValue == "insufficient_user_quota")
            _ = try await sim.send(.POST, "/suno/fetch", body: #"{"ids": []}"#)
            _ = try await sim.send(.GET, "/suno/fetch/abc")
            let limited = try await sim.send(.POST, "/suno/fetch", body: #"{"ids": []}"#)
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "Retry-After") != nil)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["requests"]?["POST /suno/submit/music"]?["403"]?.numberValue == 1)
            #expect(stats["requests"]?["POST /suno/fetch"]?["429"]?.numberValue == 1)
            #expect(stats["requests"]?["GET /suno/fetch/{id}"]?["400"]?.numberValue == 1)
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 1)
        }
    }

    @Test func faultsApplyToTheProxyRoutes() async throws {
        let configuration = SimulatorConfiguration(faults: try FaultConfiguration(spec: "malformed=1"))
        try await Harness.with(configuration) { sim in
            let reply = try await sim.proxyMusic(ProxySeeds.custom)
            #expect(reply.status == 200)
            #expect(JSONValue.parse(reply.body) == nil)
        }
    }

    @Test func failedTaskCarriesAFailReason() async throws {
        let configuration = SimulatorConfiguration(faults: try FaultConfiguration(spec: "fail=1"))
        try await Harness.with(configuration) { sim in
            let id = try #require(try await sim.proxyMusic(ProxySeeds.custom).json["data"]?.stringValue)
            sim.advance(seconds: 200)
            let task = try #require(try await sim.proxyFetch(id).json["data"])
            #expect(task["status"]?.stringValue == "FAILURE")
            #expect(task["fail_reason"]?.stringValue?.isEmpty == false)
            #expect(task["data"]?.arrayValue?.first?["status"]?.stringValue == "error")
        }
    }
}
