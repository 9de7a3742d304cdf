import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Testing

@Suite("Status", .releasesResources)
struct StatusTests {
    @Test("not_formed, established, expiring, lapsed: on the right days", arguments: [
        (CivilDate(2024, 2, 29), TaskForceState.notFormed, nil as Int?),
        (CivilDate(2024, 3, 1), .established, 670),
        (CivilDate(2025, 10, 31), .established, 61),
        (CivilDate(2025, 11, 1), .expiring, 60),
        (CivilDate(2025, 12, 30), .expiring, 1),
        (CivilDate(2025, 12, 31), .expiring, 0),
        (CivilDate(2026, 1, 1), .lapsed, nil),
    ])
    func states(date: CivilDate, state: TaskForceState, daysLeft: Int?) async throws {
        let gugus = try await TestDatabase.gugus()
        let (taskForce, decree) = try await MalukuUtara.establish(gugus)
        let status = try await gugus.regionStatus(code: "82", at: date)
        #expect(status.status == state)
        #expect(status.asOf == date)
        #expect(status.taskForceId == taskForce.id)
        #expect(status.taskForceName == MalukuUtara.defaultName)
        #expect(status.regionName == "Maluku Utara")
        #expect(status.zoneLabel == "WIT")
        #expect(status.decree?.daysLeft == daysLeft)
        if state == .established || state == .expiring {
            #expect(status.decree?.id == decree.id)
            #expect(status.decree?.number == "188.45/123/2024")
            #expect(status.decree?.signedOn == CivilDate(2024, 3, 1))
            #expect(status.decree?.until == CivilDate(2025, 12, 31))
        } else {
            #expect(status.decree == nil)
        }
    }

    @Test("a region without a task force, and a task force without a decree, are not formed")
    func notFormed() async throws {
        let gugus = try await TestDatabase.gugus()
        let empty = try await gugus.regionStatus(code: "82", at: CivilDate(2025, 6, 1))
        #expect(empty.status == .notFormed)
        #expect(empty.taskForceId == nil)
        #expect(empty.memberCount == 0)
        #expect(empty.lastActivity == nil)

        let taskForce = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        let formedLater = try await gugus.regionStatus(code: "82", at: CivilDate(2025, 6, 1))
        #expect(formedLater.status == .notFormed)
        #expect(formedLater.taskForceId == taskForce.id)
        #expect(formedLater.vacantCoreRoles == [.ketua, .sekretaris])
        #expect(formedLater.lastActivity != nil)
        // A decree signed but not yet in effect does not form it either.
        _ = try await gugus.addDecree(MalukuUtara.decree(signedOn: CivilDate(2025, 5, 20), effectiveFrom: CivilDate(2025, 7, 1)))
        #expect(try await gugus.regionStatus(code: "82", at: CivilDate(2025, 6, 30)).status == .notFormed)
        #expect(try await gugus.regionStatus(code: "82", at: CivilDate(2025, 7, 1)).status == .established)
    }

    @Test("member counts by role and the vacant core roles")
    func members() async throws {
        let gugus = try await TestDatabase.gugus(clock: clock(at: CivilDate(2025, 6, 1)))
        try await MalukuUtara.establish(gugus)
        _ = try await gugus.addMember(MalukuUtara.governor())
        _ = try await gugus.addMember(MalukuUtara.agencyHead("Hasan Percontohan", "Dinas Tenaga Kerja"))
        _ = try await gugus.addMember(MalukuUtara.agencyHead("Lina Ilustrasi", "Dinas Kesehatan"))
        let status = try await gugus.regionStatus(code: "82", at: CivilDate(2025, 6, 1))
        #expect(status.memberCount == 3)
        #expect(status.members == ["ketua": 1, "anggota": 2])
        #expect(status.vacantCoreRoles == [.sekretaris])

        let sekretaris = try await gugus.addMember(MalukuUtara.kanwilHead())
        #expect(try await gugus.regionStatus(code: "82", at: CivilDate(2025, 6, 1)).vacantCoreRoles == [])
        _ = try await gugus.endMember(id: sekretaris.id, on: CivilDate(2025, 6, 30), reason: "pensiun")
        let july = try await gugus.regionStatus(code: "82", at: CivilDate(2025, 7, 1))
        #expect(july.vacantCoreRoles == [.sekretaris])
        #expect(july.memberCount == 3)
        #expect(july.lastActivity != nil)
    }

