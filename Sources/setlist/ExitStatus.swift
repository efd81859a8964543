import ArgumentParser
import SetlistCore

/// The process exit codes of DESIGN §5, one place for all of them: the codes, the code of a run's outcome, and
/// the order that picks one code for several albums.
enum ExitStatus {
    /// All jobs completed or up to date.
    static let success = ExitCode(0)
    /// Some jobs failed or were blocked.
    static let jobsFailed = ExitCode(1)
    /// Usage or manifest error; nothing was sent.
    static let usage = ExitCode(2)
    /// The provider rejected the API key.
    static let authentication = ExitCode(3)
    /// Out of credits, or the manifest's budget was reached.
    static let credits = ExitCode(4)
    /// An internal error.
    static let internalError = ExitCode(70)
    /// Try later: lock held, deadline reached, provider unreachable. The next run resumes.
    static let tryLater = ExitCode(75)

    /// The codes as `run --help` lists them, each with what it means.
    static let helpSummary = [
        (success, "all jobs completed or up to date"), (jobsFailed, "some jobs failed or were blocked"),
        (usage, "usage or manifest error, nothing sent"), (authentication, "API key rejected"),
        (credits, "out of credits or max_credits reached"),
        (tryLater, "try later (lock held, deadline, interrupted; the next run resumes)"),
        (internalError, "internal error or unwritable ledger"),
    ].map { "\($0.rawValue) \($1)" }.joined(separator: "; ")

    /// The code of a run's outcome, as `RunOutcome.exitCode` in Core assigns it.
    static func of(_ outcome: RunOutcome) -> ExitCode {
        ExitCode(outcome.exitCode)
    }

    /// The codes from the most serious to the least, for ``combined(_:)``. A usage error (an album whose ledger
    /// is refused when its run starts) is not in the list: it gives way to any of these.
    static let severityOrder = [internalError, authentication, credits, tryLater, jobsFailed]

    /// One exit code for several albums: the most serious one in ``severityOrder``; else the first that is not
    /// success; else success.
    static func combined(_ codes: [ExitCode]) -> ExitCode {
        severityOrder.first(where: codes.contains) ?? codes.first { $0 != success } ?? success
    }
}
