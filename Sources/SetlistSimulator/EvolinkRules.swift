import SetlistCore

/// A music request that passed the rules, with what task creation needs.
struct MusicRequest: Sendable {
    let model: SunoModel
    let customMode: Bool
    let prompt: String?
    let style: String?
    let title: String?
    let duration: Int?
}

/// A persona request that passed the field rules; the store checks its source.
struct PersonaRequest: Sendable {
    let sourceTaskID: String
    let resultID: String
}

/// What the store knows about a `persona_id` sent by a key.
enum PersonaLookup: Sendable {
    /// Issued to this key and completed.
    case usable
    /// Never issued, or issued to another key.
    case unknown
    /// Issued to this key, but the persona task is in `status`.
    case notCompleted(SimTaskStatus)
}

/// The Evolink Suno request rules of api-contract §A.1/§A.2, checked on the wire body. They are the server's own
/// and independent of the client's validation, so a client bug cannot hide behind a shared rule.
struct EvolinkRules: Sendable {
    /// Whether `custom_mode` and `instrumental` are required (seeds 001/003, "erforderlich"; the default) instead of
    /// defaulting to false (G3). A missing one is a 400 in the seed 002 pattern, `<field> is required`.
    let requireModeFlags: Bool

    /// The `model` field, or a 400.
    func modelName(_ body: JSONValue) throws(APIError) -> String {
        guard let model = try string(body, "model") else { throw .invalidRequest("model is required.") }
        return model
    }

    /// Checks a Suno music request; `lookup` answers for `persona_id`.
    func music(
        _ body: JSONValue, model: SunoModel, lookup: (String) -> PersonaLookup
    ) throws(APIError) -> MusicRequest {
        let customFlag = try bool(body, "custom_mode")
        let instrumentalFlag = try bool(body, "instrumental")
        if requireModeFlags, customFlag == nil { throw .invalidRequest("custom_mode is required") }
        if requireModeFlags, instrumentalFlag == nil { throw .invalidRequest("instrumental is required") }
        let customMode = customFlag ?? false
        let instrumental = instrumentalFlag ?? false
        let prompt = try string(body, "prompt")
        let style = try string(body, "style")
        let title = try string(body, "title")
        let negativeTags = try string(body, "negative_tags")
        if customMode {
            guard let style, !style.isEmpty else {
                throw .invalidRequest("style is required when custom_mode is true.")
            }
            guard let title, !title.isEmpty else {
                throw .invalidRequest("title is required when custom_mode is true.")
            }
            if !instrumental, prompt?.isEmpty ?? true {
                throw .invalidRequest(
                    "prompt (the lyrics) is required when custom_mode is true and instrumental is false.")
            }
            try limit(prompt, "prompt", model.maxCustomPrompt, model: model, mode: "custom mode")
            try limit(style, "style", model.maxStyle, model: model, mode: nil)
            try limit(title, "title", SunoModel.maxTitle, model: model, mode: nil)
            try limit(negativeTags, "negative_tags", SunoModel.maxNegativeTags, model: model, mode: nil)
        } else {
            guard let prompt, !prompt.isEmpty else {
                throw .invalidRequest("prompt is required when custom_mode is false.")
            }
            try limit(prompt, "prompt", model.maxSimplePrompt, model: model, mode: "simple mode")
        }
        if let gender = try string(body, "vocal_gender"), gender != "m", gender != "f" {
            throw .invalidRequest("vocal_gender must be 'm' or 'f', not '\(gender)'.")
        }
        for field in ["style_weight", "weirdness_constraint", "audio_weight"] {
            if let weight = try number(body, field), !(0...1).contains(weight) {
                throw .invalidRequest("\(field) must be between 0 and 1, not \(weight).")
            }
        }
        try persona(body, model: model, customMode: customMode, lookup: lookup)
        let duration = try self.duration(body, model: model, customMode: customMode)
        try callbackURL(body)
        return MusicRequest(
            model: model, customMode: customMode, prompt: prompt, style: style, title: title,
            duration: duration
        )
    }

    /// Checks the fields of a `suno-persona` request; the source task is checked against the store afterwards.
    func persona(_ body: JSONValue) throws(APIError) -> PersonaRequest {
        guard let params = body["model_params"], !params.isNull else {
            throw .invalidRequest("model_params is required.")
        }
        guard params.objectValue != nil else {
            throw .invalidRequest("model_params must be an object, not \(params.typeName).")
        }
        var required: [String: String] = [:]
        for field in ["source_task_id", "result_id", "name", "description"] {
            guard let value = try string(params, field, prefix: "model_params."), !value.isEmpty else {
                throw .invalidRequest("model_params.\(field) is required")
            }
            required[field] = value
        }
        _ = try string(params, "style", prefix: "model_params.")
        let start = try number(params, "vocal_start", prefix: "model_params.")
        let end = try number(params, "vocal_end", prefix: "model_params.")
        switch (start, end) {
        case (nil, nil):
            break
        case (.some, nil), (nil, .some):
            throw .invalidRequest("vocal_start and vocal_end must be given together.")
        case (.some(let start), .some(let end)):
            if start < 0 || end < 0 { throw .invalidRequest("vocal_start and vocal_end must be 0 or more.") }
            if end <= start { throw .invalidRequest("vocal_end must be greater than vocal_start.") }
            if end - start < 10 || end - start > 30 {
                throw .invalidRequest("vocal_end - vocal_start must be between 10 and 30 seconds")
            }
        }
        return PersonaRequest(sourceTaskID: required["source_task_id"]!, resultID: required["result_id"]!)
    }

