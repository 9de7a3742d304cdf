import Crypto
import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

@Suite("Aksi BHAM reporting", .releasesResources)
struct ReportTests {
    static let period = "Laporan Tahunan 2025"
    static let actions = """
        code,title,strategy,indicator,unit,target,assigned
        A1.1,Sosialisasi BHAM bagi pelaku usaha,1,Jumlah kegiatan sosialisasi,kegiatan,4,all
        A2.1,Penyusunan rencana aksi daerah,2,Dokumen rencana aksi,,,all
        N3.1,Pedoman nasional uji tuntas,3,Pedoman terbit,dokumen,1,national
        P1.2,Pendampingan UMKM di Papua dan Maluku Utara,1,UMKM didampingi,UMKM,20,91 82

        """
    static let malut = Caller(name: "kanwil-malut", role: .coordinator, regionCode: "82")
    static let aceh = Caller(name: "kanwil-aceh", role: .coordinator, regionCode: "11")
    static let reviewer = Caller(name: "gtn-peninjau", role: .reviewer)
    static let viewer = Caller(name: "publik", role: .viewer)

    /// An instant on the wall clock of a zone.
    static func at(_ date: CivilDate, _ hour: Int, _ minute: Int, _ zone: String) -> Date {
        date.start(in: TimeZone(identifier: zone)!).addingTimeInterval(Double(hour * 3600 + minute * 60))
    }

    /// Gugus on the same database, as someone, at an instant.
    static func gugus(_ base: DatabaseGugus, as caller: Caller = .localOperator("test"), at instant: Date) -> DatabaseGugus {
        DatabaseGugus(pool: base.pool, caller: caller, clock: { instant })
    }

    /// Task forces for Aceh (WIB), Maluku Utara and Papua (WIT); the actions; the 2025 period
    /// (1–30 September, covering from 1 January).
    func setUp() async throws -> DatabaseGugus {
        let admin = try await TestDatabase.gugus(clock: clock(at: CivilDate(2025, 9, 10)))
        for code in ["11", "82", "91"] { _ = try await admin.createTaskForce(NewTaskForce(regionCode: code)) }
        _ = try await admin.importActions(csv: Data(Self.actions.utf8), programme: nil)
        _ = try await admin.addPeriod(NewReportPeriod(
            name: Self.period, opensOn: CivilDate(2025, 9, 1), closesOn: CivilDate(2025, 9, 30), coversFrom: CivilDate(2025, 1, 1)))
        return admin
    }

    func ref(_ code: String) -> ReportRef { ReportRef(taskForce: .region(code), period: Self.period) }

    @Test("each task force sees the actions assigned to it, with the GTN's own")
    func assignedActions() async throws {
        let admin = try await setUp()
        #expect(try await admin.report(ref("11")).entries.map(\.actionCode) == ["A1.1", "A2.1"])
        #expect(try await admin.report(ref("82")).entries.map(\.actionCode) == ["A1.1", "P1.2", "A2.1"])
        _ = try await admin.createTaskForce(NewTaskForce(regionCode: nil))
        #expect(try await admin.report(ReportRef(taskForce: .national, period: Self.period)).entries.map(\.actionCode) == ["N3.1"])
        let untouched = try await admin.report(ref("91"))
        #expect(untouched.state == .notStarted)
        #expect(untouched.id == nil)
        #expect(try await count("report", in: admin) == 0, "reading a report writes nothing")
    }

