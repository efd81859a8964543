import Foundation
import SetlistCore

/// Downloads media over an ``HTTPTransport`` with a plain GET: no `Authorization` header, http(s) only.
public struct HTTPMediaFetcher: MediaFetcher {
    private let transport: any HTTPTransport
    private let timeout: Duration

    /// Creates a fetcher; `transport` must allow bodies as large as the largest file expected.
    public init(transport: any HTTPTransport, timeout: Duration = .seconds(120)) {
        self.transport = transport
        self.timeout = timeout
    }

    /// Fetches `url`; throws a ``MediaFetchError`` that says what went wrong.
    public func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8] {
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() }
        guard scheme == "http" || scheme == "https" else { throw MediaFetchError.unsupportedURL(url) }
        let response = try await transport.send(HTTPRequestData(method: .get, url: url, timeout: timeout))
        guard response.status == 200 else { throw MediaFetchError.status(response.status, url: url) }
        guard response.body.count <= maxBytes else { throw MediaFetchError.tooLarge(response.body.count, url: url) }
        guard !response.body.isEmpty else { throw MediaFetchError.empty(url) }
        return [UInt8](response.body)
    }
}

/// Why a media file could not be fetched.
public enum MediaFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL is not http or https.
    case unsupportedURL(String)
    /// The host answered with a status other than 200.
    case status(Int, url: String)
    /// The body exceeds the size cap.
    case tooLarge(Int, url: String)
    /// The body is empty.
    case empty(String)

    /// A full sentence naming the URL.
    public var description: String {
        switch self {
        case .unsupportedURL(let url): "the media URL '\(url)' is not http or https, so it is not fetched"
        case .status(let status, let url): "the media host answered HTTP \(status) for \(url)"
        case .tooLarge(let bytes, let url): "\(url) is \(bytes) bytes, more than the download size cap"
        case .empty(let url): "\(url) returned an empty file"
        }
    }
}
