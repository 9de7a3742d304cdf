import Crypto
import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import HTTPTypes
import Postgres
import Testing

/// Aksi BHAM reporting in the portal: the national picture, a coordinator's report, the
/// review, the printable page.
@Suite("Portal: Aksi BHAM reports", .releasesResources)
struct PortalReportTests {
    static let period = "Laporan Tahunan Uji"
    static let path = "/regions/82/reports/Laporan%20Tahunan%20Uji"
    static let pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

    /// Maluku Utara and Aceh with task forces, the actions, an open period, and a session of
    /// Maluku Utara's held ten days ago.
    static func setUp(_ portal: PortalDeployment) async throws -> OutreachSession {
        let gugus = portal.gugus
        for code in ["82", "11"] { _ = try await gugus.createTaskForce(NewTaskForce(regionCode: code)) }
        _ = try await gugus.importActions(csv: Data("""
            code,title,strategy,indicator,unit,target,assigned
            A1.1,Sosialisasi BHAM bagi pelaku usaha,1,Jumlah kegiatan sosialisasi,kegiatan,4,all
            A2.1,Penyusunan rencana aksi daerah,2,Dokumen rencana aksi,,,all

            """.utf8), programme: nil)
        let today = CivilDate(Date(), in: TimeZone(identifier: "Asia/Jayapura")!)
        _ = try await gugus.addPeriod(NewReportPeriod(name: period, opensOn: today.adding(days: -10), closesOn: today.adding(days: 20)))
        let session = try await gugus.scheduleSession(NewSession(
            taskForce: .region("82"), title: "Sosialisasi BHAM Ternate", starts: "\(today.adding(days: -10)) 09:00",
            duration: DurationText(seconds: 3 * 3600)!, venue: "Aula Gamalama, Ternate"))
        _ = try await gugus.completeSession(id: session.id, notes: nil, outcome: nil)
        return session
    }

