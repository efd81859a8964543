import SetlistCore

/// Something a person or a log collector may want to know about a run, in the order it happened.
public enum RunEvent: Sendable, Hashable {
    /// The run begins: what it will do.
    case started(album: String, jobs: Int, submit: Int, poll: Int, skip: Int, simulated: Bool)
    /// Something worth a look that does not stop the run.
    case warning(String)
    /// A paid submission is about to go out.
    case submitting(job: String, attempt: Int)
    /// The provider accepted a submission.
    case accepted(job: String, attempt: Int, taskID: String, credits: Double?)
    /// A status answer for a running task.
    case progress(job: String, status: TaskStatus, percent: Int?)
    /// A job finished; `detail` says what it produced.
    case completed(job: String, detail: String)
    /// A try failed and another follows after `delay`.
    case retrying(job: String, attempt: Int, delay: Duration, reason: String)
    /// A job failed for good.
    case failed(job: String, reason: String)
    /// A job will not run because `cause` failed or is held.
    case blocked(job: String, cause: String)
    /// A submission's outcome is unknown and is left for `--resubmit-unknown`.
    case held(job: String, reason: String)
    /// The run stopped submitting.
    case stopped(reason: String)
    /// A result file was saved.
    case downloaded(job: String, path: String, bytes: Int64)
    /// A result file could not be saved; the next run tries again.
    case downloadFailed(job: String, reason: String)
    /// A song's `pick` names a take the song does not have; `reason` is a sentence saying what to do.
    case pickUnresolved(job: String, reason: String)
    /// The run ends with files of paid takes not on disk; `files` lists them with the reasons.
    case downloadsPending(files: [String])
    /// The album folder holds `tracks` of the manifest's `songs` songs; `changed` files were written or removed.
    case albumWritten(folder: String, tracks: Int, songs: Int, changed: Int)
    /// The album folder could not be brought up to date; `reason` is a sentence saying what to do.
    case albumFailed(reason: String)

    /// The job the event is about, if any.
    public var job: String? {
        switch self {
        case .started, .warning, .stopped, .downloadsPending, .albumWritten, .albumFailed: nil
        case .submitting(let job, _), .accepted(let job, _, _, _), .progress(let job, _, _), .completed(let job, _),
            .retrying(let job, _, _, _), .failed(let job, _), .blocked(let job, _), .held(let job, _),
            .downloaded(let job, _, _), .downloadFailed(let job, _), .pickUnresolved(let job, _):
            job
        }
    }

    /// Whether the event reports a problem, which `--quiet` still prints.
    public var isProblem: Bool {
        switch self {
        case .warning, .failed, .blocked, .held, .stopped, .downloadFailed, .pickUnresolved, .downloadsPending,
            .albumFailed:
            true
        default: false
        }
    }

    /// The event's name in JSON logs.
    public var name: String {
        switch self {
        case .started: "run_started"
        case .warning: "warning"
        case .submitting: "submitting"
        case .accepted: "accepted"
        case .progress: "progress"
        case .completed: "completed"
        case .retrying: "retrying"
        case .failed: "failed"
        case .blocked: "blocked"
        case .held: "held"
        case .stopped: "stopped"
        case .downloaded: "downloaded"
        case .downloadFailed: "download_failed"
        case .pickUnresolved: "pick_unresolved"
        case .downloadsPending: "downloads_pending"
        case .albumWritten: "album_written"
        case .albumFailed: "album_failed"
        }
    }

