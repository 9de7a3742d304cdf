import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Testing

@Suite("Access by caller", .releasesResources)
struct AccessTests {
    static let malut = Caller(name: "kanwil-malut", role: .coordinator, regionCode: "82")
    static let maluku = Caller(name: "kanwil-maluku", role: .coordinator, regionCode: "81")
    static let viewer = Caller(name: "publik", role: .viewer)

    /// 82 and 81 established by the admin, 82 with a ketua and a sekretaris.
    private func setUp() async throws -> DatabaseGugus {
        let admin = try await TestDatabase.gugus(clock: clock(at: CivilDate(2025, 6, 1)))
        try await MalukuUtara.establish(admin)
        _ = try await admin.createTaskForce(NewTaskForce(regionCode: "81"))
        _ = try await admin.addDecree(MalukuUtara.decree(number: "188.4/77/2024", taskForce: .region("81")))
        _ = try await admin.addMember(MalukuUtara.governor())
        _ = try await admin.addMember(MalukuUtara.kanwilHead())
        return admin
    }

    @Test("a coordinator changes its own region's task force, and no other")
    func coordinatorWrites() async throws {
        let admin = try await setUp()
        let establishing = try #require(try await admin.decrees(taskForce: .region("82"), page: PageRequest()).items.first)
        let malut = admin.acting(as: Self.malut)
        let member = try await malut.addMember(MalukuUtara.agencyHead("Lina Ilustrasi", "Dinas Kesehatan"))
        _ = try await malut.endMember(id: member.id, on: CivilDate(2025, 6, 30), reason: nil)
        _ = try await malut.addDecree(MalukuUtara.decree(number: "188.45/50/2024", signedOn: CivilDate(2024, 9, 1), amends: establishing.id))
        #expect(try await admin.audit(AuditQuery(entity: "membership", entityId: String(member.id))).items.map(\.actor) == ["kanwil-malut", "kanwil-malut"])

        let maluku = admin.acting(as: Self.maluku)
        let expected = "token 'kanwil-maluku' (coordinator for 81) may change only its own region's task force, not \(MalukuUtara.defaultName)"
        let add = await #expect(throws: GugusError.self) { try await maluku.addMember(MalukuUtara.agencyHead("Ratna Contoh", "Dinas Lingkungan Hidup")) }
        #expect(add?.kind == .forbidden)
        #expect(add?.message.en == expected)
        let end = await #expect(throws: GugusError.self) { try await maluku.endMember(id: member.id, on: CivilDate(2025, 7, 1), reason: nil) }
        #expect(end?.message.en == expected)
        let decree = await #expect(throws: GugusError.self) {
            try await maluku.addDecree(MalukuUtara.decree(number: "188.45/51/2024", signedOn: CivilDate(2024, 9, 2), amends: establishing.id))
        }
        #expect(decree?.message.en == expected)
        let imported = await #expect(throws: GugusError.self) {
            try await maluku.importMembers(taskForce: .region("82"), csv: Data(Rosters.clean.utf8), options: ImportOptions())
        }
        #expect(imported?.message.en == expected)
        #expect(try await count("membership", in: admin) == 3)
    }

    @Test("a coordinator creates only its own region's task force")
    func coordinatorCreates() async throws {
        let admin = try await TestDatabase.gugus()
        let malut = admin.acting(as: Self.malut)
        let other = await #expect(throws: GugusError.self) { try await malut.createTaskForce(NewTaskForce(regionCode: "81")) }
        #expect(other?.kind == .forbidden)
        #expect(other?.message.en == "token 'kanwil-malut' (coordinator for 82) may not create the task force for 81")
        let national = await #expect(throws: GugusError.self) { try await malut.createTaskForce(NewTaskForce(regionCode: nil)) }
        #expect(national?.message.en == "token 'kanwil-malut' (coordinator for 82) may not create the task force for national")
        let own = try await malut.createTaskForce(NewTaskForce(regionCode: "82"))
        #expect(own.regionCode == "82")
    }

    @Test("a viewer reads status, not members, decrees or the audit log")
    func viewer() async throws {
        let admin = try await setUp()
        let viewer = admin.acting(as: Self.viewer)
        let status = try await viewer.regionStatus(code: "82", at: CivilDate(2025, 6, 1))
        #expect(status.memberCount == 2)
        #expect(try await viewer.nationalStatus(at: CivilDate(2025, 6, 1)).coverage.established == 2)

        let expected = "token 'publik' (viewer) may only read status and public sessions"
        let members = await #expect(throws: GugusError.self) { try await viewer.members(taskForce: .region("82"), at: nil, page: PageRequest()) }
        #expect(members?.kind == .forbidden)
        #expect(members?.message.en == expected)
        #expect(members?.message.id == "token 'publik' (viewer) hanya boleh membaca status dan sesi publik")
        let decrees = await #expect(throws: GugusError.self) { try await viewer.decrees(taskForce: nil, page: PageRequest()) }
        #expect(decrees?.message.en == expected)
        let audit = await #expect(throws: GugusError.self) { try await viewer.audit(AuditQuery()) }
        #expect(audit?.message.en == expected)
        let write = await #expect(throws: GugusError.self) { try await viewer.addMember(MalukuUtara.agencyHead("Lina Ilustrasi", "Dinas Kesehatan")) }
        #expect(write?.message.en == expected)
    }

    @Test("contact details are shown only to those who coordinate the task force")
    func contacts() async throws {
        let admin = try await setUp()
        func contacts(_ caller: Caller) async throws -> [String?] {
            let members = try await admin.acting(as: caller).members(taskForce: .region("82"), at: CivilDate(2025, 6, 1), page: PageRequest()).items
            #expect(members.map(\.name) == ["Rahmat Contoh", "Yusuf Sampel"])
            return members.flatMap { [$0.email, $0.phone] }
        }
        let all: [String?] = ["gubernur@example.go.id", nil, "kakanwil.malut@example.go.id", "+6281100000103"]
        #expect(try await contacts(.localOperator("test")) == all)
        #expect(try await contacts(Self.malut) == all)
        #expect(try await contacts(Self.maluku) == [nil, nil, nil, nil])
    }

    @Test("a coordinator's audit log is its own task force's")
    func coordinatorAudit() async throws {
        let admin = try await setUp()
        let own = try await admin.acting(as: Self.maluku).audit(AuditQuery()).items
        #expect(!own.isEmpty)
        #expect(Set(own.compactMap(\.taskForceId)).count == 1)
        #expect(own.allSatisfy { $0.taskForceId == own[0].taskForceId })
        #expect(own.map(\.entity).sorted() == ["decree", "task_force"])
    }
}
