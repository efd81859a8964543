@testable import SetlistCore

/// Hand-built resolved manifests for the planner tests (the YAML parser is tested elsewhere).
enum PlanFixtures {
    static func manifest(
        album: String = "Summer Roadtrip", api: ProviderAPI = .evolink, songs: [Song], personas: [Persona] = [],
        concurrency: Int = 4, submitsPerMinute: Int = 20, maxCredits: Double? = nil
    ) -> ResolvedManifest {
        ResolvedManifest(
            album: album, albumSlug: "summer-roadtrip",
            provider: ProviderSettings(
                api: api, baseURL: "https://api.evolink.ai", apiKeyEnvironmentVariable: "EVOLINK_API_KEY",
                idempotencyKeys: true
            ),
            limits: RunLimits(
                concurrency: concurrency, requestsPerMinute: 60, submitsPerMinute: submitsPerMinute,
                maxCredits: maxCredits, taskTimeout: .seconds(900), deadline: nil
            ),
            retry: RetrySettings(attempts: 3, initialBackoff: .seconds(5), maxBackoff: .seconds(120)),
            output: OutputSettings(directory: "out/summer-roadtrip", download: [.audio], ledger: "summer.ledger.json"),
            songs: songs, personas: personas
        )
    }

    /// A custom-mode song numbered by its position.
    static func song(
        _ id: String, track: Int, model: String = "suno-v5-beta", persona: PersonaReference? = nil,
        after: [String] = []
    ) -> Song {
        Song(
            id: id, track: track, model: model, mode: .custom, title: "Title of \(id)", style: "pop",
            prompt: "[Verse] \(id)", persona: persona, personaModel: persona == nil ? nil : .stylePersona,
            after: after
        )
    }

    static func persona(_ id: String, from source: String, take: TakeChoice? = nil, after: [String] = []) -> Persona {
        Persona(
            id: id, source: .song(id: source, take: take), name: "Voice of \(id)", description: "warm vocals",
            after: after
        )
    }

    /// Songs only, each named with the songs it runs after.
    static func songsOnly(_ edges: [(String, [String])], concurrency: Int = 4) -> ResolvedManifest {
        manifest(
            songs: edges.enumerated().map { song($1.0, track: $0 + 1, after: $1.1) }, concurrency: concurrency
        )
    }

    /// a -> (b, c) -> d.
    static let diamond = songsOnly([("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])])

    /// The DESIGN §2 album: open-road, sunset (simple), homecoming (persona road-voice, after sunset);
    /// road-voice derives from open-road.
    static func album(maxCredits: Double? = 400) -> ResolvedManifest {
        manifest(
            songs: [
                Song(
                    id: "open-road", track: 1, model: "suno-v5-beta", mode: .custom, title: "Open Road",
                    style: "pop, upbeat, female vocals", prompt: "[Verse] Windows down", vocalGender: .f
                ),
                Song(
                    id: "sunset", track: 2, model: "suno-v5-beta", mode: .simple,
                    prompt: "A slow acoustic ballad about sunsets"
                ),
                Song(
                    id: "homecoming", track: 3, model: "suno-v5-beta", mode: .custom, title: "Homecoming",
                    style: "pop ballad", prompt: "[Verse] Porch light on", persona: .job("road-voice"),
                    personaModel: .voicePersona, after: ["sunset"]
                ),
            ],
            personas: [
                Persona(
                    id: "road-voice", source: .song(id: "open-road", take: .newest(take: 1)), name: "Road Singer",
                    description: "Warm female pop vocals", vocalWindow: VocalWindow(start: 12, end: 34),
                    style: "electronic pop"
                )
            ],
            maxCredits: maxCredits
        )
    }
}
