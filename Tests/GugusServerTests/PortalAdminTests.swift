import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Testing

/// The secretariat's token and audit pages in the portal (issue 12).
@Suite("Portal: API tokens and the audit log", .releasesResources)
struct PortalAdminTests {
    static func status(_ portal: PortalDeployment, token: String) async throws -> Int {
        let response = try await portal.client.execute(uri: "/v1/status", method: .get, headers: [.authorization: "Bearer \(token)"], body: nil)
        return Int(response.status.code)
    }

    @Test("an admin issues a token, sees its secret once, it works; revoked, it no longer does")
    func tokens() async throws {
        try await PortalDeployment.with { portal in
            let admin = try await portal.signedIn("sekretariat@gtn.example.go.id", name: "Sekretariat GTN", role: .admin)
            let page = try await admin.get("/admin/tokens")
            #expect(page.status == 200, "\(page)")
            let refused = try await admin.post("/admin/tokens", ["csrf": try #require(page.csrf), "name": "Kanwil Malut", "role": "coordinator", "region": "99"])
            #expect(refused.status == 422, "\(refused)")
            #expect(refused.html.contains(#"value="Kanwil Malut""#))
            let issued = try await admin.post("/admin/tokens", ["csrf": try #require(page.csrf), "name": "Kanwil Malut (CLI)", "role": "coordinator", "region": "82"])
            #expect(issued.status == 201, "\(issued)")
            let secret = String(try #require(issued.html.firstMatch(of: /<code class="secret">([^<]+)<\/code>/)?.1))
            #expect(try await Self.status(portal, token: secret) == 200)
            let later = try await admin.get("/admin/tokens")
            #expect(!later.html.contains(secret), "the secret is shown once")
            #expect(later.html.contains("Kanwil Malut (CLI)"))
            let revoke = try #require(later.html.firstMatch(of: /action="(\/admin\/tokens\/\d+\/revoke)"/)?.1)
            #expect(try await admin.post(String(revoke), ["csrf": try #require(later.csrf)]).status == 303)
            #expect(try await Self.status(portal, token: secret) == 401)
            #expect(try await admin.get("/admin/tokens").html.contains("dicabut"))
        }
    }

    @Test("an admin makes a viewer the coordinator of 82: from their next request they may change 82; a bad scope is refused")
    func changeRole() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let admin = try await portal.signedIn("sekretariat@gtn.example.go.id", name: "Sekretariat GTN", role: .admin)
            let person = try await portal.signedIn("staf@malut.example.go.id", name: "Staf Malut", role: .viewer)
            #expect(try await person.get("/regions/82/members/new").status == 403)
            let people = try await admin.get("/admin/people")
            let csrf = try #require(people.csrf)
            let account = try #require(try await portal.gugus.accounts().first { $0.email == "staf@malut.example.go.id" })
            let refused = try await admin.post("/admin/people/\(account.id)/change", ["csrf": csrf, "role": "coordinator", "region": ""])
            #expect(refused.status == 422, "\(refused)")
            #expect(refused.html.contains("koordinator perlu wilayahnya"))
            let changed = try await admin.post("/admin/people/\(account.id)/change", ["csrf": csrf, "role": "coordinator", "region": "82"])
            #expect(changed.status == 200, "\(changed)")
            #expect(changed.html.contains("Peran diubah: Staf Malut, Koordinator wilayah · 82"), "\(changed)")
            #expect(try await person.get("/regions/82/members/new").status == 200)
            let coordinatorCSRF = try #require(try await person.get("/regions/82").csrf)
            #expect(try await person.post("/admin/people/\(account.id)/change", ["csrf": coordinatorCSRF, "role": "admin", "region": ""]).status == 403)
        }
    }

    @Test("the audit log filters by kind, person and date and shows before and after; coordinators may not open either page")
    func audit() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let admin = try await portal.signedIn("sekretariat@gtn.example.go.id", name: "Sekretariat GTN", role: .admin)
            let csrf = try #require(try await admin.get("/admin/tokens").csrf)
            _ = try await admin.post("/admin/tokens", ["csrf": csrf, "name": "Token Audit", "role": "viewer"])
            let decrees = try await admin.get("/admin/audit?entity=decree")
            #expect(decrees.status == 200, "\(decrees)")
            #expect(decrees.html.contains("SK "), "\(decrees)")
            #expect(decrees.html.contains("188.45/82/2026"))
            #expect(!decrees.html.contains("Token Audit"))
            let byAdmin = try await admin.get("/admin/audit?actor=\(APIRoute.escape("Sekretariat GTN <sekretariat@gtn.example.go.id>"))")
            #expect(byAdmin.html.contains("Token Audit"), "\(byAdmin)")
            #expect(!byAdmin.html.contains("188.45/82/2026"))
            let today = CivilDate(Date(), in: RegionZone.jakarta.timeZone)
            #expect(try await admin.get("/admin/audit?entity=decree&to=\(today.adding(days: -1))").html.contains("Tidak ada catatan yang cocok."))
            let bad = try await admin.get("/admin/audit?from=kemarin")
            #expect(bad.status == 422)
            #expect(bad.html.contains(#"id="from-error""#))
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            #expect(try await coordinator.get("/admin/audit").status == 403)
            #expect(try await coordinator.get("/admin/tokens").status == 403)
            let coordinatorCSRF = try #require(try await coordinator.get("/regions/82").csrf)
            #expect(try await coordinator.post("/admin/tokens", ["csrf": coordinatorCSRF, "name": "x", "role": "admin"]).status == 403)
        }
    }
}

/// The secretariat's personal-data page (UU PDP, issue 14).
@Suite("Portal: a person's data", .releasesResources)
struct PortalPersonalDataTests {
    @Test("an admin finds a person, downloads the export, and erases the contact details; a coordinator may not")
    func findExportErase() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let admin = try await portal.signedIn("sekretariat@gtn.example.go.id", name: "Sekretariat GTN", role: .admin)
            let page = try await admin.get("/admin/personal-data")
            #expect(page.status == 200, "\(page)")
            let csrf = try #require(page.csrf)
            let nobody = try await admin.post("/admin/personal-data", ["csrf": csrf, "email": "nobody@example.org"])
            #expect(nobody.status == 404)
            #expect(nobody.html.contains("Gugus tidak menyimpan data apa pun tentang alamat surel nobody@example.org"))
            let neither = try await admin.post("/admin/personal-data", ["csrf": csrf])
            #expect(neither.status == 422)
            #expect(neither.html.contains("isi salah satu: alamat surel atau nomor anggota"))

