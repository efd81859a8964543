#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file a user asked setlist to write, such as `run --metrics-file` or `report -o`. It is written by
/// ``AtomicFile`` under a temporary name of its own beside it, and it is never allowed to replace what setlist
/// must keep: a ledger, a ledger journal or a run lock (by name, `*.ledger.json`, `*.journal`, `*.lock`, or by
/// being one of the ``Protected`` files the caller names, such as the manifests on the command line and their
/// ledgers), nor anything but a regular file. A symbolic link is refused rather than written through, because
/// the file it points to (a ledger, a device) is exactly what the check is for; a link in a parent directory is
/// fine. The checks run when the command starts, before anything is paid, and again just before the write.
public struct OutputFile: Sendable {
    /// A file the output must never replace, or a folder it must never write into, and what it is for the user.
    public struct Protected: Sendable, Hashable {
        /// The file's or folder's path, absolute or relative to the working directory.
        public var path: String
        /// What the file is, completing "names ...", e.g. `the ledger of album.yaml`.
        public var role: String
        /// Whether `path` is a folder whose every file is protected (the paid takes of an album).
        public var isFolder: Bool

        /// Creates a protected file, or a protected folder when `isFolder`.
        public init(path: String, role: String, isFolder: Bool = false) {
            self.path = path
            self.role = role
            self.isFolder = isFolder
        }
    }

    /// The path as the user gave it.
    public let path: String
    private let purpose: String
    private let option: String
    private let protected: [Protected]
    private let createsDirectories: Bool

    /// Checks that `path` may be written and remembers how.
    /// - Parameters:
    ///   - purpose: What the file is, e.g. `the metrics file`.
    ///   - option: The command-line option that named it, e.g. `--metrics-file`.
    ///   - protected: Files `path` must not be, under any spelling or hard link.
    ///   - createsDirectories: Whether missing parent directories are created at write time; when false the
    ///     parent directory must exist already.
    public init(
        path: String, purpose: String, option: String, protecting protected: [Protected], createsDirectories: Bool
    ) throws(OutputFileError) {
        self.path = path
        self.purpose = purpose
        self.option = option
        self.protected = protected
        self.createsDirectories = createsDirectories
        _ = try check()
    }

    /// Checks the target again, creates missing directories when allowed, and replaces the file's content with
    /// `bytes` atomically. An existing file keeps its permissions.
    public func write(_ bytes: [UInt8]) throws(OutputFileError) {
        let existingMode = try check()
        let directory = AtomicFile.directory(of: path)
        if createsDirectories { try makeDirectories(directory) }
        do {
            try AtomicFile.replace(
                path, with: bytes, temporary: AtomicFile.temporaryPath(beside: path), permissions: existingMode)
        } catch {
            throw .io(
                path: path, purpose: purpose, operation: error.operation, failedPath: error.path, code: error.code)
        }
    }

