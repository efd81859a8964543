import Foundation
import SetlistCore

/// What `setlist status` shows: every job of the manifest as the ledger records it, totals, the last run, and
/// what the next run would do. Built from values only; ``text`` and ``json()`` render it.
public struct StatusReport: Sendable, Hashable, Encodable {
    /// One take of a generation, as the ledger records it.
    public struct Take: Sendable, Hashable, Encodable {
        /// Its number within the generation, from 1.
        public var take: Int
        /// The provider's result id; nil when the provider's answer gave only the take's URL.
        public var resultID: String?
        /// The generated title.
        public var title: String?
        /// Length in seconds.
        public var duration: Double?
        /// The files downloaded for it.
        public var files: [DownloadedFile]

        enum CodingKeys: String, CodingKey {
            case take, title, duration, files
            case resultID = "result_id"
        }

        /// Encodes every key, `null` where a value is absent.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(take, forKey: .take)
            try container.encode(resultID, forKey: .resultID)
            try container.encode(title, forKey: .title)
            try container.encode(duration, forKey: .duration)
            try container.encode(files, forKey: .files)
        }
    }

    /// One generation of a job: a completed attempt and its takes.
    public struct Generation: Sendable, Hashable, Encodable {
        /// Its number, the job's completed attempts counted from 1.
        public var generation: Int
        /// The task that made it.
        public var taskID: String?
        /// Its takes, in the provider's order (none for a persona).
        public var takes: [Take]

        enum CodingKeys: String, CodingKey {
            case generation, takes
            case taskID = "task_id"
        }

        /// Encodes every key, `null` where a value is absent.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(generation, forKey: .generation)
            try container.encode(taskID, forKey: .taskID)
            try container.encode(takes, forKey: .takes)
        }
    }

    /// One job's line.
    public struct Job: Sendable, Hashable, Encodable {
        /// The job's id.
        public var id: String
        /// Song or persona.
        public var kind: JobKind
        /// The recorded state; nil when the ledger has never seen the job.
        public var state: JobState?
        /// Attempts made in all runs.
        public var attempts: Int
        /// The task id of the latest attempt.
        public var taskID: String?
        /// The persona id a persona job derived, or the persona id a song was sent with.
        public var personaID: String?
        /// Results of the completed attempt.
        public var results: Int
        /// Files downloaded for those results.
        public var files: Int
        /// Files of the kinds `output.download` asks for that a take of any generation has a URL for but no
        /// recorded file; the next run fetches them.
        public var downloadsPending: Int
        /// Every generation, oldest first, with its takes.
        public var generations: [Generation]
        /// The take the manifest's `pick` names, found in the ledger; nil for personas, for songs without a
        /// generation, and when the pick names a take that does not exist.
        public var pick: TakeRef?
        /// A sentence naming the song, the take its pick names that does not exist, and what to do.
        public var pickProblem: String?
        /// Credits reserved for all of the job's attempts.
        public var creditsReserved: Double
        /// The most recent failure's message, or the job that blocked this one, for jobs that are not completed.
        public var lastError: String?
        /// What the next run does with the job.
        public var next: ActionKind
        /// Why.
        public var nextReason: String

        enum CodingKeys: String, CodingKey {
            case id, kind, state, attempts, results, files, next
            case taskID = "task_id"
            case personaID = "persona_id"
            case creditsReserved = "credits_reserved"
            case lastError = "last_error"
            case nextReason = "next_reason"
            case downloadsPending = "downloads_pending"
            case generations, pick
            case pickProblem = "pick_problem"
        }

        /// Encodes every key, `null` where a value is absent, and `not_run` as the state of a job the ledger has
        /// never seen, so that consumers see the same keys for every job.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(kind, forKey: .kind)
            try container.encode(state?.rawValue ?? "not_run", forKey: .state)
            try container.encode(attempts, forKey: .attempts)
            try container.encode(taskID, forKey: .taskID)
            try container.encode(personaID, forKey: .personaID)
            try container.encode(results, forKey: .results)
            try container.encode(files, forKey: .files)
            try container.encode(downloadsPending, forKey: .downloadsPending)
            try container.encode(generations, forKey: .generations)
            try container.encode(pick, forKey: .pick)
            try container.encode(pickProblem, forKey: .pickProblem)
            try container.encode(creditsReserved, forKey: .creditsReserved)
            try container.encode(lastError, forKey: .lastError)
            try container.encode(next, forKey: .next)
            try container.encode(nextReason, forKey: .nextReason)
        }
    }

    /// The latest run, briefly.
    public struct LastRun: Sendable, Hashable, Encodable {
        /// The run's id.
        public var id: String
        /// When it started, Unix milliseconds.
        public var startedAtMs: Int64
        /// When it ended; nil if it is running or never finished.
        public var endedAtMs: Int64?
        /// How it ended; nil if it is running or never finished.
        public var outcome: RunOutcome?

        enum CodingKeys: String, CodingKey {
            case id, outcome
            case startedAtMs = "started_at_ms"
            case endedAtMs = "ended_at_ms"
        }
    }

    /// The album's display name.
    public var album: String
    /// The ledger the report was read from, as given.
    public var ledgerPath: String
    /// The jobs in manifest order: songs in track order, then personas.
    public var jobs: [Job]
    /// Jobs by recorded state; jobs the ledger has never seen count as `not_run`.
    public var states: [String: Int]
    /// What the next run would do, by action.
    public var nextRun: [String: Int]
    /// Credits reserved in all runs for the manifest's jobs.
    public var creditsReserved: Double
    /// Runs recorded in the ledger.
    public var runs: Int
    /// The latest run, if any.
    public var lastRun: LastRun?
    /// What the album folder holds and which songs it leaves out, when the caller planned it.
    public var albumFolder: AlbumFolderStatus?

    /// The album folder's tracks against the manifest's songs (DESIGN §9).
    public struct AlbumFolderStatus: Sendable, Hashable, Encodable {
        /// Songs with a track in the folder.
        public var tracks: Int
        /// Songs in the manifest.
        public var songs: Int
        /// The songs left out, each with a sentence saying why.
        public var leftOut: [LeftOut]

        /// A song the album folder leaves out.
        public struct LeftOut: Sendable, Hashable, Encodable {
            /// The song's id.
            public var song: String
            /// Why, in words.
            public var reason: String
        }

        enum CodingKeys: String, CodingKey {
            case tracks, songs
            case leftOut = "left_out"
        }

        /// The status of `layout`, the folder's plan for `songs` songs.
        public init(_ layout: AlbumLayout, songs: Int) {
            tracks = layout.tracks.count
            self.songs = songs
            leftOut = layout.missing.map { gap in
                switch gap.reason {
                case .notCompleted: LeftOut(song: gap.song, reason: "no completed generation yet")
                case .pickMissing: LeftOut(song: gap.song, reason: "its pick names a take it does not have")
                case .notDownloaded(let take): LeftOut(song: gap.song, reason: "\(take) is not downloaded yet")
                }
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case album, jobs, states, runs
        case albumFolder = "album_folder"
        case ledgerPath = "ledger"
        case nextRun = "next_run"
        case creditsReserved = "credits_reserved"
        case lastRun = "last_run"
    }

    /// Builds the report of `graph`'s jobs from `ledger`; `decisions` are the resume planner's, in job order, and
    /// `downloads` the media kinds the manifest's `output.download` asks for.
    public init(
        album: String, ledgerPath: String, graph: JobGraph, ledger: Ledger, decisions: [ResumeDecision],
        downloads: [MediaKind] = [], albumFolder: AlbumFolderStatus? = nil
    ) {
        self.albumFolder = albumFolder
        self.album = album
        self.ledgerPath = ledgerPath
        jobs = zip(graph.jobs, decisions).map { spec, decision in
            Self.job(spec, ledger: ledger, action: decision.action, downloads: downloads)
        }
        states = jobs.reduce(into: [:]) { $0[$1.state?.rawValue ?? "not_run", default: 0] += 1 }
        nextRun = jobs.reduce(into: [:]) { $0[$1.next.rawValue, default: 0] += 1 }
        creditsReserved = jobs.reduce(0) { $0 + $1.creditsReserved }
        runs = ledger.runs.count
        lastRun = ledger.runs.last.map {
            LastRun(id: $0.id, startedAtMs: $0.startedAtMs, endedAtMs: $0.endedAtMs, outcome: $0.outcome)
        }
    }

    private static func job(_ spec: JobSpec, ledger: Ledger, action: JobAction, downloads: [MediaKind]) -> Job {
        guard let record = ledger[job: spec.id] else {
            return Job(
                id: spec.id, kind: spec.kind, state: nil, attempts: 0, taskID: nil, personaID: nil, results: 0,
                files: 0, downloadsPending: 0, generations: [], pick: nil, pickProblem: nil, creditsReserved: 0,
                lastError: nil, next: action.kind, nextReason: action.reason)
        }
        var pick: TakeRef?
        var pickProblem: String?
        if let choice = spec.pickChoice {
            pick = try? record.take(choice).get().reference
            if case .failure(let problem) = TakePicks.change(for: spec, in: ledger) { pickProblem = problem.message }
        }
        let generations = record.generations.enumerated().map { index, attempt in
            Generation(
                generation: index + 1, taskID: attempt.taskID,
                takes: attempt.results.enumerated().map { number, result in
                    Take(
                        take: number + 1, resultID: result.resultID, title: result.title, duration: result.duration,
                        files: result.files)
                })
        }
        return Job(
            id: spec.id, kind: spec.kind, state: record.state, attempts: record.attempts.count,
            taskID: record.attempts.last?.taskID, personaID: record.personaID ?? record.chainedInputs?.personaID,
            results: record.results.count, files: record.results.reduce(0) { $0 + $1.files.count },
            downloadsPending: record.generations.flatMap(\.results).reduce(0) { total, result in
                total + downloads.filter { result.file($0) == nil && result.downloadURL(for: $0) != nil }.count
            },
            generations: generations, pick: pick, pickProblem: pickProblem,
            creditsReserved: record.attempts.reduce(0) { $0 + ($1.creditsReserved ?? 0) },
            lastError: record.state == .completed
                ? nil : record.lastError?.message ?? record.blockedBy.map { "blocked by \($0)" },
            next: action.kind, nextReason: action.reason)
    }

    /// The report as a table, each song's takes when it has more than one, pick problems, totals and the next
    /// run's actions.
    public var text: String {
        var rows = [
            [
                "JOB", "KIND", "STATE", "TRIES", "TASK", "PERSONA", "GENS", "PICK", "RESULTS", "FILES", "CREDITS",
                "NEXT", "LAST ERROR",
            ]
        ]
        for job in jobs {
            rows.append([
                job.id, job.kind.rawValue, job.state?.rawValue ?? "not run", String(job.attempts),
                job.taskID ?? "-", job.personaID ?? "-", String(job.generations.count),
                job.pick?.label ?? (job.pickProblem == nil ? "-" : "missing"), String(job.results),
                String(job.files), RunEvent.format(credits: job.creditsReserved), job.next.rawValue,
                job.lastError.map { Self.clip($0, to: 60) } ?? "-",
            ])
        }
        var text = "\(album) — \(ledgerPath)\n\n" + RunSummaryTable.align(rows) + "\n\n"
        for job in jobs where job.generations.reduce(0, { $0 + $1.takes.count }) > 1 {
            text += Self.takesBlock(job) + "\n\n"
        }
        let problems = jobs.compactMap(\.pickProblem)
        if !problems.isEmpty { text += problems.joined(separator: "\n") + "\n\n" }
        let stateOrder = JobState.allCases.map(\.rawValue) + ["not_run"]
        let counts = stateOrder.compactMap { state in
            states[state].map { "\($0) \(state.replacingOccurrences(of: "_", with: " "))" }
        }
        text += "\(jobs.count) jobs: \(counts.joined(separator: ", ")); "
        text += "\(RunEvent.format(credits: creditsReserved)) credits reserved in \(runs) run\(runs == 1 ? "" : "s")\n"
        if let lastRun {
            let outcome =
                lastRun.outcome.map { "ended \($0.rawValue)" }
                ?? "did not finish (running, or stopped without finishing)"
            text += "last run: \(lastRun.id), started \(Self.timestamp(lastRun.startedAtMs)), \(outcome)\n"
        }
        let actions = ActionKind.allCases.compactMap { action in
            nextRun[action.rawValue].map { "\(action.rawValue) \($0)" }
        }
        let pending = jobs.reduce(0) { $0 + $1.downloadsPending }
        let files = "\(pending) file\(pending == 1 ? "" : "s") of paid takes"
        if pending > 0 {
            text += "downloads pending: \(files); the next run fetches them, which costs no credits\n"
        }
        if let albumFolder {
            text += "album folder: \(albumFolder.tracks) of \(albumFolder.songs) tracks"
            let missing = albumFolder.leftOut.map { "\($0.song) (\($0.reason))" }
            text += missing.isEmpty ? "\n" : "; left out: " + missing.joined(separator: ", ") + "\n"
        }
        text += "next run: " + actions.joined(separator: ", ")
        let work = (nextRun[ActionKind.submit.rawValue] ?? 0) + (nextRun[ActionKind.poll.rawValue] ?? 0)
        if pending > 0 {
            text += "; fetch \(files)" + (work == 0 ? " (no generation is paid)" : "")
        } else if work == 0 {
            text += " (nothing to do)"
        }
        return text + "\n"
    }

    /// The takes of `job`, oldest generation first, the pick marked with `*`.
    private static func takesBlock(_ job: Job) -> String {
        let takes = job.generations.reduce(0) { $0 + $1.takes.count }
        let gens = job.generations.count
        var text = "\(job.id) has \(takes) takes in \(gens) generation\(gens == 1 ? "" : "s"); "
        text += job.pick.map { "* marks the pick, \($0)." } ?? "its pick names no take that exists."
        var rows: [[String]] = []
        for generation in job.generations {
            for take in generation.takes {
                let reference = TakeRef(generation: generation.generation, take: take.take)
                let title = take.title.flatMap { $0.isEmpty ? nil : $0 } ?? take.resultID ?? "-"
                let file = take.files.first { $0.kind == .audio } ?? take.files.first
                rows.append([
                    (reference == job.pick ? "* " : "  ") + "g\(reference.generation)-t\(reference.take)",
                    clip(title, to: 40), take.duration.map(AlbumReport.clock) ?? "-", file?.path ?? "not downloaded",
                ])
            }
        }
        return text + "\n" + RunSummaryTable.align(rows)
    }

    /// The report as pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// A Unix-millisecond time as `2026-11-21 12:04:13Z`.
    static func timestamp(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000)) + "Z"
    }

    private static func clip(_ text: String, to length: Int) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.count <= length ? line : String(line.prefix(length - 1)) + "…"
    }
}

extension TakeRef {
    /// `g2 t1`: the short form the status table shows.
    var label: String { "g\(generation) t\(take)" }
}
