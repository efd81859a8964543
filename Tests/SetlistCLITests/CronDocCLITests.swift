import Foundation
import SetlistTestSupport
import Testing

/// The crontab line, systemd units and Prometheus rules docs/CRON.md gives, checked by the tools that run them.
@Suite("docs/CRON.md")
struct CronDocCLITests {
    private static var page: String {
        get throws {
            try String(
                contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("docs/CRON.md"), encoding: .utf8)
        }
    }

    /// The fenced blocks of `language` on the page, in order, each as written (after `marker` when given).
    private static func blocks(_ language: String, after marker: String = "") throws -> [String] {
        let text = try page.components(separatedBy: marker).dropFirst(marker.isEmpty ? 0 : 1).joined()
        return text.components(separatedBy: "```" + language + "\n").dropFirst().map {
            $0.components(separatedBy: "```").first ?? ""
        }
    }

    /// A temporary folder holding `files`, removed by the caller.
    private static func folder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("setlist-cron-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
        return folder
    }

    @Test func theCrontabLineIsOneShellCommandWithoutPercentSigns() throws {
        let crontab = try #require(try Self.blocks("crontab").first)
        let entries = crontab.split(separator: "\n").filter { $0.first?.isNumber == true }
        #expect(entries.count == 1)
        let command = try #require(entries.first).split(separator: " ", maxSplits: 5)[5]
        #expect(!command.contains("%"), "cron turns % into a newline")
        #expect(command.contains("setlist run "))
        #expect(try ExternalTool.status(["sh", "-n", "-c", String(command)]) == 0)
    }

    @Test(.enabled(if: ExternalTool.available([["systemd-analyze", "--version"]]), "systemd-analyze is missing"))
    func systemdAcceptsTheServiceAndTimer() throws {
        let units = try Self.blocks("ini")
        #expect(units.count == 2)
        let folder = try Self.folder(["setlist.service": units[0], "setlist.timer": units[1]])
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try ExternalTool.output([
            "sh", "-c", "systemd-analyze verify \"$0/setlist.service\" \"$0/setlist.timer\" 2>&1", folder.path,
        ])
        #expect(report.isEmpty, "\(String(decoding: report, as: UTF8.self))")
    }

    @Test(.enabled(if: ExternalTool.available([["promtool", "--version"]]), "promtool is not installed (prometheus)"))
    func promtoolAcceptsTheRulesAndEachAlertFires() throws {
        let rules = try #require(try Self.blocks("yaml", after: "<!-- setlist.rules.yml -->").first)
        let folder = try Self.folder(["setlist.rules.yml": rules, "test.yml": Self.ruleTests])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(
            try ExternalTool.status([
                "promtool", "check", "rules", folder.appendingPathComponent("setlist.rules.yml").path,
            ]) == 0)
        let tested = try ExternalTool.output([
            "sh", "-c", "promtool test rules \"$0/test.yml\" 2>&1 || echo FAILED", folder.path,
        ])
        let report = String(decoding: tested, as: UTF8.self)
        #expect(!report.contains("FAILED"), "\(report)")
    }

    /// Series of one minute apart: album A succeeded once at time 0, its last run exited 4 leaving 2 files
    /// pending whose take ages by the minute; album B's last run exited 75; the metrics file was written at 0.
    private static let ruleTests = """
        rule_files: [setlist.rules.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'setlist_last_success_timestamp_seconds{album="A"}'
                values: '0x5000'
              - series: 'setlist_run_exit_code{album="A"}'
                values: '4x5000'
              - series: 'setlist_run_exit_code{album="B"}'
                values: '75x5000'
              - series: 'setlist_downloads_pending{album="A"}'
                values: '2x5000'
              - series: 'setlist_oldest_pending_take_age_seconds{album="A"}'
                values: '0+60x5000'
              - series: 'node_textfile_mtime_seconds{file="/var/lib/prometheus/node-exporter/setlist.prom"}'
                values: '0x5000'
              - series: 'node_textfile_mtime_seconds{file="/var/lib/prometheus/node-exporter/other.prom"}'
                values: '0x5000'
            alert_rule_test:
              - eval_time: 2h
                alertname: SetlistRunFailed
                exp_alerts:
                  - exp_labels: {severity: warning, album: A}
                    exp_annotations:
                      summary: "The last setlist run of A exited 4."
                      description: "docs/CRON.md says what the exit code means and what to do."
              - eval_time: 2h
                alertname: SetlistDownloadsPending
                exp_alerts:
                  - exp_labels: {severity: warning, album: A}
                    exp_annotations:
                      summary: "2 files of paid takes of A are not on disk."
                      description: "The run's log says why; the next run fetches them without paying, while the provider keeps the links."
              - eval_time: 1d
                alertname: SetlistNoRecentSuccess
                exp_alerts: []
              - eval_time: 3d
                alertname: SetlistNoRecentSuccess
                exp_alerts:
                  - exp_labels: {severity: warning, album: A}
                    exp_annotations:
                      summary: "setlist has not completed a run of A for two days."
                      description: "Look at the last run's exit code and log, and at setlist status for the album."
              - eval_time: 47h
                alertname: SetlistPaidTakeLinkExpiring
                exp_alerts: []
              - eval_time: 49h
                alertname: SetlistPaidTakeLinkExpiring
                exp_alerts:
                  - exp_labels: {severity: critical, album: A}
                    exp_annotations:
                      summary: "A paid take of A has waited two days for its file; its link expires at 72 hours."
                      description: "Fix what stops the download (disk, permissions, network) and run setlist run now."
              - eval_time: 1d
                alertname: SetlistMetricsStale
                exp_alerts: []
              - eval_time: 3d
                alertname: SetlistMetricsStale
                exp_alerts:
                  - exp_labels: {severity: warning, file: /var/lib/prometheus/node-exporter/setlist.prom}
                    exp_annotations:
                      summary: "setlist has not written its metrics for two days."
                      description: "The cron line or the timer is not running setlist; check crontab -l or systemctl list-timers."

        """
}
