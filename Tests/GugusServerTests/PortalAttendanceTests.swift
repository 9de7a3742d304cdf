import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// Participants and attendance in the portal (issue 12): inviting, checking in from two
/// phones at once, the daftar hadir to print, and refusals that change nothing.
@Suite("Portal: inviting, checking in, the attendance list", .releasesResources)
struct PortalAttendanceTests {
    /// Region 82 with three members and a session next year.
    static func seed(_ gugus: DatabaseGugus) async throws -> Int64 {
        try await PortalTests.seed(gugus)
        for (name, position) in [("Budi Santoso", "Kepala Dinas Tenaga Kerja"), ("Maria Ulfa", "Kepala Dinas Lingkungan Hidup")] {
            _ = try await gugus.addMember(NewMember(
                taskForce: .region("82"), name: name, role: .anggota, position: position, institution: "Pemerintah Provinsi Maluku Utara"))
        }
        return try await gugus.scheduleSession(NewSession(
            taskForce: .region("82"), title: "Bimtek Bisnis dan HAM", starts: "2030-03-04 09:00",
            duration: DurationText(seconds: 3 * 3600)!, venue: "Aula Gamalama, Ternate", capacity: 40)).id
    }

    static func attendance(_ portal: PortalDeployment, session: Int64) async throws -> [String] {
        try await portal.pool.query("""
            SELECT id::text || ' ' || attended::text || ' ' || (checked_in_at IS NOT NULL)::text FROM participant
            WHERE session_id = \(session) ORDER BY id
            """).decode(String.self)
    }

    @Test("invite every member and a guest; two organisers check three people in at once; all three are recorded")
    func inviteAndCheckIn() async throws {
        try await PortalDeployment.with { portal in
            let session = try await Self.seed(portal.gugus)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let page = try await coordinator.get("/sessions/\(session)")
            #expect(page.html.contains("0 dari 40 tempat terisi"), "\(page)")
            let csrf = try #require(page.csrf)

            let all = try await coordinator.post("/sessions/\(session)/invite", ["csrf": csrf, "all": "1"])
            #expect(all.status == 303, "\(all)")
            #expect(try await coordinator.get(try #require(all.location)).html.contains("3 peserta diundang."))
            let badGuest = try await coordinator.post("/sessions/\(session)/invite", [
                "csrf": csrf, "guest_name": "Rina <Tamu>", "guest_email": "rina-at-apindo", "guest_organisation": "APINDO",
            ])
            #expect(badGuest.status == 422, "\(badGuest)")
            #expect(badGuest.html.contains(#"id="guest_email-error""#), "\(badGuest)")
            #expect(badGuest.html.contains(#"value="Rina &lt;Tamu&gt;""#))
            let guest = try await coordinator.post("/sessions/\(session)/invite", [
                "csrf": csrf, "guest_name": "Rina Tamu", "guest_email": "rina@apindo.example.id", "guest_organisation": "APINDO",
            ])
            #expect(guest.status == 303, "\(guest)")
            #expect(try await coordinator.get("/sessions/\(session)").html.contains("4 dari 40 tempat terisi"))

            // Two organisers, two phones: the coordinator and an admin, tapping at the same time.
            let admin = try await portal.signedIn("sekretariat@gtn.example.go.id", name: "Sekretariat GTN", role: .admin)
            let list = try await coordinator.get("/sessions/\(session)/check-in")
            #expect(list.status == 200, "\(list)")
            let actions = list.html.matches(of: /action="(\/sessions\/\d+\/check-in\/\d+)"/).map { String($0.1) }
            #expect(actions.count == 4)
            let adminCSRF = try #require(try await admin.get("/sessions/\(session)/check-in").csrf)
            async let first = coordinator.post(actions[0], ["csrf": csrf])
            async let second = admin.post(actions[1], ["csrf": adminCSRF])
            async let third = coordinator.post(actions[2], ["csrf": csrf])
            let taps = try await [first, second, third]
            #expect(taps.map(\.status) == [303, 303, 303], "\(taps)")
            // A second tap on the same person keeps the first check-in time.
            #expect(try await admin.post(actions[0], ["csrf": adminCSRF]).status == 303)
            let recorded = try await Self.attendance(portal, session: session)
            #expect(recorded.filter { $0.hasSuffix("true true") }.count == 3, "\(recorded)")
            let after = try await coordinator.get("/sessions/\(session)/check-in")
            #expect(after.html.contains("Hadir: 3 / 4"), "\(after)")

            let print = try await coordinator.get("/sessions/\(session)/attendance-list")
            #expect(print.status == 200)
            #expect(print.html.contains("Tanda tangan"))
            #expect(print.html.contains("<td>Budi Santoso</td>"))
            #expect(print.html.contains("<td>Rina Tamu</td><td>APINDO</td>"))
        }
    }

    @Test("another province's coordinator, a viewer, a tap without its token: refused, attendance unchanged")
    func refusals() async throws {
        try await PortalDeployment.with { portal in
            let session = try await Self.seed(portal.gugus)
            _ = try await portal.gugus.invite(sessionID: session, .allMembers, role: .attendee)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let list = try await coordinator.get("/sessions/\(session)/check-in")
            let action = try #require(list.html.firstMatch(of: /action="(\/sessions\/\d+\/check-in\/\d+)"/)?.1)
            let before = try await Self.attendance(portal, session: session)

            #expect(try await coordinator.post(String(action), [:]).status == 403)
            let other = try await portal.signedIn("biro@maluku.example.go.id", name: "Biro Maluku", role: .coordinator, region: "81")
            #expect(try await other.get("/sessions/\(session)/check-in").status == 403)
            #expect(try await other.get("/sessions/\(session)/attendance-list").status == 403)
            let otherCSRF = try #require(try await other.get("/regions/81").csrf)
            #expect(try await other.post(String(action), ["csrf": otherCSRF]).status == 403)
            #expect(try await other.post("/sessions/\(session)/invite", ["csrf": otherCSRF, "all": "1"]).status == 403)
            let viewer = try await portal.signedIn("pemantau@gtn.example.go.id", name: "Pemantau", role: .viewer)
            #expect(try await viewer.get("/sessions/\(session)/check-in").status == 403)
            #expect(!(try await viewer.get("/sessions/\(session)").html.contains("/check-in")))
            #expect(try await Self.attendance(portal, session: session) == before)
        }
    }
}
