import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// Importing a roster in the portal (issue 12): preview, bad rows by line, confirmation that
/// writes what the preview showed, and nothing written otherwise.
@Suite("Portal: importing a roster with a preview", .releasesResources)
struct PortalImportTests {
    static let bad = """
        nama,peran,jabatan,instansi,email
        Budi Santoso,anggota,Kepala Dinas Tenaga Kerja,Pemerintah Provinsi Maluku Utara,budi@malut.example.go.id
        Maria Ulfa,bendahara,Kepala Dinas Lingkungan Hidup,Pemerintah Provinsi Maluku Utara,maria@malut.example.go.id
        Andi Wijaya,anggota,Ketua Kadin Maluku Utara,Kadin Maluku Utara,andi@kadin.example.id
        Rina Lestari,anggota,Direktur LBH,LBH Ternate,rina-at-lbh

        """
    static let fixed = bad.replacingOccurrences(of: "bendahara", with: "anggota").replacingOccurrences(of: "rina-at-lbh", with: "rina@lbh.example.id")

    static func members(_ portal: PortalDeployment) async throws -> Int {
        try #require(try await portal.pool.query("SELECT count(*)::integer FROM membership").single()).decode(Int.self)
    }

    static func upload(_ browser: Browser, _ csv: String, csrf: String?, skipInvalid: Bool = false) async throws -> Browser.Page {
        var fields: [String: String] = [:]
        fields["csrf"] = csrf
        if skipInvalid { fields["skip_invalid"] = "1" }
        return try await browser.postMultipart("/regions/82/members/import", fields, files: ["roster": ("anggota.csv", "text/csv", csv)])
    }

    static func confirmation(_ page: Browser.Page) throws -> [String: String] {
        func hidden(_ name: String) throws -> String {
            let pattern = try Regex("name=\"\(name)\" value=\"([^\"]*)\"")
            return String(try #require(page.html.firstMatch(of: pattern)?.output[1].substring, "\(name) in \(page)"))
        }
        return ["csrf": try hidden("csrf"), "csv": try hidden("csv"), "fingerprint": try hidden("fingerprint")]
    }

    @Test("two bad rows are named by line and block the import; the fixed file previews, confirms and lands")
    func previewAndConfirm() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let form = try await coordinator.get("/regions/82/members/import")
            #expect(form.status == 200, "\(form)")
            let before = try await Self.members(portal)

            let preview = try await Self.upload(coordinator, Self.bad, csrf: form.csrf)
            #expect(preview.status == 200, "\(preview)")
            #expect(preview.html.contains("<strong>Baris 3:</strong>"), "\(preview)")
            #expect(preview.html.contains("<strong>Baris 5:</strong>"))
            #expect(preview.html.contains("4 baris: 2 akan ditambahkan, 0 diubah, 0 tetap, 2 bermasalah."), "\(preview)")
            #expect(!preview.html.contains("/members/import/confirm"), "bad rows block the confirmation")
            #expect(try await Self.members(portal) == before)

            let good = try await Self.upload(coordinator, Self.fixed, csrf: form.csrf)
            #expect(good.html.contains("4 baris: 4 akan ditambahkan, 0 diubah, 0 tetap, 0 bermasalah."), "\(good)")
            #expect(good.html.contains("<td>Rina Lestari</td>"))
            #expect(try await Self.members(portal) == before, "a preview writes nothing")
            let confirmed = try await coordinator.post("/regions/82/members/import/confirm", try Self.confirmation(good))
            #expect(confirmed.status == 303, "\(confirmed)")
            let region = try await coordinator.get(try #require(confirmed.location))
            #expect(region.html.contains("Impor selesai: 4 anggota ditambahkan, 0 diubah, 0 tetap, 0 baris dilewati."), "\(region)")
            #expect(region.html.contains("Rina Lestari"))
            #expect(try await Self.members(portal) == before + 4)

            let template = try await coordinator.get("/members-template.csv")
            #expect(template.html.hasPrefix("\u{FEFF}nama,peran,jabatan,instansi,email,telepon,pokja,mulai,selesai\r\n"), "\(template.html)")
        }
    }

    @Test("the roster changed after the preview: nothing is written and a new preview says so")
    func changedInBetween() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let form = try await coordinator.get("/regions/82/members/import")
            let preview = try await Self.upload(coordinator, Self.fixed, csrf: form.csrf)
            // Meanwhile someone adds Budi by hand: the file's first row no longer adds him.
            _ = try await portal.gugus.addMember(NewMember(
                taskForce: .region("82"), name: "Budi Santoso", role: .anggota, position: "Kepala Dinas Tenaga Kerja",
                institution: "Pemerintah Provinsi Maluku Utara", email: try EmailAddress(parsing: "budi@malut.example.go.id")))
            let before = try await Self.members(portal)
            let refused = try await coordinator.post("/regions/82/members/import/confirm", try Self.confirmation(preview))
            #expect(refused.status == 200, "\(refused)")
            #expect(refused.html.contains("Data berubah sejak pratinjau sebelumnya"), "\(refused)")
            #expect(refused.html.contains("4 baris: 3 akan ditambahkan, 0 diubah, 1 tetap, 0 bermasalah."), "\(refused)")
            #expect(try await Self.members(portal) == before)
            // Confirming the new preview lands.
            let confirmed = try await coordinator.post("/regions/82/members/import/confirm", try Self.confirmation(refused))
            #expect(confirmed.status == 303, "\(confirmed)")
            #expect(try await Self.members(portal) == before + 3)
        }
    }

    @Test("a 5,000-row roster previews and confirms in one go")
    func largeRoster() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let rows = (1...5_000).map { "Anggota \($0),anggota,Staf \($0),Instansi \($0 % 40),anggota\($0)@malut.example.go.id" }
            let csv = (["nama,peran,jabatan,instansi,email"] + rows).joined(separator: "\n") + "\n"
            let before = try await Self.members(portal)
            let preview = try await Self.upload(coordinator, csv, csrf: try await coordinator.get("/regions/82/members/import").csrf)
            #expect(preview.status == 200)
            #expect(preview.html.contains("5000 baris: 5000 akan ditambahkan, 0 diubah, 0 tetap, 0 bermasalah."), "\(preview.html.prefix(3000))")
            let confirmed = try await coordinator.post("/regions/82/members/import/confirm", try Self.confirmation(preview))
            #expect(confirmed.status == 303, "\(confirmed)")
            #expect(try await Self.members(portal) == before + 5_000)
        }
    }

    @Test("no token, another province, a viewer: refused, the roster unchanged")
    func refusals() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let preview = try await Self.upload(coordinator, Self.fixed, csrf: try await coordinator.get("/regions/82/members/import").csrf)
            var confirmation = try Self.confirmation(preview)
            let before = try await Self.members(portal)
            #expect(try await Self.upload(coordinator, Self.fixed, csrf: nil).status == 403)
            confirmation["csrf"] = nil
            #expect(try await coordinator.post("/regions/82/members/import/confirm", confirmation).status == 403)
            let other = try await portal.signedIn("biro@maluku.example.go.id", name: "Biro Maluku", role: .coordinator, region: "81")
            #expect(try await other.get("/regions/82/members/import").status == 403)
            confirmation["csrf"] = try #require(try await other.get("/regions/81").csrf)
            #expect(try await other.post("/regions/82/members/import/confirm", confirmation).status == 403)
            let viewer = try await portal.signedIn("pemantau@gtn.example.go.id", name: "Pemantau", role: .viewer)
            #expect(try await viewer.get("/regions/82/members/import").status == 403)
            #expect(try await Self.members(portal) == before)
        }
    }
}
