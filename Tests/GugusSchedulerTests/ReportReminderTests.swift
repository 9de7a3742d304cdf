import Foundation
import GugusDatabase
import GugusModel
import GugusScheduler
import GugusTestSupport
import Postgres
import Testing

/// The four reporting reminders (sql/018_report_reminders.sql), through the log channel.
@Suite("Reporting reminders", .releasesResources)
struct ReportReminderTests {
    static let period = "Laporan Tahunan Uji"
    static let today = CivilDate(Date(), in: ReminderTestbed.zone)
    static let reviewer = Caller(name: "gtn-peninjau", role: .reviewer)

    /// The testbed's GTD of Maluku Utara with a sekretaris and a coordinator account, and
    /// Maluku's (81) with a coordinator account; an action for every province; the rules.
    func setUp() async throws -> ReminderTestbed {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.member("Sari Sekretaris", email: "sari@malutprov.go.id", role: .sekretaris)
        _ = try await bed.gugus.addAccount(NewAccount(email: "kanwil.malut@kemenham.go.id", name: "Kanwil Maluku Utara", role: .coordinator, regionCode: "82"))
        _ = try await bed.gugus.createTaskForce(NewTaskForce(regionCode: "81"))
        _ = try await bed.gugus.addAccount(NewAccount(email: "kanwil.maluku@kemenham.go.id", name: "Kanwil Maluku", role: .coordinator, regionCode: "81"))
        _ = try await bed.gugus.importActions(csv: Data("""
            code,title,strategy,indicator,unit,target,assigned
            A1.1,Sosialisasi BHAM bagi pelaku usaha,1,Jumlah kegiatan,kegiatan,4,all

            """.utf8), programme: nil)
        for (kind, days) in [(ReminderRule.Kind.reportOpens, nil), (.reportClosing, 14), (.reportClosing, 3), (.reportOverdue, nil), (.reportReturned, nil)] {
            _ = try await bed.gugus.addReminderRule(NewReminderRule(kind: kind, daysBefore: days))
        }
        return bed
    }

    struct Planned: Decodable, Equatable {
        var regionCode: String
        var rule: String
        var recipientKey: String
        var status: String
        var skipReason: String?
    }

    func planned(_ bed: ReminderTestbed) async throws -> [Planned] {
        try await bed.pool.query("""
            SELECT r.region_code, ru.kind || coalesce(' ' || ru.days_before, '') AS rule, r.recipient_key, r.status, r.skip_reason
            FROM reminder r JOIN reminder_rule ru ON ru.id = r.rule_id
            WHERE r.report_period_id IS NOT NULL
            ORDER BY r.region_code, ru.kind, ru.days_before, r.recipient_key
            """).decode(as: Planned.self)
    }

