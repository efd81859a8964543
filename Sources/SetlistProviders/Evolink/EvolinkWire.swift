import Foundation
import SetlistCore

/// The body of a music generation, `POST /v1/audios/generations` (api-contract §A.1). `model`, `custom_mode` and
/// `instrumental` are always sent because the older doc generations require them; every other field only when
/// set. `model` is the name as the manifest wrote it (``SongRequest/wireModel``), which the provider maps itself.
/// `artistClipID` belongs to the Suno proxy format and is never sent.
struct EvolinkSongBody: Encodable {
    var request: SongRequest

    private enum CodingKeys: String, CodingKey {
        case model, instrumental, prompt, style, title, duration
        case customMode = "custom_mode"
        case negativeTags = "negative_tags"
        case vocalGender = "vocal_gender"
        case styleWeight = "style_weight"
        case weirdnessConstraint = "weirdness_constraint"
        case audioWeight = "audio_weight"
        case personaID = "persona_id"
        case personaModel = "persona_model"
        case callbackURL = "callback_url"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(request.wireModel ?? request.model, forKey: .model)
        try container.encode(request.customMode, forKey: .customMode)
        try container.encode(request.instrumental, forKey: .instrumental)
        try container.encodeIfPresent(request.prompt, forKey: .prompt)
        try container.encodeIfPresent(request.style, forKey: .style)
        try container.encodeIfPresent(request.title, forKey: .title)
        try container.encodeIfPresent(request.negativeTags, forKey: .negativeTags)
        try container.encodeIfPresent(request.vocalGender, forKey: .vocalGender)
        try container.encodeIfPresent(request.styleWeight, forKey: .styleWeight)
        try container.encodeIfPresent(request.weirdnessConstraint, forKey: .weirdnessConstraint)
        try container.encodeIfPresent(request.audioWeight, forKey: .audioWeight)
        try container.encodeIfPresent(request.personaID, forKey: .personaID)
        try container.encodeIfPresent(request.personaModel, forKey: .personaModel)
        try container.encodeIfPresent(request.duration, forKey: .duration)
        try container.encodeIfPresent(request.callbackURL, forKey: .callbackURL)
    }
}

/// The body of a persona derivation: `{"model":"suno-persona","model_params":{…}}` (api-contract §A.2).
struct EvolinkPersonaBody: Encodable {
    var request: PersonaRequest

    private enum CodingKeys: String, CodingKey {
        case model
        case modelParams = "model_params"
    }

    private enum ParameterKeys: String, CodingKey {
        case name, description, style
        case sourceTaskID = "source_task_id"
        case resultID = "result_id"
        case vocalStart = "vocal_start"
        case vocalEnd = "vocal_end"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EvolinkProvider.personaModelName, forKey: .model)
        var parameters = container.nestedContainer(keyedBy: ParameterKeys.self, forKey: .modelParams)
        try parameters.encode(request.sourceTaskID, forKey: .sourceTaskID)
        try parameters.encode(request.resultID, forKey: .resultID)
        try parameters.encode(request.name, forKey: .name)
        try parameters.encode(request.description, forKey: .description)
        try parameters.encodeIfPresent(request.vocalStart, forKey: .vocalStart)
        try parameters.encodeIfPresent(request.vocalEnd, forKey: .vocalEnd)
        try parameters.encodeIfPresent(request.style, forKey: .style)
    }
}

/// Reads an Evolink task object (api-contract §A.1 response, §A.3) into a ``TaskSnapshot``.
///
/// Decisions, where the docs leave room:
/// - `id` and `status` are required; anything else missing or of an unexpected type is ignored.
/// - An unknown `status` value is read as `processing`: the task id is kept (on a submission it is the one
///   thing that must not be lost) and `limits.task_timeout` still bounds the wait.
/// - `canceled`/`cancelled`, and `failed` with error code `request_cancelled`, are both `cancelled`, with a
///   ``TaskFailure`` of code `request_cancelled` when the provider gave none.
/// - A failed task without an `error` object fails with code `unknown_error`, which the docs class as
///   server-side.
/// - `result_data` is read in all three documented shapes: a flat array of songs, `{"songs":[…]}`, and an object
///   with `persona_id`. Each entry with a `result_id` or an `audio_url` is one take, in order.
/// - `results` (the bare URL list) adds a take with only its audio URL for each URL that no `result_data` take
///   already has as its audio or stream URL, up to as many takes as `results` lists: the documented example
///   has one `result_data` entry and two URLs, so it yields two takes, and a task answering with URLs only
///   yields one take per URL.
/// - `persona_id` is read from the task object itself or from `result_data` (an object, or an entry of an
///   array), in that order.
enum EvolinkTaskDecoder {
    /// Why a body is not a task object, worded to follow "but".
    struct Malformed: Error {
        var problem: String
    }

