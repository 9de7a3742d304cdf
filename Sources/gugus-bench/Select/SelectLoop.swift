import Postgres

/// One way of running the lookup through our layer, repeated by each of `clients` tasks.
protocol SelectLoop: Sendable {
    /// Looks up random accounts until the deadline and returns how many it looked up.
    func run(worker: Int, until deadline: ContinuousClock.Instant) async throws -> Int
    func close() async
}

/// A task that owns one connection and calls it directly. The connection's actor runs on its
/// own thread: a task on the cooperative pool hops there and back for each query, a task on
/// ``PostgresPool/taskExecutor`` stays there.
struct ConnectionSelectLoop: SelectLoop {
    let connection: PostgresConnection

    static func open(_ configuration: PostgresConfiguration) async throws -> ConnectionSelectLoop {
        ConnectionSelectLoop(connection: try await PostgresConnection.connect(configuration))
    }

    func run(worker: Int, until deadline: ContinuousClock.Instant) async throws -> Int {
        var random = SplitMix64(seed: UInt64.random(in: .min ... .max))
        var count = 0
        while ContinuousClock.now < deadline {
            let id = Int32.random(in: 1 ... BenchAccounts.rowCount, using: &random)
            _ = try BenchAccounts.balance(in: try await connection.query(BenchAccounts.select(id: id)), id: id)
            count += 1
        }
        return count
    }

    func close() async { await connection.close() }
}

/// Tasks that borrow a connection from the pool for each query and give it back, as a
/// request handler does: the realistic way, and so the headline for the pool.
struct PoolCheckoutSelectLoop: SelectLoop {
    let pool: PostgresPool

    func run(worker: Int, until deadline: ContinuousClock.Instant) async throws -> Int {
        var random = SplitMix64(seed: UInt64.random(in: .min ... .max))
        var count = 0
        while ContinuousClock.now < deadline {
            let id = Int32.random(in: 1 ... BenchAccounts.rowCount, using: &random)
            _ = try BenchAccounts.balance(in: try await pool.query(BenchAccounts.select(id: id)), id: id)
            count += 1
        }
        return count
    }

    func close() async { await pool.close() }
}

/// Tasks that each borrow one connection for the whole run and loop inside
/// `withConnection`, where the task prefers the connection's thread: no checkout per query
/// and no thread hop. It shows what checkout and hops cost beside the loop above.
struct PoolHeldSelectLoop: SelectLoop {
    let pool: PostgresPool

    func run(worker: Int, until deadline: ContinuousClock.Instant) async throws -> Int {
        try await pool.withConnection { connection in
            var random = SplitMix64(seed: UInt64.random(in: .min ... .max))
            var count = 0
            while ContinuousClock.now < deadline {
                let id = Int32.random(in: 1 ... BenchAccounts.rowCount, using: &random)
                _ = try BenchAccounts.balance(in: try await connection.query(BenchAccounts.select(id: id)), id: id)
                count += 1
            }
            return count
        }
    }

    func close() async { await pool.close() }
}
