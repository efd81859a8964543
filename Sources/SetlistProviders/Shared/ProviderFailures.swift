import Foundation
import SetlistCore

/// One provider call as error messages name it.
struct ProviderCall: Sendable {
    /// The provider's display name, e.g. `Evolink`.
    var provider: String
    /// The HTTP method.
    var method: HTTPRequestData.Method
    /// The request path without the base URL, e.g. `/v1/tasks/task-unified-1`.
    var path: String
    /// What the call does, e.g. `song submission`.
    var purpose: String
    /// Whether the call may cost credits.
    var isPaid: Bool
    /// The `Idempotency-Key` the call carried.
    var idempotencyKey: String?
    /// Whether the provider replays a paid POST whose key it has seen.
    var replaysIdempotentRequests: Bool

    /// `POST /v1/audios/generations (song submission)`.
    var label: String { "\(method.rawValue) \(path) (\(purpose))" }

    /// What a retry of this call means for money. Empty for free calls.
    var retryNote: String {
        guard isPaid else { return "" }
        if replaysIdempotentRequests, let idempotencyKey {
            return " The submission may have been accepted and charged; a retry reuses idempotency key "
                + "\(idempotencyKey), which \(provider) answers with the original task instead of charging again."
        }
        return " The submission may have been accepted and charged, and \(provider) is not configured to replay "
            + "idempotency keys, so check its dashboard before submitting this job again."
    }
}

/// Turns HTTP statuses, error bodies and transport failures into ``ProviderError`` values with messages that
/// name the call, quote the provider, and say what happens next. Every message passes through the credential's
/// redaction, so a key a server echoes back is never shown.
struct ProviderFailureClassifier: Sendable {
    /// Scrubs the key from every message.
    var credential: APICredential
    /// The wall clock for HTTP-date `Retry-After` values.
    var now: @Sendable () -> Date
    /// The longest `Retry-After` passed on.
    var retryAfterCap: Duration

    /// The classification of a response whose status is not 2xx.
    func classify(_ response: HTTPResponseData, call: ProviderCall) -> ProviderError {
        let status = response.status
        let body = APIErrorBody.parse(response.body)
        let retryAfter = RetryAfter.parse(response.headers["Retry-After"], now: now(), cap: retryAfterCap)
        let said = providerSays(body, response: response, provider: call.provider)
        let head = "\(call.provider) answered \(call.label) with HTTP \(status)"

        func error(_ kind: ProviderErrorKind, _ message: String, retryAfter: Duration? = nil) -> ProviderError {
            makeError(kind, status: status, code: body?.code, message: message, retryAfter: retryAfter)
        }

        switch status {
        case 401:
            return error(
                .authentication,
                "\(call.provider) rejected the API key on \(call.label) with HTTP 401."
                    + "\(said) Check that the environment variable named by provider.api_key_env holds a valid, "
                    + "unexpired key; the run stops because every further request would fail the same way.")
        case 403:
            return error(
                .authentication,
                "\(call.provider) denied access on \(call.label) with HTTP 403.\(said) "
                    + "Check that the key belongs to the account that created the task and may use the requested "
                    + "model; the run stops.")
        case 402:
            return error(
                .quota,
                "\(call.provider) refused \(call.label) with HTTP 402 because the account has "
                    + "too few credits.\(said) Top up the account; the run stops submitting, lets running tasks finish, "
                    + "and the next run resumes where this one stopped.")
        case 429:
            let wait = retryAfter.map { " and asked to wait \(Self.format($0))" } ?? ""
            return error(
                .rateLimited,
                "\(call.provider) rate-limited \(call.label) with HTTP 429\(wait).\(said) "
                    + "The run waits and lowers its request rate; if this repeats, lower limits.requests_per_minute "
                    + "in the manifest.", retryAfter: retryAfter)
        case 409 where body?.code == "idempotency_conflict":
            let key = call.idempotencyKey.map { " \($0)" } ?? ""
            return error(
                .rejected,
                "\(call.provider) refused \(call.label) with HTTP 409 because idempotency key"
                    + "\(key) was already used for a different request.\(said) The job's request changed after an "
                    + "earlier attempt with this key was sent, and that attempt may have been charged: check the "
                    + "\(call.provider) dashboard for it before submitting the job again.")
        case _ where body?.code == "paid_outcome_unknown":
            return error(
                .transient,
                "\(head) because it cannot yet tell whether an earlier paid request with this "
                    + "idempotency key went through.\(said) The run retries with backoff." + call.retryNote,
                retryAfter: retryAfter)
        case 408, 425:
            return error(
                .transient,
                "\(head), a timeout on the server side.\(said) The run retries with backoff."
                    + call.retryNote, retryAfter: retryAfter)
        case 300..<400:
            let target = response.headers["Location"].map { " to \($0)" } ?? ""
            return error(
                .rejected,
                "\(head), a redirect\(target) that is not followed so that the API key "
                    + "goes nowhere else. Set provider.base_url to the address the API really answers on.")
        case 404:
            return error(
                .rejected,
                "\(head).\(said) Check that provider.base_url points at the "
                    + "\(call.provider) API; the request is not retried.")
        case 400..<500:
            return error(
                .rejected,
                "\(call.provider) rejected \(call.label) with HTTP \(status).\(said) The "
                    + "request itself is at fault, so it is not retried: fix the manifest entry and run again.")
        case 500..<600:
            return error(
                .transient,
                "\(head), a server-side failure.\(said) The run retries with backoff."
                    + call.retryNote, retryAfter: retryAfter)
        default:
            return error(
                .transient,
                "\(head), which is not a status the API documents.\(said) The run retries "
                    + "with backoff." + call.retryNote, retryAfter: retryAfter)
        }
    }

