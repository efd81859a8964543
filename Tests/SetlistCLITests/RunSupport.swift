import Foundation
import SetlistSimulator
import SetlistTestSupport

/// A copy of an example album in a temporary directory, pointed at a simulator, with its own key.
struct AlbumWorkspace {
    let directory: URL
    let manifest: URL
    static let key = "test-key-5b9e1f0c2d7a4e8b"

    /// Copies `manifests/<example>` (and its lyrics) and points its provider at `baseURL`. `edit` may change
    /// the manifest text further.
    init(example: String, baseURL: String?, edit: (String) -> String = { $0 }) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("setlist-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = CLIRunner.repositoryRoot.appendingPathComponent("manifests")
        try FileManager.default.copyItem(
            at: source.appendingPathComponent("lyrics"), to: directory.appendingPathComponent("lyrics"))
        var text = try String(contentsOf: source.appendingPathComponent(example), encoding: .utf8)
        if let baseURL {
            if !text.contains("provider:\n") {
                text = text.replacingOccurrences(of: "\nsongs:\n", with: "\nprovider:\n  api: evolink\nsongs:\n")
            }
            text = text.replacingOccurrences(
                of: "provider:\n", with: "provider:\n  base_url: \(baseURL)\n  api_key_env: SETLIST_TEST_KEY\n")
            text = text.replacingOccurrences(of: "  api_key_env: EVOLINK_API_KEY\n", with: "")
        }
        manifest = directory.appendingPathComponent(example)
        try edit(text).write(to: manifest, atomically: true, encoding: .utf8)
    }

    /// A workspace already laid out in `directory`.
    init(existing directory: URL, manifest: URL) {
        self.directory = directory
        self.manifest = manifest
    }

    /// Runs `setlist run` on the manifest with the test key in the environment.
    func run(_ extra: [String] = []) async throws -> CLIResult {
        try await CLIRunner.run(
            ["run", manifest.path] + extra, in: directory, environment: ["SETLIST_TEST_KEY": Self.key])
    }

    /// Every file the run left, with its bytes.
    func writtenFiles() throws -> [(path: String, data: Data)] {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        var files: [(String, Data)] = []
        while let url = enumerator?.nextObject() as? URL {
            if let data = FileManager.default.contents(atPath: url.path) { files.append((url.path, data)) }
        }
        return files
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension SimulatorHarness {
    /// Starts a simulator on the wall clock that knows the workspaces' key.
    static func start(
        speed: Double = 200, credits: Int? = nil, rateLimit: Int? = nil, faults: String = "", seed: UInt64 = 11,
        shape: String = "", stockNewAPI: Bool = false, evolinkBatch: Bool = true
    ) async throws -> SimulatorHarness {
        try await startOnWallClock(
            SimulatorConfiguration(
                apiKeys: [AlbumWorkspace.key], creditsPerKey: credits, rateLimitPerMinute: rateLimit, seed: seed,
                speed: speed, faults: try FaultConfiguration(spec: faults), answerShape: try AnswerShape(spec: shape),
                stockNewAPI: stockNewAPI, evolinkBatch: evolinkBatch))
    }

    /// `GET /_sim/<path>` as a JSON object.
    func admin(_ path: String) async throws -> [String: Any] {
        let reply = try await send(.GET, "/_sim/" + path, key: nil)
        let object = try JSONSerialization.jsonObject(with: Data(reply.body))
        return object as? [String: Any] ?? [:]
    }

    /// The tasks the simulator created, as `/_sim/tasks` lists them.
    func tasks() async throws -> [[String: Any]] {
        try await admin("tasks")["tasks"] as? [[String: Any]] ?? []
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The figure `/_sim/stats` gives in `section` for the account of API key `key`; the simulator names
    /// accounts by ``SimulatorAccount/name(forKey:)``, never by the key.
    func account(_ section: String, key: String) -> Any? {
        value(section, SimulatorAccount.name(forKey: key))
    }

    /// A nested value by a path of keys.
    func value(_ path: String...) -> Any? {
        var current: Any? = self
        for key in path { current = (current as? [String: Any])?[key] }
        return current
    }
}
