import Foundation
import SetlistCore
import SetlistEngine
import Testing

@Suite("Prometheus text format of run metrics")
struct PrometheusTextFormatTests {
    static let albums = [
        RunMetrics(
            album: "Coastline Stories", jobsByState: [.completed: 7, .failed: 1],
            requests: [
                RequestKey(route: "submit", status: "200"): 9, RequestKey(route: "poll", status: "200"): 21,
                RequestKey(route: "poll", status: "429"): 2, RequestKey(route: "submit", status: "network_error"): 1,
            ],
            retries: 3, creditsReserved: 64.5, durationSeconds: 312.25, lastSuccessUnixTime: 1_763_723_346.12,
            outcome: .jobsFailed, downloadsPending: 2, oldestPendingTakeAgeSeconds: 4_000.5,
            jobsByKind: [.song: JobCount(completed: 5, total: 6), .join: JobCount(completed: 1, total: 1)]),
        RunMetrics(
            album: "Odd \"quoted\" \\ name\nwith a line feed", jobsByState: [:], requests: [:], retries: 0,
            creditsReserved: 0, durationSeconds: 0.5, lastSuccessUnixTime: nil, outcome: .interrupted),
    ]

    @Test func everyFamilyAppearsOnceWithHelpTypeAndParsableSamples() throws {
        let text = PrometheusTextFormat.render(Self.albums)
        let families = try ExpositionParser.parse(text)
        #expect(
            families.map(\.name) == [
                "setlist_jobs", "setlist_jobs_completed_by_kind", "setlist_jobs_by_kind", "setlist_requests",
                "setlist_retries", "setlist_credits_reserved",
                "setlist_run_duration_seconds", "setlist_last_success_timestamp_seconds", "setlist_run_outcome",
                "setlist_ledger_events_appended", "setlist_ledger_journal_bytes_appended", "setlist_downloads_pending",
                "setlist_oldest_pending_take_age_seconds", "setlist_run_exit_code",
            ])
        #expect(families.allSatisfy { $0.type == "gauge" && !$0.help.isEmpty })
        let jobs = try #require(families.first { $0.name == "setlist_jobs" })
        #expect(jobs.samples.count == JobState.allCases.count * 2)
        #expect(jobs.value(["album": "Coastline Stories", "state": "completed"]) == 7)
        #expect(jobs.value(["album": "Coastline Stories", "state": "blocked"]) == 0)
        let completedByKind = try #require(families.first { $0.name == "setlist_jobs_completed_by_kind" })
        #expect(completedByKind.samples.count == 2, "only the kinds the album has")
        #expect(completedByKind.value(["album": "Coastline Stories", "kind": "song"]) == 5)
        let byKind = try #require(families.first { $0.name == "setlist_jobs_by_kind" })
        #expect(byKind.value(["album": "Coastline Stories", "kind": "join"]) == 1)
        let requests = try #require(families.first { $0.name == "setlist_requests" })
        #expect(requests.value(["album": "Coastline Stories", "route": "poll", "status": "429"]) == 2)
        #expect(requests.samples.count == 4)
        let outcome = try #require(families.first { $0.name == "setlist_run_outcome" })
        #expect(outcome.value(["album": "Coastline Stories", "outcome": "jobs_failed"]) == 1)
        #expect(outcome.samples.filter { $0.value == 1 }.count == 2)
        let success = try #require(families.first { $0.name == "setlist_last_success_timestamp_seconds" })
        #expect(success.samples.count == 1)
        #expect(success.value(["album": "Coastline Stories"]) == 1_763_723_346.12)
        #expect(
            families.first { $0.name == "setlist_run_duration_seconds" }?
                .value(["album": "Coastline Stories"]) == 312.25)
        #expect(families.first { $0.name == "setlist_run_exit_code" }?.value(["album": "Coastline Stories"]) == 1)
        let pending = try #require(families.first { $0.name == "setlist_downloads_pending" })
        #expect(pending.value(["album": "Coastline Stories"]) == 2)
        #expect(pending.value(["album": "Odd \"quoted\" \\ name\nwith a line feed"]) == 0)
        let age = try #require(families.first { $0.name == "setlist_oldest_pending_take_age_seconds" })
        #expect(age.samples.count == 1, "an album with nothing pending has no age sample")
        #expect(age.value(["album": "Coastline Stories"]) == 4_000.5)
    }

    @Test func theOldestPendingTakeAgeCountsFromItsGenerationsFinish() {
        let pending = [
            PendingDownload(
                job: "a", take: TakeRef(generation: 1, take: 1), kind: .audio, path: "p", reason: nil,
                finishedAtMs: 10_000),
            PendingDownload(
                job: "b", take: TakeRef(generation: 2, take: 1), kind: .cover, path: "q", reason: "r",
                finishedAtMs: 70_000),
        ]
        #expect(RunMetrics.oldestPendingTakeAge(pending, nowMs: 100_000) == 90)
        #expect(RunMetrics.oldestPendingTakeAge([], nowMs: 100_000) == nil)
    }

    @Test func labelValuesAreEscapedAndRoundTrip() throws {
        let text = PrometheusTextFormat.render(Self.albums)
        #expect(text.contains(#"album="Odd \"quoted\" \\ name\nwith a line feed""#))
        let retries = try #require(try ExpositionParser.parse(text).first { $0.name == "setlist_retries" })
        #expect(Set(retries.samples.compactMap { $0.labels["album"] }) == Set(Self.albums.map(\.album)))
    }

    @Test func valuesAreSpelledAsTheFormatExpects() {
        #expect(PrometheusTextFormat.formatValue(3) == "3")
        #expect(PrometheusTextFormat.formatValue(0.25) == "0.25")
        #expect(PrometheusTextFormat.formatValue(.nan) == "NaN")
        #expect(PrometheusTextFormat.formatValue(.infinity) == "+Inf")
        #expect(PrometheusTextFormat.formatValue(-.infinity) == "-Inf")
    }

    @Test func noAlbumsRenderNothing() {
        #expect(PrometheusTextFormat.render([]) == "")
    }

    @Test func metricsFollowTheLedger() throws {
        let ledger = try LedgerFixture.fold(
            LedgerFixture.albumRun() + [
                .runStarted(
                    run: "run-2", at: LedgerFixture.t0 + 400_000, album: "Summer Roadtrip",
                    manifest: "summer.yaml", provider: LedgerFixture.provider),
                .runFinished(
                    run: "run-2", at: LedgerFixture.t0 + 500_000, outcome: .completed, exitCode: 0, skipped: 4,
                    polls: 0, requests: 0),
            ])
        #expect(RunMetrics.lastSuccessUnixTime(in: ledger) == Double(LedgerFixture.t0 + 500_000) / 1000)
        #expect(RunMetrics.lastSuccessUnixTime(in: try LedgerFixture.fold(LedgerFixture.albumRun())) == nil)
    }

    @Test(.enabled(if: Promtool.path != nil, "promtool is not installed (Debian package prometheus)"))
    func promtoolAcceptsTheOutput() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Promtool.path))
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(PrometheusTextFormat.render(Self.albums).utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool: \(report)")
        #expect(report.isEmpty, "promtool lint: \(report)")
    }
}

