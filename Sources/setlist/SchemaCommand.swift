import ArgumentParser
import SetlistCore

/// `setlist schema manifest`: prints a JSON Schema.
struct SchemaCommand: ParsableCommand {
    /// The documents setlist publishes a schema for.
    enum Document: String, ExpressibleByArgument, CaseIterable {
        case manifest

        var text: String {
            switch self {
            case .manifest: ManifestSchema.text
            }
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (2020-12) of a setlist file format."
    )

    @Argument(help: "Which schema to print: \(Document.allCases.map(\.rawValue).joined(separator: ", ")).")
    var document: Document

    func run() {
        print(document.text, terminator: "")
    }
}
