import ArgumentParser
import Foundation
import SetlistCore
import SetlistEngine

/// Steps several commands share: loading manifests into sessions, reading selections and keys, combining
/// exit codes.
enum CommandSupport {
    /// Loads and validates every manifest, printing all diagnostics; exits 2 when any has an error. With
    /// `adoptLedger`, each session may take over a ledger that records another manifest's name.
    static func sessions(for paths: [String], simulate: Bool, adoptLedger: Bool = false) throws -> [AlbumSession] {
        let loaded = loadSessions(for: paths, simulate: simulate)
        var sessions: [AlbumSession] = []
        for case var session? in loaded {
            session.adoptsLedger = adoptLedger
            sessions.append(session)
        }
        if sessions.count < paths.count { throw ExitStatus.usage }
        return sessions
    }

    /// Loads every manifest and checks that no two of them share a ledger or an output folder, printing every
    /// diagnostic; the session is nil for each manifest with an error.
    static func loadSessions(for paths: [String], simulate: Bool) -> [AlbumSession?] {
        var sessions: [AlbumSession?] = paths.map { path in
            let result = ManifestFiles.load(path: path)
            ManifestFiles.printDiagnostics(result.diagnostics, path: path)
            guard let manifest = result.manifest else { return nil }
            do {
                let graph = try JobGraph(manifest: manifest)
                return AlbumSession(path: path, manifest: manifest, graph: graph, simulate: simulate)
            } catch {
                ManifestFiles.printDiagnostics([.error(at: nil, "\(error)")], path: path)
                return nil
            }
        }
        let loaded = sessions.indices.compactMap { index in sessions[index].map { (index, $0.placement) } }
        let sharing = AlbumPlacement.sharingDiagnostics(loaded.map(\.1))
        for ((index, _), diagnostics) in zip(loaded, sharing) where !diagnostics.isEmpty {
            ManifestFiles.printDiagnostics(diagnostics, path: paths[index])
            sessions[index] = nil
        }
        return sessions
    }

    /// The `--only`/`--force` selection; unknown ids are a usage error with a suggestion.
    static func selection(
        only: String?, force: String?, resubmitUnknown: Bool, sessions: [AlbumSession]
    ) throws -> RunSelection {
        let known = Set(sessions.flatMap { $0.graph.jobs.map(\.id) })
        func ids(_ text: String?, option: String) throws -> Set<String>? {
            guard let text else { return nil }
            let ids = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for id in ids where !known.contains(id) {
                throw ValidationError("\(option): no job '\(id)' in the manifest\(Suggestion.clause(for: id, in: known))")
            }
            return Set(ids)
        }
        return RunSelection(
            only: try ids(only, option: "--only"), force: try ids(force, option: "--force") ?? [],
            resubmitUnknown: resubmitUnknown)
    }

    /// The API key: from `file` when given, else from the environment variable the manifest names.
    static func apiKey(for manifest: ResolvedManifest, file: String?) throws -> String {
        if let file {
            guard let data = FileManager.default.contents(atPath: file),
                let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !text.isEmpty
            else {
                throw ValidationError("cannot read an API key from '\(file)'; check the path and that it is not empty.")
            }
            return text
        }
        let variable = manifest.provider.apiKeyEnvironmentVariable
        guard let key = ProcessInfo.processInfo.environment[variable], !key.isEmpty else {
            throw ValidationError(
                "the API key is missing: set \(variable) (or pass --api-key-file); to try the album without a key "
                    + "or payment, add --simulate.")
        }
        return key
    }

    /// Writes `text` to `path` through a temporary file in the same directory, fsync and rename, so a reader
    /// never sees half a file.
    static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        let handle = try FileHandle(forWritingTo: {
            _ = FileManager.default.createFile(atPath: temporary.path, contents: nil)
            return temporary
        }())
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// One exit code for several albums: the most serious one.
    static func combined(_ codes: [Int32]) -> Int32 {
        for code: Int32 in [70, 3, 4, 75, 1] where codes.contains(code) { return code }
        return codes.first { $0 != 0 } ?? 0
    }
}
