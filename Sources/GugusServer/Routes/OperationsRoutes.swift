import Foundation
import GugusDatabase
import GugusModel
import Hummingbird
import Logging
import Metrics
import Postgres
import Prometheus

/// `/healthz` (the process runs), `/readyz` (it can serve: the database answers), `/metrics`
/// (Prometheus) and `/openapi.yaml` (the contract the API is tested against).
struct OperationsRoutes {
    let pool: PostgresPool
    let gugus: DatabaseGugus
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<GugusRequestContext>) {
        router.on(.health) { _, _ in "ok\n" }
        router.on(.readiness) { _, context -> Response in
            do {
                _ = try await pool.query("SELECT 1")
                return HTTPCoding.text("ready\n", contentType: "text/plain; charset=utf-8")
            } catch {
                context.logger.warning("not ready: \(error)")
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "5"],
                    body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
        }
        router.on(.metrics) { _, context -> Response in
            await recordGauges(logger: context.logger)
            return HTTPCoding.text(registry.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.on(.openAPIDocument) { _, _ in
            HTTPCoding.text(OpenAPIDocument.yaml, contentType: "application/yaml; charset=utf-8")
        }
    }

    /// Pool usage and reminders by state, read when Prometheus scrapes.
    func recordGauges(logger: Logger) async {
        let statistics = pool.statistics
        Gauge(label: "gugus_db_pool_connections", dimensions: [("state", "open")]).record(statistics.open)
        Gauge(label: "gugus_db_pool_connections", dimensions: [("state", "idle")]).record(statistics.idle)
        Gauge(label: "gugus_db_pool_connections", dimensions: [("state", "in_use")]).record(statistics.inUse)
        Gauge(label: "gugus_db_pool_waiting", dimensions: []).record(statistics.waiting)
        Gauge(label: "gugus_db_pool_max_connections", dimensions: []).record(statistics.maxConnections)
        do {
            let counts = try await gugus.reminderCounts()
            for status in Reminder.Status.allCases {
                Gauge(label: "gugus_reminders", dimensions: [("status", status.rawValue)]).record(counts[status] ?? 0)
            }
        } catch {
            logger.warning("cannot count reminders for /metrics: \(error)")
        }
    }
}
