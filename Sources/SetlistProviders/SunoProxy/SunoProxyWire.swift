import Foundation
import SetlistCore

/// The body of `POST /suno/submit/music` (api-contract §B.1, §B.6). Simple mode sends the description as
/// `gpt_description_prompt`; custom mode sends lyrics, title and tags; a persona song adds
/// `task: artist_consistency`, `persona_id`, `artist_clip_id` and `generation_type: TEXT`. `make_instrumental`
/// and `mv` are always sent. Fields the format has no place for (weights, `persona_model`, `duration`) are not.
struct SunoProxySongBody: Encodable {
    var request: SongRequest
    var mv: String

    private enum CodingKeys: String, CodingKey {
        case mv, prompt, title, tags, task
        case description = "gpt_description_prompt"
        case makeInstrumental = "make_instrumental"
        case negativeTags = "negative_tags"
        case vocalGender = "vocal_gender"
        case personaID = "persona_id"
        case artistClipID = "artist_clip_id"
        case generationType = "generation_type"
        case notifyHook = "notify_hook"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mv, forKey: .mv)
        try container.encode(request.instrumental, forKey: .makeInstrumental)
        if request.customMode {
            try container.encode(request.prompt ?? "", forKey: .prompt)
            try container.encodeIfPresent(request.title, forKey: .title)
            try container.encodeIfPresent(request.style, forKey: .tags)
            try container.encodeIfPresent(request.negativeTags, forKey: .negativeTags)
            try container.encodeIfPresent(request.vocalGender, forKey: .vocalGender)
        } else {
            try container.encode(request.prompt ?? "", forKey: .description)
        }
        if let personaID = request.personaID {
            try container.encode("artist_consistency", forKey: .task)
            try container.encode(personaID, forKey: .personaID)
            try container.encodeIfPresent(request.artistClipID, forKey: .artistClipID)
            try container.encode("TEXT", forKey: .generationType)
        }
        try container.encodeIfPresent(request.callbackURL, forKey: .notifyHook)
    }
}

/// The body of `POST /suno/persona/create` (api-contract §B.5): the source clip is `root_clip_id` and the only
/// entry of `clips`; personas are private (`is_public: false`). The vocal window and style have no field here.
struct SunoProxyPersonaBody: Encodable {
    var request: PersonaRequest

    private enum CodingKeys: String, CodingKey {
        case name, description, clips
        case rootClipID = "root_clip_id"
        case isPublic = "is_public"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(request.resultID, forKey: .rootClipID)
        try container.encode(request.name, forKey: .name)
        try container.encode(request.description, forKey: .description)
        try container.encode([request.resultID], forKey: .clips)
        try container.encode(false, forKey: .isPublic)
    }
}

/// The body of `POST /suno/submit/lyrics` (api-contract §B.2): the description only; `notify_hook` is not sent.
struct SunoProxyLyricsBody: Encodable {
    var prompt: String
}

/// The body of an extension, `POST /suno/submit/music` with `task: extend` (api-contract-proxy-extras §1): the
/// parent task (`task_id`, which new-api and Suno-API require whenever `continue_clip_id` is set), the continued
/// clip, `continue_at` as a JSON number, the new part's lyrics (`""` for an instrumental part) and the `mv` the
/// continued clip was made with. `title`, `tags` and `negative_tags` are sent when the song has them.
struct SunoProxyExtensionBody: Encodable {
    var request: ExtensionRequest
    var mv: String

    private enum CodingKeys: String, CodingKey {
        case task, prompt, mv, title, tags
        case taskID = "task_id"
        case continueClipID = "continue_clip_id"
        case continueAt = "continue_at"
        case negativeTags = "negative_tags"
        case makeInstrumental = "make_instrumental"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("extend", forKey: .task)
        try container.encode(request.taskID, forKey: .taskID)
        try container.encode(request.clipID, forKey: .continueClipID)
        try container.encode(request.continueAt, forKey: .continueAt)
        try container.encode(request.prompt, forKey: .prompt)
        try container.encode(mv, forKey: .mv)
        try container.encodeIfPresent(request.title, forKey: .title)
        try container.encodeIfPresent(request.style, forKey: .tags)
        try container.encodeIfPresent(request.negativeTags, forKey: .negativeTags)
        try container.encode(request.instrumental, forKey: .makeInstrumental)
    }
}

/// The body of `POST /suno/submit/concat` (api-contract-proxy-extras §2): the last part's clip; Suno walks the
/// lineage itself.
struct SunoProxyConcatBody: Encodable {
    var request: JoinRequest

    private enum CodingKeys: String, CodingKey {
        case clipID = "clip_id"
        case isInfill = "is_infill"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(request.clipID, forKey: .clipID)
        try container.encode(request.isInfill, forKey: .isInfill)
    }
}

/// The body of `POST /suno/fetch` (api-contract §B.4).
struct SunoProxyFetchBody: Encodable {
    var ids: [String]
    var action = "MUSIC"
}

