import Foundation
import GugusModel
import GugusTestSupport
import Testing

/// Reminder rules, reminders, the audit log and tokens over HTTP.
@Suite("Reminder, audit and token endpoints", .timeLimit(.minutes(5)), .releasesResources)
struct AdministrationEndpointTests {
    @Test("reminder rules: add, list, delete; reminders planned for a session, filtered; their refusals")
    func reminders() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let seeded = try await MalukuUtara.seed(admin)

            let rule = try await admin.post("/v1/reminder-rules", ["kind": "session", "offset": "1d", "task_force": "82", "channel": "log"])
            #expect(rule.status == 201, "\(rule)")
            let ruleID = try rule.object().id()
            #expect(try rule.object()["offset"] as? String == "1d")
            #expect(try rule.object()["audience"] as? String == "participants")
            #expect(try rule.object()["task_force_id"] as? Int == seeded.taskForceID)
            let national = try await admin.post("/v1/reminder-rules", ["kind": "session", "offset": "2h", "channel": "log", "audience": "organizers"])
            #expect(national.status == 201, "\(national)")

            let rules = try await admin.get("/v1/reminder-rules")
            #expect(rules.status == 200, "\(rules)")
            #expect(try rules.items().map { try $0.id() } == [ruleID, try national.object().id()])

            // Inviting the members plans one reminder each, a day before the session.
            #expect(try await admin.post("/v1/sessions/\(seeded.sessionID)/participants", ["all_members": true]).status == 201)
            let planned = try await admin.get("/v1/reminders?session=\(seeded.sessionID)&status=pending")
            #expect(planned.status == 200, "\(planned)")
            let reminders = try planned.items().filter { $0["rule_id"] as? Int == ruleID }
            #expect(reminders.compactMap { $0["recipient_name"] as? String }.sorted() == ["Hasan Percontohan", "Rahmat Contoh", "Yusuf Sampel"])
            #expect(reminders.allSatisfy { $0["due_at"] as? String == "2027-03-09T00:00:00Z" })
            #expect(reminders.allSatisfy { ($0["idempotency_key"] as? String)?.hasPrefix("gugus-reminder-") == true })
            let byTaskForce = try await admin.get("/v1/reminders?taskforce=82")
            #expect(try byTaskForce.items().count == reminders.count, "\(byTaskForce)")
            let badStatus = try await admin.get("/v1/reminders?status=lost")
            #expect(badStatus.status == 422, "\(badStatus)")
            #expect(try badStatus.problem().detail == "unknown status 'lost'; use one of: pending, sent, skipped, failed, dead", "\(badStatus)")
            let badSession = try await admin.get("/v1/reminders?session=first")
            #expect(badSession.status == 422, "\(badSession)")
            #expect(try badSession.problem().detail == "parameter session 'first' must be a whole number", "\(badSession)")

            // Refusals when adding.
            let noOffset = try await admin.post("/v1/reminder-rules", ["kind": "session", "channel": "log"])
            #expect(noOffset.status == 422, "\(noOffset)")
            #expect(try noOffset.problem().detail == "a session reminder needs an offset, such as 1d or 2h", "\(noOffset)")
            let badChannel = try await admin.post("/v1/reminder-rules", ["kind": "session", "offset": "1d", "channel": "sms"])
            #expect(badChannel.status == 422, "\(badChannel)")
            #expect(try badChannel.problem().detail == "unknown channel 'sms'; use one of: log, email, webhook", "\(badChannel)")
            let badOffset = try await admin.post("/v1/reminder-rules", ["kind": "session", "offset": "soon", "channel": "log"])
            #expect(badOffset.status == 422, "\(badOffset)")
            #expect(try badOffset.problem().errors.map(\.field) == ["offset"], "\(badOffset)")
            let badHook = try await admin.post("/v1/reminder-rules", ["kind": "session", "offset": "1d", "channel": "webhook", "webhook_url": "hooks.example.org"])
            #expect(badHook.status == 422, "\(badHook)")
            #expect(try badHook.problem().detail == "'hooks.example.org' is not a web address; write it in full with http:// or https://", "\(badHook)")
            let noTaskForce = try await admin.post("/v1/reminder-rules", ["kind": "session", "offset": "1d", "channel": "log", "task_force": "31"])
            #expect(noTaskForce.status == 404, "\(noTaskForce)")

