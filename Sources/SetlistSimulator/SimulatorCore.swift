import HTTPTypes
import SetlistCore
import Synchronization

/// The simulator's logic behind its routes (``SimulatorRoutes``): accounts, faults, the Evolink and proxy APIs
/// and the admin API. All state sits behind one lock; nothing here blocks except the slow fault, which sleeps on
/// the injected clock outside the lock.
final class SimulatorCore: Sendable {
    let configuration: SimulatorConfiguration
    let clock: SimulatorClock
    let state: Mutex<SimulatorState>
    private let baseURLStorage = Mutex("")
    /// Told after every paid submission that created (or replayed) a task; see ``Simulator/onTaskCreated(_:)``.
    let taskCreatedHandler = Mutex<(@Sendable () -> Void)?>(nil)
    /// Evolink's request rules.
    let rules: EvolinkRules
    let keys: Set<String>

    /// Credits reserved per request, the one price table: music (an extension included) at the public price
    /// (the seed example shows 10), a persona, and a proxy concat (priced like a song; vendors disagree,
    /// api-contract-proxy-extras §2).
    static let musicCredits = 8
    static let personaCredits = 1
    static let concatCredits = 8

    init(configuration: SimulatorConfiguration, clock: SimulatorClock) {
        self.configuration = configuration
        self.clock = clock
        self.state = Mutex(SimulatorState(seed: configuration.seed, faults: configuration.faults))
        self.rules = EvolinkRules(requireModeFlags: configuration.requireModeFlags)
        self.keys = Set(configuration.apiKeys)
    }

    /// The base URL media links point at, set once the server is bound.
    var baseURL: String {
        get { baseURLStorage.withLock { $0 } }
        set { baseURLStorage.withLock { $0 = newValue } }
    }

    /// Counts one answered request under its statistics name and its status (or `dropped`).
    func count(route: String, outcome: String) {
        state.withLock { $0.requestCounts[route, default: [:]][outcome, default: 0] += 1 }
    }

    /// The statistics name of a route: method and path, with task ids and media file names folded.
    static func routeName(method: HTTPRequest.Method, path: String) -> String {
        if path == "/v1/tasks/batch" { return "\(method.rawValue) \(path)" }
        if path.hasPrefix("/v1/tasks/") { return "\(method.rawValue) /v1/tasks/{id}" }
        if method == .get, path.hasPrefix("/suno/fetch/") { return "GET /suno/fetch/{id}" }
        if path.hasPrefix("/suno/act/") {
            let action = path.dropFirst("/suno/act/".count).split(separator: "/").first ?? ""
            return "\(method.rawValue) /suno/act/\(action)/{clip_id}"
        }
        if path.hasPrefix("/suno/"), path.hasSuffix("/") { return "\(method.rawValue) \(path.dropLast())" }
        if path.hasPrefix("/_sim/media/") { return "\(method.rawValue) /_sim/media/{file}" }
        return "\(method.rawValue) \(path)"
    }

    /// Passes `request` through the gate: answers with `stopped` when the gate stops it, else waits out a slow
    /// fault and answers with `proceed` for the key's owner.
    func throughGate(
        _ request: SimRequest, stopped: (GateStop) -> SimOutcome, proceed: (String) async -> SimOutcome
    ) async -> SimOutcome {
        switch state.withLock({ state in gate(request, state: &state) }) {
        case .stop(let stop):
            return stopped(stop)
        case .proceed(let owner, let slow):
            if let slow { try? await clock.sleep(slow) }
            return await proceed(owner)
        }
    }

    /// The answer to a submission: when it created (or replayed) a task the creation is announced, and when the
    /// task is paid the `lost` fault may drop the answer. A paid task is always a created one.
    func submissionOutcome(_ response: SimResponse, paid: Bool, created: Bool = false) -> SimOutcome {
        if paid || created { taskCreatedHandler.withLock { $0 }?() }
        let lost = paid && state.withLock { $0.roll($0.faults.lostResponse, name: "lost") }
        return lost ? .dropConnection : .respond(response)
    }
}