    @Test("a period's opening reaches each task force's sekretaris and coordinators; its closing reminders stop once the report is in")
    func openingAndClosing() async throws {
        let bed = try await setUp()
        _ = try await bed.gugus.addPeriod(NewReportPeriod(name: Self.period, opensOn: Self.today, closesOn: Self.today.adding(days: 20)))
        let reminders = try await planned(bed)
        #expect(reminders.filter { $0.regionCode == "82" }.map(\.rule) == [
            "report_closing 3", "report_closing 3", "report_closing 14", "report_closing 14",
            "report_opens", "report_opens", "report_overdue", "report_overdue",
        ])
        #expect(Set(reminders.filter { $0.regionCode == "82" }.map(\.recipientKey)).count == 2, "the sekretaris and the coordinator account")
        #expect(reminders.filter { $0.regionCode == "81" }.count == 4, "Maluku's coordinator: opens, 14 and 3 days, overdue")

        // The opening notices go now.
        try await bed.pool.execute("""
            UPDATE reminder SET not_before = now() WHERE rule_id IN (SELECT id FROM reminder_rule WHERE kind = 'report_opens')
            """)
        let log = try ReminderTestbed.temporaryPath("opens.jsonl")
        #expect(try await bed.dispatcher(logPath: log).runOnce().sent == 3)
        let lines = try ReminderTestbed.logLines(log)
        let closes = LocalTime.long(Self.today.adding(days: 21).start(in: ReminderTestbed.zone).addingTimeInterval(-60), in: .jayapura, language: .id)
        #expect(lines.map { $0["subject"] as? String } == Array(repeating: "Periode pelaporan \(Self.period) dibuka; batas kirim \(closes)", count: 3))
        #expect(closes.hasSuffix("pukul 23.59 WIT"))
        #expect(Set(lines.compactMap { ($0["recipient"] as? [String: Any])?["name"] as? String }) == ["Sari Sekretaris", "Kanwil Maluku Utara", "Kanwil Maluku"])
        #expect((lines.first?["text"] as? String)?.contains("gugus report show --taskforce") == true)

        // Maluku Utara submits; its deadline reminders are then skipped when their time comes.
        let malut = bed.gugus.acting(as: Caller(name: "kanwil-malut", role: .coordinator, regionCode: "82"))
        _ = try await malut.stepReport(ReportRef(taskForce: .region("82"), period: Self.period), .submit, note: nil)
        try await bed.pool.execute("UPDATE reminder SET not_before = now() WHERE status = 'pending' AND region_code = '82'")
        #expect(try await bed.dispatcher().runOnce().sent == 0)
        let after = try await planned(bed).filter { $0.regionCode == "82" && $0.rule != "report_opens" }
        #expect(after.allSatisfy { $0.status == "skipped" }, "\(after)")
        #expect(after.first?.skipReason == "the report is in (submitted or verified), the period's close moved or passed, or the recipient no longer reports")
    }

    @Test("the day after the close, only a task force whose report is not in is reminded; none once its report is verified")
    func overdueAndReturned() async throws {
        let bed = try await setUp()
        _ = try await bed.gugus.addPeriod(NewReportPeriod(name: Self.period, opensOn: Self.today.adding(days: -5), closesOn: Self.today))
        // The opening notices and the deadline reminders are behind us.
        try await bed.pool.execute("""
            UPDATE reminder SET status = 'sent', sent_at = now()
            WHERE rule_id IN (SELECT id FROM reminder_rule WHERE kind IN ('report_opens', 'report_closing'))
            """)

        // Maluku submits in time; a reviewer returns it, which tells its coordinator at once.
        let ref81 = ReportRef(taskForce: .region("81"), period: Self.period)
        let maluku = bed.gugus.acting(as: Caller(name: "kanwil-maluku", role: .coordinator, regionCode: "81"))
        _ = try await maluku.stepReport(ref81, .submit, note: nil)
        let reviewer = bed.gugus.acting(as: Self.reviewer)
        _ = try await reviewer.stepReport(ref81, .return, note: "Bukti sosialisasi belum dilampirkan")
        let returned = try await planned(bed).filter { $0.rule == "report_returned" }
        #expect(returned.map(\.recipientKey).count == 1)
        let log = try ReminderTestbed.temporaryPath("returned.jsonl")
        #expect(try await bed.dispatcher(logPath: log).runOnce().sent == 1)
        let line = try #require(try ReminderTestbed.logLines(log).first)
        #expect(line["subject"] as? String == "Laporan \(Self.period) dikembalikan untuk diperbaiki")
        #expect((line["text"] as? String)?.contains("Catatan peninjau: Bukti sosialisasi belum dilampirkan") == true)
        #expect(line["kind"] as? String == "report_returned")

        // Corrected, resubmitted and verified.
        _ = try await maluku.stepReport(ref81, .submit, note: nil)
        _ = try await reviewer.stepReport(ref81, .verify, note: nil)

        // Two days pass: the period closed yesterday, at 23:59 WIT.
        try await bed.execute("UPDATE report_period SET closes_on = \(Self.today.adding(days: -2)), covers_until = \(Self.today.adding(days: -2))")
        try await bed.makeDue(through: .distantFuture)
        let overdueLog = try ReminderTestbed.temporaryPath("overdue.jsonl")
        #expect(try await bed.dispatcher(logPath: overdueLog).runOnce().sent == 2)
        let lines = try ReminderTestbed.logLines(overdueLog)
        let closed = LocalTime.long(Self.today.adding(days: -1).start(in: ReminderTestbed.zone).addingTimeInterval(-60), in: .jayapura, language: .id)
        #expect(lines.map { $0["subject"] as? String } == Array(repeating: "Laporan \(Self.period) belum diterima; periode ditutup \(closed)", count: 2))
        #expect(Set(lines.compactMap { $0["region_code"] as? String }) == ["82"], "Maluku, whose report is verified, hears nothing")
        let maluku81 = try await planned(bed).filter { $0.regionCode == "81" }
        #expect(maluku81.filter { $0.rule == "report_overdue" }.map(\.status) == ["skipped"])
        #expect(maluku81.filter { $0.rule == "report_returned" }.map(\.status) == ["sent"])

        // Planning again (the scheduler does every few minutes) adds nothing for either.
        #expect(try await bed.pool.query("SELECT plan_report_reminders()").single()!.decode(Int.self) == 0)
    }

    @Test("an extension moves the closing reminders to the new close")
    func extensionMovesReminders() async throws {
        let bed = try await setUp()
        _ = try await bed.gugus.addPeriod(NewReportPeriod(name: Self.period, opensOn: Self.today, closesOn: Self.today.adding(days: 20)))
        _ = try await bed.gugus.extendPeriod(Self.period, PeriodExtension(regionCode: "82", until: Self.today.adding(days: 30), reason: "banjir"))
        let occasions = try await bed.pool.query("""
            SELECT r.period_start FROM reminder r JOIN reminder_rule ru ON ru.id = r.rule_id
            WHERE r.region_code = '82' AND ru.kind = 'report_closing' AND ru.days_before = 3
            ORDER BY r.period_start
            """).decode(CivilDate.self)
        #expect(Set(occasions) == [Self.today.adding(days: 17), Self.today.adding(days: 27)])
        // When the old close's day comes, its reminder no longer holds; the new one waits.
        try await bed.pool.execute("UPDATE reminder SET not_before = now() WHERE period_start = \(Self.today.adding(days: 17))")
        _ = try await bed.dispatcher().runOnce()
        let statuses = try await bed.pool.query("""
            SELECT r.period_start, r.status FROM reminder r JOIN reminder_rule ru ON ru.id = r.rule_id
            WHERE r.region_code = '82' AND ru.kind = 'report_closing' AND ru.days_before = 3
            ORDER BY r.period_start, r.recipient_key
            """).decode((CivilDate, String).self)
        #expect(statuses.map(\.1) == ["skipped", "skipped", "pending", "pending"], "\(statuses)")
    }
}
