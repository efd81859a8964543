/// A job's manifest entry.
public enum JobSpec: Sendable, Hashable {
    /// A song generation.
    case song(Song)
    /// A persona derivation.
    case persona(Persona)

    /// The job id.
    public var id: String {
        switch self {
        case .song(let song): song.id
        case .persona(let persona): persona.id
        }
    }

    /// The job kind.
    public var kind: JobKind {
        switch self {
        case .song: .song
        case .persona: .persona
        }
    }
}

/// How long each kind of task is expected to take, in seconds. The defaults are the provider's documented
/// `estimated_time` figures (120 s for music, 15 s for a persona).
public struct ExpectedTaskTimes: Sendable, Hashable {
    /// Expected seconds of a song generation task.
    public var song: Double
    /// Expected seconds of a persona derivation task.
    public var persona: Double

    /// Creates expected times.
    public init(song: Double = 120, persona: Double = 15) {
        self.song = song
        self.persona = persona
    }

    /// The provider's documented estimates.
    public static let documented = ExpectedTaskTimes()

    /// The expected seconds of a task of `kind`.
    public func seconds(for kind: JobKind) -> Double {
        switch kind {
        case .song: song
        case .persona: persona
        }
    }
}

/// The longest chains of a DAG under given per-job times.
public struct LongestPaths: Sendable, Hashable {
    /// For each job index, the seconds of the longest chain from the start of that job to the end of any
    /// sink, the job's own time included.
    public let remainingSeconds: [Double]
    /// The longest chain, as job indices, upstream first; ties go to the job earlier in job order. The chain
    /// stops where only zero-time jobs follow, and is empty when every time is zero.
    public let criticalPath: [Int]
    /// The seconds of ``criticalPath``.
    public let criticalPathSeconds: Double
}

/// Why a manifest's jobs do not form a DAG the planner can use.
public enum JobGraphError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Two jobs share an id.
    case duplicateID(String)
    /// A reference names no job, or a job of the wrong kind.
    case invalidReference(job: String, reference: String, expected: String)
    /// The dependencies form a cycle, given as a path `[a, b, a]` where `a` needs `b`.
    case cycle([String])

    /// A full sentence for the user.
    public var description: String {
        switch self {
        case .duplicateID(let id):
            "job id '\(id)' is used more than once"
        case .invalidReference(let job, let reference, let expected):
            "job '\(job)' refers to '\(reference)', which is not \(expected) of this manifest"
        case .cycle(let path):
            "dependency cycle: \(path.joined(separator: " -> "))"
        }
    }
}

/// The jobs of a manifest and their dependencies: one job per song (in track order), then one per persona
/// (in manifest order); this is the *job order* every index refers to. A job depends on the persona job it
/// uses (`persona`), the song it derives from (`from`) and its `after` list. Built in O(jobs + edges).
public struct JobGraph: Sendable, Hashable {
    /// The jobs in job order.
    public let jobs: [JobSpec]
    /// The topology over job indices.
    public let graph: DependencyGraph
    /// The job indices grouped into waves: wave 0 needs nothing, wave k needs something in wave k - 1.
    public let waves: [[Int]]
    /// For each job index, its 0-based wave.
    public let waveIndex: [Int]
    /// Every job index once, dependencies before dependents: the waves in order, job order within a wave.
    public let topologicalOrder: [Int]

