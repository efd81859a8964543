/// Why a `lyrics_file` cannot be used, thrown by the reader the caller of ``ManifestLoader`` hands in. The
/// description completes the sentence "song 'x': lyrics_file <path> ...", and says what to do.
public protocol LyricsFileProblem: Error, CustomStringConvertible {}

extension ManifestResolver {
    /// Reads a `lyrics_file` after checking the path as written: it must stay inside the manifest's folder.
    /// The reader checks what the path resolves to on disk.
    mutating func readLyricsFile(_ file: Located<String>, owner: String) -> Located<String>? {
        guard !Self.isBlank(file.value) else {
            error(at: file.location, "\(owner): lyrics_file is empty; give a path relative to the manifest.")
            return nil
        }
        if let problem = Self.pathProblem(file.value) {
            error(
                at: file.location,
                "\(owner): lyrics_file \(file.value) \(problem); lyrics files must be inside "
                    + "the manifest's folder, so move the file there and write its path relative to the manifest, such "
                    + "as lyrics/song.txt.")
            return nil
        }
        let result = lyricsCache[file.value] ?? Result { try readLyrics(file.value) }
        lyricsCache[file.value] = result
        switch result {
        case .success(let text) where Self.isBlank(text):
            error(at: file.location, "\(owner): lyrics_file \(file.value) is empty; write the lyrics into it.")
            return nil
        case .success(let text):
            return Located(value: text, location: file.location)
        case .failure(let problem as any LyricsFileProblem):
            error(at: file.location, "\(owner): lyrics_file \(file.value) \(problem)")
            return nil
        case .failure(let failure):
            error(
                at: file.location,
                "\(owner): cannot read lyrics_file \(file.value) (\(Self.reason(failure))); "
                    + "the path is relative to the manifest's directory.")
            return nil
        }
    }

    /// Why a path as written leaves the manifest's folder: absolute, or more `..` than folders above it.
    static func pathProblem(_ path: String) -> String? {
        if path.hasPrefix("/") { return "is an absolute path" }
        var depth = 0
        for component in path.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": depth -= 1
            default: depth += 1
            }
            if depth < 0 { return "leads out of the manifest's folder with '..'" }
        }
        return nil
    }
}
