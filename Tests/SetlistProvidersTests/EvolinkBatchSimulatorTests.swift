import Foundation
import SetlistCore
import SetlistSimulator
import SetlistTestSupport
import Testing

@testable import SetlistProviders

/// `EvolinkProvider` polling a simulator over HTTP: through `POST /v1/tasks/batch` when it is served, and on
/// `GET /v1/tasks/{id}` after it answers 404.
@Suite("Evolink batch status against the simulator")
struct EvolinkBatchSimulatorTests {
    private static let song = SongRequest(
        model: "suno-v5-beta", customMode: true, instrumental: false, prompt: "[Verse] la", style: "pop",
        title: "Open Road")

    /// Submits `count` songs on a simulator with `configuration`, then polls them every 30 simulated seconds
    /// until all have ended. Returns the last snapshots, the error of each poll that failed, and the statistics.
    private func pollSongs(_ count: Int, _ configuration: SimulatorConfiguration) async throws -> (
        done: [TaskSnapshot], errors: [ProviderError], stats: JSONValue, provider: EvolinkProvider
    ) {
        let harness = try await SimulatorHarness.start(configuration, on: ManualClock())
        let transport = AsyncHTTPTransport()
        let provider = EvolinkProvider(
            baseURL: harness.baseURL, apiKey: testAPIKey, transport: transport, now: { fixedNow })
        do {
            var ids: [String] = []
            for attempt in 1...count {
                let key = "\(testIdempotencyKey)-\(attempt)"
                ids.append(try await provider.submitSong(Self.song, idempotencyKey: key).id)
            }
            var errors: [ProviderError] = []
            var snapshots: [TaskSnapshot] = []
            var rounds = 0
            while rounds < 20, snapshots.count < count || snapshots.contains(where: { $0.status != .completed }) {
                rounds += 1
                harness.advance(seconds: 30)
                do throws(ProviderError) {
                    snapshots = try await provider.fetchTasks(ids + ["task-unified-1-unknown"])
                } catch {
                    errors.append(error)
                }
            }
            let stats = try #require(JSONValue.parse(Data(try await harness.send(.GET, "/_sim/stats").body)))
            try? await transport.shutdown()
            await harness.stop()
            #expect(snapshots.map(\.id) == ids)
            return (snapshots, errors, stats, provider)
        } catch {
            try? await transport.shutdown()
            await harness.stop()
            throw error
        }
    }

    @Test func pollsThroughTheBatchEndpoint() async throws {
        let (done, errors, stats, provider) = try await pollSongs(3, SimulatorConfiguration(apiKeys: [testAPIKey]))
        #expect(errors.isEmpty)
        #expect(done.allSatisfy { $0.status == .completed && $0.results.count == 2 })
        #expect(provider.maxBatchSize == 50)
        let requests = stats["requests"]
        let polls = try #require(requests?["POST /v1/tasks/batch"]?["200"]?.intValue)
        #expect(polls >= 4)
        #expect(requests?["GET /v1/tasks/{id}"] == nil)
    }

    @Test func fallsBackToSingleRequestsWhenTheEndpointIsMissing() async throws {
        let configuration = SimulatorConfiguration(apiKeys: [testAPIKey], evolinkBatch: false)
        let (done, errors, stats, provider) = try await pollSongs(3, configuration)
        #expect(errors.map(\.code) == ["batch_unavailable"])
        #expect(errors.first?.kind == .transient)
        #expect(done.allSatisfy { $0.status == .completed && $0.results.count == 2 })
        #expect(provider.maxBatchSize == 1)
        let requests = stats["requests"]
        #expect(requests?["POST /v1/tasks/batch"]?["404"]?.intValue == 1)
        #expect(requests?["POST /v1/tasks/batch"]?["200"] == nil)
        let singles = try #require(requests?["GET /v1/tasks/{id}"]?["200"]?.intValue)
        #expect(singles >= 3 * 3)
    }

    @Test func batchAndSingleAnswersGiveTheSameSnapshots() async throws {
        let clock = ManualClock()
        let harness = try await SimulatorHarness.start(SimulatorConfiguration(apiKeys: [testAPIKey]), on: clock)
        let transport = AsyncHTTPTransport()
        let batched = EvolinkProvider(
            baseURL: harness.baseURL, apiKey: testAPIKey, transport: transport, now: { fixedNow })
        let single = EvolinkProvider(
            baseURL: harness.baseURL, apiKey: testAPIKey, transport: transport, now: { fixedNow })
        _ = single.batchStatus.abandon()
        do {
            let song = try await batched.submitSong(Self.song, idempotencyKey: testIdempotencyKey)
            for _ in 0..<8 {
                #expect(try await batched.fetchTasks([song.id]) == (try await single.fetchTasks([song.id])))
                harness.advance(seconds: 30)
            }
            let take = try #require(try await batched.fetchTasks([song.id]).first?.results.first?.resultID)
            let persona = try await batched.submitPersona(
                PersonaRequest(sourceTaskID: song.id, resultID: take, name: "Road", description: "Warm"),
                idempotencyKey: "\(testIdempotencyKey)-persona")
            harness.advance(seconds: 30)
            let derived = try await batched.fetchTasks([persona.id])
            #expect(derived.first?.personaID != nil)
            #expect(derived == (try await single.fetchTasks([persona.id])))
        } catch {
            try? await transport.shutdown()
            await harness.stop()
            throw error
        }
        try? await transport.shutdown()
        await harness.stop()
    }
}
