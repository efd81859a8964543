/// The JSON Schema (2020-12) of the ledger snapshot, format 2, which `setlist schema ledger` prints. The build
/// embeds `ledger.schema.json` beside this file (the repository's `schemas/ledger.schema.json` links to it), so the
/// executable prints it without reading files and the file is the one copy.
public enum LedgerSchema {
    /// The schema text, ending with a newline.
    public static let json = String(decoding: PackageResources.ledger_schema_json, as: UTF8.self)
}
