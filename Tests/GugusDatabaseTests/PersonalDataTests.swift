import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// UU PDP: a person's data exported, corrected and erased; retention; opt-out state.
@Suite("Personal data (UU PDP)", .releasesResources)
struct PersonalDataTests {
    static let name = "Wahyuningsih Paramitha"
    static let email = "Wahyu.Paramitha@malutprov.go.id"
    static let phone = "0812-7777-4321"
    static let newPhone = "0813-7777-9876"

    struct Seeded {
        let gugus: DatabaseGugus
        let member: Member
        let memberSession: OutreachSession
        let guestSession: OutreachSession
        let guest: Participant
    }

    /// The seed scenario's task force of Maluku Utara, and a person who is everything at once:
    /// a member of 82, invited to 82's session as a member and to 81's workshop as an outside
    /// guest under the same address, reminded by log and e-mail, with one reminder that went
    /// and one that an SMTP server refused with her address in the message.
    /// A day this many days from the real today (the database plans reminders by its own clock).
    static func day(_ offset: Int) -> CivilDate {
        CivilDate(Date(), in: TimeZone(identifier: "Asia/Jayapura")!).adding(days: offset)
    }

    static func seed() async throws -> Seeded {
        let gugus = try await TestDatabase.gugus(clock: clock(at: CivilDate(2026, 12, 2)))
        try await MalukuUtara.establish(gugus)
        _ = try await gugus.addMember(MalukuUtara.governor())
        _ = try await gugus.addMember(MalukuUtara.kanwilHead())
        let member = try await gugus.addMember(NewMember(
            taskForce: .region("82"), name: name, role: .anggota, position: "Kepala Biro Hukum",
            institution: "Biro Hukum Setda Provinsi Maluku Utara", email: try EmailAddress(parsing: email),
            phone: try PhoneNumber(parsing: phone)))
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "81"))
        let day = try DurationText(parsing: "1d", field: "offset")
        _ = try await gugus.addReminderRule(NewReminderRule(offset: day, audience: .participants, channel: .log))
        _ = try await gugus.addReminderRule(NewReminderRule(offset: try DurationText(parsing: "2h", field: "offset"), audience: .participants, channel: .email))
        let memberSession = try await gugus.scheduleSession(NewSession(
            taskForce: .region("82"), title: "Sosialisasi Stranas BHAM", starts: "\(Self.day(90)) 09:00",
            duration: DurationText(seconds: 3 * 3600)!, venue: "Aula Gamalama, Ternate"))
        _ = try await gugus.invite(sessionID: memberSession.id, .member(member.id), role: .attendee)
        _ = try await gugus.invite(sessionID: memberSession.id, .member(try await firstMember(gugus, named: "Rahmat Contoh")), role: .attendee)
        let guestSession = try await gugus.scheduleSession(NewSession(
            taskForce: .region("81"), title: "Lokakarya Uji Tuntas HAM", starts: "\(Self.day(120)) 10:00",
            duration: DurationText(seconds: 2 * 3600)!, venue: "Hotel Santika, Ambon"))
        let guest = try #require(try await gugus.invite(sessionID: guestSession.id, .guest(
            name: name, email: try EmailAddress(parsing: email.lowercased()), organisation: "Pemerintah Provinsi Maluku Utara"), role: .attendee).first)
        // One of her reminders went; another was refused, the refusal naming her address.
        try await gugus.pool.execute("""
            UPDATE reminder SET status = 'sent', sent_at = now(), attempts = 1
            WHERE id = (SELECT min(id) FROM reminder WHERE recipient_name = \(name))
            """)
        try await gugus.pool.execute("""
            WITH refused AS (
                UPDATE reminder SET status = 'failed', attempts = 1,
                       last_error = '550 5.1.1 <' || recipient_email || '>: mailbox unavailable (for ' || recipient_name || ')'
                WHERE id = (SELECT max(id) FROM reminder WHERE recipient_name = \(name) AND channel = 'email')
                RETURNING id, last_error)
            INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
            SELECT id, 1, 'test', 'failed', last_error FROM refused
            """)
        return Seeded(gugus: gugus, member: member, memberSession: memberSession, guestSession: guestSession, guest: guest)
    }

    static func firstMember(_ gugus: DatabaseGugus, named name: String) async throws -> Int64 {
        try #require(try await gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items.first { $0.name == name }).id
    }

    @Test("the export holds every record the database has about her, found by value, not by a list in the test")
    func export() async throws {
        let seeded = try await Self.seed()
        let malut = try await seeded.gugus.issueToken(NewToken(name: "kanwil-malut", role: .coordinator, regionCode: "82"))
        let maluku = try await seeded.gugus.issueToken(NewToken(name: "kanwil-maluku", role: .coordinator, regionCode: "81"))
        _ = try await seeded.gugus.issueToken(NewToken(name: "kanwil-kalbar", role: .coordinator, regionCode: "61"))
        let export = try await seeded.gugus.exportPerson(.email(Self.email.uppercased()))
        let pool = seeded.gugus.pool
        let values = [Self.email.lowercased(), try PhoneNumber(parsing: Self.phone).e164, Self.name]
        func ids(_ sql: PostgresQuery) async throws -> Set<Int64> { Set(try await pool.query(sql).decode(Int64.self)) }
        let pattern = values.map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|")

        // Every row of a table where one of her values is written, anywhere in the row.
        #expect(Set(export.persons.map(\.id)) == (try await ids("SELECT id FROM person p WHERE p::text ~* \(pattern)")))
        #expect(Set(export.memberships.map(\.id)) == (try await ids("""
            SELECT m.id FROM membership m JOIN person p ON p.id = m.person_id WHERE p::text ~* \(pattern)
            """)))
        #expect(Set(export.participations.map(\.participant.id)) == (try await ids("""
            SELECT pa.id FROM participant pa LEFT JOIN membership m ON m.id = pa.membership_id LEFT JOIN person p ON p.id = m.person_id
            WHERE pa::text ~* \(pattern) OR p::text ~* \(pattern)
            """)))
        #expect(Set(export.reminders.map(\.id)) == (try await ids("SELECT id FROM reminder r WHERE r::text ~* \(pattern)")))
        let audit = try await ids("SELECT id FROM audit_log a WHERE a::text ~* \(pattern)")
        #expect(audit.isSubset(of: Set(export.audit.map(\.id))), "audit entries with her values missing from the export: \(audit.subtracting(export.audit.map(\.id)))")
        // And more than her values' rows: the membership's own entries, and the export itself.
        #expect(export.audit.contains { $0.entity == "membership" && $0.entityId == String(seeded.member.id) && $0.action == "member.add" })
        #expect(export.audit.contains { $0.action == "person.export" && $0.entity == "person" })
        #expect(export.participations.count == 2)
        #expect(export.reminders.count >= 3)
        #expect(export.reminders.contains { $0.status == .sent })
        // Who may see her details: the coordinators of 82, where she sits, and of 81, which invited her.
        #expect(export.contactAccess.map(\.id) == [malut.token.id, maluku.token.id])
        #expect(export.processing.count == 4)

        // The export is itself in the audit log, under the one who asked.
        let logged = try await seeded.gugus.audit(AuditQuery(entity: "person", entityId: String(seeded.member.personId)))
        #expect(logged.items.contains { $0.action == "person.export" && $0.actor == "cli:test" })
        // Nothing about an unknown address.
        let unknown = await #expect(throws: GugusError.self) { try await seeded.gugus.exportPerson(.email("nobody@example.org")) }
        #expect(unknown?.kind == .notFound)
        #expect(unknown?.message.en == "Gugus holds nothing about e-mail nobody@example.org")
    }

    @Test("a correction reaches every place she appears, with before and after in the audit log")
    func correction() async throws {
        let seeded = try await Self.seed()
        let gugus = seeded.gugus
        let report = try await gugus.correctPerson(PersonCorrection(
            person: .participant(seeded.guest.id), newEmail: "w.paramitha@malutprov.go.id", phone: Self.newPhone))
        #expect(report.fields == ["email", "phone"])
        #expect(report.persons == [seeded.member.personId])
        #expect(report.participants == [seeded.guest.id])
        #expect(report.reminders > 0)
        let member = try #require(try await gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items.first { $0.id == seeded.member.id })
        #expect(member.email == "w.paramitha@malutprov.go.id")
        #expect(member.phone == "+6281377779876")
        let guest = try #require(try await gugus.session(id: seeded.guestSession.id).participants.first { $0.id == seeded.guest.id })
        #expect(guest.email == "w.paramitha@malutprov.go.id")
        #expect(try await count("reminder", in: gugus, where: "status IN ('pending', 'failed') AND recipient_email ILIKE '\(Self.email)'") == 0)
        let audit = try await gugus.audit(AuditQuery(entity: "person", entityId: String(seeded.member.personId)))
        let change = try #require(audit.items.first { $0.action == "person.correct" })
        #expect(change.before?["phone"] == .string("+6281277774321"))
        #expect(change.after?["phone"] == .string("+6281377779876"))

        // Another person's address is refused, and nothing changes.
        let taken = await #expect(throws: GugusError.self) {
            try await gugus.correctPerson(PersonCorrection(person: .member(seeded.member.id), newEmail: "gubernur@example.go.id"))
        }
        #expect(taken?.kind == .conflict)
        #expect(taken?.message.en.hasPrefix("the address gubernur@example.go.id already belongs to someone else (person ") == true)
        let nothing = await #expect(throws: GugusError.self) { try await gugus.correctPerson(PersonCorrection(person: .member(seeded.member.id))) }
        #expect(nothing?.message.en == "nothing to correct: give --new-email, --phone or --name")
        let phone = await #expect(throws: GugusError.self) {
            try await gugus.correctPerson(PersonCorrection(person: .member(seeded.member.id), phone: "12ab"))
        }
        #expect(phone?.kind == .invalid)
    }

    @Test("erased: pg_dump holds her e-mail, phone and name nowhere; status, member count and decree history unchanged")
    func erasure() async throws {
        let seeded = try await Self.seed()
        let gugus = seeded.gugus
        // A correction first, so that the audit log holds two numbers and two addresses of hers.
        _ = try await gugus.correctPerson(PersonCorrection(person: .member(seeded.member.id), newEmail: "w.paramitha@malutprov.go.id", phone: Self.newPhone))
        let status = try await gugus.regionStatus(code: "82", at: nil)
        let members = try await gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items
        let decrees = try await gugus.decrees(taskForce: .region("82"), page: PageRequest()).items
        let pending = try await count("reminder", in: gugus, where: "status IN ('pending', 'failed') AND recipient_name = '\(Self.name)'")
        #expect(pending > 0)

        let refused = await #expect(throws: GugusError.self) {
            try await gugus.erasePerson(PersonErasure(person: .member(seeded.member.id), eraseName: true, reason: "  "))
        }
        #expect(refused?.message.en == "an erasure needs its reason (--reason), for example the person's own request")

        let report = try await gugus.erasePerson(PersonErasure(
            person: .email("w.paramitha@malutprov.go.id"), eraseName: true, reason: "permintaan yang bersangkutan, 2 Desember 2026"))
        #expect(report.fields == ["email", "phone", "name"])
        #expect(report.reminders == pending)
        #expect(report.auditEntries > 0)

        let dump = try await Self.dump(gugus).lowercased()
        let values = [Self.email, "w.paramitha@malutprov.go.id", "+6281277774321", "+6281377779876", Self.name, "Wahyuningsih"]
        let held = values.filter { dump.contains($0.lowercased()) }
        #expect(held.isEmpty, "pg_dump still holds \(held): \(Self.lines(of: dump, holding: held))")
        #expect(dump.contains("permintaan yang bersangkutan, 2 desember 2026"), "the reason is in the audit log")

        // The archive of the appointment stays.
        let after = try await gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items
        #expect(after.count == members.count)
        let erased = try #require(after.first { $0.id == seeded.member.id })
        #expect(erased.name == "[dihapus]")
        #expect(erased.email == nil && erased.phone == nil)
        #expect((erased.role, erased.position, erased.institution, erased.validFrom, erased.decreeId)
                == (seeded.member.role, seeded.member.position, seeded.member.institution, seeded.member.validFrom, seeded.member.decreeId))
        // The same status, but for her reminders, which no longer wait to go, and the activity
        // that is the erasure itself.
        let statusAfter = try await gugus.regionStatus(code: "82", at: nil)
        var unchanged = status
        unchanged.reminders = statusAfter.reminders
        unchanged.lastActivity = statusAfter.lastActivity
        #expect(statusAfter == unchanged)
        #expect(statusAfter.memberCount == status.memberCount && statusAfter.memberCount > 0)
        #expect(statusAfter.reminders.pending < status.reminders.pending)
        #expect(try await gugus.decrees(taskForce: .region("82"), page: PageRequest()).items == decrees)
        // Nothing more goes to her, and a change to her session does not bring her back.
        #expect(try await count("reminder", in: gugus, where: "skip_reason = 'erased'") == pending)
        _ = try await gugus.rescheduleSession(id: seeded.memberSession.id, SessionChange(starts: "\(Self.day(91)) 09:00"))
        #expect(try await count("reminder", in: gugus, where: "status IN ('pending', 'failed') AND recipient_name = '[dihapus]'") == 0)
        #expect(try await count("reminder", in: gugus, where: "status = 'pending' AND recipient_name = 'Rahmat Contoh'") > 0)
        // The audit log says what happened, by whom and why.
        let audit = try await gugus.audit(AuditQuery(entity: "person", entityId: String(seeded.member.personId)))
        let record = try #require(audit.items.first { $0.action == "person.erase" && $0.after?["reason"] != nil })
        #expect(record.actor == "cli:test")
        #expect(record.after?["erased"] == .array([.string("email"), .string("phone"), .string("name")]))
    }

    @Test("an active portal account under her address is disabled first")
    func activeAccount() async throws {
        let seeded = try await Self.seed()
        let account = try await seeded.gugus.addAccount(NewAccount(email: Self.email, name: Self.name, role: .coordinator, regionCode: "82"))
        let refused = await #expect(throws: GugusError.self) {
            try await seeded.gugus.erasePerson(PersonErasure(person: .member(seeded.member.id), eraseName: true, reason: "permintaan"))
        }
        #expect(refused?.kind == .conflict)
        #expect(refused?.message.en == "member \(seeded.member.id) is also portal account \(account.id), still active; disable it first with `gugus user disable \(account.id)`")
        // What she did as a coordinator is in the audit log under her name and address.
        _ = try await seeded.gugus.acting(as: account.caller).addMember(MalukuUtara.agencyHead("Lina Ilustrasi", "Dinas Kesehatan"))
        _ = try await seeded.gugus.disableAccount(id: account.id)
        let report = try await seeded.gugus.erasePerson(PersonErasure(person: .member(seeded.member.id), eraseName: true, reason: "permintaan"))
        #expect(report.accounts == [account.id])
        let dump = try await Self.dump(seeded.gugus).lowercased()
        let held = [Self.email, Self.name].filter { dump.contains($0.lowercased()) }
        #expect(held.isEmpty, "pg_dump still holds \(held): \(Self.lines(of: dump, holding: held))")
        let accounts = try await seeded.gugus.accounts()
        #expect(accounts.first { $0.id == account.id }?.email == "dihapus-\(account.id)@gugus.invalid")
    }

    @Test("retention: the dry run lists exactly what the real run then erases")
    func retention() async throws {
        var gugus = try await TestDatabase.gugus()
        gugus.retention = RetentionPolicy(guestMonths: 12, memberYears: 5)
        try await MalukuUtara.establish(gugus)
        // A member whose seat ended six years ago, one whose seat ended two years ago, one still sitting.
        let old = try await gugus.addMember(NewMember(
            taskForce: .region("82"), name: "Hasan Percontohan", role: .anggota, position: "Kepala Dinas Tenaga Kerja",
            institution: "Dinas Tenaga Kerja Provinsi Maluku Utara", email: try EmailAddress(parsing: "hasan@example.go.id"),
            phone: try PhoneNumber(parsing: "0812-1000-2000"), from: Self.day(-8 * 365)))
        _ = try await gugus.endMember(id: old.id, on: Self.day(-6 * 365), reason: "pensiun")
        let recent = try await gugus.addMember(NewMember(
            taskForce: .region("82"), name: "Ratna Contoh", role: .anggota, position: "Kepala Dinas Lingkungan Hidup",
            institution: "Dinas Lingkungan Hidup Provinsi Maluku Utara", email: try EmailAddress(parsing: "ratna@example.go.id"),
            from: Self.day(-4 * 365)))
        _ = try await gugus.endMember(id: recent.id, on: Self.day(-2 * 365), reason: "mutasi")
        let sitting = try await gugus.addMember(MalukuUtara.kanwilHead())
        // Guests of a session held two years ago, and of one held last month (recorded after the fact).
        let past = try await gugus.scheduleSession(NewSession(
            taskForce: .region("82"), title: "Sosialisasi", starts: "\(Self.day(-730)) 09:00", duration: DurationText(seconds: 7200)!, venue: "Aula, Sofifi"))
        let lastMonth = try await gugus.scheduleSession(NewSession(
            taskForce: .region("82"), title: "Bimtek", starts: "\(Self.day(-30)) 09:00", duration: DurationText(seconds: 7200)!, venue: "Aula, Sofifi"))
        let gone = try #require(try await gugus.invite(sessionID: past.id, .guest(
            name: "Dewi Tamu", email: try EmailAddress(parsing: "dewi@perusahaan.example"), organisation: "PT Contoh"), role: .attendee).first)
        let kept = try #require(try await gugus.invite(sessionID: past.id, .guest(
            name: "Andi Tamu", email: try EmailAddress(parsing: "andi@perusahaan.example"), organisation: "PT Contoh"), role: .attendee).first)
        _ = try await gugus.invite(sessionID: lastMonth.id, .guest(
            name: "Andi Tamu", email: try EmailAddress(parsing: "andi@perusahaan.example"), organisation: "PT Contoh"), role: .attendee)
        _ = try await gugus.invite(sessionID: past.id, .guest(name: "Tamu Tanpa Alamat", email: nil, organisation: nil), role: .attendee)

        let dryRun = try await gugus.applyRetention(dryRun: true)
        #expect(dryRun.dryRun)
        #expect(dryRun.items.map(\.kind) == [.guest, .formerMember])
        #expect(dryRun.items.first?.participantIds == [gone.id])
        #expect(dryRun.items.last?.personId == old.personId)
        #expect(dryRun.items.last?.fields == ["email", "phone"])
        #expect(try await count("participant", in: gugus, where: "email IS NULL AND id = \(gone.id)") == 0, "the dry run changed nothing")

        let run = try await gugus.applyRetention(dryRun: false)
        #expect(run.items == dryRun.items)
        #expect(try await gugus.applyRetention(dryRun: true).items.isEmpty)

        let participants = try await gugus.session(id: past.id).participants
        #expect(participants.first { $0.id == gone.id }?.email == nil)
        #expect(participants.first { $0.id == gone.id }?.name == "Dewi Tamu", "retention keeps the name in the session's record")
        #expect(participants.first { $0.id == kept.id }?.email == "andi@perusahaan.example", "Andi came again last month")
        let members = try await gugus.members(taskForce: .region("82"), at: Self.day(-7 * 365), page: PageRequest()).items
        #expect(members.first { $0.id == old.id }.map { ($0.email, $0.phone) } ?? ("?", "?") == (nil, nil))
        let now = try await gugus.members(taskForce: .region("82"), at: Self.day(-3 * 365), page: PageRequest()).items
        #expect(now.first { $0.id == recent.id }?.email == "ratna@example.go.id", "ended less than 5 years ago")
        #expect(try await gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items.first { $0.id == sitting.id }?.email != nil)
        let audit = try await gugus.audit(AuditQuery(entity: "retention"))
        #expect(audit.items.count == 1)
        #expect(audit.items.first?.after?["guests"] == .number(1))
    }

    @Test("only admins export, correct, erase or apply retention")
    func adminsOnly() async throws {
        let seeded = try await Self.seed()
        let coordinator = seeded.gugus.acting(as: Caller(name: "kanwil-malut", role: .coordinator, regionCode: "82"))
        let export = await #expect(throws: GugusError.self) { try await coordinator.exportPerson(.member(seeded.member.id)) }
        #expect(export?.kind == .forbidden)
        #expect(export?.message.en == "token 'kanwil-malut' (coordinator for 82) may not export personal data; that is for admins only")
        let erase = await #expect(throws: GugusError.self) {
            try await coordinator.erasePerson(PersonErasure(person: .member(seeded.member.id), reason: "permintaan"))
        }
        #expect(erase?.kind == .forbidden)
        #expect(try await count("person", in: seeded.gugus, where: "erased_at IS NOT NULL") == 0)
        #expect(try await count("audit_log", in: seeded.gugus, where: "actor = 'kanwil-malut'") == 0)
    }

    @Test("an opt-out link works for its own reminder only, stops that kind, and can be undone")
    func optOut() async throws {
        let seeded = try await Self.seed()
        let gugus = seeded.gugus
        let links = try await OptOutLinks.load(from: gugus.pool)
        let reminder = try await gugus.pool.query("""
            SELECT id FROM reminder WHERE recipient_name = \(Self.name) AND channel = 'log' AND status = 'pending' ORDER BY id LIMIT 1
            """).single()!.decode(Int64.self)
        let token = links.token(reminder: reminder)
        #expect(links.reminder(in: token) == reminder)
        // Another reminder's number with this MAC, or a changed MAC, is not a link.
        let forged = "\(reminder + 1)-\(token.split(separator: "-")[1])"
        #expect(links.reminder(in: forged) == nil)
        let tampered = await #expect(throws: GugusError.self) { try await gugus.optOut(token: forged) }
        #expect(tampered?.kind == .notFound)
        #expect(try await gugus.optOutStatus(token: token).optedOutAt == nil)

        let status = try await gugus.optOut(token: token)
        #expect(status.optedOutAt != nil)
        #expect(status.kind == .session)
        // Following it twice changes nothing; the guest invitation under her address is
        // the same person, and a membership is too.
        #expect(try await gugus.optOut(token: token).optedOutAt == status.optedOutAt)
        #expect(try await count("opt_out", in: gugus) == 1)
        let blocked = try await gugus.pool.query("""
            SELECT count(*) FILTER (WHERE reminder_blocked(person_key, recipient_email, 'session') = 'opted out'),
                   count(*) FILTER (WHERE reminder_blocked(person_key, recipient_email, 'decree_expiry') IS NOT NULL)
            FROM reminder WHERE person_key = \("person:\(seeded.member.personId)")
            """).single()!.decode((Int, Int).self)
        #expect(blocked.0 > 0)
        #expect(blocked.1 == 0, "only that kind")
        let export = try await gugus.exportPerson(.member(seeded.member.id))
        #expect(export.optOuts.map(\.reminderId) == [reminder])
        #expect(export.audit.contains { $0.entity == "opt_out" && $0.actor == "opt-out link (reminder \(reminder))" })

        let undone = try await gugus.undoOptOut(token: token)
        #expect(undone.optedOutAt == nil)
        #expect(try await count("opt_out", in: gugus, where: "undone_at IS NOT NULL") == 1)
    }

    /// The lines of a dump that hold any of `values`, to say where an erased value was left.
    static func lines(of dump: String, holding values: [String]) -> [Substring] {
        dump.split(separator: "\n").filter { line in values.contains { line.contains($0.lowercased()) } }
    }

    /// The whole database as plain SQL, as a backup would hold it.
    static func dump(_ gugus: DatabaseGugus) async throws -> String {
        let url = TestDatabase.url(for: gugus.pool.configuration)
        let program = try #require(postgresProgram("pg_dump"), "no pg_dump installed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["--no-owner", url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
