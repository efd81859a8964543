import ArgumentParser
import Foundation
import SetlistCore
import SetlistEngine

/// `setlist report MANIFEST`: writes the album page, one self-contained HTML file.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the album page: tracks, covers, audio players, persona lineage, jobs and run history.",
        discussion: """
            The page loads nothing from the network. Audio plays from the downloaded files by relative path, so \
            keep the page where it can reach them; covers up to 256 KiB are embedded as data: URIs. The default \
            output is <manifest-stem>.html beside the manifest (<stem>.sim.html with --simulate).
            """
    )

    /// Covers up to this size are embedded in the page; larger ones are linked.
    static let embeddedCoverLimit = 256 * 1024

    @Argument(help: "The manifest whose album page to write.")
    var manifest: String

    @Option(name: [.customShort("o"), .long], help: "Where to write the page.")
    var output: String?

    @Flag(help: "Report the simulated run's ledger (<stem>.sim.ledger.json).")
    var simulate = false

    func run() throws {
        guard let session = try CommandSupport.sessions(for: [manifest], simulate: simulate).first else { return }
        let manifestDirectory = URL(fileURLWithPath: manifest).deletingLastPathComponent().standardizedFileURL
        let page = URL(fileURLWithPath: output ?? defaultOutput(in: manifestDirectory)).standardizedFileURL
        let pageFile = try CommandSupport.outputFile(
            output ?? page.path, purpose: "the album page", option: "-o", sessions: [session],
            createsDirectories: true)
        let loaded = try session.loadLedger()
        for warning in loaded.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        let decisions = session.decisions(against: loaded.ledger)
        let report = AlbumReport(
            manifest: session.manifest, graph: session.graph, ledger: loaded.ledger, decisions: decisions,
            media: Self.media(
                of: loaded.ledger, manifestDirectory: manifestDirectory,
                pageDirectory: page.deletingLastPathComponent()))
        do {
            try pageFile.write(Array(report.render().utf8))
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitStatus.internalError
        }
        print("wrote \(page.path)")
    }

    private func defaultOutput(in directory: URL) -> String {
        let stem = URL(fileURLWithPath: manifest).deletingPathExtension().lastPathComponent
        return directory.appendingPathComponent(stem + (simulate ? ".sim.html" : ".html")).path
    }

    /// Where the page finds each downloaded file that exists on disk: small covers as data: URIs, everything
    /// else by a URL relative to the page.
    static func media(of ledger: Ledger, manifestDirectory: URL, pageDirectory: URL) -> [String: String] {
        var media: [String: String] = [:]
        for file in ledger.jobs.values.flatMap({ $0.generations.flatMap(\.results).flatMap(\.files) }) {
            let url =
                file.path.hasPrefix("/")
                ? URL(fileURLWithPath: file.path) : manifestDirectory.appendingPathComponent(file.path)
            let path = url.standardizedFileURL.path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { continue }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? Int.max
            if file.kind == .cover, size <= embeddedCoverLimit, let data = FileManager.default.contents(atPath: path) {
                media[file.path] = "data:\(imageType(of: data));base64,\(data.base64EncodedString())"
            } else {
                media[file.path] = AlbumReport.relativeURL(from: pageDirectory.path, to: path)
            }
        }
        return media
    }

    /// The image MIME type from the file's first bytes; JPEG when unrecognised, as the providers serve.
    private static func imageType(of data: Data) -> String {
        let bytes = [UInt8](data.prefix(12))
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: [0x47, 0x49, 0x46]) { return "image/gif" }
        if bytes.count >= 12, bytes[8...11].elementsEqual("WEBP".utf8) { return "image/webp" }
        return "image/jpeg"
    }
}
