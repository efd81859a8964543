import Foundation
import SetlistCore

/// Reading the answers of lyrics tasks and of the WAV endpoint (api-contract-proxy-extras §3, §4).
extension SunoProxyDecoder {
    /// What `GET /suno/act/wav/{clip_id}` answered.
    enum WAVAnswer: Equatable {
        /// The WAV is ready at this URL.
        case ready(String)
        /// The vendor took the request and is still converting: ask again later.
        case converting
        /// The body carries an error code instead of an answer.
        case refused(APIErrorBody)
    }

    /// A lyrics task's `data` object, `{id, text, title, status, tags?}`, as one take. `tags` is a list at some
    /// vendors and a string at others; a list is joined with `, `.
    static func lyrics(_ object: JSONValue) -> TaskResult {
        let tags: String? =
            if let list = object["tags"]?.arrayValue {
                list.compactMap(\.nonEmptyStringValue).joined(separator: ", ")
            } else {
                object["tags"]?.nonEmptyStringValue
            }
        return TaskResult(
            resultID: object["id"]?.nonEmptyStringValue, title: object["title"]?.nonEmptyStringValue,
            tags: tags?.isEmpty == false ? tags : nil, text: object["text"]?.nonEmptyStringValue)
    }

    /// Reads every shape the sources show: the envelope whose `data` is the URL, or whose `data` is an id that is
    /// not a URL (still converting); a bare `{"wav_file_url": …}`; and the envelope with
    /// `data: {"wav_file_url": …}`. A URL is any string that starts with `http`; an envelope without one, or a
    /// `wav_file_url` that is empty, means the WAV is not ready yet.
    static func wav(_ body: Data) throws(Malformed) -> WAVAnswer {
        guard let json = JSONValue.parse(body), json.objectValue != nil else {
            throw Malformed(problem: "the body is not a JSON object")
        }
        if let url = wavURL(json["wav_file_url"]) { return .ready(url) }
        guard let code = json["code"]?.nonEmptyStringValue else {
            if json["wav_file_url"] != nil { return .converting }
            if let error = APIErrorBody.parse(json) { return .refused(error) }
            throw Malformed(problem: "the body has neither a code nor a wav_file_url")
        }
        guard code.lowercased() == "success" else {
            return .refused(APIErrorBody(code: code, message: json["message"]?.nonEmptyStringValue))
        }
        let data = json["data"] ?? .null
        if let url = wavURL(data) ?? wavURL(data["wav_file_url"]) { return .ready(url) }
        return .converting
    }

    private static func wavURL(_ value: JSONValue?) -> String? {
        guard let text = value?.nonEmptyStringValue, text.lowercased().hasPrefix("http") else { return nil }
        return text
    }
}
