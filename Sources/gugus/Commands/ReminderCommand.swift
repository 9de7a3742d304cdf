import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel

struct ReminderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminder", abstract: "Reminder rules, and the reminders they plan.",
        subcommands: [Rule.self, List.self])

    struct Rule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list and remove reminder rules.", subcommands: [Add.self, List.self, Remove.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a rule. It never reminds about moments before it was made.",
                discussion: """
                    Examples:
                      gugus reminder rule add --offset 1d --taskforce 82 --channel email
                      gugus reminder rule add --offset 2h --session 12 --audience organizers --channel webhook --webhook-url https://wa-gateway.example/hook
                      gugus reminder rule add --kind decree_expiry --days-before 60 --channel email
                      gugus reminder rule add --kind no_task_force --every 30d --channel email
                      gugus reminder rule add --kind report_closing --days-before 14 --channel email
                    Reporting kinds (report_opens, report_closing, report_overdue, report_returned) reach the
                    task force's sekretaris and its region's coordinators; `gugus report reminders` adds the usual set.
                    """)
            @OptionGroup var options: GlobalOptions
            @Option(help: "What the rule reminds of.") var kind: ReminderRule.Kind = .session
            @Option(help: ArgumentHelp("Session rules: how long before the start: 30m, 2h, 1d, 1w.", valueName: "duration")) var offset: DurationText?
            @Option(help: ArgumentHelp("Decree rules: days before the end of term; report_closing: days before the close.", valueName: "n")) var daysBefore: Int?
            @Option(help: ArgumentHelp("Province rules: repeat period, e.g. 30d.", valueName: "duration")) var every: DurationText?
            @Option(help: ArgumentHelp("Only this task force's sessions (or decree).", valueName: "ref")) var taskforce: TaskForceRef?
            @Option(help: ArgumentHelp("Only this session.", valueName: "id")) var session: Int64?
            @Option(help: "Who is reminded of a session (default: participants).") var audience: ReminderRule.Audience?
            @Option(help: "How it is sent.") var channel: ReminderRule.Channel = .log
            @Option(help: ArgumentHelp("Webhook target (default: GUGUS_WEBHOOK_URL where the scheduler runs).", valueName: "url")) var webhookURL: String?

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let repeatDays = try every.map { duration throws(GugusError) -> Int in
                        guard duration.seconds % 86_400 == 0 else {
                            throw GugusError.invalid(field: "every", value: duration.description, Localized(
                                id: "--every dihitung dalam hari, misalnya 7d atau 30d", en: "--every counts whole days, such as 7d or 30d"))
                        }
                        return duration.seconds / 86_400
                    }
                    let input = NewReminderRule(
                        kind: kind,
                        offset: offset,
                        daysBefore: daysBefore, repeatDays: repeatDays,
                        audience: audience,
                        channel: channel, webhookUrl: webhookURL,
                        taskForce: taskforce, sessionId: session)
                    let rule = try await options.gugus().addReminderRule(input)
                    try output.emit(rule) { output.text("Aturan pengingat ditambahkan: ", "Reminder rule added: ") + ReminderRendering.describe(rule, output) }
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the active rules.")
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let rules = try await options.gugus().reminderRules()
                    try output.emit(rules) {
                        var table = Table(["id", output.text("aturan", "rule"), output.text("dibuat", "created")])
                        for rule in rules { table.add([String(rule.id), ReminderRendering.describe(rule, output), LocalTime.iso8601(rule.createdAt)]) }
                        return table.rendered
                    }
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a rule; what it planned and has not sent is skipped.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Rule id.") var id: Int64

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let rule = try await options.gugus().removeReminderRule(id: id)
                    try output.emit(rule) { output.text("Aturan \(rule.id) dihapus.", "Rule \(rule.id) removed.") }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List reminders, by due time.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only reminders in this state.") var status: Reminder.Status?
        @Option(help: ArgumentHelp("Only this session's.", valueName: "id")) var session: Int64?
        @Option(help: ArgumentHelp("Only this task force's.", valueName: "ref")) var taskforce: TaskForceRef?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let gugus = try await options.gugus()
                var query = ReminderQuery(
                    status: status,
                    sessionId: session, taskForce: taskforce)
                let reminders = try await gugus.all { page in
                    query.page = page
                    return try await gugus.reminders(query)
                }
                try output.emit(reminders) {
                    var table = Table(["id", output.text("jenis", "kind"), output.text("jatuh tempo (UTC)", "due (UTC)"), "status", output.text("kanal", "channel"),
                                       output.text("penerima", "recipient"), output.text("sesi", "session"), output.text("catatan", "note")])
                    for reminder in reminders {
                        table.add([String(reminder.id), ReminderRendering.kindName(reminder.kind, output), LocalTime.iso8601(reminder.dueAt), reminder.status.rawValue, reminder.channel.rawValue,
                                   reminder.recipientName, reminder.sessionId.cell, reminder.skipReason ?? reminder.lastError ?? ""])
                    }
                    return table.rendered
                }
            }
        }
    }
}

