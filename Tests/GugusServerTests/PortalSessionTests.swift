import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// Scheduling and changing a session in the portal (issue 12): local time with its zone,
/// reminders that move with the session or are skipped with it, refusals that change nothing.
@Suite("Portal: scheduling, rescheduling and cancelling a session", .releasesResources)
struct PortalSessionTests {
    static func seed(_ gugus: DatabaseGugus) async throws {
        try await PortalTests.seed(gugus)
        _ = try await gugus.addReminderRule(NewReminderRule(
            offset: try DurationText(parsing: "1d", field: "offset"), audience: .members, channel: .log, taskForce: .region("82")))
    }

    static func sessions(_ portal: PortalDeployment) async throws -> [String] {
        try await portal.pool.query("SELECT title || ' ' || status || ' ' || starts_at::text FROM outreach_session ORDER BY id").decode(String.self)
    }

    @Test("a session at 09.00 in Maluku Utara says 09.00 WIT; rescheduled, its reminders move; cancelled, they are skipped")
    func scheduleRescheduleCancel() async throws {
        try await PortalDeployment.with { portal in
            try await Self.seed(portal.gugus)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let region = try await coordinator.get("/regions/82")
            #expect(region.html.contains(#"href="/regions/82/sessions/new""#))
            let form = try await coordinator.get("/regions/82/sessions/new")
            #expect(form.status == 200, "\(form)")
            #expect(form.html.contains(#"<option value="Asia/Jayapura" selected>WIT (Asia/Jayapura)</option>"#), "\(form)")

            let sent = try await coordinator.post("/regions/82/sessions", [
                "csrf": try #require(form.csrf), "title": "Sosialisasi Stranas BHAM", "format": "sosialisasi", "date": "2030-03-04",
                "time": "09.00", "tz": "Asia/Jayapura", "duration": "3h", "mode": "luring", "venue": "Aula Gamalama, Ternate",
                "online_url": "", "capacity": "40", "notes": "",
            ])
            #expect(sent.status == 303, "\(sent)")
            let location = try #require(sent.location)
            let page = try await coordinator.get(location)
            #expect(page.html.contains("Kegiatan dijadwalkan."))
            #expect(page.html.contains("Senin, 4 Maret 2030 pukul 09.00 WIT – 12.00 WIT"), "\(page)")
            // The member's reminder, a day before, in the province's time.
            #expect(page.html.contains("Minggu, 3 Maret 2030 pukul 09.00 WIT"), "\(page)")
            #expect(page.html.contains("menunggu"))
            let id = try #require(location.firstMatch(of: /\/sessions\/(\d+)/)?.1)
            #expect(page.html.contains(#"href="/sessions/\#(id)/calendar.ics""#))
            let calendar = try await coordinator.get("/sessions/\(id)/calendar.ics")
            #expect(calendar.status == 200)
            #expect(calendar.html.contains("DTSTART;TZID=Asia/Jayapura:20300304T090000"), "\(calendar.html)")

            let moved = try await coordinator.post("/sessions/\(id)/reschedule", [
                "csrf": try #require(page.csrf), "date": "2030-03-05", "time": "10.30", "tz": "Asia/Jayapura",
            ])
            #expect(moved.status == 303, "\(moved)")
            let afterMove = try await coordinator.get(try #require(moved.location))
            #expect(afterMove.html.contains("Sesi dijadwalkan ulang; 1 pengingat yang menunggu ikut dipindahkan."), "\(afterMove)")
            #expect(afterMove.html.contains("Senin, 4 Maret 2030 pukul 10.30 WIT"), "the reminder moved with the session: \(afterMove)")
            #expect(afterMove.html.contains("Selasa, 5 Maret 2030 pukul 10.30 WIT – 13.30 WIT"))

            let cancelled = try await coordinator.post("/sessions/\(id)/cancel", ["csrf": try #require(page.csrf), "reason": "Banjir di Ternate"])
            #expect(cancelled.status == 303, "\(cancelled)")
            let afterCancel = try await coordinator.get(try #require(cancelled.location))
            #expect(afterCancel.html.contains("Sesi dibatalkan; 1 pengingat yang menunggu tidak akan dikirim."), "\(afterCancel)")
            #expect(afterCancel.html.contains("tidak dikirim"))
            #expect(afterCancel.html.contains("(sesi dibatalkan)"))
            #expect(afterCancel.html.contains("Banjir di Ternate"))
            #expect(!afterCancel.html.contains(#"action="/sessions/\#(id)/reschedule""#), "a cancelled session has no forms")
            // A form from before the cancellation, sent now: refused, and the page says why.
            let late = try await coordinator.post("/sessions/\(id)/reschedule", ["csrf": try #require(page.csrf), "date": "2030-03-06", "time": "09.00"])
            #expect(late.status == 422, "\(late)")
            #expect(late.html.contains("hanya sesi terjadwal yang bisa dijadwalkan ulang"), "\(late)")
        }
    }

    @Test("a clash at the same venue and time is a warning first: nothing is written until the coordinator accepts it")
    func clashWarning() async throws {
        try await PortalDeployment.with { portal in
            try await Self.seed(portal.gugus)
            let first = try await portal.gugus.scheduleSession(NewSession(
                taskForce: .region("82"), title: "Rakor GTD", starts: "2030-03-04 09:00", duration: DurationText(seconds: 7200)!,
                venue: "Aula Gamalama, Ternate"))
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let form = try await coordinator.get("/regions/82/sessions/new")
            var fields = [
                "csrf": try #require(form.csrf), "title": "Sosialisasi", "format": "sosialisasi", "date": "2030-03-04", "time": "10.00",
                "tz": "Asia/Jayapura", "duration": "2h", "mode": "luring", "venue": "aula gamalama, ternate",
            ]
            let before = try await Self.sessions(portal)
            let warned = try await coordinator.post("/regions/82/sessions", fields)
            #expect(warned.status == 409, "\(warned)")
            #expect(warned.html.contains("Bentrok: pada waktu ini sudah ada kegiatan lain di tempat yang sama"), "\(warned)")
            #expect(warned.html.contains(#"<a href="/sessions/\#(first.id)">Rakor GTD</a>"#))
            #expect(warned.html.contains(#"<input type="checkbox" id="accept_clash" name="accept_clash" value="1">"#))
            #expect(warned.html.contains(#"value="Sosialisasi""#), "what was typed stays")
            #expect(try await Self.sessions(portal) == before, "nothing is scheduled before the clash is accepted")

            // Accepted, it is scheduled, and each session page notes the other.
            fields["accept_clash"] = "1"
            let accepted = try await coordinator.post("/regions/82/sessions", fields)
            #expect(accepted.status == 303, "\(accepted)")
            let page = try await coordinator.get(try #require(accepted.location))
            #expect(page.html.contains("Perhatian: kegiatan lain di tempat yang sama"), "\(page)")
            #expect(try await coordinator.get("/sessions/\(first.id)").html.contains("Perhatian: kegiatan lain"), "the first names the second too")

            // Moving a third session onto the first one's time warns the same way.
            let third = try await portal.gugus.scheduleSession(NewSession(
                taskForce: .region("82"), title: "Bimtek", starts: "2030-03-04 14:00", duration: DurationText(seconds: 3600)!,
                venue: "Aula Gamalama, Ternate"))
            let thirdPage = try await coordinator.get("/sessions/\(third.id)")
            var move = ["csrf": try #require(thirdPage.csrf), "date": "2030-03-04", "time": "09.30", "tz": "Asia/Jayapura"]
            let beforeMove = try await Self.sessions(portal)
            let moveWarned = try await coordinator.post("/sessions/\(third.id)/reschedule", move)
            #expect(moveWarned.status == 409, "\(moveWarned)")
            #expect(moveWarned.html.contains("Bentrok: pada waktu ini"), "\(moveWarned)")
            #expect(moveWarned.html.contains(#"name="time" value="09.30""#), "what was typed stays")
            #expect(try await Self.sessions(portal) == beforeMove, "nothing is moved before the clash is accepted")
            move["accept_clash"] = "1"
            let moved = try await coordinator.post("/sessions/\(third.id)/reschedule", move)
            #expect(moved.status == 303, "\(moved)")
            #expect(try await portal.gugus.session(id: third.id).session.startsAt == first.startsAt.addingTimeInterval(1800))
        }
    }

    @Test("refused: a time that cannot be read keeps what was typed; no token, another province, a viewer change nothing")
    func refusals() async throws {
        try await PortalDeployment.with { portal in
            try await Self.seed(portal.gugus)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let form = try await coordinator.get("/regions/82/sessions/new")
            let fields = [
                "csrf": try #require(form.csrf), "title": "Bimtek <HAM>", "format": "bimtek", "date": "2030-03-04",
                "time": "jam sembilan", "tz": "Asia/Jayapura", "duration": "2h", "mode": "luring", "venue": "Aula",
            ]
            let before = try await Self.sessions(portal)
            let refused = try await coordinator.post("/regions/82/sessions", fields)
            #expect(refused.status == 422, "\(refused)")
            #expect(refused.html.contains("jam &#39;jam sembilan&#39; tidak terbaca; tulis seperti 09.00 atau 14.30"), "\(refused)")
            #expect(refused.html.contains(#"id="time-error""#))
            #expect(refused.html.contains(#"value="Bimtek &lt;HAM&gt;""#))
            #expect(refused.html.contains(#"<option value="bimtek" selected>"#))

            var noToken = fields
            noToken["csrf"] = nil
            noToken["time"] = "09.00"
            #expect(try await coordinator.post("/regions/82/sessions", noToken).status == 403)

            let other = try await portal.signedIn("biro@maluku.example.go.id", name: "Biro Maluku", role: .coordinator, region: "81")
            #expect(try await other.get("/regions/82/sessions/new").status == 403)
            var otherFields = fields
            otherFields["csrf"] = try #require(try await other.get("/regions/81").csrf)
            otherFields["time"] = "09.00"
            #expect(try await other.post("/regions/82/sessions", otherFields).status == 403)
            #expect(try await Self.sessions(portal) == before)
            // Moving 82's session onto a clash: refused for who is asking before any warning.
            _ = try await portal.gugus.scheduleSession(NewSession(
                taskForce: .region("82"), title: "Rakor", starts: "2030-03-05 09:00", duration: DurationText(seconds: 3600)!, venue: "Aula"))
            let second = try await portal.gugus.scheduleSession(NewSession(
                taskForce: .region("82"), title: "Bimtek", starts: "2030-03-05 13:00", duration: DurationText(seconds: 3600)!, venue: "Aula"))
            let beforeMove = try await Self.sessions(portal)
            let move = ["csrf": otherFields["csrf"]!, "date": "2030-03-05", "time": "09.00", "tz": "Asia/Jayapura"]
            #expect(try await other.post("/sessions/\(second.id)/reschedule", move).status == 403)
            #expect(try await Self.sessions(portal) == beforeMove)
            let viewer = try await portal.signedIn("pemantau@gtn.example.go.id", name: "Pemantau", role: .viewer)
            #expect(try await viewer.get("/regions/82/sessions/new").status == 403)
            #expect(try await Self.sessions(portal) == beforeMove)
        }
    }
}
