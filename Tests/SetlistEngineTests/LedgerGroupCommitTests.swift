import Dispatch
import Foundation
import SetlistCore
import SetlistEngine
import Synchronization
import Testing

/// Wraps the POSIX file system's journal: records every line with where it ends, every sync with how much of
/// the file it covered, holds syncs while its gate is closed, and fails them on demand.
final class GroupCommitFileSystem: LedgerFileSystem {
    struct Record {
        /// Each appended line and the file size once it was written.
        var lines: [(text: String, end: Int)] = []
        var syncsStarted = 0
        /// The file size that the completed syncs made durable.
        var durableBytes = 0
        var failSync: Int32?
    }

    let base = PosixLedgerFileSystem()
    let record = Mutex(Record())
    let gate = SyncGate()

    func readFile(atPath path: String) throws(LedgerStoreError) -> [UInt8]? {
        try base.readFile(atPath: path)
    }

    func openForAppending(atPath path: String) throws(LedgerStoreError) -> any LedgerAppendFile {
        GroupCommitAppendFile(base: try base.openForAppending(atPath: path), path: path, owner: self)
    }

    func replaceFile(atPath path: String, with bytes: [UInt8]) throws(LedgerStoreError) {
        try base.replaceFile(atPath: path, with: bytes)
    }

    /// The end of the one line that contains every piece of `text`.
    func lineEnd(containing pieces: String...) -> Int? {
        record.withLock { record in
            record.lines.first { line in pieces.allSatisfy { line.text.contains($0) } }?.end
        }
    }
}

final class GroupCommitAppendFile: LedgerAppendFile {
    let base: any LedgerAppendFile
    let path: String
    let owner: GroupCommitFileSystem

    init(base: any LedgerAppendFile, path: String, owner: GroupCommitFileSystem) {
        self.base = base
        self.path = path
        self.owner = owner
    }

    var size: Int { base.size }

    func append(_ bytes: [UInt8]) throws(LedgerStoreError) {
        try base.append(bytes)
        let end = base.size
        owner.record.withLock { $0.lines.append((String(decoding: bytes, as: UTF8.self), end)) }
    }

    func sync() throws(LedgerStoreError) {
        let covered = base.size
        owner.record.withLock { $0.syncsStarted += 1 }
        owner.gate.waitUntilOpen()
        if let failure = owner.record.withLock({ $0.failSync }) {
            throw .io(operation: "sync", path: path, code: failure)
        }
        try base.sync()
        owner.record.withLock { $0.durableBytes = max($0.durableBytes, covered) }
    }

    func truncate(toSize size: Int) throws(LedgerStoreError) {
        try base.truncate(toSize: size)
    }

    func close() { base.close() }
}

/// Holds the threads that reach it until it is opened; open from the start unless closed.
final class SyncGate: Sendable {
    private let isOpen = Mutex(true)
    private let opened = DispatchSemaphore(value: 0)

    func close() {
        isOpen.withLock { $0 = false }
    }

    func open() {
        isOpen.withLock { $0 = true }
        opened.signal()
    }

    func waitUntilOpen() {
        guard !isOpen.withLock({ $0 }) else { return }
        opened.wait()
        opened.signal()
    }
}

/// Waits, polling, until `condition` holds; fails the test after ten seconds.
func waitUntil(_ condition: () -> Bool, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
    for _ in 0..<10_000 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(1))
    }
    Issue.record("the condition never held", sourceLocation: sourceLocation)
}

@Suite struct LedgerGroupCommitTests {
    /// A store with `jobs` planned jobs (`job-0`, `job-1`, ...), its syncs held at the gate.
    func plannedStore(jobs: Int, in scratch: ScratchDirectory) throws -> (LedgerStore, GroupCommitFileSystem) {
        let fileSystem = GroupCommitFileSystem()
        let store = try LedgerStore(path: scratch.ledgerPath, fileSystem: fileSystem)
        for index in 0..<jobs {
            try store.append(.jobPlanned(job: "job-\(index)", kind: .song, fingerprint: "f"), durability: .buffered)
        }
        fileSystem.gate.close()
        return (store, fileSystem)
    }

    func intent(_ index: Int) -> LedgerEvent {
        .submitIntent(job: "job-\(index)", attempt: 1, idempotencyKey: "key-\(index)", inputs: nil, at: 1)
    }

    /// Starts a durable append of `intent(index)` that, once it returns, reports whether a completed sync covered
    /// its line.
    func appendIntent(
        _ index: Int, to store: LedgerStore, _ fileSystem: GroupCommitFileSystem
    ) -> Task<Bool, any Error> {
        Task {
            try await store.appendDurably(intent(index))
            let end = try #require(fileSystem.lineEnd(containing: "\"job\":\"job-\(index)\"", "submit_intent"))
            return fileSystem.record.withLock { $0.durableBytes } >= end
        }
    }

