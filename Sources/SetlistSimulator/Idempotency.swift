import SetlistCore

/// `Idempotency-Key` on Evolink submissions: a key seen again with the same body replays the original answer
/// without charging again; with a different body it is a conflict.
extension SimulatorCore {
    /// Whether `key` is 16 to 96 characters of letters, digits, `.`, `_` or `-`.
    static func isValidIdempotencyKey(_ key: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".unicodeScalars)
        return (16...96).contains(key.count) && key.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    /// The answer to a submission carrying `idempotencyKey` that is decided by the key alone: an invalid key, a
    /// conflict, or the replay of the task the key created (paid). Nil when the submission goes on.
    func idempotentAnswer(
        idempotencyKey: String, body canonical: String, bodyKey: String, owner: String, state: inout SimulatorState
    ) -> (response: SimResponse, paid: Bool)? {
        guard SimulatorCore.isValidIdempotencyKey(idempotencyKey) else {
            let message =
                "The Idempotency-Key header must be 16 to 96 characters of letters, digits, "
                + "'.', '_' or '-'."
            return (.error(.invalidRequest(message)), false)
        }
        guard let record = state.store.idempotencyRecord(ownerKey: owner, idempotencyKey: idempotencyKey) else {
            return nil
        }
        guard record.canonicalBody == canonical else {
            let conflict = APIError(
                status: .conflict, code: "idempotency_conflict",
                message: "Idempotency-Key '\(idempotencyKey)' was already used with a different request body.",
                type: "invalid_request_error"
            )
            return (.error(conflict), false)
        }
        guard let original = state.store.task(record.taskID) else { return nil }
        state.replays += 1
        state.paidByIdempotencyKey[idempotencyKey, default: 0] += 1
        state.paidByBody[bodyKey, default: 0] += 1
        var response = SimResponse.json(evolinkCreationAnswer(original))
        response.headers.append(("idempotency-replayed", "true"))
        return (response, true)
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
