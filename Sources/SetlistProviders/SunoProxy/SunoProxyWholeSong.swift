import Foundation
import SetlistCore

/// The whole-song requests of the Suno proxy (api-contract-proxy-extras §1–§4, §7): generated lyrics,
/// extensions, the join of an extended song (concat) and WAV masters. All four are paid and documented by vendors
/// rather than by the open-source gateways, which forward only music and lyrics (§0); a vendor that answers one
/// with 400 `invalid_action`, 404 or 405 does not serve it, and that job alone fails with ``notServedCode``.
extension SunoProxyProvider {
    /// The start of a WAV job's task id. `GET /suno/act/wav/{clip_id}` creates no proxy task, so the job's task id
    /// is `wav:` followed by the clip id, and ``fetchTasks(_:)`` asks about it by repeating the GET.
    public static let wavTaskIDPrefix = "wav:"
    /// The code of the error (on a submission) or task failure (on a WAV status request) that says the vendor does
    /// not serve the request.
    public static let notServedCode = "not_served"

    /// The estimate of a lyrics or WAV task: a twelfth of ``typicalTaskSeconds``, 10 s by default.
    var shortTaskSeconds: Double { typicalTaskSeconds / 12 }
    /// The estimate of a join: a quarter of ``typicalTaskSeconds``, 30 s by default.
    var joinTaskSeconds: Double { typicalTaskSeconds / 4 }

    /// The clip id in a WAV job's task id, or nil when `id` is a proxy task.
    static func wavClipID(inTaskID id: String) -> String? {
        guard id.hasPrefix(wavTaskIDPrefix) else { return nil }
        let clipID = String(id.dropFirst(wavTaskIDPrefix.count))
        return clipID.isEmpty ? nil : clipID
    }

    /// Submits a lyrics task; `data` of the answer is its task id.
    func submitLyrics(_ request: LyricsRequest, idempotencyKey: String) async throws(ProviderError) -> TaskSnapshot {
        let call = makeCall(.post, "/suno/submit/lyrics", "lyrics submission", paid: true, key: idempotencyKey)
        let body = try http.encode(SunoProxyLyricsBody(prompt: request.prompt), for: call)
        return try await submitTask(call, body: body, estimate: shortTaskSeconds, service: .lyrics)
    }

    /// Submits an extension with the `mv` the continued clip was made with; its task yields two clips of the new
    /// part only.
    func submitExtension(_ request: ExtensionRequest, idempotencyKey: String) async throws(ProviderError)
        -> TaskSnapshot
    {
        let call = makeCall(.post, "/suno/submit/music", "extend submission", paid: true, key: idempotencyKey)
        guard let mv = SunoProxyModels.mv(for: request.model, persona: request.personaVersion) else {
            let what = request.personaVersion ? "a persona song" : "a song"
            throw classifier.makeError(
                .rejected,
                message: "\(request.model) has no Suno proxy model version for \(what), so the extend submission "
                    + "was not sent. Choose a model the proxy serves (see docs/PROVIDERS.md).")
        }
        guard !request.taskID.isEmpty, !request.clipID.isEmpty else {
            throw classifier.makeError(
                .rejected,
                message: "An extend request needs the task and the clip it continues, and one of them is not known, "
                    + "so the extend submission was not sent. Run the part it continues first.")
        }
        let body = try http.encode(SunoProxyExtensionBody(request: request, mv: mv), for: call)
        return try await submitTask(call, body: body, estimate: typicalTaskSeconds, service: .extend)
    }

    /// Submits the join of an extended song from its last part's clip; its task yields one clip, the whole song.
    func submitJoin(_ request: JoinRequest, idempotencyKey: String) async throws(ProviderError) -> TaskSnapshot {
        let call = makeCall(.post, "/suno/submit/concat", "concat submission", paid: true, key: idempotencyKey)
        guard !request.clipID.isEmpty else {
            throw classifier.makeError(
                .rejected,
                message: "A concat request needs the clip of the song's last part, and none is known, so the concat "
                    + "submission was not sent. Run the song's extensions first.")
        }
        let body = try http.encode(SunoProxyConcatBody(request: request), for: call)
        return try await submitTask(call, body: body, estimate: joinTaskSeconds, service: .concat)
    }

    /// Sends a paid POST whose answer is the envelope with a task id, and returns that task as `pending`. With a
    /// `service`, an answer that says the vendor has no such endpoint throws ``notServedCode``.
    func submitTask(
        _ call: ProviderCall, body: Data, estimate: Double, service: SunoProxyService?
    ) async throws(ProviderError) -> TaskSnapshot {
        let response = try await send(call, body: body)
        if let service, let detail = Self.notServedDetail(response) {
            throw notServed(service, call: call, status: response.status, detail: detail)
        }
        let data = try envelopeData(response, call: call)
        do throws(SunoProxyDecoder.Malformed) {
            let id = try SunoProxyDecoder.submittedTaskID(data)
            return TaskSnapshot(id: id, status: .pending, progress: 0, estimatedSeconds: estimate)
        } catch {
            throw outcomeUnknown(response, call: call, problem: error.problem)
        }
    }

