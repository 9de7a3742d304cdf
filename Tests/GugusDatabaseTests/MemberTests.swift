import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Testing

@Suite("Members", .releasesResources)
struct MemberTests {
    private func establishedGugus() async throws -> (DatabaseGugus, TaskForce, Decree) {
        let gugus = try await TestDatabase.gugus(clock: clock(at: CivilDate(2025, 6, 1)))
        let (taskForce, decree) = try await MalukuUtara.establish(gugus)
        return (gugus, taskForce, decree)
    }

    @Test("a member is appointed by the decree in force, from its effective date")
    func add() async throws {
        let (gugus, taskForce, decree) = try await establishedGugus()
        let ketua = try await gugus.addMember(MalukuUtara.governor())
        #expect(ketua.taskForceId == taskForce.id)
        #expect(ketua.name == "Rahmat Contoh")
        #expect(ketua.role == .ketua)
        #expect(ketua.decreeId == decree.id)
        #expect(ketua.decreeNumber == MalukuUtara.decreeNumber)
        #expect(ketua.validFrom == CivilDate(2024, 3, 1))
        #expect(ketua.validUntil == nil)
        #expect(ketua.email == "gubernur@example.go.id")
        #expect(ketua.language == .id)
        #expect(ketua.institution == "Pemerintah Provinsi Maluku Utara")
        #expect(ketua.institutionKind == "provincial_agency")

        let sekretaris = try await gugus.addMember(MalukuUtara.kanwilHead())
        #expect(sekretaris.phone == "+6281100000103")
        #expect(sekretaris.institutionKind == "regional_office")

        let members = try await gugus.members(taskForce: .region("82"), at: CivilDate(2025, 6, 1), page: PageRequest())
        #expect(members.items.map(\.role) == [.ketua, .sekretaris])
    }

    @Test("an unknown role lists the valid ones")
    func unknownRole() throws {
        let error = #expect(throws: GugusError.self) { try MemberRole.parse("bendahara", field: "role") }
        #expect(error?.kind == .invalid)
        #expect(error?.message.en == "unknown role 'bendahara'; use one of: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota")
        #expect(error?.message.id == "peran 'bendahara' tidak dikenal; pilih salah satu: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota")
        #expect(error?.fieldErrors.first?.field == "role")
        #expect(try MemberRole.parse("Wakil Ketua", field: "role") == .wakilKetua)
        #expect(try MemberRole.parse("wakil-sekretaris", field: "role") == .wakilSekretaris)
    }

