import Foundation
import GugusDatabase
import GugusModel
import GugusScheduler
import GugusTestSupport
import Postgres
import Testing

// Who a reminder reaches (docs/reminders.md, "One message per person"): a reminder is one per
// session, person, channel and due time, however many rules, roles and audiences reach the
// person then; and nobody is reminded who left the audience before the due time.

@Suite("One message per person", .releasesResources)
struct ReminderAudienceTests {
    @Test("a member also invited, reached by a participants rule and a members rule at the same time, gets one message")
    func memberAndParticipant() async throws {
        let bed = try await ReminderTestbed.make()
        let siti = try await bed.member("Siti Rahma", email: "siti@example.go.id", role: .sekretaris)
        let session = try await bed.session(startsIn: .seconds(3 * 86_400))
        _ = try await bed.gugus.invite(sessionID: session.id, .member(siti.id), role: .attendee)
        let guest = try #require(try await bed.inviteGuests(1...1, to: session).first)
        let toParticipants = try await bed.rule("1d", audience: .participants)
        let toMembers = try await bed.rule("1d", audience: .members)
        // A second rule for participants at the same time, and one at another time.
        _ = try await bed.rule("1d", audience: .participants)
        _ = try await bed.rule("2h", audience: .members)

        let planned = try await bed.reminders(session: session.id)
        // Siti at 1d (once, however many rules), Siti at 2h, the guest at 1d.
        #expect(planned.count == 3)
        let sitiDaily = try #require(planned.first { $0.personKey == "person:\(siti.personId)" && $0.dueAt == session.startsAt.addingTimeInterval(-86_400) })
        #expect(sitiDaily.recipientKey.hasPrefix("participant:"), "reached as a participant first: \(sitiDaily.recipientKey)")
        #expect(planned.filter { $0.personKey == "person:\(siti.personId)" }.count == 2)
        #expect(planned.filter { $0.personKey == "guest:\(guest.id)" }.count == 1)

        // Removing the participants rules leaves Siti reached as a member: the same reminder,
        // so the same key, now by the members rule.
        _ = try await bed.gugus.removeReminderRule(id: toParticipants.id)
        _ = try await bed.gugus.removeReminderRule(id: toParticipants.id + 2)
        let after = try await bed.reminders(session: session.id)
        let sitiAfter = try #require(after.first { $0.id == sitiDaily.id })
        #expect(sitiAfter.status == "pending")
        #expect(sitiAfter.recipientKey == "membership:\(siti.id)")
        #expect(sitiAfter.idempotencyKey == sitiDaily.idempotencyKey)
        let ruleNow = try await bed.pool.query("SELECT rule_id FROM reminder WHERE id = \(sitiDaily.id)").single()?.decode(Int64.self)
        #expect(ruleNow == toMembers.id)
        // The guest was reached by participants rules only.
        #expect(after.first { $0.personKey == "guest:\(guest.id)" }?.skipReason == "rule removed")

        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        try await bed.makeDue(through: .distantFuture)
        let pass = try await bed.dispatcher(logPath: log).runOnce()
        #expect(pass.sent == 2)
        let lines = try ReminderTestbed.logLines(log)
        #expect(lines.compactMap { ($0["recipient"] as? [String: Any])?["name"] as? String } == ["Siti Rahma", "Siti Rahma"])
        #expect(Set(lines.compactMap { $0["due_at"] as? String }).count == 2)
    }

    @Test("the same person on e-mail and on the log channel gets one message on each")
    func perChannel() async throws {
        let bed = try await ReminderTestbed.make()
        let siti = try await bed.member("Siti Rahma", email: "siti@example.go.id")
        let session = try await bed.session(startsIn: .seconds(3 * 86_400))
        _ = try await bed.gugus.invite(sessionID: session.id, .member(siti.id), role: .attendee)
        _ = try await bed.rule("1d", channel: .log, audience: .participants)
        _ = try await bed.rule("1d", channel: .email, audience: .members)
        let planned = try await bed.reminders(session: session.id)
        #expect(planned.map(\.channel).sorted() == ["email", "log"])
        #expect(Set(planned.compactMap(\.personKey)) == ["person:\(siti.personId)"])
    }

