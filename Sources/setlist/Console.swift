import Foundation
import SetlistCore
import SetlistEngine
import Synchronization

/// How `run` writes its progress.
enum LogFormat: String, CaseIterable, Sendable {
    /// Human lines: a live progress line on a terminal, timestamped lines otherwise.
    case text
    /// One JSON object per line, for log collectors.
    case json
}

/// The width of standard output in columns, for the live line and the summary table.
enum TerminalWidth {
    /// The width when standard output is not a terminal (a log file, cron's mail, a pipe): 80, the width cron
    /// mail is read at.
    static let standard = RunSummaryTable.standardWidth

    /// On a terminal, `COLUMNS` when it is a positive number, else the terminal's own width (`TIOCGWINSZ`);
    /// otherwise ``standard``.
    static func ofStandardOutput() -> Int {
        guard isatty(STDOUT_FILENO) == 1 else { return standard }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 {
            return columns
        }
        var size = winsize()
        let answered = withUnsafeMutablePointer(to: &size) { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) }
        return answered == 0 && size.ws_col > 0 ? Int(size.ws_col) : standard
    }
}

/// Prints run events for people (a live line on a terminal, timestamped lines for cron) or as JSON lines.
final class ConsoleReporter: Sendable {
    private struct State {
        var progress: RunProgress
        var progressShown = false
    }

    private let format: LogFormat
    private let quiet: Bool
    private let isTerminal: Bool
    private let started = ContinuousClock.now
    private let state: Mutex<State>

    /// The width of standard output in columns (``TerminalWidth``): the live line stays within it, and the
    /// summary table should be rendered for it (`RunSummaryTable.render(..., width: reporter.columns)`).
    let columns: Int

    /// The album every line names when several albums run at once; nil for a single album.
    private let album: String?

    /// A reporter for one album of `total` jobs. When several albums run at once, `album` names the album in every
    /// line (`[Album] …` in text, an `album` field in JSON) and the live line is left out, since the albums' lines
    /// interleave.
    init(format: LogFormat, quiet: Bool, total: Int, upToDate: Int, album: String? = nil) {
        self.format = format
        self.quiet = quiet
        self.album = album
        isTerminal = isatty(STDOUT_FILENO) == 1 && format == .text && album == nil
        columns = TerminalWidth.ofStandardOutput()
        state = Mutex(State(progress: RunProgress(total: total, upToDate: upToDate)))
    }

    /// Prints one event as the chosen format says.
    func report(_ event: RunEvent) {
        state.withLock { state in
            state.progress.apply(event)
            guard !quiet || event.isProblem else { return }
            switch format {
            case .json:
                var fields = event.fields
                if let album, fields["album"] == nil { fields["album"] = album }
                write(jsonLine(name: event.name, fields: fields, message: event.message))
            case .text where isTerminal:
                var output = state.progressShown ? "\r\u{1B}[2K" : ""
                if Self.isNoteworthy(event) { output += "\(clockTime()) \(event.message)\n" }
                let elapsed = ContinuousClock.now - started
                output += state.progress.line(elapsed: elapsed, width: columns)
                state.progressShown = true
                write(output)
            case .text:
                if case .progress = event { return }
                write("\(timestamp()) \(album.map { "[\($0)] " } ?? "")\(event.message)\n")
            }
        }
    }

    /// Prints text after the events, ending a live progress line first. With `--log-format json` the text goes
    /// out as the `message` of one `summary` line, so that every line of standard output stays a JSON object.
    func printBlock(_ text: String) {
        state.withLock { state in
            endProgressLine(&state)
            let block = text.hasSuffix("\n") ? String(text.dropLast()) : text
            let fields = album.map { ["album": $0] } ?? [:]
            let heading = album.map { "[\($0)]\n" } ?? ""
            write(format == .json ? jsonLine(name: "summary", fields: fields, message: block) : heading + block + "\n")
        }
    }

    /// Prints `error: <message>` to standard error, ending a live progress line on standard output first, so
    /// that a log collector reading standard output keeps clean lines and the error reaches cron's mail.
    func printError(_ message: String) {
        state.withLock { state in
            endProgressLine(&state)
            try? FileHandle.standardError.write(contentsOf: Data("error: \(message)\n".utf8))
        }
    }

    /// Ends the live progress line, if one is shown, so that what follows starts on a line of its own.
    private func endProgressLine(_ state: inout State) {
        guard state.progressShown else { return }
        write("\n")
        state.progressShown = false
    }

    private static func isNoteworthy(_ event: RunEvent) -> Bool {
        switch event {
        case .progress, .submitting, .accepted, .downloaded: false
        default: true
        }
    }

    /// `fields` with `event` (`name`), `time` and `message`, as one line of canonical JSON (keys sorted).
    private func jsonLine(name: String, fields: [String: String], message: String) -> String {
        var object = JSONObject(uniqueKeysWithValues: fields.map { ($0.key, JSONValue.string($0.value)) })
        object["event"] = .string(name)
        object["time"] = .string(timestamp())
        object["message"] = .string(message)
        return JSONValue.object(object).canonical + "\n"
    }

    private func timestamp() -> String {
        Date().formatted(.iso8601)
    }

    private func clockTime() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }

    /// Writes to standard output. A reader that went away (a closed pipe, with SIGPIPE ignored) makes the write
    /// fail; the run goes on, since its record is the ledger, not its output.
    private func write(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }
}
