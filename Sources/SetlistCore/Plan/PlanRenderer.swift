/// The output formats of `setlist plan`.
public enum PlanFormat: String, Sendable, Hashable, CaseIterable {
    /// An aligned table for people.
    case text
    /// Stable pretty JSON for tools.
    case json
    /// A Graphviz digraph.
    case dot
    /// A Mermaid flowchart, as GitHub renders it.
    case mermaid
}

/// Renders a ``Plan``. Every renderer is a pure function of the plan, and lists jobs in the plan's
/// dependency order. Results have no trailing newline.
public enum PlanRenderer {
    /// Renders `plan` in `format`.
    public static func render(_ plan: Plan, as format: PlanFormat) -> String {
        switch format {
        case .text: text(plan)
        case .json: json(plan)
        case .dot: dot(plan)
        case .mermaid: mermaid(plan)
        }
    }

    /// A table (critical-path marker, wave, track, id, kind, model, action, dependencies, credits, reason)
    /// followed by the totals, the critical path and the makespan bound.
    public static func text(_ plan: Plan) -> String {
        var rows = [["", "wave", "#", "id", "kind", "model", "action", "depends on", "credits", "reason"]]
        for job in plan.jobs {
            rows.append([
                job.onCriticalPath ? "*" : "", String(job.wave), job.track.map { String($0) } ?? "", job.id,
                job.kind.rawValue, job.model, job.action.kind.rawValue,
                job.dependencies.isEmpty ? "-" : job.dependencies.joined(separator: ", "),
                number(job.estimatedCredits), job.action.reason,
            ])
        }
        let rightAligned: Set<Int> = [1, 2, 8]
        var widths = Array(repeating: 0, count: rows[0].count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        var lines = ["Plan for \(plan.album) (\(plan.api.rawValue))", ""]
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            lines.append(trimmingTrailingSpaces(cells.joined(separator: "  ")))
        }
        let totals = plan.totals
        let counts = ActionKind.allCases.compactMap { kind -> String? in
            let count = totals.actions[kind] ?? 0
            let alwaysShown: Set<ActionKind> = [.submit, .poll, .skip]
            return count > 0 || alwaysShown.contains(kind) ? "\(count) \(kind.rawValue)" : nil
        }
        let budget =
            totals.maxCredits.map { limit in
                totals.overBudget ? "OVER the budget of \(number(limit))" : "budget \(number(limit))"
            } ?? "no budget set"
        let bound = plan.makespan
        lines += [
            "",
            "jobs: \(totals.jobs) in \(totals.waves) waves (\(counts.joined(separator: ", ")))",
            "credits: \(number(totals.credits)) to spend (album total \(number(totals.albumCredits))), \(budget)",
            "critical path (*): "
                + (plan.criticalPath.isEmpty ? "none" : plan.criticalPath.joined(separator: " -> "))
                + " (\(duration(plan.criticalPathSeconds)))",
            "makespan lower bound: \(duration(bound.seconds)) (critical path \(duration(bound.criticalPathSeconds)), "
                + "submissions \(duration(bound.submissionSeconds)) at \(plan.submitsPerMinute)/min, "
                + "task time \(duration(bound.concurrencySeconds)) at concurrency \(plan.concurrency))",
        ]
        return lines.joined(separator: "\n")
    }

