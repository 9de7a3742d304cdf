import ArgumentParser
import Foundation
import GugusModel
import GugusScheduler
import Logging
import Postgres
import ServiceLifecycle
import UnixSignals

struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler", abstract: "Run reminder dispatch workers.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send reminders as they fall due, until SIGTERM or Ctrl-C. Any number may run at once.",
            discussion: """
                Configuration: GUGUS_SMTP_URL and GUGUS_MAIL_FROM (e-mail), GUGUS_WEBHOOK_URL and \
                GUGUS_WEBHOOK_SECRET (webhooks), GUGUS_REMINDER_LOG (log channel file; stdout by default), \
                GUGUS_CATCHUP (skip reminders later than this, default 6h). See docs/reminders.md.
                """)
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Send what is due now, then exit.") var once = false
        @Option(help: ArgumentHelp("The catch-up limit (or GUGUS_CATCHUP): later reminders are skipped as late.", valueName: "duration")) var catchup: DurationText?

        func run() async throws {
            let output = options.output
            var logger = Logger(label: "gugus.scheduler")
            logger.logLevel = options.environment["GUGUS_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            try await refusing(output) {
                var configuration = try SchedulerConfiguration.fromEnvironment(options.environment)
                if let catchup { configuration.catchUp = catchup }
                let database = try await options.database()
                let pool = PostgresPool(configuration: database, options: .init(maxConnections: 4), logger: logger)
                let dispatcher = try ReminderDispatcher(
                    pool: pool, listenConfiguration: try options.directDatabase(or: database), configuration: configuration, logger: logger)
                if once {
                    let summary = try await dispatcher.runOnce()
                    await pool.close()
                    try output.emit(Identified(summary, id: dispatcher.worker)) {
                        output.text("Terkirim \(summary.sent), dilewati \(summary.skipped), gagal \(summary.failed), mati \(summary.dead).",
                                    "Sent \(summary.sent), skipped \(summary.skipped), failed \(summary.failed), dead \(summary.dead).")
                    }
                    return
                }
                let retention = RetentionService(pool: pool, policy: try RetentionPolicy.fromEnvironment(options.environment), logger: logger)
                let group = ServiceGroup(configuration: .init(
                    services: [.init(service: pool), .init(service: dispatcher), .init(service: retention)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            }
        }
    }
}
