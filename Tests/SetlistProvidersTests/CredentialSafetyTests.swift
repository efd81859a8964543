import Foundation
import SetlistCore
import Testing

@testable import SetlistProviders

@Suite("The API key never leaves the Authorization header")
struct CredentialSafetyTests {
    /// Answers that echo the key back in every place a server could put it.
    private static let echoingResponses: [HTTPResponseData] = {
        let echo = Fixture.error(code: "unauthorized", message: "Invalid token \(testAPIKey)", type: "x")
        let codeEcho = #"{"error":{"code":"\#(testAPIKey)","message":"bad"}}"#
        return [401, 402, 403, 404, 409, 429, 400, 500, 503, 301].map { status in
            HTTPResponseData(
                status: status, headers: ["Retry-After": "1", "X-Request-Id": testAPIKey, "Location": testAPIKey],
                body: Data((status == 409 ? codeEcho : echo).utf8))
        } + [
            HTTPResponseData(status: 200, body: Data("Bearer \(testAPIKey) is not a task".utf8)),
            HTTPResponseData(status: 200, body: Data(echo.utf8)),
        ]
    }()

    @Test func noErrorPathRevealsTheKey() async {
        var errors: [ProviderError] = []
        for response in Self.echoingResponses {
            let (provider, _) = makeProvider { _ in response }
            errors += await self.errors(of: provider)
        }
        let (failing, _) = makeProvider { _ in
            throw HTTPTransportError(kind: .connection, detail: "peer sent \(testAPIKey)")
        }
        errors += await self.errors(of: failing)
        #expect(errors.count == (Self.echoingResponses.count + 1) * 3)
        for error in errors {
            #expect(!error.message.contains(testAPIKey))
            #expect(!error.description.contains(testAPIKey))
            #expect(!(error.code ?? "").contains(testAPIKey))
            #expect(!String(reflecting: error).contains(testAPIKey))
        }
    }

    @Test func urlsDescriptionsAndMirrorsHideTheKey() async throws {
        let (provider, log) = makeProvider(status: 200, body: Fixture.createdTask)
        _ = try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
        let request = try #require(await log.requests.first)
        #expect(!request.url.contains(testAPIKey))
        #expect(!request.description.contains(testAPIKey))
        #expect(!String(reflecting: request).contains(testAPIKey))
        #expect(request.description.contains("Authorization: <redacted>"))
        var dumped = ""
        dump(provider, to: &dumped)
        #expect(!dumped.contains(testAPIKey))
        #expect(!String(describing: provider).contains(testAPIKey))
        #expect(!String(reflecting: provider).contains(testAPIKey))
    }

    /// Runs each of the provider's three calls once and returns the errors they threw.
    private func errors(of provider: EvolinkProvider) async -> [ProviderError] {
        var errors: [ProviderError] = []
        do throws(ProviderError) {
            _ = try await provider.submitSong(simpleSong, idempotencyKey: testIdempotencyKey)
        } catch {
            errors.append(error)
        }
        do throws(ProviderError) {
            _ = try await provider.submitPersona(basicPersona, idempotencyKey: testIdempotencyKey)
        } catch {
            errors.append(error)
        }
        do throws(ProviderError) {
            _ = try await provider.fetchTasks(["task-unified-1766319089-oqs9cue4"])
        } catch {
            errors.append(error)
        }
        return errors
    }
}
