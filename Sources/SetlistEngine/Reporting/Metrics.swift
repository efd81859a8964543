import SetlistCore

/// One HTTP route and response status, the key of ``RunMetrics/requests``.
public struct RequestKey: Sendable, Hashable, Comparable {
    /// The provider route, such as `submit` or `poll`.
    public var route: String
    /// The HTTP status code as text, or a word such as `network_error` when no response arrived.
    public var status: String

    /// Creates a request key.
    public init(route: String, status: String) {
        self.route = route
        self.status = status
    }

    /// Orders by route, then status.
    public static func < (lhs: RequestKey, rhs: RequestKey) -> Bool {
        (lhs.route, lhs.status) < (rhs.route, rhs.status)
    }
}

/// How many jobs of one kind an album has, and how many of them are completed.
public struct JobCount: Sendable, Hashable {
    /// The completed ones.
    public var completed: Int
    /// All of them.
    public var total: Int

    /// Creates a count.
    public init(completed: Int, total: Int) {
        self.completed = completed
        self.total = total
    }
}

/// What one album's run leaves for monitoring: the figures `--metrics-file` writes for node_exporter's
/// textfile collector.
public struct RunMetrics: Sendable, Hashable {
    /// The album's display name; the `album` label of every sample.
    public var album: String
    /// Jobs by state at the end of the run. States left out are written as 0, so alerts see every state.
    public var jobsByState: [JobState: Int]
    /// Completed jobs and all jobs by kind, for the kinds the album has (songs, personas, lyrics, extensions,
    /// joins, WAV masters).
    public var jobsByKind: [JobKind: JobCount]
    /// HTTP requests the run sent to the provider, by route and status.
    public var requests: [RequestKey: Int]
    /// Tries scheduled again after a failure.
    public var retries: Int
    /// Credits the provider reserved for this run's submissions.
    public var creditsReserved: Double
    /// Wall-clock length of the run in seconds.
    public var durationSeconds: Double
    /// When a run of this album last ended with every job completed, Unix seconds; nil if none ever did.
    public var lastSuccessUnixTime: Double?
    /// How the run ended.
    public var outcome: RunOutcome
    /// Ledger events the run appended to the journal.
    public var ledgerEvents: Int
    /// Bytes of those journal lines.
    public var ledgerJournalBytes: Int
    /// Files of paid takes that are not on disk after the run; the next run fetches them.
    public var downloadsPending: Int
    /// Seconds since the oldest generation with a file still pending finished; nil when none is pending. The
    /// provider's links expire 72 hours (259,200 s) after a generation finishes.
    public var oldestPendingTakeAgeSeconds: Double?

    /// Creates run metrics.
    public init(
        album: String, jobsByState: [JobState: Int], requests: [RequestKey: Int], retries: Int,
        creditsReserved: Double, durationSeconds: Double, lastSuccessUnixTime: Double?, outcome: RunOutcome,
        ledgerEvents: Int = 0, ledgerJournalBytes: Int = 0, downloadsPending: Int = 0,
        oldestPendingTakeAgeSeconds: Double? = nil, jobsByKind: [JobKind: JobCount] = [:]
    ) {
        self.jobsByKind = jobsByKind
        self.downloadsPending = downloadsPending
        self.oldestPendingTakeAgeSeconds = oldestPendingTakeAgeSeconds
        self.ledgerEvents = ledgerEvents
        self.ledgerJournalBytes = ledgerJournalBytes
        self.album = album
        self.jobsByState = jobsByState
        self.requests = requests
        self.retries = retries
        self.creditsReserved = creditsReserved
        self.durationSeconds = durationSeconds
        self.lastSuccessUnixTime = lastSuccessUnixTime
        self.outcome = outcome
    }

    /// Counts the states `ledger` records for the jobs of `graph`; jobs never run count as `pending`.
    public static func jobsByState(graph: JobGraph, ledger: Ledger) -> [JobState: Int] {
        var counts: [JobState: Int] = [:]
        for job in graph.jobs { counts[ledger[job: job.id]?.state ?? .pending, default: 0] += 1 }
        return counts
    }

    /// Counts the jobs of `graph` by kind, and how many of each kind `ledger` records completed.
    public static func jobsByKind(graph: JobGraph, ledger: Ledger) -> [JobKind: JobCount] {
        var counts: [JobKind: JobCount] = [:]
        for job in graph.jobs {
            let done = ledger[job: job.id]?.state == .completed ? 1 : 0
            let count = counts[job.kind] ?? JobCount(completed: 0, total: 0)
            counts[job.kind] = JobCount(completed: count.completed + done, total: count.total + 1)
        }
        return counts
    }

    /// Seconds between `nowMs` and the finish of the oldest generation among `pending`, nil when it is empty or
    /// no finish time is known.
    public static func oldestPendingTakeAge(_ pending: [PendingDownload], nowMs: Int64) -> Double? {
        pending.compactMap(\.finishedAtMs).min().map { Double(max(0, nowMs - $0)) / 1000 }
    }

    /// The end of the latest run in `ledger` that completed, Unix seconds.
    public static func lastSuccessUnixTime(in ledger: Ledger) -> Double? {
        ledger.runs.last { $0.outcome == .completed && $0.endedAtMs != nil }
            .flatMap(\.endedAtMs).map { Double($0) / 1000 }
    }
}