    @Test func appendsWaitingForOneSyncShareTheNext() async throws {
        let scratch = try ScratchDirectory()
        let (store, fileSystem) = try plannedStore(jobs: 20, in: scratch)
        let first = appendIntent(0, to: store, fileSystem)
        try await waitUntil { fileSystem.record.withLock { $0.syncsStarted } == 1 }
        let others = (1..<20).map { appendIntent($0, to: store, fileSystem) }
        try await waitUntil { fileSystem.record.withLock { $0.lines.count } == 40 }
        #expect(fileSystem.record.withLock { $0.durableBytes } == 0, "nothing is durable while the sync is held")
        #expect(store.job("job-19")?.state == .submitting, "the event is applied as soon as it is written")

        fileSystem.gate.open()
        #expect(try await first.value, "the first append returned after a sync that covered it")
        for (index, task) in others.enumerated() {
            #expect(try await task.value, "append \(index + 1) returned after a sync that covered it")
        }
        #expect(fileSystem.record.withLock { $0.syncsStarted } == 2, "19 appends shared one sync")

        store.close()
        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == store.ledger)
        #expect(loaded.ledger.unconfirmedJobIDs.count == 20)
    }

    @Test func aFailedSyncFailsEveryWaitingAppendAndStopsTheStore() async throws {
        let scratch = try ScratchDirectory()
        let (store, fileSystem) = try plannedStore(jobs: 6, in: scratch)
        let first = appendIntent(0, to: store, fileSystem)
        try await waitUntil { fileSystem.record.withLock { $0.syncsStarted } == 1 }
        let others = (1..<6).map { appendIntent($0, to: store, fileSystem) }
        try await waitUntil { fileSystem.record.withLock { $0.lines.count } == 12 }

        fileSystem.record.withLock { $0.failSync = EIO }
        fileSystem.gate.open()
        for task in [first] + others {
            await #expect {
                try await task.value
            } throws: { error in
                guard case .io(let operation, let path, let code) = error as? LedgerStoreError else { return false }
                return operation == "sync" && path == store.journalPath && code == EIO
            }
        }
        #expect(fileSystem.record.withLock { $0.syncsStarted } == 1)
        await #expect {
            try await store.appendDurably(.jobRequeued(job: "job-0"))
        } throws: { error in
            guard case .stopped = error as? LedgerStoreError else { return false }
            return "\(error)".contains("Input/output error")
        }
        #expect(throws: LedgerStoreError.self) { try store.append(.jobRequeued(job: "job-0")) }
        #expect(fileSystem.record.withLock { $0.syncsStarted } == 1, "a stopped store syncs nothing more")
    }

    @Test func anInvalidDurableAppendIsRefusedWithoutWritingOrSyncing() async throws {
        let scratch = try ScratchDirectory()
        let (store, fileSystem) = try plannedStore(jobs: 1, in: scratch)
        let bytes = store.journalBytes
        await #expect {
            try await store.appendDurably(
                .submitAccepted(
                    job: "job-0", attempt: 1, taskID: "t", creditsReserved: nil,
                    at: 1))
        } throws: { error in
            guard case .invalidEvent(_, nil, .notLatestAttempt) = error as? LedgerStoreError else { return false }
            return true
        }
        #expect(store.journalBytes == bytes)
        #expect(fileSystem.record.withLock { $0.syncsStarted } == 0)
        fileSystem.gate.open()
        try await store.appendDurably(intent(0))
        #expect(fileSystem.record.withLock { $0.syncsStarted } == 1)
    }

    @Test func closingTheStoreSettlesTheAppendsStillWaiting() async throws {
        let scratch = try ScratchDirectory()
        let (store, fileSystem) = try plannedStore(jobs: 5, in: scratch)
        let first = appendIntent(0, to: store, fileSystem)
        try await waitUntil { fileSystem.record.withLock { $0.syncsStarted } == 1 }
        let others = (1..<5).map { appendIntent($0, to: store, fileSystem) }
        try await waitUntil { fileSystem.record.withLock { $0.lines.count } == 10 }

        let closed = Mutex(false)
        DispatchQueue.global().async {
            store.close()
            closed.withLock { $0 = true }
        }
        try await waitUntil { store.journalBytes == 0 }
        #expect(!closed.withLock { $0 }, "close waits for the sync that is running")
        fileSystem.gate.open()
        for task in [first] + others { #expect(try await task.value) }
        try await waitUntil { closed.withLock { $0 } }
        #expect(fileSystem.record.withLock { $0.syncsStarted } == 2, "the held sync, then the one close makes")
        #expect((try LedgerStore.load(path: scratch.ledgerPath)).ledger.unconfirmedJobIDs.count == 5)
    }

    @Test func durableAppendsFromManyTasksAllReachTheJournal() async throws {
        let scratch = try ScratchDirectory()
        let store = try LedgerStore(path: scratch.ledgerPath)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        let job = "w\(worker)-\(index)"
                        try store.append(.jobPlanned(job: job, kind: .song, fingerprint: "f"), durability: .buffered)
                        try await store.appendDurably(
                            .submitIntent(job: job, attempt: 1, idempotencyKey: job, inputs: nil, at: 1))
                    }
                }
            }
            try await group.waitForAll()
        }
        store.close()
        let loaded = try LedgerStore.load(path: scratch.ledgerPath)
        #expect(loaded.ledger == store.ledger)
        #expect(loaded.ledger.unconfirmedJobIDs.count == 200)
        #expect(loaded.ledger.sequence == 400)
    }
}
