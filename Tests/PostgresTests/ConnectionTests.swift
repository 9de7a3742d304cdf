import Foundation
import GugusTestSupport
import Postgres
import Testing

@Suite("Connecting, transactions, cancellation", .releasesResources)
struct ConnectionTests {
    @Test("connects from a postgres:// URL, a postgresql:// URL and keyword settings")
    func connectingForms() async throws {
        let server = try await TestDatabase.server()
        let settings = server.resolvedSettings()
        let host = try #require(settings["host"])
        let port = settings["port"] ?? "5432"
        let user = settings["user"] ?? "postgres"
        let encodedHost = host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host
        for scheme in ["postgres", "postgresql"] {
            let url = "\(scheme)://\(user)@\(encodedHost):\(port)/postgres"
            let connection = try await PostgresConnection.connect(try .url(url))
            #expect(try await connection.query("SELECT current_database()").single()?.decode(String.self) == "postgres")
            await connection.close()
        }
        let keywords = PostgresConfiguration.keywords(["host": host, "port": port, "user": user, "dbname": "postgres"])
        let connection = try await PostgresConnection.connect(keywords)
        #expect(try await connection.query("SELECT 1").count == 1)
        await connection.close()
    }

    @Test("connects from libpq's PG* environment")
    func connectsFromEnvironment() async throws {
        let settings = try await TestDatabase.server().resolvedSettings()
        // The variables name the test server itself, so parallel tests, which all name their
        // server explicitly, are not affected by them.
        let variables = ["PGHOST": settings["host"] ?? "", "PGPORT": settings["port"] ?? "5432",
                         "PGUSER": settings["user"] ?? "", "PGDATABASE": "postgres", "PGAPPNAME": "from-env"]
        for (name, value) in variables { setenv(name, value, 1) }
        defer { for name in variables.keys { unsetenv(name) } }
        #expect(PostgresConfiguration.environment.resolvedSettings()["host"] == settings["host"])
        let connection = try await PostgresConnection.connect(.environment)
        let row = try #require(try await connection.query("SELECT current_database(), current_user").single())
        #expect(try row.decode((String, String).self) == ("postgres", settings["user"] ?? ""))
        await connection.close()
    }

    @Test("a transaction commits, or rolls back on error and on cancellation")
    func transactions() async throws {
        let database = try await TestDatabase.makeEmpty()
        let connection = try await PostgresConnection.connect(database)
        try await connection.execute("CREATE TABLE note (body text NOT NULL)")

        _ = try await connection.withTransaction { connection in
            try await connection.execute("INSERT INTO note VALUES (\("kept"))")
        }
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await connection.withTransaction { connection in
                try await connection.execute("INSERT INTO note VALUES (\("thrown away"))")
                throw Refused()
            }
        }
        let task = Task {
            try await connection.withTransaction { connection in
                try await connection.execute("INSERT INTO note VALUES (\("cancelled"))")
                withUnsafeCurrentTask { $0?.cancel() }
                return 1
            }
        }
        await #expect(throws: CancellationError.self) { try await task.value }

        // A savepoint undoes only its own part.
        try await connection.withTransaction { connection in
            try await connection.execute("INSERT INTO note VALUES (\("outer"))")
            try? await connection.withSavepoint { connection in
                try await connection.execute("INSERT INTO note VALUES (\("inner"))")
                throw Refused()
            }
        }
        let notes = try await connection.query("SELECT body FROM note ORDER BY body").decode(String.self)
        #expect(notes == ["kept", "outer"])
        await connection.close()
        try await TestDatabase.drop(database)
    }

    @Test("cancelling the awaiting task cancels a slow query on the server")
    func cancelSlowQuery() async throws {
        let connection = try await PostgresConnection.connect(try await TestDatabase.server())
        let task = Task { try await connection.query("SELECT pg_sleep(60) AS cancel_slow_query") }
        // Cancelled once the server runs it, not after a guess at how long that takes.
        try await TestDatabase.waitUntil(
            "EXISTS (SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%AS cancel_slow_query')")
        task.cancel()
        let error = await #expect(throws: PostgresError.self) { try await task.value }
        #expect(error?.code == .queryCanceled)
        #expect(error?.message.contains("cancelled") == true)
        await connection.close()
    }

    @Test("blocking libpq calls leave the cooperative pool free")
    func blockingCallsStayOffCooperativePool() async throws {
        let server = try await TestDatabase.server()
        // More sleeping queries than the cooperative pool has threads.
        let count = ProcessInfo.processInfo.activeProcessorCount * 4
        var connections: [PostgresConnection] = []
        for _ in 0..<count { connections.append(try await PostgresConnection.connect(server)) }
        let clock = ContinuousClock()
        let started = clock.now
        // Each task reports when it finished: the queries after their second of sleep, the
        // ticker after ten short naps.
        let finished = try await withThrowingTaskGroup(of: (ticker: Bool, at: ContinuousClock.Instant).self) { group in
            for connection in connections {
                group.addTask {
                    try await connection.query("SELECT pg_sleep(1)")
                    return (false, clock.now)
                }
            }
            group.addTask {
                for _ in 0..<10 { try await Task.sleep(for: .milliseconds(20)) }
                return (true, clock.now)
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let ticker = try #require(finished.first { $0.ticker }?.at)
        let firstQuery = try #require(finished.filter { !$0.ticker }.map(\.at).min())
        // Had the blocking calls taken the cooperative threads, the ticker could not have run
        // until the queries gave them back; it finished while every query still slept.
        #expect(ticker < firstQuery, "ticker done after \(ticker - started), first query after \(firstQuery - started)")
        #expect(firstQuery - started >= .seconds(1))
        for connection in connections { await connection.close() }
    }
}
