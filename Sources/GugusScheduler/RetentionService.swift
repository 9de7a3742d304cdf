import Foundation
import GugusDatabase
import GugusModel
import Logging
import Postgres
import ServiceLifecycle

/// Applies the retention periods once a day (UU PDP: contact details are kept only while
/// coordination needs them), as the audited actor `scheduler:retention`. A run that fails is
/// logged and tried again the next day; nothing is half-erased, as each run is one
/// transaction.
public struct RetentionService: Service {
    let gugus: DatabaseGugus
    let every: Duration
    let firstAfter: Duration
    let logger: Logger

    public init(pool: PostgresPool, policy: RetentionPolicy, every: Duration = .seconds(86_400), firstAfter: Duration = .seconds(60), logger: Logger) {
        var gugus = DatabaseGugus(pool: pool, caller: Caller(name: "scheduler:retention", role: .admin), logger: logger)
        gugus.retention = policy
        self.gugus = gugus
        self.every = every
        self.firstAfter = firstAfter
        self.logger = logger
    }

    /// Returns when graceful shutdown begins: a run in flight is cancelled, and its
    /// transaction rolls back whole.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                var wait = firstAfter
                while !Task.isCancelled {
                    do { try await Task.sleep(for: wait) } catch { return }
                    wait = every
                    await runOnce()
                }
            }
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            group.cancelAll()
        }
    }

    func runOnce() async {
        do {
            let report = try await gugus.applyRetention(dryRun: false)
            logger.info("retention applied", metadata: [
                "erased": "\(report.items.count)", "guest_months": "\(report.policy.guestMonths)",
                "member_years": "\(report.policy.memberYears)"])
        } catch is CancellationError {
            return
        } catch {
            logger.error("retention failed; trying again at the next run", metadata: ["error": "\(error)"])
        }
    }
}
