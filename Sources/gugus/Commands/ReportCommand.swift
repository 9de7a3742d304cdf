import ArgumentParser
import Foundation
import GugusModel

/// `gugus report …`: the Aksi BHAM reporting cycle (docs/reporting.md).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Aksi BHAM reporting: actions, periods, reports with evidence, review and the national recap.",
        discussion: """
            A coordinator fills the report of their task force, adds evidence and submits it;
            a GTN reviewer returns it with notes or verifies it. See docs/reporting.md.
            """,
        subcommands: [
            Action.self, Period.self, Show.self, Entry.self, EvidenceCommand.self, Review.self,
            Submit.self, Return.self, Verify.self, Recap.self, Reminders.self,
        ])

    /// The options that name one report.
    struct Subject: ParsableArguments {
        @Option(help: ArgumentHelp("The task force: region code, national, or id.", valueName: "ref")) var taskforce: TaskForceRef
        @Option(help: ArgumentHelp("The reporting period's name, e.g. \"Laporan Tahunan 2025\".", valueName: "name")) var period: String

        var reference: ReportRef { ReportRef(taskForce: taskforce, period: period) }
    }

    // MARK: Actions

    struct Action: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A programme's actions (aksi), with indicators and targets.", subcommands: [Import.self, List.self])

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Load actions from CSV, all or nothing; an action already there is updated.",
                discussion: """
                    Columns: code,title,strategy,indicator,unit,target,assigned
                      strategy  1, 2 or 3
                      unit, target  for an indicator with a number (both, or neither)
                      assigned  all (every province's GTD), national, or region codes separated by spaces
                    Example:
                      code,title,strategy,indicator,unit,target,assigned
                      A1.1,Sosialisasi BHAM bagi pelaku usaha,1,Jumlah kegiatan sosialisasi,kegiatan,4,all
                    """)
            @OptionGroup var options: GlobalOptions
            @Argument(help: ArgumentHelp("The CSV file.", valueName: "file.csv")) var file: String
            @Option(help: ArgumentHelp("The programme (default: the one in force).", valueName: "name")) var programme: String?

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let csv = try readFile(file, field: "file")
                    let report = try await options.gugus().importActions(csv: csv, programme: programme)
                    try output.emit(report) {
                        output.text(
                            "Aksi \(report.programme) dimuat: \(report.added) baru, \(report.updated) sudah ada (diperbarui dari file).",
                            "Actions of \(report.programme) loaded: \(report.added) new, \(report.updated) already there (updated from the file).")
                    }
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List a programme's actions.")
            @OptionGroup var options: GlobalOptions
            @Option(help: ArgumentHelp("The programme (default: the one in force).", valueName: "name")) var programme: String?

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let actions = try await options.gugus().actions(programme: programme)
                    if output.json { return try output.printJSON(actions) }
                    if actions.isEmpty {
                        return print(output.text(
                            "Belum ada aksi; muat dengan `gugus report action import FILE.csv`.",
                            "No actions yet; load them with `gugus report action import FILE.csv`."))
                    }
                    var table = Table(output.language == .id
                        ? ["KODE", "STRATEGI", "AKSI", "TARGET", "DITUGASKAN"] : ["CODE", "STRATEGY", "ACTION", "TARGET", "ASSIGNED"])
                    for action in actions {
                        table.add([
                            action.code, String(action.strategy), action.title,
                            action.target.map { "\(ReportText.number($0)) \(action.unit ?? "")" } ?? "–",
                            ReportText.assignment(action, output),
                        ])
                    }
                    print(table.rendered)
                }
            }
        }
    }

    // MARK: Periods

    struct Period: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reporting periods: add, list, extend.", subcommands: [Add.self, List.self, Extend.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a reporting period; it closes at 23:59 of --closes in each region's own zone.",
                discussion: """
                    Example:
                      gugus report period add --name "Laporan Tahunan 2025" --opens 2025-09-01 --closes 2025-09-30
                    The reports cover the activity since the programme's previous period closed
                    (or the programme's start) through --closes, unless --covers-from/--covers-until say otherwise.
                    """)
            @OptionGroup var options: GlobalOptions
            @Option(help: "The period's name, e.g. \"Laporan Tahunan 2025\" or \"B04 2026\".") var name: String
            @Option(help: ArgumentHelp("First day reports can be sent.", valueName: "YYYY-MM-DD")) var opens: CivilDate
            @Option(help: ArgumentHelp("Last day (until 23:59 local time).", valueName: "YYYY-MM-DD")) var closes: CivilDate
            @Option(help: "annual (default) or four-monthly.") var kind: ReportPeriod.Kind?
            @Option(help: ArgumentHelp("First day of the activity covered.", valueName: "YYYY-MM-DD")) var coversFrom: CivilDate?
            @Option(help: ArgumentHelp("Last day of the activity covered (default: --closes).", valueName: "YYYY-MM-DD")) var coversUntil: CivilDate?

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let period = try await options.gugus().addPeriod(NewReportPeriod(
                        name: name, opensOn: opens, closesOn: closes, kind: kind, coversFrom: coversFrom, coversUntil: coversUntil))
                    try output.emit(period) {
                        output.text("Periode ditambahkan: ", "Period added: ") + ReportText.period(period, output)
                    }
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the reporting periods, with their extensions.")
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let periods = try await options.gugus().periods()
                    if output.json { return try output.printJSON(periods) }
                    if periods.isEmpty {
                        return print(output.text(
                            "Belum ada periode pelaporan; tambahkan dengan `gugus report period add`.",
                            "No reporting periods yet; add one with `gugus report period add`."))
                    }
                    for period in periods { print(ReportText.period(period, output)) }
                }
            }
        }

        struct Extend: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Extend a period, for every region or one (--region), with the reason.",
                discussion: """
                    Example:
                      gugus report period extend "Laporan Tahunan 2025" --region 82 --until 2025-10-15 --reason "banjir di Sofifi"
                    Extending again replaces the date; the audit log keeps the earlier one.
                    """)
            @OptionGroup var options: GlobalOptions
            @Argument(help: ArgumentHelp("The period's name.", valueName: "name")) var name: String
            @Option(help: ArgumentHelp("Only this region (default: every region).", valueName: "code")) var region: String?
            @Option(help: ArgumentHelp("The new last day (until 23:59 local time).", valueName: "YYYY-MM-DD")) var until: CivilDate
            @Option(help: "Why it is extended.") var reason: String

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let period = try await options.gugus().extendPeriod(name, PeriodExtension(regionCode: region, until: until, reason: reason))
                    try output.emit(period) {
                        output.text("Periode diperpanjang: ", "Period extended: ") + ReportText.period(period, output)
                    }
                }
            }
        }
    }

    // MARK: A report

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A task force's report: every assigned action, its achievement, evidence and the sessions proposed as evidence.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var subject: Subject

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let report = try await options.gugus().report(subject.reference)
                try output.emit(report) { ReportText.report(report, output) }
            }
        }
    }

    struct Entry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write what the report says about one action.", subcommands: [Set.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set an entry's achievement (capaian), value, state or regency/city inputs.",
                discussion: """
                    Example:
                      gugus report entry set --taskforce 82 --period "Laporan Tahunan 2025" --action A1.1 \\
                        --achievement "Empat sosialisasi bagi 120 pelaku usaha" --value 4 --state done --inputs-from 82.71,82.72
                    """)
            @OptionGroup var options: GlobalOptions
            @OptionGroup var subject: Subject
            @Option(help: ArgumentHelp("The action's code.", valueName: "code")) var action: String
            @Option(help: "What was achieved, in words (empty clears it).") var achievement: String?
            @Option(help: ArgumentHelp("The number against the action's target.", valueName: "n")) var value: Double?
            @Option(help: "not_started, in_progress or done.") var state: EntryProgress?
            @Option(help: ArgumentHelp("Regencies and cities that sent input, comma-separated codes (empty clears).", valueName: "codes")) var inputsFrom: String?

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let inputs = inputsFrom.map { $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) }
                    let report = try await options.gugus().setEntry(
                        subject.reference, action: action,
                        EntryChange(achievement: achievement, value: value, progress: state, inputsFrom: inputs))
                    try output.emit(report) {
                        output.text("Aksi \(action) diperbarui.\n", "Action \(action) updated.\n") + ReportText.report(report, output)
                    }
                }
            }
        }
    }

    struct EvidenceCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evidence", abstract: "Evidence (bukti dukung): files, links, completed sessions.",
            subcommands: [Add.self, Remove.self, Get.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a file (PDF, PNG, JPEG, XLSX, XLS, ODS, CSV; at most 10 MB), a link, or a completed session.",
                discussion: """
                    A session's attendance list becomes evidence by reference. Accepting a proposed session is adding it.
                    Example:
                      gugus report evidence add --taskforce 82 --period "Laporan Tahunan 2025" --action A1.1 --file notulen.pdf
                    """)
            @OptionGroup var options: GlobalOptions
            @OptionGroup var subject: Subject
            @Option(help: ArgumentHelp("The action's code.", valueName: "code")) var action: String
            @Option(help: ArgumentHelp("A file to attach.", valueName: "file")) var file: String?
            @Option(help: ArgumentHelp("A web link.", valueName: "url")) var url: String?
            @Option(help: "What the link shows.") var description: String?
            @Option(help: ArgumentHelp("A completed session of the task force.", valueName: "id")) var session: Int64?

            func validate() throws {
                if [file != nil, url != nil, session != nil].filter({ $0 }).count != 1 {
                    throw ValidationError("give exactly one of --file, --url or --session")
                }
            }

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let evidence: EvidenceInput
                    if let file {
                        evidence = .file(EvidenceFile(fileName: URL(fileURLWithPath: file).lastPathComponent, content: try readFile(file, field: "file")))
                    } else if let url {
                        evidence = .link(url: url, description: description)
                    } else {
                        evidence = .session(id: session!)
                    }
                    let report = try await options.gugus().addEvidence(subject.reference, action: action, evidence)
                    try output.emit(report) {
                        output.text("Bukti ditambahkan pada aksi \(action).\n", "Evidence added to action \(action).\n") + ReportText.report(report, output)
                    }
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove evidence (--evidence ID), or a session, cited or only proposed (--session ID).")
            @OptionGroup var options: GlobalOptions
            @OptionGroup var subject: Subject
            @Option(help: ArgumentHelp("The action's code.", valueName: "code")) var action: String
            @Option(help: ArgumentHelp("The evidence's id (see `report show`).", valueName: "id")) var evidence: Int64?
            @Option(help: ArgumentHelp("A session that should not be evidence for the action.", valueName: "id")) var session: Int64?

            func validate() throws {
                if (evidence == nil) == (session == nil) { throw ValidationError("give exactly one of --evidence or --session") }
            }

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let report = try await options.gugus().removeEvidence(subject.reference, action: action, evidenceID: evidence, sessionID: session)
                    try output.emit(report) {
                        output.text("Bukti dihapus dari aksi \(action).\n", "Evidence removed from action \(action).\n") + ReportText.report(report, output)
                    }
                }
            }
        }

        struct Get: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Save an evidence file, byte for byte, and print its SHA-256.")
            @OptionGroup var options: GlobalOptions
            @OptionGroup var subject: Subject
            @Option(help: ArgumentHelp("The evidence's id.", valueName: "id")) var evidence: Int64
            @Option(name: .customLong("output"), help: ArgumentHelp("Where to save it (default: its own name, here).", valueName: "file")) var destination: String?

            func run() async throws {
                let output = options.output
                try await refusing(output) {
                    let file = try await options.gugus().evidenceFile(subject.reference, evidenceID: evidence)
                    let path = destination ?? file.fileName
                    do {
                        try file.content.write(to: URL(fileURLWithPath: path))
                    } catch {
                        throw GugusError.invalid(field: "output", value: path, Localized(
                            id: "tidak dapat menulis '\(path)'; periksa folder dan haknya", en: "cannot write '\(path)'; check the folder and its permissions"))
                    }
                    let saved = SavedFile(id: evidence, path: path, sizeBytes: file.content.count, sha256: ReportText.sha256(file.content))
                    try output.emit(saved) {
                        output.text("Disimpan: \(path) (\(saved.sizeBytes) bita, SHA-256 \(saved.sha256))",
                                    "Saved: \(path) (\(saved.sizeBytes) bytes, SHA-256 \(saved.sha256))")
                    }
                }
            }

            struct SavedFile: Encodable {
                var id: Int64
                var path: String
                var sizeBytes: Int
                var sha256: String
            }
        }
    }

    // MARK: The workflow

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A reviewer's score (0–100) and note on one entry of a submitted report.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var subject: Subject
        @Option(help: ArgumentHelp("The action's code.", valueName: "code")) var action: String
        @Option(help: ArgumentHelp("0 to 100.", valueName: "n")) var score: Int?
        @Option(help: "What the reporter should know or fix.") var note: String?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let report = try await options.gugus().reviewEntry(subject.reference, action: action, EntryReview(score: score, note: note))
                try output.emit(report) {
                    output.text("Tinjauan aksi \(action) dicatat.\n", "Review of action \(action) recorded.\n") + ReportText.report(report, output)
                }
            }
        }
    }

    static func step(_ step: ReportStep, options: GlobalOptions, subject: Subject, note: String?) async throws {
        let output = options.output
        try await refusing(output) {
            let report = try await options.gugus().stepReport(subject.reference, step, note: note)
            try output.emit(report) {
                let done = switch step {
                case .submit: output.text("Laporan dikirim dan terkunci.", "Report submitted and locked.")
                case .return: output.text("Laporan dikembalikan untuk diperbaiki.", "Report returned for corrections.")
                case .verify: output.text("Laporan terverifikasi.", "Report verified.")
                }
                return done + "\n" + ReportText.report(report, output)
            }
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit the report; it is locked until a reviewer returns it.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var subject: Subject
        @Option(help: "A covering note for the reviewers.") var note: String?
        func run() async throws { try await ReportCommand.step(.submit, options: options, subject: subject, note: note) }
    }

    struct Return: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "return", abstract: "Return a submitted report for corrections, with a note (reviewer).")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var subject: Subject
        @Option(help: "What to fix (required).") var note: String?
        func run() async throws { try await ReportCommand.step(.return, options: options, subject: subject, note: note) }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a submitted report (reviewer).")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var subject: Subject
        @Option(help: "A closing note.") var note: String?
        func run() async throws { try await ReportCommand.step(.verify, options: options, subject: subject, note: note) }
    }

    struct Recap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The national recap of a period: per action, how many reported, the sum and mean, and the share with evidence.")
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("The reporting period's name.", valueName: "name")) var period: String
        @Flag(help: "Print CSV (for a spreadsheet) instead of a table.") var csv = false

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let recap = try await options.gugus().recap(period: period)
                if csv { return print(recap.csv(), terminator: "") }
                if output.json { return try output.printJSON(recap) }
                var table = Table(output.language == .id
                    ? ["KODE", "AKSI", "MELAPOR", "JUMLAH", "RATA-RATA", "DENGAN BUKTI"]
                    : ["CODE", "ACTION", "REPORTED", "SUM", "MEAN", "WITH EVIDENCE"])
                for row in recap.rows {
                    table.add([
                        row.actionCode, row.title, "\(row.reported)/\(row.assignedTo)",
                        row.sum.map(ReportText.number) ?? "–", row.mean.map(ReportText.number) ?? "–",
                        row.evidenceShare.map { "\(row.withEvidence) (\(Int(($0 * 100).rounded())) %)" } ?? "–",
                    ])
                }
                print(output.text("Rekap \(recap.period)", "Recap of \(recap.period)"))
                print(table.rendered)
            }
        }
    }
}

