// The JSON forms of the ledger's values, written with `LedgerJSONWriter`, the one encoder of the ledger's files:
// byte for byte what `JSONEncoder` gives for them with sorted keys (the tests hold that `Encodable` reference).
// Every member is named by a case of the value's `CodingKeys`, the one spelling of each key, which the decoder
// uses too and a test compares with `ledger.schema.json`. Each object writes its members in ascending order of
// their keys' UTF-8 bytes (so `at_ms` comes before `attempt`, and `result_id` before `results`); optional members
// that are nil are left out, as `encodeIfPresent` leaves them out.

extension Ledger: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.album, album)
            writer.field(CodingKeys.format, Self.formatVersion)
            writer.key(CodingKeys.jobs)
            writer.object(jobs) { writer, job in job.writeJSON(to: &writer) }
            writer.field(CodingKeys.sequence, sequence)
            writer.field(CodingKeys.manifest, manifest)
            writer.field(CodingKeys.provider, provider)
            writer.field(CodingKeys.runs, runs)
        }
    }
}

extension LedgerJournalEntry: LedgerJSONWritable {
    private typealias Key = LedgerEvent.CodingKeys

    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            switch event {
            case .runStarted(let run, let at, let album, let manifest, let provider, let version):
                writer.field(Key.album, album)
                writer.field(Key.at, at)
                writer.field(Key.manifest, manifest)
                writer.field(Key.provider, provider)
                writer.field(Key.run, run)
                writer.field(SequenceKey.seq, sequence)
                writer.field(Key.setlistVersion, version)
                writer.field(Key.type, event.typeName)
            case .runFinished(let run, let at, let outcome, let exitCode, let skipped, let polls, let requests):
                writer.field(Key.at, at)
                writer.field(Key.exitCode, exitCode)
                writer.field(Key.outcome, outcome)
                writer.field(Key.polls, polls)
                writer.field(Key.requests, requests)
                writer.field(Key.run, run)
                writer.field(SequenceKey.seq, sequence)
                writer.field(Key.skipped, skipped)
                writer.field(Key.type, event.typeName)
            case .jobPlanned(let job, let kind, let fingerprint):
                writer.field(Key.fingerprint, fingerprint)
                writer.field(Key.job, job)
                writer.field(Key.kind, kind)
                writeSequenceAndType(to: &writer)
            case .jobRequeued(let job):
                writer.field(Key.job, job)
                writeSequenceAndType(to: &writer)
            case .submitIntent(let job, let attempt, let idempotencyKey, let inputs, let at):
                writer.field(Key.at, at)
                writer.field(Key.attempt, attempt)
                writer.field(Key.idempotencyKey, idempotencyKey)
                writer.field(Key.inputs, inputs)
                writer.field(Key.job, job)
                writeSequenceAndType(to: &writer)
            case .submitAccepted(let job, let attempt, let taskID, let creditsReserved, let at):
                writer.field(Key.at, at)
                writer.field(Key.attempt, attempt)
                writer.field(Key.creditsReserved, creditsReserved)
                writer.field(Key.job, job)
                writer.field(SequenceKey.seq, sequence)
                writer.field(Key.taskID, taskID)
                writer.field(Key.type, event.typeName)
            case .submitFailed(let job, let attempt, let error, let willRetry, let at),
                .taskFailed(let job, let attempt, let error, let willRetry, let at):
                writer.field(Key.at, at)
                writer.field(Key.attempt, attempt)
                writer.field(Key.error, error)
                writer.field(Key.job, job)
                writeSequenceAndType(to: &writer)
                writer.field(Key.willRetry, willRetry)
            case .taskProgress(let job, let attempt, let status, let progress, let at):
                writer.field(Key.at, at)
                writer.field(Key.attempt, attempt)
                writer.field(Key.job, job)
                writer.field(Key.progress, progress)
                writer.field(SequenceKey.seq, sequence)
                writer.field(Key.status, status)
                writer.field(Key.type, event.typeName)
            case .taskCompleted(let job, let attempt, let results, let personaID, let at):
                writer.field(Key.at, at)
                writer.field(Key.attempt, attempt)
                writer.field(Key.job, job)
                writer.field(Key.personaID, personaID)
                writer.field(Key.results, results)
                writeSequenceAndType(to: &writer)
            case .jobBlocked(let job, let by, let at):
                writer.field(Key.at, at)
                writer.field(Key.by, by)
                writer.field(Key.job, job)
                writeSequenceAndType(to: &writer)
            case .jobMarkedUnknown(let job, let at):
                writer.field(Key.at, at)
                writer.field(Key.job, job)
                writeSequenceAndType(to: &writer)
            case .downloadRecorded(let job, let take, let resultID, let file):
                writer.field(Key.file, file)
                writer.field(Key.job, job)
                writer.field(Key.resultID, resultID)
                writer.field(SequenceKey.seq, sequence)
                writer.field(Key.take, take)
                writer.field(Key.type, event.typeName)
            case .takePicked(let job, let pick):
                writer.field(Key.job, job)
                writer.field(Key.pick, pick)
                writeSequenceAndType(to: &writer)
            case .jobFailed(let job, let error, let at):
                writer.field(Key.at, at)
                writer.field(Key.error, error)
                writer.field(Key.job, job)
                writeSequenceAndType(to: &writer)
            case .fingerprintMigrated(let job, let fingerprint):
                writer.field(Key.fingerprint, fingerprint)
                writer.field(Key.job, job)
                writeSequenceAndType(to: &writer)
            }
        }
    }

    /// Writes `seq` then `type`, for the events that have no key sorting between the two.
    private func writeSequenceAndType(to writer: inout LedgerJSONWriter) {
        writer.field(SequenceKey.seq, sequence)
        writer.field(Key.type, event.typeName)
    }
}

