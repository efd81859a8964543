// The JSON forms of the ledger's values, written with `LedgerJSONWriter`: byte for byte what `JSONEncoder` gives
// for their `Codable` conformances with sorted keys. Each object writes its members in ascending order of their
// keys' UTF-8 bytes (so `at_ms` comes before `attempt`, and `result_id` before `results`); optional members that
// are nil are left out, as `encodeIfPresent` leaves them out.

extension Ledger: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("album", album)
            writer.field("format", Self.formatVersion)
            writer.key("jobs")
            writer.object(jobs) { writer, job in job.writeJSON(to: &writer) }
            writer.field("journal_sequence", sequence)
            writer.field("manifest", manifest)
            writer.field("provider", provider)
            writer.field("runs", runs)
        }
    }
}

extension LedgerJournalEntry: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            switch event {
            case .runStarted(let run, let at, let album, let manifest, let provider, let version):
                writer.field("album", album)
                writer.field("at_ms", at)
                writer.field("manifest", manifest)
                writer.field("provider", provider)
                writer.field("run", run)
                writer.field("seq", sequence)
                writer.field("setlist_version", version)
                writer.field("type", event.typeName)
            case .runFinished(let run, let at, let outcome, let exitCode, let skipped, let polls, let requests):
                writer.field("at_ms", at)
                writer.field("exit_code", exitCode)
                writer.field("outcome", outcome)
                writer.field("polls", polls)
                writer.field("requests", requests)
                writer.field("run", run)
                writer.field("seq", sequence)
                writer.field("skipped", skipped)
                writer.field("type", event.typeName)
            case .jobPlanned(let job, let kind, let fingerprint):
                writer.field("fingerprint", fingerprint)
                writer.field("job", job)
                writer.field("kind", kind)
                writeSequenceAndType(to: &writer)
            case .jobRequeued(let job):
                writer.field("job", job)
                writeSequenceAndType(to: &writer)
            case .submitIntent(let job, let attempt, let idempotencyKey, let inputs, let at):
                writer.field("at_ms", at)
                writer.field("attempt", attempt)
                writer.field("idempotency_key", idempotencyKey)
                writer.field("inputs", inputs)
                writer.field("job", job)
                writeSequenceAndType(to: &writer)
            case .submitAccepted(let job, let attempt, let taskID, let creditsReserved, let at):
                writer.field("at_ms", at)
                writer.field("attempt", attempt)
                writer.field("credits_reserved", creditsReserved)
                writer.field("job", job)
                writer.field("seq", sequence)
                writer.field("task_id", taskID)
                writer.field("type", event.typeName)
            case .submitFailed(let job, let attempt, let error, let willRetry, let at),
                .taskFailed(let job, let attempt, let error, let willRetry, let at):
                writer.field("at_ms", at)
                writer.field("attempt", attempt)
                writer.field("error", error)
                writer.field("job", job)
                writeSequenceAndType(to: &writer)
                writer.field("will_retry", willRetry)
            case .taskProgress(let job, let attempt, let status, let progress, let at):
                writer.field("at_ms", at)
                writer.field("attempt", attempt)
                writer.field("job", job)
                writer.field("progress", progress)
                writer.field("seq", sequence)
                writer.field("status", status)
                writer.field("type", event.typeName)
            case .taskCompleted(let job, let attempt, let results, let personaID, let at):
                writer.field("at_ms", at)
                writer.field("attempt", attempt)
                writer.field("job", job)
                writer.field("persona_id", personaID)
                writer.field("results", results)
                writeSequenceAndType(to: &writer)
            case .jobBlocked(let job, let by, let at):
                writer.field("at_ms", at)
                writer.field("by", by)
                writer.field("job", job)
                writeSequenceAndType(to: &writer)
            case .jobMarkedUnknown(let job, let at):
                writer.field("at_ms", at)
                writer.field("job", job)
                writeSequenceAndType(to: &writer)
            case .downloadRecorded(let job, let take, let resultID, let file):
                writer.field("file", file)
                writer.field("job", job)
                writer.field("result_id", resultID)
                writer.field("seq", sequence)
                writer.field("take", take)
                writer.field("type", event.typeName)
            case .takePicked(let job, let pick):
                writer.field("job", job)
                writer.field("pick", pick)
                writeSequenceAndType(to: &writer)
            case .jobFailed(let job, let error, let at):
                writer.field("at_ms", at)
                writer.field("error", error)
                writer.field("job", job)
                writeSequenceAndType(to: &writer)
            case .fingerprintMigrated(let job, let fingerprint):
                writer.field("fingerprint", fingerprint)
                writer.field("job", job)
                writeSequenceAndType(to: &writer)
            }
        }
    }

    /// Writes `seq` then `type`, for the events that have no key sorting between the two.
    private func writeSequenceAndType(to writer: inout LedgerJSONWriter) {
        writer.field("seq", sequence)
        writer.field("type", event.typeName)
    }
}

