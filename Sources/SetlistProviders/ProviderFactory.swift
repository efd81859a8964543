import Foundation
import SetlistCore

/// Settings of a provider client that only one API reads; the defaults are the providers' own.
public struct ProviderOptions: Sendable {
    /// Evolink: whether it replays a paid POST whose `Idempotency-Key` it has seen.
    public var honoursIdempotencyKeys: Bool
    /// Suno proxy: the estimate of a music task's duration; the first poll waits about this long.
    public var typicalTaskSeconds: Double

    /// Options whose unnamed settings are the providers' defaults.
    public init(
        honoursIdempotencyKeys: Bool = true, typicalTaskSeconds: Double = SunoProxyProvider.defaultTypicalTaskSeconds
    ) {
        self.honoursIdempotencyKeys = honoursIdempotencyKeys
        self.typicalTaskSeconds = typicalTaskSeconds
    }
}

/// The one place a provider client is chosen for a manifest's `provider.api`, used by `setlist` and
/// `setlist-bench` alike. Clients read the wall clock (`Date()`) only to turn an HTTP-date `Retry-After` into a
/// wait.
public enum ProviderFactory {
    /// A client of `api` at `baseURL`, sending `apiKey` through `transport`.
    public static func provider(
        api: ProviderAPI, baseURL: String, apiKey: String, transport: any HTTPTransport,
        options: ProviderOptions = ProviderOptions()
    ) -> any MusicProvider {
        switch api {
        case .evolink:
            EvolinkProvider(
                baseURL: baseURL, apiKey: apiKey, transport: transport,
                honoursIdempotencyKeys: options.honoursIdempotencyKeys, now: { Date() })
        case .sunoProxy:
            SunoProxyProvider(
                baseURL: baseURL, apiKey: apiKey, transport: transport, typicalTaskSeconds: options.typicalTaskSeconds,
                now: { Date() })
        }
    }
}
