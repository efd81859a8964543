import Foundation
import SetlistCore

/// The HTTP layer under both providers: the base URL rule, the JSON encoding of request bodies, the headers every
/// call carries, and the mapping of encoding, header and transport failures to ``ProviderError``. The API key goes
/// into the `Authorization` header here and nowhere else; every message is scrubbed of it.
struct ProviderHTTPClient: Sendable {
    /// `id` as one URL path segment: every character but the unreserved ones (`A-Z a-z 0-9 - . _ ~`)
    /// percent-encoded, so an id can never reach another path.
    static func pathSegment(_ id: String) -> String {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id
    }

    /// The provider's display name in messages, e.g. `Evolink`.
    let provider: String
    /// The base URL requests go to, without a trailing slash.
    let baseURL: String
    /// How long one HTTP exchange may take.
    let requestTimeout: Duration
    /// Maps answers and failures to ``ProviderError`` values.
    let classifier: ProviderFailureClassifier
    private let transport: any HTTPTransport

    /// Creates the client of `provider` at `baseURL` (a trailing slash is ignored), sending `apiKey` as a bearer
    /// token; `retryAfterCap` and `now` go to the failure classification.
    init(
        provider: String, baseURL: String, apiKey: String, transport: any HTTPTransport, requestTimeout: Duration,
        retryAfterCap: Duration, now: @escaping @Sendable () -> Date
    ) {
        var trimmed = baseURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.provider = provider
        self.baseURL = trimmed
        self.requestTimeout = requestTimeout
        self.transport = transport
        classifier = ProviderFailureClassifier(
            credential: APICredential(apiKey), now: now, retryAfterCap: retryAfterCap)
    }

    /// The credential, for redacting text the provider shows.
    var credential: APICredential { classifier.credential }

    /// `body` as JSON with sorted keys and unescaped slashes. A body that cannot be encoded is rejected before
    /// anything is sent; `advice`, when given, says what to check.
    func encode(_ body: some Encodable, for call: ProviderCall, advice: String? = nil) throws(ProviderError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(body)
        } catch {
            throw classifier.makeError(
                .rejected,
                message: "The \(call.purpose) could not be encoded as JSON (\(error)). Nothing was sent"
                    + (advice.map { "; \($0)." } ?? "."))
        }
    }

    /// Sends `call` with `body`, the `Authorization` and `Accept` headers first and then `headers` in their
    /// order. A base URL that is not absolute http(s), a header HTTP cannot carry, and a transport failure
    /// become ``ProviderError`` values naming the call.
    func send(_ call: ProviderCall, body: Data, headers: HTTPHeaderFields) async throws(ProviderError)
        -> HTTPResponseData
    {
        let url = baseURL + call.path
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "https" || scheme == "http", parsed.host?.isEmpty == false
        else {
            throw classifier.makeError(
                .rejected,
                message: "The \(provider) base URL \"\(baseURL)\" is not an absolute http(s) URL, so \(call.label) "
                    + "was not sent. Fix provider.base_url in the manifest.")
        }
        var fields: HTTPHeaderFields = [
            "Authorization": credential.bearerAuthorization,
            "Accept": "application/json",
        ]
        for field in headers { fields.add(name: field.name, value: field.value) }
        let request = HTTPRequestData(
            method: call.method, url: url, headers: fields, body: body, timeout: requestTimeout)
        if let name = fields.unsendableFieldName { throw classifier.unsendableHeader(name, call: call) }
        do {
            return try await transport.send(request)
        } catch {
            throw classifier.transportFailure(error, call: call)
        }
    }
}
