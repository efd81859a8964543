import Foundation
import SetlistCore
import SetlistEngine

extension AlbumSession {
    /// The album's output folder (`output.dir`), absolute.
    var outputFolder: String {
        Self.resolve(outputDirectory, in: manifestFolder)
    }

    /// Brings `<output.dir>/album/` in line with the picks `ledger` records (DESIGN §9) and says what it did;
    /// nil when there is nothing to write: no song has a take yet and there is no album folder to tidy.
    func writeAlbum(from ledger: Ledger) -> RunEvent? {
        let layout = AlbumLayout(manifest: manifest, ledger: ledger)
        let folder = AlbumFolder(outputDirectory: outputFolder, manifestDirectory: manifestFolder)
        guard !layout.tracks.isEmpty || FileManager.default.fileExists(atPath: folder.path) else { return nil }
        do {
            let changes = try folder.write(layout, album: manifest.album, credits: manifest.credits)
            return .albumWritten(
                folder: changes.folder, tracks: changes.tracks, songs: manifest.songs.count,
                changed: changes.written.count + changes.removed.count)
        } catch {
            return .albumFailed(reason: error.description)
        }
    }
}
