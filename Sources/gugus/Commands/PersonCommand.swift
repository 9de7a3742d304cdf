import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel

/// UU PDP: access, correction, erasure and retention of personal data (admin only).
struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person", abstract: "A person's data under UU PDP: export, correct, erase (admin only).",
        discussion: """
            A person is found by e-mail address, membership id or participant id; each finds them wherever they \
            appear (their memberships, their invitations, a portal account under the same address). See docs/privacy.md.
            """,
        subcommands: [Export.self, Correct.self, Erase.self, Retention.self])

    /// Exactly one of the three ways to name a person.
    struct Who: ParsableArguments {
        @Option(help: "Their e-mail address.") var email: String?
        @Option(help: ArgumentHelp("A membership id (from `gugus member list`).", valueName: "id")) var member: Int64?
        @Option(help: ArgumentHelp("A participant id (from `gugus session show`).", valueName: "id")) var participant: Int64?

        func validate() throws {
            if [email != nil, member != nil, participant != nil].filter({ $0 }).count != 1 {
                throw ValidationError("name the person with exactly one of --email, --member and --participant")
            }
        }

        var reference: PersonRef {
            if let email { return .email(email) }
            if let member { return .member(member) }
            return .participant(participant ?? 0)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything held about a person (subject access); the export is audited.",
            discussion: "Example: gugus person export --email budi@maluku-utara.go.id --json > budi.json")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var who: Who

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let export = try await options.gugus().exportPerson(who.reference)
                try output.emit(export) { PersonExportText(export: export, output: output).text }
            }
        }
    }

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a person's contact details everywhere they appear.",
            discussion: "Example: gugus person correct --member 12 --new-email budi.s@malutprov.go.id --phone 0812-1111-2222")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var who: Who
        @Option(help: "The new e-mail address.") var newEmail: String?
        @Option(help: "The new phone number.") var phone: String?
        @Option(help: "The name, corrected.") var name: String?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let report = try await options.gugus().correctPerson(PersonCorrection(person: who.reference, newEmail: newEmail, phone: phone, name: name))
                try output.emit(report) {
                    output.text(
                        "Dikoreksi (\(personalFieldNames(report.fields, .id))): \(PersonExportText.places(report, output)); \(report.reminders) pengingat yang belum terkirim memakai data baru.",
                        "Corrected (\(personalFieldNames(report.fields, .en))): \(PersonExportText.places(report, output)); \(report.reminders) reminders still to go use the new details.")
                }
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a person's e-mail and phone (and with --erase-name, the name) everywhere.",
            discussion: """
                The memberships stay, with their role, institution, position, dates and decree: the archive of the \
                appointment. The audit log records the erasure, by whom and why, without the erased values.
                Example: gugus person erase --email budi@maluku-utara.go.id --erase-name --reason "permintaan yang bersangkutan, 2 Des 2026"
                """)
        @OptionGroup var options: GlobalOptions
        @OptionGroup var who: Who
        @Flag(help: "Replace the name with [dihapus] too.") var eraseName = false
        @Option(help: "Why (the person's request, and its date); kept in the audit log.") var reason: String

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let report = try await options.gugus().erasePerson(PersonErasure(person: who.reference, eraseName: eraseName, reason: reason))
                try output.emit(report) {
                    output.text(
                        "Dihapus (\(personalFieldNames(report.fields, .id))): \(PersonExportText.places(report, output)); \(report.reminders) pengingat dilewati, \(report.auditEntries) entri audit dibersihkan.",
                        "Erased (\(personalFieldNames(report.fields, .en))): \(PersonExportText.places(report, output)); \(report.reminders) reminders skipped, \(report.auditEntries) audit entries redacted.")
                }
            }
        }
    }

    struct Retention: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase the contact details past their retention period (--dry-run lists them).",
            discussion: """
                Outside guests' addresses go GUGUS_RETENTION_GUEST_MONTHS (12) months after their last session; former \
                members' e-mail and phone GUGUS_RETENTION_MEMBER_YEARS (5; 0 keeps them) years after their last \
                membership ended. `gugus serve` and `gugus scheduler` apply them once a day. Against a server, the \
                server's periods apply.
                """)
        @OptionGroup var options: GlobalOptions
        @Flag(help: "List what would be erased; change nothing.") var dryRun = false

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                var gugus = try await options.gugus()
                if var local = gugus as? DatabaseGugus {
                    local.retention = try RetentionPolicy.fromEnvironment(options.environment)
                    gugus = local
                }
                let report = try await gugus.applyRetention(dryRun: dryRun)
                try output.emit(report) {
                    var table = Table([output.text("jenis", "kind"), "id", output.text("nama", "name"),
                                       output.text("terakhir", "last"), output.text("data", "data")])
                    for item in report.items {
                        let kind = item.kind == .guest ? output.text("tamu", "guest") : output.text("mantan anggota", "former member")
                        let id = item.personId.map { output.text("orang \($0)", "person \($0)") }
                            ?? output.text("peserta ", "participants ") + item.participantIds.map(String.init).joined(separator: ",")
                        table.add([kind, id, item.name, LocalTime.iso8601(item.lastActivity), personalFieldNames(item.fields, output.language)])
                    }
                    let summary = report.dryRun
                        ? output.text("\(report.items.count) orang akan dihapus data kontaknya (uji coba; tidak ada yang diubah).",
                                      "\(report.items.count) people's contact details would be erased (dry run; nothing changed).")
                        : output.text("\(report.items.count) orang dihapus data kontaknya.", "\(report.items.count) people's contact details erased.")
                    return report.items.isEmpty ? summary : table.rendered + "\n" + summary
                }
            }
        }
    }
}

/// A subject-access export as text to read: each kind of record under its heading.
struct PersonExportText {
    let export: PersonalDataExport
    let output: Output