/// Reads the proxy's answers into ``TaskSnapshot`` values.
///
/// Decisions, where the docs leave room:
/// - The `{code, message, data}` envelope is required on submissions and fetches; a `code` other than `success`
///   is an error even under HTTP 200.
/// - `NOT_START`, `SUBMITTED` and `QUEUED` are `pending`; `IN_PROGRESS` and any unknown status `processing`;
///   `SUCCESS` `completed`; `FAILURE` and Suno-API's terminal `UNKNOWN` `failed`.
/// - The proxy gives a failure only as free text (`fail_reason`). It is classified by its words: moderation
///   words give `content_policy_violation` (not retried), timeouts `generation_timeout`, anything else
///   `upstream_error` (retried; the proxy refunds failed tasks).
/// - Results are read only from a `SUCCESS` task: clip `id`, `title`, `metadata.tags` (or `tags`),
///   `metadata.duration` (or `duration`), `audio_url`, `image_url` (or `image_large_url`). A lyrics task's `data`
///   is one object instead of a list of clips (``lyrics(_:)``); `action` is never required.
/// - A persona answer is the bare persona object; `data.id` is accepted too (api-contract §C-13).
enum SunoProxyDecoder {
    /// Why a body is not what the proxy documents, worded to follow "but".
    struct Malformed: Error {
        var problem: String
    }

    /// What an envelope carries.
    enum Envelope {
        case success(JSONValue)
        case failure(APIErrorBody)
    }

    static func envelope(_ data: Data) throws(Malformed) -> Envelope {
        guard let json = JSONValue.parse(data) else { throw Malformed(problem: "the body is not JSON") }
        guard json.objectValue != nil else { throw Malformed(problem: "the body is not a JSON object") }
        guard let code = json["code"]?.nonEmptyStringValue else {
            if let error = APIErrorBody.parse(json) { return .failure(error) }
            throw Malformed(problem: "the body has no code")
        }
        guard code.lowercased() == "success" else {
            return .failure(APIErrorBody(code: code, message: json["message"]?.nonEmptyStringValue))
        }
        return .success(json["data"] ?? .null)
    }

    static func submittedTaskID(_ data: JSONValue) throws(Malformed) -> String {
        if let id = data.nonEmptyStringValue, data.objectValue == nil { return id }
        if let id = data["task_id"]?.nonEmptyStringValue ?? data["id"]?.nonEmptyStringValue { return id }
        throw Malformed(problem: "the answer carries no task id in data")
    }

    static func personaID(_ body: Data) throws(Malformed) -> String {
        guard let json = JSONValue.parse(body), json.objectValue != nil else {
            throw Malformed(problem: "the body is not a JSON object")
        }
        if let id = json["id"]?.nonEmptyStringValue { return id }
        if let id = json["data"]?["id"]?.nonEmptyStringValue { return id }
        throw Malformed(problem: "the persona object has no id")
    }

    static func snapshots(_ data: JSONValue) throws(Malformed) -> [TaskSnapshot] {
        if data == .null { return [] }
        guard let tasks = data.arrayValue else { throw Malformed(problem: "data is not a list of tasks") }
        return tasks.compactMap(snapshot)
    }

    static func snapshot(_ task: JSONValue) -> TaskSnapshot? {
        guard let id = task["task_id"]?.nonEmptyStringValue ?? task["id"]?.nonEmptyStringValue else { return nil }
        let status = taskStatus(task["status"]?.nonEmptyStringValue ?? "")
        let reason = status == .failed ? failure(task["fail_reason"]?.nonEmptyStringValue) : nil
        let results = status == .completed ? results(task["data"]) : []
        return TaskSnapshot(
            id: id, status: status, progress: task["progress"]?.intValue.map { min(max($0, 0), 100) },
            results: results, failure: reason)
    }

    static func taskStatus(_ text: String) -> TaskStatus {
        switch text.uppercased() {
        case "NOT_START", "SUBMITTED", "QUEUED": .pending
        case "SUCCESS": .completed
        case "FAILURE", "UNKNOWN": .failed
        default: .processing
        }
    }

    static func failure(_ reason: String?) -> TaskFailure {
        guard let reason else {
            return TaskFailure(
                code: "upstream_error",
                message: "The Suno proxy reports that the task failed but "
                    + "gave no reason.")
        }
        let lowered = reason.lowercased()
        let policyWords = ["policy", "moderat", "sensitive", "violat", "prohibited", "copyright", "审核", "违规", "敏感"]
        if policyWords.contains(where: { lowered.contains($0) }) {
            return TaskFailure(code: "content_policy_violation", message: reason)
        }
        if lowered.contains("timeout") || lowered.contains("timed out") || reason.contains("超时") {
            return TaskFailure(code: "generation_timeout", message: reason)
        }
        return TaskFailure(code: "upstream_error", message: reason)
    }

    /// The takes of a finished task: its clips, or the one text of a lyrics task.
    static func results(_ data: JSONValue?) -> [TaskResult] {
        guard let data else { return [] }
        if data.objectValue != nil { return [lyrics(data)] }
        return (data.arrayValue ?? []).compactMap(result)
    }

    private static func result(_ clip: JSONValue) -> TaskResult? {
        guard let id = clip["id"]?.nonEmptyStringValue ?? clip["clip_id"]?.nonEmptyStringValue else { return nil }
        let metadata = clip["metadata"]
        return TaskResult(
            resultID: id,
            title: clip["title"]?.stringValue,
            tags: metadata?["tags"]?.stringValue ?? clip["tags"]?.stringValue,
            duration: metadata?["duration"]?.doubleValue ?? clip["duration"]?.doubleValue,
            audioURL: clip["audio_url"]?.nonEmptyStringValue,
            imageURL: clip["image_url"]?.nonEmptyStringValue ?? clip["image_large_url"]?.nonEmptyStringValue)
    }
}
