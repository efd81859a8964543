import HTTPTypes
import SetlistCore

/// An error answer in the documented body `{"error":{"code","message","type"}}` (api-contract §A.4).
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let type: String
    var param: String?
    /// Seconds for a `Retry-After` header.
    var retryAfter: Int?

    /// HTTP 400 `invalid_request` / `invalid_request_error`, the documented parameter error (§C-6, §C-7).
    static func invalidRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_request", message: message, type: "invalid_request_error")
    }

    /// HTTP 404 `not_found` for a request no route answers: "There is no `named` METHOD PATH."
    static func noRoute(_ request: SimRequest, named: String) -> APIError {
        APIError(
            status: .notFound, code: "not_found",
            message: "There is no \(named) \(request.method.rawValue) \(request.path).", type: "invalid_request_error")
    }

    /// HTTP 401 for a missing or unknown bearer key.
    static let unauthorized = APIError(
        status: .unauthorized, code: "unauthorized", message: "Invalid or expired token", type: "authentication_error"
    )

    /// HTTP 402 when the key's credits do not cover the request.
    static let insufficientQuota = APIError(
        status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), code: "insufficient_quota",
        message: "Insufficient quota. Please top up your account.", type: "insufficient_quota"
    )

    /// The error body.
    var body: JSONValue {
        var members: JSONObject = [
            "code": .string(code), "message": .string(message), "type": .string(type),
        ]
        if let param { members["param"] = .string(param) }
        return .object(["error": .object(members)])
    }
}