    /// One human sentence for plain logs.
    public var message: String {
        switch self {
        case .started(let album, let jobs, let submit, let poll, let skip, let simulated):
            let target = simulated ? " on the simulator" : ""
            return "run of '\(album)'\(target): \(jobs) jobs; \(submit) to submit, \(poll) to poll, \(skip) up to date"
        case .warning(let text):
            return "warning: \(text)"
        case .submitting(let job, let attempt):
            return "\(job): submitting (attempt \(attempt))"
        case .accepted(let job, _, let taskID, let credits):
            let cost = credits.map { ", \(Self.format(credits: $0)) credits reserved" } ?? ""
            return "\(job): accepted as \(taskID)\(cost)"
        case .progress(let job, let status, let percent):
            return "\(job): \(status.rawValue)\(percent.map { " \($0)%" } ?? "")"
        case .completed(let job, let detail):
            return "\(job): completed, \(detail)"
        case .retrying(let job, let attempt, let delay, let reason):
            return "\(job): \(reason); attempt \(attempt) in \(Self.format(duration: delay))"
        case .failed(let job, let reason):
            return "\(job): failed: \(reason)"
        case .blocked(let job, let cause):
            return "\(job): blocked, because '\(cause)' did not complete"
        case .held(let job, let reason):
            return "\(job): held: \(reason)"
        case .stopped(let reason):
            return "stopped submitting: \(reason)"
        case .downloaded(let job, let path, let bytes):
            return "\(job): saved \(path) (\(bytes) bytes)"
        case .downloadFailed(let job, let reason):
            return "\(job): \(reason); the next run fetches it without paying for a generation"
        case .pickUnresolved(_, let reason):
            return reason
        case .downloadsPending(let files):
            let count = files.count == 1 ? "1 file" : "\(files.count) files"
            return "\(count) of paid takes \(files.count == 1 ? "is" : "are") not downloaded: "
                + files.joined(separator: "; ")
                + ". Fix the cause; the next run fetches \(files.count == 1 ? "it" : "them") without paying for a "
                + "generation (the provider keeps the links for 72 hours)."
        case .albumWritten(let folder, let tracks, let songs, let changed):
            let left = songs - tracks
            let missing = left == 0 ? "" : "; \(left) not ready yet (setlist status says which)"
            let changes = changed == 0 ? "nothing changed" : "\(changed) file\(changed == 1 ? "" : "s") changed"
            return "album: \(folder): \(tracks) of \(songs) tracks\(missing), \(changes)"
        case .albumFailed(let reason):
            return "album: \(reason)"
        }
    }

    /// The event's fields for JSON logs (besides its name and time).
    public var fields: [String: String] {
        var fields: [String: String] = [:]
        if let job { fields["job"] = job }
        switch self {
        case .started(let album, let jobs, let submit, let poll, let skip, let simulated):
            fields["album"] = album
            fields["jobs"] = String(jobs)
            fields["submit"] = String(submit)
            fields["poll"] = String(poll)
            fields["skip"] = String(skip)
            fields["simulated"] = String(simulated)
        case .accepted(_, let attempt, let taskID, let credits):
            fields["attempt"] = String(attempt)
            fields["task_id"] = taskID
            if let credits { fields["credits"] = Self.format(credits: credits) }
        case .submitting(_, let attempt):
            fields["attempt"] = String(attempt)
        case .progress(_, let status, let percent):
            fields["status"] = status.rawValue
            if let percent { fields["progress"] = String(percent) }
        case .retrying(_, let attempt, let delay, let reason):
            fields["attempt"] = String(attempt)
            fields["delay_seconds"] = Self.format(credits: Double(delay.components.seconds))
            fields["reason"] = reason
        case .failed(_, let reason), .held(_, let reason), .downloadFailed(_, let reason),
            .pickUnresolved(_, let reason):
            fields["reason"] = reason
        case .downloadsPending(let files):
            fields["files"] = String(files.count)
        case .albumWritten(let folder, let tracks, let songs, let changed):
            fields["folder"] = folder
            fields["tracks"] = String(tracks)
            fields["songs"] = String(songs)
            fields["changed"] = String(changed)
        case .albumFailed(let reason):
            fields["reason"] = reason
        case .blocked(_, let cause):
            fields["cause"] = cause
        case .completed(_, let detail):
            fields["detail"] = detail
        case .downloaded(_, let path, let bytes):
            fields["path"] = path
            fields["bytes"] = String(bytes)
        case .warning(let text), .stopped(let text):
            fields["message"] = text
        }
        return fields
    }