    @Test("without a date, each region's status is for today in its own zone")
    func zones() async throws {
        // 15:30 UTC on 31 December 2025: already 1 January in Ternate (WIT, UTC+9), still
        // 31 December in Jakarta (WIB, UTC+7).
        let instant = CivilDate(2025, 12, 31).start(in: TimeZone(identifier: "UTC")!).addingTimeInterval(15.5 * 3600)
        let gugus = try await TestDatabase.gugus(clock: { instant })
        try await MalukuUtara.establish(gugus)
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "31"))
        _ = try await gugus.addDecree(MalukuUtara.decree(number: "e-0001/2024", taskForce: .region("31")))

        let ternate = try await gugus.regionStatus(code: "82", at: nil)
        #expect(ternate.asOf == CivilDate(2026, 1, 1))
        #expect(ternate.status == .lapsed)
        let jakarta = try await gugus.regionStatus(code: "31", at: nil)
        #expect(jakarta.asOf == CivilDate(2025, 12, 31))
        #expect(jakarta.status == .expiring)
        #expect(jakarta.decree?.daysLeft == 0)

        let national = try await gugus.nationalStatus(at: nil)
        #expect(national.provinces.first { $0.regionCode == "82" }?.status == .lapsed)
        #expect(national.provinces.first { $0.regionCode == "31" }?.status == .expiring)
        #expect(national.provinces.first { $0.regionCode == "61" }?.asOf == CivilDate(2025, 12, 31))
        #expect(national.provinces.first { $0.regionCode == "51" }?.asOf == CivilDate(2025, 12, 31))
    }

    @Test("nationally: 38 provinces and the coverage counts")
    func national() async throws {
        let gugus = try await TestDatabase.gugus()
        try await MalukuUtara.establish(gugus)  // established on 2025-06-01
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "81"))
        _ = try await gugus.addDecree(MalukuUtara.decree(number: "1/2023", signedOn: CivilDate(2023, 1, 2), until: CivilDate(2024, 12, 31), taskForce: .region("81")))
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "31"))
        _ = try await gugus.addDecree(MalukuUtara.decree(number: "2/2023", signedOn: CivilDate(2023, 7, 1), until: CivilDate(2025, 6, 30), taskForce: .region("31")))
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "61"))

        let status = try await gugus.nationalStatus(at: CivilDate(2025, 6, 1))
        #expect(status.asOf == CivilDate(2025, 6, 1))
        #expect(status.provinces.count == 38)
        #expect(status.provinces.compactMap(\.regionCode) == status.provinces.compactMap(\.regionCode).sorted())
        #expect(status.provinces.allSatisfy { $0.asOf == CivilDate(2025, 6, 1) })
        #expect(status.coverage.provinces == 38)
        #expect(status.coverage.established == 1)
        #expect(status.coverage.expiring == 1)
        #expect(status.coverage.lapsed == 1)
        #expect(status.coverage.notFormed == 35)
        let byCode = Dictionary(uniqueKeysWithValues: status.provinces.map { ($0.regionCode ?? "", $0) })
        #expect(byCode["82"]?.status == .established)
        #expect(byCode["31"]?.status == .expiring)
        #expect(byCode["81"]?.status == .lapsed)
        #expect(byCode["61"]?.status == .notFormed)
        #expect(byCode["61"]?.taskForceId != nil)
        #expect(byCode["11"]?.taskForceId == nil)
    }
}
