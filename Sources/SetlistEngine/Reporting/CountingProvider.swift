import SetlistCore
import Synchronization

/// Wraps a provider and counts its HTTP requests by route (`submit_song`, `submit_persona`, `submit_lyrics`,
/// `submit_extension`, `submit_join`, `submit_wav`, `fetch_tasks`) and
/// outcome (`200`, the HTTP status of an error, or `network_error` when no response came), for the metrics file.
public final class CountingProvider: MusicProvider {
    private let base: any MusicProvider
    private let counts = Mutex<[RequestKey: Int]>([:])

    /// Wraps `base`.
    public init(_ base: any MusicProvider) {
        self.base = base
    }

    /// The counts so far.
    public var requests: [RequestKey: Int] { counts.withLock { $0 } }

    /// The wrapped provider's API.
    public var api: ProviderAPI { base.api }
    /// Whether the wrapped provider replays idempotency keys.
    public var honoursIdempotencyKeys: Bool { base.honoursIdempotencyKeys }
    /// The wrapped provider's batch size.
    public var maxBatchSize: Int { base.maxBatchSize }

    /// Submits through the wrapped provider and counts the request under `submit_<kind>`.
    public func submit(_ request: ProviderRequest, idempotencyKey: String) async throws(ProviderError)
        -> TaskSnapshot
    {
        try await counted(Self.route(of: request)) { () async throws(ProviderError) in
            try await base.submit(request, idempotencyKey: idempotencyKey)
        }
    }

    private static func route(of request: ProviderRequest) -> String {
        switch request {
        case .song: "submit_song"
        case .persona: "submit_persona"
        case .lyrics: "submit_lyrics"
        case .extension: "submit_extension"
        case .join: "submit_join"
        case .wav: "submit_wav"
        }
    }

    /// Fetches through the wrapped provider and counts the request.
    public func fetchTasks(_ ids: [String]) async throws(ProviderError) -> [TaskSnapshot] {
        try await counted("fetch_tasks") { () async throws(ProviderError) in try await base.fetchTasks(ids) }
    }

    private func counted<Value>(
        _ route: String, _ call: () async throws(ProviderError) -> Value
    ) async throws(ProviderError) -> Value {
        do {
            let value = try await call()
            count(route, "200")
            return value
        } catch {
            count(route, error.httpStatus.map(String.init) ?? "network_error")
            throw error
        }
    }

    private func count(_ route: String, _ status: String) {
        counts.withLock { $0[RequestKey(route: route, status: status), default: 0] += 1 }
    }
}
