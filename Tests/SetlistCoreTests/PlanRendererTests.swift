import Foundation
import Testing

@testable import SetlistCore

@Suite struct PlanRendererTests {
    private func albumPlan() throws -> Plan {
        try Plan(manifest: PlanFixtures.album(), actions: ["sunset": JobAction(.skip, reason: "up to date")])
    }

    @Test func textSnapshot() throws {
        #expect(
            PlanRenderer.text(try albumPlan()) == """
                Plan for Summer Roadtrip (evolink)

                   wave  #  id          kind     model         action  depends on          credits  reason
                *     1  1  open-road   song     suno-v5-beta  submit  -                         8  not run yet
                      1  2  sunset      song     suno-v5-beta  skip    -                         8  up to date
                *     2     road-voice  persona  suno-persona  submit  open-road                 1  not run yet
                *     3  3  homecoming  song     suno-v5-beta  submit  road-voice, sunset        8  not run yet

                jobs: 4 in 3 waves (3 submit, 0 poll, 1 skip)
                credits: 17 to spend (album total 25), budget 400
                critical path (*): open-road -> road-voice -> homecoming (4m15s)
                makespan lower bound: 4m15s (critical path 4m15s, submissions 9s at 20/min, task time 1m4s at concurrency 4)
                """)
    }

    @Test func jsonSnapshot() throws {
        #expect(
            PlanRenderer.json(try albumPlan()) == """
                {
                  "album": "Summer Roadtrip",
                  "api": "evolink",
                  "critical_path": {
                    "jobs": [
                      "open-road",
                      "road-voice",
                      "homecoming"
                    ],
                    "seconds": 255
                  },
                  "jobs": [
                    {
                      "action": "submit",
                      "credits": 8,
                      "dependencies": [],
                      "expected_seconds": 120,
                      "fingerprint": "7e0db29531ffb18953ce127ea74f455afd5ef8eeaec4f50ff917b90a9dcfdbb6",
                      "id": "open-road",
                      "kind": "song",
                      "model": "suno-v5-beta",
                      "on_critical_path": true,
                      "reason": "not run yet",
                      "track": 1,
                      "wave": 1
                    },
                    {
                      "action": "skip",
                      "credits": 8,
                      "dependencies": [],
                      "expected_seconds": 120,
                      "fingerprint": "67567a376698936297f13a78937f077da3f99edab8814662c423288ee3eb84a7",
                      "id": "sunset",
                      "kind": "song",
                      "model": "suno-v5-beta",
                      "on_critical_path": false,
                      "reason": "up to date",
                      "track": 2,
                      "wave": 1
                    },
                    {
                      "action": "submit",
                      "credits": 1,
                      "dependencies": [
                        "open-road"
                      ],
                      "expected_seconds": 15,
                      "fingerprint": "5c66d6f69e4e1dd84d999c1faa39118d5e4c7f22d36371c0de2a7bb7f901f6bc",
                      "id": "road-voice",
                      "kind": "persona",
                      "model": "suno-persona",
                      "on_critical_path": true,
                      "reason": "not run yet",
                      "wave": 2
                    },
                    {
                      "action": "submit",
                      "credits": 8,
                      "dependencies": [
                        "road-voice",
                        "sunset"
                      ],
                      "expected_seconds": 120,
                      "fingerprint": "8b0a642daff46c8780b031f3b3c1fb2f6cea3585336bbc455936f071d120ad2b",
                      "id": "homecoming",
                      "kind": "song",
                      "model": "suno-v5-beta",
                      "on_critical_path": true,
                      "reason": "not run yet",
                      "track": 3,
                      "wave": 3
                    }
                  ],
                  "lower_bound": {
                    "concurrency": 4,
                    "concurrency_seconds": 63.75,
                    "critical_path_seconds": 255,
                    "seconds": 255,
                    "submission_seconds": 9,
                    "submits_per_minute": 20
                  },
                  "totals": {
                    "album_credits": 25,
                    "credits": 17,
                    "exclude": 0,
                    "hold": 0,
                    "jobs": 4,
                    "max_credits": 400,
                    "over_budget": false,
                    "poll": 0,
                    "skip": 1,
                    "submit": 3,
                    "waves": 3
                  }
                }
                """)
    }

    @Test func dotSnapshot() throws {
        #expect(
            PlanRenderer.dot(try albumPlan()) == """
                digraph "Summer Roadtrip" {
                    graph [rankdir=LR, labelloc=t, fontname="Helvetica", label="Summer Roadtrip"];
                    node [fontname="Helvetica", fontsize=11];
                    edge [color="#777777"];
                    "open-road" [shape=box, label="open-road\\ntrack 1, suno-v5-beta\\nwave 1, submit", \
                color="#d62728", penwidth=2];
                    "sunset" [shape=box, label="sunset\\ntrack 2, suno-v5-beta\\nwave 1, skip", \
                style=dashed, fontcolor="#777777"];
                    "road-voice" [shape=ellipse, label="road-voice\\npersona, suno-persona\\nwave 2, submit", \
                color="#d62728", penwidth=2];
                    "homecoming" [shape=box, label="homecoming\\ntrack 3, suno-v5-beta\\nwave 3, submit", \
                color="#d62728", penwidth=2];
                    { rank=same; "open-road"; "sunset"; }
                    { rank=same; "road-voice"; }
                    { rank=same; "homecoming"; }
                    "open-road" -> "road-voice" [color="#d62728", penwidth=2.5];
                    "road-voice" -> "homecoming" [color="#d62728", penwidth=2.5];
                    "sunset" -> "homecoming";
                }
                """)
    }

    @Test func mermaidSnapshot() throws {
        #expect(
            PlanRenderer.mermaid(try albumPlan()) == """
                flowchart LR
                    j0["open-road<br/>track 1, suno-v5-beta<br/>wave 1, submit"]
                    j1["sunset<br/>track 2, suno-v5-beta<br/>wave 1, skip"]
                    j2(["road-voice<br/>persona, suno-persona<br/>wave 2, submit"])
                    j3["homecoming<br/>track 3, suno-v5-beta<br/>wave 3, submit"]
                    j0 --> j2
                    j2 --> j3
                    j1 --> j3
                    linkStyle 0,1 stroke:#d62728,stroke-width:3px
                    classDef critical stroke:#d62728,stroke-width:3px
                    class j0,j2,j3 critical
                    classDef skipped stroke-dasharray:5 5,color:#777777
                    class j1 skipped
                """)
    }

    @Test func renderDispatchesOnTheFormat() throws {
        let plan = try albumPlan()
        #expect(PlanRenderer.render(plan, as: .text) == PlanRenderer.text(plan))
        #expect(PlanRenderer.render(plan, as: .json) == PlanRenderer.json(plan))
        #expect(PlanRenderer.render(plan, as: .dot) == PlanRenderer.dot(plan))
        #expect(PlanRenderer.render(plan, as: .mermaid) == PlanRenderer.mermaid(plan))
    }

    @Test func textReportsAnExceededBudget() throws {
        let text = PlanRenderer.text(try Plan(manifest: PlanFixtures.album(maxCredits: 20)))
        #expect(text.contains("credits: 25 to spend (album total 25), OVER the budget of 20"))
        let unlimited = PlanRenderer.text(try Plan(manifest: PlanFixtures.album(maxCredits: nil)))
        #expect(unlimited.contains("credits: 25 to spend (album total 25), no budget set"))
    }

    @Test func dotStringsEscapeQuotesBackslashesAndLineBreaks() {
        #expect(PlanRenderer.dotString("a\"b\\c\nd\r\ne") == #""a\"b\\c\nd\ne""#)
        #expect(PlanRenderer.dotString("-> [x]; {y}") == #""-> [x]; {y}""#)
    }

    @Test func mermaidTextUsesEntityCodes() {
        #expect(
            PlanRenderer.mermaidText("say \"hi\" <b>&</b> #1 `x`\nnext")
                == "say #quot;hi#quot; #lt;b#gt;#amp;#lt;/b#gt; #35;1 #96;x#96;<br/>next")
    }

    @Test func albumNamesWithSpecialCharactersStayInsideTheirStrings() throws {
        var manifest = PlanFixtures.album()
        manifest.album = "Say \"hi\"\\\n}"
        let dot = PlanRenderer.dot(try Plan(manifest: manifest))
        #expect(dot.hasPrefix(#"digraph "Say \"hi\"\\\n}" {"#))
        #expect(dot.components(separatedBy: "\n").allSatisfy { !$0.hasPrefix("}") || $0 == "}" })
    }

    static let dotExecutable = ["/usr/bin/dot", "/usr/local/bin/dot", "/opt/homebrew/bin/dot"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: dotExecutable != nil, "Graphviz is not installed"))
    func graphvizRendersTheDotOutput() throws {
        var manifest = PlanFixtures.album()
        manifest.album = "Say \"hi\" \\ {x} -> y"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.dotExecutable))
        process.arguments = ["-Tsvg"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(PlanRenderer.dot(try Plan(manifest: manifest)).utf8))
        try input.fileHandleForWriting.close()
        let svg = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let warnings = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(warnings.isEmpty)
        #expect(svg.contains("<svg"))
        #expect(svg.contains("road&#45;voice"))
    }
}
