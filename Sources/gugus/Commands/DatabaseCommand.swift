import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel
import Postgres
import PostgresCluster

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Migrate the database, and manage the local PostgreSQL cluster.",
        subcommands: [Migrate.self, Status.self, Local.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply the pending migrations (safe to run from several processes at once).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let database = try await options.database(migrateLocal: false)
                let migrator = Migrator(configuration: try options.directDatabase(or: database), logger: options.quietLogger)
                let applied = try await migrator.migrate()
                try output.emit(applied.map { ["id": $0, "name": $0] }) {
                    applied.isEmpty
                        ? output.text("Basis data sudah mutakhir.", "The database is up to date.")
                        : output.text("Diterapkan: ", "Applied: ") + applied.joined(separator: ", ")
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applied and pending migrations.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let entries = try await Migrator(configuration: try await options.database(migrateLocal: false)).status()
                try output.emit(entries.map(MigrationRecord.init)) {
                    var table = Table([output.text("migrasi", "migration"), output.text("keadaan", "state"), output.text("diterapkan", "applied at")])
                    for entry in entries {
                        table.add([entry.name, entry.state.rawValue, entry.appliedAt.map(LocalTime.iso8601).cell])
                    }
                    return table.rendered
                }
            }
        }

        struct MigrationRecord: Encodable {
            var id: String
            var state: String
            var appliedAt: Date?
            init(_ entry: Migrator.Entry) {
                id = entry.name
                state = entry.state.rawValue
                appliedAt = entry.appliedAt
            }
        }
    }

    struct Local: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The private PostgreSQL cluster under .gugus/ (or GUGUS_HOME).",
            subcommands: [Start.self, Stop.self, State.self])

        struct Start: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create (if needed) and start the local cluster, and migrate it.")
            @OptionGroup var options: GlobalOptions
            @Flag(help: "A throwaway cluster for tests: no fsync. Never for data you want to keep.") var throwaway = false

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let cluster = LocalCluster(home: LocalCluster.defaultHome(), durable: !throwaway, logger: options.quietLogger)
                    let configuration = try await cluster.start()
                    try await Migrator(configuration: configuration, logger: options.quietLogger).migrate()
                    try output.emit(ClusterRecord(cluster, state: try cluster.state())) {
                        output.text("Klaster lokal berjalan: ", "Local cluster running: ") + cluster.url
                    }
                }
            }
        }

        struct Stop: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Stop the local cluster.")
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let cluster = LocalCluster(home: LocalCluster.defaultHome(), logger: options.quietLogger)
                    try await cluster.stop()
                    try output.emit(ClusterRecord(cluster, state: try cluster.state())) {
                        output.text("Klaster lokal berhenti.", "Local cluster stopped.")
                    }
                }
            }
        }

        struct State: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "status", abstract: "Show whether the local cluster runs, and where.")
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let cluster = LocalCluster(home: LocalCluster.defaultHome(), logger: options.quietLogger)
                    let state = try cluster.state()
                    try output.emit(ClusterRecord(cluster, state: state)) {
                        [
                            output.text("keadaan: ", "state: ") + state.description,
                            output.text("data:    ", "data:  ") + cluster.dataDirectory.path,
                            "socket:  " + cluster.socketDirectory.path,
                            "log:     " + cluster.logFile.path,
                            "url:     " + cluster.url,
                        ].joined(separator: "\n")
                    }
                }
            }
        }

        struct ClusterRecord: Encodable {
            var id: String
            var state: String
            var pid: Int?
            var dataDirectory: String
            var socketDirectory: String
            var logFile: String
            var url: String

            init(_ cluster: LocalCluster, state: LocalCluster.State) {
                id = cluster.home.path
                switch state {
                case .running(let pid):
                    self.state = "running"
                    self.pid = pid
                case .stopped: self.state = "stopped"
                case .notInitialized: self.state = "not_initialized"
                }
                dataDirectory = cluster.dataDirectory.path
                socketDirectory = cluster.socketDirectory.path
                logFile = cluster.logFile.path
                url = cluster.url
            }
        }
    }
}