    /// The task object in a response body; `expectedID`, when given, is the id the answer must describe.
    static func snapshot(from data: Data, expectedID: String?) throws(Malformed) -> TaskSnapshot {
        guard let json = JSONValue.parse(data) else {
            throw Malformed(problem: "the body is not JSON")
        }
        guard json.objectValue != nil else {
            throw Malformed(problem: "the body is not a JSON object")
        }
        return try snapshot(from: json, expectedID: expectedID)
    }

    /// One parsed task object. The body of a single `GET /v1/tasks/{id}` and each entry of a batch answer's `data`
    /// are read here, so both give the same snapshot for the same task object.
    static func snapshot(from json: JSONValue, expectedID: String?) throws(Malformed) -> TaskSnapshot {
        guard json.objectValue != nil else {
            throw Malformed(problem: "the task object is not a JSON object")
        }
        guard let statusText = json["status"]?.nonEmptyStringValue else {
            let what = json["error"] == nil ? "it has no status" : "it carries an error instead of a task"
            throw Malformed(problem: "the body is not a task object: \(what)")
        }
        let id = json["id"]?.nonEmptyStringValue ?? expectedID
        guard let id else {
            throw Malformed(problem: "the task object has no id")
        }
        if let expectedID, id != expectedID {
            throw Malformed(problem: "the answer describes task \(id) instead of \(expectedID)")
        }

        var status = taskStatus(statusText)
        var failure: TaskFailure?
        if status == .failed || status == .cancelled {
            failure = taskFailure(json["error"], status: status)
            if failure?.code == "request_cancelled" { status = .cancelled }
        }
        let resultData = json["result_data"]
        return TaskSnapshot(
            id: id,
            status: status,
            progress: json["progress"]?.intValue.map { min(max($0, 0), 100) },
            estimatedSeconds: json["task_info"]?["estimated_time"]?.doubleValue.flatMap { $0 >= 0 ? $0 : nil },
            creditsReserved: json["usage"]?["credits_reserved"]?.doubleValue.flatMap { $0 >= 0 ? $0 : nil },
            results: takes(resultData: resultData, resultURLs: json["results"]),
            personaID: json["persona_id"]?.nonEmptyStringValue ?? personaID(in: resultData),
            failure: failure
        )
    }

    private static func taskStatus(_ text: String) -> TaskStatus {
        switch text.lowercased() {
        case "pending": .pending
        case "completed": .completed
        case "failed": .failed
        case "cancelled", "canceled": .cancelled
        default: .processing
        }
    }

    private static func taskFailure(_ error: JSONValue?, status: TaskStatus) -> TaskFailure {
        let body = error.flatMap { APIErrorBody.parse($0) }
        if status == .cancelled {
            return TaskFailure(
                code: body?.code ?? "request_cancelled",
                message: body?.message ?? "Evolink reports that the task was cancelled.")
        }
        return TaskFailure(
            code: body?.code ?? "unknown_error",
            message: body?.message ?? "Evolink reports that the task failed but gave no reason.")
    }

    private static func takes(resultData: JSONValue?, resultURLs: JSONValue?) -> [TaskResult] {
        var takes = songs(in: resultData)
        let urls = (resultURLs?.arrayValue ?? []).compactMap(\.nonEmptyStringValue)
        var known = Set(takes.flatMap { [$0.audioURL, $0.streamAudioURL].compactMap(\.self) })
        for url in urls where takes.count < urls.count && !known.contains(url) {
            takes.append(TaskResult(resultID: nil, audioURL: url))
            known.insert(url)
        }
        return takes
    }

    private static func songs(in resultData: JSONValue?) -> [TaskResult] {
        guard let resultData else { return [] }
        if let entries = resultData.arrayValue {
            return entries.compactMap(song)
        }
        if let entries = resultData["songs"]?.arrayValue {
            return entries.compactMap(song)
        }
        return song(resultData).map { [$0] } ?? []
    }

    private static func personaID(in resultData: JSONValue?) -> String? {
        guard let resultData else { return nil }
        if let entries = resultData.arrayValue {
            return entries.lazy.compactMap { $0["persona_id"]?.nonEmptyStringValue }.first
        }
        return resultData["persona_id"]?.nonEmptyStringValue
    }

    private static func song(_ entry: JSONValue) -> TaskResult? {
        let resultID = entry["result_id"]?.nonEmptyStringValue
        let audioURL = entry["audio_url"]?.nonEmptyStringValue
        guard resultID != nil || audioURL != nil else { return nil }
        return TaskResult(
            resultID: resultID,
            title: entry["title"]?.stringValue,
            tags: entry["tags"]?.stringValue,
            duration: entry["duration"]?.doubleValue,
            audioURL: audioURL,
            streamAudioURL: entry["stream_audio_url"]?.nonEmptyStringValue,
            imageURL: entry["image_url"]?.nonEmptyStringValue
        )
    }
}