    @Test("a coordinator writes the report, adds evidence, accepts a proposed session and submits; the national page shows it")
    func coordinatorReports() async throws {
        try await PortalDeployment.with { portal in
            let session = try await Self.setUp(portal)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Maluku Utara", role: .coordinator, region: "82")

            let national = try await coordinator.get("/reports")
            #expect(national.status == 200, "\(national)")
            #expect(national.html.contains("Peta laporan"))
            #expect(national.html.contains(#"href="/regions/82/reports/Laporan%20Tahunan%20Uji""#))
            #expect(national.html.contains("Rekap nasional"))

            let page = try await coordinator.get(Self.path)
            #expect(page.status == 200, "\(page)")
            #expect(page.html.contains("A1.1 · Sosialisasi BHAM bagi pelaku usaha"))
            #expect(page.html.contains("Kegiatan yang diusulkan sebagai bukti"))
            #expect(page.html.contains("Sosialisasi BHAM Ternate"))
            #expect(page.html.contains("pukul 23.59 WIT"))
            #expect(page.html.contains("Kota Ternate (82.71)"), "the regencies and cities to tick")
            let csrf = try #require(page.csrf)

            // The entry, with two regencies ticked (a checkbox sends its name once per box).
            let body = "csrf=\(csrf)&achievement=Empat+sosialisasi+bagi+120+pelaku+usaha&value=4&progress=done"
                + "&regencies_shown=1&inputs_from=82.71&inputs_from=82.01"
            let saved = try await coordinator.send("\(Self.path)/entries/A1.1", method: .post, body: body, contentType: "application/x-www-form-urlencoded")
            #expect(saved.status == 303, "\(saved)")
            #expect(saved.location == "\(Self.path)?done=saved#aksi-A1.1")
            let entry = try await portal.gugus.report(ReportRef(taskForce: .region("82"), period: Self.period)).entries[0]
            #expect(entry.achievement == "Empat sosialisasi bagi 120 pelaku usaha")
            #expect(entry.value == 4)
            #expect(entry.progress == .done)
            #expect(entry.inputsFrom == ["82.01", "82.71"])

            // A bad number is refused beside its entry; nothing changes.
            let bad = try await coordinator.send(
                "\(Self.path)/entries/A1.1", method: .post, body: "csrf=\(csrf)&achievement=x&value=empat&progress=done", contentType: "application/x-www-form-urlencoded")
            #expect(bad.status == 422, "\(bad)")
            #expect(bad.html.contains("capaian &#39;empat&#39; bukan angka") || bad.html.contains("capaian 'empat' bukan angka"), "\(bad)")
            #expect(try await portal.gugus.report(ReportRef(taskForce: .region("82"), period: Self.period)).entries[0].value == 4)

            // Evidence: a file and a link; the proposed session accepted.
            let file = try await coordinator.postMultipart(
                "\(Self.path)/entries/A1.1/evidence", ["csrf": csrf, "url": "", "description": ""],
                files: ["file": ("Notulen sosialisasi.pdf", "application/pdf", Self.pdf)])
            #expect(file.status == 303, "\(file)")
            let link = try await coordinator.postMultipart(
                "\(Self.path)/entries/A2.1/evidence", ["csrf": csrf, "url": "https://jdih.malutprov.example.go.id/rad", "description": "Draf RAD"])
            #expect(link.status == 303, "\(link)")
            let accepted = try await coordinator.post("\(Self.path)/entries/A1.1/sessions/\(session.id)/accept", ["csrf": csrf])
            #expect(accepted.status == 303, "\(accepted)")
            let withEvidence = try await coordinator.get(Self.path)
            let sha256 = SHA256.hash(data: Data(Self.pdf.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(withEvidence.html.contains(sha256))
            #expect(withEvidence.html.contains("Draf RAD"))
            #expect(!withEvidence.html.contains("Kegiatan yang diusulkan sebagai bukti"), "the only proposal was accepted")
            let report = try await portal.gugus.report(ReportRef(taskForce: .region("82"), period: Self.period))
            let fileID = try #require(report.entries[0].evidence.first { $0.kind == .file }?.id)
            let download = try await coordinator.get("\(Self.path)/evidence/\(fileID)")
            #expect(download.status == 200)
            #expect(SHA256.hash(data: Data(download.html.utf8)).map { String(format: "%02x", $0) }.joined() == sha256)

            // Submitted: locked, with no forms left to change it.
            let submitted = try await coordinator.post("\(Self.path)/submit", ["csrf": csrf, "note": "Mohon ditinjau"])
            #expect(submitted.status == 303, "\(submitted)")
            let locked = try await coordinator.get(try #require(submitted.location))
            #expect(locked.html.contains("Laporan dikirim dan terkunci."))
            #expect(locked.html.contains("tag--report-submitted"))
            #expect(!locked.html.contains("/entries/A1.1/evidence\""), "\(locked)")
            let again = try await coordinator.post("\(Self.path)/entries/A1.1", ["csrf": csrf, "achievement": "diubah", "progress": "done"])
            #expect(again.status == 422)
            #expect(again.html.contains("sudah dikirim dan terkunci"))

            // The printable page lists the evidence with its SHA-256; the recap downloads.
            let print = try await coordinator.get("\(Self.path)/print")
            #expect(print.status == 200, "\(print)")
            #expect(print.html.contains("print-page"))
            #expect(print.html.contains(sha256))
            #expect(print.html.contains("Sosialisasi BHAM Ternate"))
            let csv = try await coordinator.get("/reports/recap.csv?period=Laporan%20Tahunan%20Uji")
            #expect(csv.status == 200)
            #expect(csv.html.contains("Laporan Tahunan Uji,A1.1,Sosialisasi BHAM bagi pelaku usaha,1,kegiatan,4,38,1,4,4,1,1.00"), "\(csv)")
            let map = try await coordinator.get("/reports")
            #expect(map.html.contains("Maluku Utara: Dikirim"))
        }
    }

    @Test("a reviewer scores, returns and verifies; another province's coordinator neither reads nor changes the report")
    func review() async throws {
        try await PortalDeployment.with { portal in
            _ = try await Self.setUp(portal)
            let malut = portal.gugus.acting(as: Caller(name: "kanwil-malut", role: .coordinator, regionCode: "82"))
            _ = try await malut.setEntry(ReportRef(taskForce: .region("82"), period: Self.period), action: "A1.1", EntryChange(value: 2, progress: .inProgress))
            _ = try await malut.stepReport(ReportRef(taskForce: .region("82"), period: Self.period), .submit, note: nil)

            let aceh = try await portal.signedIn("kanwil@aceh.example.go.id", name: "Kanwil Aceh", role: .coordinator, region: "11")
            let foreign = try await aceh.get(Self.path)
            #expect(foreign.status == 403, "\(foreign)")
            let acehPage = try await aceh.get("/regions/11/reports/Laporan%20Tahunan%20Uji")
            let acehCSRF = try #require(acehPage.csrf)
            let verifyForeign = try await aceh.post("\(Self.path)/verify", ["csrf": acehCSRF])
            #expect(verifyForeign.status == 403, "\(verifyForeign)")

            let reviewer = try await portal.signedIn("peninjau@gtn.example.go.id", name: "Peninjau GTN", role: .reviewer)
            let page = try await reviewer.get(Self.path)
            #expect(page.status == 200, "\(page)")
            #expect(page.html.contains("Kembalikan untuk diperbaiki"))
            #expect(!page.html.contains("Simpan capaian"), "a reviewer edits nothing")
            let csrf = try #require(page.csrf)
            let scored = try await reviewer.post("\(Self.path)/entries/A1.1/review", ["csrf": csrf, "score": "70", "note": "Lampirkan daftar hadir"])
            #expect(scored.status == 303, "\(scored)")
            let noNote = try await reviewer.post("\(Self.path)/return", ["csrf": csrf, "note": ""])
            #expect(noNote.status == 422)
            let returned = try await reviewer.post("\(Self.path)/return", ["csrf": csrf, "note": "Bukti A1.1 belum ada"])
            #expect(returned.status == 303, "\(returned)")
            let report = try await portal.gugus.report(ReportRef(taskForce: .region("82"), period: Self.period))
            #expect(report.state == .returned)
            #expect(report.entries[0].score == 70)
            #expect(report.reviewNote == "Bukti A1.1 belum ada")

            _ = try await malut.stepReport(ReportRef(taskForce: .region("82"), period: Self.period), .submit, note: nil)
            let verified = try await reviewer.post("\(Self.path)/verify", ["csrf": csrf, "note": ""])
            #expect(verified.status == 303, "\(verified)")
            #expect(try await portal.gugus.report(ReportRef(taskForce: .region("82"), period: Self.period)).state == .verified)
            let english = try await reviewer.get("\(Self.path)?lang=en")
            #expect(english.html.contains("Verified"))
            #expect(english.html.contains("Aksi BHAM report"))
        }
    }
}
