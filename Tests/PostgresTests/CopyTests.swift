import Foundation
import GugusTestSupport
import Postgres
import Testing

@Suite("COPY FROM STDIN", .releasesResources)
struct CopyTests {
    @Test("rows arrive as written: NULLs, tabs, newlines, backslashes, non-ASCII, many chunks")
    func rowsArriveAsWritten() async throws {
        let database = try await TestDatabase.makeEmpty()
        let connection = try await PostgresConnection.connect(database)
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TABLE item (n integer PRIMARY KEY, body text, extra text)")
        let awkward = "tab\there\nnew line\\N not null\\ back\rslash Ñusa Tenggara"
        // Enough rows for several 64 KiB chunks.
        let count = 20_000
        let copied = try await connection.copyIn("COPY item (n, body, extra) FROM STDIN") { rows throws(PostgresError) in
            for n in 1...count {
                rows.field(n)
                rows.field(n == 1 ? awkward : "row \(n)")
                rows.field(n.isMultiple(of: 2) ? nil : "" as String?)
                try rows.endRow()
            }
        }
        #expect(copied == count)
        let first = try #require(try await connection.query("SELECT body, extra FROM item WHERE n = 1").single())
        #expect(try first.column("body").decode(String.self) == awkward)
        #expect(try first.column("extra").decode(String?.self) == "")
        let counts = try #require(try await connection.query("""
            SELECT count(*), count(*) FILTER (WHERE extra IS NULL), sum(n) FROM item
            """).single()).decode((Int, Int, Int).self)
        #expect(counts == (count, count / 2, count * (count + 1) / 2))
    }

    @Test("a writer that throws discards every row, rethrows its error and leaves the connection usable")
    func writerThrows() async throws {
        let database = try await TestDatabase.makeEmpty()
        let connection = try await PostgresConnection.connect(database)
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TABLE item (n integer)")
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await connection.copyIn("COPY item FROM STDIN") { rows in
                for n in 1...100_000 {
                    rows.field(n)
                    try rows.endRow()
                    if n == 50_000 { throw Stop() }
                }
            }
        }
        #expect(try await connection.query("SELECT count(*) FROM item").single()?.decode(Int.self) == 0)
    }

    @Test("a row the server refuses fails the copy with the server's error and the line it names; a transaction rolls back")
    func serverRefusesRow() async throws {
        let database = try await TestDatabase.makeEmpty()
        let connection = try await PostgresConnection.connect(database)
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TABLE item (n integer CHECK (n > 0))")
        try await connection.execute("INSERT INTO item VALUES (7)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.withTransaction { connection in
                try await connection.execute("INSERT INTO item VALUES (8)")
                try await connection.copyIn("COPY item FROM STDIN") { rows throws(PostgresError) in
                    for n in [1, 2, -3, 4] {
                        rows.field(n)
                        try rows.endRow()
                    }
                }
            }
        }
        #expect(error?.code == .checkViolation)
        #expect(error?.constraint == "item_n_check")
        // The transaction rolled back, 8 with it; the connection goes on.
        #expect(try await connection.query("SELECT array_agg(n) FROM item").single()?.decode([Int].self) == [7])
    }

    @Test("a statement that is not COPY FROM STDIN is refused, and leaves the connection usable")
    func notACopy() async throws {
        let database = try await TestDatabase.makeEmpty()
        let connection = try await PostgresConnection.connect(database)
        defer { Task { await connection.close() } }
        await #expect(throws: PostgresError.self) {
            try await connection.copyIn("SELECT 1") { _ in }
        }
        await #expect(throws: PostgresError.self) {
            try await connection.copyIn("COPY missing_table FROM STDIN") { _ in }
        }
        #expect(try await connection.query("SELECT 2").single()?.decode(Int.self) == 2)
    }

    @Test("a COPY TO STDOUT is refused, and a pool does not lend that connection again")
    func copyOutIsRefused() async throws {
        let database = try await TestDatabase.makeEmpty()
        let pool = PostgresPool(configuration: database, options: .init(maxConnections: 1))
        TestResources.register(pool)
        await #expect(throws: PostgresError.self) {
            try await pool.withConnection { connection in
                try await connection.copyIn("COPY (SELECT 1) TO STDOUT") { _ in }
            }
        }
        // The next borrower gets a new connection that works.
        #expect(try await pool.query("SELECT 3").single()?.decode(Int.self) == 3)
    }
}
