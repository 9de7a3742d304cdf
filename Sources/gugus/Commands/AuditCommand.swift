import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read the audit log: who changed what, when.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List changes, newest first.")
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("Only this kind of record: task_force, decree, membership, person, outreach_session …", valueName: "entity")) var entity: String?
        @Option(help: ArgumentHelp("Only this record's id (with --entity).", valueName: "id")) var id: String?
        @Option(help: ArgumentHelp("Only this task force's changes.", valueName: "ref")) var taskforce: TaskForceRef?
        @Option(help: ArgumentHelp("Only changes since this date (UTC) or instant.", valueName: "YYYY-MM-DD")) var since: String?
        @Option(help: ArgumentHelp("Only changes up to this date (UTC, the whole day) or before this instant.", valueName: "YYYY-MM-DD")) var until: String?
        @Option(help: ArgumentHelp("Only changes by this token or person, by the name the log shows.", valueName: "name")) var actor: String?
        @Option(help: "At most this many entries (default 50).") var limit: Int = 50

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let query = AuditQuery(
                    entity: entity, entityId: id, taskForce: taskforce,
                    since: try since.map(AuditQuery.since), until: try until.map(AuditQuery.until), actor: actor,
                    page: try PageRequest.validated(limit: limit, after: nil))
                let entries = try await options.gugus().audit(query).items
                try output.emit(entries) {
                    var table = Table([output.text("waktu (UTC)", "time (UTC)"), output.text("pelaku", "actor"),
                                       output.text("tindakan", "action"), output.text("catatan", "record")])
                    for entry in entries {
                        table.add([LocalTime.iso8601(entry.at), entry.actor, entry.action, "\(entry.entity) \(entry.entityId)"])
                    }
                    return table.rendered
                }
            }
        }
    }
}