            let found = try await admin.post("/admin/personal-data", ["csrf": csrf, "email": "siti@malut.example.go.id"])
            #expect(found.status == 200, "\(found)")
            #expect(found.html.contains("Yang disimpan Gugus"))
            #expect(found.html.contains("Sekretaris, Kepala Kanwil, Kanwil Kementerian HAM Maluku Utara"))
            #expect(found.html.contains("&lt;script&gt;"), "the name is escaped")
            let download = try await admin.post("/admin/personal-data/export.json", ["csrf": csrf, "email": "siti@malut.example.go.id", "member": ""])
            #expect(download.status == 200)
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"data-pribadi-") == true)
            let export = try GugusJSON.decoder().decode(PersonalDataExport.self, from: Data(download.html.utf8))
            #expect(export.memberships.count == 1)
            #expect(export.audit.contains { $0.action == "person.export" && $0.actor == "Sekretariat GTN <sekretariat@gtn.example.go.id>" })

            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            #expect(try await coordinator.get("/admin/personal-data").status == 403)
            let theirs = try #require(try await coordinator.get("/regions/82").csrf)
            #expect(try await coordinator.post("/admin/personal-data/erase", [
                "csrf": theirs, "email": "siti@malut.example.go.id", "reason": "permintaan",
            ]).status == 403)

            let noReason = try await admin.post("/admin/personal-data/erase", ["csrf": csrf, "email": "siti@malut.example.go.id", "reason": " "])
            #expect(noReason.status == 422)
            #expect(noReason.html.contains(#"<p class="error-message" id="reason-error">penghapusan perlu alasannya"#), "the message is beside the field")
            #expect(noReason.html.contains("Yang disimpan Gugus"), "the person is shown again")
            let erased = try await admin.post("/admin/personal-data/erase", [
                "csrf": csrf, "email": "siti@malut.example.go.id", "member": "", "reason": "permintaan yang bersangkutan", "erase_name": "yes",
            ])
            #expect(erased.status == 200, "\(erased)")
            #expect(erased.html.contains("Data dihapus (alamat surel, nomor telepon, nama)."))
            let members = try await portal.gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items
            #expect(members.map(\.name) == ["[dihapus]"])
            #expect(members.first?.email == nil)
        }
    }
}
