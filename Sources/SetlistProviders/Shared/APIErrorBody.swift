import Foundation
import SetlistCore

/// The error details a provider put in a response body. Understands the OpenAI-style object Evolink
/// documents (`{"error":{"code","message","type","param"}}`, `code` a string or an integer), a bare
/// `{"error":"text"}`, and the flat `{"code","message"}` envelope of new-api style gateways.
struct APIErrorBody: Sendable, Hashable {
    /// The provider's error code.
    var code: String?
    /// The provider's message.
    var message: String?
    /// The provider's error type (for example `invalid_request_error`).
    var type: String?
    /// The request parameter the error is about.
    var param: String?

    /// Reads the error details from a body, or nil when it carries none.
    static func parse(_ data: Data) -> APIErrorBody? {
        guard let json = JSONValue.parse(data) else { return nil }
        return parse(json)
    }

    /// Reads the error details from parsed JSON, or nil when it carries none.
    static func parse(_ json: JSONValue) -> APIErrorBody? {
        let source: JSONValue
        if let nested = json["error"], nested.objectValue != nil {
            source = nested
        } else if let text = json["error"]?.nonEmptyStringValue {
            return APIErrorBody(message: text)
        } else {
            source = json
        }
        let body = APIErrorBody(
            code: source["code"]?.nonEmptyStringValue,
            message: source["message"]?.nonEmptyStringValue,
            type: source["type"]?.nonEmptyStringValue,
            param: source["param"]?.nonEmptyStringValue
        )
        return body.code == nil && body.message == nil ? nil : body
    }
}
