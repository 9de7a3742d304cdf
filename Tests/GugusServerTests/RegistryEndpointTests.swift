import Foundation
import GugusModel
import GugusTestSupport
import NIOHTTP1
import Testing

/// Regions, status, task forces, decrees and members over HTTP: each endpoint's success and
/// its errors, with the status code and the problem document a client reads.
@Suite("Registry endpoints", .timeLimit(.minutes(5)), .releasesResources)
struct RegistryEndpointTests {
    @Test("regions and status: the lists, one region, an unknown region, bad parameters")
    func regionsAndStatus() async throws {
        try await Deployment.with { deployment in
            _ = try await MalukuUtara.seed(deployment.admin)
            let viewer = deployment.viewer

            let regions = try await viewer.get("/v1/regions?level=province")
            #expect(regions.status == 200, "\(regions)")
            #expect(regions.contentType == "application/json; charset=utf-8")
            let provinces = try regions.items()
            #expect(provinces.count == 38)
            let malut = try #require(provinces.first { $0["code"] as? String == "82" })
            #expect(malut["name"] as? String == "Maluku Utara")
            #expect(malut["time_zone"] as? String == "Asia/Jayapura")
            #expect(malut["zone_label"] as? String == "WIT")

            let badLevel = try await viewer.get("/v1/regions?level=planet")
            #expect(badLevel.status == 422, "\(badLevel)")
            let levelProblem = try badLevel.problem()
            #expect(levelProblem.detail == "unknown level 'planet'; use one of: province, regency, city")
            #expect(levelProblem.code == "invalid")
            #expect(levelProblem.errors == [.init(field: "level", value: "planet", message: levelProblem.detail)])

            // Nationally: one row per province, and the coverage.
            let national = try await viewer.get("/v1/status?at=2027-01-15")
            #expect(national.status == 200, "\(national)")
            let overview = try national.object()
            #expect(overview["as_of"] as? String == "2027-01-15")
            #expect((overview["provinces"] as? [[String: Any]])?.count == 38)
            #expect(overview["coverage"] as? [String: Int] == ["provinces": 38, "established": 2, "expiring": 0, "lapsed": 0, "not_formed": 36])

            // One region: its decree in force, members by role, the vacant core roles.
            let region = try await viewer.get("/v1/regions/82/status?at=2027-01-15")
            #expect(region.status == 200, "\(region)")
            let status = try region.object()
            #expect(status["status"] as? String == "established")
            #expect(status["region_code"] as? String == "82")
            #expect(status["task_force_name"] as? String == MalukuUtara.taskForceName)
            #expect((status["decree"] as? [String: Any])?["number"] as? String == MalukuUtara.decreeNumber)
            #expect(status["members"] as? [String: Int] == ["ketua": 1, "sekretaris": 1, "anggota": 1])
            #expect((status["vacant_core_roles"] as? [String])?.isEmpty == true)
            #expect((status["sessions"] as? [String: Any])?["upcoming"] as? Int == 1)
            let before = try await viewer.get("/v1/regions/82/status?at=2025-12-31")
            #expect(try before.object()["status"] as? String == "not_formed", "\(before)")

            let unknown = try await viewer.get("/v1/regions/99/status")
            #expect(unknown.status == 404, "\(unknown)")
            let unknownProblem = try unknown.problem()
            #expect(unknownProblem.detail == "no region '99'; see `gugus region list`")
            #expect(unknownProblem.code == "not_found")
            #expect(unknownProblem.errors.map(\.field) == ["region"])

            let badDate = try await viewer.get("/v1/status?at=2027-02-30")
            #expect(badDate.status == 422, "\(badDate)")
            let dateProblem = try badDate.problem()
            #expect(dateProblem.detail == "'2027-02-30' is not a valid date for at; use YYYY-MM-DD, for example 2025-05-06")
            #expect(dateProblem.errors.map(\.field) == ["at"])
        }
    }

