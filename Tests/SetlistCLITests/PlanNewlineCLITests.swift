import SetlistTestSupport
import Testing

@Suite("plan output ends its last line")
struct PlanNewlineCLITests {
    @Test(arguments: ["text", "json", "dot", "mermaid"])
    func everyFormatEndsWithOneNewline(format: String) async throws {
        let result = try await CLIRunner.run(["plan", "manifests/album.yaml", "--format", format])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("\n"), "the next prompt would start on the plan's last line")
        #expect(!result.stdout.hasSuffix("\n\n"))
    }

    @Test func aDryRunEndsWithOneNewline() async throws {
        let result = try await CLIRunner.run(["run", "manifests/starter.yaml", "--dry-run"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix(")\n"))
    }
}
