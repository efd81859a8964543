import ArgumentParser
import SetlistCore

/// `setlist validate MANIFEST...`: checks manifests offline, prints every diagnostic, exits 0 or 2.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests offline: every rule and provider limit, before anything is sent.",
        discussion: "Diagnostics go to standard error as path:line:col: severity: message. Exit 0 when every "
            + "manifest is valid (warnings allowed), 2 otherwise."
    )

    @Argument(help: "Manifest files to check.")
    var manifests: [String]

    func run() throws {
        var allValid = true
        for path in manifests {
            let result = ManifestFiles.load(path: path)
            ManifestFiles.printDiagnostics(result.diagnostics, path: path)
            guard let manifest = result.manifest else {
                allValid = false
                continue
            }
            print("\(path): ok (\(Self.count(manifest.songs.count, "song")), "
                + "\(Self.count(manifest.personas.count, "persona")))")
        }
        if !allValid { throw ExitStatus.usage }
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
