import Foundation
import SetlistCore

extension AlbumReport {
    func jobsMarkup() -> String {
        var html = """
            <section id="jobs" aria-labelledby="jobs-title">
            <h2 id="jobs-title">Jobs</h2>
            <div class="table-wrap"><table>
            <thead><tr><th>Job</th><th>Kind</th><th>State</th><th>Tries</th><th>Task</th><th>Credits</th>\
            <th>Next run</th><th>Last error</th></tr></thead>
            <tbody>

            """
        for (spec, decision) in zip(graph.jobs, decisions) {
            let record = ledger[job: spec.id]
            let credits = record?.attempts.reduce(0) { $0 + ($1.creditsReserved ?? 0) } ?? 0
            let error =
                record?.state == .completed
                ? nil : record?.lastError?.message ?? record?.blockedBy.map { "blocked by \($0)" }
            html += """
                <tr data-job="\(Self.escape(spec.id))"><td>\(Self.escape(spec.id))</td><td>\(spec.kind.rawValue)</td>\
                <td>\(badge(record?.state.rawValue ?? "not run"))</td><td>\(record?.attempts.count ?? 0)</td>\
                <td><code>\(Self.escape(record?.attempts.last?.taskID ?? "-"))</code></td>\
                <td>\(RunEvent.format(credits: credits))</td>\
                <td title="\(Self.escape(decision.action.reason))">\(decision.action.kind.rawValue)</td>\
                <td class="\(error == nil ? "" : "error-cell")">\(Self.escape(error ?? "-"))</td></tr>

                """
        }
        return html + "</tbody></table></div>\n</section>\n"
    }

    func runsMarkup() -> String {
        var html = """
            <section id="runs" aria-labelledby="runs-title">
            <h2 id="runs-title">Run history</h2>

            """
        guard !ledger.runs.isEmpty else { return html + "<p class=\"note\">No run is recorded yet.</p>\n</section>\n" }
        html += """
            <div class="table-wrap"><table>
            <thead><tr><th>Started (UTC)</th><th>Took</th><th>Outcome</th><th>Submitted</th><th>Completed</th>\
            <th>Failed</th><th>Blocked</th><th>Requests</th><th>Credits</th></tr></thead>
            <tbody>

            """
        for run in ledger.runs.reversed() {
            let took = run.endedAtMs.map { RunEvent.format(duration: .milliseconds(max(0, $0 - run.startedAtMs))) }
            let outcome = run.outcome?.rawValue.replacingOccurrences(of: "_", with: " ") ?? "did not finish"
            html += """
                <tr><td>\(StatusReport.timestamp(run.startedAtMs))</td><td>\(took ?? "-")</td>\
                <td>\(badge(outcome))</td><td>\(run.counts.submitted)</td><td>\(run.counts.completed)</td>\
                <td>\(run.counts.failed)</td><td>\(run.counts.blocked)</td><td>\(run.counts.requests)</td>\
                <td>\(RunEvent.format(credits: run.creditsReserved))</td></tr>

                """
        }
        return html + "</tbody></table></div>\n</section>\n"
    }
}
