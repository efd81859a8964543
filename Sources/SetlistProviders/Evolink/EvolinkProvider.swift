import Foundation
import SetlistCore

/// ``MusicProvider`` for Evolink's Suno API (api-contract §A): paid submissions with
/// `POST /v1/audios/generations`, and polling with `POST /v1/tasks/batch` (up to 50 tasks per request, the
/// endpoint Evolink's own client uses) or, once that endpoint turns out not to be served, with
/// `GET /v1/tasks/{id}`, one task per request.
///
/// The API key goes only into the `Authorization` header. Every thrown ``ProviderError`` names the call, quotes
/// Evolink's message and code, and is scrubbed of the key even when the server echoes it back.
public struct EvolinkProvider: MusicProvider, CustomStringConvertible {
    /// Evolink's production API.
    public static let defaultBaseURL = "https://api.evolink.ai"
    /// The `model` value of a persona derivation.
    public static let personaModelName = "suno-persona"
    /// The `Idempotency-Key` lengths Evolink's own client sends (16 to 96 characters of `A-Z a-z 0-9 . _ -`).
    public static let idempotencyKeyLengths = 16...96

    private static let generationsPath = "/v1/audios/generations"

    /// Whether Evolink replays a paid POST with a seen `Idempotency-Key` (the manifest's
    /// `provider.idempotency_keys`).
    public let honoursIdempotencyKeys: Bool

    let http: ProviderHTTPClient
    var classifier: ProviderFailureClassifier { http.classifier }
    /// Whether the batch status endpoint is still used; shared by every copy of this provider.
    let batchStatus = EvolinkBatchStatus()

    /// The base URL requests go to, without a trailing slash.
    public var baseURL: String { http.baseURL }
    /// How long one HTTP exchange may take.
    public var requestTimeout: Duration { http.requestTimeout }

    /// Creates the provider.
    /// - Parameters:
    ///   - baseURL: The API's base URL; a trailing slash is ignored.
    ///   - apiKey: The bearer token. It is used for the `Authorization` header and nothing else.
    ///   - transport: Performs the HTTP exchanges.
    ///   - honoursIdempotencyKeys: Whether Evolink replays a paid POST whose `Idempotency-Key` it has seen.
    ///   - requestTimeout: How long one HTTP exchange may take before it counts as a transient failure.
    ///   - retryAfterCap: The longest `Retry-After` wait passed on to the engine.
    ///   - now: The wall clock, used only to turn an HTTP-date `Retry-After` into a wait.
    public init(
        baseURL: String = defaultBaseURL, apiKey: String, transport: any HTTPTransport,
        honoursIdempotencyKeys: Bool = true, requestTimeout: Duration = .seconds(60),
        retryAfterCap: Duration = .seconds(300), now: @escaping @Sendable () -> Date
    ) {
        self.honoursIdempotencyKeys = honoursIdempotencyKeys
        http = ProviderHTTPClient(
            provider: "Evolink", baseURL: baseURL, apiKey: apiKey, transport: transport,
            requestTimeout: requestTimeout, retryAfterCap: retryAfterCap, now: now)
    }

    /// Always ``ProviderAPI/evolink``.
    public var api: ProviderAPI { .evolink }

    /// 50 while `POST /v1/tasks/batch` is used, 1 once it turned out not to be served.
    public var maxBatchSize: Int { batchStatus.isAbandoned ? 1 : EvolinkBatchStatus.maxIDs }

    /// The base URL and settings; never the key.
    public var description: String {
        "EvolinkProvider(baseURL: \(http.credential.redact(baseURL)), honoursIdempotencyKeys: "
            + "\(honoursIdempotencyKeys), maxBatchSize: \(maxBatchSize))"
    }

    /// Submits a paid music generation or persona derivation (`model: suno-persona`) and returns the new task
    /// (normally `pending`); a persona's `persona_id` arrives when a later ``fetchTasks(_:)`` sees the task
    /// completed. Evolink has no endpoint for lyrics, extensions, joins or WAV masters, so those are rejected
    /// without a request (validation stops such manifests first).
    public func submit(_ request: ProviderRequest, idempotencyKey: String) async throws(ProviderError)
        -> TaskSnapshot
    {
        switch request {
        case .song(let song):
            try await submit(EvolinkSongBody(request: song), purpose: "song submission", key: idempotencyKey)
        case .persona(let persona):
            try await submit(EvolinkPersonaBody(request: persona), purpose: "persona derivation", key: idempotencyKey)
        case .lyrics, .extension, .join, .wav:
            throw ProviderError(
                kind: .rejected, code: "not_served",
                message: "The Evolink API has no endpoint for \(request.summary), so nothing was sent. Use api: "
                    + "suno-proxy with a vendor that serves it.")
        }
    }

