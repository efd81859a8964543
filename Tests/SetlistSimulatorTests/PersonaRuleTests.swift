import SetlistCore
import Testing

@testable import SetlistSimulator

/// Persona creation and persona use follow the documented rules (api-contract §A.1, §A.2).
@Suite struct PersonaRuleTests {
    private func ids(_ song: JSONValue) throws -> (task: String, result: String) {
        (
            try #require(song["id"]?.stringValue),
            try #require(song["result_data"]?.arrayValue?.first?["result_id"]?.stringValue)
        )
    }

    @Test(arguments: ["source_task_id", "result_id", "name", "description"])
    func requiredPersonaFields(field: String) async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong()
            let (task, result) = try ids(song)
            var params: JSONObject = [
                "source_task_id": .string(task), "result_id": .string(result), "name": "N", "description": "D",
            ]
            params.removeAll { $0.0 == field }
            let body = JSONValue.object(["model": "suno-persona", "model_params": .object(params)])
            let reply = try await sim.generate(body.compact)
            #expect(reply.status == 400)
            #expect(reply.errorMessage == "model_params.\(field) is required")
        }
    }

    @Test func modelParamsIsRequired() async throws {
        try await Harness.with { sim in
            let reply = try await sim.generate(#"{"model": "suno-persona"}"#)
            #expect(reply.status == 400)
            #expect(reply.errorMessage == "model_params is required.")
        }
    }

    @Test func vocalWindowIsPairedAndTenToThirtySeconds() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong()
            let (task, result) = try ids(song)
            func send(_ window: String) async throws -> Reply {
                try await sim.generate(
                    #"""
                    {"model": "suno-persona", "model_params": {"source_task_id": "\#(task)", "result_id": "\#(result)",
                     "name": "N", "description": "D"\#(window)}}
                    """#)
            }
            #expect(try await send(#", "vocal_start": 5"#).errorMessage.contains("given together"))
            #expect(try await send(#", "vocal_end": 25"#).errorMessage.contains("given together"))
            #expect(try await send(#", "vocal_start": 20, "vocal_end": 10"#).errorMessage.contains("greater"))
            #expect(try await send(#", "vocal_start": -1, "vocal_end": 10"#).errorMessage.contains("0 or more"))
            let narrow = try await send(#", "vocal_start": 10, "vocal_end": 19.5"#)
            #expect(narrow.status == 400)
            #expect(narrow.errorMessage == "vocal_end - vocal_start must be between 10 and 30 seconds")
            #expect(try await send(#", "vocal_start": 0, "vocal_end": 30.5"#).status == 400)
            #expect(try await send(#", "vocal_start": 0, "vocal_end": 30"#).status == 200)
        }
    }

    @Test func sourceMustExistAndBelongToTheKey() async throws {
        try await Harness.with(SimulatorConfiguration(apiKeys: ["a-key", "b-key"])) { sim in
            let song = try await sim.completedSong(key: "a-key")
            let (task, result) = try ids(song)
            let foreign = try await sim.generate(Seeds.personaBody(source: task, resultID: result), key: "b-key")
            #expect(foreign.status == 400)
            #expect(foreign.errorMessage == "源任务不存在或不属于当前用户: \(task)")
            let missing = try await sim.generate(
                Seeds.personaBody(source: "task-unified-1-abcdefgh", resultID: result), key: "a-key"
            )
            #expect(missing.errorMessage == "源任务不存在或不属于当前用户: task-unified-1-abcdefgh")
        }
    }

    @Test func sourceMustBeCompleted() async throws {
        try await Harness.with { sim in
            let created = try await sim.generate(Seeds.customSongBody())
            let id = try #require(created.string("id"))
            let reply = try await sim.generate(
                Seeds.personaBody(source: id, resultID: "4fcc4507-a7ae-4441-ad8a-465c2f61d5bb"))
            #expect(reply.status == 400)
            #expect(reply.errorMessage.contains("is pending; a persona needs a completed music task"))
        }
    }

    @Test func sourceMustNotBeAPersonaTask() async throws {
        try await Harness.with { sim in
            let persona = try await sim.completedPersona(from: try await sim.completedSong())
            let personaTask = try #require(persona["id"]?.stringValue)
            let reply = try await sim.generate(
                Seeds.personaBody(source: personaTask, resultID: "4fcc4507-a7ae-4441-ad8a-465c2f61d5bb")
            )
            #expect(reply.status == 400)
            #expect(reply.errorMessage.contains("is a suno-persona task"))
        }
    }

    @Test func resultMustBelongToTheSource() async throws {
        try await Harness.with { sim in
            let first = try await sim.completedSong()
            let second = try await sim.completedSong()
            let (task, _) = try ids(first)
            let (_, otherResult) = try ids(second)
            let reply = try await sim.generate(Seeds.personaBody(source: task, resultID: otherResult))
            #expect(reply.status == 400)
            #expect(reply.errorMessage.contains("is not a result of source task"))
        }
    }

    @Test func onePersonaPerResultButTheOtherResultStillWorks() async throws {
        try await Harness.with { sim in
            let song = try await sim.completedSong()
            let (task, result) = try ids(song)
            #expect(try await sim.generate(Seeds.personaBody(source: task, resultID: result)).status == 200)
            let again = try await sim.generate(Seeds.personaBody(source: task, resultID: result))
            #expect(again.status == 400)
            #expect(again.errorMessage.contains("each result_id allows one persona"))
            let second = try #require(song["result_data"]?.arrayValue?.last?["result_id"]?.stringValue)
            #expect(try await sim.generate(Seeds.personaBody(source: task, resultID: second)).status == 200)
        }
    }

    @Test func personaIsOnlyForV5AndV6InCustomMode() async throws {
        try await Harness.with { sim in
            let persona = try await sim.completedPersona(from: try await sim.completedSong())
            let personaID = try #require(persona["result_data"]?["persona_id"]?.stringValue)
            let use = #", "persona_id": "\#(personaID)", "persona_model": "style_persona""#
            for model in ["suno-v4", "suno-v4.5-beta", "suno-v4.5plus", "suno-v4.5all-beta"] {
                let reply = try await sim.generate(Seeds.customSongBody(model: model, extra: use))
                #expect(reply.status == 400)
                #expect(reply.errorMessage.contains("persona_id is not supported"))
            }
            for model in ["suno-v5", "suno-v5.5", "suno-v6-beta", "suno-v6-mini", "suno-v6-wild-beta"] {
                let reply = try await sim.generate(Seeds.customSongBody(model: model, extra: use))
                #expect(reply.status == 200, "\(model): \(reply.errorMessage)")
                let voice = try await sim.generate(
                    Seeds.customSongBody(
                        model: model, extra: #", "persona_id": "\#(personaID)", "persona_model": "voice_persona""#
                    ))
                #expect(voice.status == 200)
            }
            let simple = try await sim.generate(
                #"{"model": "suno-v5", "custom_mode": false, "instrumental": false, "prompt": "a song"\#(use)}"#)
            #expect(simple.status == 400)
            #expect(simple.errorMessage.contains("requires custom_mode"))
            let alone = try await sim.generate(Seeds.customSongBody(extra: #", "persona_id": "\#(personaID)""#))
            #expect(alone.status == 200)
            let badModel = try await sim.generate(
                Seeds.customSongBody(
                    extra: #", "persona_id": "\#(personaID)", "persona_model": "choir_persona""#
                ))
            #expect(badModel.errorMessage.contains("persona_model must be"))
        }
    }

    @Test func personaIDMustBeIssuedToTheKeyAndCompleted() async throws {
        try await Harness.with(SimulatorConfiguration(apiKeys: ["a-key", "b-key"])) { sim in
            let unknown = try await sim.generate(
                Seeds.customSongBody(extra: #", "persona_id": "5c57d49ef834110496fae5aa14fec441""#), key: "a-key"
            )
            #expect(unknown.status == 400)
            #expect(unknown.errorMessage.contains("does not exist or does not belong to this API key"))

            let song = try await sim.completedSong(key: "a-key")
            let (task, result) = try ids(song)
            let created = try await sim.generate(Seeds.personaBody(source: task, resultID: result), key: "a-key")
            let personaTaskID = try #require(created.string("id"))
            let tasks = try await sim.admin("/_sim/tasks")["tasks"]?.arrayValue ?? []
            let personaID = try #require(
                tasks.first { $0["id"]?.stringValue == personaTaskID }?["persona_id"]?.stringValue
            )
            let early = try await sim.generate(
                Seeds.customSongBody(extra: #", "persona_id": "\#(personaID)""#), key: "a-key"
            )
            #expect(early.status == 400)
            #expect(early.errorMessage.contains("its persona task is pending"))
            sim.advance(seconds: 30)
            let foreign = try await sim.generate(
                Seeds.customSongBody(extra: #", "persona_id": "\#(personaID)""#), key: "b-key"
            )
            #expect(foreign.status == 400)
            let own = try await sim.generate(
                Seeds.customSongBody(extra: #", "persona_id": "\#(personaID)""#), key: "a-key")
            #expect(own.status == 200)
        }
    }
}
