import Yams

/// The outcome of loading a manifest: the resolved manifest when it has no errors, and every diagnostic.
public struct ManifestLoadResult: Sendable {
    /// The resolved manifest; nil exactly when `diagnostics` contains an error.
    public var manifest: ResolvedManifest?
    /// Every error and warning, ordered by position.
    public var diagnostics: [Diagnostic]

    /// Creates a load result.
    public init(manifest: ResolvedManifest?, diagnostics: [Diagnostic]) {
        self.manifest = manifest
        self.diagnostics = diagnostics
    }
}

/// Parses, checks and resolves manifests (DESIGN §2). It reads no files itself: the caller hands in the text
/// and a function that returns the contents of a `lyrics_file`.
public enum ManifestLoader {
    /// The largest manifest read: far above any album's needs (a thousand songs with their lyrics inline fit),
    /// and small enough that parsing it takes a bounded amount of memory.
    public static let maxManifestBytes = 4 << 20

    /// Loads a manifest from its text.
    ///
    /// `manifestFileName` is the manifest's file name (for the default ledger `<stem>.ledger.json`);
    /// `readLyrics` is called with each `lyrics_file` path exactly as written (relative to the manifest dir);
    /// the caller does the I/O. Every rule is checked, and all diagnostics are returned, not just the first.
    /// A leading byte-order mark is ignored, as editors do.
    public static func load(
        text: String, manifestFileName: String, readLyrics: (String) throws -> String
    ) -> ManifestLoadResult {
        if let tooLarge = sizeProblem(bytes: text.utf8.count) { return failure(tooLarge) }
        var text = text
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text, .basic), !isEmptyDocument(composed) else {
                return failure(
                    .error(
                        at: SourceLocation(line: 1, column: 1),
                        "the manifest is empty; start it "
                            + "with setlist: 1, album: and a songs: list."))
            }
            root = composed
        } catch {
            return failure(diagnostic(for: error, in: text))
        }
        var reader = RawManifestReader()
        guard let raw = reader.read(root: root) else {
            return ManifestLoadResult(manifest: nil, diagnostics: deduplicated(reader.diagnostics))
        }
        return withoutActuallyEscaping(readLyrics) { readLyrics in
            var resolver = ManifestResolver(raw: raw, manifestFileName: manifestFileName, readLyrics: readLyrics)
            let manifest = resolver.resolve()
            let diagnostics = deduplicated((reader.diagnostics + resolver.diagnostics).sortedByPosition())
            return ManifestLoadResult(manifest: diagnostics.containsErrors ? nil : manifest, diagnostics: diagnostics)
        }
    }

    /// Loads a manifest from the bytes of its file. Bytes that are not UTF-8 text (binary data, another
    /// encoding) give a located error instead of a crash.
    public static func load(
        bytes: [UInt8], manifestFileName: String, readLyrics: (String) throws -> String
    ) -> ManifestLoadResult {
        if let tooLarge = sizeProblem(bytes: bytes.count) { return failure(tooLarge) }
        switch TextDecoding.decode(bytes) {
        case .success(let text):
            return load(text: text, manifestFileName: manifestFileName, readLyrics: readLyrics)
        case .failure(let problem):
            return failure(.error(at: problem.location, problem.message))
        }
    }

    /// The error for a manifest of `bytes` bytes when that is over ``maxManifestBytes``; checked before
    /// anything is parsed.
    public static func sizeProblem(bytes: Int) -> Diagnostic? {
        guard bytes > maxManifestBytes else { return nil }
        return .error(
            at: SourceLocation(line: 1, column: 1),
            "the manifest is \(bytes) bytes, more than the "
                + "\(maxManifestBytes >> 20) MiB a manifest may have; check that the right file was given, and keep long "
                + "lyrics in lyrics_file files.")
    }

    /// The diagnostics without repeats: a value reached through several YAML aliases is reported once, at its
    /// anchor, not once per alias.
    private static func deduplicated(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }
    }

    private static func failure(_ diagnostic: Diagnostic) -> ManifestLoadResult {
        ManifestLoadResult(manifest: nil, diagnostics: [diagnostic])
    }

    private static func isEmptyDocument(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && scalar.string.isEmpty
    }

    private static func diagnostic(for error: any Error, in text: String) -> Diagnostic {
        let advice = "check the indentation, the colons after keys, and quotes around text with ': ' or '#'."
        guard let yamlError = error as? YamlError else {
            return .error(at: SourceLocation(line: 1, column: 1), "the manifest is not valid YAML (\(error)).")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            if problem.hasPrefix("Maximum nesting level reached") {
                return .error(
                    at: SourceLocation(line: mark.line, column: mark.column),
                    "the manifest nests lists "
                        + "or mappings too deeply to read; a manifest needs a few levels, so look for brackets opened "
                        + "here and never closed.")
            }
            let duringWhat = context.map { " \($0.text)" } ?? ""
            return .error(
                at: SourceLocation(line: mark.line, column: mark.column),
                "the manifest is not valid YAML: \(problem)\(duringWhat); \(advice)")
        case .reader(let problem, let offset, _, _):
            return .error(
                at: TextDecoding.location(ofCharacter: offset ?? 0, in: text),
                "the manifest cannot be read as YAML text: \(problem); remove the character or save the file "
                    + "as UTF-8 text.")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return .error(
                at: SourceLocation(line: context.mark.line, column: context.mark.column),
                "key \(keys) appears more than once in the same mapping; keep one.")
        default:
            return .error(at: SourceLocation(line: 1, column: 1), "the manifest is not valid YAML (\(yamlError)).")
        }
    }
}