enum Promtool {
    static let path: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool", "/bin/promtool"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A strict reader of the Prometheus text exposition format 0.0.4: every line is a `# HELP`, a `# TYPE` or a
/// sample; a family's HELP and TYPE come before its samples; samples of a family are contiguous; no family or
/// series appears twice; names, label names, escapes and values follow the format.
struct ExpositionParser {
    struct Sample: Equatable {
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var name: String
        var help = ""
        var type = ""
        var samples: [Sample] = []

        func value(_ labels: [String: String]) -> Double? {
            samples.first { $0.labels == labels }?.value
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    static func parse(_ text: String) throws -> [Family] {
        guard text.hasSuffix("\n") else { throw Failure(line: 0, message: "the text does not end with a line feed") }
        var families: [Family] = []
        var series = Set<String>()
        for (offset, line) in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            func fail(_ message: String) -> Failure { Failure(line: number, message: message) }
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                guard isMetricName(name), parts.count == 2 else { throw fail("malformed comment: \(line)") }
                if families.last?.name != name {
                    guard !families.contains(where: { $0.name == name }) else { throw fail("\(name) appears twice") }
                    families.append(Family(name: name))
                }
                guard families[families.count - 1].samples.isEmpty else { throw fail("\(name): comment after samples") }
                if line.hasPrefix("# HELP ") {
                    families[families.count - 1].help = String(parts[1])
                } else {
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[1]),
                        families[families.count - 1].type.isEmpty
                    else { throw fail("bad or repeated TYPE: \(line)") }
                    families[families.count - 1].type = String(parts[1])
                }
                continue
            }
            guard !line.hasPrefix("#"), !line.isEmpty else { throw fail("unexpected line: '\(line)'") }
            var scanner = Substring(line)
            let name = String(scanner.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
            scanner = scanner.dropFirst(name.count)
            guard isMetricName(name), families.last?.name == name, !families[families.count - 1].type.isEmpty else {
                throw fail("sample of \(name) is not under its own HELP and TYPE")
            }
            var labels: [String: String] = [:]
            if scanner.first == "{" {
                scanner = scanner.dropFirst()
                while scanner.first != "}" {
                    let label = String(scanner.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    scanner = scanner.dropFirst(label.count)
                    guard isLabelName(label), scanner.hasPrefix("=\"") else { throw fail("bad label in: \(line)") }
                    scanner = scanner.dropFirst(2)
                    var value = ""
                    while let character = scanner.first, character != "\"" {
                        scanner = scanner.dropFirst()
                        guard character == "\\" else {
                            value.append(character)
                            continue
                        }
                        switch scanner.first {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw fail("bad escape in: \(line)")
                        }
                        scanner = scanner.dropFirst()
                    }
                    guard scanner.first == "\"", labels[label] == nil else { throw fail("bad label value: \(line)") }
                    labels[label] = value
                    scanner = scanner.dropFirst()
                    if scanner.first == "," { scanner = scanner.dropFirst() }
                }
                scanner = scanner.dropFirst()
            }
            guard scanner.first == " " else { throw fail("no space before the value: \(line)") }
            let fields = scanner.dropFirst().split(separator: " ", omittingEmptySubsequences: false)
            guard (1...2).contains(fields.count), let value = parseValue(String(fields[0])) else {
                throw fail("bad value: \(line)")
            }
            let key = name + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            guard series.insert(key).inserted else { throw fail("duplicate series: \(line)") }
            families[families.count - 1].samples.append(Sample(labels: labels, value: value))
        }
        return families
    }

    static func isMetricName(_ name: String) -> Bool {
        name.range(of: "^[a-zA-Z_:][a-zA-Z0-9_:]*$", options: .regularExpression) != nil
    }

    static func isLabelName(_ name: String) -> Bool {
        name.range(of: "^[a-zA-Z_][a-zA-Z0-9_]*$", options: .regularExpression) != nil && !name.hasPrefix("__")
    }

    static func parseValue(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf": .infinity
        case "-Inf": -.infinity
        default:
            text.range(of: "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$", options: .regularExpression) != nil
                ? Double(text) : nil
        }
    }
}
