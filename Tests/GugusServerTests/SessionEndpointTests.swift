import Foundation
import GugusModel
import GugusTestSupport
import Testing

/// Outreach sessions, their participants and their calendars over HTTP.
@Suite("Session endpoints", .timeLimit(.minutes(5)), .releasesResources)
struct SessionEndpointTests {
    static let title = "Sosialisasi Strategi Nasional Bisnis dan HAM"

    @Test("sessions: schedule, list with filters, show, reschedule, cancel, complete, and their refusals")
    func sessions() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let seeded = try await MalukuUtara.seed(admin)

            let scheduled = try await admin.post("/v1/taskforces/82/sessions", [
                "title": "Bimtek Uji Tuntas HAM", "starts": "2027-04-20 13:00", "duration": "2h", "format": "bimtek",
                "mode": "hybrid", "venue": "Kantor Gubernur, Sofifi", "online_url": "https://meet.example.id/bimtek", "audiences": ["companies"],
            ])
            #expect(scheduled.status == 201, "\(scheduled)")
            let session = try scheduled.object()
            let id = try session.id()
            #expect(session["starts_local"] as? String == "2027-04-20 13:00 WIT")
            #expect(session["starts_at"] as? String == "2027-04-20T04:00:00Z")
            #expect(session["ends_at"] as? String == "2027-04-20T06:00:00Z")
            #expect(session["time_zone"] as? String == "Asia/Jayapura")
            #expect(session["status"] as? String == "scheduled")
            #expect(session["version"] as? Int == 1)
            #expect(session["task_force_id"] as? Int == seeded.taskForceID)

            // Another zone, when given.
            let inJakarta = try await admin.post("/v1/taskforces/82/sessions", [
                "title": "Rakor daring", "starts": "2027-05-03 09:00", "duration": "90m", "time_zone": "Asia/Jakarta",
                "format": "rakor", "mode": "daring", "online_url": "https://meet.example.id/rakor", "audiences": [],
            ])
            #expect(inJakarta.status == 201, "\(inJakarta)")
            #expect(try inJakarta.object()["starts_at"] as? String == "2027-05-03T02:00:00Z")
            #expect(try inJakarta.object()["starts_local"] as? String == "2027-05-03 09:00 WIB")

            let listed = try await admin.get("/v1/taskforces/82/sessions")
            #expect(listed.status == 200, "\(listed)")
            #expect(try listed.items().map { try $0.id() } == [seeded.sessionID, id, try inJakarta.object().id()])
            let april = try await deployment.viewer.get("/v1/sessions?taskforce=82&from=2027-04-01&to=2027-04-30")
            #expect(try april.items().map { try $0.id() } == [id], "\(april)")
            let noTaskForce = try await admin.get("/v1/taskforces/31/sessions")
            #expect(noTaskForce.status == 404, "\(noTaskForce)")
            let scheduleNowhere = try await admin.post("/v1/taskforces/31/sessions", [
                "title": "Rakor", "starts": "2027-05-03 09:00", "duration": "1h", "format": "rakor", "mode": "luring", "venue": "Jakarta", "audiences": [],
            ])
            #expect(scheduleNowhere.status == 404, "\(scheduleNowhere)")
            #expect(try scheduleNowhere.problem().detail == "region 31 (Daerah Khusus Jakarta) has no task force yet; create it with `gugus taskforce create --region 31`", "\(scheduleNowhere)")
            let backwards = try await admin.get("/v1/sessions?from=2027-04-30&to=2027-04-01")
            #expect(backwards.status == 422, "\(backwards)")
            #expect(try backwards.problem().detail == "--to 2027-04-01 is before --from 2027-04-30", "\(backwards)")
            let badStatus = try await admin.get("/v1/sessions?status=postponed")
            #expect(badStatus.status == 422, "\(badStatus)")
            #expect(try badStatus.problem().detail == "unknown status 'postponed'; use one of: scheduled, cancelled, completed", "\(badStatus)")

            let shown = try await admin.get("/v1/sessions/\(id)")
            #expect(shown.status == 200, "\(shown)")
            #expect((try shown.object()["session"] as? [String: Any])?["title"] as? String == "Bimtek Uji Tuntas HAM")
            #expect((try shown.object()["participants"] as? [Any])?.isEmpty == true)
            let missing = try await admin.get("/v1/sessions/999999")
            #expect(missing.status == 404, "\(missing)")
            #expect(try missing.problem().detail == "no session with id 999999; see `gugus session list`", "\(missing)")

