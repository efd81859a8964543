import SetlistCore

/// The table printed at the end of a run and by `status`: one row per job, in job order, then totals.
public enum RunSummaryTable {
    /// The width the table is rendered for when no terminal says otherwise: cron mail is read at 80 columns.
    public static let standardWidth = 80

    /// The longest first line of a last error the table shows, however wide the terminal.
    static let errorColumns = 48

    /// Renders the jobs of `graph` as the ledger records them, and the run's outcome, in at most `width` columns
    /// per line. A table too wide shows the last 8 characters of each task id (the part that tells tasks apart;
    /// `setlist status` shows them whole), then clips the last errors and the outputs (a persona id), then leaves
    /// out the task ids; the totals wrap between words.
    public static func render(graph: JobGraph, ledger: Ledger, outcome: RunOutcome?, width: Int = standardWidth)
        -> String
    {
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
            let error =
                record.state == .completed ? "-" : record.lastError.map { clip($0.message, to: errorColumns) } ?? "-"
            rows.append([
                spec.id, spec.kind.rawValue, record.state.rawValue, String(record.attempts.count),
                record.attempts.last?.taskID ?? "-", output(of: record, kind: spec.kind),
                RunEvent.format(credits: reserved), error,
            ])
        }
        var text = fit(rows, width: width)
        let counts = JobState.allCases.compactMap { state in states[state].map { "\($0) \(state.rawValue)" } }
        let totals =
            "\(graph.count) jobs: " + (counts.isEmpty ? "none recorded" : counts.joined(separator: ", "))
            + "; \(RunEvent.format(credits: credits)) credits reserved in all runs"
        text += "\n" + wrap(totals, width: width)
        if let outcome { text += "\n" + wrap("outcome: \(outcome.rawValue) (exit \(outcome.exitCode))", width: width) }
        return text + "\n"
    }

    /// What a job produced, for the OUTPUT column: `2 takes`, `persona <id>`, `lyrics "Title"`, `WAV`.
    private static func output(of record: JobRecord, kind: JobKind) -> String {
        let takes = record.everyTake.count
        let generations = record.generations.count
        if let personaID = record.personaID { return "persona \(personaID)" }
        if kind == .lyrics, let lyrics = record.results.first {
            return "lyrics" + (lyrics.title.map { " \"\(clip($0, to: 24))\"" } ?? "")
        }
        if kind == .wav, takes > 0 { return "WAV" + (generations > 1 ? " of \(generations) takes" : "") }
        if takes == 0 { return "-" }
        return "\(takes) take\(takes == 1 ? "" : "s")" + (generations > 1 ? " in \(generations) generations" : "")
    }

    /// The rows aligned in at most `width` columns per line: the steps below are taken in order until the table
    /// fits, and a line still too wide (a terminal narrower than a job id) is clipped.
    static func fit(_ rows: [[String]], width: Int) -> String {
        let steps: [([[String]]) -> [[String]]] = [
            { shortenColumn("TASK", in: $0) },
            { clipColumn("LAST ERROR", in: $0, width: width, keeping: 20) },
            { clipColumn("OUTPUT", in: $0, width: width, keeping: 16) },
            { dropColumn("TASK", from: $0) },
            { clipColumn("LAST ERROR", in: $0, width: width, keeping: 10) },
            { clipColumn("OUTPUT", in: $0, width: width, keeping: 6) },
        ]
        var rows = rows
        for step in steps where tableWidth(rows) > width { rows = step(rows) }
        return align(rows).split(separator: "\n", omittingEmptySubsequences: false)
            .map { clip(String($0), to: width) }.joined(separator: "\n")
    }

    /// The widest line ``align(_:)`` makes of `rows`.
    static func tableWidth(_ rows: [[String]]) -> Int {
        let widths = columnWidths(rows)
        return widths.reduce(0, +) + 2 * max(widths.count - 1, 0)
    }

    /// Each cell of the column headed `header` as its last 8 characters after `…`, when longer.
    private static func shortenColumn(_ header: String, in rows: [[String]]) -> [[String]] {
        guard let column = rows.first?.firstIndex(of: header) else { return rows }
        return rows.enumerated().map { index, row in
            guard index > 0, row[column].count > 9 else { return row }
            var row = row
            row[column] = "…" + row[column].suffix(8)
            return row
        }
    }

    /// The column headed `header` clipped by as much as the table is too wide for `width`, to no fewer than
    /// `keeping` columns.
    private static func clipColumn(_ header: String, in rows: [[String]], width: Int, keeping: Int) -> [[String]] {
        guard let column = rows.first?.firstIndex(of: header) else { return rows }
        let current = columnWidths(rows)[column]
        let target = max(keeping, current - (tableWidth(rows) - width))
        guard target < current else { return rows }
        return rows.map { row in
            var row = row
            row[column] = clip(row[column], to: target)
            return row
        }
    }

    /// `rows` without the column headed `header`.
    private static func dropColumn(_ header: String, from rows: [[String]]) -> [[String]] {
        guard let column = rows.first?.firstIndex(of: header) else { return rows }
        return rows.map { row in
            var row = row
            row.remove(at: column)
            return row
        }
    }

    /// Pads columns to their widest cell, two spaces apart, without trailing spaces.
    public static func align(_ rows: [[String]]) -> String {
        let widths = columnWidths(rows)
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1
                    ? cell : cell + String(repeating: " ", count: widths[index] - TextColumns.count(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private static func columnWidths(_ rows: [[String]]) -> [Int] {
        var widths = Array(repeating: 0, count: rows.map(\.count).max() ?? 0)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], TextColumns.count(cell)) }
        }
        return widths
    }

    /// The first line of `text` in at most `length` columns, ending in `…` when cut.
    static func clip(_ text: String, to length: Int) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        guard TextColumns.count(line) > length else { return line }
        var kept = ""
        var used = 0
        for character in line {
            let columns = TextColumns.count(character)
            guard used + columns <= length - 1 else { break }
            kept.append(character)
            used += columns
        }
        return kept + "…"
    }

    /// `text` broken between words into lines of at most `width` columns; a word longer than that is clipped.
    static func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ").map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if TextColumns.count(candidate) <= width || line.isEmpty {
                line = candidate
            } else {
                lines.append(line)
                line = word
            }
        }
        lines.append(line)
        return lines.map { clip($0, to: width) }.joined(separator: "\n")
    }
}

/// How many columns text takes on a terminal: two for the wide characters of East Asian scripts and for emoji,
/// one for the others.
enum TextColumns {
    /// The columns of `text`.
    static func count(_ text: String) -> Int {
        text.reduce(0) { $0 + count($1) }
    }

    /// The columns of one character.
    static func count(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first?.value else { return 0 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(scalar) } ? 2 : 1
    }
}
