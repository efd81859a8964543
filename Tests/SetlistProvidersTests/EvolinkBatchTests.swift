import Foundation
import SetlistCore
import Synchronization
import Testing

@testable import SetlistProviders

/// A pending task object of the A.3 shape for `id`.
private func pendingTask(_ id: String) -> String {
    #"{"id":"\#(id)","object":"audio.generation.task","status":"pending","progress":0,"type":"audio"}"#
}

/// The answer to a batch request: `{"data": [...]}` with the given task objects.
private func batchAnswer(_ tasks: [String]) -> HTTPResponseData {
    HTTPResponseData(status: 200, body: Data(#"{"data":[\#(tasks.joined(separator: ","))]}"#.utf8))
}

/// The `task_ids` a batch request carried.
private func askedIDs(_ request: HTTPRequestData) -> [String] {
    (try? JSONSerialization.jsonObject(with: request.body) as? [String: [String]])?["task_ids"] ?? []
}

/// A value that transport closures and the test share.
private final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }
}

/// Whether `request` asks about one task with `GET /v1/tasks/{id}`.
private func isSingleGET(_ request: HTTPRequestData) -> Bool {
    request.method == .get && request.url.hasPrefix("https://api.evolink.test/v1/tasks/")
}

@Suite("Evolink batch status")
struct EvolinkBatchTests {
    /// A provider whose batch endpoint answers `batch` and whose `GET /v1/tasks/{id}` answers a pending task.
    private func provider(batch: @escaping @Sendable (HTTPRequestData) -> HTTPResponseData) -> (
        EvolinkProvider, RequestLog
    ) {
        makeProvider(batch: true) { request in
            if request.url.hasSuffix("/v1/tasks/batch") { return batch(request) }
            return HTTPResponseData(
                status: 200, body: Data(pendingTask(String(request.url.split(separator: "/").last!)).utf8))
        }
    }

    @Test func statusRequestIsOneAuthorizedPostOfTheIDs() async throws {
        let (provider, log) = provider { request in batchAnswer(askedIDs(request).map(pendingTask)) }
        #expect(provider.maxBatchSize == 50)
        let snapshots = try await provider.fetchTasks(["task-unified-1-a", "", "task-unified-2-b"])
        #expect(snapshots.map(\.id) == ["task-unified-1-a", "task-unified-2-b"])
        let requests = await log.requests
        try #require(requests.count == 1)
        #expect(requests[0].method == .post)
        #expect(requests[0].url == "https://api.evolink.test/v1/tasks/batch")
        #expect(parsedJSON(requests[0].body) == parsedJSON(#"{"task_ids":["task-unified-1-a","task-unified-2-b"]}"#))
        #expect(requests[0].headers["Authorization"] == "Bearer \(testAPIKey)")
        #expect(requests[0].headers["Content-Type"] == "application/json")
        #expect(requests[0].headers["Accept"] == "application/json")
        #expect(requests[0].headers["Idempotency-Key"] == nil)
        #expect(!String(decoding: requests[0].body, as: UTF8.self).contains(testAPIKey))
        #expect(try await provider.fetchTasks([]).isEmpty)
        #expect(await log.requests.count == 1)
    }

    @Test func idsGoFiftyToARequestInOrder() async throws {
        let (provider, log) = provider { request in batchAnswer(askedIDs(request).map(pendingTask)) }
        let ids = (1...120).map { "task-unified-\($0)-x" }
        let snapshots = try await provider.fetchTasks(ids)
        #expect(snapshots.map(\.id) == ids)
        let requests = await log.requests
        #expect(requests.map { askedIDs($0).count } == [50, 50, 20])
        #expect(requests.flatMap(askedIDs) == ids)
    }

    @Test func tasksLeftOutOrNotAskedAboutAreMissing() async throws {
        let (provider, log) = provider { _ in
            batchAnswer([pendingTask("task-unified-2-b"), pendingTask("task-unified-9-stranger")])
        }
        let snapshots = try await provider.fetchTasks(["task-unified-1-a", "task-unified-2-b"])
        #expect(snapshots.map(\.id) == ["task-unified-2-b"])
        #expect(await log.requests.count == 1)
        #expect(provider.maxBatchSize == 50)
    }

    @Test(arguments: [
        Fixture.createdTask, Fixture.completedMusicTask, Fixture.songsWrapperTask, Fixture.completedPersonaTask,
        Fixture.failedTask, Fixture.cancelledTask, Fixture.failedCancelledTask,
    ])
    func batchEntryDecodesLikeTheSingleAnswer(task: String) async throws {
        let id = try #require(parsedJSON(task)?["id"] as? String)
        let (single, _) = makeProvider(status: 200, body: task)
        let (batched, log) = provider { _ in batchAnswer([task]) }
        let expected = try await single.fetchTasks([id])
        try #require(expected.count == 1)
        #expect(try await batched.fetchTasks([id]) == expected)
        #expect(await log.requests.map(\.method) == [.post])
    }

