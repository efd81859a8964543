import Foundation
import SetlistCore

/// Reading manifests from disk for the commands: the file, and its lyrics files inside its folder.
enum ManifestFiles {
    /// The largest lyrics file read: far above the longest lyrics any model accepts (5000 characters), small
    /// enough that a wrong file is refused rather than sent.
    static let maxLyricsBytes = 64 << 10

    /// Loads the manifest at `path` (as given on the command line). A file that cannot be read gives one
    /// diagnostic without a position.
    static func load(path: String) -> ManifestLoadResult {
        let url = URL(fileURLWithPath: path)
        let bytes: [UInt8]
        do {
            bytes = try readRegularFile(path, limit: ManifestLoader.maxManifestBytes)
        } catch {
            if case .tooLarge(let size) = error, let tooLarge = ManifestLoader.sizeProblem(bytes: size) {
                return ManifestLoadResult(manifest: nil, diagnostics: [tooLarge])
            }
            let sentence =
                switch error {
                case .missing: "no manifest file at this path; check the path and the working directory."
                case .notRegular("a folder"):
                    "this is a directory; name a manifest file in it, such as "
                        + "\(path)/album.yaml."
                case .notRegular(let kind): "this is \(kind), not a manifest file; name a YAML file."
                case .tooLarge: "the manifest is too large; check that the right file was given."
                case .unreadable(let reason): "cannot read the manifest: \(reason); check the path and its permissions."
                }
            return ManifestLoadResult(manifest: nil, diagnostics: [.error(at: nil, sentence)])
        }
        let folder = realPath(url.deletingLastPathComponent().path) ?? url.deletingLastPathComponent().path
        return ManifestLoader.load(bytes: bytes, manifestFileName: url.lastPathComponent) { lyricsPath in
            try readLyrics(lyricsPath, folder: folder)
        }
    }

    /// The lyrics file at `written` (relative to `folder`, the manifest's folder with symlinks resolved): a
    /// regular UTF-8 text file of at most ``maxLyricsBytes`` whose real path, symlinks resolved, is inside
    /// `folder`. A manifest is shared and checked into repositories, so it must not be able to send any
    /// other file on the machine as a prompt.
    static func readLyrics(_ written: String, folder: String) throws(LyricsFileError) -> String {
        guard let resolved = realPath(folder + "/" + written) else { throw .missing }
        guard resolved.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
            throw .outside(resolved: resolved, folder: folder)
        }
        let bytes: [UInt8]
        do {
            bytes = try readRegularFile(resolved, limit: maxLyricsBytes)
        } catch {
            throw .file(error)
        }
        guard !bytes.contains(0) else { throw .binary }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return text
    }

    /// The absolute path with every symlink resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The bytes of the regular file at `path`, at most `limit` of them. Pipes, devices, sockets and folders
    /// are refused without reading, so a manifest never blocks on a FIFO or reads a device forever.
    static func readRegularFile(_ path: String, limit: Int) throws(FileReadProblem) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw code == ENOENT || code == ENOTDIR ? .missing : .unreadable(String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .notRegular("a folder")
        case S_IFIFO: throw .notRegular("a pipe (FIFO)")
        case S_IFSOCK: throw .notRegular("a socket")
        default: throw .notRegular("a device")
        }
        guard info.st_size <= limit else { throw .tooLarge(bytes: Int(info.st_size)) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            guard count > 0 else {
                if errno == EINTR { continue }
                throw .unreadable(String(cString: strerror(errno)))
            }
            bytes.append(contentsOf: chunk[..<count])
        }
        guard bytes.count <= limit else { throw .tooLarge(bytes: bytes.count) }
        return bytes
    }

    /// Prints diagnostics to standard error in compiler format, `path:line:col: severity: message`.
    static func printDiagnostics(_ diagnostics: [Diagnostic], path: String) {
        guard !diagnostics.isEmpty else { return }
        let text = diagnostics.map { $0.formatted(path: path) + "\n" }.joined()
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Why a file named on the command line or in a manifest could not be read.
enum FileReadProblem: Error {
    case missing
    /// Not a regular file: the words name what it is, such as "a folder".
    case notRegular(String)
    /// Larger than the limit: at least this many bytes.
    case tooLarge(bytes: Int)
    /// The system's reason.
    case unreadable(String)
}

/// Why a lyrics file cannot be used; the description completes "song 'x': lyrics_file <path> ...".
enum LyricsFileError: LyricsFileProblem {
    case missing
    case outside(resolved: String, folder: String)
    case file(FileReadProblem)
    case binary
    case notUTF8

    var description: String {
        switch self {
        case .missing, .file(.missing):
            "does not exist; the path is relative to the manifest's folder."
        case .outside(let resolved, let folder):
            "resolves to \(resolved), outside the manifest's folder \(folder); lyrics files must be inside it "
                + "(a symlink is followed only when it points inside), so move the file into the manifest's folder."
        case .file(.notRegular(let kind)):
            "is \(kind), not a regular file; name a UTF-8 text file."
        case .file(.tooLarge):
            "is larger than \(ManifestFiles.maxLyricsBytes >> 10) KiB, far more than any model accepts as lyrics; "
                + "check that it is the right file."
        case .file(.unreadable(let reason)):
            "cannot be read: \(reason); check its permissions."
        case .binary:
            "contains a NUL byte, so it is binary data, not lyrics; name a UTF-8 text file."
        case .notUTF8:
            "is not UTF-8 text; save it as UTF-8."
        }
    }
}