    @Test("task forces: create, list, show, a duplicate (409), unknown ones (404), a bad reference (422)")
    func taskForces() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let created = try await admin.post("/v1/taskforces", ["region_code": "82", "period": "Stranas BHAM 2023–2025"])
            #expect(created.status == 201, "\(created)")
            let taskForce = try created.object()
            let id = try taskForce.id()
            #expect(taskForce["name"] as? String == MalukuUtara.taskForceName)
            #expect(taskForce["level"] as? String == "regional")
            #expect(taskForce["region_code"] as? String == "82")
            #expect(taskForce["period"] as? String == "Stranas BHAM 2023–2025")
            #expect(taskForce["time_zone"] as? String == "Asia/Jayapura")
            #expect(taskForce["zone_label"] as? String == "WIT")
            #expect(try await admin.post("/v1/taskforces", [:]).status == 201, "the national task force")

            let listed = try await deployment.viewer.get("/v1/taskforces")
            #expect(listed.status == 200, "\(listed)")
            #expect(try listed.items().map { $0["region_code"] as? String } == [nil, "82"])
            #expect(!(try listed.object()["next_cursor"] is String), "one page")

            for reference in ["82", String(id)] {
                let shown = try await deployment.viewer.get("/v1/taskforces/\(reference)")
                #expect(shown.status == 200, "\(shown)")
                #expect(try shown.object().id() == id)
            }

            let duplicate = try await admin.post("/v1/taskforces", ["region_code": "82"])
            #expect(duplicate.status == 409, "\(duplicate)")
            let duplicateProblem = try duplicate.problem()
            #expect(duplicateProblem.code == "conflict")
            #expect(duplicateProblem.detail == "region 82 (Maluku Utara) already has a task force: \(MalukuUtara.taskForceName) (id \(id)); see `gugus taskforce show 82`")

            let noRegion = try await admin.post("/v1/taskforces", ["region_code": "99"])
            #expect(noRegion.status == 404, "\(noRegion)")
            #expect(try noRegion.problem().detail == "no region '99'; see `gugus region list`", "\(noRegion)")

            let notYet = try await admin.get("/v1/taskforces/61")
            #expect(notYet.status == 404, "\(notYet)")
            #expect(try notYet.problem().detail == "region 61 (Kalimantan Barat) has no task force yet; create it with `gugus taskforce create --region 61`", "\(notYet)")
            let noID = try await admin.get("/v1/taskforces/999999")
            #expect(noID.status == 404, "\(noID)")
            #expect(try noID.problem().detail == "no task force with id 999999; see `gugus taskforce list`", "\(noID)")
            let badReference = try await admin.get("/v1/taskforces/maluku")
            #expect(badReference.status == 422, "\(badReference)")
            let referenceProblem = try badReference.problem()
            #expect(referenceProblem.detail == "'maluku' is not a task force reference; use a region code (such as 82), national, or an id")
            #expect(referenceProblem.errors.map(\.field) == ["id"])

