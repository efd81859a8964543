/// What a run of a manifest decides against a ledger, the one computation behind `plan`, `status`, `report` and
/// `run`: every job's fingerprint, its ``ResumeDecision``, and the jobs whose record carries a fingerprint an
/// earlier setlist gave their unchanged manifest entry (ledger format 1, or weights sent with two decimals).
public struct ResumePlan: Sendable, Hashable {
    /// The jobs' current fingerprints, in job order.
    public var fingerprints: [String]
    /// What the run does with each job, in job order.
    public var decisions: [ResumeDecision]
    /// The jobs whose recorded fingerprint a run migrates to the current one (see
    /// ``ResumePlanner/migratedFingerprints(graph:fingerprints:earlierFingerprints:ledger:)``).
    public var migrated: Set<Int>

    /// Decides for the jobs of `manifest` (as `graph`) against `ledger`, for the jobs `selection` asks for. The
    /// two-decimal fingerprints are computed only when some recorded job differs and some weight would differ.
    public init(manifest: ResolvedManifest, graph: JobGraph, ledger: Ledger, selection: RunSelection) {
        let api = manifest.provider.api
        let current = JobFingerprint.fingerprints(of: graph, api: api)
        fingerprints = current
        var earlier = [JobFingerprint.fingerprints(of: graph, api: api, scheme: .formatOne)]
        let outdated = graph.jobs.indices.contains { index in
            ledger[job: graph.jobs[index].id].map { $0.fingerprint != current[index] } ?? false
        }
        if outdated, manifest.songs.contains(where: { $0.weightsDiffer(between: .tenth, and: .hundredth) }) {
            let hundredths = RequestBuilder(weightStep: .hundredth)
            earlier += [.current, .formatOne].map {
                JobFingerprint.fingerprints(of: graph, api: api, scheme: $0, builder: hundredths)
            }
        }
        decisions = ResumePlanner.decide(
            graph: graph, fingerprints: fingerprints, earlierFingerprints: earlier, ledger: ledger,
            selection: selection, replays: manifest.provider.idempotencyKeys)
        migrated = Set(
            ResumePlanner.migratedFingerprints(
                graph: graph, fingerprints: fingerprints, earlierFingerprints: earlier, ledger: ledger))
    }
}
