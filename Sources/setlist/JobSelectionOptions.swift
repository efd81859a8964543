import ArgumentParser
import Foundation
import SetlistCore
import SetlistEngine

/// How a command's help words `--only` and `--force`: what it does with the jobs they name.
protocol JobSelectionWording {
    /// What the command does with the jobs `--only` names: "run", "plan".
    static var onlyVerb: String { get }
    /// What the command does about a new generation of each job `--force` names: "pay for", "plan".
    static var forceVerb: String { get }
}

/// The `--only`/`--force` options of a command that runs or plans jobs, shared with `@OptionGroup`.
struct JobSelectionOptions<Wording: JobSelectionWording>: ParsableArguments {
    @Option(help: "Comma-separated job ids: \(Wording.onlyVerb) only these and the unfinished jobs they depend on.")
    var only: String?

    @Option(
        help: ArgumentHelp(
            "Comma-separated job ids: \(Wording.forceVerb) a new generation of each (also when --only leaves it out)."))
    var force: String?

    /// The selection these options make in `sessions`; unknown ids and empty lists are usage errors. Forced jobs
    /// are part of the selection: `--only a --force b` runs `a` and re-rolls `b`, each with the unfinished jobs it
    /// needs.
    func selection(in sessions: [AlbumSession], resubmitUnknown: Bool = false) throws -> RunSelection {
        let known = Set(sessions.flatMap { $0.graph.jobs.map(\.id) })
        func ids(_ text: String?, option: String) throws -> Set<String>? {
            guard let text else { return nil }
            let ids = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !ids.isEmpty else {
                throw ValidationError(
                    "\(option) was given no job id; name one or more jobs, separated by commas, "
                        + "or leave \(option) out.")
            }
            for id in ids where !known.contains(id) {
                throw ValidationError(
                    "\(option): no job '\(id)' in the manifest\(Suggestion.clause(for: id, in: known))")
            }
            return Set(ids)
        }
        let forced = try ids(force, option: "--force") ?? []
        return RunSelection(
            only: try ids(only, option: "--only").map { $0.union(forced) }, force: forced,
            resubmitUnknown: resubmitUnknown)
    }
}

/// `run`'s wording: it runs the jobs `--only` names and pays for new generations.
enum RunSelectionWording: JobSelectionWording {
    static let onlyVerb = "run"
    static let forceVerb = "pay for"
}

/// `plan`'s wording: it plans the jobs, paying for nothing.
enum PlanSelectionWording: JobSelectionWording {
    static let onlyVerb = "plan"
    static let forceVerb = "plan"
}
