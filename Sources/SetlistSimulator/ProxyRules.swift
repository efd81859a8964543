import HTTPTypes
import SetlistCore

/// An error answer of the Suno proxy: the task relay's envelope `{"code","message","data":null}`, or new-api's
/// OpenAI-style `{"error":{"message","type":"new_api_error","code"}}` from its auth and quota middleware
/// (api-contract §B.8).
struct ProxyError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    /// True for the middleware shape.
    var openAIStyle = false
    /// Seconds for a `Retry-After` header.
    var retryAfter: Int?

    /// HTTP 400 `invalid_request`.
    static func invalidRequest(_ message: String) -> ProxyError {
        ProxyError(status: .badRequest, code: "invalid_request", message: message)
    }

    /// HTTP 400 `task_not_exist` (new-api's answer for an unknown or foreign task id).
    static let taskNotExist = ProxyError(status: .badRequest, code: "task_not_exist", message: "task_not_exist")

    /// HTTP 400 `invalid_action`: stock new-api's answer for a submit action other than `music` and `lyrics`
    /// (api-contract-proxy-extras §0).
    static let invalidAction = ProxyError(status: .badRequest, code: "invalid_action", message: "invalid action")

    /// HTTP 401 from the auth middleware.
    static let unauthorized = ProxyError(
        status: .unauthorized, code: "invalid_token", message: "Invalid token.", openAIStyle: true)

    /// HTTP 403 from the quota middleware: the account's credits do not cover the request.
    static let insufficientQuota = ProxyError(
        status: .forbidden, code: "insufficient_user_quota", message: "User quota is not enough.", openAIStyle: true)

    /// The response.
    var response: SimResponse {
        let body: JSONValue =
            openAIStyle
            ? .object([
                "error": .object(["message": .string(message), "type": "new_api_error", "code": .string(code)])
            ])
            : .object(["code": .string(code), "message": .string(message), "data": .null])
        var response = SimResponse.json(body, status: status)
        if let retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
        return response
    }
}

/// A `/suno/submit/music` request that passed the rules.
struct ProxyMusicRequest: Sendable {
    let mv: String
    /// Inspiration mode: `gpt_description_prompt` set; Suno writes lyrics, title and tags.
    let inspiration: Bool
    let description: String?
    let prompt: String?
    let tags: String?
    let title: String?
    /// Set when the request continues a clip (`task: extend`).
    let continuation: ProxyExtension?
}

/// The request rules of the Suno proxy format (api-contract §B.1–§B.6), checked on the wire body. Like
/// ``EvolinkRules`` they are the server's own and share nothing with the client's validation.
struct ProxyRules: Sendable {
    /// Known `mv` values with their prompt and tags limits (the rixapi table of §B.1; v3.0 and the `-tau` persona
    /// variants take the v3.5/v4 figures).
    static let models: [String: (prompt: Int, tags: Int)] = [
        "chirp-crow": (5000, 1000), "chirp-bluejay": (5000, 1000), "chirp-auk": (5000, 1000),
        "chirp-v4": (3000, 200), "chirp-v3-5": (3000, 200), "chirp-v3-0": (3000, 200),
        "chirp-v3-5-tau": (3000, 200), "chirp-v4-tau": (3000, 200),
    ]
    /// The `mv` values accepted with `task: artist_consistency` (§C-12).
    static let personaModels: Set<String> = ["chirp-v3-5-tau", "chirp-v4-tau", "chirp-auk"]
    /// The `mv` an empty or missing value means (new-api and Suno-API default).
    static let defaultModel = "chirp-v3-0"

    /// Checks a music request; `lookup` answers for `persona_id`, `clipExists` for `artist_clip_id`.
    func music(
        _ body: JSONValue, lookup: (String) -> PersonaLookup, clipExists: (String) -> Bool
    ) throws(ProxyError) -> ProxyMusicRequest {
        var mv = try string(body, "mv") ?? ""
        if mv.isEmpty { mv = ProxyRules.defaultModel }
        guard let limits = ProxyRules.models[mv] else {
            let known = ProxyRules.models.keys.sorted().joined(separator: ", ")
            throw .invalidRequest("mv '\(mv)' is not a known model version; use one of \(known).")
        }
        _ = try bool(body, "make_instrumental")
        _ = try string(body, "notify_hook")
        if let gender = try string(body, "vocal_gender"), gender != "m", gender != "f" {
            throw .invalidRequest("vocal_gender must be 'm' or 'f', not '\(gender)'.")
        }
        let task = try string(body, "task") ?? ""
        let description = try string(body, "gpt_description_prompt") ?? ""
        let prompt = try string(body, "prompt")
        let tags = try string(body, "tags")
        let title = try string(body, "title")
        _ = try string(body, "negative_tags")
        let inspiration = !description.isEmpty
        if !inspiration {
            guard let prompt else {
                throw .invalidRequest(
                    "prompt is required: the lyrics in custom mode (\"\" for an instrumental), or send "
                        + "gpt_description_prompt for inspiration mode.")
            }
            try limit(prompt, "prompt", limits.prompt, mv: mv)
            try limit(tags, "tags", limits.tags, mv: mv)
        }
        let continuation = inspiration ? nil : try self.continuation(body, task: task)
        try persona(body, task: task, mv: mv, inspiration: inspiration, lookup: lookup, clipExists: clipExists)
        return ProxyMusicRequest(
            mv: mv, inspiration: inspiration, description: inspiration ? description : nil, prompt: prompt,
            tags: tags, title: title, continuation: continuation)
    }

