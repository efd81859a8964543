import NIOHTTP1
import SetlistCore
import Testing

@testable import SetlistSimulator

/// `SimulatorConfiguration.stockNewAPI`: the proxy routes behave like stock new-api, which forwards only `music`
/// and `lyrics` (api-contract-proxy-extras §0, §7).
@Suite struct StockNewAPITests {
    private let stock = SimulatorConfiguration(stockNewAPI: true)

    @Test func concatAnswersInvalidActionAndChargesNothing() async throws {
        try await Harness.with(stock) { sim in
            let song = try await sim.completedProxySong()
            let root = try #require(song.clips.first?["id"]?.stringValue)
            let part = try await sim.completedExtension(of: try #require(song.taskID), clip: root, at: 60)
            #expect(part["status"]?.stringValue == "SUCCESS")
            let last = try #require(part.clips.first?["id"]?.stringValue)
            let reply = try await sim.proxyPost("/suno/submit/concat", JoinSeeds.concat(last))
            #expect(reply.status == 400)
            #expect(keys(reply.json) == ["code", "data", "message"])
            #expect(reply.json["code"]?.stringValue == "invalid_action")
            #expect(reply.json["message"]?.stringValue == "invalid action")
            #expect(reply.json["data"]?.isNull == true)
            #expect(try await sim.proxyPost("/suno/submit/concat", JoinSeeds.concat(last), key: "wrong").status == 401)
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 2)
        }
    }

    @Test func everyActPathIs404() async throws {
        try await Harness.with(stock) { sim in
            let clip = try #require(try await sim.completedProxySong().clips.first?["id"]?.stringValue)
            for path in ["/suno/act/wav/\(clip)", "/suno/act/timing/\(clip)", "/suno/act/mp4/\(clip)"] {
                for method in [HTTPMethod.GET, .POST] {
                    let reply = try await sim.send(method, path, body: method == .POST ? "{}" : nil)
                    #expect(reply.status == 404, "\(method) \(path)")
                    #expect(reply.json["code"]?.stringValue == "not_found")
                }
            }
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["requests"]?["GET /suno/act/wav/{clip_id}"]?["404"]?.numberValue == 1)
        }
    }

    @Test func lyricsAndExtendStillWork() async throws {
        try await Harness.with(stock) { sim in
            let lyrics = try await sim.send(.POST, "/suno/submit/lyrics", body: #"{"prompt": "summer rain"}"#)
            let task = try await sim.proxyFetch(try #require(lyrics.json["data"]?.stringValue))
            #expect(task.json["data"]?["status"]?.stringValue == "SUCCESS")
            let song = try await sim.completedProxySong()
            let root = try #require(song.clips.first?["id"]?.stringValue)
            let part = try await sim.completedExtension(of: try #require(song.taskID), clip: root, at: 30)
            #expect(part.clips.count == 2)
        }
    }

    @Test func vendorModeIsTheDefault() async throws {
        #expect(!SimulatorConfiguration().stockNewAPI)
        try await Harness.with { sim in
            let timing = try await sim.send(.GET, "/suno/act/timing/x")
            #expect(timing.status == 404)
            let wav = try await sim.send(.GET, "/suno/act/wav/x")
            #expect(wav.status == 400)
        }
    }
}

/// Every route answers 405, with `Allow`, for a method it does not take, in its API's error body.
@Suite struct MethodRuleTests {
    @Test(arguments: [
        ("GET", "/suno/submit/concat", "POST"), ("PUT", "/suno/submit/music", "POST"),
        ("GET", "/suno/submit/lyrics", "POST"), ("POST", "/suno/act/wav/abc", "GET"),
        ("DELETE", "/suno/fetch/abc", "GET"), ("GET", "/suno/fetch", "POST"),
        ("GET", "/v1/audios/generations", "POST"), ("PATCH", "/_sim/faults", "GET, POST"),
    ])
    func otherMethodsAre405(method: String, path: String, allowed: String) async throws {
        try await Harness.with { sim in
            let verb = HTTPMethod(rawValue: method)
            let reply = try await sim.send(verb, path, body: verb == .GET ? nil : "{}")
            #expect(reply.status == 405)
            #expect(reply.headers.first(name: "Allow") == allowed)
            let code = reply.json["code"]?.stringValue ?? reply.errorCode
            #expect(code == "method_not_allowed")
            let stats = try await sim.admin("/_sim/stats")
            #expect(stats["paid_submissions"]?["created"]?.numberValue == 0)
        }
    }
}
