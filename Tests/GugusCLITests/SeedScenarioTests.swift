import Foundation
import GugusTestSupport
import Testing

/// The seed scenario of issue 3, typed as a coordinator would, one process per command.
@Suite("Seed scenario: the GTD of Maluku Utara", .releasesResources)
struct SeedScenarioTests {
    static let decreeNumber = "188.45/123/2024"

    @Test("create, register the decree, add five members, and ask for status")
    func malukuUtara() async throws {
        let gugus = try await GugusProcess.onNewDatabase()

        // 1. The task force of region 82.
        let created = try await gugus("taskforce", "create", "--region", "82", "--json")
        #expect(created.status == 0, "\(created)")
        let taskForce = try created.object()
        #expect(taskForce["region_code"] as? String == "82")
        #expect(taskForce["name"] as? String == "Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara")
        #expect(taskForce["zone_label"] as? String == "WIT")
        let taskForceID = try #require(taskForce["id"] as? Int)

        // 2. Its Keputusan Gubernur, signed by the governor in Sofifi in 2024, until the end of 2025.
        let registered = try await gugus(
            "decree", "add", "--taskforce", "82", "--number", Self.decreeNumber,
            "--title", "tentang Pembentukan Gugus Tugas Daerah Bisnis dan Hak Asasi Manusia Provinsi Maluku Utara",
            "--place", "Sofifi", "--signed-on", "2024-03-01", "--effective-until", "2025-12-31",
            "--signer", "Rahmat Contoh", "--signer-title", "Gubernur Maluku Utara", "--json")
        #expect(registered.status == 0, "\(registered)")
        let decree = try registered.object()
        let decreeID = try #require(decree["id"] as? Int)
        #expect(decree["task_force_id"] as? Int == taskForceID)
        #expect(decree["kind"] as? String == "governor")
        #expect(decree["number"] as? String == Self.decreeNumber)
        #expect(decree["place"] as? String == "Sofifi")
        #expect(decree["signed_on"] as? String == "2024-03-01")
        #expect(decree["effective_from"] as? String == "2024-03-01")
        #expect(decree["effective_until"] as? String == "2025-12-31")
        #expect(decree["signer_title"] as? String == "Gubernur Maluku Utara")

        // 3. The Governor as ketua, the head of the Kanwil as sekretaris, three heads of agencies.
        let members: [[String]] = [
            ["--name", "Rahmat Contoh", "--role", "ketua", "--position", "Gubernur Maluku Utara",
             "--institution", "Pemerintah Provinsi Maluku Utara", "--email", "gubernur@example.go.id"],
            ["--name", "Yusuf Sampel", "--role", "sekretaris", "--position", "Kepala Kantor Wilayah Kementerian HAM Maluku Utara",
             "--institution", "Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara", "--phone", "0811-0000-0103"],
            ["--name", "Hasan Percontohan", "--role", "anggota", "--position", "Kepala Dinas Tenaga Kerja dan Transmigrasi",
             "--institution", "Dinas Tenaga Kerja dan Transmigrasi Provinsi Maluku Utara", "--working-group", "3"],
            ["--name", "Lina Ilustrasi", "--role", "anggota", "--position", "Kepala Dinas Kesehatan",
             "--institution", "Dinas Kesehatan Provinsi Maluku Utara", "--working-group", "3"],
            ["--name", "Ratna Contoh", "--role", "anggota", "--position", "Kepala Dinas Lingkungan Hidup",
             "--institution", "Dinas Lingkungan Hidup Provinsi Maluku Utara", "--working-group", "2"],
        ]
        for arguments in members {
            let added = try await gugus.run(["member", "add", "--taskforce", "82"] + arguments + ["--json"])
            #expect(added.status == 0, "\(added)")
            let member = try added.object()
            #expect(member["decree_id"] as? Int == decreeID)
            #expect(member["decree_number"] as? String == Self.decreeNumber)
            #expect(member["valid_from"] as? String == "2024-03-01")
        }

        // 4. Established, with the decree number, five members and no vacant core role.
        let during = try await gugus("status", "--region", "82", "--at", "2025-06-01", "--json")
        #expect(during.status == 0, "\(during)")
        let status = try during.object()
        #expect(status["id"] as? String == "82")
        #expect(status["status"] as? String == "established")
        #expect(status["as_of"] as? String == "2025-06-01")
        let inForce = try #require(status["decree"] as? [String: Any])
        #expect(inForce["number"] as? String == Self.decreeNumber)
        #expect(inForce["signed_on"] as? String == "2024-03-01")
        #expect(inForce["until"] as? String == "2025-12-31")
        #expect(status["member_count"] as? Int == 5)
        #expect(status["members"] as? [String: Int] == ["ketua": 1, "sekretaris": 1, "anggota": 3])
        #expect((status["vacant_core_roles"] as? [String])?.isEmpty == true)

        // 5. After the term: lapsed.
        let after = try await gugus("status", "--region", "82", "--at", "2026-01-01", "--json")
        #expect(after.status == 0, "\(after)")
        #expect(try after.object()["status"] as? String == "lapsed")
        #expect(try after.object()["decree"] == nil)

        // 6. Before the decree: nobody.
        let before = try await gugus("member", "list", "--taskforce", "82", "--at", "2024-02-29", "--json")
        #expect(before.status == 0, "\(before)")
        #expect(try before.array().isEmpty)
        let beforeText = try await gugus("member", "list", "--taskforce", "82", "--at", "2024-02-29", "--lang", "en")
        #expect(beforeText.stdout == "No members on that date.\n")
        let listed = try await gugus("member", "list", "--taskforce", "82", "--at", "2025-06-01", "--json")
        #expect(try listed.array().map { $0["name"] as? String } == ["Rahmat Contoh", "Yusuf Sampel", "Ratna Contoh", "Hasan Percontohan", "Lina Ilustrasi"])
        #expect(try listed.array().allSatisfy { $0["id"] is Int })

        // Nationally: 38 provinces, one established.
        let national = try await gugus("status", "--at", "2025-06-01", "--json")
        #expect(national.status == 0, "\(national)")
        let overview = try national.object()
        #expect((overview["provinces"] as? [[String: Any]])?.count == 38)
        let coverage = try #require(overview["coverage"] as? [String: Int])
        #expect(coverage == ["provinces": 38, "established": 1, "expiring": 0, "lapsed": 0, "not_formed": 37])

        // Every change is in the audit log, newest first.
        let audit = try await gugus("audit", "list", "--entity", "membership", "--json")
        #expect(audit.status == 0, "\(audit)")
        #expect(try audit.array().count == 5)
        #expect(try audit.array().allSatisfy { ($0["actor"] as? String)?.hasPrefix("cli:") == true && $0["action"] as? String == "member.add" })
        let actor = try #require(try audit.array().first?["actor"] as? String)
        let byActor = try await gugus("audit", "list", "--entity", "membership", "--actor", actor, "--until", "2099-12-31", "--json")
        #expect(try byActor.array().count == 5, "\(byActor)")
        let nobody = try await gugus("audit", "list", "--actor", "cli:nobody", "--json")
        #expect(try nobody.array().isEmpty, "\(nobody)")
        let early = try await gugus("audit", "list", "--until", "2000-01-01", "--json")
        #expect(try early.array().isEmpty, "\(early)")
    }
}
