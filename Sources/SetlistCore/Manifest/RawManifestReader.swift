import Yams

/// Reads a composed YAML tree into a `RawManifest`, reporting unknown keys and values of the wrong type.
struct RawManifestReader {
    /// Every problem found so far, in the order found.
    var diagnostics: [Diagnostic] = []

    /// The manifest as written, or nil when the document is not a mapping at all.
    mutating func read(root: Node) -> RawManifest? {
        var manifest = RawManifest(location: Self.location(of: root))
        guard case .mapping(let mapping) = YAMLValue(root) else {
            error(
                root,
                "the manifest must be a mapping of keys such as setlist, album and songs, "
                    + "but it is \(YAMLValue(root).kindDescription).")
            return nil
        }
        for entry in entries(of: mapping, owner: nil, known: ManifestKeys.top) {
            manifest.keys[entry.key] = entry.keyLocation
            let value = entry.value
            switch entry.key {
            case "setlist": manifest.setlist = int(value, owner: nil, field: "setlist")
            case "album": manifest.album = string(value, owner: nil, field: "album")
            case "artist": manifest.artist = string(value, owner: nil, field: "artist")
            case "year": manifest.year = int(value, owner: nil, field: "year")
            case "genre": manifest.genre = string(value, owner: nil, field: "genre")
            case "provider": manifest.provider = readProvider(value)
            case "limits": manifest.limits = readLimits(value)
            case "retry": manifest.retry = readRetry(value)
            case "defaults": manifest.defaults = readSongFields(value, owner: "defaults", known: ManifestKeys.defaults)
            case "output": manifest.output = readOutput(value)
            case "songs":
                let items = list(value, owner: nil, field: "songs")
                if items.isEmpty, case .sequence = YAMLValue(value) {
                    error(value, "songs is empty; add at least one song.")
                }
                manifest.songs = items.enumerated().compactMap { index, node in
                    readSongFields(node, owner: Self.owner("song", node, index: index), known: ManifestKeys.song)
                }
            case "personas":
                manifest.personas = list(value, owner: nil, field: "personas").enumerated().compactMap {
                    readPersona($1, owner: Self.owner("persona", $1, index: $0))
                }
            default:
                manifest.lyrics = list(value, owner: nil, field: "lyrics").enumerated().compactMap {
                    readLyricsJob($1, owner: Self.owner("lyrics job", $1, index: $0))
                }
            }
        }
        return manifest
    }

    // MARK: Sections

    private mutating func readProvider(_ node: Node) -> RawProvider {
        var provider = RawProvider()
        guard let mapping = mapping(node, what: "provider") else { return provider }
        for entry in entries(of: mapping, owner: "provider", known: ManifestKeys.provider) {
            switch entry.key {
            case "api": provider.api = choice(entry.value, owner: "provider", field: "api")
            case "base_url": provider.baseURL = string(entry.value, owner: "provider", field: "base_url")
            case "api_key_env": provider.apiKeyEnv = string(entry.value, owner: "provider", field: "api_key_env")
            default: provider.idempotencyKeys = bool(entry.value, owner: "provider", field: "idempotency_keys")
            }
        }
        return provider
    }

    private mutating func readLimits(_ node: Node) -> RawLimits {
        var limits = RawLimits()
        guard let mapping = mapping(node, what: "limits") else { return limits }
        for entry in entries(of: mapping, owner: "limits", known: ManifestKeys.limits) {
            let value = entry.value
            switch entry.key {
            case "concurrency": limits.concurrency = positiveInt(value, owner: "limits", field: entry.key)
            case "requests_per_minute": limits.requestsPerMinute = positiveInt(value, owner: "limits", field: entry.key)
            case "submits_per_minute": limits.submitsPerMinute = positiveInt(value, owner: "limits", field: entry.key)
            case "max_credits":
                guard let credits = number(value, owner: "limits", field: entry.key) else { continue }
                if credits.value > 0, credits.value.isFinite {
                    limits.maxCredits = credits
                } else {
                    error(value, "limits: max_credits must be a number above 0; remove it to set no budget.")
                }
            case "task_timeout": limits.taskTimeout = duration(value, owner: "limits", field: entry.key)
            default: limits.deadline = duration(value, owner: "limits", field: entry.key)
            }
        }
        return limits
    }

    private mutating func readRetry(_ node: Node) -> RawRetry {
        var retry = RawRetry()
        guard let mapping = mapping(node, what: "retry") else { return retry }
        for entry in entries(of: mapping, owner: "retry", known: ManifestKeys.retry) {
            if entry.key == "attempts" {
                retry.attempts = positiveInt(entry.value, owner: "retry", field: "attempts")
                continue
            }
            guard let backoff = self.mapping(entry.value, what: "retry: backoff") else { continue }
            for item in entries(of: backoff, owner: "retry.backoff", known: ManifestKeys.backoff) {
                let value = duration(item.value, owner: "retry.backoff", field: item.key)
                if item.key == "initial" { retry.initialBackoff = value } else { retry.maxBackoff = value }
            }
        }
        return retry
    }

