import SetlistCore
import Testing

@testable import SetlistSimulator

/// `POST /suno/submit/music` with `task: extend` (api-contract-proxy-extras §1): segment-only clips that remember
/// the clip they continue, and new-api's and the vendors' rules.
@Suite struct ExtendTests {
    @Test func extensionYieldsTwoSegmentClipsThatNameTheirParent() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedProxySong()
            let parent = try #require(song.clips.first?["id"]?.stringValue)
            let task = try await sim.completedExtension(of: try #require(song.taskID), clip: parent, at: 61.5)
            #expect(task["status"]?.stringValue == "SUCCESS")
            #expect(task["action"]?.stringValue == "MUSIC")
            #expect(task.clips.count == 2)
            for clip in task.clips {
                let metadata = try #require(clip["metadata"])
                #expect(clip["id"]?.stringValue != parent)
                #expect(clip["model_name"]?.stringValue == "chirp-crow")
                #expect(metadata["type"]?.stringValue == "gen")
                #expect(metadata["edited_clip_id"]?.stringValue == parent)
                #expect(
                    metadata["history"]
                        == .array([
                            .object([
                                "id": .string(parent), "continue_at": .number(61.5), "type": "gen", "infill": false,
                            ])
                        ]))
                #expect(metadata["prompt"]?.stringValue == "[Verse]\nThe cats keep dancing")
                let duration = try #require(clip["duration"]?.numberValue)
                #expect((90...240).contains(duration))
                #expect(metadata["duration"]?.numberValue == duration)
                let audio = try #require(clip["audio_url"]?.stringValue)
                #expect(try await sim.send(.GET, audio, key: nil).status == 200)
            }
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 2)
            #expect(stats["credits"]?[account: "sim-key"]?["used"]?.numberValue == 16)
        }
    }

    @Test func titleAndTagsDefaultToTheSourceClip() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedProxySong()
            let parent = try #require(song.clips.first?["id"]?.stringValue)
            let body = #"""
                {"task_id": "\#(song.taskID ?? "")", "continue_clip_id": "\#(parent)", "continue_at": 30,
                 "mv": "chirp-crow", "prompt": "[Chorus]\nMore"}
                """#
            let id = try #require(try await sim.proxyMusic(body).json["data"]?.stringValue)
            sim.advance(seconds: 200)
            let clip = try #require(try await sim.proxyFetch(id).json["data"]?.clips.first)
            #expect(clip["title"]?.stringValue == "Cat Dance")
            #expect(clip["metadata"]?["tags"]?.stringValue == "electronic")
        }
    }

    @Test func bodyRulesAnswerInvalidRequest() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedProxySong()
            let taskID = try #require(song.taskID)
            let clip = try #require(song.clips.first?["id"]?.stringValue)
            let duration = try #require(song.clips.first?["duration"]?.numberValue)
            let cases: [(String, String)] = [
                (JoinSeeds.extend(taskID: nil, clipID: clip, at: 30), "task id is empty"),
                (JoinSeeds.extend(taskID: taskID, clipID: clip, at: nil), "continue_at is required"),
                (JoinSeeds.extend(taskID: taskID, clipID: clip, at: 0), "continue_at must be more than 0"),
                (JoinSeeds.extend(taskID: taskID, clipID: clip, at: -5), "continue_at must be more than 0"),
                (JoinSeeds.extend(taskID: taskID, clipID: clip, at: duration), "is not before the end of clip"),
                (JoinSeeds.extend(taskID: taskID, clipID: clip, at: duration + 10), "is not before the end of clip"),
                (JoinSeeds.extend(taskID: taskID, clipID: clip, at: 30, mv: "chirp-v4"), "mv must match the model"),
                (JoinSeeds.extend(taskID: taskID, clipID: "not-a-clip", at: 30), "is not a clip of task"),
                (
                    #"{"task": "extend", "task_id": "\#(taskID)", "continue_at": 30, "prompt": "x"}"#,
                    "continue_clip_id is required with task extend"
                ),
                (
                    #"{"task": "infill", "task_id": "\#(taskID)", "continue_clip_id": "\#(clip)", "prompt": "x"}"#,
                    "task 'infill' with continue_clip_id is not served"
                ),
                (
                    #"{"task_id": "\#(taskID)", "continue_clip_id": "\#(clip)", "continue_at": "30", "prompt": "x"}"#,
                    "continue_at must be a number"
                ),
            ]
            for (body, fragment) in cases {
                let reply = try await sim.proxyMusic(body)
                #expect(reply.status == 400, "\(body)")
                #expect(reply.json["code"]?.stringValue == "invalid_request", "\(body)")
                #expect(reply.json["data"]?.isNull == true)
                let message = reply.json["message"]?.stringValue ?? ""
                #expect(message.contains(fragment), "\(message)")
            }
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 1)
        }
    }

    @Test func unknownOrForeignTaskIsTaskNotExist() async throws {
        try await Harness.with(SimulatorConfiguration(apiKeys: ["sim-key", "other"])) { sim in
            let song = try await sim.completedProxySong()
            let taskID = try #require(song.taskID)
            let clip = try #require(song.clips.first?["id"]?.stringValue)
            for (body, key) in [
                (JoinSeeds.extend(taskID: "736a6f88-bd29-4b1e-b110-37132a5325ac", clipID: clip, at: 30), "sim-key"),
                (JoinSeeds.extend(taskID: taskID, clipID: clip, at: 30), "other"),
            ] {
                let reply = try await sim.proxyMusic(body, key: key)
                #expect(reply.status == 400)
                #expect(reply.json["code"]?.stringValue == "task_not_exist")
                #expect(reply.json["message"]?.stringValue?.contains("does not exist in this account") == true)
            }
        }
    }

    @Test func sourceMustBeADoneMusicTask() async throws {
        try await Harness.with { sim in
            let running = try #require(try await sim.proxyMusic(ProxySeeds.custom).json["data"]?.stringValue)
            sim.advance(seconds: 60)
            let clip = try #require(try await sim.proxyFetch(running).json["data"]?.clips.first?["id"]?.stringValue)
            let early = try await sim.proxyMusic(JoinSeeds.extend(taskID: running, clipID: clip, at: 30))
            #expect(early.status == 400)
            #expect(early.json["message"]?.stringValue?.contains("IN_PROGRESS") == true)

            let lyrics = try await sim.send(.POST, "/suno/submit/lyrics", body: #"{"prompt": "rain"}"#)
            let lyricsID = try #require(lyrics.json["data"]?.stringValue)
            let lyricsClip = try #require(try await sim.proxyFetch(lyricsID).json["data"]?["data"]?["id"]?.stringValue)
            let fromLyrics = try await sim.proxyMusic(JoinSeeds.extend(taskID: lyricsID, clipID: lyricsClip, at: 3))
            #expect(fromLyrics.status == 400)
            #expect(fromLyrics.json["message"]?.stringValue?.contains("extend continues a music clip") == true)
        }
    }

    @Test func anExtensionCanItselfBeExtended() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedProxySong()
            let first = try await sim.completedExtension(
                of: try #require(song.taskID), clip: try #require(song.clips.first?["id"]?.stringValue), at: 60)
            let middle = try #require(first.clips.last?["id"]?.stringValue)
            let second = try await sim.completedExtension(of: try #require(first.taskID), clip: middle, at: 45)
            #expect(second["status"]?.stringValue == "SUCCESS")
            #expect(second.clips.first?["metadata"]?["edited_clip_id"]?.stringValue == middle)
        }
    }

    @Test func inspirationModeIgnoresContinuationFields() async throws {
        try await Harness.with { sim in
            let body = #"{"gpt_description_prompt": "cats", "continue_clip_id": "c1", "continue_at": 30}"#
            let reply = try await sim.proxyMusic(body)
            #expect(reply.status == 200)
        }
    }
}