    @Test("the period closes at 23:59 of its last day in each region's own zone")
    func closeInEachZone() async throws {
        let admin = try await setUp()
        let closing = CivilDate(2025, 9, 30)
        // 23:30 WIB on the closing date is in time for Aceh.
        let aceh = Self.gugus(admin, as: Self.aceh, at: Self.at(closing, 23, 30, "Asia/Jakarta"))
        _ = try await aceh.setEntry(ref("11"), action: "A1.1", EntryChange(achievement: "Tiga sosialisasi", value: 3, progress: .done))
        #expect(try await aceh.stepReport(ref("11"), .submit, note: nil).state == .submitted)

        // Papua closes two hours before Aceh.
        let papuaReport = try await admin.report(ref("91"))
        let acehReport = try await admin.report(ref("11"))
        #expect(acehReport.dueAt.timeIntervalSince(papuaReport.dueAt) == 2 * 3600)
        #expect(papuaReport.zoneLabel == "WIT")

        // 23:30 WIT is in time for Papua; 00:30 WIT the next day is not.
        let papua = Caller(name: "kanwil-papua", role: .coordinator, regionCode: "91")
        let inTime = Self.gugus(admin, as: papua, at: Self.at(closing, 23, 30, "Asia/Jayapura"))
        _ = try await inTime.setEntry(ref("91"), action: "A2.1", EntryChange(achievement: "Draf RAD disusun", progress: .inProgress))
        let malut = Self.gugus(admin, as: Self.malut, at: Self.at(closing.adding(days: 1), 0, 30, "Asia/Jayapura"))
        _ = try await malut.setEntry(ref("82"), action: "A2.1", EntryChange(progress: .inProgress))
        let late = await #expect(throws: GugusError.self) { try await malut.stepReport(ref("82"), .submit, note: nil) }
        #expect(late?.kind == .conflict)
        #expect(late?.message.id.contains("sudah ditutup Selasa, 30 September 2025 pukul 23.59 WIT") == true, "\(late?.message.id ?? "")")
        #expect(late?.message.en.contains("closed for Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara on Tuesday, 30 September 2025 at 23:59 WIT") == true, "\(late?.message.en ?? "")")
        #expect(try await malut.report(ref("82")).late)
        #expect(try await malut.report(ref("82")).state == .draft)
        #expect(try await inTime.stepReport(ref("91"), .submit, note: nil).state == .submitted)
        #expect(try await Self.gugus(admin, at: Self.at(closing.adding(days: 1), 0, 30, "Asia/Jayapura")).report(ref("91")).late == false)
    }

