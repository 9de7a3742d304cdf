import Crypto
import Foundation
import GugusModel

/// How the CLI writes reports, periods and actions for people.
enum ReportText {
    static func number(_ value: Double) -> String { ReportNumber.text(value) }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func assignment(_ action: ReportAction, _ output: Output) -> String {
        switch action.assigned {
        case .all: output.text("semua GTD provinsi", "every province's GTD")
        case .national: output.text("GTN", "GTN")
        case .regions: action.regionCodes.joined(separator: " ")
        }
    }

    static func period(_ period: ReportPeriod, _ output: Output) -> String {
        let kind = period.kind == .annual ? output.text("tahunan", "annual") : output.text("caturwulan", "four-monthly")
        var line = "\(period.name) (\(kind)): "
            + output.text("dibuka \(period.opensOn), ditutup \(period.closesOn) pukul 23.59 waktu setempat",
                          "opens \(period.opensOn), closes \(period.closesOn) at 23:59 local time")
            + output.text("; mencakup kegiatan \(period.coversFrom) – \(period.coversUntil)", "; covers activity \(period.coversFrom) – \(period.coversUntil)")
        for item in period.extensions {
            let scope = item.regionCode.map { output.text("wilayah \($0)", "region \($0)") } ?? output.text("semua wilayah", "every region")
            line += "\n  " + output.text("diperpanjang untuk \(scope) sampai \(item.untilOn): \(item.reason)",
                                         "extended for \(scope) until \(item.untilOn): \(item.reason)")
        }
        return line
    }

    static func report(_ report: Report, _ output: Output) -> String {
        let language = output.language
        let closes = LocalTime.long(report.closesAt, in: report.zone, language: language)
        var lines = [
            output.text("Laporan \(report.taskForce), periode \(report.period)", "Report of \(report.taskForce), period \(report.period)"),
            output.text("Status: \(report.standingLabel.id); batas kirim \(closes)", "State: \(report.standingLabel.en); due \(closes)"),
        ]
        if let at = report.submittedAt {
            lines.append(output.text("Dikirim \(LocalTime.long(at, in: report.zone, language: language)) oleh \(report.submittedBy ?? "?")",
                                     "Submitted \(LocalTime.long(at, in: report.zone, language: language)) by \(report.submittedBy ?? "?")")
                + (report.submissionNote.map { ": \($0)" } ?? ""))
        }
        if let note = report.reviewNote {
            lines.append(output.text("Catatan peninjau (\(report.reviewedBy ?? "?")): \(note)", "Reviewer's note (\(report.reviewedBy ?? "?")): \(note)"))
        }
        if report.entries.isEmpty {
            lines.append(output.text(
                "Belum ada aksi yang ditugaskan untuk gugus tugas ini; admin memuatnya dengan `gugus report action import`.",
                "No actions are assigned to this task force yet; an admin loads them with `gugus report action import`."))
        }
        for entry in report.entries {
            lines.append("")
            lines.append("[\(entry.actionCode)] \(entry.title) (" + output.text("strategi", "strategy") + " \(entry.strategy)) – \(output.text(entry.progress.label))")
            var indicator = output.text("Indikator: ", "Indicator: ") + entry.indicator
            if let target = entry.target { indicator += output.text("; target ", "; target ") + "\(number(target)) \(entry.unit ?? "")" }
            if let value = entry.value { indicator += output.text("; capaian ", "; achieved ") + "\(number(value)) \(entry.unit ?? "")" }
            lines.append("  " + indicator)
            if let achievement = entry.achievement { lines.append("  " + output.text("Capaian: ", "Achievement: ") + achievement) }
            if !entry.inputsFrom.isEmpty {
                lines.append("  " + output.text("Masukan dari kabupaten/kota: ", "Input from regencies/cities: ") + entry.inputsFrom.joined(separator: ", "))
            }
            for item in entry.evidence { lines.append("  " + output.text("Bukti", "Evidence") + " #\(item.id): " + evidence(item, report, output)) }
            if entry.evidence.isEmpty { lines.append("  " + output.text("Belum ada bukti dukung.", "No evidence yet.")) }
            for proposal in entry.proposed {
                lines.append("  " + output.text("Diusulkan", "Proposed") + ": " + output.text("kegiatan", "session") + " \(proposal.sessionId) '\(proposal.title)', "
                    + LocalTime.long(proposal.startsAt, in: report.zone, language: language) + ", "
                    + output.text("\(proposal.attended) hadir dari \(proposal.participants) peserta", "\(proposal.attended) attended of \(proposal.participants)")
                    + output.text(" (terima dengan --session \(proposal.sessionId) pada `report evidence add`, tolak pada `report evidence remove`)",
                                  " (accept with --session \(proposal.sessionId) on `report evidence add`, drop on `report evidence remove`)"))
            }
            if entry.reviewNote != nil || entry.score != nil {
                lines.append("  " + output.text("Tinjauan", "Review") + ": " + [entry.score.map { output.text("nilai \($0)", "score \($0)") }, entry.reviewNote]
                    .compactMap { $0 }.joined(separator: "; "))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func evidence(_ item: Evidence, _ report: Report, _ output: Output) -> String {
        switch item.kind {
        case .file:
            return output.text("berkas", "file") + " \(item.fileName ?? "") (\(item.sizeText), SHA-256 \(item.sha256 ?? ""))"
        case .link:
            return output.text("tautan", "link") + " \(item.url ?? "")" + (item.description.map { " – \($0)" } ?? "")
        case .session:
            let when = item.sessionStartsAt.map { LocalTime.long($0, in: report.zone, language: output.language) } ?? ""
            return output.text("kegiatan", "session") + " \(item.sessionId ?? 0) '\(item.sessionTitle ?? "")', \(when), "
                + output.text("\(item.attended ?? 0) hadir dari \(item.participants ?? 0) peserta", "\(item.attended ?? 0) attended of \(item.participants ?? 0)")
        }
    }
}
