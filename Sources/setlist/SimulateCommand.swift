import ArgumentParser
import Foundation
import SetlistEngine
import SetlistSimulator

/// `setlist simulate`: runs the local Evolink Suno simulator until interrupted (DESIGN §5, §6).
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a local simulator of the Evolink Suno API and the Suno proxy format until interrupted.",
        discussion: """
            Prints one line with the base URL, then serves until SIGINT or SIGTERM. Admin routes: GET /_sim/stats, \
            GET /_sim/tasks, GET and POST /_sim/faults, POST /_sim/reset. See docs/SIMULATOR.md.
            """
    )

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free port.")
    var port = 8000

    @Option(name: .customLong("api-key"), help: "An accepted bearer key; repeat for several accounts.")
    var apiKeys: [String] = []

    @Option(help: "Seed of all random choices (ids, durations, faults).")
    var seed: UInt64 = 1

    @Option(help: "Time scale: task durations are divided by it (100 makes a 120 s song take about 1.2 s).")
    var speed = 1.0

    @Option(name: .customLong("rate-limit"), help: "API requests allowed per key in any 60 s window.")
    var rateLimit: Int?

    @Option(help: "Credits per key (music, an extension or a join costs 8, a persona 1); unlimited when omitted.")
    var credits: Int?

    @Option(help: "Fault spec, such as 5xx=0.1,drop=0.05,lost=0.05,slow=0.1:2s,fail=0.2,malformed=0.05.")
    var faults = ""

    @Option(
        name: .customLong("answer-shape"),
        help: ArgumentHelp(
            "Answer shapes to serve, comma-separated: \(AnswerShape.optionNames.joined(separator: ", ")).",
            discussion: "Every shape the provider documents; see docs/SIMULATOR.md. Default: two songs per task, "
                + "result_data as a flat array, persona_id inside result_data."))
    var answerShape = ""

    @Flag(
        name: .customLong("stock-new-api"),
        help: ArgumentHelp(
            "Serve the Suno proxy format like stock new-api, which forwards only music and lyrics.",
            discussion: "POST /suno/submit/concat then answers 400 invalid_action and every /suno/act/* path "
                + "(WAV) answers 404; lyrics and extend still work. Without it the simulator serves concat and "
                + "GET /suno/act/wav/{clip_id} like a vendor backend."))
    var stockNewAPI = false

    @Flag(
        name: .customLong("no-evolink-batch"),
        help: ArgumentHelp(
            "Answer Evolink's POST /v1/tasks/batch with 404, as a deployment without that endpoint would.",
            discussion: "Clients then poll with GET /v1/tasks/{id}, one task per request. Without it the batch "
                + "endpoint answers up to 50 task objects per request."))
    var noEvolinkBatch = false

    func validate() throws {
        try RunCommand.checkSpeed(speed)
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1.") }
        if let credits, credits < 0 { throw ValidationError("--credits must be 0 or more.") }
        do {
            _ = try FaultConfiguration(spec: faults)
        } catch {
            throw ValidationError(error.description)
        }
        do {
            _ = try AnswerShape(spec: answerShape)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let configuration = SimulatorConfiguration(
            apiKeys: apiKeys.isEmpty ? ["sim-key"] : apiKeys,
            creditsPerKey: credits,
            rateLimitPerMinute: rateLimit,
            seed: seed,
            speed: speed,
            faults: try FaultConfiguration(spec: faults),
            host: host,
            port: port,
            startUnixTime: Int64(Date().timeIntervalSince1970),
            answerShape: try AnswerShape(spec: answerShape),
            stockNewAPI: stockNewAPI,
            evolinkBatch: !noEvolinkBatch
        )
        let simulator = Simulator(configuration: configuration)
        do {
            try await simulator.runUntilSignalled { baseURL in
                FileHandle.standardOutput.write(Data("setlist simulator listening on \(baseURL)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(
                Data("error: the simulator stopped: \(ErrorSentence.describe(error))\n".utf8))
            throw ExitStatus.tryLater
        }
    }
}
