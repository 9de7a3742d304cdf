import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// Issue 12: every form of the portal, sent without its CSRF token (or with another
/// session's), is refused and changes nothing. One place that lists them all, so a new
/// form is added here too.
@Suite("Portal: every form without its CSRF token changes nothing", .releasesResources)
struct PortalCSRFTests {
    /// Everything the forms can change, as one text to compare.
    static func snapshot(_ portal: PortalDeployment) async throws -> String {
        try await portal.pool.query("""
            SELECT concat_ws(' | ',
                (SELECT string_agg(id || ':' || status || ':' || starts_at || ':' || coalesce(cancel_reason, ''), ',' ORDER BY id) FROM outreach_session),
                (SELECT string_agg(id || ':' || attended || ':' || registration, ',' ORDER BY id) FROM participant),
                (SELECT string_agg(id || ':' || role || ':' || coalesce(valid_until::text, ''), ',' ORDER BY id) FROM membership),
                (SELECT count(*) FROM decree), (SELECT count(*) FROM document),
                (SELECT string_agg(id || ':' || (removed_at IS NULL), ',' ORDER BY id) FROM reminder_rule),
                (SELECT string_agg(id || ':' || (revoked_at IS NULL), ',' ORDER BY id) FROM api_token),
                (SELECT string_agg(id || ':' || role || ':' || coalesce(region_code, '') || ':' || (disabled_at IS NULL), ',' ORDER BY id) FROM account),
                (SELECT count(*) FROM task_force))
            """).single()!.decode(String.self)
    }

    @Test("decree, members, import, sessions, invitations, check-in, rules, tokens, people: 403 and no change")
    func everyForm() async throws {
        try await PortalDeployment.with { portal in
            try await PortalTests.seed(portal.gugus)
            let gugus = portal.gugus
            let session = try await gugus.scheduleSession(NewSession(
                taskForce: .region("82"), title: "Rakor", starts: "2030-03-04 09:00", duration: DurationText(seconds: 7200)!, venue: "Sofifi"))
            let participant = try #require(try await gugus.invite(sessionID: session.id, .allMembers, role: .attendee).first)
            let rule = try await gugus.addReminderRule(NewReminderRule(
                offset: try DurationText(parsing: "1d", field: "offset"), audience: .members, channel: .log, taskForce: .region("82")))
            let token = try await gugus.issueToken(NewToken(name: "Token", role: .viewer))
            let member = try #require(try await gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items.first)
            let admin = try await portal.signedIn("sekretariat@gtn.example.go.id", name: "Sekretariat GTN", role: .admin)
            let account = try #require(try await gugus.accounts().first)
            // Another session's token is no better than none.
            let stranger = try await portal.signedIn("lain@gtn.example.go.id", name: "Lain", role: .admin)
            let strangersToken = try #require(try await stranger.get("/admin/people").csrf)
            let before = try await Self.snapshot(portal)

            let forms: [(String, [String: String])] = [
                ("/regions/75/decrees", ["number": "1/2026", "title": "tentang", "signed_on": "2026-01-01", "signer": "Gubernur"]),
                ("/regions/82/members", ["name": "Budi", "role": "anggota", "position": "Staf", "institution": "Pemprov"]),
                ("/regions/82/members/\(member.id)/end", ["on": "2026-12-01"]),
                ("/regions/82/members/import", [:]),
                ("/regions/82/members/import/confirm", ["csv": Data("nama,peran,jabatan,instansi\nBudi,anggota,Staf,Pemprov\n".utf8).base64EncodedString()]),
                ("/regions/82/sessions", ["title": "Baru", "format": "rakor", "date": "2030-04-01", "time": "09.00", "duration": "1h", "mode": "luring", "venue": "Sofifi"]),
                ("/sessions/\(session.id)/reschedule", ["date": "2030-03-05", "time": "10.00"]),
                ("/sessions/\(session.id)/complete", ["notes": "selesai"]),
                ("/sessions/\(session.id)/cancel", ["reason": "batal"]),
                ("/sessions/\(session.id)/invite", ["guest_name": "Tamu"]),
                ("/sessions/\(session.id)/check-in/\(participant.id)", [:]),
                ("/regions/82/reminder-rules", ["offset": "1d", "audience": "members", "channel": "log"]),
                ("/regions/82/reminder-rules/\(rule.id)/remove", [:]),
                ("/admin/tokens", ["name": "Baru", "role": "viewer"]),
                ("/admin/tokens/\(token.token.id)/revoke", [:]),
                ("/admin/people", ["email": "baru@gtn.example.go.id", "name": "Baru", "role": "viewer"]),
                ("/admin/people/\(account.id)/change", ["role": "viewer"]),
                ("/admin/people/\(account.id)/disable", [:]),
            ]
            for (path, fields) in forms {
                let none = try await admin.post(path, fields)
                #expect(none.status == 403, "\(path) without a token: \(none)")
                var wrong = fields
                wrong["csrf"] = strangersToken
                let other = try await admin.post(path, wrong)
                #expect(other.status == 403, "\(path) with another session's token: \(other)")
            }
            #expect(try await Self.snapshot(portal) == before)
        }
    }
}
