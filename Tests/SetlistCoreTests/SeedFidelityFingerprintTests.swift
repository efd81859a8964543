import Foundation
import Testing

@testable import SetlistCore

/// Issue 17 item 5: the model goes on the wire as written and weights follow the seeds' one decimal, and neither
/// re-runs (re-pays) a job a ledger already holds. The expected fingerprints were read off `setlist plan
/// --format json` built from main at 3dc2310, before either change.
@Suite("Seed fidelity: fingerprints")
struct SeedFidelityFingerprintTests {
    /// manifests/album.yaml on main.
    static let albumOnMain = [
        "salt-and-sun": "13d4286da0949990297a6ccbfa2deba65d0eea856853e51bcea1c826fa6aae08",
        "tidewater": "e08dde2620b0283be6212aa227ce014f5f329e4c9d67cf31b15df2fdefe9e1ad",
        "driftwood": "b508e341342e898c75cb8c8a16a429cca25acb8be3ee554ba46bd4ec74067695",
        "lighthouse-keeper": "b935aa82906ce12a7d22bea374b9df73bd9b9f18839dceecd9c847907f10662d",
        "coast-voice": "60ad248b5aba557fb5886ab457f431b855c5bdfce4eefa12569beedcbc9c1a8c",
        "harbor-lights": "4b0d9a99512f7b0dd7c317b256a94a8c5af7b56e31dc538b29d42b13868a04c6",
        "undertow": "4c76fe4e53cc3840e4b4ecbd8910e96b02a12a3ac6bb0cf3a5ab8a0d8f491405",
        "last-ferry": "2197690bebb9c182ea1b852d675a45bc99d829c8ce36a2420b3cc6c87b0b67e6",
    ]

    /// manifests/instrumental-ep.yaml on main (weights 0.8 and 0.5: already on the seeds' step).
    static let instrumentalEPOnMain = [
        "on-ramp": "d83f4023446964e98ccaccfba1d9b2f2aa800e98e23d18557e51d414ddba8fdc",
        "sodium-lights": "b512818e832a1c2538a77edee83ff9a2907004df68800b996e79b8ae9c55273a",
        "overpass": "aa69cf9844785283565dd048c5348c6696966a6368c38207af723ca38e7bd838",
        "exit-13": "8b8bd12e24c4de8f15804939a8501b43440441eb9d2e0aa2dc724d034e2425ce",
    ]

    /// A manifest with weights of two and three decimals, which main sent with two.
    static let weights = """
        setlist: 1
        album: Weights
        songs:
          - id: precise
            title: Precise
            style: "pop"
            instrumental: true
            style_weight: 0.75
            weirdness: 0.33
            audio_weight: 0.123
          - id: sung
            title: Sung
            style: "pop"
            instrumental: true
            persona: voice
            style_weight: 0.45
        personas:
          - id: voice
            from: precise
            name: Voice
            description: A voice
        """

    /// `weights` on main.
    static let weightsOnMain = [
        "precise": "70265d4a04580d04a1013f489892723d6376ff76cd30ca38528590c6deb92bde",
        "voice": "26a6ecdd1ced969b385d54259cf268af99da47aba66de952c863f601b6a12408",
        "sung": "b86eddbb17171cbf7772bd6e8d2fd15dfcc4a0490c10a960e755eff87c1206c8",
    ]

    @Test func theExampleAlbumKeepsTheFingerprintsMainGaveIt() throws {
        #expect(try fingerprints(of: try example("album.yaml")) == Self.albumOnMain)
        #expect(try fingerprints(of: try example("instrumental-ep.yaml")) == Self.instrumentalEPOnMain)
    }

    @Test func writingTheOlderModelNameKeepsTheFingerprintAndSendsTheNameAsWritten() throws {
        let text = try String(
            contentsOf: ManifestFixtures.examplesDirectory.appendingPathComponent("album.yaml"), encoding: .utf8)
        let older = text.replacingOccurrences(of: "  model: suno-v5-beta\n", with: "  model: suno-v5\n")
        try #require(older != text)
        let manifest = try load(older)
        #expect(try fingerprints(of: manifest) == Self.albumOnMain)
        for song in manifest.songs {
            #expect(song.model == "suno-v5-beta")
            #expect(song.wireModel == "suno-v5")
            let request = try RequestBuilder().songRequest(for: song, chained: .placeholders(for: .song(song)))
            #expect(request.model == "suno-v5-beta")
            #expect(request.wireModel == "suno-v5")
            #expect(request.jsonValue["model"] == .string("suno-v5-beta"))
        }
    }

    @Test func theCanonicalNameOrNoNameLeavesNoWireName() throws {
        let manifest = try example("album.yaml")
        #expect(manifest.songs.allSatisfy { $0.wireModel == nil })
        let starter = try example("starter.yaml")
        #expect(starter.songs.map(\.wireModel) == [nil])
    }

