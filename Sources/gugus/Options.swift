import ArgumentParser
import Foundation
import GugusClient
import GugusDatabase
import GugusModel
import Logging
import Postgres
import PostgresCluster

/// Options every command takes: where the data is, and how to print.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "PostgreSQL URL (or DATABASE_URL, or libpq's PG* variables). Without any, the local cluster under .gugus/ is used.",
        valueName: "url"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("A Gugus server to work through (or GUGUS_SERVER), instead of a database.", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The API token for --server (or GUGUS_TOKEN).", valueName: "token"))
    var token: String?

    @Flag(help: "Machine output: JSON records with stable field names.")
    var json = false

    @Option(help: ArgumentHelp("Language of the output: id or en (default: from LANG, else id).", valueName: "id|en"))
    var lang: String?

    var output: Output {
        Output(json: json, language: language)
    }

    var language: Language {
        Language(tag: lang ?? ProcessInfo.processInfo.environment["LANG"])
    }

    func validate() throws {
        if let lang, !["id", "en"].contains(lang.lowercased()) {
            throw ValidationError("--lang must be id or en, not '\(lang)'")
        }
    }

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The server to go through, if any.
    var serverURL: String? {
        server ?? environment["GUGUS_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Gugus itself: through a server with a token, or directly on the database.
    func gugus() async throws -> any Gugus {
        if let serverURL {
            guard let token = token ?? environment["GUGUS_TOKEN"], !token.isEmpty else {
                throw ValidationError("--server needs a token: pass --token or set GUGUS_TOKEN")
            }
            return try RemoteGugus(baseURL: serverURL, token: token, language: language)
        }
        let pool = PostgresPool(configuration: try await database(), options: .init(maxConnections: 4))
        let user = environment["USER"] ?? environment["LOGNAME"] ?? "operator"
        return DatabaseGugus(pool: pool, caller: .localOperator(user))
    }

    /// The database: --database-url, DATABASE_URL, the PG* environment, or the local cluster
    /// (started and migrated when needed).
    func database(migrateLocal: Bool = true) async throws -> PostgresConfiguration {
        var configuration = try await databaseLocation(migrateLocal: migrateLocal)
        configuration.statementCacheCapacity = try statementCacheCapacity()
        return configuration
    }

    /// `GUGUS_STATEMENT_CACHE`: the statements each connection keeps prepared. 0 sends every
    /// statement unnamed, as a transaction-mode pooler without prepared statements needs
    /// (pgbouncer before 1.21); that is the default when `GUGUS_DIRECT_DATABASE_URL` is set,
    /// which says that DATABASE_URL goes through such a pooler.
    func statementCacheCapacity() throws -> Int {
        if let text = environment["GUGUS_STATEMENT_CACHE"], !text.isEmpty {
            guard let capacity = Int(text), capacity >= 0 else {
                throw GugusError.invalid(field: "GUGUS_STATEMENT_CACHE", value: text, Localized(
                    id: "GUGUS_STATEMENT_CACHE '\(text)' bukan bilangan; tulis berapa pernyataan yang disiapkan per koneksi, misalnya 256, atau 0 untuk mematikannya",
                    en: "GUGUS_STATEMENT_CACHE '\(text)' is not a number; write how many statements each connection keeps prepared, e.g. 256, or 0 to turn it off"))
            }
            return capacity
        }
        let pooled = environment["GUGUS_DIRECT_DATABASE_URL"].map { !$0.isEmpty } ?? false
        return pooled ? 0 : PostgresConfiguration.defaultStatementCacheCapacity
    }

    private func databaseLocation(migrateLocal: Bool) async throws -> PostgresConfiguration {
        if let url = databaseURL ?? environment["DATABASE_URL"].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try PostgresConfiguration.url(url)
        }
        let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"]
        if libpqVariables.contains(where: { environment[$0]?.isEmpty == false }) {
            return .environment
        }
        let cluster = LocalCluster(home: LocalCluster.defaultHome(), logger: quietLogger)
        let configuration = try await cluster.start()
        if migrateLocal {
            try await Migrator(configuration: configuration, logger: quietLogger).migrate()
        }
        return configuration
    }

    /// A connection that must not go through a transaction pooler (session advisory locks for
    /// migrations, LISTEN for schedulers): `GUGUS_DIRECT_DATABASE_URL`, else `database`.
    func directDatabase(or database: PostgresConfiguration) throws -> PostgresConfiguration {
        guard let url = environment["GUGUS_DIRECT_DATABASE_URL"], !url.isEmpty else { return database }
        return try PostgresConfiguration.url(url)
    }

    var quietLogger: Logger {
        var logger = Logger(label: "gugus")
        logger.logLevel = environment["GUGUS_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }
}

/// Runs a command body and turns Gugus's refusals into the CLI contract: the message on
/// stderr and exit code 1.
func refusing(_ output: Output, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as GugusError {
        report(error, output)
        throw ExitCode(1)
    } catch let error as PostgresError {
        output.note(output.text("gugus: basis data: \(error.message)", "gugus: database: \(error.message)"))
        throw ExitCode(1)
    } catch let error as ClusterError {
        output.note("gugus: \(error.description)")
        throw ExitCode(1)
    }
}

func report(_ error: GugusError, _ output: Output) {
    var lines = ["gugus: " + output.text(error.message)]
    let extra = error.fieldErrors.filter { $0.message != error.message }
    for field in extra {
        let place = field.line.map { output.text("baris \($0), kolom \(field.field)", "line \($0), column \(field.field)") } ?? field.field
        lines.append("  \(place): \(output.text(field.message))")
    }
    output.note(lines.joined(separator: "\n"))
}
