import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The status of all 38 provinces, or of one region's task force.",
        discussion: "States: not_formed, established, expiring (term ends within 60 days), lapsed.")
    @OptionGroup var options: GlobalOptions
    @Option(help: ArgumentHelp("One region's status, e.g. 82.", valueName: "code")) var region: String?
    @Option(help: ArgumentHelp("As of this date (default: today in each region's zone).", valueName: "YYYY-MM-DD")) var at: CivilDate?

    func run() async throws {
        let output = options.output
        try await refusing(output) {
            let gugus = try await options.gugus()
            let date = at
            let rendering = StatusRendering(output: output)
            if let region {
                let status = try await gugus.regionStatus(code: region, at: date)
                try output.emit(Identified(status, id: status.regionCode)) { rendering.regionLines(status).joined(separator: "\n") }
            } else {
                let status = try await gugus.nationalStatus(at: date)
                try output.emit(NationalRecord(status)) { rendering.national(status) }
            }
        }
    }
}

/// The national status with the `id` every JSON record carries (`national`), and each
/// province's own `id` (its code).
struct NationalRecord: Encodable {
    var status: NationalStatus
    init(_ status: NationalStatus) { self.status = status }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode("national", forKey: .id)
        try container.encodeIfPresent(status.asOf, forKey: .asOf)
        try container.encode(status.coverage, forKey: .coverage)
        try container.encodeIfPresent(status.national.map { Identified($0, id: $0.regionCode) }, forKey: .national)
        try container.encode(status.provinces.map { Identified($0, id: $0.regionCode) }, forKey: .provinces)
    }

    enum Key: String, CodingKey { case id, asOf = "as_of", coverage, national, provinces }
}

struct StatusRendering {
    let output: Output

    func state(_ state: TaskForceState) -> String {
        switch state {
        case .notFormed: output.text("belum dibentuk", "not formed")
        case .established: output.text("terbentuk", "established")
        case .expiring: output.text("segera berakhir", "expiring")
        case .lapsed: output.text("kedaluwarsa", "lapsed")
        }
    }

    func regionLines(_ status: TaskForceStatus) -> [String] {
        var lines = [
            "\(status.regionCode.cell) \(status.regionName) (\(status.zoneLabel)) — \(state(status.status)) [\(status.status.rawValue)]",
            output.text("  per tanggal:     ", "  as of:           ") + status.asOf.description,
        ]
        if let name = status.taskForceName { lines.append(output.text("  gugus tugas:     ", "  task force:      ") + name) }
        if let decree = status.decree {
            let until = decree.until.map { output.text("s.d. \($0)", "until \($0)") } ?? output.text("tanpa batas", "open-ended")
            lines.append(output.text("  SK berlaku:      ", "  decree in force: ")
                         + "\(decree.number) (\(output.text("ditetapkan", "signed")) \(decree.signedOn), \(until))")
            if let days = decree.daysLeft {
                lines.append(output.text("  sisa masa:       \(days) hari", "  days left:       \(days)"))
            }
        }
        let roles = MemberRole.allCases.compactMap { role in status.members[role.rawValue].map { "\(role.rawValue) \($0)" } }
        lines.append(output.text("  anggota:         ", "  members:         ") + "\(status.memberCount)"
                     + (roles.isEmpty ? "" : " (" + roles.joined(separator: ", ") + ")"))
        lines.append(output.text("  jabatan kosong:  ", "  vacant roles:    ")
                     + (status.vacantCoreRoles.isEmpty ? output.text("tidak ada", "none") : status.vacantCoreRoles.map(\.rawValue).joined(separator: ", ")))
        let sessions = status.sessions
        let rate = sessions.attendanceRate.map { String(format: "%.0f%%", $0 * 100) } ?? "–"
        lines.append(output.text(
            "  sesi:            \(sessions.held) terlaksana, \(sessions.upcoming) mendatang, \(sessions.cancelled) batal; kehadiran \(sessions.attended)/\(sessions.participants) (\(rate))",
            "  sessions:        \(sessions.held) held, \(sessions.upcoming) upcoming, \(sessions.cancelled) cancelled; attendance \(sessions.attended)/\(sessions.participants) (\(rate))"))
        let reminders = status.reminders
        lines.append(output.text(
            "  pengingat:       \(reminders.pending) menunggu, \(reminders.sent) terkirim, \(reminders.failed) gagal",
            "  reminders:       \(reminders.pending) pending, \(reminders.sent) sent, \(reminders.failed) failed"))
        lines.append(output.text("  aktivitas akhir: ", "  last activity:   ") + (status.lastActivity.map(LocalTime.iso8601) ?? "–"))
        if let report = status.report {
            lines.append(output.text("  laporan:         ", "  report:          ") + "\(report.period): \(self.report(report))")
        }
        return lines
    }

    /// A report's standing: its state, and late where the period closed without it.
    func report(_ report: ReportStanding) -> String {
        let state = output.text(report.state.label)
        return report.late ? state + ", " + output.text(ReportState.lateLabel) : state
    }

    func national(_ status: NationalStatus) -> String {
        // The report column once a reporting period has opened.
        let period = status.provinces.lazy.compactMap(\.report?.period).first
        var headers = [output.text("kode", "code"), output.text("provinsi", "province"), output.text("zona", "zone"),
                       "status", output.text("SK", "decree"), output.text("s.d.", "until"), output.text("anggota", "members"),
                       output.text("kosong", "vacant"), output.text("sesi", "sessions")]
        if let period { headers.append(output.text("laporan \(period)", "report \(period)")) }
        var table = Table(headers)
        for province in status.provinces {
            var cells = [
                province.regionCode.cell, province.regionName, province.zoneLabel, state(province.status),
                province.decree?.number ?? "–", province.decree?.until.cell ?? "–", String(province.memberCount),
                province.taskForceId == nil ? "–" : province.vacantCoreRoles.map(\.rawValue).joined(separator: ",").nonEmptyCell,
                String(province.sessions.held),
            ]
            if period != nil { cells.append(province.report.map(report) ?? "–") }
            table.add(cells)
        }
        let coverage = status.coverage
        let summary = output.text(
            "\(coverage.provinces) provinsi: \(coverage.established) terbentuk, \(coverage.expiring) segera berakhir, \(coverage.lapsed) kedaluwarsa, \(coverage.notFormed) belum dibentuk",
            "\(coverage.provinces) provinces: \(coverage.established) established, \(coverage.expiring) expiring, \(coverage.lapsed) lapsed, \(coverage.notFormed) not formed")
        return table.rendered + "\n\n" + summary
    }
}

extension String {
    var nonEmptyCell: String { isEmpty ? "–" : self }
}
