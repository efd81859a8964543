/// Where one manifest's run keeps its files: its ledger and its output folder, as absolute paths with the
/// manifest's folder resolved (symlinks followed), so that two spellings of one file compare equal.
public struct AlbumPlacement: Sendable, Hashable {
    /// The manifest as the user named it, for messages.
    public var manifestPath: String
    /// The manifest's file as an absolute path, its folder's symlinks resolved.
    public var manifestFile: String
    /// The ledger file.
    public var ledger: String
    /// The output folder.
    public var outputDirectory: String
    /// Where the manifest sets these.
    public var locations: OutputLocations

    /// Creates a placement.
    public init(
        manifestPath: String, manifestFile: String, ledger: String, outputDirectory: String,
        locations: OutputLocations
    ) {
        self.manifestPath = manifestPath
        self.manifestFile = manifestFile
        self.ledger = ledger
        self.outputDirectory = outputDirectory
        self.locations = locations
    }

    /// How the ledger names this manifest: its path relative to the ledger's folder (`album.yaml` when the
    /// ledger is beside it, `../albums/album.yaml` when it is elsewhere).
    public var nameInLedger: String {
        let from = ledger.split(separator: "/").dropLast()
        let to = manifestFile.split(separator: "/")
        var common = 0
        while common < from.count, common < to.count - 1, from[from.startIndex + common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        return (ups + to.dropFirst(common).map(String.init)).joined(separator: "/")
    }

    /// The sentence refusing a ledger that records `recorded` as its manifest when that is another manifest,
    /// or nil when the ledger is this manifest's (or new). A ledger written before manifests were recorded
    /// relative to its folder names only the file name; that still matches.
    public func ownershipRefusal(recorded: String?) -> String? {
        guard let recorded else { return nil }
        let name = nameInLedger
        let fileName = name.split(separator: "/").last.map(String.init) ?? name
        guard recorded != name, recorded.contains("/") || recorded != fileName else { return nil }
        return "the ledger \(ledger) belongs to the manifest \(recorded) (relative to the ledger's folder), not to "
            + "\(manifestPath); two albums in one ledger would reset each other's jobs and pay for them again, so "
            + "nothing was sent. Give \(manifestPath) its own output.ledger. If it is \(recorded) renamed or moved, "
            + "move it back, or run setlist run \(manifestPath) --adopt-ledger once to make the ledger its own."
    }

    /// For each placement, an error for every ledger file or output folder it shares with another one of
    /// `placements`: two albums in one ledger pay twice, two albums in one folder overwrite each other's files.
    /// The same manifest named twice shares nothing with itself.
    public static func sharingDiagnostics(_ placements: [AlbumPlacement]) -> [[Diagnostic]] {
        var diagnostics = Array(repeating: [Diagnostic](), count: placements.count)
        var seen = Set<String>()
        let distinct = placements.filter { seen.insert($0.manifestFile).inserted }
        for (index, placement) in placements.enumerated() {
            for other in distinct where other.manifestFile != placement.manifestFile {
                if placement.ledger == other.ledger {
                    diagnostics[index].append(
                        .error(
                            at: placement.locations.ledger,
                            "the ledger \(placement.ledger) "
                                + "is also the ledger of \(other.manifestPath) (line \(other.locations.ledger.line)); two "
                                + "albums in one ledger would reset each other's jobs and pay for them again. Give each "
                                + "manifest its own output.ledger."))
                }
                if placement.outputDirectory == other.outputDirectory {
                    diagnostics[index].append(
                        .error(
                            at: placement.locations.directory,
                            "the output folder "
                                + "\(placement.outputDirectory) is also the output folder of \(other.manifestPath) (line "
                                + "\(other.locations.directory.line)); each album's run would overwrite the other's files. "
                                + "Give each manifest its own output.dir, or album names that differ in letters or digits."
                        ))
                }
            }
        }
        return diagnostics
    }
}
