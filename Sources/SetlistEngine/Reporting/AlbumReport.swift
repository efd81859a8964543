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
        html += song.extensions.isEmpty ? wavMarkup(song) : partsMarkup(song)
        if !song.extensions.isEmpty { html += "<p class=\"takes-label\">The first part</p>\n" }
        let pick = picked(song)
        if let pick {
            html +=
                "<div class=\"takes picked\">\n" + takeMarkup(pick.result, pick.reference, isPick: true)
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

    func takeMarkup(_ result: ResultRecord, _ reference: TakeRef, isPick: Bool) -> String {
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

    // MARK: Pieces

    func completedSongs(_ songs: [Song]) -> Int {
        songs.filter { ledger[job: $0.id]?.state == .completed }.count
    }

    /// A song's title: the manifest's, else its pick's, else its id.
    func displayTitle(_ id: String) -> String {
        guard let song = manifest.songs.first(where: { $0.id == id }) else { return id }
        if let title = song.title { return title }
        if let title = picked(song)?.result.title, !title.isEmpty { return title }
        return id
    }

    /// The take `song`'s pick names, if the ledger has it.
    func picked(_ song: Song) -> FoundTake? {
        try? ledger[job: song.id]?.take(song.pick).get()
    }

    func trackLink(_ id: String) -> String {
        "<a href=\"#track-\(Self.escape(id))\">\(Self.escape(displayTitle(id)))</a>"
    }

    /// The pick's cover, else the cover of the newest take that has one on disk.
    func coverHref(of song: Song) -> String? {
        let newestFirst = ledger[job: song.id]?.everyTake.reversed().map(\.result) ?? []
        let takes = [picked(song)?.result].compactMap { $0 } + newestFirst
        return takes.lazy.compactMap { $0.file(.cover) }.compactMap { self.media[$0.path] }.first
    }

    func coverMarkup(href: String?, seed: String, label: String, alt: String, large: Bool) -> String {
        let size = large ? "cover large" : "cover"
        if let href { return "<img class=\"\(size)\" src=\"\(Self.escape(href))\" alt=\"\(Self.escape(alt))\">" }
        let hue = Self.hue(seed)
        return "<div class=\"\(size) placeholder\" role=\"img\" aria-label=\"\(Self.escape(alt))\" "
            + "style=\"--hue: \(hue)\"><span>\(Self.escape(label))</span></div>"
    }

    func initials(_ text: String) -> String {
        String(text.split(separator: " ").prefix(2).compactMap(\.first)).uppercased()
    }

    func badge(_ state: String) -> String {
        let token = state.replacingOccurrences(of: " ", with: "-")
        return "<span class=\"badge state-\(Self.escape(token))\">\(Self.escape(state))</span>"
    }
}
