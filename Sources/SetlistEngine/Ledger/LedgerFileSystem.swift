#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file operations the ledger store needs. ``PosixLedgerFileSystem`` is the real one; tests wrap it
/// to inject failures such as a full disk.
public protocol LedgerFileSystem: Sendable {
    /// The whole content of the file at `path`, or nil when it does not exist.
    func readFile(atPath path: String) throws(LedgerStoreError) -> [UInt8]?
    /// Opens the file at `path` for appending, creating it (and making its directory entry durable) if needed.
    func openForAppending(atPath path: String) throws(LedgerStoreError) -> any LedgerAppendFile
    /// Replaces the file at `path` with `bytes` atomically: after a crash at any moment, `path` holds either the
    /// old content or all of the new content, durably once this returns.
    func replaceFile(atPath path: String, with bytes: [UInt8]) throws(LedgerStoreError)
}

/// An open file that only grows at its end, such as the journal. Used by one owner at a time, except that
/// ``sync()`` may also run on another thread while the owner appends (the ledger store's group commit).
public protocol LedgerAppendFile: AnyObject, Sendable {
    /// The file's length in bytes, including everything appended so far.
    var size: Int { get }
    /// Writes `bytes` at the end of the file. After a failure `size` tells how much was written.
    func append(_ bytes: [UInt8]) throws(LedgerStoreError)
    /// Makes durable (`fsync`) everything appended before the call; may run concurrently with ``append(_:)``,
    /// never with ``close()``.
    func sync() throws(LedgerStoreError)
    /// Cuts the file to `size` bytes and makes that durable.
    func truncate(toSize size: Int) throws(LedgerStoreError)
    /// Closes the file; nothing may be called afterwards.
    func close()
}

/// ``LedgerFileSystem`` over POSIX calls: `write` + `fsync` for appends; ``AtomicFile`` (temp file, `fsync`,
/// `rename` and a directory `fsync`) for atomic replacement.
public struct PosixLedgerFileSystem: LedgerFileSystem {
    /// Creates the POSIX file system.
    public init() {}

    /// Reads the whole file, or returns nil when it does not exist.
    public func readFile(atPath path: String) throws(LedgerStoreError) -> [UInt8]? {
        do {
            return try posixReadFile(path)
        } catch {
            throw .io(operation: error.operation, path: path, code: error.code)
        }
    }

    /// Opens (creating if needed) the file for appending.
    public func openForAppending(atPath path: String) throws(LedgerStoreError) -> any LedgerAppendFile {
        var fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd >= 0 {
            do throws(FileWriteFailure) {
                try AtomicFile.syncDirectory(containing: path)
            } catch {
                _ = close(fd)
                throw .io(operation: error.operation, path: error.path, code: error.code)
            }
        } else if errno == EEXIST {
            fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        }
        if fd < 0 { throw .io(operation: "open", path: path, code: errno) }
        let end = lseek(fd, 0, SEEK_END)
        if end < 0 {
            let code = errno
            _ = close(fd)
            throw .io(operation: "find the end of", path: path, code: code)
        }
        return PosixAppendFile(fd: fd, path: path, size: Int(end))
    }

    /// Writes `<path>.tmp`, syncs it, renames it over `path` and syncs the directory, through
    /// ``AtomicFile/replace(_:with:temporary:permissions:)``. On failure the temp file is removed and `path` is
    /// left as it was.
    public func replaceFile(atPath path: String, with bytes: [UInt8]) throws(LedgerStoreError) {
        do {
            try AtomicFile.replace(path, with: bytes, temporary: path + ".tmp")
        } catch {
            throw .io(operation: error.operation, path: error.path, code: error.code)
        }
    }
}

/// A journal file open with `O_APPEND`. `size` is read and written by its owner only; ``sync()``, the one call
/// that may come from another thread, reads nothing but the descriptor, which changes only in ``close()``.
final class PosixAppendFile: LedgerAppendFile, @unchecked Sendable {
    private var fd: Int32
    private let path: String
    private(set) var size: Int

    init(fd: Int32, path: String, size: Int) {
        self.fd = fd
        self.path = path
        self.size = size
    }

    deinit { close() }

    func append(_ bytes: [UInt8]) throws(LedgerStoreError) {
        do {
            try posixWriteAll(bytes, to: fd) { size += $0 }
        } catch {
            throw .io(operation: "append to", path: path, code: error.code)
        }
    }

    func sync() throws(LedgerStoreError) {
        if fsync(fd) != 0 { throw .io(operation: "sync", path: path, code: errno) }
    }

    func truncate(toSize size: Int) throws(LedgerStoreError) {
        if ftruncate(fd, off_t(size)) != 0 { throw .io(operation: "truncate", path: path, code: errno) }
        self.size = size
        try sync()
    }

    func close() {
        guard fd >= 0 else { return }
        closeDescriptor(fd)
        fd = -1
    }
}

/// `close(2)`, callable where a `close()` method hides the C function.
func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

/// A failed system call: what was being done and the `errno` value.
struct PosixFailure: Error {
    var operation: String
    var code: Int32
}

/// The whole content of the file at `path`, or nil when it does not exist.
func posixReadFile(_ path: String) throws(PosixFailure) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
        if errno == ENOENT { return nil }
        throw PosixFailure(operation: "read", code: errno)
    }
    defer { _ = close(fd) }
    var content: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw PosixFailure(operation: "read", code: errno)
        }
        if count == 0 { return content }
        content.append(contentsOf: chunk[0..<count])
    }
}

/// Writes all of `bytes` to `fd`, retrying short writes; `progress` hears each chunk's length.
func posixWriteAll(_ bytes: [UInt8], to fd: Int32, progress: (Int) -> Void = { _ in }) throws(PosixFailure) {
    var written = 0
    while written < bytes.count {
        let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
        if count < 0 {
            if errno == EINTR { continue }
            throw PosixFailure(operation: "write", code: errno)
        }
        written += count
        progress(count)
    }
}
