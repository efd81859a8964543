import Foundation

/// An ordered list of HTTP header fields with case-insensitive lookup. Its descriptions hide the value of
/// `Authorization`, so printing a request never prints the API key.
public struct HTTPHeaderFields: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral,
    CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable
{
    /// One header line.
    public struct Field: Sendable, Hashable {
        /// The header name as sent or received.
        public var name: String
        /// The header value.
        public var value: String

        /// Creates a header field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Header names whose values the descriptions replace with `<redacted>`.
    public static let sensitiveNames: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    /// The fields in order.
    public private(set) var fields: [Field]

    /// Creates header fields from name-value pairs, keeping their order.
    public init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Creates header fields from a literal.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value of the header `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// The name of the first field HTTP/1.1 cannot carry, or nil: a name that is not a token, or a value with a
    /// control character other than a tab (a key read from a file with its newline, say). No bytes of such a
    /// request may go out, so transports and providers check this before sending.
    public var unsendableFieldName: String? {
        fields.first { field in
            field.name.isEmpty
                || !field.name.unicodeScalars.allSatisfy { $0.isASCII && Self.tokenCharacters.contains($0) }
                || field.value.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }
        }?.name
    }

    /// The characters of an HTTP token (RFC 9110 §5.6.2), which header names consist of.
    private static let tokenCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-.^_`|~"))

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// The fields as `name: value` lines with sensitive values hidden.
    public var description: String {
        let lines = fields.map { field in
            let value = Self.sensitiveNames.contains(field.name.lowercased()) ? "<redacted>" : field.value
            return "\(field.name): \(value)"
        }
        return "[" + lines.joined(separator: ", ") + "]"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror that shows only the redacted description, so `dump` cannot reveal a credential.
    public var customMirror: Mirror {
        Mirror(self, children: ["fields": description])
    }
}

/// One HTTP request as the providers build it: independent of the HTTP client library.
public struct HTTPRequestData: Sendable, Hashable, CustomStringConvertible {
    /// The request method.
    public enum Method: String, Sendable, Hashable {
        /// `GET`.
        case get = "GET"
        /// `POST`.
        case post = "POST"
    }

    /// The method.
    public var method: Method
    /// The absolute URL. It never carries credentials.
    public var url: String
    /// The header fields, including `Authorization`.
    public var headers: HTTPHeaderFields
    /// The body bytes; empty for none.
    public var body: Data
    /// How long the exchange may take until the response head arrives (connecting and sending included).
    /// Transports bound the body separately (``AsyncHTTPTransport`` by its read timeout).
    public var timeout: Duration

    /// Creates a request.
    public init(
        method: Method, url: String, headers: HTTPHeaderFields = [:], body: Data = Data(),
        timeout: Duration
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// Method, URL and redacted headers.
    public var description: String { "\(method.rawValue) \(url) \(headers)" }
}

/// One HTTP response with its complete body.
public struct HTTPResponseData: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// The header fields.
    public var headers: HTTPHeaderFields
    /// The body bytes.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaderFields = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why an exchange produced no HTTP response. Transports throw it so that providers can word the failure.
public struct HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable {
        /// No response head arrived within the request's timeout, or the connection stalled.
        case timeout
        /// The connection could not be made or broke (refused, reset, closed early, TLS failure).
        case connection
        /// The response was too large or could not be read.
        case invalidResponse
        /// The request could not be built (an invalid URL, a header field HTTP cannot carry); nothing was sent.
        case invalidRequest
        /// The calling task was cancelled.
        case cancelled
    }

    /// The classification.
    public var kind: Kind
    /// A sentence fragment describing the cause, without credentials.
    public var detail: String

    /// Creates a transport error.
    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The kind and detail.
    public var description: String { "\(kind.rawValue): \(detail)" }
}

/// The narrow seam between providers and the network: one request in, one complete response out.
/// A response with any status code is returned, not thrown; only a missing response is an error
/// (preferably an ``HTTPTransportError``).
public protocol HTTPTransport: Sendable {
    /// Performs the exchange, honouring `request.timeout`.
    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData
}

/// A transport backed by a closure: for tests, and for routing requests to an in-process handler.
public struct ClosureHTTPTransport: HTTPTransport {
    private let handler: @Sendable (HTTPRequestData) async throws -> HTTPResponseData

    /// Creates a transport that answers every request with `handler`.
    public init(_ handler: @escaping @Sendable (HTTPRequestData) async throws -> HTTPResponseData) {
        self.handler = handler
    }

    /// Calls the handler.
    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        try await handler(request)
    }
}