    /// Credits without a needless `.0`.
    public static func format(credits: Double) -> String {
        credits == credits.rounded() ? String(Int64(credits)) : String(credits)
    }

    /// A duration as `1h02m`, `3m05s`, `12s` or `0.4s`.
    public static func format(duration: Duration) -> String {
        let total = duration.seconds
        if total < 10 { return total == total.rounded() ? "\(Int(total))s" : String(format1(total)) + "s" }
        let seconds = Int(total.rounded())
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(pad(seconds % 60))s" }
        return "\(seconds / 3600)h\(pad(seconds / 60 % 60))m"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func format1(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// Counts for the live progress line, folded from events.
public struct RunProgress: Sendable, Hashable {
    /// Jobs in the run (selected ones).
    public var total: Int
    /// Jobs done: completed now or up to date before.
    public var done = 0
    /// Tasks submitted and not finished.
    public var inFlight = 0
    /// Jobs failed, blocked or held.
    public var failed = 0
    /// Jobs that were done when the run started, which the ETA leaves out.
    public private(set) var finishedAtStart: Int

    /// The most cells the bar has.
    public static let barCells = 20
    /// The fewest cells a bar is drawn with; on a terminal narrower than that leaves, the line has no bar.
    public static let minimumBarCells = 5

    /// Creates progress for `total` jobs of which `upToDate` need nothing; the run's start event may say better.
    public init(total: Int, upToDate: Int) {
        self.total = total
        done = upToDate
        finishedAtStart = upToDate
    }

    /// Folds one event in.
    public mutating func apply(_ event: RunEvent) {
        switch event {
        case .started(_, let jobs, _, _, let skip, _):
            total = jobs
            done = skip
            finishedAtStart = skip
        case .accepted: inFlight += 1
        case .completed:
            done += 1
            inFlight = max(0, inFlight - 1)
        case .retrying: inFlight = max(0, inFlight - 1)
        case .failed, .held:
            failed += 1
            inFlight = max(0, inFlight - 1)
        case .blocked: failed += 1
        default: break
        }
    }

    /// The progress line in at most `width - 1` columns, so that a terminal `width` columns wide never wraps it:
    /// a bar of the jobs done (`#`) and failed (`!`), then the counts and an ETA extrapolated from the jobs
    /// finished in this run, e.g. `[##########!!........] 7/13 jobs, 1 failed, 3 in flight, ETA 4m10s`. When the
    /// width is short, the ETA, the jobs in flight and the failures give way to the bar, then the bar goes.
    public func line(elapsed: Duration, width: Int) -> String {
        let room = max(width - 1, 1)
        var parts = ["\(done)/\(total) jobs"]
        if failed > 0 { parts.append("\(failed) failed") }
        parts.append("\(inFlight) in flight")
        let finishedNow = done + failed - finishedAtStart
        let remaining = total - done - failed
        if finishedNow > 0, remaining > 0 {
            parts.append("ETA " + RunEvent.format(duration: elapsed * (Double(remaining) / Double(finishedNow))))
        }
        while parts.count > 1, room - parts.joined(separator: ", ").count - 3 < Self.minimumBarCells {
            parts.removeLast()
        }
        let counts = parts.joined(separator: ", ")
        let cells = min(Self.barCells, room - counts.count - 3)
        guard cells >= Self.minimumBarCells else { return String(counts.prefix(room)) }
        return bar(cells: cells) + " " + counts
    }

    /// `[####!!......]`: `cells` cells between brackets, filled in proportion to the jobs done, then failed.
    private func bar(cells: Int) -> String {
        let settled = { (jobs: Int) in total > 0 ? min(max(jobs, 0), total) * cells / total : 0 }
        let doneCells = settled(done)
        let failedCells = settled(done + failed) - doneCells
        return "[" + String(repeating: "#", count: doneCells) + String(repeating: "!", count: failedCells)
            + String(repeating: ".", count: cells - doneCells - failedCells) + "]"
    }
}
