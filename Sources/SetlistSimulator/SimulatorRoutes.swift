import HTTPTypes
import Hummingbird
import NIOCore

/// The simulator's one route table: the Evolink routes, the Suno proxy routes and the admin routes, on
/// Hummingbird's router. Every request, answered or not, is counted in `/_sim/stats` by ``SimulatorGateway``,
/// which also gives a path without a route the not-found body of the API it belongs to.
enum SimulatorRoutes {
    /// The router serving `core`. A route's path asked with a method it does not take answers 405 with `Allow`.
    static func router(_ core: SimulatorCore) -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        router.add(middleware: SimulatorGateway(core: core))
        var routes = RouteTable(router: router)

        routes.answer(.post, "/v1/audios/generations", core.evolinkSubmit)
        routes.answer(.get, "/v1/tasks/**", core.evolinkQuery)
        routes.answer(.post, "/v1/tasks/batch", core.evolinkBatchQuery)

        routes.answer(.post, "/suno/submit/music") { await core.proxySubmit(.music, $0) }
        routes.answer(.post, "/suno/submit/lyrics") { await core.proxySubmit(.lyrics, $0) }
        routes.answer(.post, "/suno/submit/concat") { await core.proxySubmit(.concat, $0) }
        routes.answer(.post, "/suno/persona/create") { await core.proxySubmit(.persona, $0) }
        routes.answer(.post, "/suno/fetch", core.proxyBatchFetch)
        routes.answer(.get, "/suno/fetch/**", core.proxyFetch)
        if !core.configuration.stockNewAPI {
            routes.answer(.get, "/suno/act/wav/**", core.proxyWAV)
        }

        routes.answer(.get, "/_sim/stats") { _ in .respond(core.adminStats()) }
        routes.answer(.get, "/_sim/tasks") { _ in .respond(core.adminTasks()) }
        routes.answer(.post, "/_sim/reset") { _ in .respond(core.adminReset()) }
        routes.answer(.get, "/_sim/faults") { _ in .respond(core.adminFaults()) }
        routes.answer(.post, "/_sim/faults") { .respond(core.setFaults($0.body)) }
        routes.answer(.get, "/_sim/media/**") { .respond(core.adminMedia($0)) }
        routes.refuseOtherMethods()
        return router
    }

    /// The not-found body of the API `request` was meant for: admin under `/_sim/`, the proxy's under `/suno/`,
    /// else Evolink's.
    static func notFound(_ request: SimRequest) -> SimResponse {
        if request.path.hasPrefix("/_sim/") { return SimulatorCore.adminNotFound(request) }
        if request.path.hasPrefix("/suno/") { return SimulatorCore.proxyNotFound(request) }
        return SimulatorCore.evolinkNotFound(request)
    }

    /// The 405 answer for `request` on a path that takes only the `allowed` methods, in its API's error body.
    static func methodNotAllowed(_ request: SimRequest, allowed: [HTTPRequest.Method]) -> SimResponse {
        let methods = allowed.map(\.rawValue).joined(separator: ", ")
        let message = "\(request.path) does not take \(request.method.rawValue); send \(methods)."
        var response =
            request.path.hasPrefix("/suno/")
            ? ProxyError(status: .methodNotAllowed, code: "method_not_allowed", message: message).response
            : .error(
                APIError(
                    status: .methodNotAllowed, code: "method_not_allowed", message: message,
                    type: "invalid_request_error"))
        response.headers.append(("Allow", methods))
        return response
    }
}

/// The routes being registered, with the methods each path takes, so the other methods can be refused.
private struct RouteTable {
    let router: Router<SimulatorRequestContext>
    private var methods: [(path: String, methods: [HTTPRequest.Method])] = []

    /// The methods a path may be asked with and be refused.
    static let knownMethods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    init(router: Router<SimulatorRequestContext>) {
        self.router = router
    }

    /// Adds the route `method path`.
    mutating func answer(
        _ method: HTTPRequest.Method, _ path: String, _ answer: @escaping @Sendable (SimRequest) async -> SimOutcome
    ) {
        router.answer(method, RouterPath(path), answer)
        if let index = methods.firstIndex(where: { $0.path == path }) {
            methods[index].methods.append(method)
        } else {
            methods.append((path, [method]))
        }
    }

    /// Answers 405 on every registered path for the methods it does not take.
    func refuseOtherMethods() {
        for (path, allowed) in methods {
            for method in RouteTable.knownMethods where !allowed.contains(method) {
                router.answer(method, RouterPath(path)) {
                    .respond(SimulatorRoutes.methodNotAllowed($0, allowed: allowed))
                }
            }
        }
    }
}

/// The per-request context: the connection, so a fault can close it without answering.
struct SimulatorRequestContext: RequestContext {
    /// Hummingbird's own per-request state.
    var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Thrown after the connection was closed on purpose, so the server writes nothing.
struct ConnectionDroppedOnPurpose: Error {}

/// Counts every request under its statistics name and status, and answers a request without a route with the
/// not-found body of its API.
struct SimulatorGateway: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let core: SimulatorCore

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let route = SimulatorCore.routeName(method: request.method, path: request.uri.path)
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let unrouted = SimRequest(
                method: request.method, path: request.uri.path, authorization: nil, idempotencyKey: nil, body: [])
            response = SimulatorRoutes.notFound(unrouted).hummingbirdResponse
        } catch let error as ConnectionDroppedOnPurpose {
            core.count(route: route, outcome: "dropped")
            throw error
        }
        core.count(route: route, outcome: String(response.status.code))
        return response
    }
}

extension Router<SimulatorRequestContext> {
    /// Adds the route `method path`, answered by `answer` with the request as the simulator's logic sees it.
    fileprivate func answer(
        _ method: HTTPRequest.Method, _ path: RouterPath,
        _ answer: @escaping @Sendable (SimRequest) async -> SimOutcome
    ) {
        on(path, method: method) { request, context in
            var request = request
            let body = try await request.collectBody(upTo: SimRequest.maxBodyBytes)
            let simRequest = SimRequest(
                method: request.method,
                path: request.uri.path,
                authorization: request.headers[.authorization],
                idempotencyKey: request.headers[SimRequest.idempotencyKeyField],
                body: Array(body.readableBytesView)
            )
            switch await answer(simRequest) {
            case .respond(let response):
                return response.hummingbirdResponse
            case .dropConnection:
                context.channel.close(promise: nil)
                try? await context.channel.closeFuture.get()
                throw ConnectionDroppedOnPurpose()
            }
        }
    }
}

extension SimRequest {
    /// The largest request body accepted.
    static let maxBodyBytes = 4 << 20
    /// The `Idempotency-Key` header.
    static let idempotencyKeyField = HTTPField.Name("Idempotency-Key")!
}

extension SimResponse {
    /// The response as Hummingbird sends it.
    var hummingbirdResponse: Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