extension LedgerProvider: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.api, api)
            writer.field(CodingKeys.baseURL, baseURL)
        }
    }
}

extension RecordedError: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.code, code)
            writer.field(CodingKeys.httpStatus, httpStatus)
            writer.field(CodingKeys.kind, kind)
            writer.field(CodingKeys.message, message)
        }
    }
}

extension ChainedInputs: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.artistClipID, artistClipID)
            writer.field(CodingKeys.lyrics, lyrics)
            writer.field(CodingKeys.lyricsTitle, lyricsTitle)
            writer.field(CodingKeys.personaID, personaID)
            writer.field(CodingKeys.personaModel, personaModel)
            writer.field(CodingKeys.sourceResultID, sourceResultID)
            writer.field(CodingKeys.sourceTaskID, sourceTaskID)
        }
    }
}

extension DownloadedFile: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.bytes, bytes)
            writer.field(CodingKeys.kind, kind)
            writer.field(CodingKeys.path, path)
            writer.field(CodingKeys.sha256, sha256)
        }
    }
}

extension ResultRecord: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.audioURL, audioURL)
            writer.field(CodingKeys.duration, duration)
            writer.field(CodingKeys.files, files)
            writer.field(CodingKeys.imageURL, imageURL)
            writer.field(CodingKeys.resultID, resultID)
            writer.field(CodingKeys.streamAudioURL, streamAudioURL)
            writer.field(CodingKeys.tags, tags)
            writer.field(CodingKeys.text, text)
            writer.field(CodingKeys.title, title)
        }
    }
}

extension AttemptRecord: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.acceptedAtMs, acceptedAtMs)
            writer.field(CodingKeys.creditsReserved, creditsReserved)
            writer.field(CodingKeys.error, error)
            writer.field(CodingKeys.fingerprint, fingerprint)
            writer.field(CodingKeys.finishedAtMs, finishedAtMs)
            writer.field(CodingKeys.generation, generation)
            writer.field(CodingKeys.idempotencyKey, idempotencyKey)
            writer.field(CodingKeys.number, number)
            writer.field(CodingKeys.outcome, outcome)
            writer.field(CodingKeys.personaID, personaID)
            writer.field(CodingKeys.progress, progress)
            writer.field(CodingKeys.providerStatus, providerStatus)
            writer.field(CodingKeys.results, results)
            writer.field(CodingKeys.submissions, submissions)
            writer.field(CodingKeys.submittedAtMs, submittedAtMs)
            writer.field(CodingKeys.taskID, taskID)
        }
    }
}

extension JobRecord: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.attempts, attempts)
            writer.field(CodingKeys.blockedBy, blockedBy)
            writer.field(CodingKeys.chainedInputs, chainedInputs)
            writer.field(CodingKeys.fingerprint, fingerprint)
            writer.field(CodingKeys.kind, kind)
            writer.field(CodingKeys.lastError, lastError)
            writer.field(CodingKeys.personaID, personaID)
            writer.field(CodingKeys.pick, pick)
            writer.field(CodingKeys.state, state)
        }
    }
}

extension TakeRef: LedgerJSONWritable {
    /// The keys of a take reference's object, as its synthesized `Codable` conformance spells them.
    enum LedgerKeys: String, CodingKey, CaseIterable {
        case generation
        case take
    }

    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(LedgerKeys.generation, generation)
            writer.field(LedgerKeys.take, take)
        }
    }
}

extension RunCounts: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.blocked, blocked)
            writer.field(CodingKeys.completed, completed)
            writer.field(CodingKeys.failed, failed)
            writer.field(CodingKeys.polls, polls)
            writer.field(CodingKeys.requests, requests)
            writer.field(CodingKeys.skipped, skipped)
            writer.field(CodingKeys.submitted, submitted)
        }
    }
}

extension RunRecord: LedgerJSONWritable {
    func writeJSON(to writer: inout LedgerJSONWriter) {
        writer.object { writer in
            writer.field(CodingKeys.counts, counts)
            writer.field(CodingKeys.creditsReserved, creditsReserved)
            writer.field(CodingKeys.endedAtMs, endedAtMs)
            writer.field(CodingKeys.exitCode, exitCode)
            writer.field(CodingKeys.id, id)
            writer.field(CodingKeys.outcome, outcome)
            writer.field(CodingKeys.setlistVersion, setlistVersion)
            writer.field(CodingKeys.startedAtMs, startedAtMs)
        }
    }
}
