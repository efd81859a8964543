import SetlistCore

/// The table printed at the end of a run and by `status`: one row per job, in job order, then totals.
public enum RunSummaryTable {
    /// Renders the jobs of `graph` as the ledger records them, and the run's outcome.
    public static func render(graph: JobGraph, ledger: Ledger, outcome: RunOutcome?) -> String {
        var rows = [["JOB", "KIND", "STATE", "TRIES", "TASK", "OUTPUT", "CREDITS", "LAST ERROR"]]
        var states: [JobState: Int] = [:]
        var credits = 0.0
        for spec in graph.jobs {
            guard let record = ledger[job: spec.id] else {
                rows.append([spec.id, spec.kind.rawValue, "not run", "0", "-", "-", "-", "-"])
                continue
            }
            states[record.state, default: 0] += 1
            let reserved = record.attempts.reduce(0.0) { $0 + ($1.creditsReserved ?? 0) }
            credits += reserved
            let takes = record.everyTake.count
            let generations = record.generations.count
            let output: String
            if let personaID = record.personaID {
                output = "persona \(personaID)"
            } else if spec.kind == .lyrics, let lyrics = record.results.first {
                output = "lyrics" + (lyrics.title.map { " \"\(clip($0, to: 24))\"" } ?? "")
            } else if spec.kind == .wav, takes > 0 {
                output = "WAV" + (generations > 1 ? " of \(generations) takes" : "")
            } else if takes == 0 {
                output = "-"
            } else {
                output =
                    "\(takes) take\(takes == 1 ? "" : "s")"
                    + (generations > 1 ? " in \(generations) generations" : "")
            }
            let error = record.state == .completed ? "-" : record.lastError.map { clip($0.message, to: 48) } ?? "-"
            rows.append([
                spec.id, spec.kind.rawValue, record.state.rawValue, String(record.attempts.count),
                record.attempts.last?.taskID ?? "-", output, RunEvent.format(credits: reserved), error,
            ])
        }
        var text = align(rows)
        let counts = JobState.allCases.compactMap { state in states[state].map { "\($0) \(state.rawValue)" } }
        text += "\n\(graph.count) jobs: " + (counts.isEmpty ? "none recorded" : counts.joined(separator: ", "))
        text += "; \(RunEvent.format(credits: credits)) credits reserved in all runs"
        if let outcome { text += "\noutcome: \(outcome.rawValue) (exit \(outcome.exitCode))" }
        return text + "\n"
    }

    /// Pads columns to their widest cell, two spaces apart, without trailing spaces.
    public static func align(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private static func clip(_ text: String, to length: Int) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.count <= length ? line : String(line.prefix(length - 1)) + "…"
    }
}
