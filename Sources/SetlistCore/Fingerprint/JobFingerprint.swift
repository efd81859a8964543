/// Job fingerprints (DESIGN §2): SHA-256 over the canonical JSON of
/// `{"api": ..., "kind": ..., "request": ..., "version": 1}`, where `request` is what the job would send
/// with every chained value replaced by `fingerprint:<fingerprint of the job it comes from>/<what>`.
/// Editing a job changes its fingerprint and, through the chained values, those of every job that consumes
/// its output. `after` edges only order jobs; they carry no value and do not enter the fingerprint.
///
/// A persona's document names the take number it follows (`results[2]`), not the generation: which generation
/// and result that is, and the persona id a song is sung with, are values a run reads from the ledger, and
/// ``ResumePlanner`` compares them with what each completed job was sent (``ChainResolver``). So pinning the
/// take a persona already follows costs nothing, and a re-roll of its source derives it again only when it
/// follows the newest generation.
public enum JobFingerprint {
    /// The version of the fingerprint document; changing the document's shape requires a new version.
    public static let version = 1

    /// The chained inputs of `job` that stand for its upstream jobs' fingerprints. `fingerprint(of:)` is
    /// asked only for jobs that `job` takes values from.
    public static func chainedInputs(
        for job: JobSpec, fingerprint: (String) -> String, pick: (String) -> TakeChoice = { _ in .defaultPick }
    ) -> ChainedInputs {
        switch job {
        case .song(let song):
            guard case .job(let persona) = song.persona else { return ChainedInputs() }
            let upstream = "fingerprint:" + fingerprint(persona)
            return ChainedInputs(personaID: upstream + "/persona_id", artistClipID: upstream + "/artist_clip_id")
        case .persona(let persona):
            guard case .song(let source, let choice) = persona.source else { return ChainedInputs() }
            let upstream = "fingerprint:" + fingerprint(source)
            return ChainedInputs(
                sourceTaskID: upstream + "/task_id",
                sourceResultID: upstream + "/results[\(takeNumber(choice ?? pick(source)))]/result_id"
            )
        }
    }

    /// The take number a choice names within its generation.
    static func takeNumber(_ choice: TakeChoice) -> Int {
        switch choice {
        case .newest(let take): take
        case .pinned(let reference): reference.take
        }
    }

    /// The document whose canonical JSON is hashed for `job`. `pick` gives a source song's pick, which a
    /// persona without a `take` follows.
    public static func document(
        for job: JobSpec, api: ProviderAPI, fingerprint: (String) -> String,
        pick: (String) -> TakeChoice = { _ in .defaultPick }, builder: RequestBuilder = RequestBuilder()
    ) -> JSONValue {
        let chained = chainedInputs(for: job, fingerprint: fingerprint, pick: pick)
        let request: JSONValue
        do {
            switch job {
            case .song(let song): request = try builder.songRequest(for: song, chained: chained).jsonValue
            case .persona(let persona): request = try builder.personaRequest(for: persona, chained: chained).jsonValue
            }
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
        of job: JobSpec, api: ProviderAPI, fingerprint upstream: (String) -> String,
        pick: (String) -> TakeChoice = { _ in .defaultPick }, builder: RequestBuilder = RequestBuilder()
    ) -> String {
        hexSHA256(document(for: job, api: api, fingerprint: upstream, pick: pick, builder: builder).canonical)
    }

    /// The fingerprints of every job of `graph`, in job order, computed dependencies first in O(jobs + edges).
    public static func fingerprints(
        of graph: JobGraph, api: ProviderAPI, builder: RequestBuilder = RequestBuilder()
    ) -> [String] {
        var result = Array(repeating: "", count: graph.count)
        for job in graph.topologicalOrder {
            let value = fingerprint(of: graph.jobs[job], api: api, fingerprint: { id in
                guard let upstream = graph.index(of: id), !result[upstream].isEmpty else {
                    preconditionFailure("job '\(id)' is needed before it is fingerprinted")
                }
                return result[upstream]
            }, pick: { id in
                guard let index = graph.index(of: id), case .song(let song) = graph.jobs[index] else {
                    return .defaultPick
                }
                return song.pick
            }, builder: builder)
            result[job] = value
        }
        return result
    }

    /// Lowercase hex SHA-256 of the UTF-8 bytes of `text`.
    public static func hexSHA256(_ text: String) -> String {
        Digest.sha256Hex(Array(text.utf8))
    }
}
