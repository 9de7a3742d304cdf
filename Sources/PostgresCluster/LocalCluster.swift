import Foundation
import Logging
import Postgres

/// The embedded default database: a private PostgreSQL cluster under `.gugus/`.
///
/// It uses the system's own `initdb` and `pg_ctl`, keeps its data, socket and log inside
/// its home folder, listens on a unix socket only (no TCP port), and so never meets the
/// system's cluster. PostgreSQL refuses to run as root, so as root the server runs as the
/// `postgres` account and owns only the data and socket folders.
public struct LocalCluster: Sendable {
    public enum State: Sendable, Hashable, CustomStringConvertible {
        case notInitialized
        case stopped
        case running(pid: Int)

        public var description: String {
            switch self {
            case .notInitialized: "not initialized"
            case .stopped: "stopped"
            case .running(let pid): "running (pid \(pid))"
            }
        }
    }

    public let home: URL
    public let databaseName: String
    /// The socket's port number: it only names the socket file, so any value is private.
    public let port: Int
    /// Skips fsync: for throwaway test clusters only, where speed beats durability.
    public let durable: Bool
    let logger: Logger

    public init(home: URL, databaseName: String = "gugus", port: Int = 5432, durable: Bool = true, logger: Logger = Logger(label: "gugus.cluster")) {
        self.home = home.standardizedFileURL
        self.databaseName = databaseName
        self.port = port
        self.durable = durable
        self.logger = logger
    }

    /// `GUGUS_HOME`, or the nearest `.gugus/` in this folder or above it, or a new one here.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["GUGUS_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
        }
        let start = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        var folder = start
        while true {
            let candidate = folder.appendingPathComponent(".gugus", isDirectory: true)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("pgdata").path) {
                return candidate
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        return start.appendingPathComponent(".gugus", isDirectory: true)
    }

    public var dataDirectory: URL { home.appendingPathComponent("pgdata", isDirectory: true) }
    public var socketDirectory: URL { home.appendingPathComponent("run", isDirectory: true) }
    /// In a folder of its own, which the server account owns and can write.
    public var logFile: URL { home.appendingPathComponent("log", isDirectory: true).appendingPathComponent("postgres.log") }

    /// How to reach the cluster's database.
    public var configuration: PostgresConfiguration {
        .keywords(["host": socketDirectory.path, "port": String(port), "dbname": databaseName, "user": Self.superuser])
    }

    /// The same cluster's maintenance database, for CREATE DATABASE and friends.
    public var maintenanceConfiguration: PostgresConfiguration {
        configuration.database("postgres")
    }

    /// A `postgresql://` URL for tools such as psql and pgbench.
    public var url: String {
        let host = socketDirectory.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? socketDirectory.path
        return "postgresql:///\(databaseName)?host=\(host)&port=\(port)&user=\(Self.superuser)"
    }

    static let superuser = "gugus"

    // MARK: State

    public func state() throws(ClusterError) -> State {
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else {
            return .notInitialized
        }
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid")
        guard let contents = try? String(contentsOf: pidFile, encoding: .utf8),
              let firstLine = contents.split(separator: "\n").first, let pid = Int(firstLine)
        else { return .stopped }
        // A stale pid file after a crash names a process that is gone.
        return kill(pid_t(pid), 0) == 0 || errno == EPERM ? .running(pid: pid) : .stopped
    }

    // MARK: Start and stop

    /// Initializes the cluster if needed, starts it if stopped, and creates the database.
    /// Safe to call from several processes at once.
    @discardableResult
    public func start() async throws -> PostgresConfiguration {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let lock = try await FileLock(home.appendingPathComponent("cluster.lock"))
        defer { lock.unlock() }

        let tools = try await PostgresTools.locate()
        let account = try ServerAccount.current()
        try checkSocketPath()
        if try state() == .notInitialized {
            try await initialize(tools: tools, account: account)
        }
        if case .stopped = try state() {
            try await account.prepare(socketDirectory)
            try await account.prepare(logFile.deletingLastPathComponent())
            logger.info("starting the local PostgreSQL cluster in \(dataDirectory.path)")
            try await account.run(tools.pgCtl, [
                "-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "-s",
                "-o", "-c listen_addresses='' -c unix_socket_directories='\(socketDirectory.path)' -c port=\(port)",
                "start",
            ], failure: "cannot start the local PostgreSQL cluster; see \(logFile.path)")
        }
        try await createDatabase()
        return configuration
    }

    /// Stops the cluster if it runs ("fast" mode: open sessions are ended).
    public func stop() async throws {
        guard case .running = try state() else { return }
        let tools = try await PostgresTools.locate()
        let account = try ServerAccount.current()
        try await account.run(tools.pgCtl, ["-D", dataDirectory.path, "-m", "fast", "-w", "-s", "stop"], failure: "cannot stop the local PostgreSQL cluster")
    }

    /// Stops the cluster and deletes its folder: for throwaway test clusters.
    public func destroy() async throws {
        try? await stop()
        if FileManager.default.fileExists(atPath: home.path) {
            try FileManager.default.removeItem(at: home)
        }
    }

    private func initialize(tools: PostgresTools, account: ServerAccount) async throws {
        logger.info("creating a local PostgreSQL cluster in \(dataDirectory.path)")
        try await account.prepare(dataDirectory)
        try await account.run(tools.initdb, [
            "-D", dataDirectory.path, "-U", Self.superuser, "--auth=trust", "--encoding=UTF8",
            "--locale=C.UTF-8", "--no-instructions",
        ] + (durable ? [] : ["--no-sync"]), failure: "initdb failed for \(dataDirectory.path)")
        // Settings that make the cluster private and fit for an app plus parallel tests.
        var settings = """

            # Added by gugus: a private cluster on a unix socket only.
            listen_addresses = ''
            max_connections = 300
            timezone = 'UTC'
            log_timezone = 'UTC'
            """
        if !durable {
            settings += "\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        }
        let conf = dataDirectory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: conf)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((settings + "\n").utf8))
        try handle.close()
    }

    private func createDatabase() async throws {
        let connection = try await connectWithRetry(maintenanceConfiguration)
        let exists = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(databaseName)").count > 0
        if !exists {
            let name = try await connection.escapeIdentifier(databaseName)
            do {
                try await connection.execute("CREATE DATABASE \(unsafeSQL: name)")
            } catch let error as PostgresError where error.code == SQLState("42P04") {
                // Another process created it first.
            }
        }
        await connection.close()
    }

    /// Right after `pg_ctl start -w` the server may still refuse connections for a moment.
    private func connectWithRetry(_ configuration: PostgresConfiguration) async throws -> PostgresConnection {
        var attempt = 0
        while true {
            do {
                return try await PostgresConnection.connect(configuration, logger: logger)
            } catch {
                attempt += 1
                if attempt > 50 { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func checkSocketPath() throws(ClusterError) {
        // sockaddr_un holds 107 bytes; PostgreSQL refuses longer socket paths.
        let socket = socketDirectory.appendingPathComponent(".s.PGSQL.\(port)").path
        if socket.utf8.count > 100 {
            throw ClusterError("the socket path \(socket) is too long for a unix socket; set GUGUS_HOME to a shorter folder, such as /var/tmp/gugus")
        }
    }
}

/// A problem with the local cluster, said so that a user can act on it.
public struct ClusterError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
