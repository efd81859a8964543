import SetlistCore

/// Renders stored tasks in the Suno proxy format (api-contract §B.3–§B.7): the `{code, message, data}` envelope,
/// upper-case task statuses, string progress, and Suno clips.
enum ProxyFormat {
    /// A success envelope around `data`.
    static func envelope(_ data: JSONValue) -> JSONValue {
        .object(["code": "success", "message": "", "data": data])
    }

    /// The task status at `now`: `SUBMITTED` for the first half of the pending share, then `QUEUED`,
    /// `IN_PROGRESS`, and `SUCCESS` or `FAILURE`.
    static func status(_ task: SimTask, now: Double) -> String {
        switch task.status(at: now) {
        case .pending: now < task.createdAt + task.duration * SimTask.pendingShare / 2 ? "SUBMITTED" : "QUEUED"
        case .processing: "IN_PROGRESS"
        case .completed: "SUCCESS"
        case .failed: "FAILURE"
        }
    }

    /// A task object as `GET /suno/fetch/{id}` and `POST /suno/fetch` return it. `seed` writes the lyrics of a
    /// lyrics task saved before lyrics were stored with it.
    static func task(_ task: SimTask, now: Double, startUnixTime: Int64, baseURL: String, seed: UInt64) -> JSONValue {
        let status = task.status(at: now)
        let terminal = status == .completed || status == .failed
        let startedAt = task.createdAt + task.duration * SimTask.pendingShare
        func unix(_ seconds: Double) -> JSONValue { .integer(Int(startUnixTime + Int64(seconds.rounded(.down)))) }
        let progress = terminal ? 100 : task.progress(at: now)
        return .object([
            "task_id": .string(task.id),
            "notify_hook": .string(task.request["notify_hook"]?.stringValue ?? ""),
            "action": task.kind == .lyrics ? "LYRICS" : "MUSIC",
            "status": .string(self.status(task, now: now)),
            "fail_reason": .string(status == .failed ? task.failure?.message ?? "" : ""),
            "submit_time": .integer(Int(task.createdUnix)),
            "start_time": status == .pending ? .integer(0) : unix(startedAt),
            "finish_time": terminal ? unix(task.endsAt) : .integer(0),
            "progress": .string("\(progress)%"),
            "data": data(task, status: status, baseURL: baseURL, seed: seed),
        ])
    }

    /// The bare Suno persona object `POST /suno/persona/create` answers with (not wrapped in the envelope).
    static func persona(_ persona: SimTask, source: SimTask, clip: SimSong, baseURL: String) -> JSONValue {
        let clipObject = self.clip(clip, task: source, status: .completed, baseURL: baseURL)
        return .object([
            "id": .string(persona.personaID ?? persona.id),
            "name": .string(persona.request["name"]?.stringValue ?? ""),
            "description": .string(persona.request["description"]?.stringValue ?? ""),
            "image_s3_id": .string(EvolinkFormat.imageURL(clip.resultID, baseURL: baseURL)),
            "root_clip_id": .string(clip.resultID),
            "clip": clipObject,
            "user_display_name": "setlist simulator",
            "user_handle": "simulator",
            "user_image_url": "",
            "persona_clips": .array([.object(["clip": clipObject, "id": .integer(0)])]),
            "is_suno_persona": false,
            "is_trashed": false,
            "is_owned": true,
            "is_public": .bool(persona.request["is_public"]?.boolValue ?? false),
            "is_public_approved": false,
            "is_loved": false,
            "upvote_count": .integer(0),
            "clip_count": .integer(1),
        ])
    }

    private static func data(_ task: SimTask, status: SimTaskStatus, baseURL: String, seed: UInt64) -> JSONValue {
        if task.kind == .lyrics {
            guard status == .completed, let song = task.songs.first else { return .null }
            let topic = task.request["prompt"]?.stringValue ?? ""
            return .object([
                "id": .string(song.resultID),
                "title": .string(song.title),
                "text": .string(song.text ?? FakeLyrics.text(topic: topic, title: song.title, seed: seed)),
                "status": "complete",
            ])
        }
        if status == .pending { return .null }
        return .array(task.songs.map { clip($0, task: task, status: status, baseURL: baseURL) })
    }

    private static func clip(_ song: SimSong, task: SimTask, status: SimTaskStatus, baseURL: String) -> JSONValue {
        let clipStatus: String =
            switch status {
            case .pending: "queued"
            case .processing: "streaming"
            case .completed: "complete"
            case .failed: "error"
            }
        let done = status == .completed
        let request = task.request
        let description = request["gpt_description_prompt"]?.stringValue ?? ""
        let major = task.model.hasPrefix("chirp-v") ? String(task.model.dropFirst("chirp-".count)) : task.model
        let duration: JSONValue = done ? .number(song.duration) : .null
        var metadata: JSONObject = [
            "tags": .string(song.tags),
            "prompt": .string(description.isEmpty ? request["prompt"]?.stringValue ?? "" : ""),
            "gpt_description_prompt": .string(description),
            "duration": duration,
            "type": task.kind == .concat ? "concat" : "gen",
            "error_type": status == .failed ? "generation_failed" : .null,
            "error_message": status == .failed ? .string(task.failure?.message ?? "") : .null,
        ]
        if let continues = song.continues {
            metadata["history"] = .array([lineageEntry(continues)])
            metadata["edited_clip_id"] = .string(continues.clipID)
        }
        if let parts = song.joinedParts {
            metadata["concat_history"] = .array(parts.map(lineageEntry))
        }
        return .object([
            "id": .string(song.resultID),
            "title": .string(song.title),
            "status": .string(clipStatus),
            "model_name": .string(task.model),
            "major_model_version": .string(major),
            "audio_url": .string(done ? EvolinkFormat.audioURL(song.resultID, baseURL: baseURL) : ""),
            "image_url": .string(done ? EvolinkFormat.imageURL(song.resultID, baseURL: baseURL) : ""),
            "image_large_url": .string(done ? EvolinkFormat.imageURL(song.resultID, baseURL: baseURL) : ""),
            "video_url": "",
            "created_at": .string(isoTime(task.createdUnix)),
            "duration": duration,
            "metadata": .object(metadata),
        ])
    }

    /// One entry of `metadata.history` or `metadata.concat_history`: a generated part and where the next part
    /// takes over; the last part of a joined song is `{id, continue_at: null}` (api-contract-proxy-extras §2).
    private static func lineageEntry(_ part: SimContinuation) -> JSONValue {
        guard let at = part.at else { return .object(["id": .string(part.clipID), "continue_at": .null]) }
        return .object(["id": .string(part.clipID), "continue_at": .number(at), "type": "gen", "infill": false])
    }

    /// `2025-09-21T06:21:43.000Z` for Unix seconds.
    static func isoTime(_ unix: Int64) -> String {
        LedgerTime.iso8601(unixMilliseconds: unix * 1000)
    }
}
