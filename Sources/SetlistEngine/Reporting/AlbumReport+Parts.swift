import SetlistCore

extension AlbumReport {
    /// An extended song's joined take (the one on the album) and each extension's takes, the pick first, and the
    /// WAV master when one was saved; empty for a song without extensions.
    func partsMarkup(_ song: Song) -> String {
        guard !song.extensions.isEmpty else { return "" }
        var html = ""
        if let joined = try? ledger[job: JoinJob.id(song: song.id)]?.take(.defaultPick).get() {
            html += "<p class=\"takes-label\">The joined song, on the album</p>\n<div class=\"takes picked\">\n"
            html += takeMarkup(joined.result, joined.reference, isPick: true) + "</div>\n"
        } else {
            html += "<p class=\"note\">The parts are not joined yet; the album holds the song once they are.</p>\n"
        }
        html += wavMarkup(song)
        for number in 1...song.extensions.count {
            let part = ExtensionJob(song: song, number: number)
            let takes = ledger[job: part.id]?.everyTake ?? []
            let at = part.part.at == part.part.at.rounded() ? String(Int(part.part.at)) : String(part.part.at)
            html += "<p class=\"takes-label\">Extension \(number), from \(at) s</p>\n"
            guard !takes.isEmpty else {
                html += "<p class=\"note\">Not generated yet.</p>\n"
                continue
            }
            let pick = try? ledger[job: part.id]?.take(part.part.pick).get()
            let ordered = takes.sorted { first, _ in first.reference == pick?.reference }
            html += "<div class=\"takes\">\n"
            for take in ordered {
                html += takeMarkup(take.result, take.reference, isPick: take.reference == pick?.reference)
            }
            html += "</div>\n"
        }
        return html
    }

    /// A link to the WAV master of the song's album take, when one was saved and is on disk.
    func wavMarkup(_ song: Song) -> String {
        guard song.wantsWAV, let record = ledger[job: WAVJob.id(song: song.id)],
            let file = record.everyTake.reversed().lazy.compactMap({ $0.result.file(.wav) }).first,
            let href = media[file.path]
        else { return "" }
        return "<p class=\"wav\"><a href=\"\(Self.escape(href))\" download>WAV master</a></p>\n"
    }
}
