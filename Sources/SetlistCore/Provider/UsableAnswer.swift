extension TaskSnapshot {
    /// The code of the failure a completed task becomes when its answer holds nothing a job can keep.
    public static let noUsableResultCode = "no_usable_result"

    /// The snapshot as job `job` of `kind` can use it (DESIGN §4, "an answer with nothing usable in it"). Takes
    /// with neither a result id nor an audio URL are dropped; a completed song task left without takes, or a
    /// completed persona task without a persona id, becomes a failed task, so that the job fails alone with a
    /// sentence instead of completing with nothing to chain or download.
    public func usable(by kind: JobKind, job: String) -> TaskSnapshot {
        guard status == .completed else { return self }
        var snapshot = self
        switch kind {
        case .song, .extension, .join:
            snapshot.results = results.filter { $0.resultID != nil || $0.audioURL != nil || $0.streamAudioURL != nil }
            guard snapshot.results.isEmpty else { return snapshot }
            snapshot.failure = TaskFailure(
                code: Self.noUsableResultCode,
                message: "The provider reported task \(id) of \(kind.rawValue) '\(job)' completed, but its answer "
                    + "holds no take with a result id or an audio URL, so there is nothing to keep. The next run "
                    + "submits it again; if it repeats, check the provider's status page.")
        case .lyrics:
            snapshot.results = results.filter { !($0.text ?? "").isEmpty }
            guard snapshot.results.isEmpty else { return snapshot }
            snapshot.failure = TaskFailure(
                code: Self.noUsableResultCode,
                message: "The provider reported lyrics task \(id) of '\(job)' completed, but its answer holds no "
                    + "text. The next run asks for lyrics again; if it repeats, check the provider's status page.")
        case .wav:
            snapshot.results = results.filter { $0.audioURL != nil }
            guard snapshot.results.isEmpty else { return snapshot }
            snapshot.failure = TaskFailure(
                code: Self.noUsableResultCode,
                message: "The provider reported the WAV of '\(job)' ready, but its answer holds no WAV URL. The next "
                    + "run asks again; if it repeats, check the provider's status page.")
        case .persona:
            guard personaID == nil else { return self }
            snapshot.failure = TaskFailure(
                code: Self.noUsableResultCode,
                message: "The provider reported task \(id) of persona '\(job)' completed, but its answer holds no "
                    + "persona_id, so no song can use it. The next run derives it again; if it repeats, check the "
                    + "provider's status page.")
        }
        snapshot.status = .failed
        return snapshot
    }
}