    /// Asks for the WAV of a clip. A vendor that answers with the URL completes the job at once; one still
    /// converting gives a `processing` task whose id is ``wavTaskIDPrefix`` and the clip id.
    func requestWAV(_ request: WAVRequest, idempotencyKey: String) async throws(ProviderError) -> TaskSnapshot {
        let call = wavCall(clipID: request.clipID, paid: true, key: idempotencyKey)
        guard !request.clipID.isEmpty else {
            throw classifier.makeError(
                .rejected,
                message: "A WAV request needs the clip of the song's chosen take, and none is known, so the WAV "
                    + "request was not sent. Run the song first.")
        }
        let response = try await http.send(call, body: Data(), headers: ["User-Agent": "setlist"])
        if let detail = Self.notServedDetail(response) {
            throw notServed(.wav, call: call, status: response.status, detail: detail)
        }
        guard (200..<300).contains(response.status) else { throw classify(response, call: call) }
        let answer: SunoProxyDecoder.WAVAnswer
        do throws(SunoProxyDecoder.Malformed) {
            answer = try SunoProxyDecoder.wav(response.body)
        } catch {
            throw outcomeUnknown(response, call: call, problem: error.problem)
        }
        return try wavSnapshot(answer, clipID: request.clipID, response, call)
    }

    /// Asks again whether the WAV of a clip is ready. A vendor that does not serve WAV gives a failed task with
    /// ``notServedCode``, so that only this job fails; other failures throw, as a failed `POST /suno/fetch` does.
    func pollWAV(clipID: String) async throws(ProviderError) -> TaskSnapshot {
        let call = wavCall(clipID: clipID, paid: false, key: nil)
        let response = try await http.send(call, body: Data(), headers: ["User-Agent": "setlist"])
        if let detail = Self.notServedDetail(response) {
            let error = notServed(.wav, call: call, status: response.status, detail: detail)
            return TaskSnapshot(
                id: Self.wavTaskIDPrefix + clipID, status: .failed,
                failure: TaskFailure(code: Self.notServedCode, message: error.message))
        }
        guard (200..<300).contains(response.status) else { throw classify(response, call: call) }
        let answer: SunoProxyDecoder.WAVAnswer
        do throws(SunoProxyDecoder.Malformed) {
            answer = try SunoProxyDecoder.wav(response.body)
        } catch {
            throw classifier.malformedResponse(response, call: call, problem: error.problem)
        }
        return try wavSnapshot(answer, clipID: clipID, response, call)
    }

    private func wavCall(clipID: String, paid: Bool, key: String?) -> ProviderCall {
        let encoded = ProviderHTTPClient.pathSegment(clipID)
        return makeCall(.get, "/suno/act/wav/\(encoded)", paid ? "WAV request" : "WAV status", paid: paid, key: key)
    }

    private func wavSnapshot(
        _ answer: SunoProxyDecoder.WAVAnswer, clipID: String, _ response: HTTPResponseData, _ call: ProviderCall
    ) throws(ProviderError) -> TaskSnapshot {
        let id = Self.wavTaskIDPrefix + clipID
        switch answer {
        case .ready(let url):
            return TaskSnapshot(
                id: id, status: .completed, progress: 100, results: [TaskResult(resultID: clipID, audioURL: url)])
        case .converting:
            return TaskSnapshot(id: id, status: .processing, estimatedSeconds: shortTaskSeconds)
        case .refused(let body):
            throw classifyEnvelope(body, response: response, call: call)
        }
    }

    /// `HTTP 400 invalid_action` when the answer says the vendor has no such endpoint: HTTP 404 or 405, the code
    /// `invalid_action` (stock new-api), or HTTP 400 with the message `invalid action` (Suno-API); nil otherwise.
    static func notServedDetail(_ response: HTTPResponseData) -> String? {
        if response.status == 404 || response.status == 405 { return "HTTP \(response.status)" }
        guard let body = APIErrorBody.parse(response.body) else { return nil }
        if body.code?.lowercased() == "invalid_action" { return "HTTP \(response.status) invalid_action" }
        guard response.status == 400, let message = body.message,
            ["invalid action", "invalid_action"].contains(message.lowercased())
        else { return nil }
        return "HTTP 400 \"\(message)\""
    }

    /// The error that says the vendor does not serve `service`: what, where, and what to do.
    func notServed(_ service: SunoProxyService, call: ProviderCall, status: Int, detail: String) -> ProviderError {
        classifier.makeError(
            .rejected, status: status, code: Self.notServedCode,
            message: "The vendor at \(baseURL) does not serve \(service.name) (\(call.method.rawValue) \(call.path) "
                + "answered \(detail)). \(service.advice); the rest of the album goes on.")
    }
}

/// A request some Suno-proxy vendors do not serve, as a not-served message names it.
enum SunoProxyService {
    case lyrics, extend, concat, wav

    /// The request's name: `concat`.
    var name: String {
        switch self {
        case .lyrics: "lyrics"
        case .extend: "extend"
        case .concat: "concat"
        case .wav: "WAV"
        }
    }

    /// What the user can do instead.
    var advice: String {
        switch self {
        case .lyrics:
            "Use a vendor that serves it, or write the lyrics into the song instead of naming a lyrics job with "
                + "lyrics_from:"
        case .extend, .concat: "Use a vendor that serves it, or remove extend: from the song"
        case .wav: "Use a vendor that serves it, or remove wav from output.download"
        }
    }
}
