import Foundation
import GugusModel
import Logging
import Postgres

/// ``Gugus`` on PostgreSQL: the domain's rules, over the libpq layer.
///
/// Every change runs in one transaction that also names the caller for the audit triggers,
/// so a change and its audit entry commit together or not at all. Database errors are turned
/// into ``GugusError``s here; a raw PostgreSQL message never reaches a user.
public struct DatabaseGugus: Gugus {
    public let pool: PostgresPool
    public let caller: Caller
    let logger: Logger
    let clock: @Sendable () -> Date
    /// What the instances acting for the callers of one server share.
    let shared: SharedReads
    /// How long contact details are kept (``applyRetention(dryRun:)``).
    public var retention = RetentionPolicy()

    public init(pool: PostgresPool, caller: Caller, logger: Logger = Logger(label: "gugus.core"), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.init(pool: pool, caller: caller, logger: logger, clock: clock, shared: SharedReads())
    }

    private init(pool: PostgresPool, caller: Caller, logger: Logger, clock: @escaping @Sendable () -> Date, shared: SharedReads) {
        self.pool = pool
        self.caller = caller
        self.logger = logger
        self.clock = clock
        self.shared = shared
    }

    /// The same database, acting for someone else (the HTTP server scopes each request).
    public func acting(as caller: Caller) -> DatabaseGugus {
        var gugus = DatabaseGugus(pool: pool, caller: caller, logger: logger, clock: clock, shared: shared)
        gugus.retention = retention
        return gugus
    }

    // MARK: Transactions

    /// Runs a change in a transaction, with the caller and the action named for the audit log.
    func write<Result: Sendable>(
        _ action: String, file: String = #fileID, line: Int = #line,
        _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await translatingErrors {
            var attempt = 1
            while true {
                do {
                    return try await pool.withTransaction(file: file, line: line) { connection in
                        try await connection.execute("""
                            SELECT set_config('gugus.actor', \(caller.name), true), set_config('gugus.action', \(action), true)
                            """)
                        return try await body(connection)
                    }
                } catch let error as PostgresError where Self.isTransient(error) && attempt < Self.transactionAttempts {
                    // Two changes that lock the same rows in different orders (a rule planning
                    // reminders while members are invited): PostgreSQL rolled one back whole,
                    // so it can run again as if it had come a moment later.
                    logger.info("\(action): \(error.code?.rawValue ?? "?") on attempt \(attempt); running the transaction again")
                    try await Task.sleep(for: .milliseconds(Int.random(in: 5...50) * attempt))
                    attempt += 1
                }
            }
        }
    }

    /// How many times a transaction runs before a deadlock or serialization failure is the
    /// caller's (as 503, try again).
    static let transactionAttempts = 4

    static func isTransient(_ error: PostgresError) -> Bool {
        error.code == .deadlockDetected || error.code == .serializationFailure
    }

    /// Runs reads on one connection.
    func read<Result: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await translatingErrors {
            try await pool.withConnection { connection in try await body(connection) }
        }
    }

    /// The last line: errors no operation translated with more context.
    func translatingErrors<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as GugusError {
            throw error
        } catch let error as PostgresError {
            throw ConstraintMessages.translate(error, logger: logger)
        }
    }

    /// Today in a zone, by the injected clock.
    func today(in zone: RegionZone) -> CivilDate {
        CivilDate(clock(), in: zone.timeZone)
    }
}
