import Foundation
import SetlistCore

@testable import SetlistProviders

/// The key every test uses; no error message, URL or description may contain it.
let testAPIKey = "sk-evo-TESTSECRET-0123456789abcdef"

/// A fixed wall clock: 2026-11-21 12:00:00 UTC.
let fixedNow = Date(timeIntervalSince1970: 1_795_262_400)

/// A valid idempotency key.
let testIdempotencyKey = "setlist-open-road-attempt-1-4f2a9c"

/// Records every request and answers with a closure.
actor RequestLog {
    private(set) var requests: [HTTPRequestData] = []

    func record(_ request: HTTPRequestData) {
        requests.append(request)
    }
}

/// A provider over a closure transport, plus the log of what it sent. Unless `batch` is true the provider has
/// already given up `POST /v1/tasks/batch`, so `fetchTasks` sends one `GET /v1/tasks/{id}` per task.
func makeProvider(
    baseURL: String = "https://api.evolink.test",
    honoursIdempotencyKeys: Bool = true,
    batch: Bool = false,
    respond: @escaping @Sendable (HTTPRequestData) async throws -> HTTPResponseData
) -> (EvolinkProvider, RequestLog) {
    let log = RequestLog()
    let transport = ClosureHTTPTransport { request in
        await log.record(request)
        return try await respond(request)
    }
    let provider = EvolinkProvider(
        baseURL: baseURL, apiKey: testAPIKey, transport: transport, honoursIdempotencyKeys: honoursIdempotencyKeys,
        now: { fixedNow })
    if !batch { _ = provider.batchStatus.abandon() }
    return (provider, log)
}

/// A provider that answers every request with `status`, `body` and `headers`; `batch` as above.
func makeProvider(
    status: Int, body: String, headers: HTTPHeaderFields = [:], batch: Bool = false
) -> (EvolinkProvider, RequestLog) {
    makeProvider(batch: batch) { _ in HTTPResponseData(status: status, headers: headers, body: Data(body.utf8)) }
}

/// Parses JSON for comparisons that ignore key order and number formatting.
func parsedJSON(_ data: Data) -> NSDictionary? {
    (try? JSONSerialization.jsonObject(with: data)) as? NSDictionary
}

/// Parses a JSON literal written in a test.
func parsedJSON(_ text: String) -> NSDictionary? {
    parsedJSON(Data(text.utf8))
}

/// Runs `operation` and returns the ``ProviderError`` it threw, or nil when it succeeded.
func providerError<T>(_ operation: () async throws(ProviderError) -> T) async -> ProviderError? {
    do throws(ProviderError) {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}

/// Song request used by header and error tests.
let simpleSong = SongRequest(
    model: "suno-v4.5", customMode: false, instrumental: false,
    prompt: "A cheerful summer pop song about road trips and freedom")

/// Persona request of seed 002's basic example.
let basicPersona = PersonaRequest(
    sourceTaskID: "task-unified-1774169216-ocqaqde7", resultID: "4fcc4507-a7ae-4441-ad8a-465c2f61d5bb",
    name: "Electronic Pop Singer",
    description: "Modern electronic style with energetic beats and synthesizer tones for dance music")

/// Retyped bodies from api-contract §A and seeds 000–002.
enum Fixture {
    static let createdTask = """
        {"id":"task-unified-1766319089-oqs9cue4","object":"audio.generation.task","created":1766319090,
         "model":"suno-v5-beta","status":"pending","progress":0,"type":"audio",
         "task_info":{"can_cancel":true,"estimated_time":120},
         "usage":{"billing_rule":"per_call","credits_reserved":10,"user_group":"default"}}
        """

    static let createdPersonaTask = """
        {"created":1774170584,"id":"task-unified-1774170584-su75smg7","model":"suno-persona",
         "object":"audio.generation.task","progress":0,"status":"pending",
         "task_info":{"can_cancel":false,"estimated_time":15},"type":"audio",
         "usage":{"billing_rule":"per_call","credits_reserved":1,"user_group":"default"}}
        """

    static let completedMusicTask = """
        {"created":1766319090,"id":"task-unified-1766319089-oqs9cue4","model":"suno-v5",
         "object":"audio.generation.task","progress":100,
         "result_data":[{"result_id":"555f4ea2-cfef-4622-8355-baa5f2ce6a59","duration":91.2,"tags":"R&B",
           "title":"Forget Me Nots","image_url":"https://media.evolink.ai/xxx.jpeg",
           "audio_url":"https://media.evolink.ai/xxx.mp3","stream_audio_url":"https://media.evolink.ai/xxx.mp3"}],
         "results":["https://media.evolink.ai/xxx.mp3","https://media.evolink.ai/yyy.mp3"],
         "status":"completed","task_info":{"can_cancel":false},"type":"audio"}
        """

    static let songsWrapperTask = """
        {"id":"task-unified-1766319089-oqs9cue4","object":"audio.generation.task","model":"suno-v5-beta",
         "status":"completed","progress":100,"type":"audio","task_info":{"can_cancel":false},
         "result_data":{"songs":[
           {"result_id":"4fcc4507-a7ae-4441-ad8a-465c2f61d5bb","title":"Open Road","duration":184.5},
           {"result_id":"9d1c2b3a-0000-4000-8000-00000000abcd","title":"Open Road","duration":176}]}}
        """

    static let completedPersonaTask = """
        {"id":"task-unified-1774170584-su75smg7","object":"audio.generation.task","model":"suno-persona",
         "status":"completed","progress":100,"type":"audio","task_info":{"can_cancel":false},
         "result_data":{"persona_id":"5c57d49ef834110496fae5aa14fec441"}}
        """

    static let failedTask = """
        {"id":"task-unified-1772618027-cmeisy8h","object":"audio.generation.task","model":"suno-v5-beta",
         "status":"failed","progress":0,
         "error":{"code":"content_policy_violation",
           "message":"Content policy violation.\\nYour request was blocked by safety filters...","type":"task_error"}}
        """

    static let cancelledTask = """
        {"id":"task-unified-1772618027-cmeisy8h","object":"audio.generation.task","model":"suno-v5-beta",
         "status":"cancelled","progress":0}
        """

    static let failedCancelledTask = """
        {"id":"task-unified-1772618027-cmeisy8h","object":"audio.generation.task","model":"suno-v5-beta",
         "status":"failed","progress":0,
         "error":{"code":"request_cancelled","message":"The request was cancelled.","type":"task_error"}}
        """

    static func error(code: String, message: String, type: String) -> String {
        #"{"error":{"code":"\#(code)","message":"\#(message)","type":"\#(type)"}}"#
    }
}
