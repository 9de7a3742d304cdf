import Foundation
import GugusDatabase
import GugusModel
import GugusScheduler
import GugusTestSupport
import Postgres
import Testing

// The scheduler's guarantees 2–4 (docs/reminders.md) against a real PostgreSQL, with a
// dispatch worker in this process (`runOnce`, as `gugus scheduler run --once` does) and the
// log channel written to a file.
//
// Time: the tests never wait for a due time. `makeDue(through:)` makes the reminders a worker
// could take by a given instant takeable now (their `not_before`), leaving sessions and due
// times as planned; `advanceClock(by:)` moves every stored instant back, as if the database's
// clock had moved forward, where a test needs a session to have started or a reminder to be
// late. Both are in Support/ReminderTestbed.swift.

@Suite("Reminder planning and dispatch", .releasesResources)
struct ReminderDispatchTests {
    @Test("a reschedule before the due time: the old time sends 0, the new time sends 1")
    func rescheduleBeforeDue() async throws {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("2h")
        let session = try await bed.session(startsIn: .seconds(3 * 3600))
        let guest = try #require(try await bed.inviteGuests(1...1, to: session).first)
        let planned = try #require(try await bed.reminders(session: session.id).sole)
        #expect(planned.status == "pending")
        #expect(planned.plannedVersion == 1)
        #expect(planned.recipientKey == "participant:\(guest.id)")
        #expect(planned.dueAt == session.startsAt.addingTimeInterval(-2 * 3600))

        let moved = try await bed.gugus.rescheduleSession(
            id: session.id, SessionChange(starts: ReminderTestbed.iso(session.startsAt.addingTimeInterval(2 * 3600))))
        #expect(moved.version == 2)
        // Re-timed in place: the same reminder, so the old time cannot be left behind to be sent.
        let retimed = try #require(try await bed.reminders(session: session.id).sole)
        #expect(retimed.id == planned.id)
        #expect(retimed.status == "pending")
        #expect(retimed.plannedVersion == 2)
        #expect(retimed.dueAt == moved.startsAt.addingTimeInterval(-2 * 3600))

        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        // The old due time comes: nothing is due, nothing goes.
        #expect(try await bed.makeDue(through: planned.dueAt) == 0)
        let atOldTime = try await bed.dispatcher(logPath: log).runOnce()
        #expect(atOldTime.sent == 0)
        #expect(atOldTime.skipped == 0)
        #expect(try ReminderTestbed.logLines(log).isEmpty)

        // The new due time: one message, for the new time and version.
        #expect(try await bed.makeDue(through: retimed.dueAt) == 1)
        let atNewTime = try await bed.dispatcher(logPath: log).runOnce()
        #expect(atNewTime.sent == 1)
        let line = try #require(try ReminderTestbed.logLines(log).sole)
        #expect(line["idempotency_key"] as? String == "gugus-reminder-\(planned.id)-v2")
        let payloadSession = try #require(line["session"] as? [String: Any])
        #expect(payloadSession["version"] as? Int == 2)
        #expect(payloadSession["starts_at"] as? String == PostgresTimestamp.format(moved.startsAt))
        #expect(line["due_at"] as? String == PostgresTimestamp.format(retimed.dueAt))

        // Once sent, never again.
        #expect(try await bed.dispatcher(logPath: log).runOnce().sent == 0)
        #expect(try ReminderTestbed.logLines(log).count == 1)
        #expect(try await bed.reminders(session: session.id).map(\.status) == ["sent"])
        #expect(try await bed.attempts(planned.id) == [.init(attempt: 1, worker: "test-worker", outcome: "sent", detail: nil)])
    }

