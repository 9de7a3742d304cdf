import Foundation
import GugusDatabase
import GugusModel
import Hummingbird
import Logging
import Metrics
import Postgres
import Prometheus
import ServiceLifecycle

/// How `gugus serve` runs.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Closes connections idle this long, so a stalled client cannot hold one forever.
    public var idleTimeout: Duration

    public init(host: String = "127.0.0.1", port: Int = 8080, idleTimeout: Duration = .seconds(60)) {
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
    }
}

/// The Prometheus registry the server's `/metrics` reads. Bootstrap swift-metrics with it once
/// per process (``bootstrapMetrics()``) so the scheduler's and the router's metrics land there.
public enum ServerMetrics {
    public static let registry = PrometheusCollectorRegistry()

    public static func bootstrapMetrics() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
    }
}

/// Every route of the server over a pool: the service paths, and `/v1` behind its tokens.
/// Tests drive it in process (HummingbirdTesting's `.router`); `buildApplication` serves it.
public func buildRouter(
    pool: PostgresPool, portal settings: PortalSettings = PortalSettings(), retention: RetentionPolicy = RetentionPolicy(), logger: Logger
) -> Router<GugusRequestContext> {
    var gugus = DatabaseGugus(pool: pool, caller: Caller(name: "server", role: .viewer), logger: logger)
    gugus.retention = retention
    let portal = Portal(gugus: gugus, settings: settings, logger: logger)
    let router = Router(context: GugusRequestContext.self)
    router.middlewares.add(ConnectionThreadMiddleware())
    router.middlewares.add(LogRequestsMiddleware(.info))
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(ProblemMiddleware(portal: portal))
    OperationsRoutes(pool: pool, gugus: gugus, registry: ServerMetrics.registry).register(on: router)
    let api = router.group("v1").add(middleware: TokenAuthentication(gugus: gugus))
    APIRoutes(gugus: gugus).register(on: api)
    portal.register(on: router)
    return router
}

/// Runs each request on ``PostgresPool/taskExecutor``: its queries, and its code between
/// them, run on the thread of the connection it uses, without the two thread wake-ups a
/// query costs from the cooperative pool (docs/benchmarks.md, section `select`).
struct ConnectionThreadMiddleware: RouterMiddleware {
    typealias Context = GugusRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await withTaskExecutorPreference(PostgresPool.taskExecutor) {
            try await next(request, context)
        }
    }
}

/// Builds the HTTP application: the routes over a pool, with the pool and any other
/// long-running parts (the scheduler) as services in the same ServiceGroup. The server is the
/// last service, so on SIGTERM it stops accepting and drains its requests first, while the
/// pool and the scheduler are still there.
public func buildApplication(
    settings: ServerSettings, pool: PostgresPool, portal: PortalSettings = PortalSettings(), retention: RetentionPolicy = RetentionPolicy(),
    services: [any Service] = [], logger: Logger
) -> some ApplicationProtocol {
    let router = buildRouter(pool: pool, portal: portal, retention: retention, logger: logger)
    let idle = settings.idleTimeout.components.seconds
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(idle))),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "gugus"),
        services: [pool] + services,
        logger: logger)
}

/// Runs the application until SIGTERM or SIGINT, then shuts it down gracefully.
public func runServer(
    settings: ServerSettings, pool: PostgresPool, portal: PortalSettings = PortalSettings(), retention: RetentionPolicy = RetentionPolicy(),
    services: [any Service] = [], logger: Logger
) async throws {
    try await buildApplication(settings: settings, pool: pool, portal: portal, retention: retention, services: services, logger: logger)
        .runService()
}
