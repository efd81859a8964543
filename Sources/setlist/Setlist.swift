import ArgumentParser
import Foundation
import SetlistCore

/// The `setlist` command line: turns YAML album specs into songs through music-generation APIs.
@main
struct Setlist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setlist",
        abstract: "Turn a YAML album spec into finished songs through AI music-generation APIs.",
        discussion: """
            This is setlist \(SetlistVersion.current). Start an album with 'setlist init DIR', check it with \
            'setlist validate', and try it for free with 'setlist run --simulate'.
            """,
        version: SetlistVersion.current,
        subcommands: [
            InitCommand.self, RunCommand.self, PlanCommand.self, StatusCommand.self, ReportCommand.self,
            AlbumCommand.self, ValidateCommand.self, SimulateCommand.self, SchemaCommand.self,
        ]
    )

    /// Runs the chosen command. Usage errors exit 2 (DESIGN §5) rather than ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }
}
