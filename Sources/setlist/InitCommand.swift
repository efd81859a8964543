import ArgumentParser
import Foundation
import SetlistEngine

/// `setlist init DIR`: scaffolds a new album the way a user would start one: a manifest from the starter with the
/// schema line, a `lyrics/` folder with an example, the schema, and a `.gitignore`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a new album: a folder with a starter manifest, lyrics/, the manifest schema and a .gitignore.",
        discussion: """
            Creates the folder (and the folders above it), or fills it when it exists and is empty; a folder that \
            holds anything is left as it is (exit 2). Writes \(AlbumScaffold.files.map(\.path).joined(separator: ", ")) \
            and prints the next commands; exit 1 when a file cannot be written. Sends nothing and pays nothing.
            """
    )

    @Argument(help: "The folder to create for the album; it may exist if it is empty.")
    var directory: String

    func run() throws {
        if let refusal = Self.refusal(directory) {
            FileHandle.standardError.write(Data("error: \(refusal)\n".utf8))
            throw ExitStatus.usage
        }
        do {
            try Self.write(into: directory)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitStatus.jobsFailed
        }
        print(Self.summary(directory))
    }

    /// Why `directory` cannot take a new album, or nil when it does not exist or is an empty folder.
    static func refusal(_ directory: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else {
            return "'\(directory)' is a file, not a folder, so setlist init changed nothing; name a new folder or "
                + "an empty one for the album."
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard let first = entries.sorted().first else { return nil }
        return "The folder '\(directory)' is not empty (it holds '\(first)'), so setlist init changed nothing; "
            + "name a new folder or an empty one for the album."
    }

    /// Creates `directory` and its subfolders and writes every scaffold file, never replacing a file.
    static func write(into directory: String) throws(InitFailure) {
        let subfolders = Set(AlbumScaffold.files.map { ($0.path as NSString).deletingLastPathComponent })
        let folders = [directory] + subfolders.filter { !$0.isEmpty }.sorted().map { directory + "/" + $0 }
        for path in folders {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw InitFailure(path: path, reason: (error as NSError).localizedDescription)
            }
        }
        for file in AlbumScaffold.files {
            let path = directory + "/" + file.path
            let temporary = AtomicFile.temporaryPath(beside: path)
            let linked: Bool
            do throws(FileWriteFailure) {
                try AtomicFile.writeTemporary(Array(file.text.utf8), to: temporary)
                linked = try AtomicFile.linkWithoutReplacing(temporary, at: path)
            } catch {
                _ = unlink(temporary)
                throw InitFailure(path: error.path, reason: String(cString: strerror(error.code)))
            }
            _ = unlink(temporary)
            guard linked else { throw InitFailure(path: path, reason: "another program created it meanwhile") }
        }
    }

    /// What `init` created and the commands to run next, with paths as the user wrote `directory`.
    static func summary(_ directory: String) -> String {
        let base = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        let shown = { (path: String) in base == "." ? path : base + "/" + path }
        let width = AlbumScaffold.files.map { shown($0.path).count }.max() ?? 0
        var lines = ["Created the album folder '\(directory)':"]
        for file in AlbumScaffold.files {
            let path = shown(file.path)
            lines.append("  " + path + String(repeating: " ", count: width - path.count) + "  " + file.purpose)
        }
        let manifest = shellQuoted(shown(AlbumScaffold.manifestName))
        lines += [
            "Next, check the manifest and try the album for free on the built-in simulator:",
            "  setlist validate \(manifest)",
            "  setlist run \(manifest) --simulate",
            "Keep the folder in git (git init \(shellQuoted(base))); its .gitignore leaves out simulated runs,",
            "locks, and the paid media in out/, which you should back up instead.",
        ]
        return lines.joined(separator: "\n")
    }

    /// `text` as one shell word: as it is when it holds only safe characters, else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+:@")
        guard !text.isEmpty, text.unicodeScalars.allSatisfy(safe.contains) else {
            return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return text
    }
}

/// A file or folder of the scaffold that could not be created.
struct InitFailure: Error, CustomStringConvertible {
    /// The file or folder.
    var path: String
    /// The system's reason.
    var reason: String

    /// What failed, why, and what to do.
    var description: String {
        "setlist init could not create '\(path)': \(reason). Check that the folder is writable, remove what was "
            + "created there, and run setlist init again."
    }
}