    private mutating func readOutput(_ node: Node) -> RawOutput {
        var output = RawOutput()
        guard let mapping = mapping(node, what: "output") else { return output }
        for entry in entries(of: mapping, owner: "output", known: ManifestKeys.output) {
            switch entry.key {
            case "dir": output.dir = string(entry.value, owner: "output", field: "dir")
            case "ledger": output.ledger = string(entry.value, owner: "output", field: "ledger")
            default:
                let kinds: [Located<MediaKind>] = list(entry.value, owner: "output", field: "download").compactMap {
                    choice($0, owner: "output", field: "download")
                }
                var seen = Set<MediaKind>()
                for kind in kinds where !seen.insert(kind.value).inserted {
                    error(at: kind.location, "output: download lists \(kind.value.rawValue) twice; list it once.")
                }
                output.download = kinds
            }
        }
        return output
    }

    private mutating func readSongFields(_ node: Node, owner: String, known: [String]) -> RawSongFields? {
        guard let mapping = mapping(node, what: owner) else { return nil }
        var song = RawSongFields(location: Self.location(of: node))
        for entry in entries(of: mapping, owner: owner, known: known) {
            song.keys[entry.key] = entry.keyLocation
            let value = entry.value
            let key = entry.key
            switch key {
            case "id": song.id = string(value, owner: owner, field: key)
            case "title": song.title = string(value, owner: owner, field: key)
            case "style": song.style = string(value, owner: owner, field: key)
            case "prompt": song.prompt = string(value, owner: owner, field: key)
            case "lyrics": song.lyrics = string(value, owner: owner, field: key)
            case "lyrics_file": song.lyricsFile = string(value, owner: owner, field: key)
            case "instrumental": song.instrumental = bool(value, owner: owner, field: key)
            case "model": song.model = string(value, owner: owner, field: key)
            case "negative_tags": song.negativeTags = string(value, owner: owner, field: key)
            case "vocal_gender": song.vocalGender = choice(value, owner: owner, field: key, cases: [VocalGender.m, .f])
            case "style_weight": song.styleWeight = number(value, owner: owner, field: key)
            case "weirdness": song.weirdness = number(value, owner: owner, field: key)
            case "audio_weight": song.audioWeight = number(value, owner: owner, field: key)
            case "duration": song.duration = int(value, owner: owner, field: key)
            case "persona": song.persona = string(value, owner: owner, field: key)
            case "persona_id": song.personaID = string(value, owner: owner, field: key)
            case "persona_model": song.personaModel = choice(value, owner: owner, field: key)
            case "after": song.after = stringList(value, owner: owner, field: key)
            case "pick": song.pick = take(value, owner: owner, field: key)
            case "artist": song.artist = string(value, owner: owner, field: key)
            case "lyrics_from": song.lyricsFrom = string(value, owner: owner, field: key)
            case "extend": song.extend = extensions(value, owner: owner)
            default: song.callbackURL = string(value, owner: owner, field: key)
            }
        }
        return song
    }

    private mutating func readPersona(_ node: Node, owner: String) -> RawPersona? {
        guard let mapping = mapping(node, what: owner) else { return nil }
        var persona = RawPersona(location: Self.location(of: node))
        for entry in entries(of: mapping, owner: owner, known: ManifestKeys.persona) {
            persona.keys[entry.key] = entry.keyLocation
            let value = entry.value
            let key = entry.key
            switch key {
            case "id": persona.id = string(value, owner: owner, field: key)
            case "from": persona.from = personaSource(value, owner: owner)
            case "take": persona.take = take(value, owner: owner, field: key)
            case "name": persona.name = string(value, owner: owner, field: key)
            case "description": persona.description = string(value, owner: owner, field: key)
            case "style": persona.style = string(value, owner: owner, field: key)
            case "after": persona.after = stringList(value, owner: owner, field: key)
            default:
                let items = list(value, owner: owner, field: key)
                let bounds = items.compactMap { number($0, owner: owner, field: key) }
                if case .sequence = YAMLValue(value), bounds.count == items.count {
                    persona.vocalWindow = Located(value: bounds, location: Self.location(of: value))
                }
            }
        }
        return persona
    }

    mutating func take(_ node: Node, owner: String, field: String) -> Located<RawTake>? {
        let location = Self.location(of: node)
        switch YAMLValue(node) {
        case .int(let number):
            return Located(value: .newest(take: number), location: location)
        case .mapping(let mapping):
            var generation: Located<Int>?
            var take: Located<Int>?
            for entry in entries(of: mapping, owner: "\(owner): \(field)", known: ManifestKeys.takeReference) {
                let number = int(entry.value, owner: owner, field: "\(field).\(entry.key)")
                if entry.key == "generation" { generation = number } else { take = number }
            }
            return Located(value: .pinned(generation: generation, take: take), location: location)
        default:
            error(
                node,
                "\(owner): \(field) must be a take number such as 2, or {generation: 1, take: 2}, "
                    + "not \(Self.shown(node, YAMLValue(node))).")
            return nil
        }
    }

    private mutating func personaSource(_ node: Node, owner: String) -> RawPersonaSource? {
        if case .mapping(let mapping) = YAMLValue(node) {
            var taskID: Located<String>?
            var resultID: Located<String>?
            for entry in entries(of: mapping, owner: "\(owner): from", known: ManifestKeys.personaSource) {
                let value = string(entry.value, owner: owner, field: "from.\(entry.key)")
                if entry.key == "task_id" { taskID = value } else { resultID = value }
            }
            return .external(taskID: taskID, resultID: resultID, location: Self.location(of: node))
        }
        guard case .string(let text) = YAMLValue(node) else {
            error(
                node,
                "\(owner): from must be a song id or a mapping {task_id, result_id}, "
                    + "not \(YAMLValue(node).kindDescription).")
            return nil
        }
        return .song(Located(value: text, location: Self.location(of: node)))
    }
}
