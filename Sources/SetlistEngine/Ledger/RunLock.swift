import Foundation
import SetlistCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who holds a run lock: the content of the lock file, as one line of JSON.
public struct RunLockHolder: Sendable, Hashable, Codable {
    /// The holder's process id.
    public var pid: Int32
    /// The host the holder runs on.
    public var host: String
    /// When the holder took the lock, Unix milliseconds (UTC).
    public var startedAtMs: Int64

    /// Creates a holder description.
    public init(pid: Int32, host: String, startedAtMs: Int64) {
        self.pid = pid
        self.host = host
        self.startedAtMs = startedAtMs
    }

    /// "process 4242 on host 'studio', started 2026-11-21T11:09:06.000Z".
    public var summary: String {
        "process \(pid) on host '\(host)', started \(LedgerTime.iso8601(unixMilliseconds: startedAtMs))"
    }

    enum CodingKeys: String, CodingKey {
        case pid
        case host
        case startedAtMs = "started_at_ms"
    }
}

/// Whether a process on this host exists.
public enum ProcessLiveness: Sendable, Hashable {
    /// The process exists (or exists under another user).
    case running
    /// No process has that id.
    case gone
}

/// The facts about this process a run lock needs, injectable for tests.
public struct RunLockEnvironment: Sendable {
    /// This process's id.
    public var pid: Int32
    /// This host's name.
    public var hostName: String
    /// The current time, Unix milliseconds (UTC).
    public var now: @Sendable () -> Int64
    /// Whether a process id on this host is alive.
    public var liveness: @Sendable (Int32) -> ProcessLiveness

    /// Creates an environment from explicit facts.
    public init(
        pid: Int32, hostName: String, now: @escaping @Sendable () -> Int64,
        liveness: @escaping @Sendable (Int32) -> ProcessLiveness
    ) {
        self.pid = pid
        self.hostName = hostName
        self.now = now
        self.liveness = liveness
    }

    /// This process: `getpid()`, `gethostname()`, and `kill(pid, 0)` for liveness (`ESRCH` means gone). The
    /// caller supplies the clock.
    public static func current(now: @escaping @Sendable () -> Int64) -> RunLockEnvironment {
        RunLockEnvironment(pid: getpid(), hostName: currentHostName(), now: now, liveness: { systemLiveness($0) })
    }

    private static func currentHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func systemLiveness(_ pid: Int32) -> ProcessLiveness {
        if kill(pid, 0) == 0 { return .running }
        return errno == ESRCH ? .gone : .running
    }
}

/// Why a run lock could not be taken or released. ``description`` is the sentence to print; a run that cannot
/// take the lock exits 75 (try later).
public enum RunLockError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A live process on this host holds the lock.
    case heldByRunningProcess(lockPath: String, holder: RunLockHolder)
    /// A process on another host holds the lock; whether it still runs cannot be checked from here.
    case heldOnAnotherHost(lockPath: String, holder: RunLockHolder)
    /// The lock file exists but does not say who holds it.
    case unreadable(lockPath: String)
    /// A system call failed.
    case io(operation: String, path: String, code: Int32)
    /// At release, the lock file no longer names this process.
    case lost(lockPath: String, holder: RunLockHolder?)

    /// A full sentence saying what happened, who holds the lock, and what to do.
    public var description: String {
        switch self {
        case .heldByRunningProcess(let lockPath, let holder):
            "Another setlist run is using this ledger: \(holder.summary), holds the lock '\(lockPath)'. "
                + "Wait for that run to finish or stop it, then run again."
        case .heldOnAnotherHost(let lockPath, let holder):
            "The lock '\(lockPath)' is held by \(holder.summary), and setlist cannot check a process on another "
                + "host. If no run is using this ledger, delete '\(lockPath)' and run again."
        case .unreadable(let lockPath):
            "The lock file '\(lockPath)' exists but does not say which process holds it (it is empty or damaged). "
                + "If no other setlist run is using this ledger, delete '\(lockPath)' and run again."
        case .io(let operation, let path, let code):
            "Could not \(operation) '\(path)': \(LedgerStoreError.systemMessage(code)) (errno \(code)). "
                + "Check the permissions and free space of that directory, then run again."
        case .lost(let lockPath, let holder):
            if let holder {
                "The lock '\(lockPath)' was taken over by \(holder.summary) while this run held it, so two runs "
                    + "may have written the ledger; check it with `setlist status` before the next run."
            } else {
                "The lock '\(lockPath)' was deleted while this run held it, so another run may have written the "
                    + "ledger; check it with `setlist status` before the next run."
            }
        }
    }
}