    /// Checks a lyrics request and returns its topic.
    func lyrics(_ body: JSONValue) throws(ProxyError) -> String {
        _ = try string(body, "notify_hook")
        guard let prompt = try string(body, "prompt"), !prompt.isEmpty else { throw .invalidRequest("prompt is empty") }
        return prompt
    }

    /// Checks a persona request and returns its `root_clip_id`; the clip is checked against the store afterwards.
    func persona(_ body: JSONValue) throws(ProxyError) -> String {
        var required: [String: String] = [:]
        for field in ["root_clip_id", "name", "description"] {
            guard let value = try string(body, field), !value.isEmpty else {
                throw .invalidRequest("\(field) is required.")
            }
            required[field] = value
        }
        guard let clips = body["clips"]?.arrayValue, clips.allSatisfy({ $0.stringValue != nil }) else {
            throw .invalidRequest("clips is required and must be an array of clip ids.")
        }
        guard try bool(body, "is_public") != nil else { throw .invalidRequest("is_public is required.") }
        return required["root_clip_id"]!
    }

    /// The `ids` of a batch fetch.
    func fetchIDs(_ body: JSONValue) throws(ProxyError) -> [String] {
        _ = try string(body, "action")
        guard let ids = body["ids"]?.arrayValue else { throw .invalidRequest("ids is required.") }
        var result: [String] = []
        for id in ids {
            guard let text = id.stringValue else { throw .invalidRequest("ids must be an array of strings.") }
            result.append(text)
        }
        return result
    }

    private func persona(
        _ body: JSONValue, task: String, mv: String, inspiration: Bool, lookup: (String) -> PersonaLookup,
        clipExists: (String) -> Bool
    ) throws(ProxyError) {
        let personaID = try string(body, "persona_id") ?? ""
        let clipID = try string(body, "artist_clip_id") ?? ""
        _ = try string(body, "generation_type")
        guard task == "artist_consistency" else {
            if !personaID.isEmpty { throw .invalidRequest("persona_id needs task: artist_consistency.") }
            return
        }
        if personaID.isEmpty { throw .invalidRequest("persona_id is required with task artist_consistency.") }
        if clipID.isEmpty { throw .invalidRequest("artist_clip_id is required with task artist_consistency.") }
        guard ProxyRules.personaModels.contains(mv) else {
            let allowed = ProxyRules.personaModels.sorted().joined(separator: ", ")
            throw .invalidRequest("mv '\(mv)' does not support artist_consistency; use one of \(allowed).")
        }
        if inspiration {
            throw .invalidRequest(
                "artist_consistency needs custom mode (prompt, tags, title), not gpt_description_prompt.")
        }
        for field in ["tags", "title"] {
            guard let value = try string(body, field), !value.isEmpty else {
                throw .invalidRequest("\(field) is required with task artist_consistency.")
            }
        }
        switch lookup(personaID) {
        case .usable:
            break
        case .unknown:
            throw .invalidRequest("persona_id '\(personaID)' does not exist or does not belong to this account.")
        case .notCompleted(let status):
            throw .invalidRequest("persona_id '\(personaID)' cannot be used: it is \(status.rawValue).")
        }
        if !clipExists(clipID) { throw .invalidRequest("artist_clip_id '\(clipID)' is not a completed clip.") }
    }

    private func limit(_ text: String?, _ field: String, _ maximum: Int, mv: String) throws(ProxyError) {
        guard let text, text.count > maximum else { return }
        throw .invalidRequest("\(field) is \(text.count) characters; \(mv) allows at most \(maximum).")
    }

    /// The string member `field`; nil when it is missing or null, a 400 when it is another type.
    func string(_ body: JSONValue, _ field: String) throws(ProxyError) -> String? {
        guard let value = body[field], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw .invalidRequest("\(field) must be a string, not \(value.typeName).")
        }
        return text
    }

    /// The boolean member `field`; nil when it is missing or null, a 400 when it is another type.
    func bool(_ body: JSONValue, _ field: String) throws(ProxyError) -> Bool? {
        guard let value = body[field], !value.isNull else { return nil }
        guard let flag = value.boolValue else {
            throw .invalidRequest("\(field) must be a boolean, not \(value.typeName).")
        }
        return flag
    }

    /// The number member `field`; nil when it is missing or null, a 400 when it is another type.
    func number(_ body: JSONValue, _ field: String) throws(ProxyError) -> Double? {
        guard let value = body[field], !value.isNull else { return nil }
        guard let number = value.numberValue else {
            throw .invalidRequest("\(field) must be a number, not \(value.typeName).")
        }
        return number
    }
}
