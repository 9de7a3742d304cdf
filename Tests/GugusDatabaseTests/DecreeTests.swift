import Crypto
import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Testing

@Suite("Decrees", .releasesResources)
struct DecreeTests {
    @Test("a Keputusan Gubernur: kind from the region, in force from its signing date")
    func register() async throws {
        let gugus = try await TestDatabase.gugus()
        let (taskForce, decree) = try await MalukuUtara.establish(gugus)
        #expect(decree.taskForceId == taskForce.id)
        #expect(decree.kind == .governor)
        #expect(decree.number == MalukuUtara.decreeNumber)
        #expect(decree.place == "Sofifi")
        #expect(decree.signedOn == CivilDate(2024, 3, 1))
        #expect(decree.effectiveFrom == CivilDate(2024, 3, 1))
        #expect(decree.effectiveUntil == CivilDate(2025, 12, 31))
        #expect(decree.lastDayInForce == CivilDate(2025, 12, 31))
        #expect(decree.signerName == "Rahmat Contoh")
        #expect(decree.signerTitle == "Gubernur Maluku Utara")
        #expect(decree.isEstablishing)
        #expect(decree.revokedOn == nil)

        let listed = try await gugus.decrees(taskForce: .region("82"), page: PageRequest())
        #expect(listed.items == [decree])
        #expect(listed.nextCursor == nil)
    }

    @Test("a date that isn't a date is refused with the value and the expected form")
    func badDate() throws {
        for text in ["2024-02-30", "01/03/2024", "2024-3-1", "kemarin"] {
            let error = #expect(throws: GugusError.self) { try CivilDate.parse(text, field: "signed-on") }
            #expect(error?.kind == .invalid)
            #expect(error?.message.en == "'\(text)' is not a valid date for signed-on; use YYYY-MM-DD, for example 2025-05-06")
            #expect(error?.message.id == "'\(text)' bukan tanggal yang valid untuk signed-on; gunakan format YYYY-MM-DD, misalnya 2025-05-06")
            #expect(error?.fieldErrors.first?.value == text)
        }
        #expect(try CivilDate.parse("2024-02-29", field: "signed-on") == CivilDate(2024, 2, 29))
    }

