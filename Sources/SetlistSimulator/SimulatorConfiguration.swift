import Foundation

/// How a ``Simulator`` behaves: accounts, limits, timing, faults and the answer shapes of api-contract §C.
public struct SimulatorConfiguration: Sendable {
    /// The bearer keys the simulator accepts. Each key is an account with its own credits and rate limit.
    public var apiKeys: [String]
    /// Credits each key starts with; nil means unlimited.
    public var creditsPerKey: Int?
    /// API requests each key may make in any 60 s window; nil means no limit.
    public var rateLimitPerMinute: Int?
    /// Seed of every random choice: ids, durations, results and faults.
    public var seed: UInt64
    /// Time scale: every task duration and `estimated_time` is divided by it (100 turns 120 s into 1.2 s).
    public var speed: Double
    /// How long tasks take before ``speed`` divides them.
    public var timing: TaskTiming
    /// Faults injected into API requests and tasks.
    public var faults: FaultConfiguration
    /// The address to bind.
    public var host: String
    /// The port to bind; 0 picks a free ephemeral port.
    public var port: Int
    /// Unix time (seconds) of the simulator's start; task ids and `created` count from it.
    public var startUnixTime: Int64
    /// When true (the default), `custom_mode` and `instrumental` are required, as seeds 001/003 mark them (G1/G2
    /// docs): a body without one is a 400 `custom_mode is required`. When false they default to false (G3 docs).
    public var requireModeFlags: Bool
    /// Which documented answer shape tasks are rendered in.
    public var answerShape: AnswerShape
    /// When true, `/_sim/media/<result_id>.mp3|.png|.wav` serves any UUID-shaped result id, not only results of
    /// this instance's tasks. Media bytes depend only on the result id, so a later `run --simulate` (a new
    /// simulator on a new port) can still fetch the files of an earlier simulated run.
    public var servesMediaForAnyResult: Bool
    /// When true, the Suno proxy routes behave like stock new-api, which forwards only `music` and `lyrics`
    /// (api-contract-proxy-extras §0): `POST /suno/submit/concat` answers 400 `invalid_action` and every
    /// `/suno/act/*` path answers 404. When false (the default) they behave like a vendor backend that serves
    /// concat and WAV.
    public var stockNewAPI: Bool
    /// When true (the default), Evolink's `POST /v1/tasks/batch` answers like the endpoint Evolink's own client
    /// uses (api-contract §A.4). When false it answers 404 `not_found`, as a deployment without the endpoint
    /// would, so that clients can be tested falling back to `GET /v1/tasks/{id}`.
    public var evolinkBatch: Bool

    /// Creates a configuration; every parameter has the default a test or `setlist simulate` wants.
    public init(
        apiKeys: [String] = ["sim-key"],
        creditsPerKey: Int? = nil,
        rateLimitPerMinute: Int? = nil,
        seed: UInt64 = 1,
        speed: Double = 1,
        timing: TaskTiming = TaskTiming(),
        faults: FaultConfiguration = FaultConfiguration(),
        host: String = "127.0.0.1",
        port: Int = 0,
        startUnixTime: Int64 = 1_766_319_089,
        requireModeFlags: Bool = true,
        answerShape: AnswerShape = AnswerShape(),
        servesMediaForAnyResult: Bool = false,
        stockNewAPI: Bool = false,
        evolinkBatch: Bool = true
    ) {
        self.apiKeys = apiKeys
        self.creditsPerKey = creditsPerKey
        self.rateLimitPerMinute = rateLimitPerMinute
        self.seed = seed
        self.speed = speed
        self.timing = timing
        self.faults = faults
        self.host = host
        self.port = port
        self.startUnixTime = startUnixTime
        self.requireModeFlags = requireModeFlags
        self.answerShape = answerShape
        self.servesMediaForAnyResult = servesMediaForAnyResult
        self.stockNewAPI = stockNewAPI
        self.evolinkBatch = evolinkBatch
    }
}

/// Task durations: a nominal time per kind (reported as `estimated_time`), times a factor drawn from ``spread``.
public struct TaskTiming: Sendable, Equatable {
    /// Nominal seconds of a music task (the documented `estimated_time` example).
    public var musicSeconds: Double
    /// Nominal seconds of an asynchronous persona task.
    public var personaSeconds: Double
    /// The range of the factor a task's actual duration is its nominal time times.
    public var spread: ClosedRange<Double>
    /// When true, the factor comes from a hash of the seed and the request body without the ids chained into it
    /// (`persona_id`, `task_id`, `result_id`, clip ids), instead of from the random stream. The same job then
    /// takes the same time in every run and in every order, so benchmarks can compare scheduling policies on
    /// identical work.
    public var keyedByRequest: Bool

    /// Creates a timing; the defaults are the documented examples with a factor of 0.8 to 1.1.
    public init(
        musicSeconds: Double = 120, personaSeconds: Double = 15, spread: ClosedRange<Double> = 0.8...1.1,
        keyedByRequest: Bool = false
    ) {
        self.musicSeconds = musicSeconds
        self.personaSeconds = personaSeconds
        self.spread = spread
        self.keyedByRequest = keyedByRequest
    }
}

