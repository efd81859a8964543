import AsyncHTTPClient
import NIOCore
import Testing

@testable import SetlistProviders

@Suite("AsyncHTTPTransport failure mapping")
struct AsyncHTTPTransportTests {
    private func kind(of error: any Error) -> HTTPTransportError.Kind {
        AsyncHTTPTransport.classify(error, timeout: .seconds(60), maxResponseBytes: 1024).kind
    }

    @Test func clientErrorsMapToTransportKinds() {
        #expect(kind(of: HTTPClientError.deadlineExceeded) == .timeout)
        #expect(kind(of: HTTPClientError.readTimeout) == .timeout)
        #expect(kind(of: HTTPClientError.connectTimeout) == .timeout)
        #expect(kind(of: HTTPClientError.remoteConnectionClosed) == .connection)
        #expect(kind(of: HTTPClientError.invalidURL) == .invalidRequest)
        #expect(kind(of: HTTPClientError.cancelled) == .cancelled)
        #expect(kind(of: HTTPClientError.bodyLengthMismatch) == .connection)
    }

    @Test func oversizedBodiesCancellationAndOtherErrorsAreMapped() {
        #expect(kind(of: NIOTooManyBytesError(maxBytes: 1024)) == .invalidResponse)
        #expect(kind(of: CancellationError()) == .cancelled)
        #expect(kind(of: ChannelError.connectPending) == .connection)
    }
}
