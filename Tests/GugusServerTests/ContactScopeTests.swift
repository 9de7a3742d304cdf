import Foundation
import GugusModel
import GugusTestSupport
import Testing

/// Personal data (UU PDP): members' and participants' e-mail and phone go only to the
/// secretariat and to the coordinator of the task force they belong to. A viewer reads status
/// and the public part of sessions, and no registry at all.
@Suite("Contact details by scope", .timeLimit(.minutes(5)), .releasesResources)
struct ContactScopeTests {
    @Test("members, participants and reminders show e-mail and phone inside the caller's scope only")
    func contactsInScope() async throws {
        try await Deployment.with { deployment in
            let seeded = try await MalukuUtara.seed(deployment.admin)
            let admin = deployment.admin
            #expect(try await admin.post("/v1/sessions/\(seeded.sessionID)/participants", ["member_id": seeded.ketuaID]).status == 201)
            #expect(try await admin.post("/v1/sessions/\(seeded.sessionID)/participants", [
                "name": "Maria Tamu", "email": "maria@ngo.example.org", "organisation": "LBH Ternate",
            ]).status == 201)
            #expect(try await admin.post("/v1/reminder-rules", ["kind": "session", "offset": "1d", "task_force": "82", "channel": "email"]).status == 201)

            for role in [Deployment.Role.admin, .coordinator82, .coordinator61] {
                let sees = role != .coordinator61
                let api = deployment.api(role)

                let members = try await api.get("/v1/taskforces/82/members")
                #expect(members.status == 200, "\(role): \(members)")
                let ketua = try #require(try members.items().first { $0["name"] as? String == "Rahmat Contoh" })
                let sekretaris = try #require(try members.items().first { $0["name"] as? String == "Yusuf Sampel" })
                if sees {
                    #expect(ketua["email"] as? String == MalukuUtara.ketuaEmail, "\(role)")
                    #expect(sekretaris["phone"] as? String == MalukuUtara.sekretarisPhone, "\(role)")
                } else {
                    #expect(!(ketua["email"] is String), "\(role) sees \(ketua)")
                    #expect(!(sekretaris["phone"] is String), "\(role) sees \(sekretaris)")
                    #expect(!members.text.contains("@"), "\(role): \(members)")
                    #expect(!members.text.contains(MalukuUtara.sekretarisPhone), "\(role): \(members)")
                    // The rest of the record is there: the registry is public to coordinators.
                    #expect(ketua["position"] as? String == "Gubernur Maluku Utara")
                }

                let session = try await api.get("/v1/sessions/\(seeded.sessionID)")
                #expect(session.status == 200, "\(role): \(session)")
                let participants = try #require(try session.object()["participants"] as? [[String: Any]])
                #expect(participants.compactMap { $0["name"] as? String }.sorted() == ["Maria Tamu", "Rahmat Contoh"], "\(role)")
                let emails = participants.compactMap { $0["email"] as? String }.sorted()
                #expect(emails == (sees ? [MalukuUtara.ketuaEmail, "maria@ngo.example.org"] : []), "\(role): \(session)")
                let listed = try await api.get("/v1/sessions/\(seeded.sessionID)/participants")
                #expect(try listed.items().compactMap { $0["email"] as? String }.sorted() == emails, "\(role): \(listed)")

                let reminders = try await api.get("/v1/reminders?session=\(seeded.sessionID)")
                #expect(reminders.status == 200, "\(role): \(reminders)")
                #expect(try reminders.items().count == 2, "\(role): \(reminders)")
                #expect(try reminders.items().compactMap { $0["recipient_email"] as? String }.sorted() == emails, "\(role): \(reminders)")
            }

            // Kalimantan Barat's own people are visible to its coordinator.
            #expect(try await admin.post("/v1/taskforces/61/members", [
                "name": "Siti Contoh", "role": "ketua", "position": "Gubernur Kalimantan Barat",
                "institution": "Pemerintah Provinsi Kalimantan Barat", "email": "gubernur@kalbar.example.go.id",
            ]).status == 201)
            let own = try await deployment.coordinator61.get("/v1/taskforces/61/members")
            #expect(try own.items().first?["email"] as? String == "gubernur@kalbar.example.go.id", "\(own)")
            let other = try await deployment.coordinator82.get("/v1/taskforces/61/members")
            #expect(!(try other.items().first?["email"] is String), "\(other)")
        }
    }

    @Test("a viewer reads status and public session data, and nothing of the registry")
    func viewer() async throws {
        try await Deployment.with { deployment in
            let seeded = try await MalukuUtara.seed(deployment.admin)
            #expect(try await deployment.admin.post("/v1/sessions/\(seeded.sessionID)/participants", ["all_members": true]).status == 201)
            let viewer = deployment.viewer
            let refusal = "token '\(Deployment.viewerName)' (viewer) may only read status and public sessions"

            for path in ["/v1/taskforces/82/members", "/v1/decrees", "/v1/taskforces/82/decrees", "/v1/reminders", "/v1/reminder-rules", "/v1/audit"] {
                let refused = try await viewer.get(path)
                #expect(refused.status == 403, "\(path): \(refused)")
                #expect(try refused.problem().detail == refusal, "\(path): \(refused)")
            }

            #expect(try await viewer.get("/v1/status").status == 200)
            let status = try await viewer.get("/v1/regions/82/status")
            #expect(status.status == 200, "\(status)")
            #expect(try status.object()["member_count"] as? Int == 3)
            #expect(!status.text.contains("@"), "status holds no contact details: \(status)")

            let session = try await viewer.get("/v1/sessions/\(seeded.sessionID)")
            #expect(session.status == 200, "\(session)")
            let shown = try #require(try session.object()["session"] as? [String: Any])
            #expect(shown["title"] as? String == "Sosialisasi Strategi Nasional Bisnis dan HAM")
            #expect(shown["venue"] as? String == "Aula Gamalama, Ternate")
            #expect(shown["participants"] as? Int == 3)
            #expect((try session.object()["participants"] as? [Any])?.isEmpty == true, "no participants for a viewer: \(session)")
            let participants = try await viewer.get("/v1/sessions/\(seeded.sessionID)/participants")
            #expect(participants.status == 200, "\(participants)")
            #expect(try participants.items().isEmpty, "\(participants)")
            #expect(try await viewer.get("/v1/taskforces/82/sessions").items().count == 1)
            #expect(try await viewer.get("/v1/taskforces").items().count == 2)
        }
    }
}
