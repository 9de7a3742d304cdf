import Foundation
import GugusDatabase
import GugusModel
import GugusScheduler
import GugusTestSupport
import Postgres
import Testing

// Change and cancellation notices (docs/reminders.md, "Notices"), delivered to a real webhook
// listener and a real SMTP server (aiosmtpd), with the calendar invitation read by Python's
// icalendar. Reminders go out first; then the session changes; then the notices go.

@Suite("Change and cancellation notices", .releasesResources)
struct ReminderNoticeTests {
    static let ternate = try! RegionZone(identifier: "Asia/Jayapura")

    /// A session on a Thursday at 09:00 in Ternate, with a webhook rule a day before, two
    /// guests reminded already, and a third invited after the reminders went.
    struct Reminded {
        let bed: ReminderTestbed
        let session: OutreachSession
        let reminded: [Participant]
        let late: Participant
    }

    static func remindedSession(_ listener: WebhookListener, channel: ReminderRule.Channel = .webhook) async throws -> Reminded {
        let bed = try await ReminderTestbed.make()
        let thursday = ReminderTestbed.thursday(atLeast: 3)
        _ = try await bed.rule("1d", channel: channel)
        let session = try await bed.session(at: "\(thursday.date) 09:00")
        let reminded = try await bed.inviteGuests(1...2, to: session)
        try await bed.makeDue(through: .distantFuture)
        let pass = try await bed.dispatcher { $0.webhookURL = listener.url }.runOnce()
        #expect(pass.sent == 2)
        let late = try #require(try await bed.inviteGuests(3...3, to: session).first)
        return Reminded(bed: bed, session: session, reminded: reminded, late: late)
    }

    @Test("a reschedule after the reminders went: exactly one change notice per person reminded, none to anyone else")
    func rescheduleNotice() async throws {
        let listener = try await WebhookListener()
        defer { listener.stop() }
        let setup = try await Self.remindedSession(listener)
        let bed = setup.bed
        let original = setup.session

        let moved = try await bed.gugus.rescheduleSession(id: original.id, SessionChange(
            starts: ReminderTestbed.iso(original.startsAt.addingTimeInterval(86_400 + 3600)), venue: "Hotel Bela, Ternate"))
        #expect(moved.version == 2)
        let notices = try await bed.reminders(session: original.id).filter { $0.kind == "change_notice" }
        #expect(notices.count == 2)
        #expect(Set(notices.map(\.recipientKey)) == Set(setup.reminded.map { "participant:\($0.id)" }))
        #expect(notices.allSatisfy { $0.status == "pending" && $0.plannedVersion == 2 })

        // Only the notices are due now; the reminders wait for the new time.
        #expect(try await bed.makeDue(through: Date()) == 2)
        let pass = try await bed.dispatcher { $0.webhookURL = listener.url }.runOnce()
        #expect(pass.sent == 2)
        let requests = try listener.requests().filter { (try? $0.json()["kind"] as? String) == "change_notice" }
        #expect(requests.count == 2)
        #expect(Set(requests.compactMap(\.idempotencyKey)) == Set(notices.map(\.idempotencyKey)))
        #expect(requests.allSatisfy { $0.idempotencyKey?.hasPrefix("gugus-notice-") == true })
        for request in requests {
            let body = try request.json()
            let previous = try #require(body["previous"] as? [String: Any])
            let session = try #require(body["session"] as? [String: Any])
            #expect(previous["starts_at"] as? String == PostgresTimestamp.format(original.startsAt))
            #expect(previous["venue"] as? String == "Aula Gamalama, Ternate")
            #expect(previous["local_time"] as? String == LocalTime.long(original.startsAt, in: Self.ternate, language: .id))
            #expect(session["starts_at"] as? String == PostgresTimestamp.format(moved.startsAt))
            #expect(session["venue"] as? String == "Hotel Bela, Ternate")
            #expect(session["version"] as? Int == 2)
            let subject = try #require(body["subject"] as? String)
            #expect(subject.hasPrefix("Perubahan jadwal: Sosialisasi Strategi Nasional Bisnis dan HAM, kini "))
            let text = try #require(body["text"] as? String)
            #expect(text.contains("  Waktu lama   : \(LocalTime.long(original.startsAt, in: Self.ternate, language: .id)) s.d. 12.00 WIT\n"))
            #expect(text.contains("  Waktu baru   : \(LocalTime.long(moved.startsAt, in: Self.ternate, language: .id)) s.d. 13.00 WIT\n"))
            #expect(text.contains("  Tempat lama  : Aula Gamalama, Ternate\n  Tempat baru  : Hotel Bela, Ternate\n"))
        }
        // Nothing more goes now: no repeat of a notice, and the guest invited late had no reminder.
        #expect(try await bed.dispatcher { $0.webhookURL = listener.url }.runOnce().sent == 0)
        #expect(try await bed.reminders(session: original.id).filter { $0.kind != "reminder" && $0.recipientKey == "participant:\(setup.late.id)" }.isEmpty)
    }