/// The lock file `<ledger>.lock` that keeps a second run off a ledger (DESIGN §3). It holds the holder's pid,
/// host and start time. A lock whose process is gone (same host, `kill(pid, 0)` fails with `ESRCH`) is taken
/// over with a warning. A process must not take the same lock twice: a lock that names this process's own pid
/// is treated as left by an earlier process that had the same id.
public struct RunLock: Sendable {
    /// The lock file's path.
    public let path: String
    /// What this lock wrote into the file.
    public let holder: RunLockHolder
    /// Set when a stale lock was taken over: a full sentence naming the old holder, to print as a warning.
    public let takeoverWarning: String?

    /// The lock file's path for the ledger at `ledgerPath`.
    public static func lockPath(forLedger ledgerPath: String) -> String {
        ledgerPath + ".lock"
    }

    /// How old an empty or damaged lock file must be before it is taken over. setlist itself never leaves one (the
    /// holder line is written to a temporary file that is linked into place), so such a file is damage, or a
    /// lock some other writer is filling in right now; a few seconds tell the two apart.
    public static let unreadableLockGracePeriodMs: Int64 = 5_000

    /// Takes the lock of the ledger at `ledgerPath`: writes the holder line to a temporary file beside the lock
    /// and links it to the lock's path (which fails when the lock exists, as `O_EXCL` does), so the lock never
    /// exists without its content. A lock left by a process that is gone, or an empty or damaged lock older than
    /// ``unreadableLockGracePeriodMs``, is taken over with a warning: the run that replaces it is the run that
    /// holds the lock and reports the takeover (see ``successorPath(of:)``).
    public static func acquire(
        ledgerPath: String, environment: RunLockEnvironment
    ) throws(RunLockError) -> RunLock {
        let path = lockPath(forLedger: ledgerPath)
        let holder = RunLockHolder(pid: environment.pid, host: environment.hostName, startedAtMs: environment.now())
        let content = encode(holder)
        let temporary = try writeTemporary(content, lockPath: path, pid: environment.pid)
        defer { _ = unlink(temporary) }
        for _ in 0..<3 {
            var takeoverWarning: String?
            if try linkLock(temporary, to: path) {
                takeoverWarning = nil
            } else {
                guard let existing = try read(path),
                    let warning = try staleLockWarning(existing, path: path, lockPath: path, environment: environment),
                    try replace(staleContent: existing, path: path, temporary: temporary, environment: environment)
                else { continue }
                takeoverWarning = warning
            }
            removeLeftovers(of: path, environment: environment)
            return RunLock(path: path, holder: holder, takeoverWarning: takeoverWarning)
        }
        guard let existing = try read(path) else { throw .unreadable(lockPath: path) }
        throw .heldByRunningProcess(lockPath: path, holder: try decode(existing, path: path))
    }

    /// Where a run that replaces a stale lock puts its own holder line first: only the run that creates this
    /// file (by `link(2)`, as the lock itself) may replace the stale lock, and it does so with one `rename(2)` of
    /// this file over the lock, so the lock's path is never empty during a takeover and no other run can slip in
    /// between the removal of the stale lock and the creation of the new one.
    public static func successorPath(of lockPath: String) -> String {
        "\(lockPath).next"
    }