extension LedgerProvider: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("api", api)
            writer.field("base_url", baseURL)
        }
    }
}

extension RecordedError: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("code", code)
            writer.field("http_status", httpStatus)
            writer.field("kind", kind)
            writer.field("message", message)
        }
    }
}

extension ChainedInputs: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("artist_clip_id", artistClipID)
            writer.field("persona_id", personaID)
            writer.field("persona_model", personaModel)
            writer.field("source_result_id", sourceResultID)
            writer.field("source_task_id", sourceTaskID)
        }
    }
}

extension DownloadedFile: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("bytes", bytes)
            writer.field("kind", kind)
            writer.field("path", path)
            writer.field("sha256", sha256)
        }
    }
}

extension ResultRecord: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("audio_url", audioURL)
            writer.field("duration", duration)
            writer.field("files", files)
            writer.field("image_url", imageURL)
            writer.field("result_id", resultID)
            writer.field("stream_audio_url", streamAudioURL)
            writer.field("tags", tags)
            writer.field("title", title)
        }
    }
}

extension AttemptRecord: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("accepted_at_ms", acceptedAtMs)
            writer.field("credits_reserved", creditsReserved)
            writer.field("error", error)
            writer.field("fingerprint", fingerprint)
            writer.field("finished_at_ms", finishedAtMs)
            writer.field("generation", generation)
            writer.field("idempotency_key", idempotencyKey)
            writer.field("number", number)
            writer.field("outcome", outcome)
            writer.field("persona_id", personaID)
            writer.field("progress", progress)
            writer.field("provider_status", providerStatus)
            writer.field("results", results)
            writer.field("submissions", submissions)
            writer.field("submitted_at_ms", submittedAtMs)
            writer.field("task_id", taskID)
        }
    }
}

extension JobRecord: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("attempts", attempts)
            writer.field("blocked_by", blockedBy)
            writer.field("chained_inputs", chainedInputs)
            writer.field("fingerprint", fingerprint)
            writer.field("kind", kind)
            writer.field("last_error", lastError)
            writer.field("persona_id", personaID)
            writer.field("pick", pick)
            writer.field("state", state)
        }
    }
}

extension TakeRef: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("generation", generation)
            writer.field("take", take)
        }
    }
}

extension RunCounts: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("blocked", blocked)
            writer.field("completed", completed)
            writer.field("failed", failed)
            writer.field("polls", polls)
            writer.field("requests", requests)
            writer.field("skipped", skipped)
            writer.field("submitted", submitted)
        }
    }
}

extension RunRecord: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field("counts", counts)
            writer.field("credits_reserved", creditsReserved)
            writer.field("ended_at_ms", endedAtMs)
            writer.field("exit_code", exitCode)
            writer.field("id", id)
            writer.field("outcome", outcome)
            writer.field("setlist_version", setlistVersion)
            writer.field("started_at_ms", startedAtMs)
        }
    }
}