    @Test(arguments: [
        (404, Fixture.error(code: "not_found", message: "There is no route", type: "invalid_request_error")),
        (405, Fixture.error(code: "method_not_allowed", message: "Use GET", type: "invalid_request_error")),
        (400, Fixture.error(code: "invalid_task_id", message: "Invalid task ID format", type: "invalid_request_error")),
        (501, "Not Implemented"),
        (200, Fixture.completedMusicTask),
        (200, #"{"tasks":[]}"#),
        (200, #"{"data":{"id":"task-unified-1-a","status":"pending"}}"#),
        (200, #"{"data":["task-unified-1-a"]}"#),
        (200, #"{"data":[{"id":"task-unified-1-a"}]}"#),
        (200, Fixture.error(code: "not_found", message: "No such route", type: "invalid_request_error")),
    ])
    func answerThatIsNotABatchAnswerGivesTheEndpointUp(status: Int, body: String) async throws {
        let (provider, log) = provider { _ in HTTPResponseData(status: status, body: Data(body.utf8)) }
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.fetchTasks(["task-unified-1-a", "task-unified-2-b"])
            })
        #expect(error.kind == .transient)
        #expect(error.code == "batch_unavailable")
        #expect(error.message.hasPrefix("The Evolink batch status endpoint POST /v1/tasks/batch is not served at "))
        #expect(error.message.contains("https://api.evolink.test"))
        #expect(error.message.contains("setlist asks about each task on its own with GET /v1/tasks/{id} from now on"))
        #expect(provider.maxBatchSize == 1)

        let snapshots = try await provider.fetchTasks(["task-unified-1-a", "task-unified-2-b"])
        #expect(snapshots.map(\.id) == ["task-unified-1-a", "task-unified-2-b"])
        let requests = await log.requests
        #expect(requests.count == 3)
        #expect(requests.dropFirst().allSatisfy(isSingleGET))
    }

    @Test(arguments: [
        (429, ProviderErrorKind.rateLimited), (503, .transient), (500, .transient), (502, .transient),
        (401, .authentication), (403, .authentication), (402, .quota), (408, .transient),
    ])
    func usualFailuresKeepTheEndpoint(status: Int, kind: ProviderErrorKind) async throws {
        let (provider, log) = provider { _ in
            HTTPResponseData(
                status: status, headers: ["Retry-After": "3"],
                body: Data(Fixture.error(code: "some_code", message: "Something went wrong", type: "api_error").utf8))
        }
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.fetchTasks(["task-unified-1-a"])
            })
        #expect(error.kind == kind)
        #expect(error.httpStatus == status)
        #expect(error.code != "batch_unavailable")
        #expect(error.message.contains("POST /v1/tasks/batch (batch task status)"))
        #expect(provider.maxBatchSize == 50)
        _ = await providerError { () async throws(ProviderError) in try await provider.fetchTasks(["task-unified-1-a"])
        }
        #expect(await log.requests.allSatisfy { $0.method == .post })
        #expect(await log.requests.count == 2)
    }

    @Test func bodiesThatAreNotJSONAreGlitchesUntilTheThirdInARow() async throws {
        let answers = Shared(["{\"data\":[", "<html>", #"{"data":[]}"#, "", "{\"da", "<html>"])
        let (provider, _) = provider { _ in
            HTTPResponseData(status: 200, body: Data(answers.value.withLock { $0.removeFirst() }.utf8))
        }
        var codes: [String?] = []
        for _ in 0..<6 {
            let error = await providerError { () async throws(ProviderError) in
                try await provider.fetchTasks(["task-unified-1-a"])
            }
            codes.append(error.map { $0.code ?? $0.kind.rawValue })
        }
        #expect(codes == ["transient", "transient", nil, "transient", "transient", "batch_unavailable"])
        #expect(provider.maxBatchSize == 1)
    }

    @Test func copiesOfTheProviderGiveTheEndpointUpTogether() async throws {
        let (provider, log) = provider { _ in HTTPResponseData(status: 404, body: Data()) }
        let copy = provider
        _ = await providerError { () async throws(ProviderError) in try await copy.fetchTasks(["task-unified-1-a"]) }
        #expect(provider.maxBatchSize == 1)
        #expect(String(describing: provider).contains("maxBatchSize: 1"))
        #expect(try await provider.fetchTasks(["task-unified-1-a"]).map(\.id) == ["task-unified-1-a"])
        #expect(await log.requests.map(\.method) == [.post, .get])
    }

    @Test func callWhoseEndpointAnotherCallGaveUpFallsBackWithoutAnError() async throws {
        let other = Shared<EvolinkBatchStatus?>(nil)
        let (provider, log) = provider { _ in
            _ = other.value.withLock { $0?.abandon() }
            return HTTPResponseData(status: 404, body: Data())
        }
        other.value.withLock { $0 = provider.batchStatus }
        let snapshots = try await provider.fetchTasks(["task-unified-1-a", "task-unified-2-b"])
        #expect(snapshots.map(\.id) == ["task-unified-1-a", "task-unified-2-b"])
        #expect(await log.requests.map(\.method) == [.post, .get, .get])
    }
}
