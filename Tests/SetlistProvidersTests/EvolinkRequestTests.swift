import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

@Suite("Evolink request bodies and headers")
struct EvolinkRequestTests {
    private func sentBody(of song: SongRequest) async throws -> NSDictionary? {
        let (provider, log) = makeProvider(status: 200, body: Fixture.createdTask)
        _ = try await provider.submitSong(song, idempotencyKey: testIdempotencyKey)
        let requests = await log.requests
        try #require(requests.count == 1)
        return parsedJSON(requests[0].body)
    }

    private func sentBody(of persona: PersonaRequest) async throws -> NSDictionary? {
        let (provider, log) = makeProvider(status: 200, body: Fixture.createdPersonaTask)
        _ = try await provider.submitPersona(persona, idempotencyKey: testIdempotencyKey)
        let requests = await log.requests
        try #require(requests.count == 1)
        return parsedJSON(requests[0].body)
    }

    @Test func simpleModeSendsTheRequiredFlagsAndThePromptOnly() async throws {
        let body = try await sentBody(of: simpleSong)
        #expect(
            body
                == parsedJSON(
                    """
                    {"model":"suno-v4.5","custom_mode":false,"instrumental":false,
                     "prompt":"A cheerful summer pop song about road trips and freedom"}
                    """))
    }

    @Test func customModeSendsEverySetFieldButNeverTheProxyArtistClip() async throws {
        let song = SongRequest(
            model: "suno-v5.5-beta", customMode: true, instrumental: false, prompt: "[Verse]\nOpen road ahead",
            style: "pop, upbeat, female vocals", title: "Open Road", negativeTags: "heavy metal, screaming",
            vocalGender: .f, styleWeight: 0.7, weirdnessConstraint: 0, audioWeight: 0.25,
            personaID: "5c57d49ef834110496fae5aa14fec441", personaModel: .voicePersona,
            artistClipID: "54834687-5e79-4f08-8e14-cf188f15b598", duration: 180,
            callbackURL: "https://example.com/webhooks/suno-callback")
        let body = try await sentBody(of: song)
        #expect(
            body
                == parsedJSON(
                    """
                    {"model":"suno-v5.5-beta","custom_mode":true,"instrumental":false,
                     "prompt":"[Verse]\\nOpen road ahead","style":"pop, upbeat, female vocals","title":"Open Road",
                     "negative_tags":"heavy metal, screaming","vocal_gender":"f","style_weight":0.7,
                     "weirdness_constraint":0,"audio_weight":0.25,"persona_id":"5c57d49ef834110496fae5aa14fec441",
                     "persona_model":"voice_persona","duration":180,
                     "callback_url":"https://example.com/webhooks/suno-callback"}
                    """))
        #expect(body?["artist_clip_id"] == nil)
    }

    @Test func instrumentalCustomSongOmitsThePrompt() async throws {
        let song = SongRequest(
            model: "suno-v4-beta", customMode: true, instrumental: true, style: "ambient, piano", title: "Dawn")
        let body = try await sentBody(of: song)
        #expect(
            body
                == parsedJSON(
                    """
                    {"model":"suno-v4-beta","custom_mode":true,"instrumental":true,"style":"ambient, piano","title":"Dawn"}
                    """))
    }

    @Test func personaSongSendsIDAndModelTogether() async throws {
        let song = SongRequest(
            model: "suno-v5-beta", customMode: true, instrumental: false, prompt: "[Chorus] home again",
            style: "pop ballad", title: "Homecoming", personaID: "persona-123", personaModel: .stylePersona)
        let body = try await sentBody(of: song)
        #expect(
            body
                == parsedJSON(
                    """
                    {"model":"suno-v5-beta","custom_mode":true,"instrumental":false,"prompt":"[Chorus] home again",
                     "style":"pop ballad","title":"Homecoming","persona_id":"persona-123","persona_model":"style_persona"}
                    """))
    }

    @Test func personaDerivationWrapsItsFieldsInModelParams() async throws {
        let body = try await sentBody(of: basicPersona)
        #expect(
            body
                == parsedJSON(
                    """
                    {"model":"suno-persona","model_params":{"source_task_id":"task-unified-1774169216-ocqaqde7",
                     "result_id":"4fcc4507-a7ae-4441-ad8a-465c2f61d5bb","name":"Electronic Pop Singer",
                     "description":"Modern electronic style with energetic beats and synthesizer tones for dance music"}}
                    """))
    }

    @Test func personaDerivationSendsTheVocalWindowAndStyleWhenSet() async throws {
        let persona = PersonaRequest(
            sourceTaskID: "task-unified-1774169216-ocqaqde7", resultID: "4fcc4507-a7ae-4441-ad8a-465c2f61d5bb",
            name: "Jazz Vocalist", description: "Smooth jazz vocal style", vocalStart: 15, vocalEnd: 35,
            style: "jazz")
        let body = try await sentBody(of: persona)
        #expect(
            body
                == parsedJSON(
                    """
                    {"model":"suno-persona","model_params":{"source_task_id":"task-unified-1774169216-ocqaqde7",
                     "result_id":"4fcc4507-a7ae-4441-ad8a-465c2f61d5bb","name":"Jazz Vocalist",
                     "description":"Smooth jazz vocal style","vocal_start":15,"vocal_end":35,"style":"jazz"}}
                    """))
    }

    @Test(arguments: ["https://api.evolink.test", "https://api.evolink.test/"])
    func paidPostCarriesAuthorizationIdempotencyKeyAndJSONHeaders(baseURL: String) async throws {
        let (provider, log) = makeProvider(baseURL: baseURL) { _ in
            HTTPResponseData(status: 200, body: Data(Fixture.createdTask.utf8))
        }
        _ = try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
        _ = try await provider.submitPersona(basicPersona, idempotencyKey: "setlist-road-voice-attempt-1")
        let requests = await log.requests
        try #require(requests.count == 2)
        for request in requests {
            #expect(request.method == .post)
            #expect(request.url == "https://api.evolink.test/v1/audios/generations")
            #expect(request.headers["authorization"] == "Bearer \(testAPIKey)")
            #expect(request.headers["Content-Type"] == "application/json")
            #expect(request.headers["Accept"] == "application/json")
        }
        #expect(requests[0].headers["Idempotency-Key"] == testIdempotencyKey)
        #expect(requests[1].headers["Idempotency-Key"] == "setlist-road-voice-attempt-1")
    }

    @Test func statusRequestIsAnAuthorizedGetWithoutIdempotencyKey() async throws {
        let (provider, log) = makeProvider(status: 200, body: Fixture.completedMusicTask)
        _ = try await provider.fetchTasks(["task-unified-1766319089-oqs9cue4"])
        let requests = await log.requests
        try #require(requests.count == 1)
        #expect(requests[0].method == .get)
        #expect(requests[0].url == "https://api.evolink.test/v1/tasks/task-unified-1766319089-oqs9cue4")
        #expect(requests[0].headers["Authorization"] == "Bearer \(testAPIKey)")
        #expect(requests[0].headers["Accept"] == "application/json")
        #expect(requests[0].headers["Idempotency-Key"] == nil)
        #expect(requests[0].headers["Content-Type"] == nil)
        #expect(requests[0].body.isEmpty)
    }

    @Test func taskIDIsPercentEncodedIntoOnePathSegment() async throws {
        let (provider, log) = makeProvider(
            status: 404,
            body: Fixture.error(
                code: "task_not_found", message: "The requested task could not be found", type: "invalid_request_error")
        )
        _ = try await provider.fetchTasks(["../v1/credits?x=1"])
        let requests = await log.requests
        #expect(requests.map(\.url) == ["https://api.evolink.test/v1/tasks/..%2Fv1%2Fcredits%3Fx%3D1"])
    }

    @Test(arguments: [
        "short", "has space in it 1234", "line\r\nInjected: header-value", String(repeating: "k", count: 97),
    ])
    func invalidIdempotencyKeyIsRejectedBeforeAnythingIsSent(key: String) async throws {
        let (provider, log) = makeProvider(status: 200, body: Fixture.createdTask)
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.submitSong(simpleSong, idempotencyKey: key)
            })
        #expect(error.kind == .rejected)
        #expect(error.message.contains("Nothing was sent"))
        #expect(await log.requests.isEmpty)
    }

    @Test func providerReportsItsCapabilities() {
        let (provider, _) = makeProvider(status: 200, body: "{}")
        #expect(provider.api == .evolink)
        #expect(provider.maxBatchSize == 1)
        #expect(provider.honoursIdempotencyKeys)
        #expect(provider.baseURL == "https://api.evolink.test")
    }
}
