import Testing

@testable import SetlistCore

@Suite("ResumePlan")
struct ResumePlanTests {
    @Test func aPersonaRecordedUnderItsFormatOneFingerprintIsMigratedNotPaidForAgain() throws {
        let manifest = PlanFixtures.album()
        let graph = try JobGraph(manifest: manifest)
        let current = JobFingerprint.fingerprints(of: graph, api: manifest.provider.api)
        let formatOne = JobFingerprint.fingerprints(of: graph, api: manifest.provider.api, scheme: .formatOne)
        let song = try #require(graph.index(of: "open-road"))
        let persona = try #require(graph.index(of: "road-voice"))
        var ledger = Ledger()
        try Self.complete(song, fingerprint: current[song], in: &ledger, graph: graph)
        try Self.complete(persona, fingerprint: formatOne[persona], in: &ledger, graph: graph)

        let plan = ResumePlan(manifest: manifest, graph: graph, ledger: ledger, selection: RunSelection())
        #expect(plan.fingerprints == current)
        #expect(plan.migrated == [persona])
        #expect(plan.decisions[song] == .skip)
        #expect(plan.decisions[persona] == .skip)
        #expect(
            plan.decisions
                == ResumePlanner.decide(
                    graph: graph, fingerprints: current, earlierFingerprints: [formatOne], ledger: ledger,
                    selection: RunSelection(), replays: manifest.provider.idempotencyKeys))
    }

    /// Records job `index` as planned under `fingerprint` and completed in one attempt, with what it chains in.
    private static func complete(_ index: Int, fingerprint: String, in ledger: inout Ledger, graph: JobGraph) throws {
        let job = graph.jobs[index]
        let inputs = try ChainResolver(graph: graph).inputs(for: index, in: ledger).get()
        try ledger.apply(.jobPlanned(job: job.id, kind: job.kind, fingerprint: fingerprint))
        try ledger.apply(.submitIntent(job: job.id, attempt: 1, idempotencyKey: "k-\(job.id)", inputs: inputs, at: 1))
        try ledger.apply(.submitAccepted(job: job.id, attempt: 1, taskID: "task-\(job.id)", creditsReserved: 1, at: 2))
        let results =
            job.kind == .song ? [ResultRecord(resultID: "\(job.id)-t1"), ResultRecord(resultID: "\(job.id)-t2")] : []
        let personaID = job.kind == .persona ? "persona-1" : nil
        try ledger.apply(.taskCompleted(job: job.id, attempt: 1, results: results, personaID: personaID, at: 3))
    }
}
