import Foundation
import SetlistCore

/// One file to fetch for one take of a song.
struct DownloadItem: Sendable, Hashable {
    var job: String
    var take: TakeRef
    var kind: MediaKind
    var url: String
    /// Where the file goes, relative to the manifest's directory (as the ledger records it).
    var relativePath: String
    /// Whether the path is the take's own recorded file, missing or altered, which the take's bytes restore.
    var restoresRecordedFile: Bool
    /// When the provider finished the take's generation, Unix milliseconds; its links expire 72 hours later.
    var finishedAtMs: Int64?
}

/// A file of a paid take that is not on disk after a run, and why.
public struct PendingDownload: Sendable, Hashable {
    /// The song.
    public var job: String
    /// The take.
    public var take: TakeRef
    /// Audio or cover.
    public var kind: MediaKind
    /// Where the file belongs, relative to the manifest's directory.
    public var path: String
    /// Why this run did not save it; nil when the run did not try (it was interrupted first).
    public var reason: String?
    /// When the take's generation finished, Unix milliseconds.
    public var finishedAtMs: Int64?

    /// Creates a pending download.
    public init(job: String, take: TakeRef, kind: MediaKind, path: String, reason: String?, finishedAtMs: Int64?) {
        self.job = job
        self.take = take
        self.kind = kind
        self.path = path
        self.reason = reason
        self.finishedAtMs = finishedAtMs
    }
}

/// Keeps a run's media (DESIGN §8): every take of every generation of a song (and of an extension or a join) is
/// saved as `<output.dir>/takes/<NN>-<job-id>/g<generation>-t<take>.<ext>`, a WAV master beside the take it was
/// made from, written to a temporary name, fsync'd and
/// linked into place (``AtomicFile``), and its size and SHA-256 recorded in the ledger. A path only ever holds one
/// take's bytes: when a file that is not this take's is already there (a ledger that was moved away, say), the take is saved
/// under the next free name (`g1-t1.2.mp3`) and the other file is left alone; a take's own recorded file that
/// went missing or was altered is restored in place. Names come from the manifest, never from provider
/// text; extensions come from a fixed list. A take whose recorded file is on disk with its hash is not fetched
/// again, wherever it is (format 1 ledgers recorded `<NN>-<song-id>-<take>.<ext>` beside the takes folder); a
/// missing or altered one is. A failed download never fails the job: it stays pending, the run exits 1, and the
/// next run fetches it without paying for anything.
final class MediaDownloader: Sendable {
    private let fetcher: any MediaFetcher
    private let store: LedgerStore
    private let manifestDirectory: URL
    private let outputDirectory: String
    private let kinds: [MediaKind]
    private let trackDigits: Int
    private let report: @Sendable (RunEvent) -> Void
    private let pause: @Sendable (Duration) async -> Void

    init(
        fetcher: any MediaFetcher, store: LedgerStore, manifestDirectory: URL, outputDirectory: String,
        kinds: [MediaKind], trackCount: Int, pause: @escaping @Sendable (Duration) async -> Void,
        report: @escaping @Sendable (RunEvent) -> Void
    ) {
        self.pause = pause
        self.fetcher = fetcher
        self.store = store
        self.manifestDirectory = manifestDirectory
        self.outputDirectory = outputDirectory
        self.kinds = kinds
        trackDigits = max(2, String(trackCount).count)
        self.report = report
    }

    /// The files `job` still needs: takes of any generation without a file of each kind, or whose file is
    /// missing or altered. Songs, extensions and joins keep their audio and cover under
    /// `takes/<NN>-<job-id>/`; a WAV job's master is saved beside the MP3 of the take it was made from. A take's
    /// recorded file is restored in place only when no other take records the same path (format 1 wrote a
    /// re-roll's takes over the earlier ones); otherwise the take gets its own file under `takes/`, and the other
    /// take's file is left alone.
    func pending(for job: JobSpec) -> [DownloadItem] {
        guard let song = job.song, let record = store.job(job.id) else { return [] }
        let wanted: [MediaKind]
        switch job {
        case .song, .extension, .join: wanted = kinds.filter { $0 != .wav }
        case .wav: wanted = kinds.contains(.wav) ? [.wav] : []
        case .persona, .lyrics: wanted = []
        }
        let takes = record.everyTake
        var claims: [String: Int] = [:]
        for file in takes.flatMap(\.result.files) { claims[file.path, default: 0] += 1 }
        var items: [DownloadItem] = []
        for found in takes {
            for kind in wanted {
                guard let url = found.result.downloadURL(for: kind) else { continue }
                var recorded = found.result.file(kind)
                if let file = recorded, isIntact(file) { continue }
                if let file = recorded, claims[file.path, default: 0] > 1 { recorded = nil }
                let take = found.reference
                let place = kind == .wav ? convertedTake(of: job, clip: found.result.resultID) : nil
                let path = takePath(
                    track: song.track, job: place?.job ?? job.id, take: place?.take ?? take, kind: kind, url: url)
                items.append(
                    DownloadItem(
                        job: job.id, take: take, kind: kind, url: url, relativePath: recorded?.path ?? path,
                        restoresRecordedFile: recorded != nil, finishedAtMs: found.attempt.finishedAtMs))
            }
        }
        return items
    }

