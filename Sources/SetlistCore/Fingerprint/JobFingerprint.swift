import Crypto

/// Job fingerprints (DESIGN §2): SHA-256 over the canonical JSON of
/// `{"api": ..., "kind": ..., "request": ..., "version": 1}`, where `request` is what the job would send
/// with every chained value replaced by `fingerprint:<fingerprint of the job it comes from>/<what>`.
/// Editing a job changes its fingerprint and, through the chained values, those of every job that consumes
/// its output. `after` edges only order jobs; they carry no value and do not enter the fingerprint.
public enum JobFingerprint {
    /// The version of the fingerprint document; changing the document's shape requires a new version.
    public static let version = 1

    /// The chained inputs of `job` that stand for its upstream jobs' fingerprints. `fingerprint(of:)` is
    /// asked only for jobs that `job` takes values from.
    public static func chainedInputs(for job: JobSpec, fingerprint: (String) -> String) -> ChainedInputs {
        switch job {
        case .song(let song):
            guard case .job(let persona) = song.persona else { return ChainedInputs() }
            let upstream = "fingerprint:" + fingerprint(persona)
            return ChainedInputs(personaID: upstream + "/persona_id", artistClipID: upstream + "/artist_clip_id")
        case .persona(let persona):
            guard case .song(let source, let take) = persona.source else { return ChainedInputs() }
            let upstream = "fingerprint:" + fingerprint(source)
            return ChainedInputs(
                sourceTaskID: upstream + "/task_id", resultID: upstream + "/results[\(take)]/result_id"
            )
        }
    }

    /// The document whose canonical JSON is hashed for `job`.
    public static func document(
        for job: JobSpec, api: ProviderAPI, fingerprint: (String) -> String, builder: RequestBuilder = RequestBuilder()
    ) -> JSONValue {
        let chained = chainedInputs(for: job, fingerprint: fingerprint)
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
        builder: RequestBuilder = RequestBuilder()
    ) -> String {
        hexSHA256(document(for: job, api: api, fingerprint: upstream, builder: builder).canonical)
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
            }, builder: builder)
            result[job] = value
        }
        return result
    }

    /// Lowercase hex SHA-256 of the UTF-8 bytes of `text`.
    public static func hexSHA256(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(2 * SHA256.byteCount)
        for byte in SHA256.hash(data: Array(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
