import Foundation
import SetlistCore

/// ``MusicProvider`` for the new-api / Suno-API aggregator format (api-contract §B): paid submissions with
/// `POST /suno/submit/music`, synchronous persona creation with `POST /suno/persona/create`, and batch polling
/// with `POST /suno/fetch`. Lyrics, extensions, joins and WAV masters (api-contract-proxy-extras §1–§4) are in
/// `SunoProxyWholeSong.swift`.
///
/// The proxy documents no idempotency keys, so none are sent and ``honoursIdempotencyKeys`` is false: a paid
/// POST whose answer is lost leaves the job's outcome unknown until the user checks the vendor's dashboard.
/// The API key goes only into the `Authorization` header; every thrown ``ProviderError`` is scrubbed of it.
public struct SunoProxyProvider: MusicProvider, CustomStringConvertible {
    /// The most ids one `POST /suno/fetch` carries. new-api sets no limit; 50 keeps bodies and answers small.
    public static let defaultBatchSize = 50
    /// A typical Suno generation time, used as the task estimate because the proxy reports none.
    public static let defaultTypicalTaskSeconds = 120.0

    /// The task estimate handed to the engine with each submission, in seconds.
    public let typicalTaskSeconds: Double
    /// The most task ids one status request carries.
    public let maxBatchSize: Int

    let http: ProviderHTTPClient
    var classifier: ProviderFailureClassifier { http.classifier }

    /// The base URL requests go to, without a trailing slash.
    public var baseURL: String { http.baseURL }
    /// How long one HTTP exchange may take.
    public var requestTimeout: Duration { http.requestTimeout }

    /// Creates the provider.
    /// - Parameters:
    ///   - baseURL: The vendor's base URL; a trailing slash is ignored.
    ///   - apiKey: The bearer token. It is used for the `Authorization` header and nothing else.
    ///   - transport: Performs the HTTP exchanges.
    ///   - maxBatchSize: The most ids per `POST /suno/fetch`.
    ///   - typicalTaskSeconds: The estimate of a music task's duration; the first poll waits about this long.
    ///   - requestTimeout: How long one HTTP exchange may take before it counts as a transient failure.
    ///   - retryAfterCap: The longest `Retry-After` wait passed on to the engine.
    ///   - now: The wall clock, used only to turn an HTTP-date `Retry-After` into a wait.
    public init(
        baseURL: String, apiKey: String, transport: any HTTPTransport, maxBatchSize: Int = defaultBatchSize,
        typicalTaskSeconds: Double = defaultTypicalTaskSeconds, requestTimeout: Duration = .seconds(60),
        retryAfterCap: Duration = .seconds(300), now: @escaping @Sendable () -> Date
    ) {
        self.maxBatchSize = max(1, maxBatchSize)
        self.typicalTaskSeconds = typicalTaskSeconds
        http = ProviderHTTPClient(
            provider: "Suno proxy", baseURL: baseURL, apiKey: apiKey, transport: transport,
            requestTimeout: requestTimeout, retryAfterCap: retryAfterCap, now: now)
    }

    /// Always ``ProviderAPI/sunoProxy``.
    public var api: ProviderAPI { .sunoProxy }

    /// Always false: the proxy documents no idempotency keys.
    public var honoursIdempotencyKeys: Bool { false }

    /// The base URL and settings; never the key.
    public var description: String {
        "SunoProxyProvider(baseURL: \(http.credential.redact(baseURL)), maxBatchSize: \(maxBatchSize))"
    }

    /// Submits a paid request. The idempotency key is not sent: the proxy has no such header.
    public func submit(_ request: ProviderRequest, idempotencyKey: String) async throws(ProviderError)
        -> TaskSnapshot
    {
        switch request {
        case .song(let song): try await submitSong(song, idempotencyKey: idempotencyKey)
        case .persona(let persona): try await submitPersona(persona, idempotencyKey: idempotencyKey)
        case .lyrics(let lyrics): try await submitLyrics(lyrics, idempotencyKey: idempotencyKey)
        case .extension(let part): try await submitExtension(part, idempotencyKey: idempotencyKey)
        case .join(let join): try await submitJoin(join, idempotencyKey: idempotencyKey)
        case .wav(let wav): try await requestWAV(wav, idempotencyKey: idempotencyKey)
        }
    }

