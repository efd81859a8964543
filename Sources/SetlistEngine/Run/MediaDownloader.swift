import Foundation
import SetlistCore

/// One file to fetch for one result of a song.
struct DownloadItem: Sendable, Hashable {
    var job: String
    var resultID: String
    var kind: MediaKind
    var url: String
    /// Where the file goes, relative to the manifest's directory (as the ledger records it).
    var relativePath: String
}

/// Keeps a run's media: every result's audio (and cover, when asked) is saved as
/// `<output.dir>/<NN>-<song-id>-<take>.<ext>`, written to a temporary name, fsync'd and renamed, and its size
/// and SHA-256 recorded in the ledger. Names come from the manifest, never from provider text; extensions
/// come from a fixed list. A file already on disk with the recorded hash is not fetched again; a missing or
/// altered one is. A failed download never fails the job: it is reported, and the next run tries again.
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

    /// The files `song` still needs: results without a file of each kind, or whose file is missing or altered.
    func pending(for song: Song) -> [DownloadItem] {
        guard let record = store.job(song.id), record.state == .completed else { return [] }
        var items: [DownloadItem] = []
        for (index, result) in record.results.enumerated() {
            for kind in kinds {
                guard let url = kind == .audio ? result.audioURL ?? result.streamAudioURL : result.imageURL else {
                    continue
                }
                if let file = result.file(kind), isIntact(file) { continue }
                let path = fileName(song: song, take: index + 1, kind: kind, url: url)
                items.append(DownloadItem(job: song.id, resultID: result.resultID, kind: kind, url: url,
                                          relativePath: path))
            }
        }
        return items
    }

    /// Fetches `item` (up to three tries), saves it atomically and records it. Returns whether it succeeded.
    @discardableResult
    func download(_ item: DownloadItem) async -> Bool {
        var lastError: any Error = CancellationError()
        for attempt in 1...3 {
            if Task.isCancelled { return false }
            do {
                let bytes = try await fetcher.fetch(item.url, maxBytes: MediaSettings.maxFileBytes)
                let file = try save(bytes, to: item.relativePath, kind: item.kind)
                try await store.appendDurably(.downloadRecorded(job: item.job, resultID: item.resultID, file: file))
                report(.downloaded(job: item.job, path: item.relativePath, bytes: file.bytes))
                return true
            } catch {
                lastError = error
                if attempt < 3 { await pause(.milliseconds(250 * attempt)) }
            }
        }
        report(.downloadFailed(job: item.job, reason: "\(item.relativePath): \(lastError)"))
        return false
    }

    private func isIntact(_ file: DownloadedFile) -> Bool {
        let url = resolve(file.path)
        guard let data = FileManager.default.contents(atPath: url.path), Int64(data.count) == file.bytes else {
            return false
        }
        return Digest.sha256Hex([UInt8](data)) == file.sha256
    }

    private func save(_ bytes: [UInt8], to relativePath: String, kind: MediaKind) throws -> DownloadedFile {
        let destination = resolve(relativePath)
        let directory = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(destination.lastPathComponent).part")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw DownloadError.cannotWrite(temporary.path, errno: errno) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else { throw DownloadError.cannotWrite(temporary.path, errno: errno) }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw DownloadError.cannotWrite(temporary.path, errno: errno) }
        guard rename(temporary.path, destination.path) == 0 else {
            throw DownloadError.cannotWrite(destination.path, errno: errno)
        }
        return DownloadedFile(kind: kind, path: relativePath, sha256: Digest.sha256Hex(bytes), bytes: Int64(bytes.count))
    }

    private func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : manifestDirectory.appendingPathComponent(path)
    }

    private func fileName(song: Song, take: Int, kind: MediaKind, url: String) -> String {
        let track = String(song.track)
        let number = String(repeating: "0", count: max(0, trackDigits - track.count)) + track
        let name = "\(number)-\(song.id)-\(take).\(Self.fileExtension(for: kind, url: url))"
        return outputDirectory.hasSuffix("/") ? outputDirectory + name : outputDirectory + "/" + name
    }

    /// The URL path's extension when it is a known media type of `kind`, else the kind's usual one.
    static func fileExtension(for kind: MediaKind, url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let suffix = path.split(separator: "/").last?.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch kind {
        case .audio: return ["mp3", "wav", "m4a", "ogg", "flac", "aac"].contains(suffix) ? suffix : "mp3"
        case .cover: return ["jpeg", "jpg", "png", "webp"].contains(suffix) ? suffix : "jpeg"
        }
    }
}

/// A media file could not be written.
enum DownloadError: Error, CustomStringConvertible {
    case cannotWrite(String, errno: Int32)

    var description: String {
        switch self {
        case .cannotWrite(let path, let code):
            "cannot write \(path): \(String(cString: strerror(code))); check free space and permissions"
        }
    }
}
