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
            let retention = try RetentionPolicy.fromEnvironment(environment)
            let portal = try Self.portalSettings(environment, settings: settings, logger: logger)
            var services: [any Service] = []
            if !noScheduler {
                var configuration = try SchedulerConfiguration.fromEnvironment(environment)
                // The links in reminders (the calendar, the opt-out) point where the portal is.
                configuration.publicURL = configuration.publicURL ?? portal.publicURL
                services.append(try ReminderDispatcher(pool: pool, listenConfiguration: direct, configuration: configuration, logger: logger))
                services.append(RetentionService(pool: pool, policy: retention, logger: logger))
            }
            logger.info("serving on http://\(settings.host):\(settings.port)", metadata: [
                "database": "\(database)", "scheduler": "\(!noScheduler)", "portal": "\(portal.publicURL)", "public_map": "\(portal.publicMap)"])
            try await runServer(settings: settings, pool: pool, portal: portal, retention: retention, services: services, logger: logger)
        }
    }

    /// The portal from the environment: GUGUS_PUBLIC_URL (the address in sign-in links),
    /// GUGUS_PUBLIC_MAP, and sign-in links by mail when GUGUS_SMTP_URL is set, else in the log.
    static func portalSettings(_ environment: [String: String], settings: ServerSettings, logger: Logger) throws -> PortalSettings {
        let publicURL = environment["GUGUS_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://\(settings.host):\(settings.port)"
        let publicMap: Bool
        switch environment["GUGUS_PUBLIC_MAP"]?.lowercased() {
        case nil, "", "false", "0", "no": publicMap = false
        case "true", "1", "yes": publicMap = true
        case let other?:
            throw GugusError.invalid(field: "GUGUS_PUBLIC_MAP", value: other, Localized(
                id: "GUGUS_PUBLIC_MAP '\(other)' harus true atau false", en: "GUGUS_PUBLIC_MAP '\(other)' must be true or false"))
        }
        var mailer: any SignInMailer = LogSignInMailer(logger: logger)
        if let url = environment["GUGUS_SMTP_URL"], !url.isEmpty {
            do {
                mailer = SMTPSignInMailer(
                    client: try SMTPClient(configuration: SMTPConfiguration(url: url)),
                    from: environment["GUGUS_MAIL_FROM"] ?? "Gugus <gugus@localhost>")
            } catch {
                throw GugusError.invalid(field: "GUGUS_SMTP_URL", value: nil, Localized(
                    id: "GUGUS_SMTP_URL tidak dapat dibaca: \(error)", en: "GUGUS_SMTP_URL cannot be read: \(error)"))
            }
        }
        return PortalSettings(publicMap: publicMap, publicURL: publicURL, mailer: mailer)
    }
}
