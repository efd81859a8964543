import SetlistCore
import Testing

@testable import SetlistSimulator

/// Fault injection: spec grammar, each fault kind, run-time changes, and admin routes staying exempt.
@Suite struct FaultTests {
    @Test func specGrammarParsesEveryKind() throws {
        let faults = try FaultConfiguration(spec: "5xx=0.1, drop=0.05,lost=0.02,slow=0.1:2s,fail=0.2,malformed=0.05")
        #expect(faults.serverError == 0.1)
        #expect(faults.drop == 0.05)
        #expect(faults.lostResponse == 0.02)
        #expect(faults.slow == 0.1)
        #expect(faults.slowDelay == .seconds(2))
        #expect(faults.taskFailure == 0.2)
        #expect(faults.malformed == 0.05)
        #expect(try FaultConfiguration(spec: faults.spec) == faults)
        #expect(try FaultConfiguration(spec: "slow=1:250ms").slowDelay == .milliseconds(250))
        #expect(try FaultConfiguration(spec: "slow=1:1m").slowDelay == .seconds(60))
        #expect(try FaultConfiguration(spec: "") == FaultConfiguration())
    }

    @Test(arguments: ["5xx", "5xx=2", "boom=0.1", "drop=0.1:2s", "slow=0.1:2 hours"])
    func badSpecsAreRejectedWithAMessage(spec: String) {
        #expect(throws: SimulatorConfigurationError.self) { try FaultConfiguration(spec: spec) }
    }

    @Test func serverErrorsCreateNothing() async throws {
        try await Harness.with(SimulatorConfiguration(faults: try FaultConfiguration(spec: "5xx=1"))) { sim in
            for _ in 0..<4 {
                let reply = try await sim.generate(Seeds.musicBody)
                #expect([500, 503].contains(reply.status))
                #expect(["internal_error", "service_unavailable"].contains(reply.errorCode))
                #expect(reply.json["error"]?["type"]?.stringValue == "api_error")
            }
            #expect([500, 503].contains(try await sim.task("task-unified-1-abcdefgh").status))
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 0)
            #expect(stats["faults_injected"]?["5xx"]?.numberValue == 5)
        }
    }

    @Test func droppedConnectionsGetNoAnswerAndCreateNothing() async throws {
        let faults = try FaultConfiguration(spec: "drop=1")
        try await Harness.with(SimulatorConfiguration(faults: faults), overHTTP: true) { sim in
            await #expect(throws: (any Error).self) { try await sim.generate(Seeds.musicBody) }
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 0)
            #expect(stats["requests"]?["POST /v1/audios/generations"]?["dropped"]?.numberValue ?? 0 >= 1)
        }
    }

    @Test func lostResponseCreatesTheTaskAndAnIdempotentResubmitRecoversIt() async throws {
        let faults = try FaultConfiguration(spec: "lost=1")
        try await Harness.with(SimulatorConfiguration(faults: faults), overHTTP: true) { sim in
            let key = "lost-response-attempt-1"
            await #expect(throws: (any Error).self) { try await sim.generate(Seeds.musicBody, idempotencyKey: key) }
            let tasks = try await sim.admin("/_sim/tasks")["tasks"]?.arrayValue ?? []
            #expect(tasks.count == 1)
            sim.simulator.setFaults(FaultConfiguration())
            let replay = try await sim.generate(Seeds.musicBody, idempotencyKey: key)
            #expect(replay.status == 200)
            #expect(replay.headers.first(name: "idempotency-replayed") == "true")
            #expect(replay.string("id") == tasks.first?["id"]?.stringValue)
            #expect(try await sim.admin("/_sim/stats")["paid_submissions"]?["created"]?.numberValue == 1)
        }
    }

    @Test func slowResponsesWaitOnTheInjectedClock() async throws {
        try await Harness.with(SimulatorConfiguration(faults: try FaultConfiguration(spec: "slow=1:5s"))) { sim in
            async let reply = sim.generate(Seeds.musicBody)
            var waited = 0
            while sim.clock.sleeperCount == 0, waited < 5000 {
                try await Task.sleep(for: .milliseconds(1))
                waited += 1
            }
            #expect(sim.clock.sleeperCount == 1)
            sim.advance(seconds: 5)
            let answer = try await reply
            #expect(answer.status == 200)
            #expect(answer.json["created"]?.numberValue == 1_766_319_094)
        }
    }

    @Test func malformedBodiesAreNotJSONAndCreateNothing() async throws {
        try await Harness.with(SimulatorConfiguration(faults: try FaultConfiguration(spec: "malformed=1"))) { sim in
            let reply = try await sim.generate(Seeds.musicBody)
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "Content-Type") == "application/json")
            #expect(JSONValue.parse(reply.body) == nil)
            #expect(try await sim.admin("/_sim/stats")["paid_submissions"]?["created"]?.numberValue == 0)
        }
    }

    @Test func failingTasksEndFailedWithADocumentedCode() async throws {
        try await Harness.with(SimulatorConfiguration(faults: try FaultConfiguration(spec: "fail=1"))) { sim in
            let created = try await sim.generate(Seeds.musicBody)
            #expect(created.status == 200)
            let id = try #require(created.string("id"))
            sim.advance(seconds: 60)
            #expect(try await sim.task(id).string("status") == "processing")
            sim.advance(seconds: 140)
            let failed = try await sim.task(id)
            #expect(failed.string("status") == "failed")
            #expect(failed.json["progress"]?.numberValue == 0)
            #expect(failed.json["result_data"] == nil)
            let code = try #require(failed.json["error"]?["code"]?.stringValue)
            #expect(SimulatorCore.failures.map(\.code).contains(code))
            #expect(failed.json["error"]?["type"]?.stringValue == "task_error")
            #expect(try await sim.admin("/_sim/stats")["tasks_by_state"]?["failed"]?.numberValue == 1)
        }
    }

    @Test func adminRoutesAreNeverFaulted() async throws {
        let faults = try FaultConfiguration(spec: "5xx=0.5,drop=0.5,malformed=1")
        try await Harness.with(SimulatorConfiguration(faults: faults)) { sim in
            for _ in 0..<10 {
                let stats = try await sim.send(.GET, "/_sim/stats", key: nil)
                #expect(stats.status == 200)
            }
        }
    }

    @Test func faultsChangeAtRunTimeThroughTheAdminRoute() async throws {
        try await Harness.with { sim in
            #expect(try await sim.generate(Seeds.musicBody).status == 200)
            let set = try await sim.send(.POST, "/_sim/faults", body: #"{"spec": "5xx=1,slow=0:1s"}"#, key: nil)
            #expect(set.status == 200)
            #expect(set.string("faults") == "5xx=1.0")
            #expect([500, 503].contains(try await sim.generate(Seeds.musicBody).status))
            #expect(try await sim.send(.POST, "/_sim/faults", body: #"{"5xx": 0}"#, key: nil).status == 200)
            #expect(try await sim.admin("/_sim/faults")["faults"]?.stringValue == "")
            #expect(try await sim.generate(Seeds.musicBody).status == 200)
            let bad = try await sim.send(.POST, "/_sim/faults", body: #"{"spec": "nonsense=1"}"#, key: nil)
            #expect(bad.status == 400)
            #expect(bad.errorMessage.contains("Unknown fault kind"))
        }
    }
}