    /// The classification of an exchange that produced no response.
    func transportFailure(_ failure: any Error, call: ProviderCall) -> ProviderError {
        let transportError =
            failure as? HTTPTransportError
            ?? HTTPTransportError(kind: .connection, detail: String(describing: failure))
        let head = "Could not complete \(call.label) against \(call.provider)"
        switch transportError.kind {
        case .invalidRequest:
            return makeError(
                .rejected,
                message: "\(head): \(transportError.detail). Nothing reached "
                    + "\(call.provider), so nothing was charged; the request is not retried.")
        case .cancelled:
            return makeError(
                .transient,
                message: "\(head) because the request was cancelled before an answer "
                    + "arrived." + call.retryNote)
        case .timeout, .connection, .invalidResponse:
            return makeError(
                .transient,
                message: "\(head): \(transportError.detail). The run retries with "
                    + "backoff." + call.retryNote)
        }
    }

    /// The classification of a request that was not sent because its header field `name` holds a character HTTP
    /// cannot carry (``HTTPHeaderFields/unsendableFieldName``). Nothing reached the provider, so it is never an
    /// outcome that may have been charged: a bad key stops the run like a rejected one (exit 3), any other field
    /// fails the job alone.
    func unsendableHeader(_ name: String, call: ProviderCall) -> ProviderError {
        guard name.lowercased() == "authorization" else {
            return makeError(
                .rejected,
                message: "\(call.label) was not sent to \(call.provider) because its \(name) "
                    + "header holds a character HTTP cannot carry; nothing was charged and the request is not retried.")
        }
        return makeError(
            .authentication,
            message: "The API key cannot be sent to \(call.provider) on \(call.label): "
                + "it holds a line break or another control character, so nothing was sent and nothing was charged. "
                + "Set the key again without it in the environment variable named by provider.api_key_env (or the "
                + "--api-key-file); the run stops because every request would fail the same way.")
    }

    /// The classification of a 2xx response whose body is not what the API documents.
    func malformedResponse(_ response: HTTPResponseData, call: ProviderCall, problem: String) -> ProviderError {
        let said = providerSays(APIErrorBody.parse(response.body), response: response, provider: call.provider)
        let next =
            call.isPaid
            ? call.retryNote
            : " The status request is retried with backoff."
        return makeError(
            .transient, status: response.status,
            message: "\(call.provider) answered \(call.label) "
                + "with HTTP \(response.status), but \(problem).\(said)\(next)")
    }

    /// An error whose message and code are scrubbed of the key.
    func makeError(
        _ kind: ProviderErrorKind, status: Int? = nil, code: String? = nil, message: String,
        retryAfter: Duration? = nil
    ) -> ProviderError {
        ProviderError(
            kind: kind, httpStatus: status, code: code.map(credential.redact), message: credential.redact(message),
            retryAfter: retryAfter)
    }

    /// ` Evolink said: "…" (code …, request id …).`, or an excerpt of a body that has no error object.
    private func providerSays(_ body: APIErrorBody?, response: HTTPResponseData, provider: String) -> String {
        var details: [String] = []
        if let code = body?.code { details.append("code \(code)") }
        if let param = body?.param { details.append("parameter \(param)") }
        if let requestID = response.headers["X-Request-Id"] { details.append("request id \(requestID)") }
        let suffix = details.isEmpty ? "" : " (" + details.joined(separator: ", ") + ")"
        if let message = body?.message {
            return " \(provider) said: \"\(Self.excerpt(message))\"\(suffix)."
        }
        if body?.code != nil {
            return " \(provider) gave no message\(suffix)."
        }
        let text = Self.excerpt(String(decoding: response.body, as: UTF8.self))
        if text.isEmpty {
            return details.isEmpty ? "" : " The body was empty\(suffix)."
        }
        return " The body began: \"\(text)\"\(suffix)."
    }

    /// At most 300 characters of `text` on one line.
    static func excerpt(_ text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return oneLine.count > 300 ? String(oneLine.prefix(300)) + "…" : oneLine
    }

    /// `12 s` or `1.5 s`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds) s" }
        return String(format: "%.1f s", duration.seconds)
    }
}
