import ArgumentParser
import Foundation
import SetlistCore
import SetlistEngine

/// `setlist status MANIFEST`: the ledger as a table, with totals and what the next run would do.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every job as the ledger records it, totals, and what the next run would do.",
        discussion: "Reads the manifest and its ledger (the simulated one with --simulate); sends and writes nothing."
    )

    @Argument(help: "The manifest whose ledger to show.")
    var manifest: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Show the simulated run's ledger (<stem>.sim.ledger.json).")
    var simulate = false

    func run() throws {
        let sessions = try CommandSupport.sessions(for: [manifest], simulate: simulate)
        for session in sessions {
            let report = try Self.report(session)
            print(json ? try report.json() : report.text, terminator: "")
        }
    }

    /// The status of `session`'s jobs against its ledger, with the decisions a plain `run` would make.
    static func report(_ session: AlbumSession) throws -> StatusReport {
        let loaded = try session.loadLedger()
        for warning in loaded.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        let decisions = session.decisions(against: loaded.ledger)
        return StatusReport(
            album: session.manifest.album, ledgerPath: session.ledgerPath, graph: session.graph,
            ledger: loaded.ledger, decisions: decisions, downloads: session.manifest.output.download,
            albumFolder: StatusReport.AlbumFolderStatus(
                AlbumLayout(manifest: session.manifest, ledger: loaded.ledger), songs: session.manifest.songs.count))
    }
}
