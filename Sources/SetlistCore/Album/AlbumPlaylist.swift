/// The album's extended M3U playlist (`<album-slug>.m3u8`): UTF-8, `#EXTM3U` first, then per track in order an
/// `#EXTINF:<whole seconds>,<artist> - <title>` line and the track's path relative to the playlist.
public enum AlbumPlaylist {
    /// One track of the playlist.
    public struct Entry: Sendable, Hashable {
        /// The track's length; nil writes `-1`, which players read as unknown.
        public var duration: Double?
        /// The track's artist, if any.
        public var artist: String?
        /// The track's title.
        public var title: String
        /// The file's path relative to the playlist.
        public var path: String

        /// Creates an entry.
        public init(duration: Double?, artist: String?, title: String, path: String) {
            self.duration = duration
            self.artist = artist
            self.title = title
            self.path = path
        }
    }

    /// The playlist text for `entries` in order, every line ending with a line feed.
    public static func render(_ entries: [Entry]) -> String {
        var text = "#EXTM3U\n"
        for entry in entries {
            let seconds = entry.duration.map { Int($0.rounded()) } ?? -1
            let display = [entry.artist, entry.title].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " - ")
            text += "#EXTINF:\(seconds),\(oneLine(display))\n\(oneLine(entry.path))\n"
        }
        return text
    }

    /// `text` with line breaks turned into spaces, so one entry stays on its line.
    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
