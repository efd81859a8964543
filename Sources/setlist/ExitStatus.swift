import ArgumentParser

/// The process exit codes of DESIGN §5, one place for all of them.
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
}
