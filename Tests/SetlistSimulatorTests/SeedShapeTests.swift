import SetlistCore
import Testing

@testable import SetlistSimulator

/// The seeds' request bodies, replayed over HTTP, give answers shaped like the seeds' examples.
@Suite struct SeedShapeTests {
    @Test func musicRequestOfSeed001IsAnsweredLikeTheDocumentedCreation() async throws {
        try await Harness.with { sim in
            let reply = try await sim.generate(Seeds.musicBody)
            #expect(reply.status == 200)
            #expect(shape(reply.json) == shape(try #require(JSONValue.parse(Array(Seeds.createdMusic.utf8)))))
            #expect(reply.string("model") == "suno-v4.5-beta")
            #expect(reply.string("status") == "pending")
            #expect(reply.json["progress"]?.numberValue == 0)
            #expect(reply.json["task_info"]?["estimated_time"]?.numberValue == 120)
            #expect(reply.json["task_info"]?["can_cancel"]?.boolValue == true)
            #expect(reply.json["usage"]?["credits_reserved"]?.numberValue == 8)
            let id = try #require(reply.string("id"))
            #expect(id.wholeMatch(of: /task-unified-\d{10}-[a-z0-9]{8}/) != nil)
        }
    }

    @Test func completedMusicTaskHasTheShapeOfSeed001() async throws {
        try await Harness.with { sim in
            let created = try await sim.generate(Seeds.musicBody)
            let id = try #require(created.string("id"))
            sim.advance(seconds: 200)
            let reply = try await sim.task(id)
            let seed = try #require(JSONValue.parse(Array(Seeds.completedMusic.utf8)))
            #expect(reply.status == 200)
            #expect(shape(reply.json) == shape(seed))
            #expect(reply.string("status") == "completed")
            #expect(reply.json["progress"]?.numberValue == 100)
            let songs = try #require(reply.json["result_data"]?.arrayValue)
            #expect(songs.count == 2)
            #expect(reply.json["results"]?.arrayValue?.count == 2)
            for song in songs {
                let resultID = try #require(song["result_id"]?.stringValue)
                #expect(
                    resultID.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/)
                        != nil)
                #expect(song["audio_url"]?.stringValue == "\(sim.baseURL)/_sim/media/\(resultID).mp3")
                #expect(song["image_url"]?.stringValue == "\(sim.baseURL)/_sim/media/\(resultID).png")
            }
            #expect(Set(songs.map { $0["result_id"]?.stringValue }).count == 2)
        }
    }

    @Test func personaRequestOfSeed002IsAnsweredLikeSeed000AndCompletesWithAPersonaID() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong()
            let songID = try #require(song["id"]?.stringValue)
            let resultID = try #require(song["result_data"]?.arrayValue?.first?["result_id"]?.stringValue)
            let created = try await sim.generate(Seeds.personaBody(source: songID, resultID: resultID))
            #expect(created.status == 200)
            #expect(shape(created.json) == shape(try #require(JSONValue.parse(Array(Seeds.createdPersona.utf8)))))
            #expect(created.string("model") == "suno-persona")
            #expect(created.json["task_info"]?["estimated_time"]?.numberValue == 15)
            #expect(created.json["task_info"]?["can_cancel"]?.boolValue == false)
            #expect(created.json["usage"]?["credits_reserved"]?.numberValue == 1)
            sim.advance(seconds: 30)
            let done = try await sim.task(try #require(created.string("id")))
            #expect(done.string("status") == "completed")
            #expect(
                keys(done.json) == [
                    "created", "id", "model", "object", "progress", "result_data", "status",
                    "task_info", "type",
                ])
            let personaID = try #require(done.json["result_data"]?["persona_id"]?.stringValue)
            #expect(personaID.wholeMatch(of: /[0-9a-f]{32}/) != nil)
        }
    }

    @Test func basicPersonaRequestOfSeed000IsAccepted() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong()
            let songID = try #require(song["id"]?.stringValue)
            let resultID = try #require(song["result_data"]?.arrayValue?.last?["result_id"]?.stringValue)
            let body = #"""
                {"model": "suno-persona", "model_params": {"source_task_id": "\#(songID)",
                 "result_id": "\#(resultID)", "name": "Electronic Pop Singer",
                 "description": "Modern electronic style with energetic beats and synthesizer tones for dance music"}}
                """#
            let created = try await sim.generate(body)
            #expect(created.status == 200)
            #expect(shape(created.json) == shape(try #require(JSONValue.parse(Array(Seeds.createdPersona.utf8)))))
            let tasks = try await sim.admin("/_sim/tasks")["tasks"]?.arrayValue ?? []
            #expect(tasks.last?["persona_source"]?["task_id"]?.stringValue == songID)
            #expect(tasks.last?["persona_source"]?["result_id"]?.stringValue == resultID)
        }
    }

    @Test func errorBodiesHaveTheDocumentedShape() async throws {
        try await Harness.with { sim in
            let reply = try await sim.generate(#"{"model": "suno-persona", "model_params": {}}"#)
            #expect(reply.status == 400)
            #expect(
                shape(reply.json)
                    == shape(
                        .object([
                            "error": .object([
                                "code": "x", "message": "x", "type": "x",
                            ])
                        ])))
            #expect(reply.errorCode == "invalid_request")
            #expect(reply.json["error"]?["type"]?.stringValue == "invalid_request_error")
            #expect(reply.errorMessage == "model_params.source_task_id is required")
        }
    }
}

/// A client written only from the seed documents goes from a song to a persona to a song using that persona.
@Suite struct SeedClientJourneyTests {
    @Test func songThenPersonaThenSongWithThatPersona() async throws {
        try await Harness.with { sim in
            let first = try await sim.generate(Seeds.customSongBody())
            let firstID = try #require(first.string("id"))
            let estimated = try #require(first.json["task_info"]?["estimated_time"]?.numberValue)
            var song = try await sim.task(firstID).json
            var polls = 0
            while song["status"]?.stringValue != "completed", polls < 20 {
                sim.advance(seconds: polls == 0 ? estimated : 10)
                song = try await sim.task(firstID).json
                polls += 1
            }
            #expect(song["status"]?.stringValue == "completed")

            let persona = try await sim.completedPersona(from: song)
            #expect(persona["status"]?.stringValue == "completed")
            let personaID = try #require(persona["result_data"]?["persona_id"]?.stringValue)

            let second = try await sim.generate(
                Seeds.customSongBody(
                    model: "suno-v5", extra: #", "persona_id": "\#(personaID)", "persona_model": "voice_persona""#
                ))
            #expect(second.status == 200, "\(second.errorMessage)")
            #expect(second.string("model") == "suno-v5-beta")
            sim.advance(seconds: 200)
            let done = try await sim.task(try #require(second.string("id")))
            #expect(done.string("status") == "completed")
            #expect(done.json["result_data"]?.arrayValue?.count == 2)

            let tasks = try await sim.admin("/_sim/tasks")["tasks"]?.arrayValue ?? []
            #expect(tasks.count == 3)
            #expect(tasks.last?["request"]?["persona_id"]?.stringValue == personaID)
            #expect(tasks.last?["account"]?.stringValue == SimulatorAccount.name(forKey: "sim-key"))
        }
    }
}
