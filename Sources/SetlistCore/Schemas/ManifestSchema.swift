/// The JSON Schema (2020-12) of manifest version 1, for editors' completion and hover help. `setlist schema
/// manifest` prints it. The build embeds `manifest.schema.json` beside this file (the repository's
/// `schemas/manifest.schema.json` links to it), so the file is the one copy. It checks structure, types and the
/// limits that hold on every model; `ManifestLoader` checks the rest (per-model lengths, references, cycles).
public enum ManifestSchema {
    /// The schema text, ending with a newline.
    public static let text = String(decoding: PackageResources.manifest_schema_json, as: UTF8.self)
}
