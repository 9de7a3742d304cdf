import Postgres

/// The table the select section reads, shaped like pgbench's own `pgbench_accounts`, in a
/// schema of its own so that it never meets a user's tables when DATABASE_URL is theirs.
enum BenchAccounts {
    static let rowCount: Int32 = 100_000

    /// The statement both sides run. Ours goes through string interpolation, as app code
    /// writes it, and so becomes `… WHERE id = $1` with an int4 parameter.
    static func select(id: Int32) -> PostgresQuery {
        "SELECT balance FROM gugus_bench.account WHERE id = \(id)"
    }

    /// The same statement for pgbench, which also sends `:id` as `$1` under `-M prepared`.
    static let pgbenchScript = """
        \\set id random(1, \(rowCount))
        SELECT balance FROM gugus_bench.account WHERE id = :id;

        """

    /// Reads the balance as app code would, so decoding is part of what we measure.
    static func balance(in rows: PostgresRows, id: Int32) throws -> Int32 {
        guard let row = try rows.single() else {
            throw BenchError("account \(id) is missing from gugus_bench.account; was the table changed during the run?")
        }
        return try row.decode(Int32.self)
    }

    static func create(on connection: PostgresConnection) async throws {
        try await drop(on: connection)
        try await connection.execute("CREATE SCHEMA gugus_bench")
        try await connection.execute("""
            CREATE TABLE gugus_bench.account (
                id integer PRIMARY KEY,
                balance integer NOT NULL,
                name text NOT NULL
            )
            """)
        try await connection.execute("""
            INSERT INTO gugus_bench.account (id, balance, name)
            SELECT i, (i * 7919) % 100000, 'account ' || i
            FROM generate_series(1, \(rowCount)) AS i
            """)
        // Fresh statistics and a visibility map, as pgbench's own initialization leaves them,
        // so the planner picks the index and reads need no hint-bit writes.
        try await connection.execute("VACUUM (ANALYZE) gugus_bench.account")
    }

    static func drop(on connection: PostgresConnection) async throws {
        try await connection.execute("DROP SCHEMA IF EXISTS gugus_bench CASCADE")
    }
}
