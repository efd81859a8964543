import Foundation
import SetlistCore

/// The album page `setlist report` writes: one self-contained HTML document with the track list (each track's
/// pick first, then its other takes), covers, audio players, persona lineage (inline SVG), per-job state and
/// errors, and the run history. It loads nothing from the network: the CSS is inline, and media are referenced by
/// the `href`s the caller gives (relative paths to the downloaded files, or `data:` URIs), so the page works from
/// disk, offline, and under a strict CSP.
public struct AlbumReport: Sendable {
    /// The validated manifest.
    public var manifest: ResolvedManifest
    /// Its job graph.
    public var graph: JobGraph
    /// The ledger the page shows.
    public var ledger: Ledger
    /// What the next run would do with each job, in job order.
    public var decisions: [ResumeDecision]
    /// Where each downloaded file can be loaded from, keyed by ``DownloadedFile/path``: a URL relative to the
    /// page, or a `data:` URI. A recorded file without an entry is missing on disk, and the page says so.
    public var media: [String: String]

    /// Creates a report.
    public init(
        manifest: ResolvedManifest, graph: JobGraph, ledger: Ledger, decisions: [ResumeDecision],
        media: [String: String]
    ) {
        self.manifest = manifest
        self.graph = graph
        self.ledger = ledger
        self.decisions = decisions
        self.media = media
    }

