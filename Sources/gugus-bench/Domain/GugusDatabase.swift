import Foundation
import GugusDatabase
import GugusModel
import Logging
import Postgres

/// A database of its own with Gugus's schema, for the sections that measure Gugus itself
/// (import, status, dispatch, lateness, http).
///
/// Gugus's tables live in the search path's first schema, so they cannot share a database
/// with anyone's: each such section creates `gugus_bench_<section>_<pid>` on the benchmark's
/// server, migrates it, and drops it when done, also after a failure or Ctrl-C. On a server of
/// the user's this needs a role that may create databases (`CREATEDB`).
struct GugusDatabase: Sendable {
    let name: String
    /// For our own connections.
    let configuration: PostgresConfiguration
    /// The same database as a libpq `key=value` string, for psql, pgbench and `gugus`
    /// (as DATABASE_URL).
    let connectionString: String
    /// Where the CREATE and DROP are sent from: the benchmark's own database.
    private let administration: PostgresConfiguration

    /// Creates and migrates the database, runs `body`, and drops the database whatever happens.
    static func with<Result: Sendable>(
        _ context: BenchContext, section: String, _ body: (GugusDatabase) async throws -> Result
    ) async throws -> Result {
        let database = try await create(context, section: section)
        do {
            let result = try await body(database)
            await database.drop(progress: context.progress)
            return result
        } catch {
            await database.drop(progress: context.progress)
            throw error
        }
    }

    private static func create(_ context: BenchContext, section: String) async throws -> GugusDatabase {
        let name = "gugus_bench_\(section)_\(getpid())"
        let administration = context.database.configuration
        let settings = administration.resolvedSettings()
        // Only what says where and as whom; libpq's other defaults need not be spelled out.
        let keys = ["host", "hostaddr", "port", "user", "password", "passfile", "sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout"]
        var parts = keys.compactMap { key -> String? in
            guard let value = settings[key], !value.isEmpty else { return nil }
            return "\(key)='\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'"
        }
        parts.append("dbname='\(name)'")
        let connectionString = parts.joined(separator: " ")
        let database = GugusDatabase(
            name: name, configuration: try PostgresConfiguration.url(connectionString),
            connectionString: connectionString, administration: administration)

        context.progress.say("\(section): creating the database \(name) with Gugus's schema")
        let connection = try await PostgresConnection.connect(administration)
        do {
            try await connection.execute("DROP DATABASE IF EXISTS \(unsafeSQL: name) WITH (FORCE)")
            try await connection.execute("CREATE DATABASE \(unsafeSQL: name)")
            await connection.close()
        } catch let error as PostgresError {
            await connection.close()
            throw BenchError("cannot create the database \(name) for the \(section) section: \(error.message)\nthe sections that measure Gugus need a role that may create databases; or unset DATABASE_URL to use a throwaway cluster")
        }
        do {
            var logger = Logger(label: "gugus-bench.migrate")
            logger.logLevel = .warning
            try await Migrator(configuration: database.configuration, logger: logger).migrate()
        } catch {
            await database.drop(progress: context.progress)
            throw error
        }
        return database
    }

    /// Drops the database in a task of its own, which a cancelled benchmark does not cancel.
    func drop(progress: Progress) async {
        let name = name
        let administration = administration
        await Task {
            do {
                let connection = try await PostgresConnection.connect(administration)
                do {
                    try await connection.execute("DROP DATABASE IF EXISTS \(unsafeSQL: name) WITH (FORCE)")
                    await connection.close()
                } catch {
                    await connection.close()
                    throw error
                }
            } catch {
                progress.say("could not drop the database \(name): \(error)")
            }
        }.value
    }

    /// Runs statements on one connection that names an actor for the audit triggers.
    func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection = try await PostgresConnection.connect(configuration)
        do {
            try await connection.execute("SELECT set_config('gugus.actor', 'gugus-bench', false)")
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// A pool and ``DatabaseGugus`` acting as the local operator, as the CLI does.
    func gugus(maxConnections: Int = 4) -> DatabaseGugus {
        DatabaseGugus(
            pool: PostgresPool(configuration: configuration, options: .init(maxConnections: maxConnections)),
            caller: .localOperator("gugus-bench"))
    }
}

/// The `gugus` executable of the same build, beside `gugus-bench`: `make bench` builds both.
enum GugusExecutable {
    /// The folder `gugus-bench` itself runs from: `…/.build/<triple>/release`.
    static var benchFolder: URL {
        URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .deletingLastPathComponent()
    }

    static func locate() throws -> URL {
        let candidate = benchFolder.appendingPathComponent("gugus")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw BenchError("\(candidate.path) is missing; this section runs the gugus executable of the same build: swift build -c release --product gugus (make bench does)")
        }
        return candidate
    }
}
