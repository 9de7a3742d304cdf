import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GugusDatabase
import GugusModel
import GugusScheduler
import GugusTestSupport
import Postgres
import Testing

/// The opt-out end to end: `gugus serve` with its scheduler sends a reminder to aiosmtpd;
/// the mail carries RFC 8058's headers and a plain link; a POST to the link, as a mail
/// client's one-click button sends it, stops that kind of reminder to that person. A link
/// with a changed signature is refused.
@Suite("Opt-out from a real e-mail", .timeLimit(.minutes(3)), .releasesResources)
struct OptOutEmailTests {
    @Test("List-Unsubscribe one-click POST from the mail aiosmtpd received; a tampered link refused")
    func oneClick() async throws {
        let bed = try await ReminderTestbed.make()
        let thursday = ReminderTestbed.thursday(atLeast: 3)
        let siti = try await bed.gugus.addMember(NewMember(
            taskForce: .region("82"), name: "Siti Nurhaliza", role: .sekretaris, position: "Kepala Kantor Wilayah Kementerian HAM Maluku Utara",
            institution: "Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara", email: try EmailAddress(parsing: "siti@example.go.id")))
        _ = try await bed.rule("1d", channel: .email)
        let session = try await bed.session(at: "\(thursday.date) 09:00")
        _ = try await bed.gugus.invite(sessionID: session.id, .member(siti.id), role: .attendee)
        try await bed.makeDue(through: .distantFuture)

        try await SMTPSink.run([]) { sink in
            let server = try await ServerProcess.start(databaseURL: bed.url, scheduler: true, environment: [
                "GUGUS_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "GUGUS_MAIL_FROM": "GTD Maluku Utara <gtd-malut@example.go.id>",
            ])
            defer { server.terminate() }
            let mail = try await Self.firstMessage(sink)
            let header = try #require(mail.parsed.listUnsubscribe, "no List-Unsubscribe in \(mail.data)")
            #expect(mail.parsed.listUnsubscribePost == "List-Unsubscribe=One-Click")
            #expect(header.hasPrefix("<\(server.url)/unsubscribe/") && header.hasSuffix(">"))
            let link = String(header.dropFirst().dropLast())
            // The same link in the text, for a reader whose mail program has no button.
            #expect(mail.parsed.body?.hasSuffix("(Stranas BHAM).\nTidak ingin menerima pengingat kegiatan lagi? Berhenti berlangganan: \(link)") == true, "\(mail.parsed.body ?? "")")

            let tampered = link.dropLast() + (link.hasSuffix("0") ? "1" : "0")
            let refused = try await Self.post(String(tampered))
            #expect(refused.status == 404)
            #expect(refused.body.contains("tidak sah"), "\(refused.body)")
            #expect(try await count("opt_out", in: bed) == 0)

            let done = try await Self.post(link)
            #expect(done.status == 200)
            #expect(done.body.contains("Anda sudah berhenti berlangganan"))
            #expect(try await count("opt_out", in: bed, where: "subject = 'person:\(siti.personId)' AND kind = 'session' AND undone_at IS NULL") == 1)
            // Opening the link afterwards says so, and offers to take it back.
            let page = try await Self.get(link)
            #expect(page.status == 200 && page.body.contains("Terima pengingat lagi"))
        }

        // The next reminder of that kind to her is skipped as opted out.
        _ = try await bed.rule("2h", channel: .email)
        try await bed.makeDue(through: .distantFuture)
        let pass = try await bed.dispatcher { $0.smtpURL = "smtp://127.0.0.1:1" }.runOnce()
        #expect(pass.skipped == 1 && pass.sent == 0)
        #expect(try await count("reminder", in: bed, where: "skip_reason = 'opted out'") == 1)
    }

    static func firstMessage(_ sink: SMTPSink) async throws -> ReceivedMessage {
        for _ in 0..<300 {
            if let message = try sink.messages().first { return message }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SMTPSink.SinkFailure(message: "no mail arrived within 30 s")
    }

    struct Answer {
        var status: Int
        var body: String
    }

    /// A POST as RFC 8058 has a mail client send it.
    static func post(_ link: String) async throws -> Answer {
        var request = URLRequest(url: try #require(URL(string: link)))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("List-Unsubscribe=One-Click".utf8)
        return try await send(request)
    }

    static func get(_ link: String) async throws -> Answer {
        try await send(URLRequest(url: try #require(URL(string: link))))
    }

    static func send(_ request: URLRequest) async throws -> Answer {
        let (data, response) = try await URLSession.shared.data(for: request)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }
}
