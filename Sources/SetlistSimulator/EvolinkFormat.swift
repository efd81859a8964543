import SetlistCore

/// Renders stored tasks as Evolink's task objects (api-contract §A.1–§A.3).
enum EvolinkFormat {
    /// The answer to a successful `POST /v1/audios/generations`: the task at creation, with `usage`.
    static func creation(
        _ task: SimTask, now: Double, baseURL: String, shape: AnswerShape
    ) -> JSONValue {
        guard case .object(var members) = detail(task, now: now, baseURL: baseURL, shape: shape) else {
            preconditionFailure("A task detail is always an object.")
        }
        members["usage"] = .object([
            "billing_rule": "per_call",
            "credits_reserved": .integer(task.creditsReserved),
            "user_group": "default",
        ])
        return .object(members)
    }

    /// The answer to `GET /v1/tasks/{id}` at `now`.
    static func detail(
        _ task: SimTask, now: Double, baseURL: String, shape: AnswerShape
    ) -> JSONValue {
        let status = task.status(at: now)
        let terminal = status == .completed || status == .failed
        var taskInfo: JSONObject = ["can_cancel": .bool(task.kind == .music && !terminal)]
        if !terminal { taskInfo["estimated_time"] = .integer(task.estimatedTime) }
        var members: JSONObject = [
            "created": .integer(Int(task.createdUnix)),
            "id": .string(task.id),
            "model": .string(task.model),
            "object": "audio.generation.task",
            "progress": .integer(task.progress(at: now)),
            "status": .string(status.rawValue),
            "task_info": .object(taskInfo),
            "type": "audio",
        ]
        switch status {
        case .completed where task.kind == .music:
            let songs = task.songs.map { song(for: $0, baseURL: baseURL) }
            switch shape.songList {
            case .flat: members["result_data"] = .array(songs)
            case .songsWrapper: members["result_data"] = .object(["songs": .array(songs)])
            case .firstSongOnly: members["result_data"] = .array(Array(songs.prefix(1)))
            case .urlsOnly: break
            }
            members["results"] = .array(task.songs.map { .string(audioURL($0.resultID, baseURL: baseURL)) })
        case .completed:
            let personaID = JSONValue.string(task.personaID ?? "")
            switch shape.personaIDPlace {
            case .resultData: members["result_data"] = .object(["persona_id": personaID])
            case .taskObject: members["persona_id"] = personaID
            }
        case .failed:
            guard let failure = task.failure else { break }
            members["error"] = .object([
                "code": .string(failure.code), "message": .string(failure.message), "type": "task_error",
            ])
        case .pending, .processing:
            break
        }
        return .object(members)
    }

    /// The answer to `POST /v1/tasks/batch` at `now`: `{"data": [...]}` with each task as `GET /v1/tasks/{id}`
    /// renders it.
    static func batch(_ tasks: [SimTask], now: Double, baseURL: String, shape: AnswerShape) -> JSONValue {
        .object(["data": .array(tasks.map { detail($0, now: now, baseURL: baseURL, shape: shape) })])
    }

    /// The URL the simulator serves a result's audio at.
    static func audioURL(_ resultID: String, baseURL: String) -> String { "\(baseURL)/_sim/media/\(resultID).mp3" }

    /// The URL the simulator serves a result's cover at.
    static func imageURL(_ resultID: String, baseURL: String) -> String { "\(baseURL)/_sim/media/\(resultID).png" }

    private static func song(for song: SimSong, baseURL: String) -> JSONValue {
        .object([
            "result_id": .string(song.resultID),
            "duration": .number(song.duration),
            "tags": .string(song.tags),
            "title": .string(song.title),
            "image_url": .string(imageURL(song.resultID, baseURL: baseURL)),
            "audio_url": .string(audioURL(song.resultID, baseURL: baseURL)),
            "stream_audio_url": .string(audioURL(song.resultID, baseURL: baseURL)),
        ])
    }
}