            // Removing the rule skips what it planned.
            let removed = try await admin.delete("/v1/reminder-rules/\(ruleID)")
            #expect(removed.status == 200, "\(removed)")
            #expect(try removed.object()["removed_at"] is String)
            let skipped = try await admin.get("/v1/reminders?session=\(seeded.sessionID)&status=skipped")
            #expect(try skipped.items().filter { $0["rule_id"] as? Int == ruleID }.count == 3, "\(skipped)")
            #expect(try skipped.items().allSatisfy { $0["skip_reason"] as? String == "rule removed" })
            let removedAgain = try await admin.delete("/v1/reminder-rules/\(ruleID)")
            #expect(removedAgain.status == 404, "\(removedAgain)")
            #expect(try removedAgain.problem().detail == "no active reminder rule with id \(ruleID); see `gugus reminder rule list`", "\(removedAgain)")
            #expect(try await admin.get("/v1/reminder-rules").items().count == 1)
        }
    }

    @Test("audit log: every change with its actor, filtered by entity, id, task force and time; bad filters")
    func audit() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let seeded = try await MalukuUtara.seed(admin)
            let before = try await admin.get("/v1/audit?entity=membership")
            #expect(before.status == 200, "\(before)")
            let entries = try before.items()
            #expect(entries.count == 3)
            #expect(entries.allSatisfy { $0["actor"] as? String == Deployment.adminName && $0["action"] as? String == "member.add" })
            #expect(entries.allSatisfy { $0["operation"] as? String == "insert" && $0["task_force_id"] as? Int == seeded.taskForceID })

            let one = try await admin.get("/v1/audit?entity=membership&entity_id=\(seeded.anggotaID)")
            #expect(try one.items().count == 1, "\(one)")
            #expect((try one.items().first?["after"] as? [String: Any])?["role"] as? String == "anggota")

            let ofSixtyOne = try await admin.get("/v1/audit?taskforce=61")
            #expect(try ofSixtyOne.items().compactMap { $0["action"] as? String }.sorted() == ["decree.add", "taskforce.create"], "\(ofSixtyOne)")

            let future = try await admin.get("/v1/audit?since=2099-01-01")
            #expect(try future.items().isEmpty, "\(future)")
            let paged = try await admin.get("/v1/audit?limit=2")
            #expect(try paged.items().count == 2)
            let cursor = try #require(try paged.object()["next_cursor"] as? String, "\(paged)")
            let next = try await admin.get("/v1/audit?limit=2&after=\(cursor)")
            #expect(try next.items().allSatisfy { try $0.id() < Int(cursor)! }, "newest first: \(next)")

            // By actor, and up to a day (the whole day, UTC) or before an instant.
            let byAdmin = try await admin.get("/v1/audit?actor=Sekretariat%20GTN&entity=membership")
            #expect(try byAdmin.items().count == 3, "\(byAdmin)")
            #expect(try await admin.get("/v1/audit?actor=someone%20else").items().isEmpty)
            let today = LocalTime.iso8601(Date()).prefix(10)
            #expect(try await admin.get("/v1/audit?entity=membership&until=\(today)").items().count == 3, "today's entries are in today")
            #expect(try await admin.get("/v1/audit?until=2000-01-01").items().isEmpty)
            #expect(try await admin.get("/v1/audit?entity=membership&until=\(today)T00:00:00Z").items().isEmpty, "an instant is exclusive")
            let badUntil = try await admin.get("/v1/audit?until=tomorrow")
            #expect(badUntil.status == 422, "\(badUntil)")
            #expect(try badUntil.problem().errors.map(\.field) == ["until"], "\(badUntil)")

            let badSince = try await admin.get("/v1/audit?since=yesterday")
            #expect(badSince.status == 422, "\(badSince)")
            #expect(try badSince.problem().errors.map(\.field) == ["since"], "\(badSince)")
            let badCursor = try await admin.get("/v1/audit?after=abc")
            #expect(badCursor.status == 422, "\(badCursor)")
            #expect(try badCursor.problem().detail == "cursor 'abc' is not valid; use the next_cursor of the previous page", "\(badCursor)")

            // A coordinator sees its own task force's entries only; a viewer none.
            let own = try await deployment.coordinator61.get("/v1/audit")
            #expect(own.status == 200, "\(own)")
            #expect(try own.items().allSatisfy { $0["task_force_id"] as? Int == seeded.taskForce61ID }, "\(own)")
            #expect(try !own.items().isEmpty)
            let viewer = try await deployment.viewer.get("/v1/audit")
            #expect(viewer.status == 403, "\(viewer)")
            #expect(try viewer.problem().detail == "token '\(Deployment.viewerName)' (viewer) may only read status and public sessions", "\(viewer)")
        }
    }

    @Test("tokens: issue, list without secrets, revoke; duplicates, bad roles and regions; admin only")
    func tokens() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let issued = try await admin.post("/v1/tokens", ["role": "coordinator", "region_code": "75", "name": "Kanwil Gorontalo", "expires_on": "2030-12-31"])
            #expect(issued.status == 201, "\(issued)")
            let token = try #require(try issued.object()["token"] as? [String: Any])
            let secret = try #require(try issued.object()["secret"] as? String)
            #expect(secret.hasPrefix("gugus_"))
            #expect(token["name"] as? String == "Kanwil Gorontalo")
            #expect(token["role"] as? String == "coordinator")
            #expect(token["region_code"] as? String == "75")
            #expect(token["expires_at"] as? String == "2030-12-31T17:00:00Z")
            let tokenID = try token.id()

            // The new token works at once.
            let gorontalo = deployment.api(token: secret)
            #expect(try await gorontalo.get("/v1/status").status == 200)

            let listed = try await admin.get("/v1/tokens")
            #expect(listed.status == 200, "\(listed)")
            #expect(try listed.items().map { $0["name"] as? String } == [
                Deployment.adminName, Deployment.coordinator82Name, Deployment.coordinator61Name, Deployment.viewerName, "Kanwil Gorontalo",
            ])
            #expect(!listed.text.contains(secret), "secrets are never listed")
            #expect(!listed.text.contains("sha256"), "nor their hashes")

            let duplicate = try await admin.post("/v1/tokens", ["role": "viewer", "name": "kanwil gorontalo"])
            #expect(duplicate.status == 409, "\(duplicate)")
            #expect(try duplicate.problem().detail == "an active token named 'kanwil gorontalo' already exists (id \(tokenID)); choose another name or revoke the old one", "\(duplicate)")
            let noRegion = try await admin.post("/v1/tokens", ["role": "coordinator", "name": "Kanwil tanpa wilayah"])
            #expect(noRegion.status == 422, "\(noRegion)")
            #expect(try noRegion.problem().detail == "a coordinator token needs its region (--region CODE)", "\(noRegion)")
            let viewerRegion = try await admin.post("/v1/tokens", ["role": "viewer", "region_code": "82", "name": "Dasbor Malut"])
            #expect(viewerRegion.status == 422, "\(viewerRegion)")
            #expect(try viewerRegion.problem().detail == "only coordinator tokens belong to a region; drop --region", "\(viewerRegion)")
            let badRole = try await admin.post("/v1/tokens", ["role": "superuser", "name": "Root"])
            #expect(badRole.status == 422, "\(badRole)")
            #expect(try badRole.problem().detail == "unknown role 'superuser'; use one of: admin, coordinator, reviewer, viewer", "\(badRole)")
            let pastExpiry = try await admin.post("/v1/tokens", ["role": "viewer", "name": "Kemarin", "expires_on": "2020-01-01"])
            #expect(pastExpiry.status == 422, "\(pastExpiry)")
            #expect(try pastExpiry.problem().detail == "the expiry date 2020-01-01 has already passed", "\(pastExpiry)")
            let unknownRegion = try await admin.post("/v1/tokens", ["role": "coordinator", "region_code": "99", "name": "Nowhere"])
            #expect(unknownRegion.status == 404, "\(unknownRegion)")

            let revoked = try await admin.post("/v1/tokens/\(tokenID)/revoke", [:])
            #expect(revoked.status == 200, "\(revoked)")
            #expect(try revoked.object()["revoked_at"] is String)
            let revokedAgain = try await admin.post("/v1/tokens/\(tokenID)/revoke", [:])
            #expect(revokedAgain.status == 409, "\(revokedAgain)")
            #expect(try revokedAgain.problem().detail == "token \(tokenID) ('Kanwil Gorontalo') is already revoked", "\(revokedAgain)")
            let unknown = try await admin.post("/v1/tokens/999999/revoke", [:])
            #expect(unknown.status == 404, "\(unknown)")
            #expect(try unknown.problem().detail == "no token with id 999999; see `gugus token list`", "\(unknown)")

            // Only the secretariat manages tokens.
            for role in [Deployment.Role.coordinator82, .viewer] {
                let listing = try await deployment.api(role).get("/v1/tokens")
                #expect(listing.status == 403, "\(listing)")
                #expect(try listing.problem().detail == "\(role.refusalName) may not list tokens; that is for admins only", "\(listing)")
                let issuing = try await deployment.api(role).post("/v1/tokens", ["role": "admin", "name": "Escalation"])
                #expect(issuing.status == 403, "\(issuing)")
                #expect(try issuing.problem().detail == "\(role.refusalName) may not issue tokens; that is for admins only", "\(issuing)")
            }
        }
    }
}