    /// Fetches the tasks with one `POST /v1/tasks/batch` per 50 ids, in order, and stops at the first failure;
    /// tasks the answer leaves out are missing from the result. The first answer showing that the batch endpoint
    /// is not served throws a transient error with code `batch_unavailable` (see ``fetchBatch(_:)``); from then on
    /// each task is fetched with its own `GET /v1/tasks/{id}`. There a task Evolink does not know (HTTP 404 with
    /// code `task_not_found`) is missing from the answer, and a 404 without that code means the base URL is wrong
    /// and throws ``ProviderErrorKind/rejected``.
    public func fetchTasks(_ ids: [String]) async throws(ProviderError) -> [TaskSnapshot] {
        let wanted = ids.filter { !$0.isEmpty }
        var snapshots: [TaskSnapshot] = []
        var start = 0
        while start < wanted.count, !batchStatus.isAbandoned {
            let batch = Array(wanted[start..<min(start + EvolinkBatchStatus.maxIDs, wanted.count)])
            guard let found = try await fetchBatch(batch) else { break }
            snapshots += found
            start += batch.count
        }
        for id in wanted[start...] {
            if let snapshot = try await fetchTask(id) {
                snapshots.append(snapshot)
            }
        }
        return snapshots
    }

    private func fetchTask(_ id: String) async throws(ProviderError) -> TaskSnapshot? {
        let encodedID = ProviderHTTPClient.pathSegment(id)
        let call = ProviderCall(
            provider: "Evolink", method: .get, path: "/v1/tasks/\(encodedID)", purpose: "task status",
            isPaid: false, idempotencyKey: nil, replaysIdempotentRequests: honoursIdempotencyKeys)
        let response = try await send(call, body: Data())
        if response.status == 404, APIErrorBody.parse(response.body)?.code == "task_not_found" {
            return nil
        }
        return try snapshot(from: response, call: call, expectedID: id)
    }

    private func submit(_ body: some Encodable, purpose: String, key: String) async throws(ProviderError)
        -> TaskSnapshot
    {
        let call = ProviderCall(
            provider: "Evolink", method: .post, path: Self.generationsPath, purpose: purpose, isPaid: true,
            idempotencyKey: key, replaysIdempotentRequests: honoursIdempotencyKeys)
        guard Self.isValidIdempotencyKey(key) else {
            throw classifier.makeError(
                .rejected,
                message: "setlist made idempotency key \"\(key)\" for the "
                    + "\(purpose), which Evolink does not accept: it needs \(Self.idempotencyKeyLengths.lowerBound) "
                    + "to \(Self.idempotencyKeyLengths.upperBound) characters from A-Z, a-z, 0-9, '.', '_' and '-'. "
                    + "Nothing was sent; this is a bug in setlist, please report it.")
        }
        let data = try http.encode(body, for: call, advice: "check the manifest entry's numbers for NaN or infinity")
        let response = try await send(call, body: data)
        return try snapshot(from: response, call: call, expectedID: nil)
    }

    private func snapshot(from response: HTTPResponseData, call: ProviderCall, expectedID: String?)
        throws(ProviderError) -> TaskSnapshot
    {
        guard (200..<300).contains(response.status) else {
            throw classifier.classify(response, call: call)
        }
        do throws(EvolinkTaskDecoder.Malformed) {
            return try EvolinkTaskDecoder.snapshot(from: response.body, expectedID: expectedID)
        } catch {
            throw classifier.malformedResponse(response, call: call, problem: error.problem)
        }
    }

    /// Sends `call` with the headers Evolink's own client sends; a POST carries its `Idempotency-Key`.
    func send(_ call: ProviderCall, body: Data) async throws(ProviderError) -> HTTPResponseData {
        var headers: HTTPHeaderFields = ["User-Agent": "setlist"]
        if call.method == .post {
            headers.add(name: "Content-Type", value: "application/json")
        }
        if let key = call.idempotencyKey {
            headers.add(name: "Idempotency-Key", value: key)
        }
        return try await http.send(call, body: body, headers: headers)
    }

    private static func isValidIdempotencyKey(_ key: String) -> Bool {
        idempotencyKeyLengths.contains(key.count)
            && key.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || ".-_".unicodeScalars.contains(scalar))
            }
    }
}
