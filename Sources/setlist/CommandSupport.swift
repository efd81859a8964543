import ArgumentParser
import Foundation
import SetlistCore
import SetlistEngine

/// Steps several commands share: loading manifests into sessions, reading keys, checking output files.
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

    /// The API key: from `file` when given, else from the environment variable the manifest names. Whitespace
    /// around it (the newline `KEY=$(cat key.txt)` or an editor leaves) is removed; a key that still holds a
    /// control character, a space or a non-ASCII character is refused before anything is sent, in a message that
    /// names where the key came from and never shows it.
    static func apiKey(for manifest: ResolvedManifest, file: String?) throws -> String {
        let source: String
        let raw: String
        if let file {
            source = "the key file '\(file)'"
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("Cannot read an API key from '\(file)'; check the path and its permissions.")
            }
            raw = String(decoding: data, as: UTF8.self)
        } else {
            let variable = manifest.provider.apiKeyEnvironmentVariable
            source = "the environment variable \(variable)"
            guard let value = ProcessInfo.processInfo.environment[variable] else {
                throw ValidationError(missingKey(variable: variable))
            }
            raw = value
        }
        let key = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else {
            throw ValidationError(
                "The API key in \(source) is empty; put the key there (or pass --api-key-file), "
                    + "or add --simulate to try the album without a key or payment.")
        }
        if let problem = unsendable(key) {
            throw ValidationError(
                "The API key in \(source) contains \(problem), which an API key never has and an "
                    + "HTTP header cannot carry, so nothing was sent. Set the key again without it and run again.")
        }
        return key
    }

    /// What in `key` cannot be sent as a bearer token, or nil.
    private static func unsendable(_ key: String) -> String? {
        for scalar in key.unicodeScalars {
            if !scalar.isASCII { return "a non-ASCII character" }
            if scalar.value < 0x20 || scalar.value == 0x7F { return "a control character" }
            if scalar == " " { return "a space" }
        }
        return nil
    }

    /// The message for a variable that is not set. The name comes from the manifest, so when it looks like a key
    /// itself (someone wrote the key into `api_key_env`) it is not repeated.
    private static func missingKey(variable: String) -> String {
        let looksLikeKey =
            variable.count >= 20 && variable.contains(where: \.isNumber)
            && variable.contains(where: \.isLowercase)
            || variable.count >= 32 && !variable.contains("_")
        guard !looksLikeKey else {
            return "provider.api_key_env in the manifest looks like an API key itself, not the name of an "
                + "environment variable. Put the key in a variable such as EVOLINK_API_KEY, write that variable's "
                + "name in api_key_env, and remove the key from the manifest (and its history, if it was committed)."
        }
        return "The API key is missing: set \(variable) (or pass --api-key-file); to try the album without a key "
            + "or payment, add --simulate."
    }

    /// The files a requested output (`--metrics-file`, `report -o`) must never replace: every manifest on the
    /// command line, the ledger, journal and lock of each, and the folder of its paid takes, for real and
    /// simulated runs.
    static func protectedFiles(_ sessions: [AlbumSession]) -> [OutputFile.Protected] {
        sessions.flatMap { session in
            var files = [OutputFile.Protected(path: session.path, role: "the manifest '\(session.path)'")]
            for simulate in [false, true] {
                let variant = AlbumSession(
                    path: session.path, manifest: session.manifest, graph: session.graph, simulate: simulate)
                let ledger = variant.ledgerPath
                let album = "of '\(session.path)'"
                let journal = LedgerStore.journalPath(for: ledger)
                files += [
                    OutputFile.Protected(path: ledger, role: "the ledger \(album)"),
                    OutputFile.Protected(path: journal, role: "the ledger journal \(album)"),
                    OutputFile.Protected(path: RunLock.lockPath(forLedger: ledger), role: "the run lock \(album)"),
                    OutputFile.Protected(
                        path: variant.takesFolder, role: "a file in the folder of paid takes \(album)", isFolder: true),
                ]
            }
            return files
        }
    }

    /// Checks a requested output file when the command starts; a refusal is a usage error (exit 2).
    static func outputFile(
        _ path: String, purpose: String, option: String, sessions: [AlbumSession], createsDirectories: Bool
    ) throws -> OutputFile {
        do {
            return try OutputFile(
                path: path, purpose: purpose, option: option, protecting: protectedFiles(sessions),
                createsDirectories: createsDirectories)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
