import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// Adding a member and ending a membership in the portal (issue 12).
@Suite("Portal: adding a member, ending a membership", .releasesResources)
struct PortalMemberTests {
    static func members(_ portal: PortalDeployment) async throws -> [String] {
        try await portal.pool.query("""
            SELECT m.id::text || ' ' || m.role || ' ' || coalesce(m.valid_until::text, '-') FROM membership m ORDER BY m.id
            """).decode(String.self)
    }

    @Test("a member is added and shown; a refused form keeps what was typed; the membership ends and stays in history")
    func addAndEnd() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let form = try await coordinator.get("/regions/82/members/new")
            #expect(form.status == 200, "\(form)")
            var fields = [
                "csrf": try #require(form.csrf), "name": "Budi Santoso", "role": "anggota", "position": "Kepala Dinas Tenaga Kerja",
                "institution": "Pemerintah Provinsi Maluku Utara", "email": "budi-at-malut", "phone": "", "from": "",
            ]
            let refused = try await coordinator.post("/regions/82/members", fields)
            #expect(refused.status == 422, "\(refused)")
            #expect(refused.html.contains(#"id="email-error""#), "\(refused)")
            #expect(refused.html.contains(#"value="Budi Santoso""#))
            fields["email"] = "budi@malut.example.go.id"
            let added = try await coordinator.post("/regions/82/members", fields)
            #expect(added.status == 303, "\(added)")
            let region = try await coordinator.get(try #require(added.location))
            #expect(region.html.contains("Anggota ditambahkan: Budi Santoso"), "\(region)")
            #expect(region.html.contains("budi@malut.example.go.id"))

            let endPath = try #require(region.html.firstMatch(of: /href="(\/regions\/82\/members\/(\d+)\/end)">Akhiri keanggotaan<span class="visually-hidden"> Budi Santoso/)?.1)
            let endForm = try await coordinator.get(String(endPath))
            #expect(endForm.status == 200, "\(endForm)")
            let tooEarly = try await coordinator.post(String(endPath), ["csrf": try #require(endForm.csrf), "on": "2020-01-01", "reason": "mutasi"])
            #expect(tooEarly.status == 422, "\(tooEarly)")
            #expect(tooEarly.html.contains(#"id="on-error""#))
            let today = CivilDate(Date(), in: RegionZone.jayapura.timeZone)
            let ended = try await coordinator.post(String(endPath), ["csrf": try #require(endForm.csrf), "on": today.description, "reason": "mutasi"])
            #expect(ended.status == 303, "\(ended)")
            let after = try await coordinator.get("/regions/82?at=\(today.adding(days: 1))")
            #expect(!after.html.contains("Budi Santoso"), "no longer a member after the day: \(after)")
            #expect(try await coordinator.get("/regions/82?at=\(today)").html.contains("Budi Santoso"), "still one on the day")
        }
    }

    @Test("no token, another province, a viewer: refused, the roster unchanged")
    func refusals() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let before = try await Self.members(portal)
            let siti = try #require(try await portal.gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items.first).id
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let fields = ["name": "Budi", "role": "anggota", "position": "Staf", "institution": "Pemprov"]
            #expect(try await coordinator.post("/regions/82/members", fields).status == 403)
            #expect(try await coordinator.post("/regions/82/members/\(siti)/end", ["on": "2026-12-01"]).status == 403)
            let other = try await portal.signedIn("biro@maluku.example.go.id", name: "Biro Maluku", role: .coordinator, region: "81")
            let csrf = try #require(try await other.get("/regions/81").csrf)
            #expect(try await other.get("/regions/82/members/new").status == 403)
            #expect(try await other.get("/regions/82/members/\(siti)/end").status == 403)
            var signed = fields
            signed["csrf"] = csrf
            #expect(try await other.post("/regions/82/members", signed).status == 403)
            #expect(try await other.post("/regions/82/members/\(siti)/end", ["csrf": csrf, "on": "2026-12-01"]).status == 403)
            let viewer = try await portal.signedIn("pemantau@gtn.example.go.id", name: "Pemantau", role: .viewer)
            #expect(try await viewer.get("/regions/82/members/new").status == 403)
            #expect(try await Self.members(portal) == before)
        }
    }
}
