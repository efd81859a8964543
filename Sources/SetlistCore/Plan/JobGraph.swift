/// A job's manifest entry.
public enum JobSpec: Sendable, Hashable {
    /// A song generation.
    case song(Song)
    /// A persona derivation.
    case persona(Persona)
    /// Lyrics written by the provider.
    case lyrics(LyricsJob)
    /// One extension of a song.
    case `extension`(ExtensionJob)
    /// The join of an extended song's parts.
    case join(JoinJob)
    /// A WAV master of a song's album take.
    case wav(WAVJob)

    /// The job id.
    public var id: String {
        switch self {
        case .song(let song): song.id
        case .persona(let persona): persona.id
        case .lyrics(let lyrics): lyrics.id
        case .extension(let part): part.id
        case .join(let join): join.id
        case .wav(let wav): wav.id
        }
    }

    /// The job kind.
    public var kind: JobKind {
        switch self {
        case .song: .song
        case .persona: .persona
        case .lyrics: .lyrics
        case .extension: .extension
        case .join: .join
        case .wav: .wav
        }
    }

    /// The song a job belongs to: a song itself, or the song an extension, join or WAV job is made for.
    public var song: Song? {
        switch self {
        case .song(let song): song
        case .extension(let part): part.song
        case .join(let join): join.song
        case .wav(let wav): wav.song
        case .persona, .lyrics: nil
        }
    }

    /// Whether the job's completed attempts hold takes with audio (songs, extensions and joins).
    public var makesTakes: Bool {
        switch self {
        case .song, .extension, .join: true
        case .persona, .lyrics, .wav: false
        }
    }

    /// The take that stands for the job, for the jobs that make takes: a song's or an extension's `pick`, a
    /// join's one take; nil for the other kinds.
    public var pickChoice: TakeChoice? {
        switch self {
        case .song(let song): song.pick
        case .extension(let part): part.part.pick
        case .join: .defaultPick
        case .persona, .lyrics, .wav: nil
        }
    }

    /// The model a plan shows for the job: a song's or extension's model, else the name of what it asks for
    /// (`suno-persona`, `lyrics`, `concat`, `wav`).
    public var modelShown: String {
        switch self {
        case .song(let song): song.model
        case .extension(let part): part.song.model
        case .persona: "suno-persona"
        case .lyrics: "lyrics"
        case .join: "concat"
        case .wav: "wav"
        }
    }

    /// The jobs whose recorded values this job's request is built from, in the order it reads them: a song's
    /// persona job and lyrics job, a persona's source song, the part an extension continues, the last part a
    /// join joins, the job whose take a WAV job converts. `after` edges carry no value.
    public var valueSources: [String] {
        switch self {
        case .song(let song):
            var sources: [String] = []
            if case .job(let persona) = song.persona { sources.append(persona) }
            if let lyrics = song.lyricsFrom { sources.append(lyrics) }
            return sources
        case .persona(let persona):
            guard case .song(let source, _) = persona.source else { return [] }
            return [source]
        case .lyrics: return []
        case .extension(let part): return [part.continues]
        case .join(let join): return [join.lastPart]
        case .wav(let wav): return [wav.source]
        }
    }

    /// The extra ordering edges the manifest writes for the job.
    public var after: [String] {
        switch self {
        case .song(let song): song.after
        case .persona(let persona): persona.after
        case .lyrics(let lyrics): lyrics.after
        case .extension, .join, .wav: []
        }
    }

    /// Every job a resolved manifest runs, in job order: the songs (track order), the personas, the lyrics jobs
    /// (manifest order), then each song's extensions and join, then the WAV jobs.
    public static func jobs(of manifest: ResolvedManifest) -> [JobSpec] {
        var jobs = manifest.songs.map(JobSpec.song) + manifest.personas.map(JobSpec.persona)
        jobs += manifest.lyrics.map(JobSpec.lyrics)
        for song in manifest.songs where !song.extensions.isEmpty {
            for number in 1...song.extensions.count {
                jobs.append(.extension(ExtensionJob(song: song, number: number)))
            }
            jobs.append(.join(JoinJob(song: song)))
        }
        jobs += manifest.songs.filter(\.wantsWAV).map { .wav(WAVJob(song: $0)) }
        return jobs
    }
}

/// How long each kind of task is expected to take, in seconds. The defaults are the providers' documented
/// `estimated_time` figures (120 s for music, 15 s for a persona) and, where no document gives one, a cautious
/// figure: a lyrics task answers within seconds (Suno-API polls upstream before it answers), an extension is a
/// music task, a join is quicker than a generation, and a WAV conversion takes about half a minute.
public struct ExpectedTaskTimes: Sendable, Hashable {
    /// Expected seconds of a song generation task.
    public var song: Double
    /// Expected seconds of a persona derivation task.
    public var persona: Double
    /// Expected seconds of a lyrics task.
    public var lyrics: Double
    /// Expected seconds of a join (concat) task.
    public var join: Double
    /// Expected seconds of a WAV conversion.
    public var wav: Double

    /// Creates expected times; an extension takes as long as a song.
    public init(song: Double = 120, persona: Double = 15, lyrics: Double = 10, join: Double = 30, wav: Double = 30) {
        self.song = song
        self.persona = persona
        self.lyrics = lyrics
        self.join = join
        self.wav = wav
    }

    /// The providers' documented estimates.
    public static let documented = ExpectedTaskTimes()

    /// The expected seconds of a task of `kind`.
    public func seconds(for kind: JobKind) -> Double {
        switch kind {
        case .song, .extension: song
        case .persona: persona
        case .lyrics: lyrics
        case .join: join
        case .wav: wav
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

/// The jobs of a manifest and their dependencies, in the *job order* every index refers to
/// (``JobSpec/jobs(of:)``). A job depends on the jobs it takes values from (``JobSpec/valueSources``) and on its
/// `after` list. Built in O(jobs + edges).
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
        let jobs = JobSpec.jobs(of: manifest)
        var kindByID: [String: JobKind] = [:]
        kindByID.reserveCapacity(jobs.count)
        for job in jobs {
            guard kindByID.updateValue(job.kind, forKey: job.id) == nil else { throw .duplicateID(job.id) }
        }
        var dependencies: [String: [String]] = [:]
        dependencies.reserveCapacity(jobs.count)
        for job in jobs {
            for id in job.valueSources + job.after where kindByID[id] == nil {
                throw .invalidReference(job: job.id, reference: id, expected: "a job")
            }
            if case .song(let song) = job, case .job(let persona) = song.persona, kindByID[persona] != .persona {
                throw .invalidReference(job: job.id, reference: persona, expected: "a persona job")
            }
            if case .persona(let persona) = job, case .song(let source, _) = persona.source, kindByID[source] != .song {
                throw .invalidReference(job: job.id, reference: source, expected: "a song job")
            }
            if case .song(let song) = job, let lyrics = song.lyricsFrom, kindByID[lyrics] != .lyrics {
                throw .invalidReference(job: job.id, reference: lyrics, expected: "a lyrics job")
            }
            dependencies[job.id] = job.valueSources + job.after
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
