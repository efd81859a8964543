import ArgumentParser
import SetlistCore

/// `setlist validate MANIFEST...`: checks manifests offline, prints every diagnostic, exits 0 or 2.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests offline: every rule and provider limit, before anything is sent.",
        discussion: "Diagnostics go to standard error as path:line:col: severity: message. Manifests checked "
            + "together must not share a ledger or an output folder. Exit 0 when every manifest is valid (warnings "
            + "allowed), 2 otherwise."
    )

    @Argument(help: "Manifest files to check.")
    var manifests: [String]

    func run() throws {
        let sessions = CommandSupport.loadSessions(for: manifests, simulate: false)
        for case let session? in sessions {
            print(
                "\(session.path): ok (\(Self.count(session.manifest.songs.count, "song")), "
                    + "\(Self.count(session.manifest.personas.count, "persona")))")
        }
        if sessions.contains(where: { $0 == nil }) { throw ExitStatus.usage }
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