    @Test func aWeightIsSentWithOneDecimalAndTheWarningNamesWhatIsSent() throws {
        let result = ManifestLoader.load(bytes: Array(Self.weights.utf8), manifestFileName: "weights.yaml") { _ in "" }
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(
            result.diagnostics.map(\.message) == [
                "song 'precise': style_weight 0.75 has more than one decimal, the step the provider documents; 0.8 "
                    + "will be sent. Write 0.8 to keep this warning away.",
                "song 'precise': weirdness 0.33 has more than one decimal, the step the provider documents; 0.3 will "
                    + "be sent. Write 0.3 to keep this warning away.",
                "song 'precise': audio_weight 0.123 has more than one decimal, the step the provider documents; 0.1 "
                    + "will be sent. Write 0.1 to keep this warning away.",
                "song 'sung': style_weight 0.45 has more than one decimal, the step the provider documents; 0.5 will "
                    + "be sent. Write 0.5 to keep this warning away.",
            ])
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning })
        let precise = try RequestBuilder().songRequest(for: manifest.songs[0], chained: ChainedInputs())
        #expect(precise.styleWeight == 0.8)
        #expect(precise.weirdnessConstraint == 0.3)
        #expect(precise.audioWeight == 0.1)
        #expect(precise.jsonValue["style_weight"]?.canonical == "0.8")
    }

    @Test func aWeightThatRoundsToZeroSaysTheProviderReadsItAsUnset() throws {
        let text = Self.weights.replacingOccurrences(of: "style_weight: 0.45", with: "style_weight: 0.04")
        let result = ManifestLoader.load(bytes: Array(text.utf8), manifestFileName: "weights.yaml") { _ in "" }
        #expect(
            result.diagnostics.map(\.message).last
                == "song 'sung': style_weight 0.04 has more than one decimal, the step the provider documents; 0 "
                + "will be sent, which the provider reads as unset. Write 0.1, or remove the key.")
    }

    /// Sending 0.8 for 0.75 is a new request, so the fingerprint names it honestly; but a ledger written by the
    /// setlist that sent 0.75 holds the old fingerprint, and the planner recognises it and migrates it instead of
    /// paying for the song again.
    @Test func aLedgerFromTheTwoDecimalSetlistIsRecognisedNotPaidAgain() throws {
        let manifest = try load(Self.weights)
        let graph = try JobGraph(manifest: manifest)
        let current = try fingerprints(of: manifest)
        #expect(current["voice"] == Self.weightsOnMain["voice"], "a persona request carries no weight")
        #expect(current["precise"] != Self.weightsOnMain["precise"])
        #expect(current["sung"] != Self.weightsOnMain["sung"])
        let hundredths = JobFingerprint.fingerprints(
            of: graph, api: .evolink, builder: RequestBuilder(weightStep: .hundredth))
        #expect(Dictionary(uniqueKeysWithValues: zip(graph.jobs.map(\.id), hundredths)) == Self.weightsOnMain)

        var ledger = Ledger()
        for id in ["precise", "voice"] { try Self.complete(id, graph: graph, in: &ledger) }
        try Self.submit("sung", graph: graph, in: &ledger)
        let plan = ResumePlan(manifest: manifest, graph: graph, ledger: ledger, selection: RunSelection())
        let precise = try #require(graph.index(of: "precise"))
        let voice = try #require(graph.index(of: "voice"))
        let sung = try #require(graph.index(of: "sung"))
        #expect(plan.decisions[precise] == .skip)
        #expect(plan.decisions[voice] == .skip)
        #expect(plan.decisions[sung] == .poll(taskID: "task-sung", attempt: 1), "in flight: polled, never paid again")
        #expect(plan.migrated == [precise, sung])
    }

    @Test func writingTheValueThatIsSentIsTheSameJob() throws {
        let written = try load(Self.weights.replacingOccurrences(of: "style_weight: 0.75", with: "style_weight: 0.8"))
        let asBefore = try load(Self.weights)
        #expect(try fingerprints(of: written)["precise"] != Self.weightsOnMain["precise"])
        #expect(try fingerprints(of: written)["precise"] == fingerprints(of: asBefore)["precise"])
    }

    /// Records job `id` as planned under main's fingerprint and completed in one attempt.
    private static func complete(_ id: String, graph: JobGraph, in ledger: inout Ledger) throws {
        try submit(id, graph: graph, in: &ledger)
        let kind = try #require(graph.index(of: id).map { graph.jobs[$0].kind })
        let results = kind == .song ? [ResultRecord(resultID: "\(id)-t1"), ResultRecord(resultID: "\(id)-t2")] : []
        try ledger.apply(
            .taskCompleted(
                job: id, attempt: 1, results: results, personaID: kind == .persona ? "persona-1" : nil, at: 3))
    }

    /// Records job `id` as planned under main's fingerprint and submitted, its task running.
    private static func submit(_ id: String, graph: JobGraph, in ledger: inout Ledger) throws {
        let index = try #require(graph.index(of: id))
        let inputs = try ChainResolver(graph: graph).inputs(for: index, in: ledger).get()
        let fingerprint = try #require(weightsOnMain[id])
        try ledger.apply(.jobPlanned(job: id, kind: graph.jobs[index].kind, fingerprint: fingerprint))
        try ledger.apply(.submitIntent(job: id, attempt: 1, idempotencyKey: "k-\(id)", inputs: inputs, at: 1))
        try ledger.apply(.submitAccepted(job: id, attempt: 1, taskID: "task-\(id)", creditsReserved: 1, at: 2))
    }

    private func example(_ name: String) throws -> ResolvedManifest {
        let result = try ManifestFixtures.load(ManifestFixtures.examplesDirectory.appendingPathComponent(name))
        return try #require(result.manifest, "\(result.diagnostics)")
    }

    private func load(_ text: String) throws -> ResolvedManifest {
        let directory = ManifestFixtures.examplesDirectory
        let result = ManifestLoader.load(bytes: Array(text.utf8), manifestFileName: "album.yaml") { path in
            try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
        }
        return try #require(result.manifest, "\(result.diagnostics)")
    }

    private func fingerprints(of manifest: ResolvedManifest) throws -> [String: String] {
        let graph = try JobGraph(manifest: manifest)
        let values = JobFingerprint.fingerprints(of: graph, api: manifest.provider.api)
        return Dictionary(uniqueKeysWithValues: zip(graph.jobs.map(\.id), values))
    }
}
