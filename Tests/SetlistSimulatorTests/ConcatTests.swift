import SetlistCore
import Testing

@testable import SetlistSimulator

/// The MPEG payload of a simulated MP3: the bytes after its one ID3 tag.
func mpegPayload(_ bytes: [UInt8]) throws -> ArraySlice<UInt8> {
    try #require(Array(bytes.prefix(3)) == Array("ID3".utf8))
    let tagSize = bytes[6...9].reduce(0) { ($0 << 7) | Int($1) }
    return bytes[(10 + tagSize)...]
}

/// How often `needle` occurs in `bytes`.
func occurrences(of needle: [UInt8], in bytes: [UInt8]) -> Int {
    guard bytes.count >= needle.count else { return 0 }
    return (0...(bytes.count - needle.count)).filter { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }.count
}

/// `POST /suno/submit/concat` (api-contract-proxy-extras §2): a task that joins an extension with the clips it
/// continues into one song.
@Suite struct ConcatTests {
    /// A song, extended at 60 s, whose second extension continues at 50 s: the three clip ids, oldest first, and
    /// the last clip.
    private func threePartSong(_ sim: Harness) async throws -> (ids: [String], last: JSONValue) {
        let song = try await sim.completedProxySong()
        let root = try #require(song.clips.first?["id"]?.stringValue)
        let first = try await sim.completedExtension(of: try #require(song.taskID), clip: root, at: 60)
        let middle = try #require(first.clips.first?["id"]?.stringValue)
        let second = try await sim.completedExtension(of: try #require(first.taskID), clip: middle, at: 50)
        let last = try #require(second.clips.first)
        return ([root, middle, try #require(last["id"]?.stringValue)], last)
    }

    @Test func joinedSongSumsThePartsAndListsTheirHistory() async throws {
        try await Harness.with { sim in
            let (ids, last) = try await threePartSong(sim)
            let created = try await sim.proxyPost("/suno/submit/concat", JoinSeeds.concat(ids[2]))
            #expect(created.status == 200)
            #expect(created.json["code"]?.stringValue == "success")
            #expect(created.json["message"]?.stringValue == "")
            let id = try #require(created.json["data"]?.stringValue)
            let queued = try #require(try await sim.proxyFetch(id).json["data"])
            #expect(queued["status"]?.stringValue == "SUBMITTED")
            #expect(queued["action"]?.stringValue == "MUSIC")
            sim.advance(seconds: 40)
            let batch = try await sim.send(.POST, "/suno/fetch", body: #"{"ids": ["\#(id)"], "action": "MUSIC"}"#)
            let task = try #require(batch.json["data"]?.arrayValue?.first)
            #expect(task["status"]?.stringValue == "SUCCESS")
            #expect(task.clips.count == 1)
            let clip = try #require(task.clips.first)
            let metadata = try #require(clip["metadata"])
            #expect(metadata["type"]?.stringValue == "concat")
            #expect(clip["title"]?.stringValue == "Cat Dance")
            #expect(clip["model_name"]?.stringValue == "chirp-crow")
            let history = try #require(metadata["concat_history"]?.arrayValue)
            #expect(history.map { $0["id"]?.stringValue } == ids)
            #expect(history.map { $0["continue_at"]?.numberValue } == [60, 50, nil])
            #expect(history[2]["continue_at"]?.isNull == true)
            #expect(history[0]["type"]?.stringValue == "gen")
            #expect(history[0]["infill"] == false)
            let lastDuration = try #require(last["duration"]?.numberValue)
            let duration = try #require(clip["duration"]?.numberValue)
            #expect(abs(duration - (60 + 50 + lastDuration)) < 0.01)
            #expect(metadata["duration"]?.numberValue == duration)
            let image = try #require(clip["image_url"]?.stringValue)
            #expect(try await sim.send(.GET, image, key: nil).status == 200)
        }
    }

    @Test func joinedAudioIsOneTagThenEveryPartsFrames() async throws {
        try await Harness.with { sim in
            let (ids, _) = try await threePartSong(sim)
            let task = try await sim.completedConcat(of: ids[2])
            let clip = try #require(task.clips.first)
            let joinedID = try #require(clip["id"]?.stringValue)
            let reply = try await sim.send(.GET, try #require(clip["audio_url"]?.stringValue), key: nil)
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "Content-Type") == "audio/mpeg")
            let frames = try mpegPayload(reply.body)
            #expect(Array(frames.prefix(2)) == [0xFF, 0xFB])
            #expect(frames.count % 417 == 0)
            #expect(occurrences(of: Array("ID3".utf8), in: reply.body) == 1)
            let tag = String(decoding: reply.body.prefix(reply.body.count - frames.count), as: UTF8.self)
            #expect(tag.contains(joinedID))
            var partFrames = 0
            for part in ids {
                partFrames += try mpegPayload(Media.mp3(resultID: part)).count
            }
            #expect(frames.count == partFrames)
        }
    }

    @Test func rulesAnswerInvalidRequestAndChargeNothing() async throws {
        try await Harness.with(SimulatorConfiguration(apiKeys: ["sim-key", "other"])) { sim in
            let song = try await sim.completedProxySong()
            let root = try #require(song.clips.first?["id"]?.stringValue)
            let running = try await sim.proxyMusic(JoinSeeds.extend(taskID: song.taskID, clipID: root, at: 60))
            let runningID = try #require(running.json["data"]?.stringValue)
            sim.advance(seconds: 60)
            let streaming = try #require(
                try await sim.proxyFetch(runningID).json["data"]?.clips.first?["id"]?.stringValue)
            let cases: [(String, String, String)] = [
                (#"{"is_infill": false}"#, "sim-key", "clip_id is required"),
                (#"{"clip_id": ""}"#, "sim-key", "clip_id is required"),
                (#"{"clip_id": 7}"#, "sim-key", "clip_id must be a string"),
                ("[]", "sim-key", "JSON object"),
                (JoinSeeds.concat("6b1c3f0e-0000-4000-8000-000000000000"), "sim-key", "does not exist"),
                (JoinSeeds.concat(root), "sim-key", "is not an extension; nothing to join"),
                (JoinSeeds.concat(root), "other", "does not exist in this account"),
                (JoinSeeds.concat(streaming), "sim-key", "not complete yet"),
                (#"{"clip_id": "\#(root)", "is_infill": true}"#, "sim-key", "is_infill true"),
            ]
            for (body, key, fragment) in cases {
                let reply = try await sim.proxyPost("/suno/submit/concat", body, key: key)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["code"]?.stringValue == "invalid_request")
                let message = reply.json["message"]?.stringValue ?? ""
                #expect(message.contains(fragment), "\(message)")
            }
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 2)
            #expect(stats["requests"]?["POST /suno/submit/concat"]?["400"]?.numberValue == 9)
        }
    }

    @Test func concatIsPaidLikeASongAndLimitedByCredits() async throws {
        try await Harness.with(SimulatorConfiguration(creditsPerKey: 24)) { sim in
            let song = try await sim.completedProxySong()
            let root = try #require(song.clips.first?["id"]?.stringValue)
            let part = try await sim.completedExtension(of: try #require(song.taskID), clip: root, at: 60)
            let last = try #require(part.clips.first?["id"]?.stringValue)
            #expect(try await sim.proxyPost("/suno/submit/concat", JoinSeeds.concat(last)).status == 200)
            let broke = try await sim.proxyPost("/suno/submit/concat", JoinSeeds.concat(last))
            #expect(broke.status == 403)
            #expect(broke.json["error"]?["code"]?.stringValue == "insufficient_user_quota")
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 3)
            #expect(stats["credits"]?[account: "sim-key"]?["used"]?.numberValue == 24)
            let tasks = try await sim.admin("/_sim/tasks")["tasks"]?.arrayValue ?? []
            #expect(tasks.last?["kind"]?.stringValue == "concat")
            #expect(tasks.last?["credits_reserved"]?.numberValue == 8)
        }
    }

    @Test func idempotencyKeyReplaysAConcatWithoutPayingTwice() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedProxySong()
            let root = try #require(song.clips.first?["id"]?.stringValue)
            let part = try await sim.completedExtension(of: try #require(song.taskID), clip: root, at: 60)
            let last = try #require(part.clips.first?["id"]?.stringValue)
            let key = "join-cat-dance-attempt-1"
            let first = try await sim.proxyPost("/suno/submit/concat", JoinSeeds.concat(last), idempotencyKey: key)
            #expect(first.status == 200)
            #expect(first.headers.first(name: "idempotency-replayed") == nil)
            let reordered = #"{"is_infill": false, "clip_id": "\#(last)"}"#
            let second = try await sim.proxyPost("/suno/submit/concat", reordered, idempotencyKey: key)
            #expect(second.status == 200)
            #expect(second.headers.first(name: "idempotency-replayed") == "true")
            #expect(second.body == first.body)
            let conflict = try await sim.proxyPost("/suno/submit/concat", JoinSeeds.concat(root), idempotencyKey: key)
            #expect(conflict.status == 409)
            #expect(conflict.json["code"]?.stringValue == "idempotency_conflict")
            #expect(conflict.json["message"]?.stringValue?.contains(key) == true)
            let invalid = try await sim.proxyPost("/suno/submit/concat", JoinSeeds.concat(last), idempotencyKey: "x")
            #expect(invalid.status == 400)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 3)
            #expect(stats["paid_submissions"]?["replayed"]?.numberValue == 1)
            #expect(stats["paid_submissions"]?["by_idempotency_key"]?[key]?.numberValue == 2)
            #expect(stats["credits"]?[account: "sim-key"]?["used"]?.numberValue == 24)
        }
    }

    @Test func idempotencyKeyReplaysProxyMusicAndPersonaToo() async throws {
        try await Harness.with { sim in
            let key = "cat-dance-song-attempt-1"
            let first = try await sim.proxyPost("/suno/submit/music", ProxySeeds.custom, idempotencyKey: key)
            let again = try await sim.proxyPost("/suno/submit/music", ProxySeeds.custom, idempotencyKey: key)
            #expect(again.headers.first(name: "idempotency-replayed") == "true")
            #expect(again.body == first.body)
            sim.advance(seconds: 200)
            let songID = try #require(first.json["data"]?.stringValue)
            let clip = try #require(try await sim.proxyFetch(songID).json["data"]?.clips.first?["id"]?.stringValue)
            let personaKey = "cat-persona-attempt-1"
            let persona = try await sim.proxyPost(
                "/suno/persona/create", ProxySeeds.persona(clip: clip), idempotencyKey: personaKey)
            let replayed = try await sim.proxyPost(
                "/suno/persona/create", ProxySeeds.persona(clip: clip), idempotencyKey: personaKey)
            #expect(replayed.headers.first(name: "idempotency-replayed") == "true")
            #expect(replayed.body == persona.body)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 2)
            #expect(stats["paid_submissions"]?["replayed"]?.numberValue == 2)
        }
    }
}
