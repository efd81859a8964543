import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SetlistSimulator

/// One HTTP answer as a test looks at it: status, headers and the raw body.
public struct HTTPReply: Sendable {
    /// The status code.
    public let status: Int
    /// The response headers.
    public let headers: HTTPHeaders
    /// The body bytes.
    public let body: [UInt8]

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Creates an answer, e.g. from an in-process router's response.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A simulator on an ephemeral loopback port, and the manual clock it runs on unless started on the wall clock.
public struct SimulatorHarness: Sendable {
    /// The running simulator.
    public let simulator: Simulator
    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    private let manualClock: ManualClock?

    /// The manual clock the simulator runs on; only for a simulator started with one.
    public var clock: ManualClock {
        guard let manualClock else { preconditionFailure("this simulator runs on the wall clock") }
        return manualClock
    }

    /// Starts a simulator with `configuration` whose tasks move only when `clock` is advanced.
    public static func start(_ configuration: SimulatorConfiguration, on clock: ManualClock) async throws
        -> SimulatorHarness
    {
        let simulator = Simulator(configuration: configuration, clock: clock)
        return SimulatorHarness(simulator: simulator, baseURL: try await simulator.start(), manualClock: clock)
    }

    /// Starts a simulator with `configuration` on the wall clock, for a `setlist` process to talk to.
    public static func startOnWallClock(_ configuration: SimulatorConfiguration) async throws -> SimulatorHarness {
        let simulator = Simulator(configuration: configuration)
        return SimulatorHarness(simulator: simulator, baseURL: try await simulator.start(), manualClock: nil)
    }

    /// Starts a simulator on a manual clock, runs `body` against it, and stops it, also when `body` throws.
    public static func with(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(),
        _ body: (SimulatorHarness) async throws -> Void
    ) async throws {
        let harness = try await start(configuration, on: ManualClock())
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// Stops the server.
    public func stop() async {
        await simulator.stop()
    }

    /// Moves simulated time forward.
    public func advance(seconds: Double) {
        clock.advance(by: .milliseconds(Int64(seconds * 1000)))
    }

    /// Sends a request to `path` (or to a full URL); `key` nil sends no Authorization header.
    public func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, key: String? = "sim-key",
        headers: [(String, String)] = []
    ) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : baseURL + path)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return HTTPReply(
            status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }
}
