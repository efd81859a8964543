import SetlistCore
import Testing

@testable import SetlistSimulator

extension Harness {
    /// A POST to a proxy submission route, optionally with an `Idempotency-Key`.
    func proxyPost(
        _ path: String, _ body: String, key: String = "sim-key", idempotencyKey: String? = nil
    ) async throws -> Reply {
        try await send(
            .POST, path, body: body, key: key, headers: idempotencyKey.map { [("Idempotency-Key", $0)] } ?? [])
    }

    /// Extends `clip` of the proxy task `taskID` at `at` seconds and advances the clock until the extension has
    /// ended; returns its task object.
    func completedExtension(
        of taskID: String, clip: String, at: Double, mv: String = "chirp-crow", key: String = "sim-key"
    ) async throws -> JSONValue {
        let created = try await proxyMusic(JoinSeeds.extend(taskID: taskID, clipID: clip, at: at, mv: mv), key: key)
        #expect(created.status == 200, "\(String(decoding: created.body, as: UTF8.self))")
        let id = try #require(created.json["data"]?.stringValue)
        advance(seconds: 200)
        return try #require(try await proxyFetch(id, key: key).json["data"])
    }

    /// Joins the song ending in `clip` and advances the clock until the join has ended; returns its task object.
    func completedConcat(of clip: String, key: String = "sim-key") async throws -> JSONValue {
        let created = try await proxyPost("/suno/submit/concat", JoinSeeds.concat(clip), key: key)
        #expect(created.status == 200, "\(String(decoding: created.body, as: UTF8.self))")
        let id = try #require(created.json["data"]?.stringValue)
        advance(seconds: 40)
        return try #require(try await proxyFetch(id, key: key).json["data"])
    }
}

extension JSONValue {
    /// The task id of a proxy task object.
    var taskID: String? { self["task_id"]?.stringValue }

    /// The clips of a proxy task object.
    var clips: [JSONValue] { self["data"]?.arrayValue ?? [] }
}

/// Extend and concat bodies as the vendor documents show them (api-contract-proxy-extras §1, §2, §7).
enum JoinSeeds {
    static func extend(
        taskID: String?, clipID: String, at: Double?, mv: String = "chirp-crow", extra: String = ""
    ) -> String {
        let task = taskID.map { #", "task_id": "\#($0)""# } ?? ""
        let continueAt = at.map { #", "continue_at": \#($0)"# } ?? ""
        return #"""
            {"task": "extend", "continue_clip_id": "\#(clipID)"\#(continueAt)\#(task), "mv": "\#(mv)",
             "prompt": "[Verse]\nThe cats keep dancing", "title": "Cat Dance", "tags": "electronic",
             "make_instrumental": false\#(extra)}
            """#
    }

    static func concat(_ clipID: String) -> String {
        #"{"clip_id": "\#(clipID)", "is_infill": false}"#
    }
}
