import SetlistCore

/// A benchmark album: its manifest text and the limits it runs under.
struct Workload {
    /// A short name for output lines.
    var name: String
    /// What the DAG looks like, in a few words.
    var shape: String
    /// Songs and personas, as manifest entries.
    var songs: [String]
    var personas: [String]
    /// Provider tasks in flight at once.
    var concurrency: Int
    /// Every request a minute.
    var requestsPerMinute: Int
    /// Paid submissions a minute.
    var submitsPerMinute: Int

    /// The manifest pointed at `baseURL`.
    func manifest(api: ProviderAPI, baseURL: String) -> String {
        var lines = [
            "setlist: 1",
            "album: Bench \(name)",
            "provider:",
            "  api: \(api.rawValue)",
            "  base_url: \(baseURL)",
            "  api_key_env: SETLIST_BENCH_KEY",
            "limits:",
            "  concurrency: \(concurrency)",
            "  requests_per_minute: \(requestsPerMinute)",
            "  submits_per_minute: \(submitsPerMinute)",
            "  task_timeout: 15m",
            "retry:",
            "  attempts: 3",
            "defaults:",
            "  model: suno-v5-beta",
            "output:",
            "  download: []",
            "songs:",
        ]
        lines += songs
        if !personas.isEmpty { lines += ["personas:"] + personas }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The limits, as one phrase.
    var limitsText: String {
        "concurrency \(concurrency), \(requestsPerMinute) requests/min, \(submitsPerMinute) submits/min"
    }

    static func song(_ id: String, persona: String? = nil, after: [String] = []) -> [String] {
        var lines = [
            "  - id: \(id)",
            "    title: Track \(id)",
            "    style: \"pop, warm synths, female vocals\"",
            "    lyrics: \"[Verse] a line for \(id) [Chorus] the hook of \(id)\"",
        ]
        if let persona { lines.append("    persona: \(persona)") }
        if !after.isEmpty { lines.append("    after: [\(after.joined(separator: ", "))]") }
        return lines
    }

    static func persona(_ id: String, from source: String) -> [String] {
        [
            "  - id: \(id)",
            "    from: \(source)",
            "    name: Voice \(id)",
            "    description: The singer of \(source)",
        ]
    }

    /// 200 songs and 10 personas: ten lead songs each give a persona that 19 more songs use.
    static func wideAlbum() -> Workload {
        var songs: [String] = []
        var personas: [String] = []
        for group in 0..<10 {
            let lead = "lead-\(group)"
            songs += song(lead)
            personas += persona("voice-\(group)", from: lead)
            for track in 1..<20 { songs += song("g\(group)-t\(track)", persona: "voice-\(group)") }
        }
        return Workload(
            name: "wide", shape: "wide album: 200 songs, 10 personas", songs: songs, personas: personas,
            concurrency: 10, requestsPerMinute: 60, submitsPerMinute: 20)
    }

    /// Twelve persona generations: each generation's song gives the persona the next generation sings with;
    /// every generation also has three side songs in its voice.
    static func personaChain() -> Workload {
        var songs = song("gen-0")
        var personas: [String] = []
        for generation in 1...12 {
            let voice = "voice-\(generation)"
            personas += persona(voice, from: "gen-\(generation - 1)")
            songs += song("gen-\(generation)", persona: voice)
            for side in 1...3 { songs += song("side-\(generation)-\(side)", persona: voice) }
        }
        return Workload(
            name: "chain", shape: "persona chain: 12 generations, 49 songs, 12 personas", songs: songs,
            personas: personas, concurrency: 4, requestsPerMinute: 60, submitsPerMinute: 20)
    }

    /// 500 jobs with random edges: 460 songs and 40 personas. A song waits for up to two recent songs and may
    /// sing with an earlier persona; each persona comes from a random earlier song.
    static func randomDAG(seed: UInt64) -> Workload {
        var random = SeededRandom(seed: seed)
        var songs: [String] = []
        var personas: [String] = []
        var songIDs: [String] = []
        var personaIDs: [String] = []
        var usedSources: Set<String> = []
        for index in 0..<460 {
            let id = "r\(index)"
            var after: [String] = []
            if index > 0 {
                for _ in 0..<Int.random(in: 0...2, using: &random) {
                    let earlier = songIDs[Int.random(in: max(0, index - 40)..<index, using: &random)]
                    if !after.contains(earlier) { after.append(earlier) }
                }
            }
            let persona =
                !personaIDs.isEmpty && Double.random(in: 0..<1, using: &random) < 0.3
                ? personaIDs[Int.random(in: max(0, personaIDs.count - 8)..<personaIDs.count, using: &random)]
                : nil
            songs += song(id, persona: persona, after: after)
            songIDs.append(id)
            if index % 11 == 5, personaIDs.count < 40 {
                let voice = "rv\(personaIDs.count)"
                var source = songIDs[Int.random(in: 0...index, using: &random)]
                while usedSources.contains(source) { source = songIDs[Int.random(in: 0...index, using: &random)] }
                usedSources.insert(source)
                personas += Workload.persona(voice, from: source)
                personaIDs.append(voice)
            }
        }
        return Workload(
            name: "random", shape: "random DAG: 460 songs, 40 personas, seed \(seed)", songs: songs,
            personas: personas, concurrency: 16, requestsPerMinute: 120, submitsPerMinute: 40)
    }
}