    private func persona(
        _ body: JSONValue, model: SunoModel, customMode: Bool, lookup: (String) -> PersonaLookup
    ) throws(APIError) {
        let personaModel = try string(body, "persona_model")
        if let personaModel, personaModel != "style_persona", personaModel != "voice_persona" {
            throw .invalidRequest("persona_model must be 'style_persona' or 'voice_persona', not '\(personaModel)'.")
        }
        guard let personaID = try string(body, "persona_id") else { return }
        if !model.personaAllowed {
            throw .invalidRequest(
                "persona_id is not supported by \(model.name); use a V5 or V6 model (suno-v5-beta, suno-v5.5-beta, "
                    + "suno-v6-beta, suno-v6-mini-beta, suno-v6-wild-beta)."
            )
        }
        if !customMode { throw .invalidRequest("persona_id requires custom_mode to be true.") }
        if personaModel == "voice_persona", !model.voicePersonaAllowed {
            throw .invalidRequest("persona_model 'voice_persona' is not supported by \(model.name).")
        }
        switch lookup(personaID) {
        case .usable:
            return
        case .unknown:
            throw .invalidRequest("persona_id '\(personaID)' does not exist or does not belong to this API key.")
        case .notCompleted(let status):
            throw .invalidRequest("persona_id '\(personaID)' cannot be used: its persona task is \(status.rawValue).")
        }
    }

    private func duration(_ body: JSONValue, model: SunoModel, customMode: Bool) throws(APIError) -> Int? {
        guard let duration = try number(body, "duration") else { return nil }
        if !model.durationAllowed {
            throw .invalidRequest(
                "duration is not supported by \(model.name); only suno-v5.5-beta and the suno-v6 models accept it."
            )
        }
        if !customMode { throw .invalidRequest("duration requires custom_mode to be true.") }
        guard duration == duration.rounded(), (10...360).contains(duration) else {
            throw .invalidRequest("duration must be a whole number of seconds from 10 to 360, not \(duration).")
        }
        return Int(duration)
    }

    private func callbackURL(_ body: JSONValue) throws(APIError) {
        guard let url = try string(body, "callback_url") else { return }
        if url.count > SunoModel.maxCallbackURL {
            throw .invalidRequest("callback_url is \(url.count) characters; at most 2048 are allowed.")
        }
        guard url.lowercased().hasPrefix("https://") else { throw .invalidRequest("callback_url must use https.") }
        let afterScheme = url.dropFirst("https://".count)
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@").last.map { $0.split(separator: ":").first.map(String.init) ?? "" }
        if let host, EvolinkRules.isInternal(host: host.lowercased()) {
            throw .invalidRequest("callback_url must not point at an internal address (\(host)).")
        }
    }

    private static func isInternal(host: String) -> Bool {
        if host.isEmpty || host == "localhost" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else { return host.hasPrefix("[") }
        switch (octets[0], octets[1]) {
        case (127, _), (10, _), (0, _), (169, 254), (192, 168): return true
        case (172, 16...31): return true
        default: return false
        }
    }

    private func limit(_ text: String?, _ field: String, _ maximum: Int, model: SunoModel, mode: String?)
        throws(APIError)
    {
        guard let text, text.count > maximum else { return }
        let context = mode.map { " in \($0)" } ?? ""
        throw .invalidRequest(
            "\(field) is \(text.count) characters; \(model.name) allows at most \(maximum)\(context)."
        )
    }

    private func string(_ body: JSONValue, _ field: String, prefix: String = "") throws(APIError) -> String? {
        guard let value = body[field], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw .invalidRequest("\(prefix)\(field) must be a string, not \(value.typeName).")
        }
        return text
    }

    private func bool(_ body: JSONValue, _ field: String) throws(APIError) -> Bool? {
        guard let value = body[field], !value.isNull else { return nil }
        guard let flag = value.boolValue else {
            throw .invalidRequest("\(field) must be a boolean, not \(value.typeName).")
        }
        return flag
    }

    private func number(_ body: JSONValue, _ field: String, prefix: String = "") throws(APIError) -> Double? {
        guard let value = body[field], !value.isNull else { return nil }
        guard let number = value.numberValue else {
            throw .invalidRequest("\(prefix)\(field) must be a number, not \(value.typeName).")
        }
        return number
    }
}
