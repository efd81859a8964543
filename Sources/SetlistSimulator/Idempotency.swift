import SetlistCore

/// `Idempotency-Key` on paid submissions (Evolink's, and the proxy's music, concat and persona): a key seen again
/// with the same body replays the original answer without charging again; with a different body it is a
/// conflict. Each format renders the verdict in its own words.
extension SimulatorCore {
    /// What a submission's `Idempotency-Key` decides before the submission is checked.
    enum IdempotencyVerdict {
        /// The key is not 16 to 96 characters of letters, digits, `.`, `_` or `-`.
        case invalidKey
        /// The key was used with another body.
        case conflict
        /// The key created this task from the same body: answer as then, without charging.
        case replay(SimTask)
        /// The key is new: go on with the submission.
        case proceed
    }

    /// The message of an invalid `Idempotency-Key`.
    static let invalidIdempotencyKeyMessage =
        "The Idempotency-Key header must be 16 to 96 characters of letters, digits, '.', '_' or '-'."

    /// The message of an `Idempotency-Key` reused with another body.
    static func idempotencyConflictMessage(_ idempotencyKey: String) -> String {
        "Idempotency-Key '\(idempotencyKey)' was already used with a different request body."
    }

    /// Whether `key` is 16 to 96 characters of letters, digits, `.`, `_` or `-`.
    static func isValidIdempotencyKey(_ key: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".unicodeScalars)
        return (16...96).contains(key.count) && key.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    /// The verdict on `idempotencyKey` for a submission of the body `canonical` by `owner`; a replay is counted
    /// as a paid submission.
    func idempotencyVerdict(
        idempotencyKey: String, body canonical: String, bodyKey: String, owner: String, state: inout SimulatorState
    ) -> IdempotencyVerdict {
        guard SimulatorCore.isValidIdempotencyKey(idempotencyKey) else { return .invalidKey }
        guard let record = state.store.idempotencyRecord(ownerKey: owner, idempotencyKey: idempotencyKey) else {
            return .proceed
        }
        guard record.canonicalBody == canonical else { return .conflict }
        guard let original = state.store.task(record.taskID) else { return .proceed }
        state.replays += 1
        state.paidByIdempotencyKey[idempotencyKey, default: 0] += 1
        state.paidByBody[bodyKey, default: 0] += 1
        return .replay(original)
    }

    /// Evolink's answer to a submission carrying `idempotencyKey` when the key alone decides it: an invalid key,
    /// a conflict, or the replay of the task the key created (paid). Nil when the submission goes on.
    func idempotentAnswer(
        idempotencyKey: String, body canonical: String, bodyKey: String, owner: String, state: inout SimulatorState
    ) -> (response: SimResponse, paid: Bool)? {
        switch idempotencyVerdict(
            idempotencyKey: idempotencyKey, body: canonical, bodyKey: bodyKey, owner: owner, state: &state)
        {
        case .proceed:
            return nil
        case .invalidKey:
            return (.error(.invalidRequest(SimulatorCore.invalidIdempotencyKeyMessage)), false)
        case .conflict:
            let conflict = APIError(
                status: .conflict, code: "idempotency_conflict",
                message: SimulatorCore.idempotencyConflictMessage(idempotencyKey), type: "invalid_request_error")
            return (.error(conflict), false)
        case .replay(let original):
            return (SimulatorCore.replayed(.json(evolinkCreationAnswer(original))), true)
        }
    }

    /// `response` marked as the replay of an earlier answer.
    static func replayed(_ response: SimResponse) -> SimResponse {
        var response = response
        response.headers.append(("idempotency-replayed", "true"))
        return response
    }

    /// Remembers that `idempotencyKey` created `taskID` from the body `canonical`.
    func recordIdempotency(
        _ idempotencyKey: String, body canonical: String, taskID: String, owner: String, state: inout SimulatorState
    ) {
        state.paidByIdempotencyKey[idempotencyKey, default: 0] += 1
        state.store.storeIdempotency(
            IdempotencyRecord(canonicalBody: canonical, taskID: taskID), ownerKey: owner,
            idempotencyKey: idempotencyKey
        )
    }
}
