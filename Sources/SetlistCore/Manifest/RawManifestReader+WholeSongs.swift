import Yams

/// Reading the entries of issue 16's whole-song keys: the top-level `lyrics:` jobs and a song's `extend:` list.
extension RawManifestReader {
    mutating func readLyricsJob(_ node: Node, owner: String) -> RawLyricsJob? {
        guard let mapping = mapping(node, what: owner) else { return nil }
        var job = RawLyricsJob(location: Self.location(of: node))
        for entry in entries(of: mapping, owner: owner, known: ManifestKeys.lyricsJob) {
            job.keys[entry.key] = entry.keyLocation
            switch entry.key {
            case "id": job.id = string(entry.value, owner: owner, field: entry.key)
            case "prompt": job.prompt = string(entry.value, owner: owner, field: entry.key)
            default: job.after = stringList(entry.value, owner: owner, field: entry.key)
            }
        }
        return job
    }

    /// A song's `extend:` list; nil when it is not a list or is empty (both reported).
    mutating func extensions(_ node: Node, owner: String) -> Located<[RawExtension]>? {
        let items = list(node, owner: owner, field: "extend")
        guard case .sequence = YAMLValue(node) else { return nil }
        guard !items.isEmpty else {
            error(
                node,
                "\(owner): extend is empty; add the parts that continue the song, such as - {at: 120, lyrics: ...}, "
                    + "or remove the key.")
            return nil
        }
        let parts = items.enumerated().compactMap { index, item in
            readExtension(item, owner: "\(owner), extension \(index + 1)", number: index + 1)
        }
        return Located(value: parts, location: Self.location(of: node))
    }

    private mutating func readExtension(_ node: Node, owner: String, number: Int) -> RawExtension? {
        guard let mapping = mapping(node, what: owner) else { return nil }
        var part = RawExtension(number: number, location: Self.location(of: node))
        for entry in entries(of: mapping, owner: owner, known: ManifestKeys.songExtension) {
            part.keys[entry.key] = entry.keyLocation
            let value = entry.value
            switch entry.key {
            case "at": part.at = self.number(value, owner: owner, field: entry.key)
            case "lyrics": part.lyrics = string(value, owner: owner, field: entry.key)
            case "lyrics_file": part.lyricsFile = string(value, owner: owner, field: entry.key)
            default: part.pick = take(value, owner: owner, field: entry.key)
            }
        }
        return part
    }
}