    static func places(_ report: PersonChangeReport, _ output: Output) -> String {
        [report.persons.isEmpty ? nil : output.text("orang ", "person ") + report.persons.map(String.init).joined(separator: ","),
         report.participants.isEmpty ? nil : output.text("peserta ", "participants ") + report.participants.map(String.init).joined(separator: ","),
         report.accounts.isEmpty ? nil : output.text("akun ", "accounts ") + report.accounts.map(String.init).joined(separator: ",")]
            .compactMap { $0 }.joined(separator: "; ")
    }

    var text: String {
        var lines: [String] = []
        func heading(_ id: String, _ en: String, _ count: Int) {
            lines.append("")
            lines.append("\(output.text(id, en)) (\(count))")
        }
        lines.append(output.text("Data pribadi yang disimpan Gugus tentang \(describe(export.request))",
                                 "Personal data Gugus holds about \(describe(export.request))"))
        lines.append(output.text("Dibuat \(LocalTime.iso8601(export.generatedAt))", "Generated \(LocalTime.iso8601(export.generatedAt))"))
        heading("Orang", "Person", export.persons.count)
        for person in export.persons {
            lines.append("  \(person.id): \(person.name), \(person.email ?? "—"), \(person.phone ?? "—")"
                         + (person.erasedAt.map { output.text(", dihapus \(LocalTime.iso8601($0))", ", erased \(LocalTime.iso8601($0))") } ?? ""))
        }
        heading("Keanggotaan", "Memberships", export.memberships.count)
        for member in export.memberships {
            lines.append("  \(member.id): \(output.text("gugus tugas", "task force")) \(member.taskForceId), \(member.role.rawValue), \(member.position), \(member.institution), \(member.validFrom)–\(member.validUntil?.description ?? "")")
        }
        heading("Undangan sesi", "Session invitations", export.participations.count)
        for item in export.participations {
            lines.append("  \(item.participant.id): \(output.text("sesi", "session")) \(item.participant.sessionId) '\(item.sessionTitle)', \(Self.registration(item.participant.registration, output))"
                         + (item.participant.attended ? output.text(", hadir", ", attended") : ""))
        }
        heading("Pengingat", "Reminders", export.reminders.count)
        for reminder in export.reminders {
            lines.append("  \(reminder.id): \(reminder.channel.rawValue), \(LocalTime.iso8601(reminder.dueAt)), \(Self.status(reminder.status, output))"
                         + (reminder.sentAt.map { output.text(", terkirim \(LocalTime.iso8601($0))", ", sent \(LocalTime.iso8601($0))") } ?? ""))
        }
        heading("Berhenti berlangganan", "Opt-outs", export.optOuts.count)
        for optOut in export.optOuts {
            lines.append("  \(optOut.id): \(optOut.kind.remindersName(output.language)), \(LocalTime.iso8601(optOut.optedOutAt))"
                         + (optOut.undoneAt.map { output.text(", dibatalkan \(LocalTime.iso8601($0))", ", undone \(LocalTime.iso8601($0))") } ?? ""))
        }
        heading("Akun portal", "Portal accounts", export.accounts.count)
        for account in export.accounts {
            lines.append("  \(account.id): \(account.name) <\(account.email)>, \(Self.role(account.role, output))")
        }
        heading("Entri audit", "Audit entries", export.audit.count)
        for entry in export.audit {
            lines.append("  \(entry.id): \(LocalTime.iso8601(entry.at)) \(entry.action) \(entry.entity) \(entry.entityId), \(entry.actor)")
        }
        heading("Yang dapat melihat data kontaknya", "Who can see the contact details", export.contactAccess.count)
        for access in export.contactAccess {
            lines.append("  \(access.kind == .account ? output.text("akun", "account") : "token") \(access.id): \(access.name), \(Self.role(access.role, output))\(access.regionCode.map { " \($0)" } ?? "")")
        }
        heading("Catatan pemrosesan", "Record of processing", export.processing.count)
        for record in export.processing {
            lines.append("  - \(output.text(record.data))")
            lines.append("    \(output.text("Tujuan", "Purpose")): \(output.text(record.purpose))")
            lines.append("    \(output.text("Penerima", "Recipients")): \(output.text(record.recipients))")
            lines.append("    \(output.text("Masa simpan", "Retention")): \(output.text(record.retention))")
        }
        return lines.joined(separator: "\n")
    }

    static func status(_ status: Reminder.Status, _ output: Output) -> String {
        switch status {
        case .pending: output.text("menunggu", "pending")
        case .sent: output.text("terkirim", "sent")
        case .skipped: output.text("tidak dikirim", "skipped")
        case .failed: output.text("gagal, dicoba lagi", "failed, will retry")
        case .dead: output.text("gagal", "failed")
        }
    }

    static func registration(_ registration: Participant.Registration, _ output: Output) -> String {
        switch registration {
        case .invited: output.text("diundang", "invited")
        case .registered: output.text("terdaftar", "registered")
        case .declined: output.text("menolak", "declined")
        case .cancelled: output.text("dibatalkan", "cancelled")
        }
    }

    static func role(_ role: Caller.Role, _ output: Output) -> String {
        switch role {
        case .admin: output.text("admin sekretariat", "secretariat admin")
        case .coordinator: output.text("koordinator wilayah", "regional coordinator")
        case .reviewer: output.text("peninjau laporan GTN", "GTN report reviewer")
        case .viewer: output.text("pemantau", "viewer")
        }
    }

    func describe(_ reference: PersonRef) -> String {
        switch reference {
        case .email(let email): email
        case .member(let id): output.text("anggota \(id)", "member \(id)")
        case .participant(let id): output.text("peserta \(id)", "participant \(id)")
        }
    }
}