    /// Replaces the stale lock holding `staleContent` with this run's holder line. Returns false, leaving the
    /// lock alone, when the lock changed meanwhile; throws when a live run is replacing it already.
    private static func replace(
        staleContent: [UInt8], path: String, temporary: String, environment: RunLockEnvironment
    ) throws(RunLockError) -> Bool {
        let successor = successorPath(of: path)
        guard try claimSuccessor(temporary, successor: successor, lockPath: path, environment: environment) else {
            return false
        }
        guard try read(path) == staleContent else {
            _ = unlink(successor)
            return false
        }
        if rename(successor, path) != 0 {
            let code = errno
            _ = unlink(successor)
            throw .io(operation: "replace the stale lock file", path: path, code: code)
        }
        return true
    }

    /// Creates ``successorPath(of:)`` from this run's temporary file. A successor left by a process that is gone
    /// (killed in the middle of a takeover) is removed first; one held by a live process means that process is
    /// taking the lock over, and this run stops as it would for a held lock.
    private static func claimSuccessor(
        _ temporary: String, successor: String, lockPath: String, environment: RunLockEnvironment
    ) throws(RunLockError) -> Bool {
        for _ in 0..<3 {
            if try linkLock(temporary, to: successor) { return true }
            guard let existing = try read(successor),
                try staleLockWarning(existing, path: successor, lockPath: lockPath, environment: environment) != nil
            else { continue }
            _ = try remove(staleContent: existing, path: successor, ownPID: environment.pid)
        }
        return false
    }

    /// Removes the lock file, after checking that it still names this lock's holder.
    public func release() throws(RunLockError) {
        guard let content = try Self.read(path) else { throw .lost(lockPath: path, holder: nil) }
        let current = try? JSONDecoder().decode(RunLockHolder.self, from: Data(content))
        guard current == holder else { throw .lost(lockPath: path, holder: current) }
        if unlink(path) != 0, errno != ENOENT { throw .io(operation: "remove the lock file", path: path, code: errno) }
    }

    /// The warning to print when the lock file at `path` holding `content` may be taken over; nil if the file
    /// vanished meanwhile. Throws, naming `lockPath`, when a live or unverifiable holder has it, or when an
    /// unreadable file is too young to be called abandoned. A lock naming pid 0 or less is damaged, not live: no
    /// run has such a pid, and `kill` would check a whole process group (or every process) instead.
    private static func staleLockWarning(
        _ content: [UInt8], path: String, lockPath: String, environment: RunLockEnvironment
    ) throws(RunLockError) -> String? {
        guard let holder = try? JSONDecoder().decode(RunLockHolder.self, from: Data(content)), holder.pid > 0 else {
            guard let modifiedMs = try modificationTimeMs(path) else { return nil }
            let ageMs = environment.now() - modifiedMs
            guard ageMs >= unreadableLockGracePeriodMs else { throw .unreadable(lockPath: lockPath) }
            return "Took over the lock '\(lockPath)', which was empty or damaged and last written "
                + "\(ageMs / 1000) s ago; no run was writing it, and this run resumes from the ledger."
        }
        guard holder.host == environment.hostName else {
            throw .heldOnAnotherHost(lockPath: lockPath, holder: holder)
        }
        if holder.pid != environment.pid, environment.liveness(holder.pid) == .running {
            throw .heldByRunningProcess(lockPath: lockPath, holder: holder)
        }
        return "Took over the lock '\(lockPath)' left by \(holder.summary), which is no longer running; that run "
            + "stopped without finishing, and this run resumes from its ledger."
    }

    /// Moves the stale lock aside and deletes it, unless another process replaced it in the meantime (then it is
    /// put back). Returns whether the stale lock was removed.
    private static func remove(staleContent: [UInt8], path: String, ownPID: Int32) throws(RunLockError) -> Bool {
        let aside = "\(path).stale.\(ownPID)"
        if rename(path, aside) != 0 {
            if errno == ENOENT { return false }
            throw .io(operation: "move aside the stale lock file", path: path, code: errno)
        }
        let moved = try read(aside)
        if moved != staleContent {
            _ = link(aside, path)
            _ = unlink(aside)
            return false
        }
        if unlink(aside) != 0 { throw .io(operation: "remove the stale lock file", path: aside, code: errno) }
        return true
    }

