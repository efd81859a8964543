import HTTPTypes
import SetlistCore

/// One HTTP request as the simulator's logic sees it, independent of the server framework.
struct SimRequest: Sendable {
    let method: HTTPRequest.Method
    let path: String
    let authorization: String?
    let idempotencyKey: String?
    let body: [UInt8]
}

/// One HTTP answer, or the decision to close the connection without one.
enum SimOutcome: Sendable {
    case respond(SimResponse)
    case dropConnection
}

/// A response: status, content type, extra headers and body.
struct SimResponse: Sendable {
    var status: HTTPResponse.Status
    var contentType: String
    var headers: [(String, String)] = []
    var body: [UInt8]

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> SimResponse {
        SimResponse(status: status, contentType: "application/json", body: value.compactBytes)
    }

    /// The documented error body for `error`, with `Retry-After` when it has one.
    static func error(_ error: APIError) -> SimResponse {
        var response = json(error.body, status: error.status)
        if let retryAfter = error.retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
        return response
    }
}