    /// The plan as pretty JSON with sorted keys: `album`, `api`, `jobs` (dependency order, each with its
    /// wave), `critical_path`, `lower_bound` and `totals`.
    public static func json(_ plan: Plan) -> String {
        let jobs: [JSONValue] = plan.jobs.map { job in
            .object([
                "id": .string(job.id),
                "kind": .string(job.kind.rawValue),
                "track": .optional(job.track),
                "model": .string(job.model),
                "wave": .integer(job.wave),
                "dependencies": .array(job.dependencies.map(JSONValue.string)),
                "fingerprint": .string(job.fingerprint),
                "credits": .number(job.estimatedCredits),
                "expected_seconds": .number(job.expectedSeconds),
                "on_critical_path": .bool(job.onCriticalPath),
                "action": .string(job.action.kind.rawValue),
                "reason": .string(job.action.reason),
            ])
        }
        let totals = plan.totals
        var totalsObject: JSONObject = [
            "jobs": .integer(totals.jobs),
            "waves": .integer(totals.waves),
            "credits": .number(totals.credits),
            "album_credits": .number(totals.albumCredits),
            "max_credits": .optional(totals.maxCredits),
            "over_budget": .bool(totals.overBudget),
        ]
        for kind in ActionKind.allCases { totalsObject[kind.rawValue] = .integer(totals.actions[kind] ?? 0) }
        let bound = plan.makespan
        let document = JSONValue.object([
            "album": .string(plan.album),
            "api": .string(plan.api.rawValue),
            "jobs": .array(jobs),
            "critical_path": .object([
                "jobs": .array(plan.criticalPath.map(JSONValue.string)),
                "seconds": .number(plan.criticalPathSeconds),
            ]),
            "lower_bound": .object([
                "seconds": .number(bound.seconds),
                "critical_path_seconds": .number(bound.criticalPathSeconds),
                "submission_seconds": .number(bound.submissionSeconds),
                "concurrency_seconds": .number(bound.concurrencySeconds),
                "submits_per_minute": .integer(plan.submitsPerMinute),
                "concurrency": .integer(plan.concurrency),
            ]),
            "totals": .object(totalsObject),
        ])
        return document.pretty
    }