    /// The page as HTML.
    public func render() -> String {
        let songs = manifest.songs.sorted { $0.track < $1.track }
        let seconds = songs.compactMap { picked($0)?.result.duration }.reduce(0, +)
        let credits = ledger.runs.reduce(0) { $0 + $1.creditsReserved }
        var facts = ["\(songs.count) track\(songs.count == 1 ? "" : "s")"]
        if seconds > 0 { facts.append(Self.clock(seconds)) }
        facts.append("\(completedSongs(songs)) of \(songs.count) generated")
        facts.append("\(RunEvent.format(credits: credits)) credits reserved")
        let heroCover = songs.lazy.compactMap { self.coverHref(of: $0) }.first
        let hero = coverMarkup(
            href: heroCover, seed: manifest.albumSlug, label: initials(manifest.album), alt: "Album cover", large: true)
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="setlist">
            <title>\(Self.escape(manifest.album))</title>
            <link rel="icon" href="data:,">
            <style>\(Self.styleSheet)</style>
            </head>
            <body>
            <header class="hero">
            \(hero)
            <div class="hero-text">
            <p class="eyebrow">Album</p>
            <h1>\(Self.escape(manifest.album))</h1>
            <p class="facts">\(facts.map(Self.escape).joined(separator: " · "))</p>
            </div>
            </header>
            <main>
            <section id="tracks" aria-labelledby="tracks-title">
            <h2 id="tracks-title">Tracks</h2>
            <ol class="tracks">

            """
        for song in songs { html += trackMarkup(song) }
        html += "</ol>\n</section>\n"
        html += lineageMarkup()
        html += jobsMarkup()
        html += runsMarkup()
        html += """
            </main>
            <footer>Made by setlist from the ledger of \(Self.escape(ledger.manifest ?? manifest.albumSlug)). \
            Audio plays from the downloaded files beside this page; small covers are embedded.</footer>
            </body>
            </html>

            """
        return html
    }

    // MARK: Tracks

    private func trackMarkup(_ song: Song) -> String {
        let record = ledger[job: song.id]
        let state = record?.state.rawValue ?? "not run"
        let title = displayTitle(song.id)
        let cover = coverMarkup(
            href: coverHref(of: song), seed: song.id, label: String(song.track), alt: "Cover of \(title)",
            large: false)
        var html = """
            <li class="track" id="track-\(Self.escape(song.id))" data-job="\(Self.escape(song.id))" \
            data-state="\(Self.escape(state))">
            \(cover)
            <div class="track-body">
            <div class="track-head"><span class="track-number">\(Self.twoDigits(song.track))</span>\
            <h3>\(Self.escape(title))</h3>\(badge(state))</div>

            """
        let description = song.style ?? song.prompt
        if let description { html += "<p class=\"style\">\(Self.escape(description))</p>\n" }
        if let voice = voiceLine(song) { html += "<p class=\"voice\">\(voice)</p>\n" }
        if let error = record?.lastError, record?.state != .completed {
            html += "<p class=\"error\">\(Self.escape(error.message))</p>\n"
        }
        if let blocker = record?.blockedBy {
            html += "<p class=\"error\">Blocked because \(Self.escape(blocker)) failed.</p>\n"
        }
        let takes = record?.everyTake ?? []
        guard !takes.isEmpty else {
            return html + "<p class=\"note\">\(Self.escape(pendingNote(record)))</p>\n</div>\n</li>\n"
        }
        let pick = picked(song)
        if let pick {
            html += "<div class=\"takes picked\">\n" + takeMarkup(pick.result, pick.reference, isPick: true)
                + "</div>\n"
        } else if case .failure(let problem) = TakePicks.change(for: song, in: ledger) {
            html += "<p class=\"error\">\(Self.escape(problem.message))</p>\n"
        }
        let others = takes.filter { $0.reference != pick?.reference }.sorted {
            ($1.reference.generation, $0.reference.take) < ($0.reference.generation, $1.reference.take)
        }
        if !others.isEmpty {
            html += "<p class=\"takes-label\">\(pick == nil ? "Takes" : "Other takes"), newest generation first</p>\n"
            html += "<div class=\"takes\">\n"
            for take in others { html += takeMarkup(take.result, take.reference, isPick: false) }
            html += "</div>\n"
        }
        return html + "</div>\n</li>\n"
    }

    private func takeMarkup(_ result: ResultRecord, _ reference: TakeRef, isPick: Bool) -> String {
        var heading = "Take \(reference.take) of generation \(reference.generation)"
        if let title = result.title, !title.isEmpty { heading += " · " + title }
        let mark = isPick ? "<span class=\"pick-mark\">The pick</span> " : ""
        var html = """
            <div class="take\(isPick ? " pick" : "")" data-take="g\(reference.generation)-t\(reference.take)" \
            data-result="\(Self.escape(result.resultID ?? ""))">
            <div class="take-head"><span class="take-title">\(mark)\(Self.escape(heading))</span>\
            <span class="duration">\(result.duration.map(Self.clock) ?? "")</span></div>

            """
        if let file = result.file(.audio) {
            if let href = media[file.path] {
                html += "<audio controls preload=\"metadata\" src=\"\(Self.escape(href))\"></audio>\n"
            } else {
                html += "<p class=\"note missing\">The audio file \(Self.escape(file.path)) is missing on disk.</p>\n"
            }
        } else {
            html += "<p class=\"note not-downloaded\">The audio has not been downloaded yet.</p>\n"
        }
        let tags = (result.tags ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        if !tags.isEmpty {
            html += "<ul class=\"tags\">" + tags.map { "<li>\(Self.escape($0))</li>" }.joined() + "</ul>\n"
        }
        return html + "</div>\n"
    }

    private func voiceLine(_ song: Song) -> String? {
        let model = (song.personaModel ?? .stylePersona) == .voicePersona ? "voice persona" : "style persona"
        switch song.persona {
        case .job(let id):
            guard let persona = manifest.personas.first(where: { $0.id == id }) else { return nil }
            var line = "Sung with <a href=\"#persona-\(Self.escape(id))\">\(Self.escape(persona.name))</a> (\(model))"
            if case .song(let source, _) = persona.source {
                line += ", the voice of " + trackLink(source)
            }
            return line
        case .literal(let id):
            return "Sung with persona \(Self.escape(id)) (\(model))"
        case nil:
            return nil
        }
    }

    private func pendingNote(_ record: JobRecord?) -> String {
        switch record?.state {
        case nil: "Not generated yet: no run has reached this track."
        case .failed: "Generation failed; the next run retries it."
        case .blocked: "Not generated: a job it depends on failed."
        case .running, .submitting: "Being generated: the next run picks up the task."
        default: "Not generated yet."
        }
    }

    // MARK: Persona lineage

    private func lineageMarkup() -> String {
        let lineage = PersonaLineage(manifest: manifest, ledger: ledger, title: displayTitle)
        var html = "<section id=\"lineage\" aria-labelledby=\"lineage-title\">\n"
        html += "<h2 id=\"lineage-title\">Persona lineage</h2>\n"
        guard !lineage.isEmpty else { return html + "<p class=\"note\">This album uses no personas.</p>\n</section>\n" }
        html += Self.svg(lineage) + "\n<ul class=\"personas\">\n"
        for persona in manifest.personas {
            let record = ledger[job: persona.id]
            let users = manifest.songs.filter { $0.persona == .job(persona.id) }.map { trackLink($0.id) }
            let personaID = record?.personaID.map {
                "<br><span class=\"muted\">persona id <code>\(Self.escape($0))</code></span>"
            }
            let source: String
            switch persona.source {
            case .song(let id, _):
                source = "from \(lineage.sourceTakes[persona.id] ?? "the song's pick") of " + trackLink(id)
            case .external(let taskID, let resultID):
                source = "from result \(Self.escape(resultID)) of task \(Self.escape(taskID))"
            }
            html += """
                <li id="persona-\(Self.escape(persona.id))"><strong>\(Self.escape(persona.name))</strong> \
                \(badge(record?.state.rawValue ?? "not run")) <span class="muted">\(source)</span>\
                <br>\(Self.escape(persona.description))\
                \(personaID ?? "")\
                <br><span class="muted">used by</span> \(users.isEmpty ? "no song" : users.joined(separator: ", "))</li>

                """
        }
        return html + "</ul>\n</section>\n"
    }

    /// Draws `lineage` as inline SVG, styled by the page's CSS, with song and persona boxes linking to their entries.
    public static func svg(_ lineage: PersonaLineage) -> String {
        let width = 190.0, height = 48.0, columnGap = 96.0, rowGap = 18.0, margin = 12.0
        let columns = (lineage.nodes.map(\.column).max() ?? 0) + 1
        var rows = Array(repeating: 0, count: columns)
        for node in lineage.nodes { rows[node.column] = max(rows[node.column], node.row + 1) }
        let tallest = Double(rows.max() ?? 1)
        let totalWidth = margin * 2 + Double(columns) * width + Double(columns - 1) * columnGap
        let totalHeight = margin * 2 + tallest * height + (tallest - 1) * rowGap
        func origin(_ node: PersonaLineage.Node) -> (x: Double, y: Double) {
            let offset = (tallest - Double(rows[node.column])) * (height + rowGap) / 2
            return (margin + Double(node.column) * (width + columnGap),
                    margin + offset + Double(node.row) * (height + rowGap))
        }
        var svg = """
            <svg class="lineage" role="img" viewBox="0 0 \(number(totalWidth)) \(number(totalHeight))" \
            width="\(number(totalWidth))" height="\(number(totalHeight))" xmlns="http://www.w3.org/2000/svg">
            <title>Which song each persona came from and which songs used it</title>
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" \
            orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>

            """
        for edge in lineage.edges {
            let start = origin(lineage.nodes[edge.from]), end = origin(lineage.nodes[edge.to])
            let x1 = start.x + width, y1 = start.y + height / 2, x2 = end.x - 2, y2 = end.y + height / 2
            let bend = (x2 - x1) / 2
            let style = edge.personaModel.map { $0 == .voicePersona ? "edge voice" : "edge style" } ?? "edge source"
            let curve = "M\(number(x1)),\(number(y1)) C\(number(x1 + bend)),\(number(y1)) "
                + "\(number(x2 - bend)),\(number(y2)) \(number(x2)),\(number(y2))"
            svg += "<path class=\"\(style)\" marker-end=\"url(#arrow)\" d=\"\(curve)\"/>\n"
        }
        for node in lineage.nodes {
            let at = origin(node)
            let label = escape(clip(node.label, 24)), detail = escape(clip(node.detail, 30))
            let link = node.kind == .external ? nil : node.kind == .song ? "#track-\(node.key)" : "#persona-\(node.key)"
            var box = """
                <g class="node \(node.kind.rawValue)"><rect x="\(number(at.x))" y="\(number(at.y))" \
                width="\(number(width))" height="\(number(height))" rx="10"/>\
                <text x="\(number(at.x + 12))" y="\(number(at.y + 20))" class="label">\(label)</text>\
                <text x="\(number(at.x + 12))" y="\(number(at.y + 37))" class="detail">\(detail)</text></g>
                """
            if let link { box = "<a href=\"\(escape(link))\">\(box)</a>" }
            svg += box + "\n"
        }
        return svg + "</svg>\n<p class=\"legend\"><span class=\"key source\"></span>derived from "
            + "<span class=\"key voice\"></span>voice persona <span class=\"key style\"></span>style persona</p>"
    }

    // MARK: Jobs and runs

    private func jobsMarkup() -> String {
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
            let error = record?.state == .completed
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

    private func runsMarkup() -> String {
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

    // MARK: Pieces

    private func completedSongs(_ songs: [Song]) -> Int {
        songs.filter { ledger[job: $0.id]?.state == .completed }.count
    }

    /// A song's title: the manifest's, else its pick's, else its id.
    private func displayTitle(_ id: String) -> String {
        guard let song = manifest.songs.first(where: { $0.id == id }) else { return id }
        if let title = song.title { return title }
        if let title = picked(song)?.result.title, !title.isEmpty { return title }
        return id
    }

    /// The take `song`'s pick names, if the ledger has it.
    private func picked(_ song: Song) -> FoundTake? {
        try? ledger[job: song.id]?.take(song.pick).get()
    }

    private func trackLink(_ id: String) -> String {
        "<a href=\"#track-\(Self.escape(id))\">\(Self.escape(displayTitle(id)))</a>"
    }

    /// The pick's cover, else the cover of the newest take that has one on disk.
    private func coverHref(of song: Song) -> String? {
        let newestFirst = ledger[job: song.id]?.everyTake.reversed().map(\.result) ?? []
        let takes = [picked(song)?.result].compactMap { $0 } + newestFirst
        return takes.lazy.compactMap { $0.file(.cover) }.compactMap { self.media[$0.path] }.first
    }

    private func coverMarkup(href: String?, seed: String, label: String, alt: String, large: Bool) -> String {
        let size = large ? "cover large" : "cover"
        if let href { return "<img class=\"\(size)\" src=\"\(Self.escape(href))\" alt=\"\(Self.escape(alt))\">" }
        let hue = Self.hue(seed)
        return "<div class=\"\(size) placeholder\" role=\"img\" aria-label=\"\(Self.escape(alt))\" "
            + "style=\"--hue: \(hue)\"><span>\(Self.escape(label))</span></div>"
    }

    private func initials(_ text: String) -> String {
        String(text.split(separator: " ").prefix(2).compactMap(\.first)).uppercased()
    }

    private func badge(_ state: String) -> String {
        let token = state.replacingOccurrences(of: " ", with: "-")
        return "<span class=\"badge state-\(Self.escape(token))\">\(Self.escape(state))</span>"
    }

    /// Escapes text for HTML content and attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The URL of `file` relative to the directory `base`, both absolute, normalised paths; each segment is
    /// percent-encoded so that spaces, `#` and `?` in file names survive.
    public static func relativeURL(from base: String, to file: String) -> String {
        let from = base.split(separator: "/").map(String.init)
        let to = file.split(separator: "/").map(String.init)
        var common = 0
        while common < min(from.count, to.count - 1), from[common] == to[common] { common += 1 }
        let segments = Array(repeating: "..", count: from.count - common) + to[common...].map(percentEncode)
        return segments.joined(separator: "/")
    }

    private static func percentEncode(_ segment: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@".utf8)
        var encoded = ""
        for byte in segment.utf8 {
            if unreserved.contains(byte) {
                encoded.append(Character(UnicodeScalar(byte)))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    private static func hue(_ seed: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in seed.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % 360)
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let time = "\(total / 60 % 60):" + String(total % 60).leftPadded(to: 2)
        return total >= 3600 ? "\(total / 3600):" + time.leftPadded(to: 5) : time
    }

    private static func twoDigits(_ value: Int) -> String {
        String(value).leftPadded(to: 2)
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String((value * 10).rounded() / 10)
    }

    private static func clip(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