            let wrongType = try await admin.post("/v1/taskforces", ["region_code": 82])
            #expect(wrongType.status == 422, "\(wrongType)")
            #expect(try wrongType.problem().errors.map(\.field) == ["region_code"], "\(wrongType)")
        }
    }

    @Test("decrees: add, list, an overlapping decree (409), a bad date (422), a missing field (422)")
    func decrees() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let seeded = try await MalukuUtara.seed(admin)

            let listed = try await admin.get("/v1/taskforces/82/decrees")
            #expect(listed.status == 200, "\(listed)")
            let decrees = try listed.items()
            #expect(decrees.map { $0["number"] as? String } == [MalukuUtara.decreeNumber])
            let decree = try #require(decrees.first)
            #expect(decree["kind"] as? String == "governor")
            #expect(decree["signed_on"] as? String == "2026-01-05")
            #expect(decree["effective_from"] as? String == "2026-01-05")
            #expect(decree["effective_until"] as? String == "2028-12-31")
            #expect(decree["place"] as? String == "Sofifi")
            let filtered = try await admin.get("/v1/decrees?taskforce=61")
            #expect(try filtered.items().map { $0["number"] as? String } == ["100/KALBAR/2026"], "\(filtered)")
            let all = try await admin.get("/v1/decrees")
            #expect(try all.items().count == 2, "\(all)")

            let amending = try await admin.post("/v1/taskforces/82/decrees", [
                "number": "188.45/90/2026", "title": "tentang Perubahan Susunan Keanggotaan", "signed_on": "2026-06-01",
                "signer_name": "Rahmat Contoh", "signer_acting": false, "amends_id": seeded.decreeID,
            ])
            #expect(amending.status == 201, "\(amending)")
            #expect(try amending.object()["amends_id"] as? Int == seeded.decreeID)

            let overlapping = try await admin.post("/v1/taskforces/82/decrees", [
                "number": "188.45/99/2027", "title": "tentang Pembentukan Gugus Tugas", "signed_on": "2027-01-01",
                "signer_name": "Rahmat Contoh", "signer_acting": false,
            ])
            #expect(overlapping.status == 409, "\(overlapping)")
            #expect(try overlapping.problem().detail == "task force 82 already has an establishing decree in force on those dates: '\(MalukuUtara.decreeNumber)' (decree \(seeded.decreeID), 2026-01-05 – 2028-12-31); to replace it, add the new decree with --revokes \(seeded.decreeID)", "\(overlapping)")

            let duplicateNumber = try await admin.post("/v1/taskforces/82/decrees", [
                "number": MalukuUtara.decreeNumber, "title": "tentang Pembentukan", "signed_on": "2026-03-01",
                "signer_name": "Rahmat Contoh", "signer_acting": false, "amends_id": seeded.decreeID,
            ])
            #expect(duplicateNumber.status == 409, "\(duplicateNumber)")
            #expect(try duplicateNumber.problem().errors.map(\.field) == ["number"], "\(duplicateNumber)")

            let badDate = try await admin.post("/v1/taskforces/82/decrees", [
                "number": "188.45/100/2026", "title": "tentang Pembentukan", "signed_on": "2026-13-45",
                "signer_name": "Rahmat Contoh", "signer_acting": false,
            ])
            #expect(badDate.status == 422, "\(badDate)")
            let dateProblem = try badDate.problem()
            #expect(dateProblem.errors.map(\.field) == ["signed_on"])
            #expect(dateProblem.detail == "'2026-13-45' is not a valid date for signed_on; use YYYY-MM-DD, for example 2025-05-06")

            let missing = try await admin.post("/v1/taskforces/82/decrees", [
                "title": "tentang Pembentukan", "signed_on": "2026-03-01", "signer_name": "Rahmat Contoh", "signer_acting": false,
            ])
            #expect(missing.status == 422, "\(missing)")
            let missingProblem = try missing.problem()
            #expect(missingProblem.detail == "field 'number' is required")
            #expect(missingProblem.errors.map(\.field) == ["number"])

            let backwards = try await admin.post("/v1/taskforces/82/decrees", [
                "number": "188.45/101/2026", "title": "tentang Pembentukan", "signed_on": "2026-03-01",
                "effective_until": "2026-02-01", "signer_name": "Rahmat Contoh", "signer_acting": false, "amends_id": seeded.decreeID,
            ])
            #expect(backwards.status == 422, "\(backwards)")
            #expect(try backwards.problem().errors.map(\.field) == ["effective_until"], "\(backwards)")

            let noTaskForce = try await admin.post("/v1/taskforces/31/decrees", [
                "number": "1/2026", "title": "tentang Pembentukan", "signed_on": "2026-03-01", "signer_name": "Gubernur", "signer_acting": false,
            ])
            #expect(noTaskForce.status == 404, "\(noTaskForce)")
            #expect(try noTaskForce.problem().detail == "region 31 (Daerah Khusus Jakarta) has no task force yet; create it with `gugus taskforce create --region 31`", "\(noTaskForce)")
        }
    }

    @Test("members: add, list on a date, end, an unknown role (422), a second ketua (409), an unknown member (404)")
    func members() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let seeded = try await MalukuUtara.seed(admin)

            let added = try await admin.post("/v1/taskforces/82/members", [
                "name": "Lina Ilustrasi", "role": "anggota", "position": "Kepala Dinas Kesehatan",
                "institution": "Dinas Kesehatan Provinsi Maluku Utara", "email": "lina@malut.example.go.id", "working_group": 3,
            ])
            #expect(added.status == 201, "\(added)")
            let member = try added.object()
            #expect(member["task_force_id"] as? Int == seeded.taskForceID)
            #expect(member["decree_id"] as? Int == seeded.decreeID)
            #expect(member["decree_number"] as? String == MalukuUtara.decreeNumber)
            #expect(member["valid_from"] as? String == "2026-01-05")
            #expect(member["email"] as? String == "lina@malut.example.go.id")
            #expect(member["working_group"] as? Int == 3)

            let listed = try await admin.get("/v1/taskforces/82/members?at=2027-01-15")
            #expect(listed.status == 200, "\(listed)")
            #expect(try listed.items().map { $0["name"] as? String } == ["Rahmat Contoh", "Yusuf Sampel", "Hasan Percontohan", "Lina Ilustrasi"])
            let early = try await admin.get("/v1/taskforces/82/members?at=2025-12-31")
            #expect(try early.items().isEmpty, "\(early)")
            let paged = try await admin.get("/v1/taskforces/82/members?at=2027-01-15&limit=2")
            #expect(try paged.items().count == 2, "\(paged)")
            let cursor = try #require(try paged.object()["next_cursor"] as? String, "\(paged)")
            let rest = try await admin.get("/v1/taskforces/82/members?at=2027-01-15&limit=2&after=\(cursor)")
            #expect(try rest.items().map { $0["name"] as? String } == ["Hasan Percontohan", "Lina Ilustrasi"], "\(rest)")
            let noTaskForce = try await admin.get("/v1/taskforces/31/members")
            #expect(noTaskForce.status == 404, "\(noTaskForce)")
            #expect(try noTaskForce.problem().detail == "region 31 (Daerah Khusus Jakarta) has no task force yet; create it with `gugus taskforce create --region 31`", "\(noTaskForce)")
            let badDate = try await admin.get("/v1/taskforces/82/members?at=tomorrow")
            #expect(badDate.status == 422, "\(badDate)")
            #expect(try badDate.problem().errors.map(\.field) == ["at"], "\(badDate)")
            let badLimit = try await admin.get("/v1/taskforces/82/members?limit=0")
            #expect(badLimit.status == 422, "\(badLimit)")
            #expect(try badLimit.problem().detail == "limit 0 is out of range; use 1 to 1000", "\(badLimit)")

            let unknownRole = try await admin.post("/v1/taskforces/82/members", [
                "name": "Budi Contoh", "role": "bendahara", "position": "Bendahara", "institution": "Pemerintah Provinsi Maluku Utara",
            ])
            #expect(unknownRole.status == 422, "\(unknownRole)")
            let roleProblem = try unknownRole.problem()
            #expect(roleProblem.detail == "unknown role 'bendahara'; use one of: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota")
            #expect(roleProblem.errors == [.init(field: "role", value: "bendahara", message: roleProblem.detail)])

            let secondKetua = try await admin.post("/v1/taskforces/82/members", [
                "name": "Budi Contoh", "role": "ketua", "position": "Wakil Gubernur", "institution": "Pemerintah Provinsi Maluku Utara",
            ])
            #expect(secondKetua.status == 409, "\(secondKetua)")
            #expect(try secondKetua.problem().detail == "task force 82 already has a ketua: Rahmat Contoh (member \(seeded.ketuaID), since 2026-01-05); end that membership first with `gugus member end \(seeded.ketuaID) --on DATE`", "\(secondKetua)")

            let badEmail = try await admin.post("/v1/taskforces/82/members", [
                "name": "Budi Contoh", "role": "anggota", "position": "Staf", "institution": "Pemerintah Provinsi Maluku Utara",
                "email": "budi-at-example",
            ])
            #expect(badEmail.status == 422, "\(badEmail)")
            #expect(try badEmail.problem().errors.map(\.field) == ["email"], "\(badEmail)")

            let ended = try await admin.post("/v1/members/\(seeded.anggotaID)/end", ["on": "2027-06-30", "reason": "mutasi jabatan"])
            #expect(ended.status == 200, "\(ended)")
            #expect(try ended.object()["valid_until"] as? String == "2027-06-30")
            #expect(try ended.object()["end_reason"] as? String == "mutasi jabatan")
            let after = try await admin.get("/v1/taskforces/82/members?at=2027-07-01")
            #expect(try after.items().map { $0["name"] as? String } == ["Rahmat Contoh", "Yusuf Sampel", "Lina Ilustrasi"], "\(after)")

            let endedAgain = try await admin.post("/v1/members/\(seeded.anggotaID)/end", ["on": "2027-08-01"])
            #expect(endedAgain.status == 409, "\(endedAgain)")
            #expect(try endedAgain.problem().detail == "membership \(seeded.anggotaID) (Hasan Percontohan) already ended on 2027-06-30", "\(endedAgain)")
            let beforeStart = try await admin.post("/v1/members/\(seeded.ketuaID)/end", ["on": "2025-01-01"])
            #expect(beforeStart.status == 422, "\(beforeStart)")
            #expect(try beforeStart.problem().errors.map(\.field) == ["on"], "\(beforeStart)")
            let noDate = try await admin.post("/v1/members/\(seeded.ketuaID)/end", [:])
            #expect(noDate.status == 422, "\(noDate)")
            #expect(try noDate.problem().detail == "field 'on' is required", "\(noDate)")
            let unknown = try await admin.post("/v1/members/999999/end", ["on": "2027-06-30"])
            #expect(unknown.status == 404, "\(unknown)")
            #expect(try unknown.problem().detail == "no member with id 999999; see `gugus member list --taskforce REF`", "\(unknown)")
            let notAnID = try await admin.post("/v1/members/abc/end", ["on": "2027-06-30"])
            #expect(notAnID.status == 404, "\(notAnID)")
            #expect(try notAnID.problem().detail == "'abc' is not a valid id", "\(notAnID)")
        }
    }

    @Test("CSV import as text/csv: a clean file (200), bad rows (422 with every line), another content type (422), a dry run")
    func memberImport() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let seeded = try await MalukuUtara.seed(admin)
            func importing(_ csv: String, query: String = "", contentType: String = "text/csv; charset=utf-8") async throws -> Answer {
                try await admin.send(.POST, "/v1/taskforces/82/members/import\(query)", body: Data(csv.utf8), contentType: contentType)
            }

            // Indonesian headers, `;`, a BOM: as Excel saves it.
            let clean = "\u{FEFF}nama;peran;jabatan;instansi;email;telepon;pokja\n"
                + "Lina Ilustrasi;anggota;Kepala Dinas Kesehatan;Dinas Kesehatan Provinsi Maluku Utara;lina@malut.example.go.id;0812-3456-7890;3\n"
                + "Ratna Contoh;anggota;Kepala Dinas Lingkungan Hidup;Dinas Lingkungan Hidup Provinsi Maluku Utara;;;2\n"
            let dryRun = try await importing(clean, query: "?dry_run=true")
            #expect(dryRun.status == 200, "\(dryRun)")
            #expect(try dryRun.object()["dry_run"] as? Bool == true)
            #expect(try dryRun.object()["rolled_back"] as? Bool == true)
            #expect(try dryRun.object()["created"] as? Int == 2)
            #expect(try await admin.get("/v1/taskforces/82/members").items().count == 3, "a dry run changes nothing")

            let imported = try await importing(clean)
            #expect(imported.status == 200, "\(imported)")
            let report = try imported.object()
            #expect(report["task_force_id"] as? Int == seeded.taskForceID)
            #expect(report["rows"] as? Int == 2)
            #expect(report["created"] as? Int == 2)
            #expect(report["rolled_back"] as? Bool == false)
            #expect((report["problems"] as? [Any])?.isEmpty == true)
            let members = try await admin.get("/v1/taskforces/82/members").items()
            #expect(members.map { $0["name"] as? String }.contains("Ratna Contoh"))
            #expect(members.first { $0["name"] as? String == "Lina Ilustrasi" }?["phone"] as? String == "+6281234567890")

            // Re-importing the same file changes nothing.
            let again = try await importing(clean)
            #expect(try again.object()["unchanged"] as? Int == 2, "\(again)")

            // Bad rows: nothing is imported, and the report names every line.
            let bad = "name,role,position,institution,working_group\n"
                + "Sari Contoh,anggota,Kepala Bappeda,Bappeda Provinsi Maluku Utara,1\n"
                + "Tono Sampel,bendahara,Bendahara,Bappeda Provinsi Maluku Utara,\n"
                + ",anggota,Staf Ahli,Bappeda Provinsi Maluku Utara,\n"
                + "Dewi Contoh,anggota,Kepala Dinas Sosial,Dinas Sosial Provinsi Maluku Utara,7\n"
            let refused = try await importing(bad)
            #expect(refused.status == 422, "\(refused)")
            #expect(refused.contentType == "application/json; charset=utf-8")
            let refusal = try refused.object()
            #expect(refusal["rolled_back"] as? Bool == true)
            #expect(refusal["created"] as? Int == 1)
            let problems = try #require(refusal["problems"] as? [[String: Any]])
            #expect(problems.map { $0["line"] as? Int } == [3, 4, 5])
            #expect(problems.map { $0["field"] as? String } == ["peran", "nama", "pokja"] || problems.map { $0["field"] as? String } == ["role", "name", "working_group"], "\(problems)")
            let roleMessage = try #require(problems.first?["message"] as? [String: String])
            #expect(roleMessage["en"]?.contains("unknown role 'bendahara'") == true, "\(roleMessage)")
            #expect(!(try await admin.get("/v1/taskforces/82/members").items().map { $0["name"] as? String }.contains("Sari Contoh")))

            // With skip_invalid the good row goes in.
            let skipping = try await importing(bad, query: "?skip_invalid=true")
            #expect(skipping.status == 200, "\(skipping)")
            #expect(try skipping.object()["created"] as? Int == 1)
            #expect(try skipping.object()["skipped"] as? Int == 3)

            let json = try await importing(clean, contentType: "application/json")
            #expect(json.status == 422, "\(json)")
            let typeProblem = try json.problem()
            #expect(typeProblem.detail == "send the CSV file with Content-Type: text/csv")
            #expect(typeProblem.errors == [.init(field: "Content-Type", value: "application/json", message: typeProblem.detail)])

            let empty = try await importing("")
            #expect(empty.status == 422, "\(empty)")
            #expect(try empty.problem().detail.hasPrefix("the file is empty"), "\(empty)")
            let badFlag = try await importing(clean, query: "?dry_run=maybe")
            #expect(badFlag.status == 422, "\(badFlag)")
            #expect(try badFlag.problem().detail == "parameter dry_run 'maybe' must be true or false", "\(badFlag)")
            let noTaskForce = try await admin.send(.POST, "/v1/taskforces/31/members/import", body: Data(clean.utf8), contentType: "text/csv")
            #expect(noTaskForce.status == 404, "\(noTaskForce)")
        }
    }

    @Test("a provincial roster of 20,000 rows imports through the API in one request")
    func largeImport() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            _ = try await MalukuUtara.seed(admin)
            var csv = "nama;peran;jabatan;instansi;email;pokja\n"
            for row in 1...20_000 {
                let email = row.isMultiple(of: 2) ? "anggota\(row)@malut.example.go.id" : ""
                csv += "Anggota Uji \(row);anggota;Staf Pokja \(row % 3 + 1);Dinas Contoh \(row % 40) Provinsi Maluku Utara;\(email);\(row % 3 + 1)\n"
            }
            let imported = try await admin.send(.POST, "/v1/taskforces/82/members/import", body: Data(csv.utf8), contentType: "text/csv")
            #expect(imported.status == 200, "\(imported.text.prefix(2000))")
            #expect(try imported.object()["created"] as? Int == 20_000)
            let status = try await admin.get("/v1/regions/82/status")
            #expect(try status.object()["member_count"] as? Int == 20_003, "\(status)")
        }
    }
}