extension ReportCommand {
    struct Reminders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the usual reporting reminders: when a period opens, 14 and 3 days before it closes, the day after (if the report is not in), and when a report is returned.",
            discussion: """
                Rules already there are kept, so running it again adds nothing. They reach each task force's
                sekretaris and its region's coordinator accounts, at 09:00 in the region's zone.
                Example:
                  gugus report reminders --channel email
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "How they are sent.") var channel: ReminderRule.Channel = .email
        @Option(help: ArgumentHelp("Webhook target, with --channel webhook.", valueName: "url")) var webhookURL: String?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let gugus = try await options.gugus()
                let existing = try await gugus.reminderRules()
                let wanted: [(ReminderRule.Kind, Int?)] = [(.reportOpens, nil), (.reportClosing, 14), (.reportClosing, 3), (.reportOverdue, nil), (.reportReturned, nil)]
                var rules: [ReminderRule] = []
                for (kind, days) in wanted {
                    if let same = existing.first(where: {
                        $0.kind == kind && $0.daysBefore == days && $0.channel == channel && $0.taskForceId == nil && $0.webhookUrl == webhookURL
                    }) {
                        rules.append(same)
                        continue
                    }
                    rules.append(try await gugus.addReminderRule(NewReminderRule(kind: kind, daysBefore: days, channel: channel, webhookUrl: webhookURL)))
                }
                try output.emit(rules) {
                    rules.map { "\($0.id)  " + ReminderRendering.describe($0, output) }.joined(separator: "\n")
                }
            }
        }
    }
}

/// A file the user named, or an error that names it.
func readFile(_ path: String, field: String) throws(GugusError) -> Data {
    guard let content = FileManager.default.contents(atPath: path) else {
        throw GugusError.invalid(field: field, value: path, Localized(
            id: "berkas '\(path)' tidak dapat dibaca; periksa path-nya", en: "cannot read the file '\(path)'; check the path"))
    }
    return content
}
