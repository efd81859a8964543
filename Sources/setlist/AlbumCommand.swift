import ArgumentParser
import Foundation
import SetlistCore
import SetlistEngine

/// `setlist album MANIFEST`: rebuilds the album folder from the ledger, offline.
struct AlbumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "album",
        abstract: "Rebuild the album folder (<output.dir>/album) from the ledger, offline.",
        discussion: """
            Each song's chosen take becomes '<NN> - <Title>.mp3' with ID3v2.4 tags (title, artist, album artist, \
            album, track n/N, year, genre, cover, lyrics, and where the take came from), beside cover.<ext> and \
            <album-slug>.m3u8. Only files whose bytes change are written; tracks the manifest no longer lists are \
            removed; takes/ is only read. A run does this by itself at its end; use this after changing a pick or \
            the album's credits. Sends nothing and pays nothing.
            """
    )

    @Argument(help: "The manifest whose album folder to rebuild.")
    var manifest: String

    @Flag(help: "Rebuild the simulated run's album (out-sim/, from <stem>.sim.ledger.json).")
    var simulate = false

    func run() throws {
        guard let session = try CommandSupport.sessions(for: [manifest], simulate: simulate).first else { return }
        let lock = try session.acquireLock { FileHandle.standardError.write(Data("error: \($0)\n".utf8)) }
            .get()
        defer { try? lock.release() }
        let loaded = try session.loadLedger()
        for warning in loaded.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        switch session.writeAlbum(from: loaded.ledger) {
        case .albumFailed(let reason)?:
            FileHandle.standardError.write(Data("error: \(reason)\n".utf8))
            throw ExitStatus.jobsFailed
        case let event?:
            print(event.message)
        case nil:
            print("album: no song of '\(session.manifest.album)' has a take yet; run setlist run first.")
        }
    }
}
