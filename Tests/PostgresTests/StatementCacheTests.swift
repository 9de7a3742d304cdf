import Foundation
import GugusTestSupport
import Postgres
import Testing

/// Queries are prepared once per connection and SQL text, and the cache keeps the server's
/// statements and its own in step: bounded, across rollbacks and failures, and after a table
/// changes under a prepared statement.
@Suite("Prepared statements", .releasesResources)
struct StatementCacheTests {
    /// The statements the server holds for this connection, by SQL text.
    private func prepared(on connection: PostgresConnection) async throws -> [String: String] {
        // This query is prepared too; it is left out by its text.
        let rows = try await connection.query(
            "SELECT name, statement FROM pg_prepared_statements WHERE statement NOT LIKE '%pg_prepared_statements%'")
        return Dictionary(uniqueKeysWithValues: try rows.decode((String, String).self).map { ($1, $0) })
    }

    @Test("a query run again reuses the statement prepared the first time")
    func reuses() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let query: PostgresQuery = "SELECT \(41) + 1"
        for _ in 1...3 {
            #expect(try await connection.query(query).single()?.decode(Int.self) == 42)
        }
        #expect(try await connection.query("SELECT \(1) + 1").single()?.decode(Int.self) == 2)
        let statements = try await prepared(on: connection)
        #expect(statements.count == 1)
        #expect(statements["SELECT $1 + 1"] != nil)
        await connection.close()
    }

    @Test("the same text with other parameter types is another statement")
    func typesArePartOfTheKey() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        #expect(try await connection.query("SELECT \(7)::text").single()?.decode(String.self) == "7")
        #expect(try await connection.query("SELECT \("seven")::text").single()?.decode(String.self) == "seven")
        let rows = try await connection.query(
            "SELECT parameter_types::text FROM pg_prepared_statements WHERE statement = 'SELECT $1::text' ORDER BY name")
        #expect(try rows.decode(String.self) == ["{bigint}", "{text}"])
        await connection.close()
    }

    @Test("a full cache deallocates the statement used least recently")
    func bounded() async throws {
        var configuration = try await TestDatabase.server()
        configuration.statementCacheCapacity = 3
        let connection = try await PostgresConnection.connect(configuration)
        for n in 1...3 { _ = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(n)")) }
        _ = try await connection.query("SELECT 1")  // now the most recently used
        _ = try await connection.query("SELECT 4")  // makes room: SELECT 2 goes
        // The probe itself needs room too, and SELECT 3 makes it.
        #expect(try await prepared(on: connection).keys.sorted() == ["SELECT 1", "SELECT 4"])
        // Every query still answers, cached or not.
        for n in 1...4 {
            #expect(try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(n)")).single()?.decode(Int.self) == n)
        }
        await connection.close()
    }

    @Test("a statement prepared in a transaction that rolls back is still there")
    func survivesRollback() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        try await connection.execute("BEGIN")
        #expect(try await connection.query("SELECT \(5) * 2").single()?.decode(Int.self) == 10)
        try await connection.execute("ROLLBACK")
        #expect(try await connection.query("SELECT \(6) * 2").single()?.decode(Int.self) == 12)
        #expect(try await prepared(on: connection)["SELECT $1 * 2"] != nil)
        await connection.close()
    }

    @Test("a statement that fails to prepare is not kept, and the next try says the same")
    func failedPrepare() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        for _ in 1...2 {
            let error = try await #require(throws: PostgresError.self) {
                try await connection.query("SELECT \(1) FROM no_such_table")
            }
            #expect(error.code == .undefinedTable)
        }
        #expect(try await prepared(on: connection).isEmpty)
        #expect(try await connection.query("SELECT \(1)").single()?.decode(Int.self) == 1)
        await connection.close()
    }

    @Test("after a table's columns change, its statements are prepared again")
    func stalePlan() async throws {
        let configuration = try await TestDatabase.makeEmpty()
        let connection = try await PostgresConnection.connect(configuration)
        try await connection.execute("CREATE TABLE sample (a int)")
        try await connection.execute("INSERT INTO sample VALUES (\(1))")
        let select: PostgresQuery = "SELECT * FROM sample WHERE a = \(1)"
        #expect(try await connection.query(select).columns == ["a"])
        try await connection.execute("ALTER TABLE sample ADD COLUMN b text DEFAULT 'x'")
        // Outside a transaction the statement is prepared again and answers with both columns.
        #expect(try await connection.query(select).columns == ["a", "b"])

        // Inside one the server's refusal ends the transaction, so it is the caller's to see;
        // the next query after the rollback is prepared again.
        try await connection.execute("ALTER TABLE sample DROP COLUMN b")
        try await connection.execute("BEGIN")
        let error = try await #require(throws: PostgresError.self) { try await connection.query(select) }
        #expect(error.code == .featureNotSupported)
        try await connection.execute("ROLLBACK")
        #expect(try await connection.query(select).columns == ["a"])
        await connection.close()
        try await TestDatabase.drop(configuration)
    }
}

extension StatementCacheTests {
    @Test("with no room for statements, every query goes unnamed, as through a transaction pooler")
    func turnedOff() async throws {
        var configuration = try await TestDatabase.server()
        configuration.statementCacheCapacity = 0
        let connection = try await PostgresConnection.connect(configuration)
        for n in 1...3 {
            #expect(try await connection.query("SELECT \(n) + 1").single()?.decode(Int.self) == n + 1)
        }
        #expect(try await prepared(on: connection).isEmpty)
        await connection.close()
    }

    @Test("statements the server dropped behind the cache's back (DISCARD ALL) are prepared again")
    func discarded() async throws {
        var configuration = try await TestDatabase.server()
        configuration.statementCacheCapacity = 2
        let connection = try await PostgresConnection.connect(configuration)
        #expect(try await connection.query("SELECT \(1) + 1").single()?.decode(Int.self) == 2)
        #expect(try await connection.query("SELECT \(1) + 2").single()?.decode(Int.self) == 3)
        try await connection.executeScript(unsafeSQL: "DISCARD ALL")
        #expect(try await connection.query("SELECT \(1) + 1").single()?.decode(Int.self) == 2)
        // A third statement makes room by deallocating one the server no longer has.
        #expect(try await connection.query("SELECT \(1) + 3").single()?.decode(Int.self) == 4)
        #expect(try await connection.query("SELECT \(1) + 2").single()?.decode(Int.self) == 3)
        await connection.close()
    }

    @Test("a statement on a temporary table works again when the table is made anew, as an import does")
    func temporaryTables() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        for round in 1...3 {
            try await connection.execute("BEGIN")
            try await connection.execute("CREATE TEMPORARY TABLE staged (a int) ON COMMIT DROP")
            try await connection.execute("INSERT INTO staged VALUES (\(round))")
            #expect(try await connection.query("SELECT a FROM staged WHERE a = \(round)").decode(Int.self) == [round])
            try await connection.execute("COMMIT")
        }
        await connection.close()
    }
}
