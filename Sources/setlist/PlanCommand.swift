import ArgumentParser
import SetlistCore
import SetlistEngine

extension PlanFormat: ExpressibleByArgument {}

/// `setlist plan MANIFEST`: what a run would do, given the ledger: skip, poll or submit per job.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a run would do: skip, poll or submit per job, waves, critical path, credits.",
        discussion: "Reads the ledger (the simulated one with --simulate) but sends and writes nothing."
    )

    @Argument(help: "The manifest to plan.")
    var manifest: String

    @Option(help: "Output format: text, json, dot (Graphviz) or mermaid.")
    var format: PlanFormat = .text

    @Flag(help: "Plan against the simulated run's ledger (<stem>.sim.ledger.json).")
    var simulate = false

    @OptionGroup var jobs: JobSelectionOptions<PlanSelectionWording>

    func run() throws {
        let sessions = try CommandSupport.sessions(for: [manifest], simulate: simulate)
        let selection = try jobs.selection(in: sessions)
        for session in sessions { try Self.printPlan(session, selection: selection, format: format) }
    }

    /// Prints the plan of `session` against its ledger, ending with a newline in every format, so that the
    /// shell's prompt starts on a line of its own.
    static func printPlan(_ session: AlbumSession, selection: RunSelection, format: PlanFormat) throws {
        let loaded = try session.loadLedger()
        let decisions = session.decisions(against: loaded.ledger, selection: selection)
        let plan = Plan(manifest: session.manifest, graph: session.graph) { job, _ in
            decisions[session.graph.index(of: job.id) ?? 0].action
        }
        let text = PlanRenderer.render(plan, as: format)
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
}
