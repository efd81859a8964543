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
            print("\(session.path): ok (\(Self.counts(session.manifest)))")
        }
        if sessions.contains(where: { $0 == nil }) { throw ExitStatus.usage }
    }

    /// `7 songs, 1 persona`, with the lyrics jobs, extensions, joins and WAV masters when there are any.
    private static func counts(_ manifest: ResolvedManifest) -> String {
        let jobs = JobSpec.jobs(of: manifest)
        var parts = [count(manifest.songs.count, "song"), count(manifest.personas.count, "persona")]
        let more: [(JobKind, String)] = [
            (.lyrics, "lyrics job"), (.extension, "extension"), (.join, "join"), (.wav, "WAV master"),
        ]
        for (kind, noun) in more {
            let number = jobs.filter { $0.kind == kind }.count
            if number > 0 { parts.append(count(number, noun)) }
        }
        return parts.joined(separator: ", ")
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
