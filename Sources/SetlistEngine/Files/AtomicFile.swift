// The one atomic-file writer (DESIGN §1). The ledger store's snapshot (``PosixLedgerFileSystem``) and every file
// a user asks for (``OutputFile``: `run --metrics-file`, `report -o`) are written by ``AtomicFile/replace``:
// a temporary file beside the target, `fsync`, `rename`, and an `fsync` of the directory. The ledger's durability
// is unchanged by sharing it; the two callers differ only in what surrounds the write. The ledger uses the fixed
// temporary name `<ledger>.tmp`, because its lock makes the store the only writer, and needs no checks on its
// own path. A user-named file gets a temporary name of its own (two runs may write the same metrics file at
// once), and ``OutputFile`` first refuses targets it must never replace. The media downloader writes its
// temporary files with ``AtomicFile/writeTemporary`` too, but links them into place, since a paid take never
// replaces a file.

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
    /// ``replace(_:with:temporary:permissions:)`` by renaming over the target, the media downloader by linking it
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

    /// `fsync`s the directory that holds `path`, so that a file created or renamed there survives a crash.
    public static func syncDirectory(containing path: String) throws(FileWriteFailure) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw FileWriteFailure(operation: "open the directory", path: directory, code: errno) }
        defer { closeDescriptor(fd) }
        if fsync(fd) != 0 { throw FileWriteFailure(operation: "sync the directory", path: directory, code: errno) }
    }
}
