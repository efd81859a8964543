extension ManifestResolver {
    /// Results each music task yields; `take` counts among them.
    static let resultsPerSong = 2
    static let maxPersonaName = 100
    static let maxPersonaText = 1000

    /// Every kind of job a manifest writes: what `after` may name.
    static let anyJob: Set<JobKind> = [.song, .persona, .lyrics]

    /// Checks every id's form and uniqueness across songs, personas and lyrics jobs, and records the ids for
    /// references.
    mutating func registerJobs() {
        let entries =
            raw.songs.map { (ManifestResolver.JobKind.song, $0.id) }
            + raw.personas.map { (ManifestResolver.JobKind.persona, $0.id) }
            + raw.lyrics.map { (ManifestResolver.JobKind.lyrics, $0.id) }
        jobs.reserveCapacity(entries.count)
        for (kind, id) in entries {
            guard let id else { continue }
            guard Self.isValidID(id.value) else {
                error(
                    at: id.location,
                    "\(kind.rawValue) id '\(id.value)' must be 1 to 64 lowercase letters, "
                        + "digits, '-' or '_', starting with a letter or digit, such as open-road.")
                continue
            }
            if let first = jobs[id.value] {
                error(
                    at: id.location,
                    "id '\(id.value)' is already used by the \(first.kind.rawValue) on line "
                        + "\(first.location.line); ids must be unique across songs, personas and lyrics jobs.")
            } else {
                jobs[id.value] = (kind, id.location)
            }
        }
    }

    /// The id of an entry when it is the one registered for its kind at that location (not a duplicate).
    func registeredID(_ id: Located<String>?, kind: JobKind) -> String? {
        guard let id, let job = jobs[id.value], job.kind == kind, job.location == id.location else { return nil }
        return id.value
    }

    /// Reports a reference to an id that is not a job of one of `kinds`, and records the dependency edge.
    mutating func checkReference(
        _ reference: Located<String>, from: String?, owner: String, field: String, kinds: Set<JobKind>
    ) {
        let target = reference.value
        if let job = jobs[target], kinds.contains(job.kind) {
            if let from { edgeLocations[DependencyEdge(from: from, to: target)] = reference.location }
            return
        }
        let wanted = Self.wanted(kinds)
        if let job = jobs[target] {
            let hint = field == "persona" ? "; for a persona id made elsewhere write persona_id" : ""
            error(
                at: reference.location,
                "\(owner): \(field) '\(target)' is a \(job.kind.rawValue), but "
                    + "\(field) must name \(wanted)\(hint).")
            return
        }
        suggestionsLeft -= 1
        let ending = suggestionsLeft >= 0 ? Suggestion.clause(for: target, in: candidateIDs(kinds)) : "."
        error(at: reference.location, "\(owner): \(field) '\(target)' is not \(wanted) in this manifest" + ending)
    }

    /// How a message names a job of one of `kinds`: "a persona", "a song, persona or lyrics job".
    private static func wanted(_ kinds: Set<JobKind>) -> String {
        let names = [JobKind.song, .persona, .lyrics].filter(kinds.contains).map(\.rawValue)
        guard let last = names.last else { return "a job" }
        let first = names.dropLast()
        return "a " + (first.isEmpty ? last : first.joined(separator: ", ") + " or " + last)
    }

    /// The ids of `kinds` in manifest order, computed once per set of kinds.
    private mutating func candidateIDs(_ kinds: Set<JobKind>) -> [String] {
        if let cached = candidateCache[kinds] { return cached }
        let songs = kinds.contains(.song) ? raw.songs.compactMap(\.id?.value) : []
        let personas = kinds.contains(.persona) ? raw.personas.compactMap(\.id?.value) : []
        let lyrics = kinds.contains(.lyrics) ? raw.lyrics.compactMap(\.id?.value) : []
        let ids = (songs + personas + lyrics).filter { jobs[$0] != nil }
        candidateCache[kinds] = ids
        return ids
    }

    mutating func resolvePersonas(api: ProviderAPI, songs: [Song]) -> [Persona] {
        var personas: [Persona] = []
        var sources: [PersonaSource: String] = [:]
        let picks = Dictionary(songs.map { ($0.id, $0.pick) }, uniquingKeysWith: { first, _ in first })
        for (index, entry) in raw.personas.enumerated() {
            let owner = entry.id.map { "persona '\($0.value)'" } ?? "persona #\(index + 1)"
            if entry.id == nil, entry.keys["id"] == nil {
                error(at: entry.location, "\(owner) has no id; add id: with a short name such as lead-voice.")
            }
            let graphID = registeredID(entry.id, kind: .persona)
            let source = resolveSource(entry, owner: owner, api: api, graphID: graphID)
            if var source, let id = entry.id {
                if case .song(let song, nil) = source { source = .song(id: song, take: picks[song] ?? .defaultPick) }
                if let other = sources[source] {
                    error(
                        at: entry.keys["from"],
                        "\(owner): persona '\(other)' is already made from the same song "
                            + "result; the provider allows one persona per result. Use another take or song.")
                } else {
                    sources[source] = id.value
                }
            }
            let name = personaText(entry.name, owner: owner, field: "name", limit: Self.maxPersonaName, entry: entry)
            let description = personaText(
                entry.description, owner: owner, field: "description", limit: Self.maxPersonaText, entry: entry
            )
            let style = personaStyle(entry.style, owner: owner)
            let window = vocalWindow(entry.vocalWindow, owner: owner)
            if api == .sunoProxy { checkProxyPersona(entry, owner: owner, style: style) }
            for reference in entry.after ?? [] {
                checkReference(reference, from: graphID, owner: owner, field: "after", kinds: Self.anyJob)
            }
            guard let id = entry.id, let source, let name, let description else { continue }
            personas.append(
                Persona(
                    id: id.value, source: source, name: name, description: description, vocalWindow: window,
                    style: style, after: (entry.after ?? []).map(\.value), location: entry.location
                ))
        }
        return personas
    }

    /// A `take` or `pick` as written, checked: a take from 1 to the results a song yields, a generation from 1.
    mutating func takeChoice(_ written: Located<RawTake>, owner: String, field: String) -> TakeChoice? {
        switch written.value {
        case .newest(let take):
            guard checkTakeNumber(take, owner: owner, field: field, at: written.location) else { return nil }
            return .newest(take: take)
        case .pinned(let generation, let take):
            if generation == nil, take == nil {
                error(
                    at: written.location,
                    "\(owner): \(field) {generation, take} names no take; write "
                        + "{generation: 1, take: 2}, or a take number alone for the newest generation.")
                return nil
            }
            guard let generation else {
                error(
                    at: written.location,
                    "\(owner): \(field) has no generation; add generation: 1, or write "
                        + "the take number alone to follow the newest generation.")
                return nil
            }
            guard let take else {
                error(at: written.location, "\(owner): \(field) has no take; add take: 1 or take: 2.")
                return nil
            }
            guard generation.value >= 1 else {
                error(
                    at: generation.location,
                    "\(owner): \(field).generation is \(generation.value), but "
                        + "generations are numbered from 1 (the song's first completed generation).")
                return nil
            }
            guard checkTakeNumber(take.value, owner: owner, field: "\(field).take", at: take.location) else {
                return nil
            }
            return .pinned(TakeRef(generation: generation.value, take: take.value))
        }
    }

    private mutating func checkTakeNumber(_ take: Int, owner: String, field: String, at location: SourceLocation)
        -> Bool
    {
        guard (1...Self.resultsPerSong).contains(take) else {
            error(
                at: location,
                "\(owner): \(field) is \(take), but a generation yields at most "
                    + "\(Self.resultsPerSong) takes; use 1 or 2.")
            return false
        }
        return true
    }

    private mutating func resolveSource(
        _ entry: RawPersona, owner: String, api: ProviderAPI, graphID: String?
    ) -> PersonaSource? {
        switch entry.from {
        case nil:
            if entry.keys["from"] == nil {
                error(
                    at: entry.location,
                    "\(owner) has no from; add from: with the id of the song whose voice "
                        + "it takes.")
            }
            return nil
        case .song(let song):
            checkReference(song, from: graphID, owner: owner, field: "from", kinds: [.song])
            guard let take = entry.take else { return .song(id: song.value, take: nil) }
            guard let choice = takeChoice(take, owner: owner, field: "take") else { return nil }
            return .song(id: song.value, take: choice)
        case .external(let taskID, let resultID, let location):
            if let take = entry.take {
                error(
                    at: take.location,
                    "\(owner): take applies only when from names a song of this manifest; "
                        + "from {task_id, result_id} already names one result. Remove take.")
            }
            let task = checkTaskID(taskID, owner: owner, api: api, location: location)
            let result = checkResultID(resultID, owner: owner, location: location)
            guard let task, let result else { return nil }
            return .external(taskID: task, resultID: result)
        }
    }

    private mutating func checkTaskID(
        _ taskID: Located<String>?, owner: String, api: ProviderAPI, location: SourceLocation
    ) -> String? {
        guard let taskID else {
            error(at: location, "\(owner): from needs task_id, the id of the task that made the song.")
            return nil
        }
        if api == .evolink, !taskID.value.hasPrefix("task-unified-") || taskID.value.count <= 13 {
            error(
                at: taskID.location,
                "\(owner): from.task_id '\(taskID.value)' is not an Evolink task id; "
                    + "those start with 'task-unified-'.")
            return nil
        }
        guard !Self.isBlank(taskID.value) else {
            error(at: taskID.location, "\(owner): from.task_id is empty; give the id of the task that made the song.")
            return nil
        }
        return taskID.value
    }

    private mutating func checkResultID(_ resultID: Located<String>?, owner: String, location: SourceLocation)
        -> String?
    {
        guard let resultID else {
            error(at: location, "\(owner): from needs result_id, the UUID of the song result the voice comes from.")
            return nil
        }
        guard Self.isUUID(resultID.value) else {
            error(
                at: resultID.location,
                "\(owner): from.result_id '\(resultID.value)' is not a UUID such as "
                    + "555f4ea2-cfef-4622-8355-baa5f2ce6a59.")
            return nil
        }
        return resultID.value.lowercased()
    }

    private mutating func personaText(
        _ value: Located<String>?, owner: String, field: String, limit: Int, entry: RawPersona
    ) -> String? {
        guard let value else {
            if entry.keys[field] == nil {
                error(at: entry.location, "\(owner) has no \(field); the provider requires one. Add \(field):.")
            }
            return nil
        }
        guard !Self.isBlank(value.value) else {
            error(at: value.location, "\(owner): \(field) is empty; the provider requires one.")
            return nil
        }
        guard Self.length(value.value) <= limit else {
            error(
                at: value.location,
                "\(owner): \(field) is \(Self.length(value.value)) characters; at most "
                    + "\(limit) are sent. Shorten it.")
            return nil
        }
        return value.value
    }

    private mutating func personaStyle(_ value: Located<String>?, owner: String) -> String? {
        guard let value, !Self.isBlank(value.value) else { return nil }
        guard Self.length(value.value) <= Self.maxPersonaText else {
            error(
                at: value.location,
                "\(owner): style is \(Self.length(value.value)) characters; at most "
                    + "\(Self.maxPersonaText) are sent. Shorten it.")
            return nil
        }
        return value.value
    }

    private mutating func vocalWindow(_ value: Located<[Located<Double>]>?, owner: String) -> VocalWindow? {
        guard let value else { return nil }
        guard value.value.count == 2 else {
            error(
                at: value.location,
                "\(owner): vocal_window must be two numbers, [start, end] in seconds, "
                    + "not \(value.value.count).")
            return nil
        }
        let start = value.value[0].value
        let end = value.value[1].value
        if start < 0 {
            error(
                at: value.value[0].location,
                "\(owner): vocal_window starts at \(Self.number(start)) seconds; "
                    + "it cannot start before 0.")
            return nil
        }
        guard end > start else {
            error(
                at: value.value[1].location,
                "\(owner): vocal_window ends at \(Self.number(end)) seconds, not "
                    + "after its start (\(Self.number(start))); write [start, end].")
            return nil
        }
        guard (10...30).contains(end - start) else {
            error(
                at: value.location,
                "\(owner): vocal_window is \(Self.number(end - start)) seconds wide; the "
                    + "provider needs 10 to 30 seconds between start and end.")
            return nil
        }
        return VocalWindow(start: start, end: end)
    }

    /// Builds the dependency graph (persona use, persona source, lyrics use, after) and reports a cycle with its
    /// path.
    mutating func checkCycles() {
        var ids: [String] = []
        ids.reserveCapacity(raw.songs.count + raw.personas.count + raw.lyrics.count)
        var needs: [String: [String]] = [:]
        for edge in edgeLocations.keys { needs[edge.from, default: []].append(edge.to) }
        for entry in raw.songs { if let id = entry.id { ids.append(id.value) } }
        for entry in raw.personas { if let id = entry.id { ids.append(id.value) } }
        for entry in raw.lyrics { if let id = entry.id { ids.append(id.value) } }
        for (id, targets) in needs { needs[id] = targets.sorted() }
        guard let cycle = DependencyGraph(ids: ids, dependencies: needs).findCycle(), cycle.count > 1 else { return }
        let location = edgeLocations[DependencyEdge(from: cycle[0], to: cycle[1])]
        error(
            at: location,
            "dependency cycle: \(cycle.joined(separator: " -> ")); each job would wait for the "
                + "next. Remove one of these references.")
    }

    static func isUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