    /// Refuses a target that must not be replaced; returns the permission bits of an existing regular file.
    private func check() throws(OutputFileError) -> mode_t? {
        guard !path.isEmpty else { throw .emptyPath(option: option, purpose: purpose) }
        var status = stat()
        var existingMode: mode_t?
        if lstat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: existingMode = status.st_mode & 0o7777
            case S_IFLNK: throw .notRegular(path: path, option: option, purpose: purpose, kind: .symbolicLink)
            case S_IFDIR: throw .notRegular(path: path, option: option, purpose: purpose, kind: .directory)
            case S_IFIFO: throw .notRegular(path: path, option: option, purpose: purpose, kind: .fifo)
            case S_IFSOCK: throw .notRegular(path: path, option: option, purpose: purpose, kind: .socket)
            default: throw .notRegular(path: path, option: option, purpose: purpose, kind: .device)
            }
        } else if errno != ENOENT {
            throw .io(path: path, purpose: purpose, operation: "inspect", failedPath: path, code: errno)
        } else if !createsDirectories {
            let directory = AtomicFile.directory(of: path)
            var parent = stat()
            guard stat(directory, &parent) == 0, parent.st_mode & S_IFMT == S_IFDIR else {
                throw .missingDirectory(path: path, option: option, purpose: purpose, directory: directory)
            }
        }
        if let role = Self.roleByName(path) {
            throw .protected(path: path, option: option, purpose: purpose, role: role)
        }
        let target = Self.canonical(path)
        for folder in protected where folder.isFolder {
            let resolved =
                realpath(folder.path, nil).map { pointer in
                    defer { free(pointer) }
                    return String(cString: pointer)
                } ?? folder.path
            if target.hasPrefix(resolved.hasSuffix("/") ? resolved : resolved + "/") {
                throw .protected(path: path, option: option, purpose: purpose, role: folder.role)
            }
        }
        for file in protected where !file.isFolder {
            var other = stat()
            let sameInode =
                existingMode != nil && stat(file.path, &other) == 0
                && other.st_dev == status.st_dev && other.st_ino == status.st_ino
            if sameInode || Self.canonical(file.path) == target {
                throw .protected(path: path, option: option, purpose: purpose, role: file.role)
            }
        }
        return existingMode
    }

    /// What a file is by its name alone, when that name is one the ledger store or the run lock uses.
    private static func roleByName(_ path: String) -> String? {
        if path.hasSuffix(".ledger.json") { return "a ledger" }
        if path.hasSuffix(".journal") { return "a ledger journal" }
        if path.hasSuffix(".lock") { return "a run lock" }
        return nil
    }

    /// `path` with its directory resolved (symbolic links, `.` and `..`) and its last component kept, so that two
    /// spellings of one directory entry compare equal without following a link in the last component.
    private static func canonical(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let resolved = realpath(AtomicFile.directory(of: path), nil) else { return path }
        defer { free(resolved) }
        let directory = String(cString: resolved)
        return (directory == "/" ? "" : directory) + "/" + name
    }

    private func makeDirectories(_ directory: String) throws(OutputFileError) {
        var status = stat()
        if stat(directory, &status) == 0 { return }
        try makeDirectories(AtomicFile.directory(of: directory))
        if mkdir(directory, 0o755) != 0, errno != EEXIST {
            throw .io(
                path: path, purpose: purpose, operation: "create the directory", failedPath: directory, code: errno)
        }
    }
}

/// Why a requested output file was refused or could not be written. ``description`` is the sentence to print; a
/// refusal when the command starts is a usage error (exit 2).
public enum OutputFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What a path that is not a regular file is.
    public enum Kind: String, Sendable, Hashable {
        /// A symbolic link.
        case symbolicLink = "a symbolic link"
        /// A directory.
        case directory = "a directory"
        /// A named pipe.
        case fifo = "a named pipe (FIFO)"
        /// A Unix-domain socket.
        case socket = "a socket"
        /// A character or block device.
        case device = "a device"
    }

    /// The option was given an empty path.
    case emptyPath(option: String, purpose: String)
    /// The path names a ledger, journal, lock or manifest.
    case protected(path: String, option: String, purpose: String, role: String)
    /// The path exists and is not a regular file.
    case notRegular(path: String, option: String, purpose: String, kind: Kind)
    /// The parent directory does not exist and is not created.
    case missingDirectory(path: String, option: String, purpose: String, directory: String)
    /// A system call failed.
    case io(path: String, purpose: String, operation: String, failedPath: String, code: Int32)

    /// A full sentence saying what happened, where, and what to do.
    public var description: String {
        switch self {
        case .emptyPath(let option, let purpose):
            "\(option) was given an empty path; name the file to write \(purpose) to."
        case .protected(let path, let option, let purpose, let role):
            "\(option) '\(path)' names \(role), and setlist never writes over a ledger, its journal or lock, or a "
                + "manifest; choose another path for \(purpose)."
        case .notRegular(let path, let option, let purpose, .symbolicLink):
            "\(option) '\(path)' is a symbolic link, and setlist does not write through links; name the file it "
                + "points to, or another path, for \(purpose)."
        case .notRegular(let path, let option, let purpose, let kind):
            "\(option) '\(path)' is \(kind.rawValue), not a regular file; choose a file path for \(purpose)."
        case .missingDirectory(let path, let option, let purpose, let directory):
            "\(option) '\(path)' is in the directory '\(directory)', which does not exist; create it or choose "
                + "another path for \(purpose)."
        case .io(let path, let purpose, let operation, let failedPath, let code):
            "Could not \(operation) '\(failedPath)' while writing \(purpose) '\(path)': "
                + "\(LedgerStoreError.systemMessage(code)) (errno \(code)). Check the permissions and free space "
                + "of that directory."
        }
    }
}