    /// Writes the holder line to ``temporaryPath(of:pid:)`` and syncs it, before any attempt to take the lock:
    /// the lock is then created by one `link(2)`, so a process killed at any moment leaves either no lock or a
    /// whole one, and a stale lock removed by this process is replaced at once.
    private static func writeTemporary(_ content: [UInt8], lockPath: String, pid: Int32) throws(RunLockError) -> String
    {
        let temporary = temporaryPath(of: lockPath, pid: pid)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw .io(operation: "create the lock file", path: temporary, code: errno) }
        do throws(PosixFailure) {
            try posixWriteAll(content, to: fd)
            if fsync(fd) != 0 { throw PosixFailure(operation: "sync", code: errno) }
        } catch {
            _ = close(fd)
            _ = unlink(temporary)
            throw .io(operation: "\(error.operation) the lock file", path: temporary, code: error.code)
        }
        _ = close(fd)
        return temporary
    }

    /// Links the written temporary file to the lock's path; false if a lock exists.
    private static func linkLock(_ temporary: String, to path: String) throws(RunLockError) -> Bool {
        if link(temporary, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw .io(operation: "create the lock file", path: path, code: errno)
    }

    /// Where the holder line is written before it is linked to the lock's path.
    public static func temporaryPath(of lockPath: String, pid: Int32) -> String {
        "\(lockPath).\(pid).tmp"
    }

    /// Removes temporary, moved-aside and successor lock files that processes killed in the middle of taking a
    /// lock left behind, once they are older than the grace period. Best effort: a file that cannot be removed stays.
    private static func removeLeftovers(of path: String, environment: RunLockEnvironment) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            let suffix = name.dropFirst(prefix.count)
            guard suffix.hasSuffix(".tmp") || suffix.hasPrefix("stale.") || suffix.hasPrefix("next") else { continue }
            let leftover = directory + "/" + name
            guard let modifiedMs = try? modificationTimeMs(leftover),
                environment.now() - modifiedMs >= unreadableLockGracePeriodMs
            else { continue }
            _ = unlink(leftover)
        }
    }

    /// The file's last modification, Unix milliseconds; nil when it does not exist.
    private static func modificationTimeMs(_ path: String) throws(RunLockError) -> Int64? {
        var status = stat()
        if stat(path, &status) != 0 {
            if errno == ENOENT { return nil }
            throw .io(operation: "inspect the lock file", path: path, code: errno)
        }
        #if canImport(Darwin)
            let modified = status.st_mtimespec
        #else
            let modified = status.st_mtim
        #endif
        return Int64(modified.tv_sec) * 1000 + Int64(modified.tv_nsec) / 1_000_000
    }

    /// The lock file's bytes, or nil when it does not exist.
    private static func read(_ path: String) throws(RunLockError) -> [UInt8]? {
        do {
            return try posixReadFile(path)
        } catch {
            throw .io(operation: "\(error.operation) the lock file", path: path, code: error.code)
        }
    }

    /// The holder as one line of JSON with sorted keys.
    private static func encode(_ holder: RunLockHolder) -> [UInt8] {
        var host = "\""
        for scalar in holder.host.unicodeScalars {
            switch scalar {
            case "\"": host += "\\\""
            case "\\": host += "\\\\"
            case _ where scalar.value < 0x20: host += String(format: "\\u%04x", scalar.value)
            default: host.unicodeScalars.append(scalar)
            }
        }
        host += "\""
        return Array("{\"host\":\(host),\"pid\":\(holder.pid),\"started_at_ms\":\(holder.startedAtMs)}\n".utf8)
    }

    private static func decode(_ content: [UInt8], path: String) throws(RunLockError) -> RunLockHolder {
        guard let holder = try? JSONDecoder().decode(RunLockHolder.self, from: Data(content)), holder.pid > 0 else {
            throw .unreadable(lockPath: path)
        }
        return holder
    }
}
