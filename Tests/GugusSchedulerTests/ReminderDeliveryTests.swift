import Foundation
import GugusDatabase
import GugusModel
import GugusScheduler
import GugusTestSupport
import Postgres
import Testing

// The webhook and e-mail channels end to end: planned in the database, claimed and sent by
// a worker in this process, received by real local servers (Tests/Support/webhook_listener.py
// and smtp_sink.py), which check what arrived with Python's own HTTP, HMAC and e-mail code.
// The session is on a Thursday at 09:00 in Ternate, a few days ahead; `makeDue` lets the
// reminders go now (Support/ReminderTestbed.swift).

@Suite("Reminder delivery by webhook and e-mail", .releasesResources)
struct ReminderDeliveryTests {
    static let secret = "rahasia-gtd-82 ✓"

    @Test("webhook: Idempotency-Key, X-Gugus-Signature (HMAC-SHA256 of the body) and the JSON fields")
    func webhook() async throws {
        let listener = try await WebhookListener(["--secret", Self.secret])
        defer { listener.stop() }
        let bed = try await ReminderTestbed.make()
        let thursday = ReminderTestbed.thursday(atLeast: 3)
        _ = try await bed.rule("1d", channel: .webhook)
        let session = try await bed.session(at: "\(thursday.date) 09:00")
        let guest = try #require(try await bed.inviteGuests(1...1, to: session).first)
        // A rule of this session only, with a target of its own.
        let own = try await bed.rule("2h", channel: .webhook, session: session.id, webhookURL: "http://127.0.0.1:\(listener.port)/hooks/own")

        try await bed.makeDue(through: .distantFuture)
        let pass = try await bed.dispatcher {
            $0.webhookURL = listener.url
            $0.webhookSecret = Self.secret
            $0.publicURL = "https://gugus.example.go.id"
        }.runOnce()
        #expect(pass.sent == 2)

        let reminders = try await bed.reminders(session: session.id)
        #expect(reminders.map(\.status) == ["sent", "sent"])
        let requests = try listener.requests()
        #expect(requests.count == 2)
        #expect(Set(requests.map(\.path)) == ["/hooks/reminder", "/hooks/own"])
        #expect(Set(requests.compactMap(\.idempotencyKey)) == Set(reminders.map(\.idempotencyKey)))

        let request = try #require(requests.first { $0.path == "/hooks/reminder" })
        let reminder = try #require(reminders.first { $0.idempotencyKey == request.idempotencyKey })
        #expect(request.idempotencyKey == "gugus-reminder-\(reminder.id)-v1")
        #expect(request.headers["content-type"] == "application/json; charset=utf-8")
        #expect(request.headers["user-agent"] == "gugus-scheduler")
        let signature = try #require(request.headers["x-gugus-signature"])
        #expect(signature.hasPrefix("sha256="))
        #expect(signature == request.expectedSignature)

        let body = try request.json()
        #expect(body["idempotency_key"] as? String == request.idempotencyKey)
        #expect(body["reminder_id"] as? Int == Int(reminder.id))
        #expect(body["kind"] as? String == "session")
        #expect(body["channel"] as? String == "webhook")
        #expect(body["due_at"] as? String == PostgresTimestamp.format(session.startsAt.addingTimeInterval(-86_400)))
        #expect(body["delivered_at"] is String)
        #expect(body["task_force"] as? String == "Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara")
        #expect(body["region_code"] as? String == "82")
        let recipient = try #require(body["recipient"] as? [String: Any])
        #expect(recipient["key"] as? String == "participant:\(guest.id)")
        #expect(recipient["name"] as? String == "Tamu 1")
        #expect(recipient["email"] as? String == "tamu1@example.co.id")
        #expect(recipient["language"] as? String == "id")
        let payloadSession = try #require(body["session"] as? [String: Any])
        #expect(payloadSession["id"] as? Int == Int(session.id))
        #expect(payloadSession["title"] as? String == "Sosialisasi Strategi Nasional Bisnis dan HAM")
        #expect(payloadSession["format"] as? String == "sosialisasi")
        #expect(payloadSession["time_zone"] as? String == "Asia/Jayapura")
        #expect(payloadSession["zone_label"] as? String == "WIT")
        #expect(payloadSession["local_time"] as? String == "\(thursday.spoken) pukul 09.00 WIT")
        #expect(payloadSession["starts_at"] as? String == "\(thursday.date)T00:00:00.000000Z")
        #expect(payloadSession["venue"] as? String == "Aula Gamalama, Ternate")
        #expect(payloadSession["version"] as? Int == 1)
        let subject = "Pengingat: Sosialisasi Strategi Nasional Bisnis dan HAM, \(thursday.spoken) pukul 09.00 WIT, Aula Gamalama, Ternate"
        #expect(body["subject"] as? String == subject)
        let text = try #require(body["text"] as? String)
        #expect(text.hasPrefix("Yth. Tamu 1,\n"))
        #expect(text.contains("  Waktu    : \(thursday.spoken) pukul 09.00 WIT s.d. 12.00 WIT\n"))
        #expect(text.contains("  Tempat   : Aula Gamalama, Ternate\n"))
        // The same signed opt-out link as an e-mail's List-Unsubscribe, for a gateway to offer.
        let optOut = try await OptOutLinks.load(from: bed.pool).url(base: "https://gugus.example.go.id", reminder: reminder.id)
        #expect(body["links"] as? [String: String] == [
            "calendar": "https://gugus.example.go.id/v1/sessions/\(session.id)/calendar.ics",
            "session": "https://gugus.example.go.id/v1/sessions/\(session.id)",
            "unsubscribe": optOut,
        ])
        #expect(text.hasSuffix("(Stranas BHAM).\nTidak ingin menerima pengingat kegiatan lagi? Berhenti berlangganan: \(optOut)\n"))

        let ownRequest = try #require(requests.first { $0.path == "/hooks/own" })
        #expect(ownRequest.expectedSignature == ownRequest.headers["x-gugus-signature"])
        #expect(try ownRequest.json()["due_at"] as? String == PostgresTimestamp.format(session.startsAt.addingTimeInterval(-7200)))
        #expect(try await count("reminder", in: bed, where: "rule_id = \(own.id) AND status = 'sent'") == 1)
        for reminder in reminders {
            #expect(try await bed.attempts(reminder.id) == [.init(attempt: 1, worker: "test-worker", outcome: "sent", detail: nil)])
        }
    }

    @Test("webhook: a 4xx answer is final, the reminder is dead at once with the status recorded")
    func webhookRefused() async throws {
        let listener = try await WebhookListener(["--status", "410"])
        defer { listener.stop() }
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("1h", channel: .webhook)
        let session = try await bed.session(startsIn: .seconds(3 * 3600))
        try await bed.inviteGuests(1...1, to: session)
        try await bed.makeDue(through: .distantFuture)
        let pass = try await bed.dispatcher { $0.webhookURL = listener.url }.runOnce()
        #expect(pass.dead == 1)
        let reminder = try #require(try await bed.reminders(session: session.id).sole)
        #expect(reminder.status == "dead")
        let error = "webhook \(listener.url) refused the reminder with 410"
        #expect(reminder.lastError == error)
        #expect(try await bed.attempts(reminder.id) == [.init(attempt: 1, worker: "test-worker", outcome: "dead", detail: error)])
        #expect(try listener.requests().count == 1)
    }

    @Test("a failed delivery keeps its attempt count and backoff when the session is re-planned")
    func failedKeepsBackoff() async throws {
        let listener = try await WebhookListener(["--status", "503"])
        defer { listener.stop() }
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("1h", channel: .webhook)
        let session = try await bed.session(startsIn: .seconds(3 * 3600))
        try await bed.inviteGuests(1...1, to: session)
        try await bed.makeDue(through: .distantFuture)
        let configure: (inout SchedulerConfiguration) -> Void = {
            $0.webhookURL = listener.url
            $0.retryBase = .seconds(12 * 3600)
        }
        #expect(try await bed.dispatcher(configure).runOnce().failed == 1)
        let failed = try #require(try await bed.reminders(session: session.id).sole)
        #expect(failed.status == "failed")
        #expect(failed.attempts == 1)
        let backoff = try await bed.pool.query("SELECT not_before FROM reminder WHERE id = \(failed.id)").single()!.decode(Date.self)
        #expect(backoff > Date().addingTimeInterval(9 * 3600))

        // Any change to the session's people re-plans it; the retry stays where it was.
        try await bed.inviteGuests(2...2, to: session)
        let after = try #require(try await bed.reminders(session: session.id).first { $0.id == failed.id })
        #expect(after.status == "failed")
        #expect(after.attempts == 1)
        #expect(try await bed.pool.query("SELECT not_before FROM reminder WHERE id = \(failed.id)").single()!.decode(Date.self) == backoff)
        // So a pass now sends only the new guest's (which fails too), not the waiting retry.
        try await bed.makeDue(through: Date().addingTimeInterval(3 * 3600))
        _ = try await bed.dispatcher(configure).runOnce()
        #expect(try listener.requests().filter { $0.idempotencyKey == failed.idempotencyKey }.count == 1)
    }

    @Test("e-mail through aiosmtpd: Message-ID from the key, Subject and body in the recipient's language")
    func email() async throws {
        let bed = try await ReminderTestbed.make()
        let thursday = ReminderTestbed.thursday(atLeast: 3)
        _ = try await bed.gugus.addMember(NewMember(
            taskForce: .region("82"), name: "Siti Nurhaliza", role: .sekretaris, position: "Kepala Kantor Wilayah Kementerian HAM Maluku Utara",
            institution: "Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara", email: try EmailAddress(parsing: "siti@example.go.id")))
        _ = try await bed.gugus.addMember(NewMember(
            taskForce: .region("82"), name: "Anne Smith", role: .anggota, position: "Program Officer",
            institution: "UNDP Indonesia", email: try EmailAddress(parsing: "anne.smith@example.org"), language: .en))
        _ = try await bed.gugus.addMember(NewMember(
            taskForce: .region("82"), name: "Hasan Tanpa Surel", role: .anggota, position: "Kepala Dinas Kesehatan",
            institution: "Dinas Kesehatan Provinsi Maluku Utara"))
        _ = try await bed.rule("1d", channel: .email)
        let session = try await bed.session(at: "\(thursday.date) 09:00")
        _ = try await bed.gugus.invite(sessionID: session.id, .allMembers, role: .attendee)
        // Only those with an address get an e-mail reminder.
        let reminders = try await bed.reminders(session: session.id)
        #expect(reminders.map(\.recipientName).sorted() == ["Anne Smith", "Siti Nurhaliza"])

        try await SMTPSink.run([]) { sink in
            try await bed.makeDue(through: .distantFuture)
            let pass = try await bed.dispatcher {
                $0.smtpURL = "smtp://127.0.0.1:\(sink.port)"
                $0.mailFrom = "Sekretariat GTD Maluku Utara <gtd-malut@example.go.id>"
            }.runOnce()
            #expect(pass.sent == 2)

            let messages = try sink.messages()
            #expect(messages.count == 2)
            let indonesian = try #require(messages.first { $0.rcptTos == ["siti@example.go.id"] })
            let reminder = try #require(reminders.first { $0.recipientName == "Siti Nurhaliza" })
            #expect(indonesian.mailFrom == "gtd-malut@example.go.id")
            #expect(indonesian.parsed.defects == [])
            #expect(indonesian.parsed.messageId == "<gugus-reminder-\(reminder.id)-v1@gugus.stranas-bham>")
            #expect(indonesian.parsed.xGugusReminder == reminder.idempotencyKey)
            #expect(indonesian.parsed.autoSubmitted == "auto-generated")
            #expect(indonesian.parsed.fromDisplayName == "Sekretariat GTD Maluku Utara")
            #expect(indonesian.parsed.to == ["siti@example.go.id"])
            #expect(indonesian.parsed.subject
                == "Pengingat: Sosialisasi Strategi Nasional Bisnis dan HAM, \(thursday.spoken) pukul 09.00 WIT, Aula Gamalama, Ternate")
            let body = try #require(indonesian.parsed.body)
            #expect(body.hasPrefix("Yth. Siti Nurhaliza,\n\nDengan hormat, kami mengingatkan sosialisasi berikut yang diselenggarakan oleh Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara:\n"))
            #expect(body.contains("  Kegiatan : Sosialisasi Strategi Nasional Bisnis dan HAM\n"))
            #expect(body.contains("  Waktu    : \(thursday.spoken) pukul 09.00 WIT s.d. 12.00 WIT\n"))
            #expect(body.contains("  Tempat   : Aula Gamalama, Ternate\n"))
            #expect(!body.contains("Tautan"))

            let english = try #require(messages.first { $0.rcptTos == ["anne.smith@example.org"] })
            #expect(english.parsed.subject?.hasPrefix("Reminder: Sosialisasi Strategi Nasional Bisnis dan HAM, Thursday, ") == true)
            #expect(english.parsed.subject?.hasSuffix(" at 09:00 WIT, Aula Gamalama, Ternate") == true)
            #expect(english.parsed.body?.hasPrefix("Dear Anne Smith,\n") == true)
            #expect(english.parsed.messageId?.hasSuffix("-v1@gugus.stranas-bham>") == true)
            #expect(english.parsed.messageId != indonesian.parsed.messageId)
        }
        #expect(try await bed.reminders(session: session.id).map(\.status) == ["sent", "sent"])
    }
}