    @Test("an extension, for one region or the whole period, moves its close and is audited")
    func extensions() async throws {
        let admin = try await setUp()
        let afterClose = Self.at(CivilDate(2025, 10, 3), 10, 0, "Asia/Jayapura")
        let malut = Self.gugus(admin, as: Self.malut, at: afterClose)
        _ = try await malut.setEntry(ref("82"), action: "A1.1", EntryChange(progress: .inProgress))
        await #expect(throws: GugusError.self) { try await malut.stepReport(ref("82"), .submit, note: nil) }

        let early = await #expect(throws: GugusError.self) {
            try await admin.extendPeriod(Self.period, PeriodExtension(regionCode: "82", until: CivilDate(2025, 9, 30), reason: "banjir"))
        }
        #expect(early?.message.en == "an extension until 2025-09-30 is not after the period's close (2025-09-30); choose a later date")
        let noReason = await #expect(throws: GugusError.self) {
            try await admin.extendPeriod(Self.period, PeriodExtension(regionCode: "82", until: CivilDate(2025, 10, 7), reason: " "))
        }
        #expect(noReason?.kind == .invalid)
        let coordinator = await #expect(throws: GugusError.self) {
            try await admin.acting(as: Self.malut).extendPeriod(Self.period, PeriodExtension(regionCode: "82", until: CivilDate(2025, 10, 7), reason: "banjir"))
        }
        #expect(coordinator?.kind == .forbidden)

        let extended = try await admin.extendPeriod(Self.period, PeriodExtension(regionCode: "82", until: CivilDate(2025, 10, 7), reason: "banjir di Sofifi"))
        #expect(extended.extensions == [ReportExtension(id: extended.extensions[0].id, regionCode: "82", untilOn: CivilDate(2025, 10, 7), reason: "banjir di Sofifi")])
        #expect(try await malut.stepReport(ref("82"), .submit, note: "terlambat karena banjir").state == .submitted)
        // Aceh is still closed; a period-wide extension opens it too.
        let aceh = Self.gugus(admin, as: Self.aceh, at: afterClose)
        _ = try await aceh.setEntry(ref("11"), action: "A1.1", EntryChange(progress: .done))
        await #expect(throws: GugusError.self) { try await aceh.stepReport(ref("11"), .submit, note: nil) }
        _ = try await admin.extendPeriod(Self.period, PeriodExtension(until: CivilDate(2025, 10, 5), reason: "server SAPA-HAM gangguan"))
        #expect(try await aceh.stepReport(ref("11"), .submit, note: nil).state == .submitted)
        // Extending again changes the date; the audit log keeps both.
        _ = try await admin.extendPeriod(Self.period, PeriodExtension(regionCode: "82", until: CivilDate(2025, 10, 14), reason: "banjir susulan"))
        let periods = try await admin.periods()
        #expect(periods[0].extensions.map(\.untilOn) == [CivilDate(2025, 10, 5), CivilDate(2025, 10, 14)])
        #expect(try await count("audit_log", in: admin, where: "entity = 'report_extension'") == 3)
    }

    @Test("a submitted report is locked, in the core and in the schema")
    func lockedAfterSubmission() async throws {
        let admin = try await setUp()
        let malut = Self.gugus(admin, as: Self.malut, at: Self.at(CivilDate(2025, 9, 20), 10, 0, "Asia/Jayapura"))
        _ = try await malut.addEvidence(ref("82"), action: "A2.1", .link(url: "https://jdih.malutprov.go.id/rad-bham", description: "RAD"))
        let submitted = try await malut.stepReport(ref("82"), .submit, note: "Mohon ditinjau")
        #expect(submitted.isLocked)
        #expect(submitted.submissionNote == "Mohon ditinjau")
        #expect(submitted.entries.count == 3)
        let evidenceID = try #require(submitted.entries.first { $0.actionCode == "A2.1" }?.evidence.first?.id)

        let edit = await #expect(throws: GugusError.self) { try await malut.setEntry(self.ref("82"), action: "A1.1", EntryChange(value: 2)) }
        #expect(edit?.kind == .conflict)
        #expect(edit?.message.en == "the report of 82 for Laporan Tahunan 2025 is submitted and locked; ask a GTN reviewer to return it for corrections")
        await #expect(throws: GugusError.self) { try await malut.addEvidence(self.ref("82"), action: "A1.1", .link(url: "https://example.go.id", description: nil)) }
        await #expect(throws: GugusError.self) { try await malut.removeEvidence(self.ref("82"), action: "A2.1", evidenceID: evidenceID, sessionID: nil) }
        let again = await #expect(throws: GugusError.self) { try await malut.stepReport(self.ref("82"), .submit, note: nil) }
        #expect(again?.message.en == "the report of 82 for Laporan Tahunan 2025 is already submitted and locked")

        // The schema holds the lock for any code path: only the reviewer's columns may change.
        let reportID = try #require(submitted.id)
        await #expect(throws: (any Error).self) {
            try await admin.pool.withTransaction { connection in
                try await connection.execute("SELECT set_config('gugus.actor', 'sql', true)")
                try await connection.execute("UPDATE report_entry SET achievement = 'diubah' WHERE report_id = \(reportID)")
            }
        }
        await #expect(throws: (any Error).self) {
            try await admin.pool.withTransaction { connection in
                try await connection.execute("SELECT set_config('gugus.actor', 'sql', true)")
                try await connection.execute("DELETE FROM report_evidence WHERE report_id = \(reportID)")
            }
        }
        await #expect(throws: (any Error).self) {
            try await admin.pool.withTransaction { connection in
                try await connection.execute("SELECT set_config('gugus.actor', 'sql', true)")
                try await connection.execute("UPDATE report SET state = 'draft' WHERE id = \(reportID)")
            }
        }
        #expect(try await count("report_evidence", in: admin) == 1)
        #expect(try await admin.report(ref("82")).state == .submitted)
    }

    @Test("a reviewer returns a report with notes, the coordinator corrects and resubmits, the reviewer verifies")
    func returnAndResubmit() async throws {
        let admin = try await setUp()
        let during = Self.at(CivilDate(2025, 9, 20), 10, 0, "Asia/Jayapura")
        let malut = Self.gugus(admin, as: Self.malut, at: during)
        _ = try await malut.setEntry(ref("82"), action: "A1.1", EntryChange(achievement: "Dua sosialisasi", value: 2, progress: .inProgress))
        _ = try await malut.stepReport(ref("82"), .submit, note: nil)

        let reviewer = Self.gugus(admin, as: Self.reviewer, at: Self.at(CivilDate(2025, 10, 10), 9, 0, "Asia/Jakarta"))
        let reviewed = try await reviewer.reviewEntry(ref("82"), action: "A1.1", EntryReview(score: 60, note: "Lampirkan daftar hadir"))
        #expect(reviewed.entries[0].score == 60)
        #expect(reviewed.entries[0].reviewNote == "Lampirkan daftar hadir")
        let badScore = await #expect(throws: GugusError.self) { try await reviewer.reviewEntry(self.ref("82"), action: "A1.1", EntryReview(score: 101)) }
        #expect(badScore?.message.en == "the score 101 must be between 0 and 100")
        let noNote = await #expect(throws: GugusError.self) { try await reviewer.stepReport(self.ref("82"), .return, note: nil) }
        #expect(noNote?.kind == .invalid)
        let returned = try await reviewer.stepReport(ref("82"), .return, note: "Bukti A1.1 belum ada")
        #expect(returned.state == .returned)
        #expect(returned.reviewNote == "Bukti A1.1 belum ada")
        #expect(returned.reviewedBy == "gtn-peninjau")
        let verifyReturned = await #expect(throws: GugusError.self) { try await reviewer.stepReport(self.ref("82"), .verify, note: nil) }
        #expect(verifyReturned?.message.en == "the report of 82 for Laporan Tahunan 2025 is returned and awaiting corrections; only a submitted report can be reviewed")

        // After the close: a returned report goes back when it is fixed.
        let afterClose = Self.gugus(admin, as: Self.malut, at: Self.at(CivilDate(2025, 10, 12), 10, 0, "Asia/Jayapura"))
        _ = try await afterClose.addEvidence(ref("82"), action: "A1.1", .link(url: "https://malutprov.go.id/daftar-hadir", description: "Daftar hadir"))
        let resubmitted = try await afterClose.stepReport(ref("82"), .submit, note: "Bukti ditambahkan")
        #expect(resubmitted.state == .submitted)
        #expect(!resubmitted.late)
        let verified = try await reviewer.stepReport(ref("82"), .verify, note: "Lengkap")
        #expect(verified.state == .verified)
        await #expect(throws: GugusError.self) { try await reviewer.stepReport(self.ref("82"), .return, note: "lagi") }
        await #expect(throws: GugusError.self) { try await reviewer.reviewEntry(self.ref("82"), action: "A1.1", EntryReview(score: 90)) }

        let steps = try await admin.pool.query("""
            SELECT action FROM audit_log WHERE entity = 'report' AND operation = 'update' ORDER BY id
            """).decode(String.self)
        #expect(steps == ["report.submit", "report.return", "report.submit", "report.verify"])
        let actors = try await admin.pool.query("""
            SELECT DISTINCT actor FROM audit_log WHERE entity LIKE 'report%' ORDER BY actor
            """).decode(String.self)
        #expect(actors == ["cli:test", "gtn-peninjau", "kanwil-malut"])
    }

    @Test("a reviewer reviews and edits nothing; a coordinator reviews nothing and touches only its own region's report")
    func roles() async throws {
        let admin = try await setUp()
        let during = Self.at(CivilDate(2025, 9, 20), 10, 0, "Asia/Jayapura")
        let reviewer = Self.gugus(admin, as: Self.reviewer, at: during)
        let edit = await #expect(throws: GugusError.self) { try await reviewer.setEntry(self.ref("82"), action: "A1.1", EntryChange(value: 1)) }
        #expect(edit?.kind == .forbidden)
        #expect(edit?.message.en == "token 'gtn-peninjau' (reviewer) may only read and review reports, not change Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara")
        await #expect(throws: GugusError.self) { try await reviewer.addEvidence(self.ref("82"), action: "A1.1", .link(url: "https://example.go.id", description: nil)) }
        await #expect(throws: GugusError.self) { try await reviewer.stepReport(self.ref("82"), .submit, note: nil) }
        #expect(try await reviewer.report(ref("82")).entries.count == 3, "a reviewer reads every province's report")

        let aceh = Self.gugus(admin, as: Self.aceh, at: during)
        let other = await #expect(throws: GugusError.self) { try await aceh.setEntry(self.ref("82"), action: "A1.1", EntryChange(value: 1)) }
        #expect(other?.kind == .forbidden)
        let read = await #expect(throws: GugusError.self) { try await aceh.report(self.ref("82")) }
        #expect(read?.message.en == "token 'kanwil-aceh' (coordinator for 11) may not read the reports of Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara")
        await #expect(throws: GugusError.self) { try await Self.gugus(admin, as: Self.viewer, at: during).report(self.ref("82")) }

        let malut = Self.gugus(admin, as: Self.malut, at: during)
        _ = try await malut.stepReport(ref("82"), .submit, note: nil)
        let selfReview = await #expect(throws: GugusError.self) { try await malut.stepReport(self.ref("82"), .verify, note: nil) }
        #expect(selfReview?.message.en == "token 'kanwil-malut' (coordinator for 82) may not review the reports of Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara; that is for GTN reviewers (the reviewer role)")
        await #expect(throws: GugusError.self) { try await malut.reviewEntry(self.ref("82"), action: "A1.1", EntryReview(score: 100)) }
        await #expect(throws: GugusError.self) { try await aceh.stepReport(self.ref("82"), .return, note: "x") }
        #expect(try await admin.report(ref("82")).state == .submitted)
    }

    @Test("an evidence file comes back byte for byte with the same SHA-256; a wrong type or size is refused")
    func evidenceFiles() async throws {
        let admin = try await setUp()
        let malut = Self.gugus(admin, as: Self.malut, at: Self.at(CivilDate(2025, 9, 20), 10, 0, "Asia/Jayapura"))
        var pdf = Data("%PDF-1.7\n".utf8)
        pdf.append(contentsOf: (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let digest = SHA256.hash(data: pdf).map { String(format: "%02x", $0) }.joined()
        let report = try await malut.addEvidence(ref("82"), action: "A1.1", .file(EvidenceFile(fileName: "Notulen Sosialisasi.pdf", content: pdf)))
        let stored = try #require(report.entries[0].evidence.first)
        #expect(stored.kind == .file)
        #expect(stored.sha256 == digest)
        #expect(stored.sizeBytes == pdf.count)
        #expect(stored.mediaType == "application/pdf")
        let back = try await malut.evidenceFile(ref("82"), evidenceID: stored.id)
        #expect(back.content == pdf)
        #expect(SHA256.hash(data: back.content).map { String(format: "%02x", $0) }.joined() == digest)
        #expect(back.fileName == "Notulen Sosialisasi.pdf")
        #expect(try await Self.gugus(admin, as: Self.reviewer, at: Date()).evidenceFile(ref("82"), evidenceID: stored.id).content == pdf)
        await #expect(throws: GugusError.self) { try await Self.gugus(admin, as: Self.aceh, at: Date()).evidenceFile(self.ref("82"), evidenceID: stored.id) }

        let renamed = await #expect(throws: GugusError.self) {
            try await malut.addEvidence(self.ref("82"), action: "A1.1", .file(EvidenceFile(fileName: "laporan.pdf", content: Data("MZ\u{90}\0".utf8))))
        }
        #expect(renamed?.message.en == "file 'laporan.pdf' is not a PDF, an image (PNG, JPEG) or a spreadsheet (XLSX, XLS, ODS, CSV) whose content matches its name")
        let big = await #expect(throws: GugusError.self) {
            try await malut.addEvidence(self.ref("82"), action: "A1.1", .file(EvidenceFile(fileName: "scan.pdf", content: Data("%PDF-".utf8) + Data(count: EvidenceFile.maximumBytes))))
        }
        #expect(big?.message.en == "file 'scan.pdf' is 10.1 MB; the limit is 10 MB a file, so shrink or split it first")
        let link = await #expect(throws: GugusError.self) { try await malut.addEvidence(self.ref("82"), action: "A1.1", .link(url: "jdih malut", description: nil)) }
        #expect(link?.message.en == "'jdih malut' is not a web link; write it in full with https://")
        #expect(try await count("report_evidence", in: admin) == 1)
    }

    @Test("a bad actions file changes nothing, and names every bad line")
    func badActionsFile() async throws {
        let admin = try await setUp()
        let before = try await admin.actions(programme: nil)
        let bad = """
            code,title,strategy,indicator,unit,target,assigned
            A1.1,Sosialisasi BHAM (diubah),1,Jumlah kegiatan,kegiatan,6,all
            A4.1,Aksi baru,4,Indikator,,,all
            A4.2,,2,Indikator,,,all
            A4.3,Aksi,2,Indikator,,lima,all
            A4.4,Aksi,2,Indikator,,3,all
            A1.1,Kode ganda,1,Indikator,,,all
            A4.5,Aksi,2,Indikator,,,83 maluku

            """
        let error = await #expect(throws: GugusError.self) { try await admin.importActions(csv: Data(bad.utf8), programme: nil) }
        #expect(error?.kind == .invalid)
        #expect(error?.fieldErrors.compactMap(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(error?.message.en.hasPrefix("the actions file was not imported (nothing changed): line 3: strategy '4' must be 1, 2 or 3; line 4: the 'title' column is empty") == true, "\(error?.message.en ?? "")")
        #expect(error?.message.en.contains("line 7: action code 'A1.1' is already on line 2") == true)
        #expect(error?.message.en.contains("line 8: 'maluku' in the assigned column is not a region code") == true)
        #expect(try await admin.actions(programme: nil) == before)

        // A region code of the right shape that does not exist is caught in the database, with its line.
        let unknownRegion = "code,title,strategy,indicator,unit,target,assigned\nA1.1,Sosialisasi,1,Jumlah,kegiatan,6,all\nA5.1,Aksi,2,Indikator,,,82 83\n"
        let unknown = await #expect(throws: GugusError.self) { try await admin.importActions(csv: Data(unknownRegion.utf8), programme: nil) }
        #expect(unknown?.message.en == "line 3: no region '83'; see `gugus region list`")
        #expect(try await admin.actions(programme: nil) == before)
        #expect(try await count("audit_log", in: admin, where: "entity = 'report_action' AND operation = 'update'") == 0)

        let coordinator = await #expect(throws: GugusError.self) { try await admin.acting(as: Self.malut).importActions(csv: Data(Self.actions.utf8), programme: nil) }
        #expect(coordinator?.kind == .forbidden)
        let missing = await #expect(throws: GugusError.self) { try await admin.importActions(csv: Data("code,title\nA,B\n".utf8), programme: nil) }
        #expect(missing?.message.en.contains("the 'strategy' column is missing") == true)
        // The same file again changes nothing but the timestamps.
        let again = try await admin.importActions(csv: Data(Self.actions.utf8), programme: nil)
        #expect(again.added == 0)
        #expect(again.updated == 4)
        #expect(try await admin.actions(programme: nil) == before)
    }

    @Test("the pre-fill proposes exactly the completed sessions of the covered days, for strategy 1 actions")
    func preFill() async throws {
        let admin = try await setUp()
        func session(_ title: String, _ day: String) async throws -> OutreachSession {
            try await admin.scheduleSession(NewSession(
                taskForce: .region("82"), title: title, starts: "\(day) 09:00", duration: DurationText(seconds: 3 * 3600)!, venue: "Aula, Sofifi"))
        }
        let held = try await session("Sosialisasi BHAM Ternate", "2025-03-12")
        let invited = try await admin.invite(sessionID: held.id, .guest(name: "Andi Tamu", email: try EmailAddress(parsing: "andi@contoh.example"), organisation: "PT Contoh"), role: .attendee)
        _ = try await admin.invite(sessionID: held.id, .guest(name: "Dewi Tamu", email: try EmailAddress(parsing: "dewi@contoh.example"), organisation: "PT Contoh"), role: .attendee)
        _ = try await admin.attend(sessionID: held.id, participantID: invited[0].id)
        _ = try await admin.completeSession(id: held.id, notes: nil, outcome: nil)
        let bimtek = try await session("Bimtek Uji Tuntas", "2025-06-05")
        _ = try await admin.completeSession(id: bimtek.id, notes: nil, outcome: nil)
        let cancelled = try await session("Rakor dibatalkan", "2025-04-02")
        _ = try await admin.cancelSession(id: cancelled.id, reason: "banjir")
        _ = try await session("FGD belum ditandai selesai", "2025-05-07")
        let lastYear = try await session("Sosialisasi 2024", "2024-11-20")
        _ = try await admin.completeSession(id: lastYear.id, notes: nil, outcome: nil)

        let malut = Self.gugus(admin, as: Self.malut, at: Self.at(CivilDate(2025, 9, 20), 10, 0, "Asia/Jayapura"))
        let report = try await malut.report(ref("82"))
        let byAction = Dictionary(uniqueKeysWithValues: report.entries.map { ($0.actionCode, $0) })
        #expect(byAction["A1.1"]?.proposed.map(\.sessionId) == [held.id, bimtek.id])
        #expect(byAction["P1.2"]?.proposed.map(\.sessionId) == [held.id, bimtek.id])
        #expect(byAction["A2.1"]?.proposed.isEmpty == true, "strategy 2 gets no proposals")
        let proposal = try #require(byAction["A1.1"]?.proposed.first)
        #expect((proposal.participants, proposal.attended) == (2, 1))

        // Accept one, remove the other: neither is proposed again.
        let accepted = try await malut.addEvidence(ref("82"), action: "A1.1", .session(id: held.id))
        #expect(accepted.entries[0].evidence.map(\.sessionId) == [held.id])
        #expect(accepted.entries[0].evidence[0].attended == 1)
        #expect(accepted.entries[0].proposed.map(\.sessionId) == [bimtek.id])
        let removed = try await malut.removeEvidence(ref("82"), action: "A1.1", evidenceID: nil, sessionID: bimtek.id)
        #expect(removed.entries[0].proposed.isEmpty)
        #expect(removed.entries.first { $0.actionCode == "P1.2" }?.proposed.map(\.sessionId) == [held.id, bimtek.id], "each action decides for itself")
        let twice = await #expect(throws: GugusError.self) { try await malut.addEvidence(self.ref("82"), action: "A1.1", .session(id: held.id)) }
        #expect(twice?.kind == .conflict)
        let notHeld = await #expect(throws: GugusError.self) { try await malut.addEvidence(self.ref("82"), action: "A1.1", .session(id: cancelled.id)) }
        #expect(notHeld?.message.en.hasPrefix("session \(cancelled.id) ('Rakor dibatalkan') is not completed") == true)
    }

    @Test("entries check their values and inputs; the recap counts what submitted reports say")
    func entriesAndRecap() async throws {
        let admin = try await setUp()
        let during = Self.at(CivilDate(2025, 9, 20), 10, 0, "Asia/Jayapura")
        let malut = Self.gugus(admin, as: Self.malut, at: during)
        let withInputs = try await malut.setEntry(ref("82"), action: "A1.1", EntryChange(
            achievement: "Empat sosialisasi", value: 4, progress: .done, inputsFrom: ["82.71", "82.01"]))
        #expect(withInputs.entries[0].inputsFrom == ["82.01", "82.71"])
        let outside = await #expect(throws: GugusError.self) { try await malut.setEntry(self.ref("82"), action: "A1.1", EntryChange(inputsFrom: ["11.01"])) }
        #expect(outside?.message.en == "11.01 is not a regency or city of Maluku Utara; see `gugus region list --level regency`")
        let noNumber = await #expect(throws: GugusError.self) { try await malut.setEntry(self.ref("82"), action: "A2.1", EntryChange(value: 1)) }
        #expect(noNumber?.message.en == "action A2.1's indicator has no number; write the achievement with --achievement")
        let negative = await #expect(throws: GugusError.self) { try await malut.setEntry(self.ref("82"), action: "A1.1", EntryChange(value: -1)) }
        #expect(negative?.kind == .invalid)
        let unknown = await #expect(throws: GugusError.self) { try await malut.setEntry(self.ref("82"), action: "N3.1", EntryChange(value: 1)) }
        #expect(unknown?.kind == .notFound)
        let period = await #expect(throws: GugusError.self) { try await malut.report(ReportRef(taskForce: .region("82"), period: "Laporan 2030")) }
        #expect(period?.message.en == "no reporting period 'Laporan 2030'; there are: Laporan Tahunan 2025")
        _ = try await malut.addEvidence(ref("82"), action: "A1.1", .link(url: "https://malutprov.go.id/bham", description: nil))
        _ = try await malut.stepReport(ref("82"), .submit, note: nil)

        let aceh = Self.gugus(admin, as: Self.aceh, at: Self.at(CivilDate(2025, 9, 20), 10, 0, "Asia/Jakarta"))
        _ = try await aceh.setEntry(ref("11"), action: "A1.1", EntryChange(value: 1, progress: .inProgress))
        _ = try await aceh.stepReport(ref("11"), .submit, note: nil)
        // A draft does not count.
        let papua = Self.gugus(admin, as: Caller(name: "kanwil-papua", role: .coordinator, regionCode: "91"), at: during)
        _ = try await papua.setEntry(ref("91"), action: "A1.1", EntryChange(value: 10))

        let recap = try await Self.gugus(admin, as: Self.viewer, at: during).recap(period: Self.period)
        let row = try #require(recap.rows.first { $0.actionCode == "A1.1" })
        #expect((row.assignedTo, row.reported, row.sum, row.mean, row.withEvidence) == (38, 2, 5, 2.5, 1))
        #expect(row.evidenceShare == 0.5)
        #expect(recap.rows.first { $0.actionCode == "P1.2" }?.assignedTo == 2)
        #expect(recap.rows.first { $0.actionCode == "N3.1" }?.assignedTo == 1)
        let csv = recap.csv()
        #expect(csv.hasPrefix("period,action_code,title,strategy,unit,target,assigned_to,reported,sum,mean,with_evidence,evidence_share\r\n"))
        #expect(csv.contains("Laporan Tahunan 2025,A1.1,Sosialisasi BHAM bagi pelaku usaha,1,kegiatan,4,38,2,5,2.50,1,0.50\r\n"))
    }

    @Test("a regency or city task force can be formed, in its province's zone")
    func regencyTaskForce() async throws {
        let admin = try await setUp()
        let ternate = try await admin.createTaskForce(NewTaskForce(regionCode: "82.71"))
        #expect(ternate.zoneLabel == "WIT")
        #expect(ternate.regionName == "Kota Ternate")
        // Actions for "all" are the provinces'; a listed regency reports its own.
        #expect(try await admin.report(ReportRef(taskForce: .region("82.71"), period: Self.period)).entries.isEmpty)
    }

    @Test("status shows each province's report in the current period: not started, draft, submitted, returned, verified, late")
    func statusShowsReports() async throws {
        let admin = try await setUp()
        let during = Self.at(CivilDate(2025, 9, 20), 10, 0, "Asia/Jayapura")
        let malut = Self.gugus(admin, as: Self.malut, at: during)
        _ = try await malut.stepReport(ref("82"), .submit, note: nil)
        _ = try await Self.gugus(admin, as: Self.aceh, at: during).setEntry(ref("11"), action: "A1.1", EntryChange(progress: .inProgress))

        // Before the period opened, there is no current period.
        let before = try await Self.gugus(admin, at: Self.at(CivilDate(2025, 8, 1), 10, 0, "Asia/Jakarta")).nationalStatus(at: nil)
        #expect(before.provinces.allSatisfy { $0.report == nil })

        let now = try await Self.gugus(admin, at: during).nationalStatus(at: nil)
        func standing(_ code: String, in status: NationalStatus) -> String? {
            status.provinces.first { $0.regionCode == code }?.report.map { "\($0.period): \($0.label)" }
        }
        #expect(standing("82", in: now) == "Laporan Tahunan 2025: submitted")
        #expect(standing("11", in: now) == "Laporan Tahunan 2025: draft")
        #expect(standing("91", in: now) == "Laporan Tahunan 2025: not_started")
        #expect(standing("31", in: now) == "Laporan Tahunan 2025: not_started", "a province without a task force has no report either")

        let later = Self.gugus(admin, at: Self.at(CivilDate(2025, 10, 2), 10, 0, "Asia/Jakarta"))
        _ = try await Self.gugus(admin, as: Self.reviewer, at: during).stepReport(ref("82"), .verify, note: nil)
        let after = try await later.nationalStatus(at: nil)
        #expect(standing("82", in: after) == "Laporan Tahunan 2025: verified")
        #expect(standing("11", in: after) == "Laporan Tahunan 2025: late")
        #expect(standing("91", in: after) == "Laporan Tahunan 2025: late")
        #expect(try await later.regionStatus(code: "11", at: nil).report?.state == .draft)
    }
}
