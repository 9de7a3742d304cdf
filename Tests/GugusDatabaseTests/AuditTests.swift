import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

@Suite("Audit log", .releasesResources)
struct AuditTests {
    @Test("every change is logged with its actor, action, and the row before and after")
    func entries() async throws {
        let admin = Caller(name: "gtn-sekretariat", role: .admin)
        let gugus = try await TestDatabase.gugus(caller: admin, clock: clock(at: CivilDate(2025, 6, 1)))
        let (taskForce, decree) = try await MalukuUtara.establish(gugus)
        let member = try await gugus.addMember(MalukuUtara.governor())

        let entries = try await gugus.audit(AuditQuery()).items
        // Newest first: the member (and its person and institution), the decree, the task force.
        #expect(entries.map(\.entity) == ["membership", "person", "institution", "decree", "task_force"])
        #expect(entries.allSatisfy { $0.actor == "gtn-sekretariat" && $0.operation == "insert" && $0.before == nil })
        #expect(entries.map(\.action) == ["member.add", "member.add", "member.add", "decree.add", "taskforce.create"])
        #expect(entries[0].entityId == String(member.id))
        #expect(entries[0].taskForceId == taskForce.id)
        #expect(entries[0].after?["role"] == .string("ketua"))
        #expect(entries[3].entityId == String(decree.id))
        #expect(entries[3].after?["number"] == .string("188.45/123/2024"))
        #expect(entries[4].after?["name"] == .string(MalukuUtara.defaultName))
        // The person's row holds no task force: it is not regional.
        #expect(entries[1].taskForceId == nil)

        // Filters.
        #expect(try await gugus.audit(AuditQuery(entity: "decree")).items.map(\.entityId) == [String(decree.id)])
        #expect(try await gugus.audit(AuditQuery(taskForce: .region("82"))).items.count == 3)
        #expect(try await gugus.audit(AuditQuery(since: Date().addingTimeInterval(3600))).items.isEmpty)
        let firstPage = try await gugus.audit(AuditQuery(page: PageRequest(limit: 2)))
        #expect(firstPage.items.count == 2)
        let secondPage = try await gugus.audit(AuditQuery(page: PageRequest(limit: 10, after: firstPage.nextCursor)))
        #expect(secondPage.items.map(\.entity) == ["institution", "decree", "task_force"])
        #expect(secondPage.nextCursor == nil)
    }

    @Test("a refused write leaves no audit entry, nor anything else")
    func refusedWrite() async throws {
        let gugus = try await TestDatabase.gugus(clock: clock(at: CivilDate(2025, 6, 1)))
        try await MalukuUtara.establish(gugus)
        _ = try await gugus.addMember(MalukuUtara.governor())
        let before = try await count("audit_log", in: gugus)

        // The second ketua is refused after their person and institution rows were written.
        var second = MalukuUtara.governor()
        second.name = "Samsuddin Contoh"
        second.email = try EmailAddress(parsing: "samsuddin@example.go.id")
        second.institution = "Sekretariat Daerah Provinsi Maluku Utara"
        await #expect(throws: GugusError.self) { try await gugus.addMember(second) }
        #expect(try await count("audit_log", in: gugus) == before)
        #expect(try await count("person", in: gugus, where: "name = 'Samsuddin Contoh'") == 0)
        #expect(try await count("institution", in: gugus, where: "name = 'Sekretariat Daerah Provinsi Maluku Utara'") == 0)

        // A revocation refused after it marked the old decree: the mark is gone too.
        let decrees = try await gugus.decrees(taskForce: .region("82"), page: PageRequest()).items
        _ = try await gugus.addDecree(MalukuUtara.decree(number: "2/2026", signedOn: CivilDate(2026, 1, 1), until: nil))
        let afterSecond = try await count("audit_log", in: gugus)
        await #expect(throws: GugusError.self) {
            // Revokes the first from 2025-07-01, but would overlap the 2026 one.
            try await gugus.addDecree(MalukuUtara.decree(number: "3/2025", signedOn: CivilDate(2025, 7, 1), until: nil, revokes: decrees[0].id))
        }
        #expect(try await count("audit_log", in: gugus) == afterSecond)
        #expect(try await gugus.decrees(taskForce: .region("82"), page: PageRequest()).items.first?.revokedOn == nil)
    }

    @Test("a change without an actor is refused by the database itself")
    func actorRequired() async throws {
        let gugus = try await TestDatabase.gugus()
        let error = await #expect(throws: PostgresError.self) {
            try await gugus.pool.execute("INSERT INTO task_force (level, region_code, name, period_id) VALUES ('regional', '82', 'GTD', 1)")
        }
        #expect(error?.code == SQLState("GG000"))
        #expect(error?.message == "a change to task_force needs an actor (set gugus.actor for the transaction)")
        #expect(try await count("task_force", in: gugus) == 0)
    }
}
