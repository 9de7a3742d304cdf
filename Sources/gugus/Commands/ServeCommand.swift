import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel
import GugusScheduler
import GugusServer
import Logging
import Postgres
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (and the reminder scheduler) until SIGTERM or Ctrl-C.",
        discussion: "Migrations run first. GUGUS_HOST and GUGUS_PORT set the address.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Address to listen on (or GUGUS_HOST).") var host: String?
    @Option(help: "Port (or GUGUS_PORT).") var port: Int?
    @Flag(help: "Serve the API without the reminder scheduler.") var noScheduler = false

    func run() async throws {
        let output = options.output
        var logger = Logger(label: "gugus")
        logger.logLevel = options.environment["GUGUS_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let environment = options.environment
        let settings = ServerSettings(
            host: host ?? environment["GUGUS_HOST"] ?? "127.0.0.1",
            port: port ?? environment["GUGUS_PORT"].flatMap(Int.init) ?? 8080)
        try await refusing(output) {
            ServerMetrics.bootstrapMetrics()
            let database = try await options.database(migrateLocal: false)
            let direct = try options.directDatabase(or: database)
            let applied = try await Migrator(configuration: direct, logger: logger).migrate()
            if !applied.isEmpty { logger.info("migrated", metadata: ["applied": "\(applied.joined(separator: ","))"]) }
            // A statement that runs this long is cut off: a request cannot hold a connection forever.
            var serving = database
            serving.sessionSettings["statement_timeout"] = environment["GUGUS_STATEMENT_TIMEOUT"] ?? "30s"
            let pool = PostgresPool(configuration: serving, options: .init(maxConnections: 16), logger: logger)
            var services: [any Service] = []
            if !noScheduler {
                let configuration = try SchedulerConfiguration.fromEnvironment(environment)
                services.append(try ReminderDispatcher(pool: pool, listenConfiguration: direct, configuration: configuration, logger: logger))
            }
            logger.info("serving on http://\(settings.host):\(settings.port)", metadata: ["database": "\(database)", "scheduler": "\(!noScheduler)"])
            try await runServer(settings: settings, pool: pool, services: services, logger: logger)
        }
    }
}
