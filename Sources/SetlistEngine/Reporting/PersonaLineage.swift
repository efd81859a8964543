import SetlistCore

/// Which song each persona came from and which songs used it, laid out left to right for an inline SVG: a
/// node sits one column right of everything it comes from, and within a column nodes follow the mean row of
/// their sources (then manifest order), which keeps edges short and mostly uncrossed.
public struct PersonaLineage: Sendable, Hashable {
    /// What a node stands for.
    public enum NodeKind: String, Sendable, Hashable {
        /// A song of the manifest.
        case song
        /// A persona job of the manifest.
        case persona
        /// A persona derived outside this manifest (from a task id) or given as a literal `persona_id`.
        case external
    }

    /// One box of the drawing.
    public struct Node: Sendable, Hashable {
        /// A unique key: the job id, or `external:<id>`.
        public var key: String
        /// What it stands for.
        public var kind: NodeKind
        /// The main line.
        public var label: String
        /// The smaller second line.
        public var detail: String
        /// The column, from 0 at the left.
        public var column: Int
        /// The row within the column, from 0 at the top.
        public var row: Int
    }

    /// One arrow of the drawing.
    public struct Edge: Sendable, Hashable {
        /// The index of the node the arrow starts at.
        public var from: Int
        /// The index of the node it points to.
        public var to: Int
        /// How a song applied the persona; nil for the edge from a source song to its persona.
        public var personaModel: PersonaModel?
    }

    /// The nodes, in column then row order.
    public private(set) var nodes: [Node]
    /// The edges.
    public private(set) var edges: [Edge]
    /// For each persona made from a song of the manifest, by persona id, the take it is derived from:
    /// `take 1 of generation 2` when the ledger tells, else the manifest's choice (`the song's pick`).
    public private(set) var sourceTakes: [String: String]

    /// Whether the album uses no personas.
    public var isEmpty: Bool { nodes.isEmpty }

    /// Builds the lineage of `manifest`, naming source takes from `ledger`; `title` gives a song's display title
    /// by id.
    public init(manifest: ResolvedManifest, ledger: Ledger, title: (String) -> String) {
        var nodes: [Node] = []
        var index: [String: Int] = [:]
        var edges: [(String, String, PersonaModel?)] = []
        func add(_ key: String, _ kind: NodeKind, _ label: String, _ detail: String) {
            guard index[key] == nil else { return }
            index[key] = nodes.count
            nodes.append(Node(key: key, kind: kind, label: label, detail: detail, column: 0, row: 0))
        }
        let tracks = Dictionary(manifest.songs.map { ($0.id, $0.track) }, uniquingKeysWith: { first, _ in first })
        func addSong(_ id: String) {
            add(id, .song, title(id), tracks[id].map { "track \($0)" } ?? "song")
        }
        var sourceTakes: [String: String] = [:]
        for persona in manifest.personas {
            switch persona.source {
            case .song(let id, let take):
                let source = Self.sourceTake(of: persona, song: id, choice: take, manifest: manifest, ledger: ledger)
                sourceTakes[persona.id] = source
                addSong(id)
                add(persona.id, .persona, persona.name, "from " + source)
                edges.append((id, persona.id, nil))
            case .external(let taskID, _):
                let key = "external:" + taskID
                add(key, .external, "earlier task", String(taskID.prefix(22)))
                add(persona.id, .persona, persona.name, "persona")
                edges.append((key, persona.id, nil))
            }
        }
        for song in manifest.songs {
            switch song.persona {
            case .job(let id):
                addSong(song.id)
                edges.append((id, song.id, song.personaModel ?? .stylePersona))
            case .literal(let id):
                let key = "external:" + id
                add(key, .external, "persona id", String(id.prefix(22)))
                addSong(song.id)
                edges.append((key, song.id, song.personaModel ?? .stylePersona))
            case nil:
                break
            }
        }
        self.edges = edges.compactMap { from, to, model in
            guard let source = index[from], let target = index[to] else { return nil }
            return Edge(from: source, to: target, personaModel: model)
        }
        self.nodes = nodes
        self.sourceTakes = sourceTakes
        layOut()
    }

    /// The take of `song` that `persona` is derived from: the one whose result id its derivation sent, else the
    /// one `choice` (or the song's pick) names now, else the choice as the manifest words it.
    private static func sourceTake(
        of persona: Persona, song: String, choice: TakeChoice?, manifest: ResolvedManifest, ledger: Ledger
    ) -> String {
        let takes = ledger[job: song]?.everyTake ?? []
        if let record = ledger[job: persona.id], record.state == .completed,
            let resultID = record.chainedInputs?.sourceResultID,
            let derived = takes.first(where: { $0.result.resultID == resultID })
        {
            return derived.reference.description
        }
        let pick = manifest.songs.first { $0.id == song }?.pick ?? .defaultPick
        if let found = try? ledger[job: song]?.take(choice ?? pick).get() { return found.reference.description }
        return choice.map(\.description) ?? "the song's pick"
    }

    private mutating func layOut() {
        var column = Array(repeating: 0, count: nodes.count)
        var changed = true
        var rounds = 0
        while changed, rounds <= nodes.count {
            changed = false
            rounds += 1
            for edge in edges where column[edge.to] < column[edge.from] + 1 {
                column[edge.to] = column[edge.from] + 1
                changed = true
            }
        }
        var row = Array(repeating: 0.0, count: nodes.count)
        for current in 0...(column.max() ?? 0) {
            let members = nodes.indices.filter { column[$0] == current }
            let ordered = members.enumerated().map { order, node -> (Double, Int, Int) in
                let sources = edges.filter { $0.to == node }.map { row[$0.from] }
                let key = sources.isEmpty ? Double(order) : sources.reduce(0, +) / Double(sources.count)
                return (key, order, node)
            }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            for (position, entry) in ordered.enumerated() { row[entry.2] = Double(position) }
        }
        for node in nodes.indices {
            nodes[node].column = column[node]
            nodes[node].row = Int(row[node])
        }
        let order = nodes.indices.sorted { (nodes[$0].column, nodes[$0].row) < (nodes[$1].column, nodes[$1].row) }
        var position = Array(repeating: 0, count: nodes.count)
        for (new, old) in order.enumerated() { position[old] = new }
        nodes = order.map { nodes[$0] }
        edges = edges.map { Edge(from: position[$0.from], to: position[$0.to], personaModel: $0.personaModel) }
    }
}