    @Test("a participant whose membership ended before the due time is not reminded, nor a member who left")
    func membershipEnded() async throws {
        let bed = try await ReminderTestbed.make()
        let andi = try await bed.member("Andi Wijaya", email: "andi@example.go.id")
        let budi = try await bed.member("Budi Santoso", email: "budi@example.go.id")
        let session = try await bed.session(startsIn: .seconds(5 * 86_400))
        _ = try await bed.gugus.invite(sessionID: session.id, .member(andi.id), role: .attendee)
        _ = try await bed.rule("2d", audience: .participants)
        _ = try await bed.rule("1d", audience: .members)
        // Andi as a participant (2d) and as a member (1d), Budi as a member (1d).
        #expect(try await bed.reminders(session: session.id).count == 3)

        // Andi's membership ends tomorrow, before both due times; the invitation stays.
        let tomorrow = CivilDate(Date(), in: ReminderTestbed.zone).adding(days: 1)
        _ = try await bed.gugus.endMember(id: andi.id, on: tomorrow, reason: "mutasi jabatan")
        let reminders = try await bed.reminders(session: session.id)
        let andis = reminders.filter { $0.personKey == "person:\(andi.personId)" }
        #expect(andis.map(\.status) == ["skipped", "skipped"])
        #expect(Set(andis.compactMap(\.skipReason)) == ["membership ended before the due time", "recipient no longer in the audience"])
        #expect(reminders.filter { $0.personKey == "person:\(budi.personId)" }.map(\.status) == ["pending"])

        try await bed.makeDue(through: .distantFuture)
        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        #expect(try await bed.dispatcher(logPath: log).runOnce().sent == 1)
        #expect(try ReminderTestbed.logLines(log).compactMap { ($0["recipient"] as? [String: Any])?["name"] as? String } == ["Budi Santoso"])
    }

    @Test("a declined or cancelled participation is not reminded")
    func declinedOrCancelled() async throws {
        let bed = try await ReminderTestbed.make()
        let session = try await bed.session(startsIn: .seconds(3 * 86_400))
        let guests = try await bed.inviteGuests(1...3, to: session)
        _ = try await bed.rule("1d")
        _ = try await bed.gugus.uninvite(sessionID: session.id, participantID: guests[0].id)
        try await bed.execute("UPDATE participant SET registration = 'declined' WHERE id = \(guests[1].id)")
        let reminders = try await bed.reminders(session: session.id)
        #expect(reminders.map(\.status) == ["skipped", "skipped", "pending"])
        #expect(reminders.prefix(2).allSatisfy { $0.skipReason == "recipient no longer in the audience" })

        try await bed.makeDue(through: .distantFuture)
        #expect(try await bed.dispatcher().runOnce().sent == 1)
    }

    @Test("a session completed early sends nothing more; nor one moved to a time already past")
    func completedOrMovedIntoThePast() async throws {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("1d")
        _ = try await bed.rule("2h")
        let early = try await bed.session(startsIn: .seconds(3 * 86_400), title: "Rakor yang selesai lebih awal")
        try await bed.inviteGuests(1...2, to: early)
        let moved = try await bed.session(startsIn: .seconds(3 * 86_400), title: "Sosialisasi yang dicatat mundur")
        try await bed.inviteGuests(3...4, to: moved)
        #expect(try await bed.reminders().count == 8)

        _ = try await bed.gugus.completeSession(id: early.id, notes: "dipercepat", outcome: nil)
        let yesterday = ReminderTestbed.iso(Date().addingTimeInterval(-86_400))
        _ = try await bed.gugus.rescheduleSession(id: moved.id, SessionChange(starts: yesterday))

        let earlyReminders = try await bed.reminders(session: early.id)
        #expect(earlyReminders.allSatisfy { $0.status == "skipped" && $0.skipReason == "session completed" })
        let movedReminders = try await bed.reminders(session: moved.id)
        #expect(movedReminders.allSatisfy { $0.status == "skipped" && $0.skipReason?.hasPrefix("session starts in the past") == true },
                "\(movedReminders.map { $0.skipReason ?? "-" })")
        try await bed.makeDue(through: .distantFuture)
        let pass = try await bed.dispatcher().runOnce()
        #expect(pass.sent == 0)
        #expect(pass.skipped == 0)
    }
}
