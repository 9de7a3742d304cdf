import Foundation
import GugusCore
import Hummingbird
import Logging
import Postgres
import ServiceLifecycle

/// How `gugus serve` runs.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Builds the HTTP application: the routes over a pool, with the pool and any other
/// long-running parts (the scheduler) as services in the same ServiceGroup. The server is
/// the last service, so on SIGTERM it stops first and drains its requests while the pool
/// and the scheduler are still there.
public func buildApplication(
    settings: ServerSettings, pool: PostgresPool, services: [any Service] = [], logger: Logger
) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self)
    HealthRoutes(pool: pool).register(on: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "gugus"),
        services: [pool] + services,
        logger: logger)
}

/// `/healthz` says the process runs; `/readyz` says it can serve, which needs the database.
struct HealthRoutes {
    let pool: PostgresPool

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, context -> Response in
            do {
                _ = try await pool.query("SELECT 1")
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
            } catch {
                context.logger.warning("not ready: \(error)")
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
        }
    }
}

/// Runs the application until SIGTERM or SIGINT, then shuts it down gracefully.
public func runServer(settings: ServerSettings, pool: PostgresPool, services: [any Service] = [], logger: Logger) async throws {
    try await buildApplication(settings: settings, pool: pool, services: services, logger: logger).runService()
}
