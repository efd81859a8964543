import SetlistCore

/// Extending a clip and joining an extension with the clips it continues (api-contract-proxy-extras §1, §2): the
/// checks against the store, the new clips, and the lineage a joined song is made of.
extension SimulatorCore {
    /// Nominal seconds of a concat task.
    static let concatSeconds = 30.0

    /// The task and clip an extension continues, once the store agrees: `task_id` is a proxy task of the caller
    /// (else `task_not_exist`, as new-api answers), the clip is one of its clips, the task is done, `continue_at`
    /// lies inside the clip, and `mv` is the clip's model.
    func extensionSource(
        _ continuation: ProxyExtension, mv: String, owner: String, now: Double, store: TaskStore
    ) throws(ProxyError) -> (task: SimTask, clip: SimSong) {
        let taskID = continuation.taskID
        guard let task = store.task(taskID), task.api == .sunoProxy, task.ownerKey == owner, task.kind != .persona
        else {
            throw ProxyError(
                status: .badRequest, code: "task_not_exist",
                message: "task_id '\(taskID)' does not exist in this account (task_origin_not_exist).")
        }
        guard let clip = task.songs.first(where: { $0.resultID == continuation.clipID }) else {
            throw .invalidRequest(
                "continue_clip_id '\(continuation.clipID)' is not a clip of task '\(taskID)'; send the task_id of "
                    + "the task that made the clip.")
        }
        guard task.kind != .lyrics else {
            throw .invalidRequest("task '\(taskID)' wrote lyrics; extend continues a music clip.")
        }
        let status = task.status(at: now)
        guard status == .completed else {
            throw .invalidRequest(
                "task '\(taskID)' is \(ProxyFormat.status(task, now: now)); a clip can be extended once its task is "
                    + "SUCCESS.")
        }
        guard continuation.continueAt < clip.duration else {
            throw .invalidRequest(
                "continue_at \(continuation.continueAt) is not before the end of clip '\(clip.resultID)' "
                    + "(\(clip.duration) s); choose a second between 0 and \(clip.duration).")
        }
        guard mv == task.model else {
            throw .invalidRequest(
                "mv must match the model of the clip being continued: clip '\(clip.resultID)' was made with "
                    + "\(task.model), not \(mv).")
        }
        return (task, clip)
    }

    /// The new clips of an extension: segment-only, each with its own length, continuing `source` at `at`; title
    /// and tags default to the source clip's.
    func extensionSongs(
        _ request: ProxyMusicRequest, of source: (task: SimTask, clip: SimSong), at: Double,
        state: inout SimulatorState
    ) -> [SimSong] {
        let title = request.title.flatMap { $0.isEmpty ? nil : $0 } ?? source.clip.title
        let tags = request.tags.flatMap { $0.isEmpty ? nil : $0 } ?? source.clip.tags
        return songs(customMode: true, title: title, style: tags, description: nil, duration: nil, state: &state)
            .map { song in
                var song = song
                song.continues = SimContinuation(clipID: source.clip.resultID, at: at)
                return song
            }
    }

    /// A new concat task: one clip joining `clip_id` with every clip it continues, as long as each part up to
    /// where the next takes over plus the whole last part.
    func proxyConcatTask(
        _ body: JSONValue, owner: String, idempotencyKey: String?, now: Double, state: inout SimulatorState
    ) throws(ProxyError) -> SimTask {
        let clipID = try ProxyRules().concat(body).clipID
        guard let last = state.store.task(forResultID: clipID), last.api == .sunoProxy, last.ownerKey == owner,
            last.kind == .music || last.kind == .concat,
            let lastClip = last.songs.first(where: { $0.resultID == clipID })
        else {
            throw .invalidRequest("clip_id '\(clipID)' does not exist in this account; send the id of a clip it made.")
        }
        guard last.status(at: now) == .completed else {
            throw .invalidRequest(
                "clip '\(clipID)' is not complete yet (its task is \(ProxyFormat.status(last, now: now))); join it "
                    + "once its task is SUCCESS.")
        }
        guard lastClip.continues != nil else {
            throw .invalidRequest(
                "clip '\(clipID)' is not an extension; nothing to join. Send the id of the last extension.")
        }
        let parts = try lineage(of: lastClip, store: state.store)
        try charge(SimulatorCore.concatCredits, owner: owner, now: now, state: &state)
        let nominal = SimulatorCore.concatSeconds / configuration.speed
        let duration = taskDuration(nominal: nominal, body: body, state: &state)
        let failure = drawnFailure(state: &state)
        let root = parts[0].song
        let length = parts.map { $0.part.at ?? $0.song.duration }.reduce(0, +)
        var joined = SimSong(
            resultID: SimulatorCore.uuid(&state.random), title: root.title, tags: root.tags,
            duration: (length * 100).rounded() / 100)
        joined.joinedParts = parts.map(\.part)
        return SimTask(
            id: newProxyID(&state), kind: .concat, ownerKey: owner, model: last.model, request: body, createdAt: now,
            createdUnix: configuration.startUnixTime + Int64(now.rounded(.down)), duration: duration,
            estimatedTime: SimulatorCore.estimatedTime(nominal), creditsReserved: SimulatorCore.concatCredits,
            failure: failure, songs: [joined], personaID: nil, personaSourceTaskID: nil, personaSourceResultID: nil,
            idempotencyKey: idempotencyKey, api: .sunoProxy)
    }

    /// The clips a song is made of, oldest first, from `last` back through the clips each one continues; each
    /// part carries the second its successor continues from (nil on `last`).
    private func lineage(
        of last: SimSong, store: TaskStore
    ) throws(ProxyError) -> [(song: SimSong, part: SimContinuation)] {
        var parts = [(song: last, part: SimContinuation(clipID: last.resultID, at: nil))]
        var seen: Set<String> = [last.resultID]
        while let continues = parts[0].song.continues {
            guard !seen.contains(continues.clipID),
                let parent = store.task(forResultID: continues.clipID)?.songs
                    .first(where: { $0.resultID == continues.clipID })
            else {
                throw .invalidRequest(
                    "clip '\(parts[0].song.resultID)' continues clip '\(continues.clipID)', which this simulator "
                        + "does not know; the song cannot be joined.")
            }
            seen.insert(parent.resultID)
            parts.insert((parent, SimContinuation(clipID: parent.resultID, at: continues.at)), at: 0)
        }
        return parts
    }
}
