import Foundation
import SetlistCore
import SetlistEngine
import Synchronization

/// Realistic ledger histories and scratch directories for the store tests.
enum LedgerFixture {
    /// An API key that must never reach a ledger file.
    static let apiKey = "sk-evolink-7f3a9c2e11d84b06a5e0c4d2b9f1e8aa"

    static let t0: Int64 = 1_763_723_346_120

    static let provider = LedgerProvider(api: .evolink, baseURL: "https://api.evolink.ai")

    static func sha(_ seed: Character) -> String {
        String(repeating: seed, count: 64)
    }

    /// One run of a four-job album: a song that fails once then completes with two results and downloads, a
    /// persona derived from it, a song using the persona still running, and a song the provider refused.
    static func albumRun() -> [LedgerEvent] {
        let openRoad = [
            ResultRecord(
                TaskResult(
                    resultID: "0b5c1f8e-8d1c-4c55-9d3a-1a2b3c4d5e6f", title: "Open Road", tags: "pop, upbeat",
                    duration: 187.4, audioURL: "https://files.evolink.ai/a/open-road-1.mp3",
                    streamAudioURL: "https://files.evolink.ai/s/open-road-1",
                    imageURL: "https://files.evolink.ai/i/1.jpg"
                )
            ),
            ResultRecord(
                TaskResult(
                    resultID: "7d9e2a10-44b2-4f0e-8c61-0f1e2d3c4b5a", title: "Open Road (Take 2)", tags: "pop",
                    duration: 201, audioURL: "https://files.evolink.ai/a/open-road-2.mp3"
                )
            ),
        ]
        let failure = TaskFailure(code: "service_error", message: "The upstream service failed.")
        let refusal = ProviderError(
            kind: .rejected, httpStatus: 400, code: "content_policy_violation",
            message: "The prompt was rejected by the content policy."
        )
        return [
            .runStarted(run: "run-1", at: t0, album: "Summer Roadtrip", manifest: "summer.yaml", provider: provider),
            .jobPlanned(job: "open-road", kind: .song, fingerprint: sha("a")),
            .jobPlanned(job: "road-voice", kind: .persona, fingerprint: sha("b")),
            .jobPlanned(job: "homecoming", kind: .song, fingerprint: sha("c")),
            .jobPlanned(job: "sunset", kind: .song, fingerprint: sha("d")),
            .submitIntent(job: "open-road", attempt: 1, idempotencyKey: "setlist-open-road-1", inputs: nil, at: t0 + 5),
            .submitAccepted(
                job: "open-road", attempt: 1, taskID: "task-unified-1763723346-aaaa0001", creditsReserved: 8,
                at: t0 + 900
            ),
            .taskProgress(job: "open-road", attempt: 1, status: .processing, progress: 40, at: t0 + 60_000),
            .taskFailed(job: "open-road", attempt: 1, error: RecordedError(failure), willRetry: true, at: t0 + 90_000),
            .submitIntent(
                job: "open-road", attempt: 2, idempotencyKey: "setlist-open-road-2", inputs: nil, at: t0 + 95_000
            ),
            .submitAccepted(
                job: "open-road", attempt: 2, taskID: "task-unified-1763723441-aaaa0002", creditsReserved: 8,
                at: t0 + 95_800
            ),
            .taskCompleted(job: "open-road", attempt: 2, results: openRoad, personaID: nil, at: t0 + 210_000),
            .downloadRecorded(
                job: "open-road", take: nil, resultID: openRoad[0].resultID,
                file: DownloadedFile(
                    kind: .audio, path: "out/summer-roadtrip/01-open-road.mp3", sha256: sha("e"),
                    bytes: 3_145_728)
            ),
            .downloadRecorded(
                job: "open-road", take: nil, resultID: openRoad[0].resultID,
                file: DownloadedFile(
                    kind: .cover, path: "out/summer-roadtrip/01-open-road.jpg", sha256: sha("f"),
                    bytes: 88_210)
            ),
            .submitIntent(
                job: "road-voice", attempt: 1, idempotencyKey: "setlist-road-voice-1",
                inputs: ChainedInputs(
                    sourceTaskID: "task-unified-1763723441-aaaa0002", sourceResultID: openRoad[0].resultID
                ),
                at: t0 + 211_000
            ),
            .submitAccepted(
                job: "road-voice", attempt: 1, taskID: "task-unified-1763723557-bbbb0001", creditsReserved: 1,
                at: t0 + 211_500
            ),
            .taskCompleted(
                job: "road-voice", attempt: 1, results: [], personaID: "5c57d49ef834110496fae5aa14fec441",
                at: t0 + 230_000
            ),
            .submitIntent(
                job: "homecoming", attempt: 1, idempotencyKey: "setlist-homecoming-1",
                inputs: ChainedInputs(personaID: "5c57d49ef834110496fae5aa14fec441", personaModel: .voicePersona),
                at: t0 + 231_000
            ),
            .submitAccepted(
                job: "homecoming", attempt: 1, taskID: "task-unified-1763723577-cccc0001", creditsReserved: 8,
                at: t0 + 231_700
            ),
            .taskProgress(job: "homecoming", attempt: 1, status: .pending, progress: 0, at: t0 + 240_000),
            .submitIntent(job: "sunset", attempt: 1, idempotencyKey: "setlist-sunset-1", inputs: nil, at: t0 + 241_000),
            .submitFailed(job: "sunset", attempt: 1, error: RecordedError(refusal), willRetry: false, at: t0 + 241_400),
            .runFinished(
                run: "run-1", at: t0 + 300_000, outcome: .interrupted, exitCode: 75, skipped: 0, polls: 9,
                requests: 14
            ),
        ]
    }

