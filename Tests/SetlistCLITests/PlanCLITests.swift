import Foundation
import SetlistTestSupport
import Testing

@Suite("setlist plan, end to end")
struct PlanCLITests {
    private func jsonPlan(_ manifest: String) async throws -> [String: Any] {
        let result = try await CLIRunner.run(["plan", manifest, "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func jsonListsJobsInDependencyOrderWithWavesAndCriticalPath() async throws {
        let plan = try await jsonPlan("manifests/album.yaml")
        let jobs = try #require(plan["jobs"] as? [[String: Any]])
        #expect(jobs.count == 8)
        var waveOf: [String: Int] = [:]
        for job in jobs {
            let id = try #require(job["id"] as? String)
            let wave = try #require(job["wave"] as? Int)
            let dependencies = try #require(job["dependencies"] as? [String])
            for dependency in dependencies {
                let dependencyWave = try #require(
                    waveOf[dependency], "\(id) is listed before its dependency \(dependency)")
                #expect(dependencyWave < wave)
            }
            #expect(wave == 1 + (dependencies.compactMap { waveOf[$0] }.max() ?? 0), "\(id) is in the wrong wave")
            waveOf[id] = wave
        }
        let critical = plan["critical_path"] as? [String: Any]
        #expect(critical?["jobs"] as? [String] == ["salt-and-sun", "coast-voice", "harbor-lights"])
        #expect(critical?["seconds"] as? Int == 255)
        #expect(jobs.allSatisfy { $0["action"] as? String == "submit" })
    }

    @Test func dotRendersWithGraphvizAndMermaidIsAFlowchart() async throws {
        let dot = try await CLIRunner.run(["plan", "manifests/album.yaml", "--format", "dot"])
        #expect(dot.exitCode == 0)
        #expect(dot.stdout.hasPrefix("digraph"))
        let mermaid = try await CLIRunner.run(["plan", "manifests/album.yaml", "--format", "mermaid"])
        #expect(mermaid.exitCode == 0)
        #expect(mermaid.stdout.hasPrefix("flowchart LR"))
        guard let graphviz = ["/usr/bin/dot", "/usr/local/bin/dot"].first(where: FileManager.default.fileExists)
        else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: graphviz)
        process.arguments = ["-Tsvg"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(dot.stdout.utf8))
        try input.fileHandleForWriting.close()
        let svg = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: svg, as: UTF8.self).contains("<svg"))
    }

    @Test func unknownJobInOnlyIsAUsageErrorWithASuggestion() async throws {
        let result = try await CLIRunner.run(["plan", "manifests/album.yaml", "--only", "harbour-lights"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("did you mean 'harbor-lights'?"))
    }

    @Test func onlySelectsAJobAndWhatItNeeds() async throws {
        let result = try await CLIRunner.run([
            "plan", "manifests/album.yaml", "--only", "harbor-lights", "--format", "json",
        ])
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let jobs = try #require(plan["jobs"] as? [[String: Any]])
        let submitted = Set(jobs.filter { $0["action"] as? String == "submit" }.compactMap { $0["id"] as? String })
        #expect(submitted == ["salt-and-sun", "coast-voice", "harbor-lights"])
    }
}