    /// Submits a paid music generation and returns the new task as `pending`, with ``typicalTaskSeconds`` as
    /// its estimate.
    private func submitSong(_ request: SongRequest, idempotencyKey: String) async throws(ProviderError)
        -> TaskSnapshot
    {
        let call = makeCall(.post, "/suno/submit/music", "song submission", paid: true, key: idempotencyKey)
        let usesPersona = request.personaID != nil
        guard let mv = SunoProxyModels.mv(for: request.model, persona: usesPersona) else {
            let what = usesPersona ? "a persona song" : "a song"
            throw classifier.makeError(
                .rejected,
                message: "\(request.model) has no Suno proxy model version for "
                    + "\(what), so the song submission was not sent. Choose a model the proxy serves (see "
                    + "docs/PROVIDERS.md).")
        }
        if usesPersona, request.artistClipID?.isEmpty ?? true {
            throw classifier.makeError(
                .rejected,
                message: "A persona song on the Suno proxy needs the clip the "
                    + "persona came from (artist_clip_id), and none is known, so the song submission was not sent. "
                    + "Derive the persona in the manifest and refer to it with persona:.")
        }
        let body = try http.encode(SunoProxySongBody(request: request, mv: mv), for: call)
        return try await submitTask(call, body: body, estimate: typicalTaskSeconds, service: nil)
    }

    /// Creates a persona from the source song's clip. The proxy answers at once with the persona object, so the
    /// snapshot is already `completed`, with the persona's `id` as both task id and persona id.
    private func submitPersona(_ request: PersonaRequest, idempotencyKey: String) async throws(ProviderError)
        -> TaskSnapshot
    {
        let call = makeCall(.post, "/suno/persona/create", "persona creation", paid: true, key: idempotencyKey)
        let response = try await send(call, body: try http.encode(SunoProxyPersonaBody(request: request), for: call))
        guard (200..<300).contains(response.status) else { throw classify(response, call: call) }
        if case .failure(let error) = try? SunoProxyDecoder.envelope(response.body), error.code != nil {
            throw classifyEnvelope(error, response: response, call: call)
        }
        do throws(SunoProxyDecoder.Malformed) {
            let id = try SunoProxyDecoder.personaID(response.body)
            return TaskSnapshot(id: id, status: .completed, progress: 100, personaID: id)
        } catch {
            throw outcomeUnknown(response, call: call, problem: error.problem)
        }
    }

    /// Fetches the tasks with one `POST /suno/fetch` per ``maxBatchSize`` ids. Ids the proxy does not know (or
    /// that belong to another account) are missing from the answer, as are answers for ids not asked about.
    /// A WAV job's id (``wavTaskIDPrefix`` and a clip id) is not a proxy task: it is asked about by repeating
    /// `GET /suno/act/wav/{clip_id}`, one request per id.
    public func fetchTasks(_ ids: [String]) async throws(ProviderError) -> [TaskSnapshot] {
        var snapshots: [TaskSnapshot] = []
        var wanted: [String] = []
        for id in ids where !id.isEmpty {
            if let clipID = Self.wavClipID(inTaskID: id) {
                snapshots.append(try await pollWAV(clipID: clipID))
            } else {
                wanted.append(id)
            }
        }
        var start = 0
        while start < wanted.count {
            let batch = Array(wanted[start..<min(start + maxBatchSize, wanted.count)])
            start += batch.count
            let call = makeCall(.post, "/suno/fetch", "task status", paid: false, key: nil)
            let response = try await send(call, body: try http.encode(SunoProxyFetchBody(ids: batch), for: call))
            let data = try envelopeData(response, call: call)
            do throws(SunoProxyDecoder.Malformed) {
                let asked = Set(batch)
                snapshots += try SunoProxyDecoder.snapshots(data).filter { asked.contains($0.id) }
            } catch {
                throw classifier.malformedResponse(response, call: call, problem: error.problem)
            }
        }
        return snapshots
    }

    /// A 2xx answer to a paid POST that cannot be read: the proxy accepted the request and may have charged for
    /// it, so the error carries no HTTP status, which makes the engine hold the job like a lost answer instead of
    /// submitting it again.
    func outcomeUnknown(_ response: HTTPResponseData, call: ProviderCall, problem: String) -> ProviderError {
        var error = classifier.malformedResponse(response, call: call, problem: problem)
        error.httpStatus = nil
        return error
    }