    @Test("a cancellation after the reminders went: one cancellation notice per person reminded, with the reason")
    func cancelNotice() async throws {
        let listener = try await WebhookListener()
        defer { listener.stop() }
        let setup = try await Self.remindedSession(listener)
        let bed = setup.bed
        _ = try await bed.gugus.cancelSession(id: setup.session.id, reason: "bertepatan dengan rapat paripurna DPRD")
        let notices = try await bed.reminders(session: setup.session.id).filter { $0.kind == "cancel_notice" }
        #expect(notices.count == 2)
        #expect(try await bed.reminders(session: setup.session.id).filter { $0.kind == "reminder" && $0.status == "pending" }.isEmpty)

        try await bed.makeDue(through: Date())
        #expect(try await bed.dispatcher { $0.webhookURL = listener.url }.runOnce().sent == 2)
        let requests = try listener.requests().filter { (try? $0.json()["kind"] as? String) == "cancel_notice" }
        #expect(requests.count == 2)
        for request in requests {
            let body = try request.json()
            #expect(body["reason"] as? String == "bertepatan dengan rapat paripurna DPRD")
            #expect((body["subject"] as? String)?.hasPrefix("Pembatalan: Sosialisasi Strategi Nasional Bisnis dan HAM, ") == true)
            #expect((body["text"] as? String)?.contains("  Alasan   : bertepatan dengan rapat paripurna DPRD\n") == true)
        }
        #expect(try await bed.dispatcher { $0.webhookURL = listener.url }.runOnce().sent == 0)
    }

    @Test("two changes before the notice goes: one notice, from what the person was told to the latest; a change back sends none")
    func supersededNotices() async throws {
        let listener = try await WebhookListener()
        defer { listener.stop() }
        let setup = try await Self.remindedSession(listener)
        let bed = setup.bed
        let original = setup.session
        _ = try await bed.gugus.rescheduleSession(id: original.id, SessionChange(starts: ReminderTestbed.iso(original.startsAt.addingTimeInterval(3600))))
        let latest = try await bed.gugus.rescheduleSession(id: original.id, SessionChange(starts: ReminderTestbed.iso(original.startsAt.addingTimeInterval(7200))))
        let notices = try await bed.reminders(session: original.id).filter { $0.kind == "change_notice" }
        #expect(notices.map(\.status) == ["skipped", "skipped", "pending", "pending"])
        #expect(notices.prefix(2).allSatisfy { $0.skipReason == "superseded by a newer change" })

        try await bed.makeDue(through: Date())
        #expect(try await bed.dispatcher { $0.webhookURL = listener.url }.runOnce().sent == 2)
        for request in try listener.requests().filter({ (try? $0.json()["kind"] as? String) == "change_notice" }) {
            let body = try request.json()
            #expect((body["previous"] as? [String: Any])?["starts_at"] as? String == PostgresTimestamp.format(original.startsAt))
            #expect((body["session"] as? [String: Any])?["starts_at"] as? String == PostgresTimestamp.format(latest.startsAt))
        }

        // Moved away and back before the notice went: the person's time is right again.
        let away = try await bed.gugus.rescheduleSession(id: original.id, SessionChange(starts: ReminderTestbed.iso(latest.startsAt.addingTimeInterval(3600))))
        _ = try await bed.gugus.rescheduleSession(id: original.id, SessionChange(starts: ReminderTestbed.iso(latest.startsAt)))
        let pending = try await bed.reminders(session: original.id).filter { $0.kind == "change_notice" && $0.status == "pending" }
        #expect(pending.isEmpty, "\(away.version): \(pending)")
    }

    @Test("a hybrid session's link changes: the notice gives the old and the new link, and says the time and venue stay")
    func linkChangeNotice() async throws {
        let listener = try await WebhookListener()
        defer { listener.stop() }
        let setup = try await Self.remindedSession(listener)
        let bed = setup.bed
        try await bed.execute("UPDATE outreach_session SET mode = 'hybrid', online_url = 'https://meet.example.id/lama' WHERE id = \(setup.session.id)")
        try await bed.makeDue(through: Date())
        _ = try await bed.dispatcher { $0.webhookURL = listener.url }.runOnce()
        _ = try await bed.gugus.rescheduleSession(id: setup.session.id, SessionChange(onlineUrl: "https://meet.example.id/baru"))
        try await bed.makeDue(through: Date())
        _ = try await bed.dispatcher { $0.webhookURL = listener.url }.runOnce()
        let texts = try listener.requests().compactMap { request -> String? in
            guard let body = try? request.json(), body["kind"] as? String == "change_notice" else { return nil }
            return body["text"] as? String
        }
        // Two notices for the mode and link, then two for the link alone, to the two guests.
        #expect(texts.count == 4)
        let last = try #require(texts.last)
        #expect(last.contains("  Tautan lama  : https://meet.example.id/lama\n  Tautan baru  : https://meet.example.id/baru\n"), "\(last)")
        #expect(last.contains("  Tempat       : Aula Gamalama, Ternate (tetap)\n"))
        #expect(last.contains("(tetap)\n"))
    }

