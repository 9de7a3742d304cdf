import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// A province's reminder rules in the portal (issue 12).
@Suite("Portal: a province's reminder rules", .releasesResources)
struct PortalRuleTests {
    static func rules(_ portal: PortalDeployment) async throws -> [String] {
        try await portal.pool.query("""
            SELECT id::text || ' ' || audience || ' ' || channel || ' ' || (removed_at IS NULL)::text FROM reminder_rule ORDER BY id
            """).decode(String.self)
    }

    @Test("the coordinator adds a rule, sees it in words with the national one, removes it; the session's reminders follow")
    func addAndRemove() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            _ = try await portal.gugus.addReminderRule(NewReminderRule(
                offset: try DurationText(parsing: "3d", field: "offset"), audience: .organizers, channel: .log))
            let session = try await portal.gugus.scheduleSession(NewSession(
                taskForce: .region("82"), title: "Rakor GTD", starts: "2030-03-04 09:00", duration: DurationText(seconds: 7200)!, venue: "Sofifi"))
            _ = try await portal.gugus.invite(sessionID: session.id, .allMembers, role: .attendee)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let page = try await coordinator.get("/regions/82/reminder-rules")
            #expect(page.status == 200, "\(page)")
            #expect(page.html.contains("3 hari sebelum kegiatan, kepada panitia, lewat catatan server"), "\(page)")
            #expect(!page.html.contains("/reminder-rules/1/remove"), "the national rule is the secretariat's")

            let refused = try await coordinator.post("/regions/82/reminder-rules", [
                "csrf": try #require(page.csrf), "offset": "1d", "audience": "participants", "channel": "webhook", "webhook_url": "bukan alamat",
            ])
            #expect(refused.status == 422, "\(refused)")
            #expect(refused.html.contains(#"id="webhook_url-error""#), "\(refused)")
            let added = try await coordinator.post("/regions/82/reminder-rules", [
                "csrf": try #require(page.csrf), "offset": "1d", "audience": "participants", "channel": "log", "webhook_url": "",
            ])
            #expect(added.status == 303, "\(added)")
            let after = try await coordinator.get(try #require(added.location))
            #expect(after.html.contains("1 hari sebelum kegiatan, kepada peserta, lewat catatan server"))
            #expect(after.html.contains("Aturan pengingat ditambahkan"))
            let sessionPage = try await coordinator.get("/sessions/\(session.id)")
            #expect(sessionPage.html.contains("Minggu, 3 Maret 2030 pukul 09.00 WIT"), "the new rule planned its reminders: \(sessionPage)")

            let remove = try #require(after.html.firstMatch(of: /action="(\/regions\/82\/reminder-rules\/\d+\/remove)"/)?.1)
            let removed = try await coordinator.post(String(remove), ["csrf": try #require(after.csrf)])
            #expect(removed.status == 303, "\(removed)")
            #expect(try await coordinator.get("/sessions/\(session.id)").html.contains("(aturannya dihapus)"))
        }
    }

    @Test("no token, another province, a national rule from a region's page: refused, rules unchanged")
    func refusals() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let national = try await portal.gugus.addReminderRule(NewReminderRule(
                offset: try DurationText(parsing: "3d", field: "offset"), audience: .organizers, channel: .log))
            let own = try await portal.gugus.addReminderRule(NewReminderRule(
                offset: try DurationText(parsing: "1d", field: "offset"), audience: .members, channel: .log, taskForce: .region("82")))
            let before = try await Self.rules(portal)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let csrf = try #require(try await coordinator.get("/regions/82/reminder-rules").csrf)
            #expect(try await coordinator.post("/regions/82/reminder-rules/\(own.id)/remove", [:]).status == 403)
            #expect(try await coordinator.post("/regions/82/reminder-rules/\(national.id)/remove", ["csrf": csrf]).status == 404)
            let other = try await portal.signedIn("biro@maluku.example.go.id", name: "Biro Maluku", role: .coordinator, region: "81")
            let otherCSRF = try #require(try await other.get("/regions/81").csrf)
            #expect(try await other.get("/regions/82/reminder-rules").status == 403)
            #expect(try await other.post("/regions/82/reminder-rules/\(own.id)/remove", ["csrf": otherCSRF]).status == 403)
            #expect(try await other.post("/regions/82/reminder-rules", ["csrf": otherCSRF, "offset": "1d", "audience": "members", "channel": "log"]).status == 403)
            #expect(try await Self.rules(portal) == before)
        }
    }
}