    @Test("a member appointed by another task force's decree is refused, naming it")
    func foreignDecree() async throws {
        let (gugus, _, _) = try await establishedGugus()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "81"))
        let maluku = try await gugus.addDecree(MalukuUtara.decree(number: "188.4/77/2024", taskForce: .region("81")))
        var input = MalukuUtara.governor()
        input.decreeId = maluku.id
        let error = await #expect(throws: GugusError.self) { try await gugus.addMember(input) }
        #expect(error?.kind == .invalid)
        #expect(error?.message.en == "decree \(maluku.id) ('188.4/77/2024') belongs to Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku, not to task force 82; use one of this task force's own decrees (see `gugus decree list --taskforce 82`)")
        #expect(error?.message.id == "keputusan \(maluku.id) ('188.4/77/2024') milik Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku, bukan gugus tugas 82; gunakan keputusan gugus tugas ini sendiri (lihat `gugus decree list --taskforce 82`)")
        #expect(error?.fieldErrors.first?.field == "decree")
        #expect(try await count("membership", in: gugus) == 0)
        #expect(try await count("person", in: gugus) == 0)
    }

    @Test("only one ketua at a time; the next one follows the end of the first")
    func oneKetua() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let first = try await gugus.addMember(MalukuUtara.governor())
        var acting = MalukuUtara.governor()
        acting.name = "Samsuddin Contoh"
        acting.position = "Pj. Gubernur Maluku Utara"
        acting.email = try EmailAddress(parsing: "pj.gubernur@example.go.id")
        acting.from = CivilDate(2025, 1, 31)
        let error = await #expect(throws: GugusError.self) { try await gugus.addMember(acting) }
        #expect(error?.kind == .conflict)
        #expect(error?.message.en == "task force 82 already has a ketua: Rahmat Contoh (member \(first.id), since 2024-03-01); end that membership first with `gugus member end \(first.id) --on DATE`")
        #expect(error?.message.id == "gugus tugas 82 sudah punya ketua: Rahmat Contoh (anggota \(first.id), sejak 2024-03-01); akhiri dulu dengan `gugus member end \(first.id) --on TANGGAL`")

        _ = try await gugus.endMember(id: first.id, on: CivilDate(2025, 1, 31), reason: "masa jabatan berakhir")
        // The last day of the old ketua is still his.
        let sameDay = await #expect(throws: GugusError.self) { try await gugus.addMember(acting) }
        #expect(sameDay?.message.en.hasPrefix("task force 82 already has a ketua: Rahmat Contoh") == true)
        acting.from = CivilDate(2025, 2, 1)
        let next = try await gugus.addMember(acting)
        #expect(next.validFrom == CivilDate(2025, 2, 1))

        let january = try await gugus.members(taskForce: .region("82"), at: CivilDate(2025, 1, 31), page: PageRequest()).items
        #expect(january.map(\.name) == ["Rahmat Contoh"])
        let february = try await gugus.members(taskForce: .region("82"), at: CivilDate(2025, 2, 1), page: PageRequest()).items
        #expect(february.map(\.name) == ["Samsuddin Contoh"])
        // Several wakil_ketua are fine.
        var wakil = MalukuUtara.agencyHead("Nurhayati Fiktif", "Sekretariat Daerah")
        wakil.role = .wakilKetua
        _ = try await gugus.addMember(wakil)
        var wakil2 = MalukuUtara.agencyHead("Abdul Fiktif", "Inspektorat")
        wakil2.role = .wakilKetua
        _ = try await gugus.addMember(wakil2)
    }

    @Test("a person sits once on a task force at a time")
    func personOnce() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let member = try await gugus.addMember(MalukuUtara.agencyHead("Hasan Percontohan", "Dinas Tenaga Kerja", email: "hasan@example.go.id"))
        // The same e-mail, another spelling of the name: the same person.
        var again = MalukuUtara.agencyHead("HASAN PERCONTOHAN", "Dinas Kesehatan", email: "Hasan@EXAMPLE.go.id")
        again.role = .wakilSekretaris
        let error = await #expect(throws: GugusError.self) { try await gugus.addMember(again) }
        #expect(error?.message.en == "Hasan Percontohan is already a member of task force 82 as anggota (member \(member.id), since 2024-03-01)")
        // Without an e-mail: the same name at the same institution.
        _ = try await gugus.addMember(MalukuUtara.agencyHead("Lina Ilustrasi", "Dinas Kesehatan"))
        let byName = await #expect(throws: GugusError.self) { try await gugus.addMember(MalukuUtara.agencyHead(" lina  ilustrasi", "Dinas Kesehatan")) }
        #expect(byName?.message.en.hasPrefix("Lina Ilustrasi is already a member of task force 82 as anggota") == true)
        // Given an e-mail now, she is still found by name and institution.
        let withEmail = await #expect(throws: GugusError.self) {
            try await gugus.addMember(MalukuUtara.agencyHead("Lina Ilustrasi", "Dinas Kesehatan", email: "dinkes@example.go.id"))
        }
        #expect(withEmail?.message.en.hasPrefix("Lina Ilustrasi is already a member of task force 82 as anggota") == true)
        #expect(try await count("person", in: gugus) == 2)
    }

    @Test("ending a membership keeps the row and its history")
    func end() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let member = try await gugus.addMember(MalukuUtara.agencyHead("Irwan Tiruan", "Dinas Penanaman Modal"))
        let ended = try await gugus.endMember(id: member.id, on: CivilDate(2025, 3, 14), reason: "  mutasi jabatan ")
        #expect(ended.id == member.id)
        #expect(ended.validUntil == CivilDate(2025, 3, 14))
        #expect(ended.endReason == "mutasi jabatan")

        #expect(try await gugus.members(taskForce: .region("82"), at: CivilDate(2025, 3, 14), page: PageRequest()).items.map(\.id) == [member.id])
        #expect(try await gugus.members(taskForce: .region("82"), at: CivilDate(2025, 3, 15), page: PageRequest()).items.isEmpty)
        #expect(try await count("membership", in: gugus) == 1)

        let audit = try await gugus.audit(AuditQuery(entity: "membership", entityId: String(member.id))).items
        #expect(audit.map(\.action) == ["member.end", "member.add"])
        #expect(audit[0].operation == "update")
        #expect(audit[0].before?["valid_until"] == .null)
        #expect(audit[0].after?["valid_until"] == .string("2025-03-14"))

        let twice = await #expect(throws: GugusError.self) { try await gugus.endMember(id: member.id, on: CivilDate(2025, 4, 1), reason: nil) }
        #expect(twice?.kind == .conflict)
        #expect(twice?.message.en == "membership \(member.id) (Irwan Tiruan) already ended on 2025-03-14")
    }

    @Test("a membership with a planned end can be ended earlier, not later")
    func endBeforePlannedEnd() async throws {
        let (gugus, _, _) = try await establishedGugus()
        var input = MalukuUtara.agencyHead("Irwan Tiruan", "Dinas Penanaman Modal")
        input.until = CivilDate(2025, 12, 31)
        let member = try await gugus.addMember(input)
        let ended = try await gugus.endMember(id: member.id, on: CivilDate(2025, 6, 30), reason: "mutasi jabatan")
        #expect(ended.validUntil == CivilDate(2025, 6, 30))
        let later = await #expect(throws: GugusError.self) { try await gugus.endMember(id: member.id, on: CivilDate(2025, 7, 31), reason: nil) }
        #expect(later?.message.en == "membership \(member.id) (Irwan Tiruan) already ended on 2025-06-30")
    }

    @Test("an end before the start, or of no membership, is refused")
    func badEnd() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let member = try await gugus.addMember(MalukuUtara.agencyHead("Ratna Contoh", "Dinas Lingkungan Hidup"))
        let early = await #expect(throws: GugusError.self) { try await gugus.endMember(id: member.id, on: CivilDate(2024, 2, 29), reason: nil) }
        #expect(early?.message.en == "the end date 2024-02-29 is before the membership began, 2024-03-01")
        let missing = await #expect(throws: GugusError.self) { try await gugus.endMember(id: 4242, on: CivilDate(2025, 1, 1), reason: nil) }
        #expect(missing?.kind == .notFound)
        #expect(missing?.message.en == "no member with id 4242; see `gugus member list --taskforce REF`")
    }

    @Test("nobody is a member before the decree")
    func beforeDecree() async throws {
        let (gugus, _, _) = try await establishedGugus()
        _ = try await gugus.addMember(MalukuUtara.governor())
        _ = try await gugus.addMember(MalukuUtara.kanwilHead())
        #expect(try await gugus.members(taskForce: .region("82"), at: CivilDate(2024, 2, 29), page: PageRequest()).items.isEmpty)
        #expect(try await gugus.members(taskForce: .region("82"), at: CivilDate(2024, 3, 1), page: PageRequest()).items.count == 2)
        // Without a date: today by the clock, in the task force's zone.
        #expect(try await gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items.count == 2)
    }

    @Test("bad field values are refused with the value")
    func badValues() async throws {
        let (gugus, _, _) = try await establishedGugus()
        var group = MalukuUtara.agencyHead("Dewi Sampel", "Dinas Kependudukan")
        group.workingGroup = 4
        let error = await #expect(throws: GugusError.self) { try await gugus.addMember(group) }
        #expect(error?.message.en == "working group 4 does not exist; use 1, 2 or 3")

        var order = MalukuUtara.agencyHead("Dewi Sampel", "Dinas Kependudukan")
        order.from = CivilDate(2025, 1, 1)
        order.until = CivilDate(2024, 12, 31)
        let orderError = await #expect(throws: GugusError.self) { try await gugus.addMember(order) }
        #expect(orderError?.message.en == "until 2024-12-31 is before from 2025-01-01")

        var empty = MalukuUtara.agencyHead("", "Dinas Kependudukan")
        empty.position = " "
        let emptyError = await #expect(throws: GugusError.self) { try await gugus.addMember(empty) }
        #expect(emptyError?.message.en == "the name is required (--name)")
        #expect(emptyError?.fieldErrors.map(\.field) == ["name", "position"])

        var kind = MalukuUtara.agencyHead("Dewi Sampel", "Dinas Kependudukan")
        kind.institutionKind = "pemda"
        let kindError = await #expect(throws: GugusError.self) { try await gugus.addMember(kind) }
        #expect(kindError?.message.en == "unknown institution kind 'pemda'; use one of: ministry, provincial_agency, regional_office, company, business_association, civil_society, academia, other")

        let email = #expect(throws: GugusError.self) { try EmailAddress(parsing: "budi@@malut") }
        #expect(email?.message.en == "'budi@@malut' is not a valid e-mail address; write it like nama@instansi.go.id")
        #expect(try PhoneNumber(parsing: "(0921) 312345").e164 == "+62921312345")
        #expect(try await count("membership", in: gugus) == 0)
    }

    @Test("one person may sit on two task forces")
    func twoTaskForces() async throws {
        let (gugus, _, _) = try await establishedGugus()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "81"))
        _ = try await gugus.addDecree(MalukuUtara.decree(number: "188.4/77/2024", taskForce: .region("81")))
        let here = try await gugus.addMember(MalukuUtara.kanwilHead())
        let there = try await gugus.addMember(MalukuUtara.kanwilHead(.region("81")))
        #expect(here.personId == there.personId)
        #expect(here.taskForceId != there.taskForceId)
    }
}