    /// Builds the graph of a resolved manifest. A resolved manifest has passed validation, so the errors
    /// here are a last line of defence rather than user diagnostics.
    public init(manifest: ResolvedManifest) throws(JobGraphError) {
        let jobs = manifest.songs.map(JobSpec.song) + manifest.personas.map(JobSpec.persona)
        var kindByID: [String: JobKind] = [:]
        kindByID.reserveCapacity(jobs.count)
        for job in jobs {
            guard kindByID.updateValue(job.kind, forKey: job.id) == nil else { throw .duplicateID(job.id) }
        }
        func require(_ reference: String, of job: String, kind: JobKind?) throws(JobGraphError) {
            guard let found = kindByID[reference], kind == nil || found == kind else {
                let expected = kind.map { "a \($0.rawValue) job" } ?? "a job"
                throw .invalidReference(job: job, reference: reference, expected: expected)
            }
        }
        var dependencies: [String: [String]] = [:]
        dependencies.reserveCapacity(jobs.count)
        for job in jobs {
            var needs: [String] = []
            switch job {
            case .song(let song):
                if case .job(let persona) = song.persona {
                    try require(persona, of: song.id, kind: .persona)
                    needs.append(persona)
                }
                for id in song.after { try require(id, of: song.id, kind: nil) }
                needs += song.after
            case .persona(let persona):
                if case .song(let source, _) = persona.source {
                    try require(source, of: persona.id, kind: .song)
                    needs.append(source)
                }
                for id in persona.after { try require(id, of: persona.id, kind: nil) }
                needs += persona.after
            }
            dependencies[job.id] = needs
        }
        let graph = DependencyGraph(ids: jobs.map(\.id), dependencies: dependencies)
        guard let waves = graph.waves() else { throw .cycle(graph.findCycle() ?? []) }
        var waveIndex = Array(repeating: 0, count: jobs.count)
        for (wave, members) in waves.enumerated() {
            for job in members { waveIndex[job] = wave }
        }
        self.jobs = jobs
        self.graph = graph
        self.waves = waves
        self.waveIndex = waveIndex
        self.topologicalOrder = waves.flatMap { $0 }
    }

    /// The number of jobs.
    public var count: Int { jobs.count }

    /// The index of the job with `id`, if any.
    public func index(of id: String) -> Int? { graph.index(of: id) }

    /// The indices of the jobs that `job` needs first, in the order the manifest names them.
    public func dependencies(of job: Int) -> [Int] { graph.dependencies[job] }

    /// The indices of the jobs that need `job` first, ascending.
    public func dependents(of job: Int) -> [Int] { graph.dependents[job] }

    /// The expected seconds of every job, in job order.
    public func expectedSeconds(_ times: ExpectedTaskTimes = .documented) -> [Double] {
        jobs.map { times.seconds(for: $0.kind) }
    }

    /// The longest chains under the expected task times: the scheduler's priority (longest remaining path
    /// first) and the critical path.
    public func longestPaths(_ times: ExpectedTaskTimes = .documented) -> LongestPaths {
        longestPaths(seconds: expectedSeconds(times))
    }

    /// The ids of the critical path under the expected task times, upstream first.
    public func criticalPath(_ times: ExpectedTaskTimes = .documented) -> [String] {
        longestPaths(times).criticalPath.map { jobs[$0].id }
    }

    /// The longest chains under explicit per-job seconds (one per job, in job order; a job that will not
    /// run can count as zero).
    public func longestPaths(seconds: [Double]) -> LongestPaths {
        precondition(seconds.count == jobs.count, "one duration per job")
        var remaining = Array(repeating: 0.0, count: jobs.count)
        var next = Array(repeating: -1, count: jobs.count)
        for job in topologicalOrder.reversed() {
            var best = 0.0
            for dependent in graph.dependents[job] where remaining[dependent] > best {
                best = remaining[dependent]
                next[job] = dependent
            }
            remaining[job] = seconds[job] + best
        }
        var start = -1
        for job in jobs.indices where remaining[job] > 0 && (start < 0 || remaining[job] > remaining[start]) {
            start = job
        }
        var path: [Int] = []
        var cursor = start
        while cursor >= 0 {
            path.append(cursor)
            cursor = next[cursor]
        }
        return LongestPaths(
            remainingSeconds: remaining, criticalPath: path, criticalPathSeconds: start < 0 ? 0 : remaining[start]
        )
    }
}
