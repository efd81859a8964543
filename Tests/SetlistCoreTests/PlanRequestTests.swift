import Testing

@testable import SetlistCore

@Suite struct PlanRequestTests {
    private let builder = RequestBuilder()

    /// Every field, with the weights rounded to the seeds' one decimal (0.25 and 0.75 are sent as 0.3 and 0.8).
    @Test func customSongMapsEveryField() throws {
        let song = Song(
            id: "full", track: 1, model: "suno-v6-beta", mode: .custom, title: "Full", style: "rock",
            prompt: "[Verse] la", instrumental: true, negativeTags: "metal", vocalGender: .m, styleWeight: 0.5,
            weirdness: 0.25, audioWeight: 0.75, duration: 180, callbackURL: "https://example.com/hook"
        )
        let request = try builder.songRequest(for: song, chained: ChainedInputs())
        #expect(
            request
                == SongRequest(
                    model: "suno-v6-beta", customMode: true, instrumental: true, prompt: "[Verse] la", style: "rock",
                    title: "Full", negativeTags: "metal", vocalGender: .m, styleWeight: 0.5, weirdnessConstraint: 0.3,
                    audioWeight: 0.8, duration: 180, callbackURL: "https://example.com/hook"
                ))
    }

    @Test func simpleSongIsNotCustomMode() throws {
        let song = Song(id: "s", track: 1, model: "suno-v4-beta", mode: .simple, prompt: "a ballad")
        let request = try builder.songRequest(for: song, chained: ChainedInputs())
        #expect(
            request
                == SongRequest(
                    model: "suno-v4-beta", customMode: false, instrumental: false, prompt: "a ballad"
                ))
    }

    @Test func personaJobNeedsBothChainedValues() throws {
        let song = PlanFixtures.song("s", track: 1, persona: .job("voice"))
        #expect(throws: MissingChainedInput(job: "s", input: "persona_id")) {
            try builder.songRequest(for: song, chained: ChainedInputs(artistClipID: "clip"))
        }
        #expect(throws: MissingChainedInput(job: "s", input: "artist_clip_id")) {
            try builder.songRequest(for: song, chained: ChainedInputs(personaID: "pid"))
        }
        let request = try builder.songRequest(for: song, chained: ChainedInputs(personaID: "pid", artistClipID: "clip"))
        #expect(request.personaID == "pid")
        #expect(request.artistClipID == "clip")
        #expect(request.personaModel == .stylePersona)
    }

    @Test func literalPersonaIsSentAsIs() throws {
        let song = PlanFixtures.song("s", track: 1, persona: .literal("abc"))
        let request = try builder.songRequest(for: song, chained: ChainedInputs())
        #expect(request.personaID == "abc")
        #expect(request.artistClipID == nil)
        #expect(request.personaModel == .stylePersona)
    }

    @Test func songWithoutPersonaIgnoresChainedValuesAndPersonaModel() throws {
        var song = PlanFixtures.song("s", track: 1)
        song.personaModel = .voicePersona
        let request = try builder.songRequest(for: song, chained: ChainedInputs(personaID: "p", artistClipID: "c"))
        #expect(request.personaID == nil && request.artistClipID == nil && request.personaModel == nil)
    }

    @Test func personaFromSongTakesChainedSourceAndWindow() throws {
        let persona = try #require(PlanFixtures.album().personas.first)
        #expect(throws: MissingChainedInput(job: "road-voice", input: "source_task_id")) {
            try builder.personaRequest(for: persona, chained: ChainedInputs(sourceResultID: "r"))
        }
        #expect(throws: MissingChainedInput(job: "road-voice", input: "result_id")) {
            try builder.personaRequest(for: persona, chained: ChainedInputs(sourceTaskID: "t"))
        }
        let request = try builder.personaRequest(
            for: persona, chained: ChainedInputs(sourceTaskID: "task-unified-1-a", sourceResultID: "uuid-1")
        )
        #expect(
            request
                == PersonaRequest(
                    sourceTaskID: "task-unified-1-a", resultID: "uuid-1", name: "Road Singer",
                    description: "Warm female pop vocals", vocalStart: 12, vocalEnd: 34, style: "electronic pop"
                ))
    }

    @Test func externalPersonaSourceComesFromTheManifest() throws {
        let persona = Persona(
            id: "p", source: .external(taskID: "task-unified-9-z", resultID: "uuid-9"), name: "N", description: "D"
        )
        let request = try builder.personaRequest(for: persona, chained: ChainedInputs(sourceTaskID: "ignored"))
        #expect(
            request
                == PersonaRequest(
                    sourceTaskID: "task-unified-9-z", resultID: "uuid-9", name: "N", description: "D"
                ))
    }

    @Test func placeholdersNameTheUpstreamJobAndValue() throws {
        let album = PlanFixtures.album()
        let homecoming = try #require(album.songs.last)
        let persona = try #require(album.personas.first)
        let songInputs = ChainedInputs.placeholders(for: .song(homecoming))
        #expect(
            songInputs
                == ChainedInputs(
                    personaID: "${road-voice.persona_id}", artistClipID: "${road-voice.artist_clip_id}"
                ))
        #expect(try builder.songRequest(for: homecoming, chained: songInputs).personaID == "${road-voice.persona_id}")
        #expect(
            ChainedInputs.placeholders(for: .persona(persona))
                == ChainedInputs(
                    sourceTaskID: "${open-road.task_id}", sourceResultID: "${open-road.results[1].result_id}"
                ))
        #expect(ChainedInputs.placeholders(for: .song(album.songs[0])) == ChainedInputs())
    }
}
