import SetlistCore
import Synchronization

/// The two policies a user might script instead of setlist, run against the same simulator: every job is
/// submitted, then polled every ``pollInterval`` until it is done, with chained persona ids passed along.
final class BaselineRunner: Sendable {
    let graph: JobGraph
    let provider: any MusicProvider
    let clock: ScaledClock
    /// How often a script asks about a running task.
    let pollInterval: Duration

    private let results = Mutex<[Int: TaskSnapshot]>([:])

    init(graph: JobGraph, provider: any MusicProvider, clock: ScaledClock, pollInterval: Duration) {
        self.graph = graph
        self.provider = provider
        self.clock = clock
        self.pollInterval = pollInterval
    }

    /// Jobs one after another in dependency order: a shell loop over the manifest.
    func oneAtATime() async throws -> [String: String] {
        for index in graph.topologicalOrder { try await run(index) }
        return taskIDs()
    }

    /// Dependency waves one after another; inside a wave, `pool` jobs at a time (`xargs -P`).
    func waveByWave(pool: Int) async throws -> [String: String] {
        for wave in graph.waves {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                while next < min(pool, wave.count) {
                    let index = wave[next]
                    group.addTask { try await self.run(index) }
                    next += 1
                }
                while try await group.next() != nil, next < wave.count {
                    let index = wave[next]
                    group.addTask { try await self.run(index) }
                    next += 1
                }
                try await group.waitForAll()
            }
        }
        return taskIDs()
    }

    private func taskIDs() -> [String: String] {
        results.withLock { snapshots in
            Dictionary(uniqueKeysWithValues: snapshots.map { (graph.jobs[$0.key].id, $0.value.id) })
        }
    }

    private func run(_ index: Int) async throws {
        let builder = RequestBuilder()
        let key = "setlist-bench-baseline-\(graph.jobs[index].id)"
        let job = graph.jobs[index]
        var snapshot = try await provider.submit(
            builder.request(for: job, chained: chained(job)), idempotencyKey: key)
        while !snapshot.status.isTerminal {
            try await clock.sleep(for: pollInterval)
            guard let latest = try await provider.fetchTasks([snapshot.id]).first else {
                throw BenchError("the simulator lost task \(snapshot.id)")
            }
            snapshot = latest
        }
        guard snapshot.status == .completed else {
            throw BenchError("task \(snapshot.id) of \(graph.jobs[index].id) ended \(snapshot.status)")
        }
        results.withLock { $0[index] = snapshot }
    }

    private func snapshot(of id: String) -> TaskSnapshot? {
        guard let index = graph.index(of: id) else { return nil }
        return results.withLock { $0[index] }
    }

    private func chained(_ job: JobSpec) -> ChainedInputs {
        switch job {
        case .song(let song): return chained(song)
        case .persona(let persona): return chained(persona)
        case .lyrics: return ChainedInputs()
        case .extension, .join, .wav:
            guard let source = job.valueSources.first, let record = snapshot(of: source) else { return ChainedInputs() }
            return ChainedInputs(sourceTaskID: record.id, sourceResultID: record.results.first?.resultID)
        }
    }

    private func chained(_ song: Song) -> ChainedInputs {
        guard case .job(let personaJob) = song.persona, let index = graph.index(of: personaJob),
            case .persona(let persona) = graph.jobs[index]
        else { return ChainedInputs() }
        return ChainedInputs(
            personaID: snapshot(of: personaJob)?.personaID, personaModel: song.personaModel,
            artistClipID: chained(persona).sourceResultID)
    }

    private func chained(_ persona: Persona) -> ChainedInputs {
        guard case .song(let source, let choice) = persona.source, let record = snapshot(of: source) else {
            return ChainedInputs()
        }
        let take: Int
        switch choice ?? .defaultPick {
        case .newest(let number): take = number
        case .pinned(let reference): take = reference.take
        }
        return ChainedInputs(
            sourceTaskID: record.id,
            sourceResultID: take <= record.results.count ? record.results[take - 1].resultID : nil)
    }
}
