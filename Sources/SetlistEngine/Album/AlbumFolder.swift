import Foundation
import SetlistCore

/// Writes `<output.dir>/album/` from an ``AlbumLayout`` (DESIGN §9): each chosen take tagged as its track, the
/// cover and the playlist. Every file is written beside its target and renamed over it; a file whose bytes would
/// not change is not written; tracks, covers and playlists the layout no longer names are removed; `takes/` is
/// only ever read.
public struct AlbumFolder: Sendable {
    /// The album's output folder (`output.dir`), absolute.
    public var outputDirectory: String
    /// The folder the ledger's file paths are relative to: the manifest's.
    public var manifestDirectory: String
    /// The folder the album is written to, `<output.dir>/album`.
    public var path: String { outputDirectory + "/album" }

    /// Creates a writer for the album under `outputDirectory`, reading takes the ledger names relative to
    /// `manifestDirectory`.
    public init(outputDirectory: String, manifestDirectory: String) {
        self.outputDirectory = outputDirectory
        self.manifestDirectory = manifestDirectory
    }

    /// Brings the folder in line with `layout` and returns what changed.
    /// - Parameters:
    ///   - album: The album's name for the album frame.
    ///   - credits: Artist, year and genre.
    ///   - coverFile: An image the manifest names as the album's cover (absolute); nil takes the first track's.
    public func write(
        _ layout: AlbumLayout, album: String?, credits: AlbumCredits, coverFile: String? = nil
    ) throws(AlbumFolderError) -> AlbumFolderChanges {
        try makeFolder()
        var changes = AlbumFolderChanges(folder: path, tracks: layout.tracks.count, missing: layout.missing)
        var kept: Set<String> = []
        var albumCover: (name: String, bytes: [UInt8])?
        if let coverFile {
            let bytes = try read(coverFile, absolute: true)
            albumCover = ("cover." + Self.imageExtension(of: coverFile), bytes)
        }
        for track in layout.tracks {
            let audio = try read(track.audio.path)
            let cover = try track.cover.map { file throws(AlbumFolderError) in
                (mimeType: Self.mimeType(of: file.path), data: try read(file.path))
            }
            if albumCover == nil, let cover, let file = track.cover {
                albumCover = ("cover." + Self.imageExtension(of: file.path), cover.data)
            }
            let tag = track.tag(album: album, credits: credits, cover: cover)
            let bytes: [UInt8]
            if track.fileName.lowercased().hasSuffix(".mp3") {
                do {
                    bytes = try tag.replacingTags(in: audio)
                } catch {
                    throw .cannotTag(track.audio.path, error)
                }
            } else {
                bytes = audio
            }
            try place(bytes, named: track.fileName, into: &changes)
            kept.insert(track.fileName)
            if let wav = track.wav, track.wavFileName != track.fileName {
                try place(try taggedWAV(wav.path, tag: tag), named: track.wavFileName, into: &changes)
                kept.insert(track.wavFileName)
            }
        }
        if let albumCover {
            try place(albumCover.bytes, named: albumCover.name, into: &changes)
            kept.insert(albumCover.name)
        }
        try place(Array(layout.playlist.utf8), named: layout.playlistName, into: &changes)
        kept.insert(layout.playlistName)
        try removeStale(keeping: kept, into: &changes)
        return changes
    }

    /// The WAV master at `path` with `tag` in its `id3 ` chunk.
    private func taggedWAV(_ path: String, tag: ID3Tag) throws(AlbumFolderError) -> [UInt8] {
        let wave = try read(path)
        let encoded: [UInt8]
        do {
            encoded = try tag.encoded()
        } catch {
            throw .cannotTag(path, error)
        }
        do {
            return try WAVTagging.replacingTag(in: wave, with: encoded)
        } catch {
            throw .notWAVE(path, error)
        }
    }