    /// A Graphviz digraph, left to right, one rank per wave. Songs and extensions are boxes, personas ellipses,
    /// lyrics notes, joins hexagons, WAV jobs cylinders; skipped jobs are dashed; critical-path nodes and edges are red and bold. Edges run from a dependency to its dependent.
    public static func dot(_ plan: Plan) -> String {
        let critical = criticalEdges(plan)
        var lines = [
            "digraph \(dotString(plan.album)) {",
            "    graph [rankdir=LR, labelloc=t, fontname=\"Helvetica\", label=\(dotString(plan.album))];",
            "    node [fontname=\"Helvetica\", fontsize=11];",
            "    edge [color=\"#777777\"];",
        ]
        for job in plan.jobs {
            var attributes = [
                "shape=\(dotShape(job.kind))",
                "label=\(dotString(label(job).joined(separator: "\n")))",
            ]
            if job.action.kind == .skip { attributes.append("style=dashed, fontcolor=\"#777777\"") }
            if job.onCriticalPath { attributes.append("color=\"#d62728\", penwidth=2") }
            lines.append("    \(dotString(job.id)) [\(attributes.joined(separator: ", "))];")
        }
        var wave: [String] = []
        for (position, job) in plan.jobs.enumerated() {
            wave.append(dotString(job.id))
            if position == plan.jobs.count - 1 || plan.jobs[position + 1].wave != job.wave {
                lines.append("    { rank=same; \(wave.joined(separator: "; ")); }")
                wave = []
            }
        }
        for job in plan.jobs {
            for dependency in job.dependencies {
                let highlight =
                    critical.contains(Edge(from: dependency, to: job.id))
                    ? " [color=\"#d62728\", penwidth=2.5]" : ""
                lines.append("    \(dotString(dependency)) -> \(dotString(job.id))\(highlight);")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// A Mermaid `flowchart LR`. Nodes get generated ids (`j0`, `j1`, ...) so no job id can clash with
    /// Mermaid syntax; labels are quoted with entity codes for special characters. Songs and extensions are
    /// rectangles, personas stadiums, lyrics parallelograms, joins hexagons, WAV jobs cylinders; critical-path nodes and edges are red, skipped jobs dashed.
    public static func mermaid(_ plan: Plan) -> String {
        let critical = criticalEdges(plan)
        var nodeID: [String: String] = [:]
        var lines = ["flowchart LR"]
        for (position, job) in plan.jobs.enumerated() {
            let node = "j\(position)"
            nodeID[job.id] = node
            let text = "\"" + label(job).map(mermaidText).joined(separator: "<br/>") + "\""
            lines.append("    " + node + mermaidShape(job.kind, text))
        }
        var criticalLinks: [String] = []
        var link = 0
        for job in plan.jobs {
            for dependency in job.dependencies {
                guard let from = nodeID[dependency], let to = nodeID[job.id] else { continue }
                lines.append("    \(from) --> \(to)")
                if critical.contains(Edge(from: dependency, to: job.id)) { criticalLinks.append(String(link)) }
                link += 1
            }
        }
        if !criticalLinks.isEmpty {
            lines.append("    linkStyle \(criticalLinks.joined(separator: ",")) stroke:#d62728,stroke-width:3px")
        }
        let classes: [(name: String, style: String, members: [String])] = [
            ("critical", "stroke:#d62728,stroke-width:3px", plan.jobs.filter(\.onCriticalPath).map(\.id)),
            ("skipped", "stroke-dasharray:5 5,color:#777777", plan.jobs.filter { $0.action.kind == .skip }.map(\.id)),
        ]
        for entry in classes where !entry.members.isEmpty {
            lines.append("    classDef \(entry.name) \(entry.style)")
            lines.append("    class \(entry.members.compactMap { nodeID[$0] }.joined(separator: ",")) \(entry.name)")
        }
        return lines.joined(separator: "\n")
    }

    private static func dotShape(_ kind: JobKind) -> String {
        switch kind {
        case .song, .extension: "box"
        case .persona: "ellipse"
        case .lyrics: "note"
        case .join: "hexagon"
        case .wav: "cylinder"
        }
    }

    private static func mermaidShape(_ kind: JobKind, _ text: String) -> String {
        switch kind {
        case .song, .extension: "[\(text)]"
        case .persona: "([\(text)])"
        case .lyrics: "[/\(text)/]"
        case .join: "{{\(text)}}"
        case .wav: "[(\(text))]"
        }
    }

    private struct Edge: Hashable {
        var from: String
        var to: String
    }

    private static func criticalEdges(_ plan: Plan) -> Set<Edge> {
        Set(zip(plan.criticalPath, plan.criticalPath.dropFirst()).map { Edge(from: $0, to: $1) })
    }

    private static func label(_ job: PlannedJob) -> [String] {
        let what = job.track.map { "track \($0)" } ?? job.kind.rawValue
        return [job.id, "\(what), \(job.model)", "wave \(job.wave), \(job.action.kind.rawValue)"]
    }

    /// A DOT double-quoted string: backslashes and quotes escaped, line breaks as `\n`.
    static func dotString(_ value: String) -> String {
        var output = "\""
        for character in value {
            switch character {
            case "\\": output += "\\\\"
            case "\"": output += "\\\""
            case "\n", "\r\n": output += "\\n"
            case "\r": output += "\\n"
            default: output.append(character)
            }
        }
        return output + "\""
    }

    /// Text for inside a quoted Mermaid label: characters Mermaid or HTML would interpret become entity codes.
    static func mermaidText(_ value: String) -> String {
        var output = ""
        for character in value {
            switch character {
            case "\"": output += "#quot;"
            case "#": output += "#35;"
            case "&": output += "#amp;"
            case "<": output += "#lt;"
            case ">": output += "#gt;"
            case "`": output += "#96;"
            case "\n", "\r\n", "\r": output += "<br/>"
            default: output.append(character)
            }
        }
        return output
    }

    private static func number(_ value: Double) -> String { JSONValue.format(value) }

    /// Whole seconds as `1h2m3s`, `4m15s`, `45s` or `0s`.
    private static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let parts = [(total / 3600, "h"), (total % 3600 / 60, "m"), (total % 60, "s")].filter { $0.0 > 0 }
        return parts.isEmpty ? "0s" : parts.map { "\($0.0)\($0.1)" }.joined()
    }

    private static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = Substring(line)
        while line.last == " " { line.removeLast() }
        return String(line)
    }
}
