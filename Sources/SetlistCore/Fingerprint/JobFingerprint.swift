/// Job fingerprints (DESIGN §2): SHA-256 over the canonical JSON of
/// `{"api": ..., "kind": ..., "request": ..., "version": 1}`, where `request` is what the job would send with
/// every value chained in from another job replaced by a name for it: `persona:<id>/persona_id` in a song sung
/// with persona `<id>`, `source:<id>/task_id` and `source:<id>/result_id` in a persona derived from song `<id>`.
/// A fingerprint so covers what the manifest writes for the job itself, and editing a job changes exactly its
/// own. `after` edges only order jobs; they carry no value and do not enter the fingerprint.
///
/// What the chained values are (which generation and take a persona follows, which persona id a song is sung
/// with) is read from the ledger when a request is built, and ``ResumePlanner`` compares it with what each
/// completed job was sent (``ChainResolver``): a job runs again when a job it takes a value from runs again and
/// the value follows it, or when the value it would send differs from the one it sent. So editing a song derives
/// the persona that follows its newest take again, but not one pinned to `{generation, take}`, and pinning the
/// take a persona already follows costs nothing.
///
/// ``Scheme/formatOne`` is how setlist computed fingerprints before ledger format 2 (chained values named by the
/// upstream job's fingerprint and the take number), kept so that a job recorded then is recognised as unchanged.
public enum JobFingerprint {
    /// How chained values are named in the document.
    public enum Scheme: Sendable, Hashable {
        /// By the job they come from (ledger format 2).
        case current
        /// By the upstream job's fingerprint and the take number, as ledger format 1 recorded them.
        case formatOne
    }

    /// The version of the fingerprint document; changing the document's shape requires a new version. A job
    /// with no chained value has the same document in both schemes.
    public static let version = 1

    /// The chained inputs of `job` as the document names them. `fingerprint(of:)` is asked, in the format 1
    /// scheme only, for the jobs that `job` takes values from.
    public static func chainedInputs(
        for job: JobSpec, scheme: Scheme = .current, fingerprint: (String) -> String = { _ in "" }
    ) -> ChainedInputs {
        switch (job, scheme) {
        case (.song(let song), _):
            var inputs = ChainedInputs()
            if case .job(let persona) = song.persona {
                let upstream = scheme == .current ? "persona:" + persona : "fingerprint:" + fingerprint(persona)
                inputs.personaID = upstream + "/persona_id"
                inputs.artistClipID = upstream + "/artist_clip_id"
            }
            if let lyrics = song.lyricsFrom {
                inputs.lyrics = "lyrics:\(lyrics)/text"
                if song.title == nil { inputs.lyricsTitle = "lyrics:\(lyrics)/title" }
            }
            return inputs
        case (.persona(let persona), .current):
            guard case .song(let source, _) = persona.source else { return ChainedInputs() }
            return ChainedInputs(sourceTaskID: "source:\(source)/task_id", sourceResultID: "source:\(source)/result_id")
        case (.persona(let persona), .formatOne):
            guard case .song(let source, let choice) = persona.source else { return ChainedInputs() }
            let take: Int
            switch choice {
            case nil: take = 1
            case .newest(let number): take = number
            case .pinned(let reference): take = reference.take
            }
            let upstream = "fingerprint:" + fingerprint(source)
            return ChainedInputs(
                sourceTaskID: upstream + "/task_id", sourceResultID: upstream + "/results[\(take)]/result_id")
        case (.lyrics, _):
            return ChainedInputs()
        case (.extension(let part), _):
            var inputs = ChainedInputs(
                sourceTaskID: "source:\(part.continues)/task_id", sourceResultID: "source:\(part.continues)/result_id")
            if let lyrics = part.song.lyricsFrom, part.song.title == nil {
                inputs.lyricsTitle = "lyrics:\(lyrics)/title"
            }
            return inputs
        case (.join(let join), _):
            return ChainedInputs(
                sourceTaskID: "source:\(join.lastPart)/task_id", sourceResultID: "source:\(join.lastPart)/result_id")
        case (.wav(let wav), _):
            return ChainedInputs(
                sourceTaskID: "source:\(wav.source)/task_id", sourceResultID: "source:\(wav.source)/result_id")
        }
    }

    /// The document whose canonical JSON is hashed for `job`.
    public static func document(
        for job: JobSpec, api: ProviderAPI, scheme: Scheme = .current, builder: RequestBuilder = RequestBuilder(),
        fingerprint: (String) -> String = { _ in "" }
    ) -> JSONValue {
        let chained = chainedInputs(for: job, scheme: scheme, fingerprint: fingerprint)
        let request: JSONValue
        do {
            request = try builder.request(for: job, chained: chained).jsonValue
        } catch {
            preconditionFailure("fingerprint inputs are always complete: \(error)")
        }
        return .object([
            "api": .string(api.rawValue),
            "kind": .string(job.kind.rawValue),
            "request": request,
            "version": .integer(version),
        ])
    }

    /// The fingerprint of `job`: lowercase hex SHA-256 of its document's canonical JSON.
    public static func fingerprint(
        of job: JobSpec, api: ProviderAPI, scheme: Scheme = .current, builder: RequestBuilder = RequestBuilder(),
        fingerprint upstream: (String) -> String = { _ in "" }
    ) -> String {
        hexSHA256(document(for: job, api: api, scheme: scheme, builder: builder, fingerprint: upstream).canonical)
    }

    /// The fingerprints of every job of `graph`, in job order, in O(jobs + edges).
    public static func fingerprints(
        of graph: JobGraph, api: ProviderAPI, scheme: Scheme = .current, builder: RequestBuilder = RequestBuilder()
    ) -> [String] {
        var result = Array(repeating: "", count: graph.count)
        for job in graph.topologicalOrder {
            result[job] = fingerprint(of: graph.jobs[job], api: api, scheme: scheme, builder: builder) { id in
                guard let upstream = graph.index(of: id), !result[upstream].isEmpty else {
                    preconditionFailure("job '\(id)' is needed before it is fingerprinted")
                }
                return result[upstream]
            }
        }
        return result
    }

    /// Lowercase hex SHA-256 of the UTF-8 bytes of `text`.
    public static func hexSHA256(_ text: String) -> String {
        Digest.sha256Hex(Array(text.utf8))
    }
}
