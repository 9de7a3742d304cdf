import Foundation
import GugusDatabase
import GugusModel
import Postgres
import PostgresCluster
import Testing

/// Throwaway databases for tests, each test in its own, so tests run in parallel.
///
/// The server is the one `make test` started (`GUGUS_TEST_DATABASE_URL`), or, when a
/// developer runs `swift test` alone, a private cluster in `.gugus-test/` that this starts.
/// Each database is dropped when its test ends (`TestResources`); on the private cluster,
/// what a killed test process left behind is dropped by the next one.
public enum TestDatabase {
    /// The test server's maintenance database.
    public static func server() async throws -> PostgresConfiguration {
        try await ServerOnce.shared.configuration()
    }

    /// A new, empty database.
    public static func makeEmpty() async throws -> PostgresConfiguration {
        try await create(template: nil)
    }

    /// A new database created from `template`.
    public static func make(from template: String) async throws -> PostgresConfiguration {
        try await create(template: template)
    }

    /// `t_<pid>_<random>`: the process id tells a later process whether its maker still runs.
    static let namePrefix = "t_\(getpid())_"

    private static func create(template: String?) async throws -> PostgresConfiguration {
        let server = try await server()
        let name = namePrefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let connection = try await PostgresConnection.connect(server)
        if let template {
            let quotedTemplate = try await connection.escapeIdentifier(template)
            try await connection.execute("CREATE DATABASE \(unsafeSQL: name) TEMPLATE \(unsafeSQL: quotedTemplate)")
        } else {
            try await connection.execute("CREATE DATABASE \(unsafeSQL: name)")
        }
        await connection.close()
        TestResources.current?.register(database: name)
        return server.database(name)
    }

    /// A new database with every migration applied, copied from a template that is migrated
    /// once per test run (and again whenever the migrations change).
    public static func makeMigrated() async throws -> PostgresConfiguration {
        try await make(from: try await ServerOnce.shared.migratedTemplate())
    }

    /// A migrated database and a pool on it, acting as the local operator.
    public static func gugus(caller: Caller = .localOperator("test"), clock: @escaping @Sendable () -> Date = { Date() }) async throws -> DatabaseGugus {
        let configuration = try await makeMigrated()
        let pool = PostgresPool(configuration: configuration, options: .init(maxConnections: 4))
        TestResources.register(pool)
        return DatabaseGugus(pool: pool, caller: caller, clock: clock)
    }

    /// Waits until `condition` (a boolean SQL expression, read on the test server) holds, such
    /// as a query of another session appearing in `pg_stat_activity`: a test waits for the
    /// state it needs, not for a fixed time. Fails the test after `timeout`.
    public static func waitUntil(_ condition: String, timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let connection = try await PostgresConnection.connect(try await server())
        defer { Task { await connection.close() } }
        let deadline = ContinuousClock.now + timeout
        while try await connection.query("SELECT (\(unsafeSQL: condition))").single()?.decode(Bool.self) != true {
            guard ContinuousClock.now < deadline else {
                Issue.record("waited \(timeout) for: \(condition)", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Drops a test database, ending any session still in it.
    public static func drop(_ configuration: PostgresConfiguration) async throws {
        guard let name = configuration.resolvedSettings()["dbname"] else { return }
        try await drop(named: name)
    }

    static func drop(named name: String) async throws {
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
    private var template: String?

    func migratedTemplate() async throws -> String {
        if let template { return template }
        let digest = Migration.all.map(\.checksum).joined().utf8.reduce(into: UInt64(14695981039346656037)) { hash, byte in
            hash = (hash ^ UInt64(byte)) &* 1099511628211
        }
        let name = "gugus_template_" + String(digest, radix: 16)
        let server = try await configuration()
        let connection = try await PostgresConnection.connect(server)
        defer { Task { await connection.close() } }
        // One test process at a time builds it; the others wait on the lock and reuse it.
        try await connection.execute("SELECT pg_advisory_lock(\(Int64(0x7465_6d70)))")
        let exists = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)").count > 0
        if !exists {
            // Built under another name and renamed once migrated, so that a run that failed
            // half-way (the server out of connections, say) leaves no empty template behind.
            let building = name + "_building"
            try await connection.execute("DROP DATABASE IF EXISTS \(unsafeSQL: building) WITH (FORCE)")
            try await connection.execute("CREATE DATABASE \(unsafeSQL: building)")
            try await Migrator(configuration: server.database(building)).migrate()
            try await connection.execute("ALTER DATABASE \(unsafeSQL: building) RENAME TO \(unsafeSQL: name)")
        }
        try await connection.execute("SELECT pg_advisory_unlock(\(Int64(0x7465_6d70)))")
        template = name
        return name
    }

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
            try await Self.dropLeftovers(on: configuration)
        }
        cached = configuration
        return configuration
    }
}

extension ServerOnce {
    /// Drops the test databases of processes that no longer run: a test process killed before
    /// its tests ended. Only on the private cluster, where every process is on this machine.
    static func dropLeftovers(on server: PostgresConfiguration) async throws {
        let connection = try await PostgresConnection.connect(server)
        let names = try await connection.query(
            "SELECT datname FROM pg_database WHERE datname LIKE 't\\_%'").decode(String.self)
        await connection.close()
        for name in names {
            let parts = name.split(separator: "_")
            // `t_<random>`, from before databases were named after their process, has no owner.
            let ownerGone = parts.count == 2 || (parts.count == 3 && pid_t(parts[1]).map { kill($0, 0) != 0 && errno == ESRCH } == true)
            guard ownerGone else { continue }
            try await TestDatabase.drop(named: name)
        }
    }
}