enum ReminderRendering {
    static func describe(_ rule: ReminderRule, _ output: Output) -> String {
        let scope = rule.sessionId.map { output.text("sesi \($0)", "session \($0)") }
            ?? rule.taskForceId.map { output.text("gugus tugas \($0)", "task force \($0)") }
            ?? output.text("semua", "all")
        let channel = rule.channel.rawValue
        switch rule.kind {
        case .session:
            let offset = rule.offset.map(\.description) ?? "?"
            let audience = audienceName(rule.audience, output)
            return output.text("\(offset) sebelumnya, kepada \(audience), lewat \(channel) (\(scope))",
                               "\(offset) before, to \(audience), by \(channel) (\(scope))")
        case .decreeExpiry:
            let days = rule.daysBefore ?? 0
            return output.text("SK berakhir dalam \(days) hari, kepada ketua dan sekretaris, lewat \(channel) (\(scope))",
                               "decree ends within \(days) days, to ketua and sekretaris, by \(channel) (\(scope))")
        case .noTaskForce:
            let days = rule.repeatDays ?? 0
            return output.text("provinsi tanpa GTD, setiap \(days) hari, kepada sekretariat, lewat \(channel)",
                               "province without GTD, every \(days) days, to the secretariat, by \(channel)")
        case .reportOpens:
            return output.text("periode pelaporan dibuka, kepada sekretaris dan koordinator, lewat \(channel) (\(scope))",
                               "reporting period opens, to the sekretaris and coordinators, by \(channel) (\(scope))")
        case .reportClosing:
            let days = rule.daysBefore ?? 0
            return output.text("\(days) hari sebelum periode pelaporan ditutup, kepada sekretaris dan koordinator, lewat \(channel) (\(scope))",
                               "\(days) days before a reporting period closes, to the sekretaris and coordinators, by \(channel) (\(scope))")
        case .reportOverdue:
            return output.text("laporan terlambat, sehari sesudah ditutup, kepada sekretaris dan koordinator, lewat \(channel) (\(scope))",
                               "report overdue, the day after the close, to the sekretaris and coordinators, by \(channel) (\(scope))")
        case .reportReturned:
            return output.text("laporan dikembalikan, kepada sekretaris dan koordinator, lewat \(channel) (\(scope))",
                               "report returned, to the sekretaris and coordinators, by \(channel) (\(scope))")
        }
    }

    static func audienceName(_ audience: ReminderRule.Audience, _ output: Output) -> String {
        switch audience {
        case .participants: output.text("peserta", "participants")
        case .members: output.text("anggota", "members")
        case .organizers: output.text("panitia", "organizers")
        case .coreRoles: output.text("ketua dan sekretaris", "ketua and sekretaris")
        case .secretariat: output.text("sekretariat", "the secretariat")
        case .reporters: output.text("sekretaris dan koordinator wilayah", "the sekretaris and the region's coordinators")
        }
    }

    static func kindName(_ kind: Reminder.Kind, _ output: Output) -> String {
        switch kind {
        case .reminder: output.text("pengingat", "reminder")
        case .changeNotice: output.text("perubahan", "change")
        case .cancelNotice: output.text("pembatalan", "cancellation")
        }
    }
}