            // Refusals when scheduling.
            let noURL = try await admin.post("/v1/taskforces/82/sessions", [
                "title": "Webinar", "starts": "2027-05-03 09:00", "duration": "1h", "format": "sosialisasi", "mode": "daring", "audiences": [],
            ])
            #expect(noURL.status == 422, "\(noURL)")
            #expect(try noURL.problem().detail == "a daring session needs an online meeting link (--url https://…)", "\(noURL)")
            let badStart = try await admin.post("/v1/taskforces/82/sessions", [
                "title": "Webinar", "starts": "besok pagi", "duration": "1h", "format": "sosialisasi", "mode": "luring",
                "venue": "Ternate", "audiences": [],
            ])
            #expect(badStart.status == 422, "\(badStart)")
            #expect(try badStart.problem().errors.map(\.field) == ["starts"], "\(badStart)")
            let badFormat = try await admin.post("/v1/taskforces/82/sessions", [
                "title": "Webinar", "starts": "2027-05-03 09:00", "duration": "1h", "format": "seminar", "mode": "luring",
                "venue": "Ternate", "audiences": [],
            ])
            #expect(badFormat.status == 422, "\(badFormat)")
            #expect(try badFormat.problem().detail == "unknown format 'seminar'; use one of: sosialisasi, bimtek, workshop, rakor, fgd, pendampingan", "\(badFormat)")
            let badAudience = try await admin.post("/v1/taskforces/82/sessions", [
                "title": "Webinar", "starts": "2027-05-03 09:00", "duration": "1h", "format": "fgd", "mode": "luring",
                "venue": "Ternate", "audiences": ["everyone"],
            ])
            #expect(badAudience.status == 422, "\(badAudience)")
            #expect(try badAudience.problem().errors == [.init(field: "audience", value: "everyone", message: try badAudience.problem().detail)])

            // Reschedule: a new time, a new version.
            let moved = try await admin.post("/v1/sessions/\(id)/reschedule", ["starts": "2027-04-22 10:00", "duration": "3h"])
            #expect(moved.status == 200, "\(moved)")
            #expect(try moved.object()["starts_local"] as? String == "2027-04-22 10:00 WIT")
            #expect(try moved.object()["ends_local"] as? String == "2027-04-22 13:00 WIT")
            #expect(try moved.object()["version"] as? Int == 2)
            let badCapacity = try await admin.post("/v1/sessions/\(id)/reschedule", ["capacity": 0])
            #expect(badCapacity.status == 422, "\(badCapacity)")
            #expect(try badCapacity.problem().detail == "capacity 0 makes no sense; use 1 to 100000", "\(badCapacity)")

            // Complete one, cancel another; neither can then be cancelled or rescheduled.
            let completed = try await admin.post("/v1/sessions/\(id)/complete", ["notes": "Dihadiri 30 perusahaan", "outcome": "Rencana aksi disepakati"])
            #expect(completed.status == 200, "\(completed)")
            #expect(try completed.object()["status"] as? String == "completed")
            #expect(try completed.object()["outcome"] as? String == "Rencana aksi disepakati")
            let rescheduleCompleted = try await admin.post("/v1/sessions/\(id)/reschedule", ["starts": "2027-04-23 10:00"])
            #expect(rescheduleCompleted.status == 409, "\(rescheduleCompleted)")
            #expect(try rescheduleCompleted.problem().detail == "session \(id) is completed; only a scheduled session can be rescheduled", "\(rescheduleCompleted)")

            let rakor = try inJakarta.object().id()
            let cancelled = try await admin.post("/v1/sessions/\(rakor)/cancel", ["reason": "bentrok dengan rapat paripurna"])
            #expect(cancelled.status == 200, "\(cancelled)")
            #expect(try cancelled.object()["status"] as? String == "cancelled")
            #expect(try cancelled.object()["cancel_reason"] as? String == "bentrok dengan rapat paripurna")
            let cancelledAgain = try await admin.post("/v1/sessions/\(rakor)/cancel", [:])
            #expect(cancelledAgain.status == 409, "\(cancelledAgain)")
            #expect(try cancelledAgain.problem().detail == "session \(rakor) is already cancelled", "\(cancelledAgain)")
            let completeCancelled = try await admin.post("/v1/sessions/\(rakor)/complete", [:])
            #expect(completeCancelled.status == 409, "\(completeCancelled)")
            #expect(try completeCancelled.problem().detail == "session \(rakor) was cancelled; a cancelled session cannot be completed", "\(completeCancelled)")
            let cancelMissing = try await admin.post("/v1/sessions/999999/cancel", [:])
            #expect(cancelMissing.status == 404, "\(cancelMissing)")

