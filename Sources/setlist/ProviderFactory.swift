import Foundation
import SetlistCore
import SetlistProviders

/// Settings of a provider client that only one API reads; the defaults are the providers' own.
struct ProviderOptions {
    /// Evolink: whether it replays a paid POST whose `Idempotency-Key` it has seen.
    var honoursIdempotencyKeys = true
    /// Suno proxy: the estimate of a music task's duration; the first poll waits about this long.
    var typicalTaskSeconds = SunoProxyProvider.defaultTypicalTaskSeconds
}

/// The one place the executable chooses a provider client for a manifest's `provider.api`.
enum ProviderFactory {
    /// A client of `api` at `baseURL`, sending `apiKey` through `transport`.
    static func provider(
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