    private func makeFolder() throws(AlbumFolderError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            guard isDirectory.boolValue, attributes?[.type] as? FileAttributeType == .typeDirectory else {
                throw .notAFolder(path)
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path, ErrorSentence.describe(error))
        }
    }

    private func read(_ file: String, absolute: Bool = false) throws(AlbumFolderError) -> [UInt8] {
        let location = absolute || file.hasPrefix("/") ? file : manifestDirectory + "/" + file
        guard let data = FileManager.default.contents(atPath: location) else { throw .takeMissing(location) }
        return [UInt8](data)
    }

    /// Writes `bytes` as `name` unless the file already holds exactly them.
    private func place(_ bytes: [UInt8], named name: String, into changes: inout AlbumFolderChanges)
        throws(AlbumFolderError)
    {
        let target = path + "/" + name
        if let existing = FileManager.default.contents(atPath: target), [UInt8](existing) == bytes {
            return
        }
        do {
            try AtomicFile.replace(target, with: bytes, temporary: path + "/.\(name).setlist-tmp")
        } catch {
            throw .cannotWrite(
                target, "could not \(error.operation) '\(error.path)' (\(String(cString: strerror(error.code))))")
        }
        changes.written.append(name)
    }

    /// Removes the tracks, covers, playlists and leftover temporary files of earlier layouts; any other file a
    /// person put in the folder stays.
    private func removeStale(keeping kept: Set<String>, into changes: inout AlbumFolderChanges)
        throws(AlbumFolderError)
    {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names.sorted() where !kept.contains(name) && Self.isOurs(name) {
            if unlink(path + "/" + name) != 0, errno != ENOENT {
                throw .cannotWrite(path + "/" + name, String(cString: strerror(errno)))
            }
            changes.removed.append(name)
        }
    }

    /// Whether `name` is a file this writer makes: `<digits> - <title>.<ext>`, `cover.<ext>`, `*.m3u8`, or a
    /// temporary file of an interrupted write.
    static func isOurs(_ name: String) -> Bool {
        if name.hasPrefix("."), name.hasSuffix(".setlist-tmp") { return true }
        if name.hasSuffix(".m3u8") || name.hasPrefix("cover.") { return true }
        let digits = name.prefix { $0.isASCII && $0.isNumber }
        return digits.count >= 2 && name.dropFirst(digits.count).hasPrefix(" - ")
    }

    /// The image's MIME type from its file name; PNG, JPEG and WebP, else `image/jpeg`, which players assume.
    static func mimeType(of file: String) -> String {
        switch imageExtension(of: file) {
        case "png": "image/png"
        case "webp": "image/webp"
        default: "image/jpeg"
        }
    }

    private static func imageExtension(of file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        guard let dot = name.lastIndex(of: ".") else { return "jpg" }
        let ext = name[name.index(after: dot)...].lowercased()
        return ext == "jpeg" ? "jpg" : ext
    }
}

/// What writing the album folder changed.
public struct AlbumFolderChanges: Sendable, Hashable {
    /// The album folder.
    public var folder: String
    /// How many tracks the folder holds.
    public var tracks: Int
    /// The songs left out, and why.
    public var missing: [AlbumGap]
    /// File names written (new or changed), in the order written.
    public var written: [String] = []
    /// File names removed, sorted.
    public var removed: [String] = []
}

/// Why the album folder could not be written.
public enum AlbumFolderError: Error, Sendable, CustomStringConvertible {
    /// The album path exists and is not a folder (or is a link).
    case notAFolder(String)
    /// A take or cover file the ledger records is not there.
    case takeMissing(String)
    /// A take's existing ID3 tag is damaged.
    case cannotTag(String, ID3TagError)
    /// A file could not be written or removed.
    case cannotWrite(String, String)
    /// A WAV master is not a RIFF/WAVE file the writer can tag.
    case notWAVE(String, WAVTagging.Problem)

    /// A sentence saying what happened, where, and what to do.
    public var description: String {
        switch self {
        case .notAFolder(let path):
            "The album folder '\(path)' exists but is not a folder. Move it away, then run setlist album again."
        case .takeMissing(let path):
            "The take '\(path)' that the ledger records is missing. Run setlist run again to download it, then "
                + "setlist album."
        case .cannotTag(let path, .damagedTag(let claimed, let available)):
            "The take '\(path)' starts with a damaged ID3 tag (it claims \(claimed) bytes, the file has "
                + "\(available)), so it was not copied into the album. Re-roll the song or pick another take."
        case .cannotTag(let path, _):
            "The tag for '\(path)' would be larger than ID3 allows (256 MiB); use a smaller cover image."
        case .notWAVE(let path, let problem):
            "The WAV master '\(path)' cannot be tagged: \(problem). Fetch it again with setlist run --force "
                + "<song>.wav, then run setlist album again."
        case .cannotWrite(let path, let reason):
            "Could not write the album file '\(path)': \(reason). Check the folder's permissions and free space, "
                + "then run setlist album again."
        }
    }
}