    /// The job and take a WAV job's master was made from, found by its clip id, so that the WAV is saved beside
    /// that take's MP3; nil when no take of the source has that clip.
    private func convertedTake(of job: JobSpec, clip: String?) -> (job: String, take: TakeRef)? {
        guard case .wav(let wav) = job, let clip, let source = store.job(wav.source),
            let found = source.everyTake.first(where: { $0.result.resultID == clip })
        else { return nil }
        return (wav.source, found.reference)
    }

    /// Fetches `item` (up to three tries), saves it without replacing any file and records it. Returns why it
    /// failed, or nil when it is saved.
    func download(_ item: DownloadItem) async -> String? {
        var lastError: any Error = CancellationError()
        for attempt in 1...3 {
            if Task.isCancelled { return "the run was interrupted before the file was saved" }
            do {
                let bytes = try await fetcher.fetch(item.url, maxBytes: MediaSettings.maxFileBytes)
                let file = try save(bytes, to: item.relativePath, kind: item.kind, restoring: item.restoresRecordedFile)
                try await store.appendDurably(
                    .downloadRecorded(job: item.job, take: item.take, resultID: nil, file: file))
                report(.downloaded(job: item.job, path: file.path, bytes: file.bytes))
                return nil
            } catch {
                lastError = error
                if attempt < 3 { await pause(.milliseconds(250 * attempt)) }
            }
        }
        let reason = ErrorSentence.describe(lastError)
        report(
            .downloadFailed(
                job: item.job,
                reason: "the \(item.kind.rawValue) of \(item.take) was not saved to \(item.relativePath): \(reason)"))
        return reason
    }

    private func isIntact(_ file: DownloadedFile) -> Bool {
        let url = resolve(file.path)
        guard let data = FileManager.default.contents(atPath: url.path), Int64(data.count) == file.bytes else {
            return false
        }
        return Digest.sha256Hex([UInt8](data)) == file.sha256
    }

    /// Writes `bytes` through a temporary file beside `relativePath` (``AtomicFile``): over the take's own recorded
    /// file when `restoring` (it is missing or altered, and these are its bytes), else under the first name that is
    /// free or already holds exactly these bytes.
    private func save(
        _ bytes: [UInt8], to relativePath: String, kind: MediaKind, restoring: Bool
    ) throws -> DownloadedFile {
        let destination = resolve(relativePath)
        let directory = destination.deletingLastPathComponent()
        try Self.makeDirectories(directory.path)
        let temporary = directory.appendingPathComponent(".\(destination.lastPathComponent).part").path
        let digest = Digest.sha256Hex(bytes)
        var candidate = relativePath
        do throws(FileWriteFailure) {
            if restoring {
                try AtomicFile.replace(destination.path, with: bytes, temporary: temporary)
            } else {
                try AtomicFile.writeTemporary(bytes, to: temporary)
                defer { unlink(temporary) }
                for copy in 1... {
                    if copy > 1 { candidate = Self.numbered(relativePath, copy) }
                    let path = resolve(candidate).path
                    if try AtomicFile.linkWithoutReplacing(temporary, at: path) { break }
                    if let existing = FileManager.default.contents(atPath: path),
                        Digest.sha256Hex([UInt8](existing)) == digest
                    {
                        break
                    }
                }
            }
        } catch {
            throw DownloadError.cannotWrite(error.path, errno: error.code)
        }
        return DownloadedFile(kind: kind, path: candidate, sha256: digest, bytes: Int64(bytes.count))
    }

    /// Creates `path` and its missing parents.
    private static func makeDirectories(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DownloadError.notAFolder(path) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw DownloadError.cannotCreateFolder(path, errno: errno)
        }
    }

    /// `takes/01-song/g1-t1.mp3` as `takes/01-song/g1-t1.2.mp3` for `copy` 2.
    private static func numbered(_ path: String, _ copy: Int) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "\(path).\(copy)" }
        return "\(path[..<dot]).\(copy)\(path[dot...])"
    }

    private func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : manifestDirectory.appendingPathComponent(path)
    }

    private func takePath(track: Int, job: String, take: TakeRef, kind: MediaKind, url: String) -> String {
        let track = String(track)
        let number = String(repeating: "0", count: max(0, trackDigits - track.count)) + track
        let folder = "takes/\(number)-\(job)"
        let name = "g\(take.generation)-t\(take.take).\(Self.fileExtension(for: kind, url: url))"
        let base = outputDirectory.hasSuffix("/") ? outputDirectory : outputDirectory + "/"
        return base + folder + "/" + name
    }

    /// The URL path's extension when it is a known media type of `kind`, else the kind's usual one.
    static func fileExtension(for kind: MediaKind, url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let suffix = path.split(separator: "/").last?.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch kind {
        case .audio: return ["mp3", "wav", "m4a", "ogg", "flac", "aac"].contains(suffix) ? suffix : "mp3"
        case .cover: return ["jpeg", "jpg", "png", "webp"].contains(suffix) ? suffix : "jpeg"
        case .wav: return "wav"
        }
    }
}

/// A media file could not be written.
enum DownloadError: Error, CustomStringConvertible {
    case cannotWrite(String, errno: Int32)
    case cannotCreateFolder(String, errno: Int32)
    case notAFolder(String)

    var description: String {
        switch self {
        case .cannotWrite(let path, let code):
            "cannot write \(path): \(String(cString: strerror(code))); check free space and permissions"
        case .cannotCreateFolder(let path, let code):
            "cannot create the folder \(path): \(String(cString: strerror(code))); check its permissions"
        case .notAFolder(let path):
            "\(path) is a file, but the takes go into a folder of that name; move the file away"
        }
    }
}
