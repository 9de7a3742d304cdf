import ArgumentParser
import Foundation
import GugusModel

/// `gugus`: registers task forces, decrees and members, schedules outreach sessions, sends
/// reminders, and serves the API — for Indonesia's Stranas BHAM task forces.
@main
struct GugusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gugus",
        abstract: "Coordinate the Stranas BHAM task forces (GTN and GTD): decrees, members, outreach, reminders.",
        discussion: """
            Without --server, gugus works on a database: --database-url, DATABASE_URL, libpq's PG* \
            variables, or else a private local cluster under .gugus/ that it starts as needed.
            Exit codes: 0 success, 1 refused or failed (the reason is on stderr), 2 usage error.
            """,
        version: GugusVersion.current,
        subcommands: [
            DatabaseCommand.self, RegionCommand.self, TaskForceCommand.self, DecreeCommand.self,
            MemberCommand.self, SessionCommand.self, ReminderCommand.self, SchedulerCommand.self, StatusCommand.self,
            AuditCommand.self, TokenCommand.self, UserCommand.self, PersonCommand.self, ReportCommand.self, ServeCommand.self,
        ])

    /// Parses and runs, with the exit codes of the contract: usage errors exit with 2, not
    /// ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