    @Test("effective-until before effective-from is refused, naming both dates")
    func termOrder() async throws {
        let gugus = try await TestDatabase.gugus()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        let error = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(until: CivilDate(2023, 12, 31)))
        }
        #expect(error?.kind == .invalid)
        #expect(error?.message.en == "effective-until 2023-12-31 is before effective-from 2024-03-01; the term must end on or after it starts")
        #expect(error?.message.id == "berlaku sampai 2023-12-31 lebih awal dari mulai berlaku 2024-03-01; tanggal berakhir harus sama atau sesudahnya")
        #expect(error?.fieldErrors.map(\.field) == ["effective_until"])
        #expect(try await count("decree", in: gugus) == 0)

        // A term of one day is a term.
        let oneDay = try await gugus.addDecree(MalukuUtara.decree(until: MalukuUtara.signedOn))
        #expect(oneDay.lastDayInForce == MalukuUtara.signedOn)
    }

    @Test("missing fields are all listed at once")
    func missingFields() async throws {
        let gugus = try await TestDatabase.gugus()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        var input = MalukuUtara.decree()
        input.number = "  "
        input.title = ""
        let error = await #expect(throws: GugusError.self) { try await gugus.addDecree(input) }
        #expect(error?.message.en == "the decree is incomplete: the decree number is required (--number); the title (\"tentang …\") is required (--title)")
        #expect(error?.fieldErrors.map(\.field) == ["number", "title"])
    }

    @Test("a second overlapping establishing decree is refused, naming the one in force")
    func overlap() async throws {
        let gugus = try await TestDatabase.gugus()
        let (_, first) = try await MalukuUtara.establish(gugus)
        let error = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: "188.45/200/2025", signedOn: CivilDate(2025, 6, 2), until: CivilDate(2027, 12, 31)))
        }
        #expect(error?.kind == .conflict)
        #expect(error?.message.en == "task force 82 already has an establishing decree in force on those dates: '188.45/123/2024' (decree \(first.id), 2024-03-01 – 2025-12-31); to replace it, add the new decree with --revokes \(first.id)")
        #expect(error?.message.id == "gugus tugas 82 sudah punya keputusan pembentukan yang berlaku pada tanggal itu: '188.45/123/2024' (keputusan \(first.id), 2024-03-01 – 2025-12-31); untuk menggantinya, tambahkan keputusan baru dengan --revokes \(first.id)")
        #expect(try await count("decree", in: gugus) == 1)

        // An open-ended decree that starts before the first is in force on its dates too.
        let openEnded = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: "188.45/1/2023", signedOn: CivilDate(2023, 1, 2), until: nil))
        }
        #expect(openEnded?.message.en.contains("'188.45/123/2024' (decree \(first.id), 2024-03-01 – 2025-12-31)") == true)

        // The next term, starting the day after, does not overlap.
        let next = try await gugus.addDecree(MalukuUtara.decree(number: "188.45/300/2025", signedOn: CivilDate(2025, 12, 20), effectiveFrom: CivilDate(2026, 1, 1), until: nil))
        #expect(next.effectiveFrom == CivilDate(2026, 1, 1))
        // And nothing may overlap an open-ended one: the message says it has no end.
        let afterOpen = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: "188.45/9/2030", signedOn: CivilDate(2030, 1, 2), until: nil))
        }
        #expect(afterOpen?.message.en.contains("'188.45/300/2025' (decree \(next.id), 2026-01-01 –);") == true)
    }

    @Test("two overlapping decrees at once: the database refuses one, in words")
    func overlapRace() async throws {
        let gugus = try await TestDatabase.gugus()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        let results = await withTaskGroup(of: Result<Decree, GugusError>.self) { group in
            for number in ["188.45/1/2024", "188.45/2/2024", "188.45/3/2024"] {
                group.addTask {
                    do { return .success(try await gugus.addDecree(MalukuUtara.decree(number: number))) } catch let error as GugusError {
                        return .failure(error)
                    } catch {
                        return .failure(GugusError(.internal, Localized(verbatim: "\(error)")))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let refusals = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
        #expect(results.count - refusals.count == 1)
        #expect(refusals.count == 2)
        for refusal in refusals {
            #expect(refusal.kind == .conflict)
            let named = refusal.message.en.hasPrefix("task force 82 already has an establishing decree in force on those dates: ")
            let fromConstraint = refusal.message.en == "an establishing decree is already in force on overlapping dates; revoke the old one with --revokes ID"
            #expect(named || fromConstraint, "unexpected message: \(refusal.message.en)")
        }
        #expect(try await count("decree", in: gugus) == 1)
    }

    @Test("a duplicate number (same region, year and kind) is refused; another year or region is not")
    func duplicateNumber() async throws {
        let gugus = try await TestDatabase.gugus()
        let (_, first) = try await MalukuUtara.establish(gugus)
        // Different dates, even a revocation: the number alone decides.
        let error = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: " 188.45/123/2024 ", signedOn: CivilDate(2024, 11, 1), effectiveFrom: CivilDate(2026, 1, 1), until: nil))
        }
        #expect(error?.kind == .conflict)
        #expect(error?.message.en == "number '188.45/123/2024' is already registered for a governor decree of 82 in 2024 (decree \(first.id)); check the number or see `gugus decree list --taskforce 82`")
        #expect(error?.fieldErrors.first?.field == "number")

        // The same text in another year is another decree.
        _ = try await gugus.addDecree(MalukuUtara.decree(signedOn: CivilDate(2026, 1, 2), until: nil))
        // And in another province too.
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "81"))
        _ = try await gugus.addDecree(MalukuUtara.decree(taskForce: .region("81")))
        _ = try await gugus.addDecree(MalukuUtara.decree(number: "300.1.6/Kep.29-Huk/2026", signedOn: CivilDate(2026, 1, 2), until: nil, taskForce: .region("81")))
        #expect(try await count("decree", in: gugus) == 4)
        // Numbers are compared without regard to case.
        let shouted = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: "300.1.6/KEP.29-HUK/2026", signedOn: CivilDate(2026, 5, 5), until: nil, taskForce: .region("81")))
        }
        #expect(shouted?.message.en.hasPrefix("number '300.1.6/KEP.29-HUK/2026' is already registered for a governor decree of 81 in 2026") == true, "\(String(describing: shouted))")
    }

    @Test("revoking ends the old decree on the new one's effective date")
    func revoke() async throws {
        let gugus = try await TestDatabase.gugus()
        let (_, old) = try await MalukuUtara.establish(gugus)
        let new = try await gugus.addDecree(MalukuUtara.decree(
            number: "100.3.3.1/45/2025", signedOn: CivilDate(2025, 3, 20), effectiveFrom: CivilDate(2025, 4, 1),
            until: CivilDate(2027, 12, 31), revokes: old.id))
        #expect(new.revokesId == old.id)

        let decrees = try await gugus.decrees(taskForce: .region("82"), page: PageRequest()).items
        let revoked = try #require(decrees.first { $0.id == old.id })
        #expect(revoked.revokedOn == CivilDate(2025, 4, 1))
        #expect(revoked.effectiveUntil == CivilDate(2025, 12, 31))
        #expect(revoked.lastDayInForce == CivilDate(2025, 3, 31))

        let before = try await gugus.regionStatus(code: "82", at: CivilDate(2025, 3, 31))
        #expect(before.decree?.id == old.id)
        #expect(before.decree?.until == CivilDate(2025, 3, 31))
        let after = try await gugus.regionStatus(code: "82", at: CivilDate(2025, 4, 1))
        #expect(after.status == .established)
        #expect(after.decree?.id == new.id)
        #expect(after.decree?.number == "100.3.3.1/45/2025")
        #expect(after.decree?.until == CivilDate(2027, 12, 31))

        let twice = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: "100.3.3.1/99/2025", signedOn: CivilDate(2025, 5, 1), revokes: old.id))
        }
        #expect(twice?.message.en == "decree \(old.id) ('188.45/123/2024') was already revoked as of 2025-04-01")
    }

    @Test("a revoking decree must take effect after the one it revokes")
    func revokeTooEarly() async throws {
        let gugus = try await TestDatabase.gugus()
        let (_, old) = try await MalukuUtara.establish(gugus)
        let error = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: "188.45/5/2024", signedOn: CivilDate(2024, 3, 1), revokes: old.id))
        }
        #expect(error?.message.en == "a revoking decree must take effect after the decree it revokes (2024-03-01)")
        let unchanged = try await gugus.decrees(taskForce: .region("82"), page: PageRequest()).items
        #expect(unchanged.map(\.revokedOn) == [nil])
    }

    @Test("links to another task force's decree are refused, naming its owner")
    func foreignLinks() async throws {
        let gugus = try await TestDatabase.gugus()
        _ = try await MalukuUtara.establish(gugus)
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "81"))
        let maluku = try await gugus.addDecree(MalukuUtara.decree(number: "1/2024", taskForce: .region("81")))
        let error = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: "188.45/7/2025", signedOn: CivilDate(2025, 1, 2), revokes: maluku.id))
        }
        #expect(error?.message.en == "decree \(maluku.id) ('1/2024') belongs to Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku, not to task force 82; use one of this task force's own decrees (see `gugus decree list --taskforce 82`)")
        let missing = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: "188.45/8/2025", signedOn: CivilDate(2025, 1, 2), amends: 9999))
        }
        #expect(missing?.message.en == "no decree with id 9999; see `gugus decree list --taskforce 82`")
    }

    @Test("an amending decree may overlap the one it amends, but not amend an amendment")
    func amend() async throws {
        let gugus = try await TestDatabase.gugus()
        let (_, establishing) = try await MalukuUtara.establish(gugus)
        let amendment = try await gugus.addDecree(MalukuUtara.decree(number: "188.45/50/2024", signedOn: CivilDate(2024, 9, 1), amends: establishing.id))
        #expect(amendment.amendsId == establishing.id)
        #expect(!amendment.isEstablishing)
        // The task force is still established by the first one.
        let status = try await gugus.regionStatus(code: "82", at: CivilDate(2024, 10, 1))
        #expect(status.decree?.id == establishing.id)

        let error = await #expect(throws: GugusError.self) {
            try await gugus.addDecree(MalukuUtara.decree(number: "188.45/51/2024", signedOn: CivilDate(2024, 10, 1), amends: amendment.id))
        }
        #expect(error?.message.en == "decree \(amendment.id) is itself an amendment; amend the establishing decree (\(establishing.id)) instead")
    }

    @Test("a kind that does not fit the level of government is refused")
    func kind() async throws {
        let gugus = try await TestDatabase.gugus()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        var input = MalukuUtara.decree()
        input.kind = .ministerial
        let error = await #expect(throws: GugusError.self) { try await gugus.addDecree(input) }
        #expect(error?.message.en == "task force 82 is established by a governor decree, not a ministerial one")

        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: nil))
        let national = try await gugus.addDecree(MalukuUtara.decree(number: "M.HH-01.HA.2023", signedOn: CivilDate(2023, 11, 1), taskForce: .national))
        #expect(national.kind == .ministerial)
    }

    @Test("a document is stored once, by its SHA-256")
    func document() async throws {
        let gugus = try await TestDatabase.gugus()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        let content = Data("%PDF-1.4 Keputusan Gubernur Maluku Utara".utf8)
        var input = MalukuUtara.decree()
        input.document = DecreeDocument(fileName: "kepgub.pdf", mediaType: "application/pdf", content: content)
        let decree = try await gugus.addDecree(input)
        let expected = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
        #expect(decree.documentSha256 == expected)

        var amendment = MalukuUtara.decree(number: "188.45/50/2024", signedOn: CivilDate(2024, 9, 1), amends: decree.id)
        amendment.document = input.document
        #expect(try await gugus.addDecree(amendment).documentSha256 == expected)
        #expect(try await count("document", in: gugus) == 1)
    }
}
