import Foundation
import Testing

@testable import SetlistCore

@Suite struct PlanTests {
    @Test func albumPlanListsJobsInDependencyOrderWithWaves() throws {
        let plan = try Plan(manifest: PlanFixtures.album())
        #expect(plan.jobs.map(\.id) == ["open-road", "sunset", "road-voice", "homecoming"])
        #expect(plan.jobs.map(\.wave) == [1, 1, 2, 3])
        #expect(plan.jobs.map(\.track) == [1, 2, nil, 3])
        #expect(plan.jobs.map(\.model) == ["suno-v5-beta", "suno-v5-beta", "suno-persona", "suno-v5-beta"])
        #expect(plan.jobs.map(\.onCriticalPath) == [true, false, true, true])
        #expect(plan.jobs.allSatisfy { $0.action == .notRunYet })
        #expect(plan.criticalPath == ["open-road", "road-voice", "homecoming"])
        #expect(plan.criticalPathSeconds == 255)
        #expect(plan.totals.jobs == 4 && plan.totals.waves == 3)
        #expect(plan.totals.actions == [.submit: 4, .poll: 0, .skip: 0, .hold: 0, .exclude: 0])
    }

    @Test func makespanBoundIsTheCriticalPathForAnAlbum() throws {
        let bound = try Plan(manifest: PlanFixtures.album()).makespan
        #expect(bound == MakespanBound(criticalPathSeconds: 255, submissionSeconds: 12, concurrencySeconds: 93.75))
        #expect(bound.seconds == 255)
    }

    @Test func makespanBoundIsConcurrencyForAWideAlbum() throws {
        let manifest = PlanFixtures.songsOnly((1...100).map { ("s\($0)", []) }, concurrency: 4)
        let plan = try Plan(manifest: manifest)
        #expect(plan.makespan.concurrencySeconds == 3000)
        #expect(plan.makespan.submissionSeconds == 300)
        #expect(plan.makespan.seconds == 3000)
    }

    @Test func makespanBoundIsTheSubmitRateWhenSubmissionsAreScarce() throws {
        var manifest = PlanFixtures.songsOnly((1...10).map { ("s\($0)", []) }, concurrency: 100)
        manifest.limits.submitsPerMinute = 1
        let bound = try Plan(manifest: manifest).makespan
        #expect(bound.submissionSeconds == 600)
        #expect(bound.seconds == 600)
    }

    @Test func skippedJobsCostNoTimeSubmissionOrCredits() throws {
        let plan = try Plan(
            manifest: PlanFixtures.album(),
            actions: [
                "open-road": JobAction(.skip, reason: "up to date"),
                "road-voice": JobAction(.poll, reason: "task running"),
            ])
        #expect(plan.jobs.map(\.action.kind) == [.skip, .submit, .poll, .submit])
        #expect(plan.criticalPath == ["sunset", "homecoming"])
        #expect(plan.criticalPathSeconds == 240)
        #expect(
            plan.makespan
                == MakespanBound(
                    criticalPathSeconds: 240, submissionSeconds: 6, concurrencySeconds: 63.75
                ))
        #expect(plan.totals.credits == 16)
        #expect(plan.totals.albumCredits == 25)
        #expect(plan.totals.actions == [.submit: 2, .poll: 1, .skip: 1, .hold: 0, .exclude: 0])
    }

    @Test func actionFunctionSeesEachJobWithItsFingerprint() throws {
        let manifest = PlanFixtures.album()
        let graph = try JobGraph(manifest: manifest)
        let expected = JobFingerprint.fingerprints(of: graph, api: .evolink)
        var seen: [String: String] = [:]
        let plan = Plan(manifest: manifest, graph: graph) { job, fingerprint in
            seen[job.id] = fingerprint
            return JobAction(.skip, reason: "fingerprint \(fingerprint.prefix(8)) in ledger")
        }
        #expect(seen == Dictionary(uniqueKeysWithValues: zip(graph.jobs.map(\.id), expected)))
        #expect(plan.criticalPath.isEmpty && plan.makespan.seconds == 0 && plan.totals.credits == 0)
        #expect(plan.jobs.map(\.fingerprint) == graph.topologicalOrder.map { expected[$0] })
    }

    @Test func creditEstimateUsesThePriceTableAndTheBudget() throws {
        let songs = [
            PlanFixtures.song("a", track: 1, model: "suno-v4.5-beta"),
            PlanFixtures.song("b", track: 2, model: "chirp-v4"),
            PlanFixtures.song("c", track: 3, model: "suno-v6-beta"),
        ]
        let within = try Plan(
            manifest: PlanFixtures.manifest(
                songs: songs, personas: [PlanFixtures.persona("p", from: "a")], maxCredits: 25
            ))
        #expect(within.jobs.map(\.estimatedCredits) == [8, 8, 8, 1])
        #expect(within.totals.credits == 25)
        #expect(within.totals.overBudget == false)
        let over = try Plan(manifest: PlanFixtures.manifest(songs: songs, maxCredits: 23.5))
        #expect(over.totals.overBudget)
        let noBudget = try Plan(manifest: PlanFixtures.manifest(songs: songs))
        #expect(noBudget.totals.maxCredits == nil && noBudget.totals.overBudget == false)
        let prices = CreditPrices(perModel: ["suno-v6-beta": 12], musicDefault: 10, persona: 2)
        let custom = try Plan(
            manifest: PlanFixtures.manifest(songs: songs, personas: [PlanFixtures.persona("p", from: "a")]),
            options: PlanOptions(prices: prices)
        )
        #expect(custom.jobs.map(\.estimatedCredits) == [10, 10, 12, 2])
    }

    @Test func expectedTimesAreAParameter() throws {
        let plan = try Plan(
            manifest: PlanFixtures.album(),
            options: PlanOptions(expectedTimes: ExpectedTaskTimes(song: 60, persona: 30))
        )
        #expect(plan.criticalPathSeconds == 150)
        #expect(plan.jobs.map(\.expectedSeconds) == [60, 60, 30, 60])
    }

    @Test func jsonPlanListsEveryJobAfterItsDependencies() throws {
        let manifest = PlanFixtures.manifest(
            songs: [
                PlanFixtures.song("z-last", track: 1, persona: .job("p2"), after: ["m-mid"]),
                PlanFixtures.song("m-mid", track: 2, persona: .job("p1")),
                PlanFixtures.song("a-first", track: 3),
                PlanFixtures.song("b-free", track: 4),
            ],
            personas: [PlanFixtures.persona("p2", from: "m-mid"), PlanFixtures.persona("p1", from: "a-first")]
        )
        let text = PlanRenderer.json(try Plan(manifest: manifest))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(jobs.count == 6)
        var waveOf: [String: Int] = [:]
        for job in jobs {
            let id = try #require(job["id"] as? String)
            let wave = try #require(job["wave"] as? Int)
            for dependency in try #require(job["dependencies"] as? [String]) {
                let dependencyWave = try #require(waveOf[dependency], "\(dependency) is listed after \(id)")
                #expect(dependencyWave < wave)
            }
            waveOf[id] = wave
        }
        #expect(jobs.compactMap { $0["id"] as? String } == ["a-first", "b-free", "p1", "m-mid", "p2", "z-last"])
    }
}
