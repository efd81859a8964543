import Foundation
import SetlistCore
import SetlistEngine
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

    @Test func anUnreadableLockIsReported() throws {
        let scratch = try ScratchDirectory()
        scratch.write(RunLock.lockPath(forLedger: scratch.ledgerPath), [])
        #expect {
            try RunLock.acquire(ledgerPath: scratch.ledgerPath, environment: environment(pid: 5151))
        } throws: { error in
            guard case .unreadable = error as? RunLockError else { return false }
            return "\(error)".contains("does not say which process holds it")
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
