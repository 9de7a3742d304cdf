import Foundation
@testable import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// Upgrades: a database made at an earlier release's schema, with data in it, migrated to
/// this build's. Every later migration is tested against real old data this way.
@Suite("Upgrades from earlier releases", .releasesResources)
struct UpgradeTests {
    /// The migrations of main when issues 2–6 ended (commit df9d84f), with their checksums:
    /// the files are never edited once released, so applying these gives that schema exactly.
    static let release2026_11_30: [(name: String, checksum: String)] = [
        ("001_regions.sql", "5154cca99c4ed90bd6b02807773752802b97bb9388e17875f228e94eb79f42f3"),
        ("002_audit.sql", "3d26ad17ec8ca5e0be8551b246b22437d7afb76c888f8320eedea1bbc05d8f87"),
        ("003_task_forces.sql", "0087bee6fea792d3226e988388592cb48e1cf0cced379b5b4d34832bc504b549"),
        ("004_members.sql", "543c9fc1b31a3dac8210782d494131b92c3ae342b6e9b6d3b93b30b4d25475a5"),
        ("005_sessions.sql", "8b353f4e4c8c51b81b49f8fd5aa16fb68ce5185f3a84427c5522526efcd645c9"),
        ("006_reminders.sql", "8692e100d47a3c6e83c442e3d0f15066171073b414bad714b1f41836d818c85c"),
        ("007_tokens.sql", "d98bcb22ba0cf91c774330c85d818edd7ff49c586c3f60e74128dccba2ea77f9"),
        ("008_dispatch.sql", "6e76fedc25c3da0b91554a9cdfe696ce8d36ce9a8f96c097dffe44f82d6b1722"),
        ("009_audit_inserts_per_statement.sql", "d2f89f3be6668a89e0f62d59bb15b144ff59f484f130e1ae2d42b2644c1d2563"),
        ("010_claim_in_planned_order.sql", "8935d56907205931e5e5fe2594c95066e2a03982ca4ebc25a5dcbc7d8a5ddeee"),
        ("011_status_follows_the_present.sql", "4045f08f3a6a462b9418082ad7cd79f6665c6e7107cd9561e08a08a31a6f5cf2"),
    ]

    static let zone = TimeZone(identifier: "Asia/Jayapura")!

