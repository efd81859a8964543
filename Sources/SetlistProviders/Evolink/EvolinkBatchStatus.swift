import Foundation
import SetlistCore
import Synchronization

/// Whether Evolink's batch status endpoint, `POST /v1/tasks/batch` (api-contract §A.4, last paragraphs), is still
/// used. It is not in the public docs, so a deployment may not serve it: the first answer that is not a
/// well-formed batch answer makes the provider give it up for the rest of its life. One instance is shared by
/// every copy of an ``EvolinkProvider``, so all copies give it up together.
final class EvolinkBatchStatus: Sendable {
    /// The most ids one batch request carries, as Evolink's own client sends.
    static let maxIDs = 50
    /// How many 2xx answers in a row whose body is not JSON at all (a truncated body, an HTML page) are read as
    /// glitches and retried before the endpoint counts as missing.
    static let unreadableAnswersTolerated = 3

    private struct State {
        var abandoned = false
        var unreadableInARow = 0
    }

    private let state = Mutex(State())

    /// True once an answer showed that the endpoint is not served.
    var isAbandoned: Bool { state.withLock { $0.abandoned } }

    /// Gives the endpoint up; true when this call did so, false when another call already had.
    func abandon() -> Bool {
        state.withLock { state in
            defer { state.abandoned = true }
            return !state.abandoned
        }
    }

    /// Counts a 2xx answer whose body is not JSON; true when ``unreadableAnswersTolerated`` came in a row.
    func countUnreadableAnswer() -> Bool {
        state.withLock { state in
            state.unreadableInARow += 1
            return state.unreadableInARow >= Self.unreadableAnswersTolerated
        }
    }

    /// Ends a run of unreadable answers: a JSON answer arrived.
    func countReadableAnswer() {
        state.withLock { $0.unreadableInARow = 0 }
    }
}

/// The body of `POST /v1/tasks/batch`: `{"task_ids": [...]}`.
struct EvolinkBatchBody: Encodable {
    var taskIDs: [String]

    private enum CodingKeys: String, CodingKey {
        case taskIDs = "task_ids"
    }
}

extension EvolinkProvider {
    static let batchPath = "/v1/tasks/batch"

    /// Asks about `ids` (at most ``EvolinkBatchStatus/maxIDs``) with one `POST /v1/tasks/batch` and reads each
    /// entry of the answer's `data` like the answer to `GET /v1/tasks/{id}`. Ids the answer leaves out are missing
    /// from the result, as are entries for ids not asked about.
    ///
    /// 401, 402, 403, 408, 425, 429 and 5xx other than 501 keep their usual meaning. Any other 4xx, a 501, a 2xx
    /// answer that is JSON but not `{"data": [task objects]}`, and the third 2xx answer in a row that is not JSON
    /// show that the endpoint is not served: it is given up, and this call throws a ``ProviderErrorKind/transient``
    /// error with code `batch_unavailable` so that the engine asks again, by then one task per request. Returns
    /// nil, without throwing, when another call gave the endpoint up while this one waited for its answer.
    func fetchBatch(_ ids: [String]) async throws(ProviderError) -> [TaskSnapshot]? {
        let call = ProviderCall(
            provider: "Evolink", method: .post, path: Self.batchPath, purpose: "batch task status", isPaid: false,
            idempotencyKey: nil, replaysIdempotentRequests: honoursIdempotencyKeys)
        let response = try await send(call, body: try http.encode(EvolinkBatchBody(taskIDs: ids), for: call))
        guard (200..<300).contains(response.status) else {
            guard Self.batchEndpointMissing(status: response.status) else {
                throw classifier.classify(response, call: call)
            }
            return try giveUpBatch(response, because: "it answered HTTP \(response.status)")
        }
        guard let json = JSONValue.parse(response.body) else {
            guard batchStatus.countUnreadableAnswer() else {
                throw classifier.malformedResponse(response, call: call, problem: "the body is not JSON")
            }
            let count = EvolinkBatchStatus.unreadableAnswersTolerated
            return try giveUpBatch(response, because: "its last \(count) answers were not JSON")
        }
        batchStatus.countReadableAnswer()
        guard let entries = json["data"]?.arrayValue else {
            return try giveUpBatch(response, because: #"its answer is not of the form {"data": [...]}"#)
        }
        var snapshots: [TaskSnapshot] = []
        for entry in entries {
            do throws(EvolinkTaskDecoder.Malformed) {
                snapshots.append(try EvolinkTaskDecoder.snapshot(from: entry, expectedID: nil))
            } catch {
                return try giveUpBatch(response, because: "an entry of its data is not a task object: \(error.problem)")
            }
        }
        let asked = Set(ids)
        return snapshots.filter { asked.contains($0.id) }
    }

    /// Whether a non-2xx status means that the batch endpoint is not served, rather than what it means on any
    /// other call (a bad key, no credits, a rate limit, a timeout, a server failure).
    static func batchEndpointMissing(status: Int) -> Bool {
        switch status {
        case 401, 402, 403, 408, 425, 429: false
        case 400..<500, 501: true
        default: false
        }
    }

    /// Gives the batch endpoint up and throws the error that makes the engine ask again, or returns nil when
    /// another call had already given it up.
    private func giveUpBatch(_ response: HTTPResponseData, because reason: String) throws(ProviderError)
        -> [TaskSnapshot]?
    {
        guard batchStatus.abandon() else { return nil }
        throw classifier.makeError(
            .transient, status: response.status, code: "batch_unavailable",
            message: "The Evolink batch status endpoint POST \(Self.batchPath) is not served at \(baseURL): "
                + "\(reason). setlist asks about each task on its own with GET /v1/tasks/{id} from now on, "
                + "starting with the next poll; nothing needs to change.")
    }
}
