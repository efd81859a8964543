import AsyncHTTPClient
import Foundation
import NIOCore

/// ``HTTPTransport`` over AsyncHTTPClient. It either owns its `HTTPClient` (created with redirects disabled,
/// so a credential is never forwarded to another host) or borrows one the caller shuts down.
public final class AsyncHTTPTransport: HTTPTransport {
    /// The default limit on a response body.
    public static let defaultMaxResponseBytes = 8 * 1024 * 1024
    /// The default number of exchanges in progress at once; more wait their turn before their timeout starts.
    public static let defaultMaxConcurrentRequests = 16

    private let client: HTTPClient
    private let ownsClient: Bool
    private let maxResponseBytes: Int
    private let permits: RequestPermits

    /// Creates a transport with its own client. Call ``shutdown()`` when done.
    /// - Parameters:
    ///   - connectTimeout: How long establishing a connection may take.
    ///   - readTimeout: The longest pause while reading a response, including its body, which the request's
    ///     own timeout (up to the response head) does not cover.
    ///   - maxResponseBytes: Larger response bodies fail with ``HTTPTransportError/Kind/invalidResponse``.
    ///   - maxConcurrentRequests: Exchanges in progress at once (and pooled connections per host). Requests
    ///     beyond it wait for a turn before their timeout starts, so a run with thousands of tasks in flight
    ///     queues its status requests instead of failing them on connection timeouts.
    public init(
        connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(30),
        maxResponseBytes: Int = defaultMaxResponseBytes, maxConcurrentRequests: Int = defaultMaxConcurrentRequests
    ) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(
                connect: Self.timeAmount(connectTimeout), read: Self.timeAmount(readTimeout))
        )
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maxConcurrentRequests
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        ownsClient = true
        self.maxResponseBytes = maxResponseBytes
        permits = RequestPermits(limit: maxConcurrentRequests)
    }

    /// Creates a transport that borrows `client`; the caller keeps responsibility for shutting it down.
    public init(
        borrowing client: HTTPClient, maxResponseBytes: Int = defaultMaxResponseBytes,
        maxConcurrentRequests: Int = defaultMaxConcurrentRequests
    ) {
        self.client = client
        ownsClient = false
        self.maxResponseBytes = maxResponseBytes
        permits = RequestPermits(limit: maxConcurrentRequests)
    }

    /// Shuts the owned client down; does nothing for a borrowed one.
    public func shutdown() async throws {
        if ownsClient {
            try await client.shutdown()
        }
    }

    /// Waits for a turn, sends the request, waits at most the request's timeout for the response head, and
    /// collects the body. A header field HTTP cannot carry fails with ``HTTPTransportError/Kind/invalidRequest``
    /// before any byte is sent.
    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        if let name = request.headers.unsendableFieldName {
            throw HTTPTransportError(
                kind: .invalidRequest, detail: "the \(name) header holds a character HTTP cannot carry")
        }
        do {
            return try await permits.withPermit { try await exchange(request) }
        } catch let error as HTTPTransportError {
            throw error
        } catch {
            throw Self.classify(error, timeout: request.timeout, maxResponseBytes: maxResponseBytes)
        }
    }

    private func exchange(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method == .get ? .GET : .POST
        for field in request.headers {
            outgoing.headers.add(name: field.name, value: field.value)
        }
        if !request.body.isEmpty || request.method == .post {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let deadline = NIODeadline.now() + Self.timeAmount(request.timeout)
        do {
            let response = try await client.execute(outgoing, deadline: deadline)
            let body = try await response.body.collect(upTo: maxResponseBytes)
            var headers = HTTPHeaderFields()
            for (name, value) in response.headers {
                headers.add(name: name, value: value)
            }
            return HTTPResponseData(
                status: Int(response.status.code), headers: headers, body: Data(body.readableBytesView))
        } catch {
            throw Self.classify(error, timeout: request.timeout, maxResponseBytes: maxResponseBytes)
        }
    }

    /// The ``HTTPTransportError`` for an AsyncHTTPClient or NIO failure.
    static func classify(_ error: any Error, timeout: Duration, maxResponseBytes: Int) -> HTTPTransportError {
        if error is CancellationError {
            return HTTPTransportError(kind: .cancelled, detail: "the request was cancelled")
        }
        if error is NIOTooManyBytesError {
            return HTTPTransportError(
                kind: .invalidResponse, detail: "the response body exceeded \(maxResponseBytes) bytes")
        }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded:
                return HTTPTransportError(kind: .timeout, detail: "no response within \(timeout)")
            case .readTimeout, .writeTimeout:
                return HTTPTransportError(
                    kind: .timeout,
                    detail: "the connection stalled for longer than the read "
                        + "or write timeout")
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return HTTPTransportError(kind: .timeout, detail: "the connection could not be established in time")
            case .remoteConnectionClosed:
                return HTTPTransportError(kind: .connection, detail: "the server closed the connection early")
            case .invalidURL, .emptyHost, .emptyScheme:
                return HTTPTransportError(
                    kind: .invalidRequest,
                    detail: "the request URL is not a valid http(s) URL; check provider.base_url")
            case .cancelled, .requestStreamCancelled:
                return HTTPTransportError(kind: .cancelled, detail: "the request was cancelled")
            default:
                return HTTPTransportError(kind: .connection, detail: clientError.shortDescription)
            }
        }
        if let ioError = error as? IOError {
            return HTTPTransportError(
                kind: .connection, detail: "the connection failed: \(String(cString: strerror(ioError.errnoCode)))")
        }
        return HTTPTransportError(kind: .connection, detail: String(describing: error))
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