    static func fold(_ events: [LedgerEvent]) throws -> Ledger {
        var ledger = Ledger()
        for event in events { try ledger.apply(event) }
        return ledger
    }
}

/// A fresh directory under the system's temp directory, removed when the test ends.
final class ScratchDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/setlist-ledger-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: created)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var ledgerPath: String { path + "/album.ledger.json" }

    func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    func write(_ path: String, _ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

/// Wraps the POSIX file system: counts what the store does and fails on demand.
final class InstrumentedFileSystem: LedgerFileSystem {
    struct Record {
        var appendedBytes: [Int] = []
        var syncs = 0
        var replaces = 0
        var replacedBytes = 0
        var reads = 0
        /// Fail the next append with this errno after writing this many bytes of it.
        var failAppend: (code: Int32, afterBytes: Int)?
        var failSync: Int32?
        var failReplace: Int32?
        var failTruncate: Int32?
    }

    let base = PosixLedgerFileSystem()
    let record = Mutex(Record())

    func readFile(atPath path: String) throws(LedgerStoreError) -> [UInt8]? {
        record.withLock { $0.reads += 1 }
        return try base.readFile(atPath: path)
    }

    func openForAppending(atPath path: String) throws(LedgerStoreError) -> any LedgerAppendFile {
        InstrumentedAppendFile(base: try base.openForAppending(atPath: path), path: path, owner: self)
    }

    func replaceFile(atPath path: String, with bytes: [UInt8]) throws(LedgerStoreError) {
        let failure = record.withLock { record in
            record.replaces += 1
            record.replacedBytes += bytes.count
            return record.failReplace
        }
        if let failure { throw .io(operation: "create", path: path + ".tmp", code: failure) }
        try base.replaceFile(atPath: path, with: bytes)
    }
}

final class InstrumentedAppendFile: LedgerAppendFile {
    let base: any LedgerAppendFile
    let path: String
    let owner: InstrumentedFileSystem

    init(base: any LedgerAppendFile, path: String, owner: InstrumentedFileSystem) {
        self.base = base
        self.path = path
        self.owner = owner
    }

    var size: Int { base.size }

    func append(_ bytes: [UInt8]) throws(LedgerStoreError) {
        let failure = owner.record.withLock { record in
            record.appendedBytes.append(bytes.count)
            defer { record.failAppend = nil }
            return record.failAppend
        }
        if let failure {
            try base.append(Array(bytes.prefix(failure.afterBytes)))
            throw .io(operation: "append to", path: path, code: failure.code)
        }
        try base.append(bytes)
    }

    func sync() throws(LedgerStoreError) {
        let failure = owner.record.withLock { record in
            record.syncs += 1
            return record.failSync
        }
        if let failure { throw .io(operation: "sync", path: path, code: failure) }
        try base.sync()
    }

    func truncate(toSize size: Int) throws(LedgerStoreError) {
        if let failure = owner.record.withLock({ $0.failTruncate }) {
            throw .io(operation: "truncate", path: path, code: failure)
        }
        try base.truncate(toSize: size)
    }

    func close() { base.close() }
}
