import SetlistCore
import SetlistTestSupport
import Testing

@testable import SetlistSimulator

/// Starting and stopping the in-process server.
@Suite struct ServerTests {
    @Test func startsOnAnEphemeralPortAndStopFreesThePort() async throws {
        let simulator = Simulator(configuration: SimulatorConfiguration(), clock: ManualClock())
        #expect(simulator.baseURL == nil)
        let baseURL = try await simulator.start()
        #expect(baseURL.wholeMatch(of: /http:\/\/127\.0\.0\.1:\d+/) != nil)
        #expect(simulator.baseURL == baseURL)
        await #expect(throws: SimulatorConfigurationError.self) { try await simulator.start() }
        await simulator.stop()
        let port = try #require(Int(baseURL.split(separator: ":").last ?? ""))
        let successor = Simulator(configuration: SimulatorConfiguration(port: port), clock: ManualClock())
        #expect(try await successor.start() == baseURL)
        await successor.stop()
    }

    @Test func aTakenPortIsReportedAndTheSimulatorCanStillStartElsewhere() async throws {
        try await Harness.with(overHTTP: true) { sim in
            let port = try #require(Int(sim.baseURL.split(separator: ":").last ?? ""))
            let clash = Simulator(configuration: SimulatorConfiguration(port: port), clock: ManualClock())
            await #expect(throws: (any Error).self) { try await clash.start() }
            await clash.stop()
        }
    }
}