    @Test("e-mail carries the session as an invitation: the feed's UID, METHOD:REQUEST, then a higher SEQUENCE, then METHOD:CANCEL")
    func calendarInvitations() async throws {
        let bed = try await ReminderTestbed.make()
        let thursday = ReminderTestbed.thursday(atLeast: 3)
        _ = try await bed.rule("1d", channel: .email)
        let session = try await bed.session(at: "\(thursday.date) 09:00")
        _ = try await bed.gugus.invite(sessionID: session.id, .guest(
            name: "Siti Nurhaliza", email: try EmailAddress(parsing: "siti@example.go.id"), organisation: nil), role: .attendee)
        let feed = try #require(try await ICSValidator.validate(try await bed.gugus.calendar(sessionID: session.id), expectedEvents: 1).report?.events.first)

        try await SMTPSink.run([]) { sink in
            func send() async throws {
                try await bed.makeDue(through: Date())
                _ = try await bed.dispatcher {
                    $0.smtpURL = "smtp://127.0.0.1:\(sink.port)"
                    $0.mailFrom = "Sekretariat GTD Maluku Utara <gtd-malut@example.go.id>"
                }.runOnce()
            }
            func invitation(_ message: ReceivedMessage) async throws -> (method: String?, event: ICSValidator.Report.Event) {
                #expect(message.parsed.defects == [])
                #expect(message.parsed.contentType == "multipart/mixed")
                let attachment = try #require(message.parsed.attachments.sole)
                #expect(attachment.contentType == "text/calendar")
                let text = try #require(attachment.text)
                let outcome = try await ICSValidator.validate(text, expectedEvents: 1)
                #expect(outcome.status == 0, "\(outcome.report?.problems ?? []) \(outcome.stderr)")
                let report = try #require(outcome.report)
                #expect(attachment.method == report.calendar.method)
                // Content lines as a reader unfolds them (RFC 5545 §3.1).
                let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
                #expect(unfolded.contains("ORGANIZER;CN=\"Sekretariat GTD Maluku Utara\":mailto:gtd-malut@example.go.id\r\n"))
                #expect(unfolded.contains("ATTENDEE;CN=\"Siti Nurhaliza\";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:siti@example.go.id\r\n"))
                return (report.calendar.method, try #require(report.events.sole))
            }

            try await bed.makeDue(through: .distantFuture)
            try await send()
            let reminder = try await invitation(try #require(try sink.messages().sole))
            #expect(reminder.method == "REQUEST")
            #expect(reminder.event.uid == feed.uid)
            #expect(reminder.event.sequence == 1)
            #expect(reminder.event.startUtc == "\(thursday.date)T00:00:00Z")

            _ = try await bed.gugus.rescheduleSession(id: session.id, SessionChange(starts: "\(thursday.date) 10:00"))
            try await send()
            let changeMessage = try #require(try sink.messages().last)
            #expect(changeMessage.parsed.subject?.hasPrefix("Perubahan jadwal: ") == true)
            #expect(changeMessage.parsed.body?.contains("  Waktu baru   : \(thursday.spoken) pukul 10.00 WIT s.d. 13.00 WIT\n") == true)
            let change = try await invitation(changeMessage)
            #expect(change.method == "REQUEST")
            #expect(change.event.uid == feed.uid)
            #expect(change.event.sequence > reminder.event.sequence)
            #expect(change.event.startUtc == "\(thursday.date)T01:00:00Z")

            _ = try await bed.gugus.cancelSession(id: session.id, reason: "narasumber berhalangan")
            try await send()
            let cancelMessage = try #require(try sink.messages().last)
            #expect(cancelMessage.parsed.subject?.hasPrefix("Pembatalan: ") == true)
            let cancellation = try await invitation(cancelMessage)
            #expect(cancellation.method == "CANCEL")
            #expect(cancellation.event.uid == feed.uid)
            #expect(cancellation.event.status == "CANCELLED")
            #expect(cancellation.event.sequence > change.event.sequence)
            #expect(try sink.messages().count == 3)
        }
    }
}