    @Test("a session changed after planning, before the worker sends: the worker re-checks the version and skips")
    func versionRecheck() async throws {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("1h")
        let session = try await bed.session(startsIn: .seconds(3 * 3600))
        try await bed.inviteGuests(1...1, to: session)
        let reminder = try #require(try await bed.reminders(session: session.id).sole)
        // The change commits between planning and sending, without the planner seeing it (the
        // window a worker's own check closes): triggers off, version raised by hand.
        try await bed.pool.withTransaction { connection in
            try await connection.execute("SET LOCAL session_replication_role = replica")
            try await connection.execute("UPDATE outreach_session SET version = version + 1 WHERE id = \(session.id)")
        }
        try await bed.makeDue(through: reminder.dueAt)
        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        let pass = try await bed.dispatcher(logPath: log).runOnce()
        #expect(pass.sent == 0)
        #expect(pass.skipped == 1)
        #expect(try ReminderTestbed.logLines(log).isEmpty)
        let skipped = try #require(try await bed.reminders(session: session.id).sole)
        #expect(skipped.status == "skipped")
        #expect(skipped.skipReason == "session changed since planning (planned for version 1, now 2)")
        #expect(try await bed.attempts(reminder.id) == [
            .init(attempt: 1, worker: "test-worker", outcome: "skipped", detail: "session changed since planning (planned for version 1, now 2)"),
        ])
    }

    @Test("a cancelled session: its reminders are skipped, 0 sent")
    func cancel() async throws {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("2h")
        _ = try await bed.rule("1d")
        let session = try await bed.session(startsIn: .seconds(2 * 86_400))
        try await bed.inviteGuests(1...3, to: session)
        #expect(try await bed.reminders(session: session.id).map(\.status) == Array(repeating: "pending", count: 6))

        _ = try await bed.gugus.cancelSession(id: session.id, reason: "bertepatan dengan rapat paripurna DPRD")
        let reminders = try await bed.reminders(session: session.id)
        #expect(reminders.map(\.status) == Array(repeating: "skipped", count: 6))
        #expect(Set(reminders.compactMap(\.skipReason)) == ["session cancelled"])
        for reminder in reminders {
            #expect(try await bed.attempts(reminder.id) == [.init(attempt: 0, worker: "planner", outcome: "skipped", detail: "session cancelled")])
        }

        // However late it gets, nothing goes.
        #expect(try await bed.makeDue(through: .distantFuture) == 0)
        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        let pass = try await bed.dispatcher(logPath: log).runOnce()
        #expect(pass.sent == 0)
        #expect(try ReminderTestbed.logLines(log).isEmpty)
    }

    @Test("a cancel that lands after a worker claimed the reminder: skipped at the worker's check")
    func cancelRecheck() async throws {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("1h")
        let session = try await bed.session(startsIn: .seconds(3 * 3600))
        try await bed.inviteGuests(1...1, to: session)
        try await bed.pool.withTransaction { connection in
            try await connection.execute("SET LOCAL session_replication_role = replica")
            try await connection.execute("UPDATE outreach_session SET status = 'cancelled' WHERE id = \(session.id)")
        }
        try await bed.makeDue(through: .distantFuture)
        let pass = try await bed.dispatcher().runOnce()
        #expect(pass.sent == 0)
        #expect(try await bed.reminders(session: session.id).map(\.skipReason) == ["session cancelled"])
    }

    @Test("a rule added after sessions have passed, or whose time has passed, plans nothing: no backfill")
    func noBackfill() async throws {
        let bed = try await ReminderTestbed.make()
        // Recorded after the fact, yesterday; and one starting within the hour.
        let held = try await bed.session(startsIn: .seconds(-86_400), title: "Sosialisasi kemarin")
        try await bed.inviteGuests(1...3, to: held)
        let soon = try await bed.session(startsIn: .seconds(1800), title: "Rakor sebentar lagi")
        try await bed.inviteGuests(4...5, to: soon)

        let daily = try await bed.rule("1d")
        _ = try await bed.rule("1w", channel: .webhook, webhookURL: "http://127.0.0.1:9/unused")
        #expect(try await bed.reminders().isEmpty)

        // A guest invited later to the held session is no reason either.
        try await bed.inviteGuests(6...6, to: held)
        #expect(try await bed.reminders().isEmpty)

        // A rule whose time is still ahead plans for the session still ahead only.
        _ = try await bed.rule("15m")
        let planned = try await bed.reminders()
        #expect(planned.map(\.sessionId) == [soon.id, soon.id])
        #expect(planned.allSatisfy { $0.dueAt == soon.startsAt.addingTimeInterval(-15 * 60) })

        // Up to now, nothing is sent.
        try await bed.makeDue(through: Date())
        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        #expect(try await bed.dispatcher(logPath: log).runOnce().sent == 0)
        #expect(try ReminderTestbed.logLines(log).isEmpty)
        #expect(try await count("reminder", in: bed, where: "rule_id = \(daily.id)") == 0)
    }

    @Test("an invitee removed before the due time gets nothing; the others do")
    func uninvited() async throws {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("2h")
        let session = try await bed.session(startsIn: .seconds(3 * 3600))
        let guests = try await bed.inviteGuests(1...2, to: session)
        let removed = try await bed.gugus.uninvite(sessionID: session.id, participantID: guests[0].id)
        #expect(removed.registration == .cancelled)

        let reminders = try await bed.reminders(session: session.id)
        try #require(reminders.count == 2)
        #expect(reminders.map(\.status) == ["skipped", "pending"])
        #expect(reminders[0].recipientKey == "participant:\(guests[0].id)")
        #expect(reminders[0].skipReason == "recipient no longer in the audience")
        #expect(try await bed.attempts(reminders[0].id) == [
            .init(attempt: 0, worker: "planner", outcome: "skipped", detail: "recipient no longer in the audience"),
        ])

        try await bed.makeDue(through: .distantFuture)
        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        let pass = try await bed.dispatcher(logPath: log).runOnce()
        #expect(pass.sent == 1)
        let lines = try ReminderTestbed.logLines(log)
        #expect(lines.compactMap { ($0["recipient"] as? [String: Any])?["name"] as? String } == ["Tamu 2"])
        #expect(lines.compactMap { ($0["recipient"] as? [String: Any])?["key"] as? String } == ["participant:\(guests[1].id)"])
    }

    @Test("a reminder whose session has already started is skipped, with the reason, and stays skipped")
    func sessionStarted() async throws {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("1h")
        let session = try await bed.session(startsIn: .seconds(2 * 3600))
        let guests = try await bed.inviteGuests(1...2, to: session)
        // The schedulers were all down: the clock passes the due time and the start.
        try await bed.advanceClock(by: .seconds(2 * 3600 + 60))
        let started = try await bed.gugus.session(id: session.id).session.startsAt

        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        let pass = try await bed.dispatcher(logPath: log).runOnce()
        #expect(pass.sent == 0)
        #expect(pass.skipped == 2)
        #expect(try ReminderTestbed.logLines(log).isEmpty)
        let reason = "session already started at \(LocalTime.iso8601(started))"
        let reminders = try await bed.reminders(session: session.id)
        try #require(reminders.count == 2)
        #expect(reminders.map(\.status) == ["skipped", "skipped"])
        #expect(reminders.map(\.skipReason) == [reason, reason])
        #expect(try await bed.attempts(reminders[0].id) == [.init(attempt: 1, worker: "test-worker", outcome: "skipped", detail: reason)])

        // Recording attendance re-plans the session; what was skipped stays skipped.
        _ = try await bed.gugus.attend(sessionID: session.id, participantID: guests[0].id)
        #expect(try await bed.reminders(session: session.id).map(\.status) == ["skipped", "skipped"])
        #expect(try await bed.dispatcher(logPath: log).runOnce().skipped == 0)
        #expect(try await bed.attempts(reminders[0].id).count == 1)
    }

    @Test("a reminder later than the catch-up limit is skipped as late; one within it is sent")
    func lateBeyondCatchUp() async throws {
        let bed = try await ReminderTestbed.make()
        let tooLate = try await bed.rule("2h")
        let stillInTime = try await bed.rule("1h30m")
        let session = try await bed.session(startsIn: .seconds(4 * 3600))
        try await bed.inviteGuests(1...1, to: session)
        let planned = try #require(try await bed.reminders(session: session.id).first { $0.dueAt == session.startsAt.addingTimeInterval(-2 * 3600) })
        // The schedulers were down for 3 h 1 min: the 2h reminder is 61 minutes late, the
        // 1h30m one 31 minutes, and the session starts in 59 minutes.
        try await bed.advanceClock(by: .seconds(3 * 3600 + 60))
        let dueAt = try #require(try await bed.reminders(session: session.id).first { $0.id == planned.id }).dueAt

        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        let pass = try await bed.dispatcher({ $0.catchUp = DurationText(seconds: 3600)! }, logPath: log).runOnce()
        #expect(pass.sent == 1)
        #expect(pass.skipped == 1)
        let byRule = try await bed.pool.query("""
            SELECT rule_id, status, coalesce(skip_reason, '') FROM reminder WHERE session_id = \(session.id) ORDER BY rule_id
            """).decode((Int64, String, String).self)
        #expect(byRule.map(\.0) == [tooLate.id, stillInTime.id])
        #expect(byRule.map(\.1) == ["skipped", "sent"])
        let reason = "late: due at \(LocalTime.iso8601(dueAt)), 61 min late, beyond the catch-up limit of 1h"
        #expect(byRule.first?.2 == reason)
        #expect(try await bed.attempts(planned.id) == [.init(attempt: 1, worker: "test-worker", outcome: "skipped", detail: reason)])
        #expect(try ReminderTestbed.logLines(log).count == 1)

        // Another guest invited now changes nothing for the late one.
        try await bed.inviteGuests(2...2, to: session)
        let lateRow = try #require(try await bed.reminders(session: session.id).first { $0.id == planned.id })
        #expect(lateRow.status == "skipped")
        #expect(lateRow.skipReason?.hasPrefix("late: ") == true)
    }

    @Test("removing a rule skips what it planned and has not sent")
    func ruleRemoved() async throws {
        let bed = try await ReminderTestbed.make()
        let rule = try await bed.rule("1d")
        let session = try await bed.session(startsIn: .seconds(3 * 86_400))
        try await bed.inviteGuests(1...2, to: session)
        _ = try await bed.gugus.removeReminderRule(id: rule.id)
        let reminders = try await bed.reminders(session: session.id)
        #expect(reminders.map(\.status) == ["skipped", "skipped"])
        #expect(reminders.map(\.skipReason) == ["rule removed", "rule removed"])
        try await bed.makeDue(through: .distantFuture)
        #expect(try await bed.dispatcher().runOnce().sent == 0)
    }
}

extension Collection {
    /// The one element, or nil when there are none or several.
    var sole: Element? { count == 1 ? first : nil }
}

/// A raw count, for checking what planning left behind.
func count(_ table: String, in bed: ReminderTestbed, where condition: String = "true") async throws -> Int {
    try await bed.pool.query("SELECT count(*) FROM \(unsafeSQL: table) WHERE \(unsafeSQL: condition)").single()!.decode(Int.self)
}
