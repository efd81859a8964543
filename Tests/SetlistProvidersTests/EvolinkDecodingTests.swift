import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

@Suite("Evolink task decoding")
struct EvolinkDecodingTests {
    private func fetch(_ body: String, id: String) async throws -> TaskSnapshot {
        let (provider, _) = makeProvider(status: 200, body: body)
        let snapshots = try await provider.fetchTasks([id])
        try #require(snapshots.count == 1)
        return snapshots[0]
    }

    @Test func createdMusicTaskCarriesEstimateAndReservedCredits() async throws {
        let (provider, _) = makeProvider(status: 200, body: Fixture.createdTask)
        let snapshot = try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
        #expect(
            snapshot
                == TaskSnapshot(
                    id: "task-unified-1766319089-oqs9cue4", status: .pending, progress: 0, estimatedSeconds: 120,
                    creditsReserved: 10))
    }

    @Test func createdPersonaTaskIsPendingWithItsOwnEstimate() async throws {
        let (provider, _) = makeProvider(status: 200, body: Fixture.createdPersonaTask)
        let snapshot = try await provider.submitPersona(basicPersona, idempotencyKey: testIdempotencyKey)
        #expect(
            snapshot
                == TaskSnapshot(
                    id: "task-unified-1774170584-su75smg7", status: .pending, progress: 0, estimatedSeconds: 15,
                    creditsReserved: 1))
    }

    @Test func documentedExampleYieldsItsResultDataTakeAndTheExtraURLAsASecondTake() async throws {
        let snapshot = try await fetch(Fixture.completedMusicTask, id: "task-unified-1766319089-oqs9cue4")
        #expect(snapshot.status == .completed)
        #expect(snapshot.progress == 100)
        #expect(snapshot.failure == nil)
        #expect(snapshot.personaID == nil)
        #expect(
            snapshot.results == [
                TaskResult(
                    resultID: "555f4ea2-cfef-4622-8355-baa5f2ce6a59", title: "Forget Me Nots", tags: "R&B",
                    duration: 91.2, audioURL: "https://media.evolink.ai/xxx.mp3",
                    streamAudioURL: "https://media.evolink.ai/xxx.mp3", imageURL: "https://media.evolink.ai/xxx.jpeg"),
                TaskResult(resultID: nil, audioURL: "https://media.evolink.ai/yyy.mp3"),
            ])
    }

    @Test func completedMusicTaskReadsTheSongsWrapper() async throws {
        let snapshot = try await fetch(Fixture.songsWrapperTask, id: "task-unified-1766319089-oqs9cue4")
        #expect(snapshot.status == .completed)
        #expect(
            snapshot.results.map(\.resultID) == [
                "4fcc4507-a7ae-4441-ad8a-465c2f61d5bb", "9d1c2b3a-0000-4000-8000-00000000abcd",
            ])
        #expect(snapshot.results.map(\.duration) == [184.5, 176])
    }

    @Test func completedPersonaTaskYieldsThePersonaID() async throws {
        let snapshot = try await fetch(Fixture.completedPersonaTask, id: "task-unified-1774170584-su75smg7")
        #expect(snapshot.status == .completed)
        #expect(snapshot.personaID == "5c57d49ef834110496fae5aa14fec441")
        #expect(snapshot.results.isEmpty)
    }

    @Test func personaIDInsideAnArrayIsFoundToo() async throws {
        let body = #"{"id":"task-unified-1-a","status":"completed","result_data":[{"persona_id":"p-42"}]}"#
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(snapshot.personaID == "p-42")
        #expect(snapshot.results.isEmpty)
    }

    @Test func failedTaskCarriesTheProviderCodeAndMessage() async throws {
        let snapshot = try await fetch(Fixture.failedTask, id: "task-unified-1772618027-cmeisy8h")
        #expect(snapshot.status == .failed)
        #expect(
            snapshot.failure
                == TaskFailure(
                    code: "content_policy_violation",
                    message: "Content policy violation.\nYour request was blocked by safety filters..."))
        #expect(snapshot.failure?.isRetriable == false)
    }

    @Test func failedTaskWithoutErrorObjectIsAnUnknownServerError() async throws {
        let snapshot = try await fetch(#"{"id":"task-unified-1-a","status":"failed"}"#, id: "task-unified-1-a")
        #expect(snapshot.status == .failed)
        #expect(snapshot.failure?.code == "unknown_error")
        #expect(snapshot.failure?.isRetriable == true)
    }

    @Test(arguments: [Fixture.cancelledTask, Fixture.failedCancelledTask])
    func bothSpellingsOfCancellationAreCancelled(body: String) async throws {
        let snapshot = try await fetch(body, id: "task-unified-1772618027-cmeisy8h")
        #expect(snapshot.status == .cancelled)
        #expect(snapshot.status.isTerminal)
        #expect(snapshot.failure?.code == "request_cancelled")
    }

    @Test(arguments: [
        ("pending", TaskStatus.pending), ("PROCESSING", .processing), ("Completed", .completed),
        ("queued", .processing), ("canceled", .cancelled),
    ])
    func statusIsReadCaseInsensitivelyAndUnknownValuesKeepPolling(text: String, expected: TaskStatus) async throws {
        let snapshot = try await fetch(#"{"id":"task-unified-1-a","status":"\#(text)"}"#, id: "task-unified-1-a")
        #expect(snapshot.status == expected)
    }

    @Test func decodingIgnoresUnknownKeysAndAcceptsNumbersAsStrings() async throws {
        let body = """
            {"id":"task-unified-1-a","status":"processing","progress":"45%","future_field":{"x":[1,2]},
             "task_info":{"estimated_time":"90"},"usage":{"credits_reserved":"8","credits_used":null},
             "result_data":[{"result_id":"r-1","duration":"30.5","lyrics":"la la","audio_url":""},{"title":"no id"}]}
            """
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(snapshot.status == .processing)
        #expect(snapshot.progress == 45)
        #expect(snapshot.estimatedSeconds == 90)
        #expect(snapshot.creditsReserved == 8)
        #expect(snapshot.results == [TaskResult(resultID: "r-1", duration: 30.5)])
    }

    @Test func resultURLsWithoutResultDataGiveOneTakePerURL() async throws {
        let body = """
            {"id":"task-unified-1-a","status":"completed","progress":100,
             "results":["https://media.evolink.ai/xxx.mp3","https://media.evolink.ai/yyy.mp3"]}
            """
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(snapshot.status == .completed)
        #expect(
            snapshot.results == [
                TaskResult(resultID: nil, audioURL: "https://media.evolink.ai/xxx.mp3"),
                TaskResult(resultID: nil, audioURL: "https://media.evolink.ai/yyy.mp3"),
            ])
    }

    @Test func resultURLsMatchingResultDataAddNoTakes() async throws {
        let body = """
            {"id":"task-unified-1-a","status":"completed","results":["https://m.test/a.mp3","https://m.test/b.mp3"],
             "result_data":[{"result_id":"r-1","audio_url":"https://m.test/a.mp3"},
                            {"result_id":"r-2","stream_audio_url":"https://m.test/b.mp3"}]}
            """
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(snapshot.results.map(\.resultID) == ["r-1", "r-2"])
    }

    @Test func resultURLsNeverAddMoreTakesThanTheyList() async throws {
        let body = """
            {"id":"task-unified-1-a","status":"completed","results":["https://cdn.test/a.mp3","https://cdn.test/b.mp3"],
             "result_data":[{"result_id":"r-1","audio_url":"https://m.test/a.mp3"},
                            {"result_id":"r-2","audio_url":"https://m.test/b.mp3"}]}
            """
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(snapshot.results.map(\.resultID) == ["r-1", "r-2"])
    }

    @Test func repeatedResultURLsGiveOneTake() async throws {
        let body = """
            {"id":"task-unified-1-a","status":"completed","results":["https://m.test/a.mp3","https://m.test/a.mp3"]}
            """
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(snapshot.results == [TaskResult(resultID: nil, audioURL: "https://m.test/a.mp3")])
    }

    @Test func oneResultTaskGivesOneTake() async throws {
        let body = """
            {"id":"task-unified-1-a","status":"completed","results":["https://m.test/a.mp3"],
             "result_data":[{"result_id":"r-1","audio_url":"https://m.test/a.mp3","image_url":"https://m.test/a.png"}]}
            """
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(
            snapshot.results == [
                TaskResult(resultID: "r-1", audioURL: "https://m.test/a.mp3", imageURL: "https://m.test/a.png")
            ])
    }

    @Test func resultDataEntryWithOnlyAnAudioURLIsATakeWithoutID() async throws {
        let body = """
            {"id":"task-unified-1-a","status":"completed",
             "result_data":[{"title":"T","audio_url":"https://m.test/a.mp3"}]}
            """
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(snapshot.results == [TaskResult(resultID: nil, title: "T", audioURL: "https://m.test/a.mp3")])
    }

    @Test func personaIDOnTheTaskObjectIsFound() async throws {
        let body = #"{"id":"task-unified-1-a","status":"completed","persona_id":"5c57d49ef834110496fae5aa14fec441"}"#
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(snapshot.personaID == "5c57d49ef834110496fae5aa14fec441")
        #expect(snapshot.results.isEmpty)
    }

    @Test func completedSubmissionAnswerCarriesItsTakes() async throws {
        let body = """
            {"id":"task-unified-1-a","object":"audio.generation.task","status":"completed","progress":100,
             "result_data":[{"result_id":"r-1","audio_url":"https://m.test/a.mp3"},
                            {"result_id":"r-2","audio_url":"https://m.test/b.mp3"}],
             "results":["https://m.test/a.mp3","https://m.test/b.mp3"],
             "usage":{"billing_rule":"per_call","credits_reserved":8,"user_group":"default"}}
            """
        let (provider, _) = makeProvider(status: 200, body: body)
        let snapshot = try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
        #expect(snapshot.status == .completed)
        #expect(snapshot.creditsReserved == 8)
        #expect(snapshot.results.map(\.resultID) == ["r-1", "r-2"])
    }

    @Test func integerErrorCodeIsReadAsText() async throws {
        let body = #"{"id":"task-unified-1-a","status":"failed","error":{"code":5001,"message":"boom"}}"#
        let snapshot = try await fetch(body, id: "task-unified-1-a")
        #expect(snapshot.failure == TaskFailure(code: "5001", message: "boom"))
    }

    @Test func unknownTaskIsMissingFromTheAnswer() async throws {
        let notFound = Fixture.error(
            code: "task_not_found", message: "The requested task could not be found", type: "invalid_request_error")
        let (provider, log) = makeProvider { request in
            if request.url.hasSuffix("task-unified-2-gone") {
                return HTTPResponseData(status: 404, body: Data(notFound.utf8))
            }
            return HTTPResponseData(status: 200, body: Data(Fixture.completedPersonaTask.utf8))
        }
        let snapshots = try await provider.fetchTasks(["task-unified-2-gone", "task-unified-1774170584-su75smg7"])
        #expect(snapshots.map(\.id) == ["task-unified-1774170584-su75smg7"])
        #expect(await log.requests.count == 2)
        #expect(try await provider.fetchTasks([]).isEmpty)
    }

    @Test func answerAboutAnotherTaskIsMalformed() async throws {
        let (provider, _) = makeProvider(status: 200, body: Fixture.completedPersonaTask)
        let error = try #require(
            await providerError { () async throws(ProviderError) in
                try await provider.fetchTasks(["task-unified-9-other"])
            })
        #expect(error.kind == .transient)
        #expect(
            error.message.contains(
                "describes task task-unified-1774170584-su75smg7 instead of task-unified-9-other"))
    }
}