            let onlyScheduled = try await admin.get("/v1/sessions?status=scheduled")
            #expect(try onlyScheduled.items().map { try $0.id() } == [seeded.sessionID], "\(onlyScheduled)")
        }
    }

    @Test("participants: invite a member, all members, a guest; attend; cancel; duplicates, capacity and unknown ones")
    func participants() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let seeded = try await MalukuUtara.seed(admin)
            let small = try await admin.post("/v1/taskforces/82/sessions", [
                "title": "FGD Pokja 3", "starts": "2027-02-02 14:00", "duration": "2h", "format": "fgd", "mode": "luring",
                "venue": "Ruang Rapat Bappeda, Sofifi", "capacity": 4, "audiences": ["gtd_members"],
            ])
            #expect(small.status == 201, "\(small)")
            let id = try small.object().id()

            let one = try await admin.post("/v1/sessions/\(id)/participants", ["member_id": seeded.ketuaID, "role": "organizer"])
            #expect(one.status == 201, "\(one)")
            let ketua = try #require(try one.array().first)
            #expect(ketua["name"] as? String == "Rahmat Contoh")
            #expect(ketua["membership_id"] as? Int == seeded.ketuaID)
            #expect(ketua["role"] as? String == "organizer")
            #expect(ketua["registration"] as? String == "invited")
            #expect(ketua["attended"] as? Bool == false)

            let twice = try await admin.post("/v1/sessions/\(id)/participants", ["member_id": seeded.ketuaID])
            #expect(twice.status == 409, "\(twice)")
            #expect(try twice.problem().detail == "Rahmat Contoh is already invited to session \(id)", "\(twice)")

            let everyone = try await admin.post("/v1/sessions/\(id)/participants", ["all_members": true])
            #expect(everyone.status == 201, "\(everyone)")
            #expect(try everyone.array().compactMap { $0["name"] as? String }.sorted() == ["Hasan Percontohan", "Yusuf Sampel"])

            let guest = try await admin.post("/v1/sessions/\(id)/participants", [
                "name": "Maria Tamu", "email": "maria@ngo.example.org", "organisation": "LBH Ternate",
            ])
            #expect(guest.status == 201, "\(guest)")
            let maria = try #require(try guest.array().first)
            #expect(maria["email"] as? String == "maria@ngo.example.org")
            #expect(maria["organisation"] as? String == "LBH Ternate")
            #expect(maria["role"] as? String == "attendee")

            // Four seats, four invited: the fifth is refused.
            let full = try await admin.post("/v1/sessions/\(id)/participants", ["name": "Andi Tamu", "email": "andi@example.org"])
            #expect(full.status == 409, "\(full)")
            #expect(try full.problem().detail == "session \(id) ('FGD Pokja 3') is full: capacity 4; raise it with `gugus session reschedule \(id) --capacity N` or cancel another invitation", "\(full)")

            let nobody = try await admin.post("/v1/sessions/\(id)/participants", ["role": "speaker"])
            #expect(nobody.status == 422, "\(nobody)")
            #expect(try nobody.problem().detail == "say whom to invite: member_id, all_members: true, or name (and email) for a guest", "\(nobody)")
            let badRole = try await admin.post("/v1/sessions/\(id)/participants", ["name": "Andi Tamu", "role": "host"])
            #expect(badRole.status == 422, "\(badRole)")
            #expect(try badRole.problem().detail == "unknown role 'host'; use one of: organizer, speaker, attendee", "\(badRole)")
            let stranger = try await admin.post("/v1/sessions/\(id)/participants", ["member_id": 999999])
            #expect(stranger.status == 422, "\(stranger)")
            #expect(try stranger.problem().errors.map(\.field) == ["member"], "\(stranger)")
            let noSession = try await admin.post("/v1/sessions/999999/participants", ["all_members": true])
            #expect(noSession.status == 404, "\(noSession)")

            let listed = try await admin.get("/v1/sessions/\(id)/participants")
            #expect(listed.status == 200, "\(listed)")
            #expect(try listed.items().count == 4)

            let attended = try await admin.post("/v1/sessions/\(id)/participants/\(try ketua.id())/attend", [:])
            #expect(attended.status == 200, "\(attended)")
            #expect(try attended.object()["attended"] as? Bool == true)
            #expect(try attended.object()["registration"] as? String == "registered")
            #expect(try attended.object()["checked_in_at"] is String)

            let uninvited = try await admin.post("/v1/sessions/\(id)/participants/\(try maria.id())/cancel", [:])
            #expect(uninvited.status == 200, "\(uninvited)")
            #expect(try uninvited.object()["registration"] as? String == "cancelled")
            // The freed seat can be taken.
            let andi = try await admin.post("/v1/sessions/\(id)/participants", ["name": "Andi Tamu", "email": "andi@example.org"])
            #expect(andi.status == 201, "\(andi)")

            let noParticipant = try await admin.post("/v1/sessions/\(id)/participants/999999/attend", [:])
            #expect(noParticipant.status == 404, "\(noParticipant)")
            #expect(try noParticipant.problem().detail == "no participant 999999 in session \(id); see `gugus session show \(id)`", "\(noParticipant)")
            let noParticipantCancel = try await admin.post("/v1/sessions/\(id)/participants/999999/cancel", [:])
            #expect(noParticipantCancel.status == 404, "\(noParticipantCancel)")

            let detail = try await admin.get("/v1/sessions/\(id)")
            #expect((try detail.object()["session"] as? [String: Any])?["participants"] as? Int == 4)
            #expect((try detail.object()["session"] as? [String: Any])?["attended"] as? Int == 1)

            // A cancelled session records no attendance.
            #expect(try await admin.post("/v1/sessions/\(id)/cancel", [:]).status == 200)
            let late = try await admin.post("/v1/sessions/\(id)/participants/\(try andi.array()[0].id())/attend", [:])
            #expect(late.status == 409, "\(late)")
            #expect(try late.problem().detail == "session \(id) ('FGD Pokja 3') was cancelled; attendance cannot be recorded for a cancelled session", "\(late)")
        }
    }

    @Test("calendars over HTTP: one session and a task force, as text/calendar, with SEQUENCE growing on reschedule")
    func calendars() async throws {
        try await Deployment.with { deployment in
            let admin = deployment.admin
            let seeded = try await MalukuUtara.seed(admin)
            let id = seeded.sessionID

            let first = try await deployment.viewer.get("/v1/sessions/\(id)/calendar.ics")
            #expect(first.status == 200, "\(first)")
            #expect(first.contentType == "text/calendar; charset=utf-8")
            #expect(first.header("Content-Disposition") == "inline; filename=\"session-\(id).ics\"")
            let lines = first.text.components(separatedBy: "\r\n")
            #expect(lines.first == "BEGIN:VCALENDAR")
            #expect(lines.contains("END:VCALENDAR"))
            #expect(lines.contains("UID:session-\(id)@gugus.stranas-bham"))
            #expect(lines.contains("SEQUENCE:1"))
            #expect(lines.contains { $0.hasPrefix("SUMMARY:Sosialisasi Strategi Nasional Bisnis dan HAM") })
            #expect(lines.contains { $0.hasPrefix("DTSTART;TZID=Asia/Jayapura:20270310T090000") })

            #expect(try await admin.post("/v1/sessions/\(id)/reschedule", ["starts": "2027-03-11 09:00"]).status == 200)
            let moved = try await deployment.viewer.get("/v1/sessions/\(id)/calendar.ics")
            let movedLines = moved.text.components(separatedBy: "\r\n")
            #expect(movedLines.contains("SEQUENCE:2"), "\(moved)")
            #expect(movedLines.contains { $0.hasPrefix("DTSTART;TZID=Asia/Jayapura:20270311T090000") }, "\(moved)")

            #expect(try await admin.post("/v1/taskforces/82/sessions", [
                "title": "Workshop Pokja 2", "starts": "2027-06-01 09:00", "duration": "1d", "format": "workshop", "mode": "luring",
                "venue": "Ternate", "audiences": [],
            ]).status == 201)
            let all = try await deployment.coordinator61.get("/v1/taskforces/82/calendar.ics")
            #expect(all.status == 200, "\(all)")
            #expect(all.contentType == "text/calendar; charset=utf-8")
            #expect(all.header("Content-Disposition") == "inline; filename=\"gugus-82.ics\"")
            #expect(all.text.hasPrefix("BEGIN:VCALENDAR\r\n"))
            #expect(all.text.components(separatedBy: "BEGIN:VEVENT").count - 1 == 2)
            #expect(all.text.contains("SEQUENCE:2\r\n"))

            let noSession = try await admin.get("/v1/sessions/999999/calendar.ics")
            #expect(noSession.status == 404, "\(noSession)")
            #expect(try noSession.problem().detail == "no session with id 999999; see `gugus session list`", "\(noSession)")
            let noTaskForce = try await admin.get("/v1/taskforces/31/calendar.ics")
            #expect(noTaskForce.status == 404, "\(noTaskForce)")
            #expect(try noTaskForce.problem().detail == "region 31 (Daerah Khusus Jakarta) has no task force yet; create it with `gugus taskforce create --region 31`", "\(noTaskForce)")
        }
    }
}
