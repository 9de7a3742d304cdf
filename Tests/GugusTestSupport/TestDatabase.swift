import Foundation
import Postgres
import PostgresCluster

/// Throwaway databases for tests, each test in its own, so tests run in parallel.
///
/// The server is the one `make test` started (`GUGUS_TEST_DATABASE_URL`), or, when a
/// developer runs `swift test` alone, a private cluster in `.gugus-test/` that this starts.
public enum TestDatabase {
    /// The test server's maintenance database.
    public static func server() async throws -> PostgresConfiguration {
        try await ServerOnce.shared.configuration()
    }

    /// A new, empty database.
    public static func makeEmpty() async throws -> PostgresConfiguration {
        let server = try await server()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let connection = try await PostgresConnection.connect(server)
        try await connection.execute("CREATE DATABASE \(unsafeSQL: name)")
        await connection.close()
        return server.database(name)
    }

    /// A new database created from `template`.
    public static func make(from template: String) async throws -> PostgresConfiguration {
        let server = try await server()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let connection = try await PostgresConnection.connect(server)
        let quotedTemplate = try await connection.escapeIdentifier(template)
        try await connection.execute("CREATE DATABASE \(unsafeSQL: name) TEMPLATE \(unsafeSQL: quotedTemplate)")
        await connection.close()
        return server.database(name)
    }

    /// Drops a test database, ending any session still in it.
    public static func drop(_ configuration: PostgresConfiguration) async throws {
        guard let name = configuration.resolvedSettings()["dbname"] else { return }
        let connection = try await PostgresConnection.connect(try await server())
        let quoted = try await connection.escapeIdentifier(name)
        try await connection.execute("DROP DATABASE IF EXISTS \(unsafeSQL: quoted) WITH (FORCE)")
        await connection.close()
    }

    /// The repository's root folder, found from this file's path.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// Starts (or finds) the test server once per test process.
private actor ServerOnce {
    static let shared = ServerOnce()
    private var cached: PostgresConfiguration?

    func configuration() async throws -> PostgresConfiguration {
        if let cached { return cached }
        let configuration: PostgresConfiguration
        if let url = ProcessInfo.processInfo.environment["GUGUS_TEST_DATABASE_URL"], !url.isEmpty {
            configuration = try PostgresConfiguration.url(url)
        } else {
            let cluster = LocalCluster(
                home: TestDatabase.repositoryRoot.appendingPathComponent(".gugus-test", isDirectory: true),
                databaseName: "postgres", durable: false)
            configuration = try await cluster.start()
        }
        cached = configuration
        return configuration
    }
}