    @Test("a database of 2026-11-30 (df9d84f) with data: migrated to this build, it reads back and its rules hold")
    func fromNovember2026() async throws {
        let old = try Self.release2026_11_30.map { release in
            let migration = try #require(Migration.all.first { $0.name == release.name }, "\(release.name) is gone from sql/")
            #expect(migration.checksum == release.checksum, "\(release.name) was edited after its release")
            return migration
        }
        let database = try await TestDatabase.makeEmpty()
        try await Migrator(configuration: database, migrations: old).migrate()
        let pool = PostgresPool(configuration: database, options: .init(maxConnections: 2))
        TestResources.register(pool)
        let gugus = DatabaseGugus(pool: pool, caller: .localOperator("upgrade-test"))

        // Data as that release made it: its tables are the same ones the calls below write;
        // its triggers planned the reminders, one per rule, session, recipient and channel.
        let today = CivilDate(Date(), in: Self.zone)
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        _ = try await gugus.addDecree(NewDecree(
            taskForce: .region("82"), number: "188.45/7/\(today.year)", title: "tentang Pembentukan GTD BHAM Provinsi Maluku Utara",
            place: "Sofifi", signedOn: today.adding(days: -30), effectiveUntil: today.adding(days: 730), signerName: "Rahmat Contoh"))
        let siti = try await gugus.addMember(NewMember(
            taskForce: .region("82"), name: "Siti Rahma", role: .sekretaris, position: "Kepala Kantor Wilayah",
            institution: "Kantor Wilayah Kementerian HAM Maluku Utara", email: try EmailAddress(parsing: "siti@example.go.id")))
        let budi = try await gugus.addMember(NewMember(
            taskForce: .region("82"), name: "Budi Santoso", role: .ketua, position: "Gubernur Maluku Utara",
            institution: "Pemerintah Provinsi Maluku Utara"))
        let session = try await gugus.scheduleSession(NewSession(
            taskForce: .region("82"), title: "Sosialisasi Stranas BHAM",
            starts: "\(today.adding(days: 5)) 09:00", duration: DurationText(seconds: 3 * 3600)!, venue: "Aula Gamalama, Ternate"))
        let sitiInvited = try #require(try await gugus.invite(sessionID: session.id, .member(siti.id), role: .attendee).first)
        let guest = try #require(try await gugus.invite(sessionID: session.id, .guest(
            name: "Rina Tamu", email: try EmailAddress(parsing: "rina@example.id"), organisation: "APINDO"), role: .attendee).first)
        let day = try DurationText(parsing: "1d", field: "offset")
        _ = try await gugus.addReminderRule(NewReminderRule(offset: day, audience: .participants, channel: .log, taskForce: .region("82")))
        _ = try await gugus.addReminderRule(NewReminderRule(offset: day, audience: .members, channel: .log, taskForce: .region("82")))
        // The guest's reminder went out before the upgrade.
        try await pool.execute("""
            UPDATE reminder SET status = 'sent', sent_at = now(), attempts = 1
            WHERE recipient_key = \("participant:\(guest.id)")
            """)
        // Siti was planned twice at the same time, as a participant and as a member: the
        // duplicate this upgrade ends.
        let before = try await pool.query("""
            SELECT id, recipient_key, status FROM reminder WHERE session_id = \(session.id) ORDER BY id
            """).decode((Int64, String, String).self)
        #expect(Set(before.map(\.1)) == [
            "participant:\(guest.id)", "participant:\(sitiInvited.id)", "membership:\(siti.id)", "membership:\(budi.id)"])
        #expect(before.count == 4)
        // Status as SQL: today's status also reads the reports, tables that schema did not have.
        let (pendingBefore, sentBefore) = try await pool.query("""
            SELECT count(*) FILTER (WHERE status = 'pending')::integer, count(*) FILTER (WHERE status = 'sent')::integer FROM reminder
            """).single()!.decode((Int, Int).self)
        let membersBefore = try await Self.memberRows(on: pool)
        let sessionBefore = try await gugus.session(id: session.id)

        let applied = try await Migrator(configuration: database).migrate()
        #expect(applied == Migration.all.map(\.name).filter { name in !old.contains { $0.name == name } })
        #expect(applied.first == "012_one_message_per_person.sql")

        // The records read back as they were.
        #expect(try await Self.memberRows(on: pool) == membersBefore)
        let members = try await gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items
        #expect(members.map(\.name) == ["Budi Santoso", "Siti Rahma"])
        #expect(members.map(\.email) == [nil, "siti@example.go.id"])
        #expect(try await gugus.session(id: session.id) == sessionBefore)
        let statusAfter = try await gugus.regionStatus(code: "82", at: nil)
        #expect(statusAfter.status == .established)
        #expect(statusAfter.members == ["ketua": 1, "sekretaris": 1])
        #expect((statusAfter.sessions.upcoming, statusAfter.sessions.held) == (1, 0))
        #expect(statusAfter.report == nil, "no reporting period yet")
        // One of Siti's two pending reminders is merged into the other.
        #expect(statusAfter.reminders.sent == sentBefore)
        #expect(statusAfter.reminders.pending == pendingBefore - 1)

        let reminders = try await gugus.reminders(ReminderQuery(sessionId: session.id)).items
        #expect(reminders.count == before.count)
        #expect(reminders.allSatisfy { $0.kind == .reminder })
        let sitis = reminders.filter { $0.recipientName == "Siti Rahma" }
        #expect(sitis.map(\.status) == [.pending, .skipped])
        #expect(sitis.last?.skipReason == "the same person is reminded by reminder \(sitis[0].id)")
        // Every reminder knows its person and offset; the merged one has left the identity.
        let identities = try await pool.query("""
            SELECT id, person_key, offset_minutes FROM reminder WHERE session_id = \(session.id) ORDER BY id
            """).decode((Int64, String?, Int?).self)
        #expect(identities.map(\.2) == Array(repeating: 1440, count: before.count))
        #expect(identities.first { $0.0 == sitis[0].id }?.1 == "person:\(siti.personId)")
        #expect(identities.first { $0.0 == sitis[1].id }?.1 == nil)

        // The rules of this build hold on the old data: a reschedule re-times the kept
        // reminder in place, and the guest who was reminded gets a change notice.
        let moved = try await gugus.rescheduleSession(id: session.id, SessionChange(starts: "\(today.adding(days: 6)) 09:00"))
        let after = try await gugus.reminders(ReminderQuery(sessionId: session.id)).items
        let kept = try #require(after.first { $0.id == sitis[0].id })
        #expect(kept.status == .pending)
        #expect(kept.dueAt == moved.startsAt.addingTimeInterval(-86_400))
        #expect(kept.idempotencyKey == "gugus-reminder-\(kept.id)-v2")
        let notices = after.filter { $0.kind == .changeNotice }
        #expect(notices.map(\.recipientName) == ["Rina Tamu"])
        // A new invitation is planned under the new identity, once.
        let newcomer = try await gugus.addMember(NewMember(
            taskForce: .region("82"), name: "Andi Wijaya", role: .anggota, position: "Analis", institution: "LBH Ternate"))
        _ = try await gugus.invite(sessionID: session.id, .member(newcomer.id), role: .attendee)
        #expect(try await gugus.reminders(ReminderQuery(sessionId: session.id)).items.filter { $0.recipientName == "Andi Wijaya" }.count == 1)
        // And the old constraints are still there: one ketua at a time.
        await #expect(throws: GugusError.self) {
            _ = try await gugus.addMember(NewMember(
                taskForce: .region("82"), name: "Ketua Kedua", role: .ketua, position: "Wakil Gubernur", institution: "Pemerintah Provinsi"))
        }
    }

    /// The members as rows, with their people: what an upgrade must leave as it was (but for
    /// the columns it adds). Read with SQL: today's member list also reads the opt-outs, a
    /// table that schema did not have.
    static func memberRows(on pool: PostgresPool) async throws -> [String] {
        try await pool.query("""
            SELECT (to_jsonb(m) || jsonb_build_object('person', to_jsonb(p) - 'erased_at'))::text
            FROM membership m JOIN person p ON p.id = m.person_id ORDER BY m.id
            """).decode(String.self)
    }
}
