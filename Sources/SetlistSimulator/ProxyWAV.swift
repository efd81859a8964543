import SetlistCore

/// `GET /suno/act/wav/{clip_id}`, a vendor route (api-contract-proxy-extras §4): the link to a WAV of a completed
/// clip of the caller, in the answer shape ``AnswerShape/wavAnswer`` selects. Free, and not a task.
extension SimulatorCore {
    /// Answers a WAV request.
    func proxyWAV(_ request: SimRequest) async -> SimOutcome {
        var path = request.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        let clipID = String(path.dropFirst("/suno/act/wav/".count))
        return await throughGate(request, stopped: proxyOutcome) { owner in
            let now = clock.seconds
            return .respond(
                state.withLock { state in
                    do throws(ProxyError) {
                        try checkWAVClip(clipID, owner: owner, now: now, store: state.store)
                    } catch {
                        return error.response
                    }
                    let counter = owner + "\u{0}" + clipID
                    state.wavRequests[counter, default: 0] += 1
                    return .json(wavAnswer(clipID, request: state.wavRequests[counter, default: 1]))
                })
        }
    }

    /// A clip has a WAV when it is a clip of a completed proxy music or concat task of `owner`. The documents
    /// give no error for the route; an unknown clip is a 400 `invalid_request`, the relay's answer for a bad
    /// request (api-contract §B.8), so that a 404 keeps meaning that the vendor does not serve WAV at all.
    private func checkWAVClip(_ clipID: String, owner: String, now: Double, store: TaskStore) throws(ProxyError) {
        guard !clipID.isEmpty, !clipID.contains("/"), let task = store.task(forResultID: clipID),
            task.api == .sunoProxy, task.ownerKey == owner, task.kind == .music || task.kind == .concat
        else {
            throw .invalidRequest(
                "clip '\(clipID)' does not exist in this account; ask for the WAV of a clip one of your tasks made.")
        }
        guard task.status(at: now) == .completed else {
            throw .invalidRequest(
                "clip '\(clipID)' is not complete yet (its task is \(ProxyFormat.status(task, now: now))); ask for "
                    + "its WAV once the task is SUCCESS.")
        }
    }

    /// The answer to the `request`-th WAV request for `clipID`.
    private func wavAnswer(_ clipID: String, request: Int) -> JSONValue {
        let url = JSONValue.string("\(baseURL)/_sim/media/\(clipID).wav")
        switch configuration.answerShape.wavAnswer {
        case .envelope:
            return ProxyFormat.envelope(url)
        case .bare:
            return .object(["wav_file_url": url])
        case .nested:
            return .object(["code": "success", "data": .object(["wav_file_url": url])])
        case .pending:
            guard request > AnswerShape.wavPendingAnswers else {
                var random = SeededRandom(seed: Media.fnv1a("wav:\(clipID)"))
                return ProxyFormat.envelope(.string(SimulatorCore.uuid(&random)))
            }
            return ProxyFormat.envelope(url)
        }
    }
}
