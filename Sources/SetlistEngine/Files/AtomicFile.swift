// The one atomic-file writer (DESIGN §1). Every file setlist writes whole goes through ``AtomicFile``: a temporary
// file beside the target, `fsync`, then `rename` over the target (``AtomicFile/replace``) or `link` where no file
// is yet (``AtomicFile/linkWithoutReplacing``), and an `fsync` of the directory. The ledger store's snapshot
// (``PosixLedgerFileSystem``) uses the fixed temporary name `<ledger>.tmp`, because its lock makes the store the
// only writer. A user-named file (``OutputFile``: `run --metrics-file`, `report -o`) and the simulator's saved
// state get a temporary name of their own (``AtomicFile/temporaryPath(beside:)``), since two runs may write the
// same file at once, and ``OutputFile`` first refuses targets it must never replace. The media downloader creates
// each take's file, because a paid take never replaces a file, and replaces only a take's own recorded file.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One failed step of writing a file: what was being done, to which path, and the `errno` value.
public struct FileWriteFailure: Error, Sendable, Hashable {
    /// What was being done, completing "could not ...", e.g. `sync`.
    public var operation: String
    /// The file or directory concerned.
    public var path: String
    /// The `errno` value.
    public var code: Int32
}

extension FileWriteFailure: CustomStringConvertible {
    /// The path and the system's reason, e.g. `state.json: No space left on device`.
    public var description: String {
        "\(path): \(String(cString: strerror(code)))"
    }
}

/// Replaces whole files atomically and durably.
public enum AtomicFile {
    /// Writes `bytes` to `temporary` (created afresh, never through a link), `fsync`s it, renames it over `path`
    /// and `fsync`s the directory: after a crash at any moment `path` holds either the old content or all of the
    /// new, durably once this returns. On failure the temporary file is removed and `path` is left as it was.
    /// - Parameters:
    ///   - temporary: A path in `path`'s directory; a file already there is replaced.
    ///   - permissions: The new file's exact mode bits; nil gives `0644` less the process's umask.
    public static func replace(
        _ path: String, with bytes: [UInt8], temporary: String, permissions: mode_t? = nil
    ) throws(FileWriteFailure) {
        try writeTemporary(bytes, to: temporary, permissions: permissions)
        if rename(temporary, path) != 0 {
            let code = errno
            _ = unlink(temporary)
            throw FileWriteFailure(operation: "rename '\(temporary)' over", path: path, code: code)
        }
        try syncDirectory(containing: path)
    }

    /// Writes `bytes` to `temporary`, created afresh (a file already there is removed first, and a link is never
    /// followed), `fsync`s and closes it; on failure nothing is left at `temporary`. The caller moves it into place:
    /// ``replace(_:with:temporary:permissions:)`` by renaming over the target, ``linkWithoutReplacing(_:at:)``
    /// where no file is yet.
    public static func writeTemporary(
        _ bytes: [UInt8], to temporary: String, permissions: mode_t? = nil
    ) throws(FileWriteFailure) {
        if unlink(temporary) != 0, errno != ENOENT {
            throw FileWriteFailure(operation: "remove the old temporary file", path: temporary, code: errno)
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileWriteFailure(operation: "create", path: temporary, code: errno) }
        do throws(FileWriteFailure) {
            if let permissions, fchmod(fd, permissions) != 0 {
                throw FileWriteFailure(operation: "set the permissions of", path: temporary, code: errno)
            }
            do {
                try posixWriteAll(bytes, to: fd)
            } catch {
                throw FileWriteFailure(operation: error.operation, path: temporary, code: error.code)
            }
            if fsync(fd) != 0 { throw FileWriteFailure(operation: "sync", path: temporary, code: errno) }
        } catch {
            closeDescriptor(fd)
            _ = unlink(temporary)
            throw error
        }
        if close(fd) != 0 {
            let code = errno
            _ = unlink(temporary)
            throw FileWriteFailure(operation: "close", path: temporary, code: code)
        }
    }

    /// Links `temporary`, written by ``writeTemporary(_:to:permissions:)``, at `path` only if no file is there yet
    /// (`link(2)` never replaces one), then `fsync`s the directory. On a file system without hard links the file is
    /// renamed into place when `path` is free, which another writer could race. The caller removes `temporary`.
    /// - Returns: False, with nothing changed, when a file is already at `path`.
    public static func linkWithoutReplacing(_ temporary: String, at path: String) throws(FileWriteFailure) -> Bool {
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST { return false }
            guard [EPERM, EOPNOTSUPP, ENOTSUP, EXDEV].contains(code) else {
                throw FileWriteFailure(operation: "link", path: path, code: code)
            }
            if access(path, F_OK) == 0 { return false }
            if rename(temporary, path) != 0 {
                throw FileWriteFailure(operation: "rename '\(temporary)' to", path: path, code: errno)
            }
        }
        try syncDirectory(containing: path)
        return true
    }

    /// A temporary path of its own beside `path`, for a file that more than one process may write at once:
    /// `.<name>.<pid>-<random hex>.tmp` in the same directory, so that a `rename` moves it in place.
    public static func temporaryPath(beside path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return directory + ".\(name).\(getpid())-" + String(UInt32.random(in: 0...UInt32.max), radix: 16) + ".tmp"
    }

    /// Appends `bytes` to `path` (created when missing, never through a link) with one `O_APPEND` write, without
    /// `fsync`: the bytes survive the process being killed, not the machine losing power. For files that only need
    /// the first, such as the simulated provider's state.
    public static func append(_ bytes: [UInt8], to path: String) throws(FileWriteFailure) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileWriteFailure(operation: "open for appending", path: path, code: errno) }
        defer { closeDescriptor(fd) }
        do {
            try posixWriteAll(bytes, to: fd)
        } catch {
            throw FileWriteFailure(operation: error.operation, path: path, code: error.code)
        }
    }

    /// `fsync`s the directory that holds `path`, so that a file created or renamed there survives a crash.
    public static func syncDirectory(containing path: String) throws(FileWriteFailure) {
        let directory = Self.directory(of: path)
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw FileWriteFailure(operation: "open the directory", path: directory, code: errno) }
        defer { closeDescriptor(fd) }
        if fsync(fd) != 0 { throw FileWriteFailure(operation: "sync the directory", path: directory, code: errno) }
    }

    /// The directory part of `path`: `.` for a bare name, `/` for a file at the root.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }
}
