import Foundation
import SetlistCore
import SetlistEngine
import Synchronization
import Testing

@Suite struct RunLockTests {
    static let started: Int64 = 1_763_723_346_120

    func environment(pid: Int32, host: String = "studio", alive: Set<Int32> = []) -> RunLockEnvironment {
        RunLockEnvironment(
            pid: pid, hostName: host, now: { Self.started + Int64(pid) },
            liveness: { alive.contains($0) ? .running : .gone }
        )
    }

    @Test func acquireWritesTheHolderAndReleaseRemovesIt() throws {
        let scratch = try ScratchDirectory()
        let lock = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 4242))
        #expect(lock.path == scratch.ledgerPath + ".lock")
        #expect(lock.takeoverWarning == nil)
        let content = String(decoding: scratch.read(lock.path)!, as: UTF8.self)
        #expect(content == "{\"host\":\"studio\",\"pid\":4242,\"started_at_ms\":\(Self.started + 4242)}\n")
        #expect(try JSONDecoder().decode(RunLockHolder.self, from: Data(content.utf8)) == lock.holder)
        try lock.release()
        #expect(scratch.files().isEmpty)
    }

    @Test func aLiveHolderOnThisHostKeepsTheLock() throws {
        let scratch = try ScratchDirectory()
        let held = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 4242))
        #expect {
            try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151, alive: [4242]))
        } throws: { error in
            guard case .heldByRunningProcess(let path, let holder) = error as? RunLockError else { return false }
            let message = "\(error)"
            return path == held.path && holder == held.holder && message.contains("process 4242 on host 'studio'")
                && message.contains("started 2025-11-21T11:09:10.362Z") && message.contains("Wait for that run")
        }
        #expect(scratch.read(held.path).map { String(decoding: $0, as: UTF8.self) }?.contains("4242") == true)
    }

    @Test func aLockOfAProcessThatIsGoneIsTakenOverWithAWarning() throws {
        let scratch = try ScratchDirectory()
        _ = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 4242))
        let lock = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151))
        #expect(lock.holder.pid == 5151)
        let warning = try #require(lock.takeoverWarning)
        #expect(warning.hasPrefix("Took over the lock '\(lock.path)' left by process 4242 on host 'studio'"))
        #expect(warning.contains("no longer running"))
        let content = String(decoding: scratch.read(lock.path)!, as: UTF8.self)
        #expect(content.contains("\"pid\":5151"))
        #expect(scratch.files() == ["album.ledger.json.lock"], "the stale lock moved aside is removed")
        try lock.release()
    }

    @Test func aLockFromAnotherHostIsNotTakenOver() throws {
        let scratch = try ScratchDirectory()
        _ = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 4242, host: "nas"))
        #expect {
            try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151))
        } throws: { error in
            guard case .heldOnAnotherHost(_, let holder) = error as? RunLockError else { return false }
            return holder.host == "nas" && "\(error)".contains("delete '\(scratch.ledgerPath).lock'")
        }
    }

    @Test func aLockNamingThisProcessIsLeftOverFromAnEarlierProcess() throws {
        let scratch = try ScratchDirectory()
        _ = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 1, alive: [1]))
        let lock = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 1, alive: [1]))
        #expect(lock.takeoverWarning != nil)
    }

    /// The lock's environment seen `ageMs` after `path` was last modified, with a process that is gone.
    func environment(pid: Int32, ageMs: Int64, of path: String) throws -> RunLockEnvironment {
        let modified = try #require(
            FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        let now = Int64((modified.timeIntervalSince1970 * 1000).rounded()) + ageMs
        return RunLockEnvironment(pid: pid, hostName: "studio", now: { now }, liveness: { _ in .gone })
    }

    func setModification(of path: String, secondsAgo: Double) throws {
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -secondsAgo)], ofItemAtPath: path)
    }

    @Test func aFreshUnreadableLockIsReported() throws {
        let scratch = try ScratchDirectory()
        let lockPath = RunLock.lockPath(forLedger: scratch.ledgerPath)
        scratch.write(lockPath, [])
        let young = RunLock.unreadableLockGracePeriodMs - 1_000
        #expect {
            try RunLock.acquire(
                ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151, ageMs: young, of: lockPath))
        } throws: { error in
            guard case .unreadable = error as? RunLockError else { return false }
            return "\(error)".contains("does not say which process holds it")
        }
        #expect(scratch.read(lockPath) == [], "a lock another writer may be filling in is left alone")
    }

    @Test(arguments: [[UInt8](), Array("{\"pid\":".utf8)])
    func anUnreadableLockOlderThanTheGracePeriodIsTakenOver(content: [UInt8]) throws {
        let scratch = try ScratchDirectory()
        let lockPath = RunLock.lockPath(forLedger: scratch.ledgerPath)
        scratch.write(lockPath, content)
        let old = RunLock.unreadableLockGracePeriodMs + 2_000
        let lock = try RunLock.acquire(
            ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151, ageMs: old, of: lockPath))
        let warning = try #require(lock.takeoverWarning)
        #expect(
            warning.hasPrefix("Took over the lock '\(lockPath)', which was empty or damaged and last written 7 s ago"))
        #expect(String(decoding: scratch.read(lockPath)!, as: UTF8.self).contains("\"pid\":5151"))
        #expect(scratch.files() == ["album.ledger.json.lock"])
        try lock.release()
    }

    /// `kill(0, 0)` and `kill(-1, 0)` succeed (they probe a process group, or every process), so such a lock
    /// would count as live forever; it is damage, handled like an unreadable lock.
    @Test(arguments: [Int32(0), -1])
    func aLockNamingPidZeroOrLessIsDamagedNotLive(pid: Int32) throws {
        let scratch = try ScratchDirectory()
        let lockPath = RunLock.lockPath(forLedger: scratch.ledgerPath)
        scratch.write(lockPath, Array("{\"host\":\"studio\",\"pid\":\(pid),\"started_at_ms\":1}\n".utf8))
        var young = try environment(pid: 5151, ageMs: RunLock.unreadableLockGracePeriodMs - 1_000, of: lockPath)
        young.liveness = { _ in .running }
        #expect {
            try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: young)
        } throws: { error in
            guard case .unreadable = error as? RunLockError else { return false }
            return true
        }
        var old = try environment(pid: 5151, ageMs: RunLock.unreadableLockGracePeriodMs + 2_000, of: lockPath)
        old.liveness = { _ in .running }
        let lock = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: old)
        #expect(lock.takeoverWarning?.contains("which was empty or damaged") == true)
        #expect(String(decoding: scratch.read(lockPath)!, as: UTF8.self).contains("\"pid\":5151"))
        try lock.release()
    }

    @Test func theLockPathNeverExistsWithoutItsContent() throws {
        let scratch = try ScratchDirectory()
        let lockPath = RunLock.lockPath(forLedger: scratch.ledgerPath)
        let killedWhileWriting = RunLock.temporaryPath(of: lockPath, pid: 4242)
        scratch.write(killedWhileWriting, Array("{\"ho".utf8))
        let lock = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 4242))
        #expect(lock.takeoverWarning == nil, "a half-written temporary file is not a lock")
        #expect(String(decoding: scratch.read(lockPath)!, as: UTF8.self).contains("\"pid\":4242"))
        #expect(scratch.files() == ["album.ledger.json.lock"], "the temporary file is linked, then removed")
        try lock.release()
    }

    @Test func leftoversOfKilledLockTakersAreRemovedOnceOld() throws {
        let scratch = try ScratchDirectory()
        let lockPath = RunLock.lockPath(forLedger: scratch.ledgerPath)
        let oldTemporary = RunLock.temporaryPath(of: lockPath, pid: 7001)
        let oldAside = lockPath + ".stale.7002"
        let youngTemporary = RunLock.temporaryPath(of: lockPath, pid: 7003)
        let unrelated = scratch.path + "/album.ledger.json.lock-notes.tmp"
        for path in [oldTemporary, oldAside, youngTemporary, unrelated] { scratch.write(path, Array("x".utf8)) }
        for path in [oldTemporary, oldAside, unrelated] { try setModification(of: path, secondsAgo: 60) }
        let lock = try RunLock.acquire(
            ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151, ageMs: 0, of: youngTemporary))
        #expect(
            scratch.files()
                == ["album.ledger.json.lock", "album.ledger.json.lock-notes.tmp", "album.ledger.json.lock.7003.tmp"])
        try lock.release()
    }

    /// Runs that start together over a stale lock: exactly one takes the lock, and that one reports the takeover.
    /// Before the successor file, the run that removed the stale lock could lose the race to create the new one to
    /// a run that had found the stale lock already gone, and neither printed the warning.
    @Test func theRunThatTakesAStaleLockOverIsTheOneThatReportsIt() throws {
        let racers: [Int32] = [6001, 6002, 6003, 6004]
        for round in 0..<60 {
            let scratch = try ScratchDirectory()
            _ = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 4242))
            let outcomes = Mutex([Int32: Result<RunLock, RunLockError>]())
            let ledgerPath = scratch.ledgerPath
            let environments = racers.map { environment(pid: $0, alive: Set(racers)) }
            DispatchQueue.concurrentPerform(iterations: racers.count) { index in
                let result = Result { () throws(RunLockError) -> RunLock in
                    try RunLock.acquire(ledgerPath: ledgerPath, environment: environments[index])
                }
                outcomes.withLock { $0[racers[index]] = result }
            }
            let results = outcomes.withLock { $0 }
            let winners = results.values.compactMap { try? $0.get() }
            try #require(winners.count == 1, "round \(round): \(winners.count) runs took the lock")
            #expect(winners[0].takeoverWarning?.contains("left by process 4242") == true, "round \(round)")
            for case .failure(let error) in results.values {
                guard case .heldByRunningProcess(_, let holder) = error else {
                    Issue.record("round \(round): \(error)")
                    continue
                }
                #expect(holder == winners[0].holder, "round \(round): the loser names the winner")
            }
            #expect(scratch.files() == ["album.ledger.json.lock"], "round \(round)")
            try winners[0].release()
        }
    }

    @Test func aSuccessorLeftByAKilledTakeoverIsRemovedAndTheStaleLockTakenOver() throws {
        let scratch = try ScratchDirectory()
        let lockPath = RunLock.lockPath(forLedger: scratch.ledgerPath)
        _ = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 4242))
        scratch.write(
            RunLock.successorPath(of: lockPath),
            Array("{\"host\":\"studio\",\"pid\":4343,\"started_at_ms\":1}\n".utf8))
        let lock = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151))
        #expect(lock.takeoverWarning?.contains("left by process 4242") == true)
        #expect(scratch.files() == ["album.ledger.json.lock"])
        try lock.release()
    }

    @Test func aLiveRunReplacingAStaleLockStopsTheOthers() throws {
        let scratch = try ScratchDirectory()
        let lockPath = RunLock.lockPath(forLedger: scratch.ledgerPath)
        _ = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 4242))
        scratch.write(
            RunLock.successorPath(of: lockPath),
            Array("{\"host\":\"studio\",\"pid\":4343,\"started_at_ms\":1}\n".utf8))
        #expect {
            try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151, alive: [4343]))
        } throws: { error in
            guard case .heldByRunningProcess(let path, let holder) = error as? RunLockError else { return false }
            return path == lockPath && holder.pid == 4343
        }
    }

    @Test func releasingALockSomeoneElseTookOverFails() throws {
        let scratch = try ScratchDirectory()
        let first = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 4242))
        let second = try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151))
        #expect {
            try first.release()
        } throws: { error in
            guard case .lost(_, let holder) = error as? RunLockError else { return false }
            return holder == second.holder
        }
        try second.release()
        #expect(throws: RunLockError.self) { try second.release() }
    }

    @Test func theRealEnvironmentTellsLiveFromGoneProcesses() throws {
        let environment = RunLockEnvironment.current(now: { 0 })
        #expect(environment.pid == getpid())
        #expect(!environment.hostName.isEmpty)
        #expect(environment.liveness(getpid()) == .running)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "exit 0"]
        try child.run()
        child.waitUntilExit()
        #expect(environment.liveness(child.processIdentifier) == .gone)
    }
}
