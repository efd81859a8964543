import ArgumentParser
import SetlistCore

/// `setlist schema manifest|ledger`: prints a JSON Schema.
struct SchemaCommand: ParsableCommand {
    /// The documents setlist publishes a schema for.
    enum Document: String, ExpressibleByArgument, CaseIterable {
        case manifest
        case ledger

        var text: String {
            switch self {
            case .manifest: ManifestSchema.text
            case .ledger: LedgerSchema.json
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
