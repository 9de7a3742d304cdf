import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel

struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Register, import, list and end memberships.",
        subcommands: [Add.self, Import.self, List.self, End.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a member to a task force.",
            discussion: """
                Example:
                  gugus member add --taskforce 82 --name "Sherly Tjoanda" --role ketua \\
                    --position "Gubernur Maluku Utara" --institution "Pemerintah Provinsi Maluku Utara"
                Roles: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota. Without --decree, the
                establishing decree in force on the first day appoints; without --from, that decree's
                effective date (or today) is the first day.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("The task force: region code, national, or id.", valueName: "ref")) var taskforce: TaskForceRef
        @Option(help: "Full name.") var name: String
        @Option(help: "The role the decree gives.") var role: MemberRole
        @Option(help: "Position title (jabatan), as in the decree.") var position: String
        @Option(help: "Institution (instansi).") var institution: String
        @Option(help: ArgumentHelp("Institution kind (default: guessed from the name).", valueName: "kind")) var institutionKind: String?
        @Option(help: "E-mail address.") var email: String?
        @Option(help: "Phone number; normalised to +62….") var phone: String?
        @Option(help: ArgumentHelp("Language for reminders: id or en.", valueName: "id|en")) var language: String?
        @Option(help: ArgumentHelp("Working group (pokja) 1–3.", valueName: "n")) var workingGroup: Int?
        @Option(help: ArgumentHelp("The appointing decree.", valueName: "id")) var decree: Int64?
        @Option(help: ArgumentHelp("First day.", valueName: "YYYY-MM-DD")) var from: CivilDate?
        @Option(help: ArgumentHelp("Last day.", valueName: "YYYY-MM-DD")) var until: CivilDate?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let input = try NewMember(
                    taskForce: taskforce, name: name, role: role,
                    position: position, institution: institution, institutionKind: institutionKind,
                    email: email.map { text throws(GugusError) in try EmailAddress(parsing: text) },
                    phone: phone.map { text throws(GugusError) in try PhoneNumber(parsing: text) },
                    language: language.map { Language(tag: $0) }, workingGroup: workingGroup, decreeId: decree,
                    from: from,
                    until: until)
                let member = try await options.gugus().addMember(input)
                try output.emit(member) {
                    output.text("Anggota ditambahkan: ", "Member added: ") + "\(member.name), \(member.role.rawValue) (id \(member.id)), "
                        + output.text("sejak ", "from ") + member.validFrom.description
                }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import members from a CSV roster (all or nothing, unless --skip-invalid).",
            discussion: """
                Columns (header row, any order): name, role, position, institution, email, phone, \
                working_group, from, until — or in Indonesian: nama, peran, jabatan, instansi, email, \
                telepon, pokja, mulai, selesai. Separator , or ; with or without a UTF-8 BOM.
                Re-importing a file updates the members it matches (by e-mail, else name and \
                institution) and adds none twice. See docs/member-import.md.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("The task force: region code, national, or id.", valueName: "ref")) var taskforce: TaskForceRef
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Check everything, change nothing.") var dryRun = false
        @Flag(help: "Import the good rows and report the bad ones.") var skipInvalid = false
        @Option(help: ArgumentHelp("The appointing decree (default: the one in force).", valueName: "id")) var decree: Int64?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw GugusError.invalid(field: "file", value: file, Localized(
                        id: "berkas '\(file)' tidak dapat dibaca; periksa path-nya", en: "cannot read the file '\(file)'; check the path"))
                }
                let lines = data.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                if lines > 2000 {
                    output.note(output.text("Memeriksa dan menyimpan sekitar \(lines) baris dari \(file)…", "Checking and saving about \(lines) lines of \(file)…"))
                }
                let started = Date()
                let report = try await options.gugus().importMembers(
                    taskForce: taskforce, csv: data,
                    options: ImportOptions(dryRun: dryRun, skipInvalid: skipInvalid, decreeId: decree))
                if lines > 2000 {
                    output.note(output.text("Selesai dalam \(String(format: "%.1f", Date().timeIntervalSince(started))) detik.",
                                            "Done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s."))
                }
                try output.emit(Identified(report, id: report.taskForceId)) { ImportRendering(output: output).summary(report) }
                for problem in report.problems where !output.json {
                    let place = problem.line.map { output.text("baris \($0), kolom \(problem.field)", "line \($0), column \(problem.field)") } ?? problem.field
                    output.note("  \(place): \(output.text(problem.message))")
                }
                if report.rolledBack && !report.dryRun { throw ExitCode(1) }
                if report.dryRun && !report.problems.isEmpty { throw ExitCode(1) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the members of a task force on a date (default: today).")
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("The task force: region code, national, or id.", valueName: "ref")) var taskforce: TaskForceRef
        @Option(help: ArgumentHelp("The date (default: today in the task force's zone).", valueName: "YYYY-MM-DD")) var at: CivilDate?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let gugus = try await options.gugus()
                let reference = taskforce
                let date = at
                let members = try await gugus.all { try await gugus.members(taskForce: reference, at: date, page: $0) }
                try output.emit(members) {
                    if members.isEmpty {
                        return output.text("Tidak ada anggota pada tanggal itu.", "No members on that date.")
                    }
                    var table = Table(["id", output.text("nama", "name"), output.text("peran", "role"), "pokja",
                                       output.text("jabatan", "position"), output.text("instansi", "institution"), "e-mail",
                                       output.text("sejak", "from")])
                    for member in members {
                        table.add([String(member.id), member.name, member.role.rawValue, member.workingGroup.cell,
                                   member.position, member.institution, member.email.cell, member.validFrom.description])
                    }
                    return table.rendered
                }
            }
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a membership; the history is kept.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The membership id (see member list).") var id: Int64
        @Option(help: ArgumentHelp("The last day of membership.", valueName: "YYYY-MM-DD")) var on: CivilDate
        @Option(help: "Why, e.g. \"mutasi jabatan\".") var reason: String?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let member = try await options.gugus().endMember(id: id, on: on, reason: reason)
                try output.emit(member) {
                    output.text("Keanggotaan \(member.id) (\(member.name)) berakhir pada \(member.validUntil.cell).",
                                "Membership \(member.id) (\(member.name)) ends on \(member.validUntil.cell).")
                }
            }
        }
    }
}

struct ImportRendering {
    let output: Output

    func summary(_ report: ImportReport) -> String {
        let counts = output.text(
            "\(report.rows) baris: \(report.created) baru, \(report.updated) diperbarui, \(report.unchanged) tetap, \(report.skipped) dilewati",
            "\(report.rows) rows: \(report.created) new, \(report.updated) updated, \(report.unchanged) unchanged, \(report.skipped) skipped")
        if report.dryRun {
            return output.text("Uji coba (tidak ada yang disimpan): ", "Dry run (nothing saved): ") + counts
        }
        if report.rolledBack {
            return output.text(
                "Tidak ada yang diimpor: \(report.problems.count) masalah di \(Set(report.problems.compactMap(\.line)).count) baris. Perbaiki berkasnya, atau pakai --skip-invalid untuk mengimpor baris yang benar saja.",
                "Nothing was imported: \(report.problems.count) problems on \(Set(report.problems.compactMap(\.line)).count) lines. Fix the file, or use --skip-invalid to import the good rows only.")
        }
        return output.text("Diimpor: ", "Imported: ") + counts
    }
}
