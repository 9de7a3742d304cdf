import Foundation
import GugusTestSupport
import Testing

/// The seed scenario continued (issue 4): the GTD of Maluku Utara holds a sosialisasi of the
/// Stranas BHAM in Ternate at 09:00 WIT, invites its members, records who came, closes the
/// session, and the status shows one session held and its attendance rate. One process per
/// command, as a coordinator types them.
@Suite("Seed scenario: a sosialisasi in Ternate", .releasesResources)
struct SessionSeedScenarioTests {
    static let title = "Sosialisasi Strategi Nasional Bisnis dan HAM"

    @Test("schedule, invite the GTD's members, record attendance, complete, and read the status")
    func sosialisasiInTernate() async throws {
        let gugus = try await GugusProcess.onNewDatabase()

        // The task force, its decree and its five members, as in the seed scenario.
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)
        let decree = try await gugus(
            "decree", "add", "--taskforce", "82", "--number", "188.45/123/2024",
            "--title", "tentang Pembentukan Gugus Tugas Daerah Bisnis dan Hak Asasi Manusia Provinsi Maluku Utara",
            "--place", "Sofifi", "--signed-on", "2024-03-01", "--effective-until", "2025-12-31", "--signer", "Rahmat Contoh")
        #expect(decree.status == 0, "\(decree)")
        let members: [[String]] = [
            ["--name", "Rahmat Contoh", "--role", "ketua", "--position", "Gubernur Maluku Utara",
             "--institution", "Pemerintah Provinsi Maluku Utara", "--email", "gubernur@example.go.id"],
            ["--name", "Yusuf Sampel", "--role", "sekretaris", "--position", "Kepala Kantor Wilayah Kementerian HAM Maluku Utara",
             "--institution", "Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara"],
            ["--name", "Hasan Percontohan", "--role", "anggota", "--position", "Kepala Dinas Tenaga Kerja dan Transmigrasi",
             "--institution", "Dinas Tenaga Kerja dan Transmigrasi Provinsi Maluku Utara"],
            ["--name", "Lina Ilustrasi", "--role", "anggota", "--position", "Kepala Dinas Kesehatan",
             "--institution", "Dinas Kesehatan Provinsi Maluku Utara"],
            ["--name", "Ratna Contoh", "--role", "anggota", "--position", "Kepala Dinas Lingkungan Hidup",
             "--institution", "Dinas Lingkungan Hidup Provinsi Maluku Utara"],
        ]
        for arguments in members {
            let added = try await gugus.run(["member", "add", "--taskforce", "82"] + arguments)
            #expect(added.status == 0, "\(added)")
        }

        // 1. The sosialisasi, Thursday 10 April 2025 at 09:00 WIT, recorded after the fact.
        let scheduled = try await gugus(
            "session", "schedule", "--taskforce", "82", "--title", Self.title, "--format", "sosialisasi",
            "--starts", "2025-04-10 09:00", "--duration", "3h", "--venue", "Aula Gamalama, Ternate", "--capacity", "40",
            "--audience", "gtd_members", "--audience", "companies", "--json")
        #expect(scheduled.status == 0, "\(scheduled)")
        let session = try scheduled.object()
        let id = String(try #require(session["id"] as? Int))
        #expect(session["starts_local"] as? String == "2025-04-10 09:00 WIT")
        #expect(session["starts_at"] as? String == "2025-04-10T00:00:00Z")
        #expect(session["audiences"] as? [String] == ["gtd_members", "companies"])

        // 2. The GTD's members invited at once.
        let invited = try await gugus("session", "invite", id, "--all-members", "--json")
        #expect(invited.status == 0, "\(invited)")
        let participants = try invited.array()
        #expect(participants.compactMap { $0["name"] as? String }.sorted() == [
            "Hasan Percontohan", "Lina Ilustrasi", "Rahmat Contoh", "Ratna Contoh", "Yusuf Sampel",
        ])
        let again = try await gugus("session", "invite", id, "--all-members")
        #expect(again.stdout == "Diundang: tidak ada yang baru\n")

        // 3. Four of the five came.
        let present = participants.filter { $0["name"] as? String != "Ratna Contoh" }.compactMap { $0["id"] as? Int }
        for participant in present {
            let attended = try await gugus("session", "attend", id, "--participant", String(participant), "--json")
            #expect(attended.status == 0, "\(attended)")
            #expect(try attended.object()["attended"] as? Bool == true)
        }
        let shown = try await gugus("session", "show", id)
        #expect(shown.stdout.contains("  waktu:    Kamis, 10 April 2025 pukul 09.00 WIT – 12.00 WIT\n"), "\(shown)")
        #expect(shown.stdout.contains("  peserta:  5/40, hadir 4\n"), "\(shown)")

        // 4. Closed, with its outcome.
        let completed = try await gugus(
            "session", "complete", id, "--notes", "Dihadiri 4 dari 5 anggota GTD", "--outcome", "Rencana aksi uji tuntas HAM disepakati", "--json")
        #expect(completed.status == 0, "\(completed)")
        #expect(try completed.object()["status"] as? String == "completed")
        #expect(try completed.object()["version"] as? Int == 2)

        // A reminder rule made now never reminds anyone of a session already held.
        #expect(try await gugus("reminder", "rule", "add", "--offset", "1d", "--taskforce", "82").status == 0)
        #expect(try await gugus("reminder", "list", "--session", id, "--json").array().isEmpty)

        // 5. The status after the session: 1 held, 5 participants, 4 attended, a rate of 0.8.
        let status = try await gugus("status", "--region", "82", "--at", "2025-06-01", "--json")
        #expect(status.status == 0, "\(status)")
        let sessions = try #require(try status.object()["sessions"] as? [String: Any])
        #expect(sessions["held"] as? Int == 1)
        #expect(sessions["upcoming"] as? Int == 0)
        #expect(sessions["cancelled"] as? Int == 0)
        #expect(sessions["participants"] as? Int == 5)
        #expect(sessions["attended"] as? Int == 4)
        #expect(sessions["attendance_rate"] as? Double == 0.8)
        let text = try await gugus("status", "--region", "82", "--at", "2025-06-01")
        #expect(text.status == 0)
        #expect(text.stdout.contains("  sesi:            1 terlaksana, 0 mendatang, 0 batal; kehadiran 4/5 (80%)\n"), "\(text)")
    }
}
