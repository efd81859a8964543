import SetlistCore

/// An extension request (`task: extend`) that passed the body rules; the store checks the rest.
struct ProxyExtension: Sendable, Equatable {
    /// The proxy task that made the clip (`task_id`).
    let taskID: String
    /// The clip to continue (`continue_clip_id`).
    let clipID: String
    /// The second of the clip the new part starts from (`continue_at`).
    let continueAt: Double
}

/// A concat request that passed the body rules.
struct ProxyConcatRequest: Sendable, Equatable {
    /// The last part of the song to join (`clip_id`).
    let clipID: String
}

/// The body rules of extend and concat (api-contract-proxy-extras §1, §2).
extension ProxyRules {
    /// The `task` values that continue a clip: `extend`, and no value at all (the vendor default).
    static let extendTasks: Set<String> = ["", "extend"]

    /// The extension a custom-mode music request asks for, nil when it continues nothing. `task_id` must come with
    /// `continue_clip_id` (new-api's "task id is empty"); `continue_at` is a number of seconds after 0.
    func continuation(_ body: JSONValue, task: String) throws(ProxyError) -> ProxyExtension? {
        let continueAt = try number(body, "continue_at")
        let clipID = try string(body, "continue_clip_id") ?? ""
        let taskID = try string(body, "task_id") ?? ""
        guard !clipID.isEmpty else {
            if task == "extend" {
                throw .invalidRequest("continue_clip_id is required with task extend: name the clip to continue.")
            }
            return nil
        }
        guard ProxyRules.extendTasks.contains(task) else {
            throw .invalidRequest(
                "task '\(task)' with continue_clip_id is not served by this simulator; use task extend.")
        }
        if taskID.isEmpty { throw .invalidRequest("task id is empty") }
        guard let continueAt else {
            throw .invalidRequest("continue_at is required with continue_clip_id: the second to continue from.")
        }
        guard continueAt > 0 else {
            throw .invalidRequest("continue_at must be more than 0 seconds, not \(continueAt).")
        }
        return ProxyExtension(taskID: taskID, clipID: clipID, continueAt: continueAt)
    }

    /// Checks a concat request: `clip_id` names the last part; `is_infill`, when given, must be false, since the
    /// simulator makes no Replace Section clips.
    func concat(_ body: JSONValue) throws(ProxyError) -> ProxyConcatRequest {
        guard let clipID = try string(body, "clip_id"), !clipID.isEmpty else {
            throw .invalidRequest("clip_id is required: the id of the last extension of the song to join.")
        }
        if try bool(body, "is_infill") == true {
            throw .invalidRequest(
                "is_infill true joins a Replace Section clip, which this simulator does not make; send false to "
                    + "join an extension.")
        }
        return ProxyConcatRequest(clipID: clipID)
    }
}