/// The Prometheus text exposition format (version 0.0.4), as node_exporter's textfile collector reads it.
public enum PrometheusTextFormat {
    /// Renders the metrics of one or more albums. Each metric family appears once, with its `# HELP` and
    /// `# TYPE` lines, followed by one sample per album (and per label combination), in a stable order.
    public static func render(_ metrics: [RunMetrics]) -> String {
        var families: [Family] = []
        families.append(
            Family(
                name: "setlist_jobs", help: "Jobs of the album by state at the end of the last run.",
                samples: metrics.flatMap { album in
                    JobState.allCases.map { state in
                        Sample(
                            labels: [("album", album.album), ("state", state.rawValue)],
                            value: Double(album.jobsByState[state] ?? 0))
                    }
                }))
        families.append(
            Family(
                name: "setlist_jobs_completed_by_kind",
                help: "Completed jobs of the album by kind (song, persona, lyrics, extension, join, wav).",
                samples: kindSamples(metrics, \.completed)))
        families.append(
            Family(
                name: "setlist_jobs_by_kind", help: "Jobs of the album by kind, whatever their state.",
                samples: kindSamples(metrics, \.total)))
        families.append(
            Family(
                name: "setlist_requests", help: "HTTP requests the last run sent to the provider, by route and status.",
                samples: metrics.flatMap { album in
                    album.requests.keys.sorted().map { key in
                        Sample(
                            labels: [("album", album.album), ("route", key.route), ("status", key.status)],
                            value: Double(album.requests[key] ?? 0))
                    }
                }))
        families.append(
            Family(
                name: "setlist_retries", help: "Tries the last run scheduled again after a failure.",
                samples: metrics.map { Sample(labels: [("album", $0.album)], value: Double($0.retries)) }))
        families.append(
            Family(
                name: "setlist_credits_reserved", help: "Credits the provider reserved for the last run's submissions.",
                samples: metrics.map { Sample(labels: [("album", $0.album)], value: $0.creditsReserved) }))
        families.append(
            Family(
                name: "setlist_run_duration_seconds", help: "Wall-clock length of the last run in seconds.",
                samples: metrics.map { Sample(labels: [("album", $0.album)], value: $0.durationSeconds) }))
        families.append(
            Family(
                name: "setlist_last_success_timestamp_seconds",
                help: "Unix time at which a run of the album last ended with every job completed.",
                samples: metrics.compactMap { album in
                    album.lastSuccessUnixTime.map { Sample(labels: [("album", album.album)], value: $0) }
                }))
        families.append(
            Family(
                name: "setlist_run_outcome", help: "How the last run ended: 1 for its outcome, 0 for the others.",
                samples: metrics.flatMap { album in
                    RunOutcome.allCases.map { outcome in
                        Sample(
                            labels: [("album", album.album), ("outcome", outcome.rawValue)],
                            value: outcome == album.outcome ? 1 : 0)
                    }
                }))
        families.append(
            Family(
                name: "setlist_ledger_events_appended", help: "Ledger events the last run appended to the journal.",
                samples: metrics.map { Sample(labels: [("album", $0.album)], value: Double($0.ledgerEvents)) }))
        families.append(
            Family(
                name: "setlist_ledger_journal_bytes_appended",
                help: "Bytes of the journal lines the last run appended.",
                samples: metrics.map { Sample(labels: [("album", $0.album)], value: Double($0.ledgerJournalBytes)) }))
        families.append(
            Family(
                name: "setlist_downloads_pending",
                help: "Files of paid takes not on disk after the last run; the next run fetches them without paying.",
                samples: metrics.map { Sample(labels: [("album", $0.album)], value: Double($0.downloadsPending)) }))
        families.append(
            Family(
                name: "setlist_oldest_pending_take_age_seconds",
                help: "Age of the oldest take with a file still pending; the provider's links expire after 259200 s.",
                samples: metrics.compactMap { album in
                    album.oldestPendingTakeAgeSeconds.map { Sample(labels: [("album", album.album)], value: $0) }
                }))
        families.append(
            Family(
                name: "setlist_run_exit_code", help: "The exit code of the last run.",
                samples: metrics.map { Sample(labels: [("album", $0.album)], value: Double($0.outcome.exitCode)) }))
        return families.filter { !$0.samples.isEmpty }.map(\.text).joined()
    }

    /// One sample per album and kind the album has, valued by `count`'s field.
    private static func kindSamples(_ metrics: [RunMetrics], _ count: KeyPath<JobCount, Int>) -> [Sample] {
        metrics.flatMap { album in
            JobKind.allCases.compactMap { kind in
                album.jobsByKind[kind].map {
                    Sample(
                        labels: [("album", album.album), ("kind", kind.rawValue)], value: Double($0[keyPath: count]))
                }
            }
        }
    }

    /// Escapes a label value: backslash, double quote and line feed.
    public static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A sample value as the format spells it: integers without a fraction, `NaN`, `+Inf` and `-Inf`.
    public static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private struct Sample {
        var labels: [(String, String)]
        var value: Double
    }

    private struct Family {
        var name: String
        var help: String
        var samples: [Sample]

        var text: String {
            var lines = ["# HELP \(name) \(help)", "# TYPE \(name) gauge"]
            for sample in samples {
                let labels = sample.labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",")
                lines.append("\(name){\(labels)} \(formatValue(sample.value))")
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
