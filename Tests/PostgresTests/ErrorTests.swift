import Foundation
import GugusTestSupport
import Postgres
import Testing

@Suite("Server errors", .releasesResources)
struct ErrorTests {
    @Test("bad SQL carries SQLSTATE, message, and where in our code it ran")
    func badSQL() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let secret = "rahasia-budi@example.go.id"
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELEC \(secret)")
        }
        #expect(error?.kind == .server)
        #expect(error?.code == .syntaxError)
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.query == "SELEC $1")
        #expect(error?.file == "PostgresTests/ErrorTests.swift")
        let description = try #require(error?.description)
        #expect(description.contains("42601"))
        #expect(description.contains("PostgresTests/ErrorTests.swift:"))
        #expect(!description.contains(secret))
        // The connection is still good after a statement error.
        #expect(try await connection.query("SELECT 1").count == 1)
        await connection.close()
    }

    @Test("constraint violations name their constraint")
    func constraintViolations() async throws {
        let database = try await TestDatabase.makeEmpty()
        let connection = try await PostgresConnection.connect(database)
        try await connection.execute("""
            CREATE TABLE person (
                id int PRIMARY KEY,
                email text CONSTRAINT person_email_key UNIQUE,
                age int CONSTRAINT person_age_positive CHECK (age > 0),
                busy tstzrange,
                CONSTRAINT person_busy_excl EXCLUDE USING gist (busy WITH &&)
            )
            """)
        try await connection.execute("INSERT INTO person (id, email, age) VALUES (1, \("a@example.id"), 30)")

        let unique = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO person (id, email) VALUES (2, \("a@example.id"))")
        }
        #expect(unique?.isUniqueViolation(constraint: "person_email_key") == true)
        #expect(unique?.isUniqueViolation(constraint: "other") == false)
        #expect(unique?.table == "person")
        // The detail quotes the value; the description must not.
        #expect(unique?.detail?.contains("a@example.id") == true)
        #expect(unique?.description.contains("a@example.id") == false)

        let check = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO person (id, age) VALUES (3, \(-1))")
        }
        #expect(check?.isCheckViolation(constraint: "person_age_positive") == true)

        try await connection.execute("INSERT INTO person (id, busy) VALUES (4, tstzrange('2025-01-01', '2025-02-01'))")
        let exclusion = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO person (id, busy) VALUES (5, tstzrange('2025-01-15', '2025-03-01'))")
        }
        #expect(exclusion?.isExclusionViolation(constraint: "person_busy_excl") == true)

        let notNull = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO person (id) VALUES (NULL)")
        }
        #expect(notNull?.isNotNullViolation(column: "id") == true)
        await connection.close()
        try await TestDatabase.drop(database)
    }

    @Test("a bad URL or an unreachable server is a clear connection error")
    func connectionErrors() async throws {
        let badURL = #expect(throws: PostgresError.self) { try PostgresConfiguration.url("postgres://host/db?colour=blue") }
        #expect(badURL?.message == "invalid database URL: invalid URI query parameter: \"colour\"")
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(.keywords(["host": "/nonexistent-gugus-socket", "dbname": "x", "connect_timeout": "2"]))
        }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("/nonexistent-gugus-socket") == true)
    }
}
