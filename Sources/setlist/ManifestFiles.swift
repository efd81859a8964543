import Foundation
import SetlistCore

/// Reading manifests from disk for the commands: the file, and its lyrics files relative to its directory.
enum ManifestFiles {
    /// Loads the manifest at `path` (as given on the command line). A file that cannot be read gives one
    /// diagnostic without a position.
    static func load(path: String) -> ManifestLoadResult {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            let problem = isDirectory.boolValue ? "this is a directory; name a manifest file in it, such as "
                + "\(path)/album.yaml" : "no manifest file at this path; check the path and the working directory"
            return ManifestLoadResult(manifest: nil, diagnostics: [.error(at: nil, problem + ".")])
        }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            return ManifestLoadResult(manifest: nil, diagnostics: [
                .error(at: nil, "cannot read the manifest: \(reason); check the path."),
            ])
        }
        let directory = url.deletingLastPathComponent()
        return ManifestLoader.load(bytes: [UInt8](bytes), manifestFileName: url.lastPathComponent) { lyricsPath in
            try readLyrics(lyricsPath.hasPrefix("/")
                ? URL(fileURLWithPath: lyricsPath) : directory.appendingPathComponent(lyricsPath))
        }
    }

    private static func readLyrics(_ url: URL) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
        else { throw LyricsFileError.missing }
        guard let data = try? Data(contentsOf: url) else { throw LyricsFileError.unreadable }
        guard let text = String(data: data, encoding: .utf8) else { throw LyricsFileError.notUTF8 }
        return text
    }

    /// Prints diagnostics to standard error in compiler format, `path:line:col: severity: message`.
    static func printDiagnostics(_ diagnostics: [Diagnostic], path: String) {
        guard !diagnostics.isEmpty else { return }
        let text = diagnostics.map { $0.formatted(path: path) + "\n" }.joined()
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Why a lyrics file could not be used; the description completes "cannot read lyrics_file x (...)".
enum LyricsFileError: Error, CustomStringConvertible {
    case missing
    case unreadable
    case notUTF8

    var description: String {
        switch self {
        case .missing: "no such file"
        case .unreadable: "permission denied or not a regular file"
        case .notUTF8: "not UTF-8 text"
        }
    }
}
