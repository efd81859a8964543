import SetlistCore

extension AlbumReport {
    func lineageMarkup() -> String {
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
        let width = 190.0
        let height = 48.0
        let columnGap = 96.0
        let rowGap = 18.0
        let margin = 12.0
        let columns = (lineage.nodes.map(\.column).max() ?? 0) + 1
        var rows = Array(repeating: 0, count: columns)
        for node in lineage.nodes { rows[node.column] = max(rows[node.column], node.row + 1) }
        let tallest = Double(rows.max() ?? 1)
        let totalWidth = margin * 2 + Double(columns) * width + Double(columns - 1) * columnGap
        let totalHeight = margin * 2 + tallest * height + (tallest - 1) * rowGap
        func origin(_ node: PersonaLineage.Node) -> (x: Double, y: Double) {
            let offset = (tallest - Double(rows[node.column])) * (height + rowGap) / 2
            return (
                margin + Double(node.column) * (width + columnGap),
                margin + offset + Double(node.row) * (height + rowGap)
            )
        }
        var svg = """
            <svg class="lineage" role="img" viewBox="0 0 \(number(totalWidth)) \(number(totalHeight))" \
            width="\(number(totalWidth))" height="\(number(totalHeight))" xmlns="http://www.w3.org/2000/svg">
            <title>Which song each persona came from and which songs used it</title>
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" \
            orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>

            """
        for edge in lineage.edges {
            let start = origin(lineage.nodes[edge.from])
            let end = origin(lineage.nodes[edge.to])
            let x1 = start.x + width
            let y1 = start.y + height / 2
            let x2 = end.x - 2
            let y2 = end.y + height / 2
            let bend = (x2 - x1) / 2
            let style = edge.personaModel.map { $0 == .voicePersona ? "edge voice" : "edge style" } ?? "edge source"
            let curve =
                "M\(number(x1)),\(number(y1)) C\(number(x1 + bend)),\(number(y1)) "
                + "\(number(x2 - bend)),\(number(y2)) \(number(x2)),\(number(y2))"
            svg += "<path class=\"\(style)\" marker-end=\"url(#arrow)\" d=\"\(curve)\"/>\n"
        }
        for node in lineage.nodes {
            let at = origin(node)
            let label = escape(clip(node.label, 24))
            let detail = escape(clip(node.detail, 30))
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
}
