/// What a run of a manifest decides against a ledger, the one computation behind `plan`, `status`, `report` and
/// `run`: every job's fingerprint, its ``ResumeDecision``, and the jobs whose record carries the format 1
/// fingerprint of their unchanged manifest entry.
public struct ResumePlan: Sendable, Hashable {
    /// The jobs' current fingerprints, in job order.
    public var fingerprints: [String]
    /// What the run does with each job, in job order.
    public var decisions: [ResumeDecision]
    /// The jobs whose recorded fingerprint a run migrates to the current one (see
    /// ``ResumePlanner/migratedFingerprints(graph:fingerprints:formatOneFingerprints:ledger:)``).
    public var migrated: Set<Int>

    /// Decides for the jobs of `manifest` (as `graph`) against `ledger`, for the jobs `selection` asks for.
    public init(manifest: ResolvedManifest, graph: JobGraph, ledger: Ledger, selection: RunSelection) {
        let api = manifest.provider.api
        fingerprints = JobFingerprint.fingerprints(of: graph, api: api)
        let formatOne = JobFingerprint.fingerprints(of: graph, api: api, scheme: .formatOne)
        decisions = ResumePlanner.decide(
            graph: graph, fingerprints: fingerprints, formatOneFingerprints: formatOne, ledger: ledger,
            selection: selection, replays: manifest.provider.idempotencyKeys)
        migrated = Set(
            ResumePlanner.migratedFingerprints(
                graph: graph, fingerprints: fingerprints, formatOneFingerprints: formatOne, ledger: ledger))
    }
}
