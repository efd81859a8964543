import ArgumentParser

/// The `setlist` command line: turns YAML album specs into songs through music-generation APIs.
@main
struct Setlist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setlist",
        abstract: "Turn a YAML album spec into finished songs through AI music-generation APIs.",
        subcommands: [SimulateCommand.self]
    )
}
