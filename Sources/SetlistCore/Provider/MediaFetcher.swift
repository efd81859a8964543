/// Fetches a generated file (audio, cover) by URL. Media hosts get no credentials: implementations never send
/// the API key, follow no redirect to another scheme, and refuse bodies larger than `maxBytes`.
public protocol MediaFetcher: Sendable {
    /// The file at `url` (http or https), at most `maxBytes` long.
    func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8]
}
