import Foundation
import Subprocess

/// What one run of the built `setlist` binary printed and how it ended.
public struct CLIResult: Sendable {
    /// How the process ended: its exit code, or the signal that killed it.
    public var termination: TerminationStatus
    /// Everything it wrote to standard output.
    public var stdout: String
    /// Everything it wrote to standard error.
    public var stderr: String

    /// The outcome of a run whose output and error were collected as text.
    init(_ result: ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>) {
        termination = result.terminationStatus
        stdout = result.standardOutput
        stderr = result.standardError
    }

    /// The exit code, or the number of the signal that killed the process.
    public var exitCode: Int32 {
        switch termination {
        case .exited(let code): code
        case .signaled(let signal): signal
        }
    }
}

/// A `setlist` process that is still running, as the body of ``CLIRunner/run(_:in:environment:whileRunning:)``
/// sees it.
public struct RunningCLI: Sendable {
    fileprivate let deliver: @Sendable (Int32) throws -> Void

    /// Sends the signal numbered `signal` (such as `SIGHUP`) to the process.
    public func send(_ signal: Int32) throws {
        try deliver(signal)
    }
}

/// Runs the `setlist` binary that `swift build` put beside the test bundle, with a minimal environment.
public enum CLIRunner {
    private static let outputLimit = 64 << 20

    /// The built executable: the test bundle lives in the same build products directory.
    public static var executable: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("setlist")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue
            {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/setlist")
    }

    /// The repository root, found from this source file's location.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// PATH and a HOME in the temporary directory, with `extra` added (and winning).
    private static func environment(adding extra: [String: String]) -> Environment {
        var variables = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
        ]
        variables.merge(extra) { _, new in new }
        let keyed = variables.map { (Environment.Key(stringLiteral: $0.key), $0.value) }
        return .custom(Dictionary(uniqueKeysWithValues: keyed))
    }

    /// Runs `setlist` with `arguments` in `directory` (the repository root when nil), with `environment` added to
    /// a minimal environment and `stdin` on its standard input (which is closed at once when nil).
    public static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], stdin: Data? = nil
    ) async throws -> CLIResult {
        let result = try await Subprocess.run(
            .path(.init(executable.path)), arguments: Arguments(arguments),
            environment: self.environment(adding: environment),
            workingDirectory: .init((directory ?? repositoryRoot).path), input: .data(stdin ?? Data()),
            output: .string(limit: outputLimit), error: .string(limit: outputLimit))
        return CLIResult(result)
    }

    /// Runs `setlist` like ``run(_:in:environment:stdin:)``, and meanwhile calls `body` with the running process,
    /// to send it a signal at a moment the test chooses. The process's output is collected as usual.
    public static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:],
        whileRunning body: (RunningCLI) async throws -> Void
    ) async throws -> CLIResult {
        let result = try await Subprocess.run(
            .path(.init(executable.path)), arguments: Arguments(arguments),
            environment: self.environment(adding: environment), workingDirectory: .init(directory.path),
            input: .none, output: .string(limit: outputLimit), error: .string(limit: outputLimit)
        ) { execution in
            try await body(RunningCLI { try execution.send(signal: Signal(rawValue: $0)) })
        }
        return CLIResult(result)
    }

    /// Runs `setlist`, reads its first line of output (with its newline) and then closes the reading end of its
    /// standard output, as `setlist run ... | head -1` would; returns that line and how the process ended.
    public static func runClosingOutputAfterFirstLine(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:]
    ) async throws -> (firstLine: String, termination: TerminationStatus) {
        let result = try await Subprocess.run(
            .path(.init(executable.path)), arguments: Arguments(arguments),
            environment: self.environment(adding: environment), workingDirectory: .init(directory.path),
            input: .none, output: .sequence, error: .discarded
        ) { execution in
            var firstLine: [UInt8] = []
            reading: for try await buffer in execution.standardOutput {
                for byte in buffer.withUnsafeBytes({ Array($0) }) {
                    firstLine.append(byte)
                    if byte == UInt8(ascii: "\n") { break reading }
                }
            }
            return String(decoding: firstLine, as: UTF8.self)
        }
        return (result.closureResult, result.terminationStatus)
    }
}
