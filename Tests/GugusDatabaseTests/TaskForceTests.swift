import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Testing

@Suite("Regions and task forces", .releasesResources)
struct TaskForceTests {
    @Test("all 38 provinces are loaded, with their zones")
    func regions() async throws {
        let gugus = try await TestDatabase.gugus()
        let provinces = try await gugus.regions(level: .province)
        #expect(provinces.count == 38)
        #expect(try await gugus.regions(level: nil).count == 38 + 514)
        // `--level regency` lists the kabupaten and the kota, each in its province's zone.
        let regencies = try await gugus.regions(level: .regency)
        #expect(regencies.count == 514)
        #expect(regencies.filter { $0.level == .city }.count == 98)
        #expect(try await gugus.regions(level: .city).count == 98)
        let regencyByCode = Dictionary(uniqueKeysWithValues: regencies.map { ($0.code, $0) })
        #expect(regencyByCode["82.71"]?.name == "Kota Ternate")
        #expect(regencyByCode["82.71"]?.parentCode == "82")
        #expect(regencyByCode["82.71"]?.zoneLabel == "WIT")
        #expect(regencyByCode["61.01"]?.timeZone == "Asia/Pontianak")
        #expect(regencyByCode["11.01"]?.name == "Kabupaten Aceh Selatan")
        #expect(regencyByCode["11.01"]?.zoneLabel == "WIB")
        #expect(provinces.reduce(0) { $0 + ($1.regencies ?? 0) + ($1.cities ?? 0) } == 514)

        let byCode = Dictionary(uniqueKeysWithValues: provinces.map { ($0.code, $0) })
        #expect(byCode["82"]?.name == "Maluku Utara")
        #expect(byCode["82"]?.timeZone == "Asia/Jayapura")
        #expect(byCode["82"]?.zoneLabel == "WIT")
        for code in ["61", "62"] {
            #expect(byCode[code]?.timeZone == "Asia/Pontianak")
            #expect(byCode[code]?.zoneLabel == "WIB")
        }
        #expect(byCode["51"]?.zoneLabel == "WITA")
        #expect(byCode["31"]?.timeZone == "Asia/Jakarta")
        #expect(provinces.allSatisfy { $0.level == .province && $0.parentCode == nil })
        #expect(Set(provinces.map(\.zoneLabel)) == ["WIB", "WITA", "WIT"])
    }

    @Test("a region's task force gets the default name, the latest period and the region's zone")
    func createRegional() async throws {
        let gugus = try await TestDatabase.gugus()
        let taskForce = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        #expect(taskForce.level == .regional)
        #expect(taskForce.regionCode == "82")
        #expect(taskForce.regionName == "Maluku Utara")
        #expect(taskForce.name == MalukuUtara.defaultName)
        #expect(taskForce.period == "Stranas BHAM 2023–2025")
        #expect(taskForce.timeZone == "Asia/Jayapura")
        #expect(taskForce.zoneLabel == "WIT")
        #expect(taskForce.reference == "82")

        #expect(try await gugus.taskForce(.region("82")) == taskForce)
        #expect(try await gugus.taskForce(.id(taskForce.id)) == taskForce)
        #expect(try await gugus.taskForces() == [taskForce])
    }

    @Test("the national task force, with a name of its own")
    func createNational() async throws {
        let gugus = try await TestDatabase.gugus()
        let national = try await gugus.createTaskForce(NewTaskForce(regionCode: nil, name: "  GTN BHAM  "))
        #expect(national.level == .national)
        #expect(national.regionCode == nil)
        #expect(national.name == "GTN BHAM")
        #expect(national.reference == "national")
        #expect(national.timeZone == "Asia/Jakarta")
        #expect(try await gugus.taskForce(.national).id == national.id)

        let again = await #expect(throws: GugusError.self) { try await gugus.createTaskForce(NewTaskForce(regionCode: nil)) }
        #expect(again?.kind == .conflict)
        #expect(again?.message.en == "the national level already has a task force: GTN BHAM (id \(national.id)); see `gugus taskforce show national`")
    }

    @Test("an unknown region code is named, with where to look")
    func unknownRegion() async throws {
        let gugus = try await TestDatabase.gugus()
        let error = await #expect(throws: GugusError.self) { try await gugus.createTaskForce(NewTaskForce(regionCode: "83")) }
        #expect(error?.kind == .notFound)
        #expect(error?.message.en == "no region '83'; see `gugus region list`")
        #expect(error?.message.id == "tidak ada wilayah '83'; lihat `gugus region list`")
        #expect(error?.fieldErrors.first?.field == "region")
        #expect(error?.fieldErrors.first?.value == "83")
        #expect(try await count("task_force", in: gugus) == 0)

        let lookup = await #expect(throws: GugusError.self) { try await gugus.taskForce(.region("83")) }
        #expect(lookup?.message.en == "no region '83'; see `gugus region list`")
        let status = await #expect(throws: GugusError.self) { try await gugus.regionStatus(code: "83", at: nil) }
        #expect(status?.message.en == "no region '83'; see `gugus region list`")
    }

    @Test("a region without a task force, and an unknown id, say what to do")
    func missingTaskForce() async throws {
        let gugus = try await TestDatabase.gugus()
        let error = await #expect(throws: GugusError.self) { try await gugus.taskForce(.region("82")) }
        #expect(error?.kind == .notFound)
        #expect(error?.message.en == "region 82 (Maluku Utara) has no task force yet; create it with `gugus taskforce create --region 82`")
        let byID = await #expect(throws: GugusError.self) { try await gugus.taskForce(.id(4242)) }
        #expect(byID?.message.en == "no task force with id 4242; see `gugus taskforce list`")
        let national = await #expect(throws: GugusError.self) { try await gugus.taskForce(.national) }
        #expect(national?.message.en == "the national task force does not exist yet; create it with `gugus taskforce create --national`")
    }

    @Test("one task force per region")
    func duplicate() async throws {
        let gugus = try await TestDatabase.gugus()
        let first = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        let error = await #expect(throws: GugusError.self) { try await gugus.createTaskForce(NewTaskForce(regionCode: "82", name: "GTD Malut")) }
        #expect(error?.kind == .conflict)
        #expect(error?.message.en == "region 82 (Maluku Utara) already has a task force: \(MalukuUtara.defaultName) (id \(first.id)); see `gugus taskforce show 82`")
        #expect(try await count("task_force", in: gugus) == 1)
    }

    @Test("an unknown programme period lists the known ones")
    func unknownPeriod() async throws {
        let gugus = try await TestDatabase.gugus()
        let error = await #expect(throws: GugusError.self) {
            try await gugus.createTaskForce(NewTaskForce(regionCode: "82", period: "Stranas BHAM 2026–2030"))
        }
        #expect(error?.kind == .invalid)
        #expect(error?.message.en == "unknown period 'Stranas BHAM 2026–2030'; use one of: Stranas BHAM 2023–2025")
    }

    @Test("a task force reference is a region code, national, or an id")
    func references() throws {
        #expect(try TaskForceRef(parsing: "82") == .region("82"))
        #expect(try TaskForceRef(parsing: "82.71") == .region("82.71"))
        #expect(try TaskForceRef(parsing: "Nasional") == .national)
        #expect(try TaskForceRef(parsing: "1234") == .id(1234))
        let error = #expect(throws: GugusError.self) { try TaskForceRef(parsing: "malut") }
        #expect(error?.message.en == "'malut' is not a task force reference; use a region code (such as 82), national, or an id")
    }
}
