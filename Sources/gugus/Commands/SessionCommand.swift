import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel

struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Schedule outreach sessions (sosialisasi, bimtek, workshop …), invite, record attendance, export calendars.",
        subcommands: [Schedule.self, Reschedule.self, Cancel.self, Complete.self, List.self, Show.self,
                      Invite.self, Uninvite.self, Attend.self, Calendar.self])

    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule a session. Times are in the task force's zone (WIB/WITA/WIT) unless --tz says otherwise.",
            discussion: """
                Example:
                  gugus session schedule --taskforce 82 --title "Sosialisasi Stranas BHAM" \\
                    --starts "2025-04-10 09:00" --duration 3h --venue "Aula Gamalama, Ternate" --capacity 40
                A start in the past records a session after the fact (no reminders are planned for it).
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("The task force: region code, national, or id.", valueName: "ref")) var taskforce: TaskForceRef
        @Option(help: "Title.") var title: String
        @Option(help: ArgumentHelp("Local start, \"YYYY-MM-DD HH:MM\".", valueName: "time")) var starts: String
        @Option(help: ArgumentHelp("Length: 90m, 3h, 1d.", valueName: "duration")) var duration: DurationText
        @Option(help: ArgumentHelp("IANA zone of --starts (default: the task force's).", valueName: "zone")) var tz: String?
        @Option(help: "The kind of activity.") var format: OutreachSession.Format = .sosialisasi
        @Option(help: "luring (in person), daring (online) or hybrid.") var mode: OutreachSession.Mode = .luring
        @Option(help: "Venue (required unless daring).") var venue: String?
        @Option(help: "Online meeting link (required for daring and hybrid).") var url: String?
        @Option(help: "How many may be invited.") var capacity: Int?
        @Option(name: .customLong("audience"), help: ArgumentHelp("Intended audience (repeatable): gtd_members, provincial_agencies, companies, business_associations, legal_aid, academia, civil_society, public.", valueName: "audience"))
        var audiences: [String] = []
        @Option(help: "Notes.") var notes: String?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let input = NewSession(
                    taskForce: taskforce, title: title, starts: starts,
                    duration: duration, timeZone: tz,
                    format: format, mode: mode,
                    venue: venue, onlineUrl: url, capacity: capacity, audiences: audiences, notes: notes)
                let session = try await options.gugus().scheduleSession(input)
                try SessionRendering(output: output).emit(session, headline: output.text("Sesi dijadwalkan", "Session scheduled"))
            }
        }
    }

    struct Reschedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a session, or change its place or capacity. Pending reminders follow.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Session id.") var id: Int64
        @Option(help: ArgumentHelp("New local start, \"YYYY-MM-DD HH:MM\".", valueName: "time")) var starts: String?
        @Option(help: ArgumentHelp("New length.", valueName: "duration")) var duration: DurationText?
        @Option(help: ArgumentHelp("IANA zone of --starts.", valueName: "zone")) var tz: String?
        @Option(help: "New venue.") var venue: String?
        @Option(help: "New online link.") var url: String?
        @Option(help: "New capacity.") var capacity: Int?

        func validate() throws {
            if starts == nil && duration == nil && venue == nil && url == nil && capacity == nil && tz == nil {
                throw ValidationError("say what changes: --starts, --duration, --venue, --url or --capacity")
            }
        }

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let change = SessionChange(
                    starts: starts, duration: duration,
                    timeZone: tz, venue: venue, onlineUrl: url, capacity: capacity)
                let session = try await options.gugus().rescheduleSession(id: id, change)
                try SessionRendering(output: output).emit(session, headline: output.text("Sesi diubah", "Session changed"))
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a session. Its pending reminders are skipped.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Session id.") var id: Int64
        @Option(help: "Why.") var reason: String?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let session = try await options.gugus().cancelSession(id: id, reason: reason)
                try SessionRendering(output: output).emit(session, headline: output.text("Sesi dibatalkan", "Session cancelled"))
            }
        }
    }

    struct Complete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a session as held, with notes and outcome.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Session id.") var id: Int64
        @Option(help: "Notes.") var notes: String?
        @Option(help: "Outcome (hasil).") var outcome: String?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let session = try await options.gugus().completeSession(id: id, notes: notes, outcome: outcome)
                try SessionRendering(output: output).emit(session, headline: output.text("Sesi selesai", "Session completed"))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions by start, with filters.")
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("The task force: region code, national, or id.", valueName: "ref")) var taskforce: TaskForceRef?
        @Option(help: ArgumentHelp("From this local date.", valueName: "YYYY-MM-DD")) var from: CivilDate?
        @Option(help: ArgumentHelp("To this local date, inclusive.", valueName: "YYYY-MM-DD")) var to: CivilDate?
        @Option(help: "Only sessions in this state.") var status: OutreachSession.Status?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let gugus = try await options.gugus()
                var query = SessionQuery(
                    taskForce: taskforce,
                    from: from,
                    to: to,
                    status: status)
                let sessions = try await gugus.all { page in
                    query.page = page
                    return try await gugus.sessions(query)
                }
                try output.emit(sessions) {
                    var table = Table(["id", output.text("mulai", "starts"), "status", output.text("judul", "title"),
                                       output.text("tempat", "venue"), output.text("peserta", "participants")])
                    for session in sessions {
                        table.add([String(session.id), session.startsLocal, session.status.rawValue, session.title,
                                   session.venue ?? session.onlineUrl ?? "–", "\(session.attended)/\(session.participants)"])
                    }
                    return table.rendered
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a session and its participants.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Session id.") var id: Int64

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let detail = try await options.gugus().session(id: id)
                try output.emit(DetailRecord(detail)) {
                    let rendering = SessionRendering(output: output)
                    var text = rendering.describe(detail.session)
                    if !detail.participants.isEmpty {
                        var table = Table(["id", output.text("nama", "name"), output.text("peran", "role"),
                                           output.text("pendaftaran", "registration"), output.text("hadir", "attended")])
                        for participant in detail.participants {
                            table.add([String(participant.id), participant.name, participant.role.rawValue,
                                       participant.registration.rawValue, participant.attended ? output.text("ya", "yes") : "–"])
                        }
                        text += "\n\n" + table.rendered
                    }
                    return text
                }
            }
        }

        /// The session's fields at the top level, with its participants beside them.
        struct DetailRecord: Encodable {
            var detail: SessionDetail
            init(_ detail: SessionDetail) { self.detail = detail }

            func encode(to encoder: any Encoder) throws {
                try detail.session.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(detail.participants, forKey: .participantList)
            }

            enum Key: String, CodingKey { case participantList = "participant_list" }
        }
    }

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite a member, every current member, or an outside guest. Capacity is never exceeded.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Session id.") var id: Int64
        @Option(help: ArgumentHelp("A member's id (see member list).", valueName: "id")) var member: Int64?
        @Flag(help: "Every current member of the task force.") var allMembers = false
        @Option(help: "A guest's name.") var name: String?
        @Option(help: "A guest's e-mail.") var email: String?
        @Option(help: "A guest's organisation.") var organisation: String?
        @Option(help: "Their part in the session.") var role: Participant.Role = .attendee

        func validate() throws {
            let ways = [member != nil, allMembers, name != nil].filter { $0 }.count
            if ways != 1 { throw ValidationError("give exactly one of --member ID, --all-members, or --name (with --email)") }
            if email != nil && name == nil { throw ValidationError("--email goes with --name, for a guest") }
        }

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let invitation: Invitation
                if let member {
                    invitation = .member(member)
                } else if allMembers {
                    invitation = .allMembers
                } else {
                    invitation = .guest(
                        name: name ?? "", email: try email.map { text throws(GugusError) in try EmailAddress(parsing: text) },
                        organisation: organisation)
                }
                let participants = try await options.gugus().invite(
                    sessionID: id, invitation, role: role)
                try output.emit(participants) {
                    output.text("Diundang: ", "Invited: ") + (participants.isEmpty
                        ? output.text("tidak ada yang baru", "nobody new")
                        : participants.map { "\($0.name) (\($0.id))" }.joined(separator: ", "))
                }
            }
        }
    }

    struct Uninvite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an invitation. The participant's pending reminders are skipped.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Session id.") var id: Int64
        @Option(help: ArgumentHelp("The participant's id (see session show).", valueName: "id")) var participant: Int64

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let result = try await options.gugus().uninvite(sessionID: id, participantID: participant)
                try output.emit(result) { output.text("Undangan dibatalkan: ", "Invitation cancelled: ") + result.name }
            }
        }
    }

    struct Attend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a participant attended.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Session id.") var id: Int64
        @Option(help: ArgumentHelp("The participant's id (see session show).", valueName: "id")) var participant: Int64

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let result = try await options.gugus().attend(sessionID: id, participantID: participant)
                try output.emit(result) { output.text("Hadir: ", "Attended: ") + result.name }
            }
        }
    }

    struct Calendar: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ics", abstract: "Print an iCalendar (.ics) file of one session, or of a task force's sessions.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Session id.") var id: Int64?
        @Option(help: ArgumentHelp("All sessions of this task force.", valueName: "ref")) var taskforce: TaskForceRef?
        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file")) var output: String?

        func validate() throws {
            if (id == nil) == (taskforce == nil) { throw ValidationError("give a session id or --taskforce REF") }
        }

        func run() async throws {
            let printer = options.output
            try await refusing(printer) {
                let gugus = try await options.gugus()
                let text: String
                if let id {
                    text = try await gugus.calendar(sessionID: id)
                } else {
                    guard let taskforce else {
                        throw GugusError.invalid(field: "taskforce", value: nil, Localized(
                            id: "sebutkan id sesi, atau --taskforce untuk semua sesinya", en: "give a session id, or --taskforce for all its sessions"))
                    }
                    text = try await gugus.calendar(taskForce: taskforce)
                }
                if let output {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output))
                } else {
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            }
        }
    }
}

struct SessionRendering {
    let output: Output

    static func parse<Value: Choice>(_ text: String, field: String) throws(GugusError) -> Value {
        try Value.parse(text, field: field)
    }

    func emit(_ session: OutreachSession, headline: String) throws {
        for warning in session.warnings where !output.json { output.note(output.text(warning)) }
        try output.emit(session) { "\(headline): \(session.id)\n" + describe(session) }
    }

    func describe(_ session: OutreachSession) -> String {
        var lines = [
            "\(session.title) [\(session.format.rawValue), \(session.mode.rawValue)] — \(session.status.rawValue), v\(session.version)",
            output.text("  waktu:    ", "  when:     ") + LocalTime.long(session.startsAt, in: session.zone, language: output.language)
                + " – " + LocalTime.timeOfDay(session.endsAt, in: session.zone, language: output.language),
        ]
        if let venue = session.venue { lines.append(output.text("  tempat:   ", "  venue:    ") + venue) }
        if let url = session.onlineUrl { lines.append("  url:      " + url) }
        let capacity = session.capacity.map { "/\($0)" } ?? ""
        lines.append(output.text("  peserta:  ", "  people:   ") + "\(session.participants)\(capacity)"
                     + output.text(", hadir \(session.attended)", ", attended \(session.attended)"))
        if let reason = session.cancelReason { lines.append(output.text("  alasan:   ", "  reason:   ") + reason) }
        return lines.joined(separator: "\n")
    }
}
