import Foundation
import SetlistEngine
import SetlistTestSupport
import Testing

/// The line types and fields docs/LOGGING.md documents for `run --log-format json`, read from its tables.
struct DocumentedLog {
    /// The fields every line has.
    static let common: Set<String> = ["event", "time", "message"]

    /// Each line type's fields besides the common ones, and whether each may be left out.
    var types: [String: (required: Set<String>, optional: Set<String>)] = [:]
    /// Every field the field tables describe.
    var described: Set<String> = []

    init() throws {
        let page = try String(
            contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("docs/LOGGING.md"), encoding: .utf8)
        var table = ""
        for line in page.split(separator: "\n").map(String.init) {
            guard line.hasPrefix("|") else {
                table = ""
                continue
            }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if table.isEmpty {
                table = cells[1]
                continue
            }
            guard cells[1].hasPrefix("`") else { continue }
            if table == "field" {
                described.formUnion(Self.names(in: cells[1]))
            } else if table == "`event`" {
                let items = cells[2].split(separator: ",").map(String.init)
                let optional = Set(items.filter { $0.contains("(optional)") }.flatMap(Self.names))
                let required = Set(items.flatMap(Self.names)).subtracting(optional)
                types[Self.names(in: cells[1])[0]] = (required, optional)
            }
        }
    }

    /// The words in backticks in `text`.
    static func names(in text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .compactMap { $0.offset % 2 == 1 ? String($0.element) : nil }
    }

    /// Why a line of type `event` with the fields `keys` does not match the page, or nil when it does.
    func problem(event: String, keys: Set<String>) -> String? {
        guard let type = types[event] else { return "the line type '\(event)' is not documented" }
        let allowed = Self.common.union(type.required).union(type.optional)
        let missing = Self.common.union(type.required).subtracting(keys)
        let extra = keys.subtracting(allowed)
        guard missing.isEmpty, extra.isEmpty else {
            return "'\(event)' lacks \(missing.sorted()) and has undocumented \(extra.sorted())"
        }
        return nil
    }
}

@Suite("run --log-format json, against docs/LOGGING.md")
struct JSONLogCLITests {
    /// One of every event, with and without each optional field.
    static let everyEvent: [RunEvent] = [
        .started(album: "A", jobs: 2, submit: 1, poll: 0, skip: 1, simulated: true), .warning("Look."),
        .submitting(job: "a", attempt: 1), .accepted(job: "a", attempt: 1, taskID: "task-unified-1-x", credits: 8),
        .accepted(job: "a", attempt: 1, taskID: "task-unified-1-x", credits: nil),
        .progress(job: "a", status: .processing, percent: 40), .progress(job: "a", status: .pending, percent: nil),
        .completed(job: "a", detail: "2 takes"), .retrying(job: "a", attempt: 2, delay: .seconds(5), reason: "503"),
        .failed(job: "a", reason: "Refused."), .blocked(job: "b", cause: "a"), .held(job: "a", reason: "Unknown."),
        .stopped(reason: "Out of credits."), .downloaded(job: "a", path: "out/a.mp3", bytes: 3),
        .downloadFailed(job: "a", reason: "Disk full."), .pickUnresolved(job: "a", reason: "No take 3."),
        .downloadsPending(files: ["out/a.mp3 (disk full)"]),
        .albumWritten(folder: "/album", tracks: 1, songs: 2, changed: 1), .albumFailed(reason: "Disk full."),
    ]

    @Test func everyEventHasExactlyTheDocumentedFieldsAndEveryDocumentedTypeExists() throws {
        let documented = try DocumentedLog()
        for event in Self.everyEvent {
            let keys = DocumentedLog.common.union(event.fields.keys)
            #expect(documented.problem(event: event.name, keys: keys) == nil, "\(event)")
        }
        #expect(Set(Self.everyEvent.map(\.name)).union(["summary"]) == Set(documented.types.keys))
        let used = documented.types.values.reduce(DocumentedLog.common) {
            $0.union($1.required).union($1.optional)
        }
        #expect(used.subtracting(documented.described).isEmpty, "fields without a meaning on the page")
    }

    @Test func everyLineOfARunUnderFaultsIsADocumentedJSONObject() async throws {
        let documented = try DocumentedLog()
        let simulator = try await SimulatorHarness.start(faults: "fail=0.4,5xx=0.1", seed: 23)
        let workspace = try AlbumWorkspace(example: "album.yaml", baseURL: simulator.baseURL) {
            $0.replacingOccurrences(of: "backoff: {initial: 5s, max: 2m}", with: "backoff: {initial: 1s, max: 1s}")
        }
        defer { workspace.remove() }
        let result = try await workspace.run(["--log-format", "json"])
        await simulator.stop()
        #expect([0, 1].contains(result.exitCode), "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.hasSuffix("\n"))
        var seen: Set<String> = []
        for line in result.stdout.split(separator: "\n") {
            let parsed = try? JSONSerialization.jsonObject(with: Data(line.utf8))
            let object = try #require(parsed as? [String: Any], "not a JSON object: \(line)")
            #expect(object.values.allSatisfy { $0 is String }, "a value is not a string: \(line)")
            let event = try #require(object["event"] as? String)
            #expect(documented.problem(event: event, keys: Set(object.keys)) == nil, "\(line)")
            #expect((object["time"] as? String).flatMap { try? Date.ISO8601FormatStyle().parse($0) } != nil)
            seen.insert(event)
        }
        let always: Set = ["run_started", "submitting", "accepted", "completed", "downloaded", "summary"]
        #expect(always.isSubset(of: seen), "seen: \(seen.sorted())")
    }
}