    /// The call as error messages name it; only paid calls carry the (unsent) idempotency key.
    func makeCall(
        _ method: HTTPRequestData.Method, _ path: String, _ purpose: String, paid: Bool, key: String?
    ) -> ProviderCall {
        ProviderCall(
            provider: "Suno proxy", method: method, path: path, purpose: purpose, isPaid: paid, idempotencyKey: key,
            replaysIdempotentRequests: false)
    }

    /// The `data` of a successful envelope, or the classified error.
    func envelopeData(_ response: HTTPResponseData, call: ProviderCall) throws(ProviderError) -> JSONValue {
        guard (200..<300).contains(response.status) else { throw classify(response, call: call) }
        let envelope: SunoProxyDecoder.Envelope
        do throws(SunoProxyDecoder.Malformed) {
            envelope = try SunoProxyDecoder.envelope(response.body)
        } catch {
            throw call.isPaid
                ? outcomeUnknown(response, call: call, problem: error.problem)
                : classifier.malformedResponse(response, call: call, problem: error.problem)
        }
        switch envelope {
        case .success(let data): return data
        case .failure(let error): throw classifyEnvelope(error, response: response, call: call)
        }
    }

    /// A non-2xx answer: the shared classification, with the proxy's own codes on top. new-api's quota
    /// middleware answers 403 `insufficient_user_quota`, which means out of credits, not a rejected key.
    /// `task_not_exist` means an unknown task only on a status request; on a paid call it is the task an extension
    /// names (`task_id`), so the request is rejected instead.
    func classify(_ response: HTTPResponseData, call: ProviderCall) -> ProviderError {
        var error = classifier.classify(response, call: call)
        let code = APIErrorBody.parse(response.body)?.code?.lowercased() ?? ""
        if code.contains("quota") {
            error.kind = .quota
            error.message = classifier.credential.redact(
                "The Suno proxy refused \(call.label) with HTTP \(response.status) because the account has too few "
                    + "credits (code \(code)). Top up the account; the run stops submitting, lets running tasks "
                    + "finish, and the next run resumes where this one stopped.")
        } else if code == "task_not_exist", !call.isPaid {
            error.kind = .notFound
        } else if code == "task_not_exist" {
            error.kind = .rejected
            error.message = classifier.credential.redact(
                "The Suno proxy answered \(call.label) with HTTP \(response.status) and error code task_not_exist: it "
                    + "does not know the task the request names (task_id), which happens when that task was made "
                    + "with another vendor or account. The request is not retried: run the song on the vendor that "
                    + "made its first part.")
        } else if code == "fail_to_fetch_task", error.kind == .rejected {
            error.kind = .transient
        }
        return error
    }

    /// An envelope with a code other than `success` under HTTP 2xx.
    func classifyEnvelope(
        _ body: APIErrorBody, response: HTTPResponseData, call: ProviderCall
    ) -> ProviderError {
        let code = body.code ?? "unknown"
        let said = body.message.map { " The Suno proxy said: \"\(ProviderFailureClassifier.excerpt($0))\"." } ?? ""
        let kind: ProviderErrorKind =
            switch code.lowercased() {
            case "task_not_exist": call.isPaid ? .rejected : .notFound
            case _ where code.lowercased().contains("quota"): .quota
            case "internal_error", "fail_to_fetch_task", "rate_limit_exceeded": .transient
            default: .rejected
            }
        let next =
            kind == .transient
            ? " The run retries with backoff." + call.retryNote
            : kind == .quota
                ? " Top up the account; the run stops submitting."
                : " The request is not retried: fix the manifest entry and run again."
        return classifier.makeError(
            kind, status: response.status, code: code,
            message: "The Suno proxy answered "
                + "\(call.label) with HTTP \(response.status) and error code \(code).\(said)\(next)")
    }

    /// Sends `call` with a JSON body and the headers new-api expects; the proxy has no idempotency header.
    func send(_ call: ProviderCall, body: Data) async throws(ProviderError) -> HTTPResponseData {
        try await http.send(
            call, body: body, headers: ["Content-Type": "application/json", "User-Agent": "setlist"])
    }
}