/// Fault injection rates. Each rate is a probability in 0...1, rolled independently per API request
/// (or per task for ``taskFailure``).
///
/// Spec grammar (`--faults`, `POST /_sim/faults`): a comma-separated list of `kind=rate`, where `slow` also takes a
/// delay: `slow=rate:delay` with delay `250ms`, `2s` or `1m`. Kinds: `5xx`, `drop`, `lost`, `slow`, `fail`,
/// `malformed`, `notfound`. Example: `5xx=0.1,drop=0.05,slow=0.1:2s,fail=0.2,malformed=0.05,notfound=0.2`.
public struct FaultConfiguration: Sendable, Equatable {
    /// Answer 500 `internal_error` or 503 `service_unavailable` without doing anything.
    public var serverError: Double
    /// Close the connection without a response, before doing anything.
    public var drop: Double
    /// Paid POSTs only: create (and charge) the task, then close the connection without a response.
    public var lostResponse: Double
    /// Delay the response by ``slowDelay`` of the simulator's clock, then answer normally.
    public var slow: Double
    /// How long a slow response waits.
    public var slowDelay: Duration
    /// A created task ends `failed` with a documented business error code; its credits are refunded.
    public var taskFailure: Double
    /// Answer HTTP 200 with a truncated JSON body, without doing anything.
    public var malformed: Double
    /// Status requests only, rolled per task asked about: answer that an existing task does not exist (Evolink
    /// 404 `task_not_found`, the proxy's `task_not_exist`, or the task left out of a batch answer), as real services
    /// do for a moment right after creating a task or during an incident. The task itself is not touched.
    public var notFound: Double

    /// Creates a fault configuration; all rates default to 0.
    public init(
        serverError: Double = 0,
        drop: Double = 0,
        lostResponse: Double = 0,
        slow: Double = 0,
        slowDelay: Duration = .seconds(2),
        taskFailure: Double = 0,
        malformed: Double = 0,
        notFound: Double = 0
    ) {
        self.serverError = serverError
        self.drop = drop
        self.lostResponse = lostResponse
        self.slow = slow
        self.slowDelay = slowDelay
        self.taskFailure = taskFailure
        self.malformed = malformed
        self.notFound = notFound
    }

    /// Parses a fault spec (see the type's documentation). An empty spec means no faults.
    public init(spec: String) throws(SimulatorConfigurationError) {
        self.init()
        for item in spec.split(separator: ",") {
            let entry = item.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw SimulatorConfigurationError("Fault '\(entry)' is not of the form kind=rate.")
            }
            let kind = parts[0]
            var valueParts = parts[1].split(separator: ":", maxSplits: 1).map(String.init)
            guard let rateText = valueParts.first, let rate = Double(rateText), rate >= 0, rate <= 1 else {
                throw SimulatorConfigurationError("Fault '\(entry)' needs a rate between 0 and 1.")
            }
            valueParts.removeFirst()
            if kind != "slow", !valueParts.isEmpty {
                throw SimulatorConfigurationError("Fault '\(entry)': only slow takes a delay (slow=rate:delay).")
            }
            switch kind {
            case "5xx": serverError = rate
            case "drop": drop = rate
            case "lost": lostResponse = rate
            case "fail": taskFailure = rate
            case "malformed": malformed = rate
            case "notfound": notFound = rate
            case "slow":
                slow = rate
                if let delayText = valueParts.first {
                    slowDelay = try FaultConfiguration.parseDelay(delayText, entry: entry)
                }
            default:
                throw SimulatorConfigurationError(
                    "Unknown fault kind '\(kind)'; known kinds are 5xx, drop, lost, slow, fail, malformed and notfound."
                )
            }
        }
    }

    /// The configuration written back in the spec grammar.
    public var spec: String {
        var items: [String] = []
        if serverError > 0 { items.append("5xx=\(serverError)") }
        if drop > 0 { items.append("drop=\(drop)") }
        if lostResponse > 0 { items.append("lost=\(lostResponse)") }
        if slow > 0 { items.append("slow=\(slow):\(FaultConfiguration.millisecondText(slowDelay))") }
        if taskFailure > 0 { items.append("fail=\(taskFailure)") }
        if malformed > 0 { items.append("malformed=\(malformed)") }
        if notFound > 0 { items.append("notfound=\(notFound)") }
        return items.joined(separator: ",")
    }

    private static func millisecondText(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(milliseconds)ms"
    }

    private static func parseDelay(_ text: String, entry: String) throws(SimulatorConfigurationError) -> Duration {
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for unit in units where text.hasSuffix(unit.suffix) {
            if let amount = Double(text.dropLast(unit.suffix.count)), amount >= 0 {
                return .milliseconds(Int64((amount * unit.scale * 1000).rounded()))
            }
        }
        throw SimulatorConfigurationError("Fault '\(entry)' has delay '\(text)'; write it like 250ms, 2s or 1m.")
    }
}

/// A configuration the simulator cannot use, with a message for the user.
public struct SimulatorConfigurationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, as a full sentence.
    public let description: String

    /// Creates an error with a message.
    public init(_ description: String) { self.description = description }
}
