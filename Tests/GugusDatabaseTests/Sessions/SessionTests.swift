import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

// Outreach sessions against a real PostgreSQL (issue 4): the rules, local times, versions,
// listing, invitations, capacity, calendars and the refusals a coordinator can meet.
// The process-level checks (two TZ values, 20 concurrent `session invite` processes, the
// seed scenario) are in Tests/GugusCLITests/SessionCommandTests.swift.

@Suite("Outreach sessions", .releasesResources)
struct SessionTests {
    /// Kalimantan Barat (61, Asia/Pontianak, WIB): a task force and nothing else.
    private func kalimantanBarat() async throws -> DatabaseGugus {
        let gugus = try await TestDatabase.gugus()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "61"))
        return gugus
    }

    /// Maluku Utara (82, WIT), established, with its five members of the seed scenario.
    private func malukuUtara() async throws -> (DatabaseGugus, TaskForce) {
        let gugus = try await TestDatabase.gugus()
        let (taskForce, _) = try await MalukuUtara.establish(gugus)
        for member in [
            MalukuUtara.governor(), MalukuUtara.kanwilHead(),
            MalukuUtara.agencyHead("Hasan Percontohan", "Dinas Tenaga Kerja dan Transmigrasi"),
            MalukuUtara.agencyHead("Lina Ilustrasi", "Dinas Kesehatan"),
            MalukuUtara.agencyHead("Ratna Contoh", "Dinas Lingkungan Hidup"),
        ] {
            _ = try await gugus.addMember(member)
        }
        return (gugus, taskForce)
    }

    private func session(
        _ starts: String, taskForce: TaskForceRef = .region("82"), title: String = "Sosialisasi Stranas BHAM",
        duration: String = "3h", tz: String? = nil, mode: OutreachSession.Mode = .luring,
        venue: String? = "Aula Gamalama, Ternate", url: String? = nil, capacity: Int? = nil
    ) throws -> NewSession {
        NewSession(
            taskForce: taskForce, title: title, starts: starts, duration: try DurationText(parsing: duration, field: "duration"),
            timeZone: tz, mode: mode, venue: venue, onlineUrl: url, capacity: capacity)
    }

    /// The instant as the database stores it, read back in UTC by PostgreSQL itself.
    private func storedUTC(_ id: Int64, in gugus: DatabaseGugus) async throws -> String {
        try await gugus.pool.query("""
            SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM outreach_session WHERE id = \(id)
            """).single()!.decode(String.self)
    }

    // MARK: Times

    @Test("a Kalimantan Barat session at 09:00 is stored as 02:00 UTC and shown as 09.00 WIB")
    func kalimantanBaratWIB() async throws {
        let gugus = try await kalimantanBarat()
        let session = try await gugus.scheduleSession(try session(
            "2025-05-06 09:00", taskForce: .region("61"), title: "Bimtek GTD BHAM Kalimantan Barat", venue: "Hotel Aston, Pontianak"))
        #expect(try await storedUTC(session.id, in: gugus) == "2025-05-06 02:00")
        #expect(LocalTime.iso8601(session.startsAt) == "2025-05-06T02:00:00Z")
        #expect(LocalTime.iso8601(session.endsAt) == "2025-05-06T05:00:00Z")
        #expect(session.timeZone == "Asia/Pontianak")
        #expect(session.zoneLabel == "WIB")
        #expect(session.startsLocal == "2025-05-06 09:00 WIB")
        #expect(session.endsLocal == "2025-05-06 12:00 WIB")
        #expect(LocalTime.long(session.startsAt, in: session.zone, language: .id) == "Selasa, 6 Mei 2025 pukul 09.00 WIB")
        #expect(LocalTime.long(session.startsAt, in: session.zone, language: .en) == "Tuesday, 6 May 2025 at 09:00 WIB")
    }

    @Test("a Maluku Utara session is in WIT; --tz takes the time in another zone and keeps it")
    func malukuUtaraWIT() async throws {
        let (gugus, _) = try await malukuUtara()
        let ternate = try await gugus.scheduleSession(try session("2025-04-10 09:00"))
        #expect(try await storedUTC(ternate.id, in: gugus) == "2025-04-10 00:00")
        #expect(ternate.timeZone == "Asia/Jayapura")
        #expect(ternate.zoneLabel == "WIT")
        #expect(ternate.startsLocal == "2025-04-10 09:00 WIT")
        #expect(LocalTime.long(ternate.startsAt, in: ternate.zone, language: .id) == "Kamis, 10 April 2025 pukul 09.00 WIT")

        // A rakor with Jakarta, set in Jakarta's time: stored and shown in WIB.
        let rakor = try await gugus.scheduleSession(try session(
            "2025-04-11 09:00", title: "Rakor dengan GTN", tz: "Asia/Jakarta", mode: .daring, venue: nil,
            url: "https://zoom.example/j/1"))
        #expect(try await storedUTC(rakor.id, in: gugus) == "2025-04-11 02:00")
        #expect(rakor.timeZone == "Asia/Jakarta")
        #expect(rakor.startsLocal == "2025-04-11 09:00 WIB")
    }

    // MARK: Rules

    @Test("ends after starts: a zero duration is refused, and the database refuses it too")
    func endsAfterStarts() async throws {
        let (gugus, _) = try await malukuUtara()
        let error = #expect(throws: GugusError.self) { try DurationText(parsing: "0h", field: "duration") }
        #expect(error?.message.en.hasPrefix("'0h' is not a valid duration for duration (it must be longer than zero)") == true)

        let session = try await gugus.scheduleSession(try session("2025-04-10 09:00"))
        let refused = await #expect(throws: PostgresError.self) {
            try await gugus.pool.execute("UPDATE outreach_session SET ends_at = starts_at WHERE id = \(session.id)")
        }
        #expect(refused?.constraint == "session_ends_after_start")
        let before = await #expect(throws: PostgresError.self) {
            try await gugus.pool.execute("UPDATE outreach_session SET ends_at = starts_at - interval '1 minute' WHERE id = \(session.id)")
        }
        #expect(before?.constraint == "session_ends_after_start")
    }

    @Test("a daring session needs a URL, a luring one a venue, a hybrid one both")
    func placeRules() async throws {
        let (gugus, _) = try await malukuUtara()
        let daring = await #expect(throws: GugusError.self) {
            try await gugus.scheduleSession(try session("2025-04-10 09:00", mode: .daring, venue: nil))
        }
        #expect(daring?.kind == .invalid)
        #expect(daring?.message.en == "a daring session needs an online meeting link (--url https://…)")
        #expect(daring?.message.id == "sesi daring memerlukan tautan rapat daring (--url https://…)")
        #expect(daring?.fieldErrors.first?.field == "url")

        let luring = await #expect(throws: GugusError.self) {
            try await gugus.scheduleSession(try session("2025-04-10 09:00", venue: "   "))
        }
        #expect(luring?.message.en == "a luring session needs a venue (--venue)")
        #expect(luring?.fieldErrors.first?.field == "venue")

        let hybrid = await #expect(throws: GugusError.self) {
            try await gugus.scheduleSession(try session("2025-04-10 09:00", mode: .hybrid, venue: nil, url: "https://zoom.example/j/2"))
        }
        #expect(hybrid?.message.en == "a hybrid session needs a venue (--venue)")

        let notALink = await #expect(throws: GugusError.self) {
            try await gugus.scheduleSession(try session("2025-04-10 09:00", mode: .daring, venue: nil, url: "zoom.example/j/3"))
        }
        #expect(notALink?.message.en == "'zoom.example/j/3' is not a web link; write it in full with https://")

        #expect(try await count("outreach_session", in: gugus) == 0)

        // The database holds the same rules against any other writer.
        let taskForce = try await gugus.taskForce(.region("82"))
        for (mode, venue, url, constraint) in [
            ("daring", "Aula", nil, "session_url_when_online"), ("luring", nil, nil, "session_venue_when_in_person"),
            ("hybrid", "Aula", nil, "session_url_when_online"), ("hybrid", nil, "https://zoom.example/j/4", "session_venue_when_in_person"),
        ] as [(String, String?, String?, String)] {
            let error = await #expect(throws: PostgresError.self) {
                try await gugus.pool.execute("""
                    INSERT INTO outreach_session (task_force_id, title, mode, venue, online_url, starts_at, ends_at, time_zone)
                    VALUES (\(taskForce.id), 'x', \(mode), \(venue), \(url), now(), now() + interval '1 hour', 'Asia/Jayapura')
                    """)
            }
            #expect(error?.constraint == constraint, "\(mode) venue=\(venue ?? "nil") url=\(url ?? "nil")")
        }
    }

    @Test("the version grows with every change of time, place or status, and only then")
    func versionBumps() async throws {
        let (gugus, _) = try await malukuUtara()
        let first = try await gugus.scheduleSession(try session("2025-04-10 09:00", capacity: 40))
        #expect(first.version == 1)

        let moved = try await gugus.rescheduleSession(id: first.id, SessionChange(starts: "2025-04-17 09:00"))
        #expect(moved.version == 2)
        #expect(moved.startsLocal == "2025-04-17 09:00 WIT")
        let longer = try await gugus.rescheduleSession(id: first.id, SessionChange(duration: try DurationText(parsing: "4h", field: "duration")))
        #expect(longer.version == 3)
        #expect(longer.endsLocal == "2025-04-17 13:00 WIT")
        let elsewhere = try await gugus.rescheduleSession(id: first.id, SessionChange(venue: "Kantor Gubernur, Sofifi"))
        #expect(elsewhere.version == 4)
        #expect(elsewhere.venue == "Kantor Gubernur, Sofifi")

        // Capacity, title and notes are not time, place or status.
        let bigger = try await gugus.rescheduleSession(id: first.id, SessionChange(capacity: 60))
        #expect(bigger.version == 4)
        #expect(bigger.capacity == 60)
        try await gugus.pool.withTransaction { connection in
            try await connection.execute("SELECT set_config('gugus.actor', 'test', true)")
            try await connection.execute("UPDATE outreach_session SET title = 'Sosialisasi Stranas BHAM (revisi)', notes = 'bawa KTP' WHERE id = \(first.id)")
        }
        #expect(try await gugus.session(id: first.id).session.version == 4)
        // The same time again is no change.
        #expect(try await gugus.rescheduleSession(id: first.id, SessionChange(starts: "2025-04-17 09:00")).version == 4)

        let completed = try await gugus.completeSession(id: first.id, notes: "40 peserta", outcome: "rencana aksi disepakati")
        #expect(completed.version == 5)
        #expect(completed.status == .completed)

        let other = try await gugus.scheduleSession(try session("2025-05-10 09:00"))
        let cancelled = try await gugus.cancelSession(id: other.id, reason: "bertepatan dengan kunjungan kerja")
        #expect(cancelled.version == 2)
        #expect(cancelled.status == .cancelled)
        #expect(cancelled.cancelReason == "bertepatan dengan kunjungan kerja")

        let again = await #expect(throws: GugusError.self) {
            try await gugus.rescheduleSession(id: other.id, SessionChange(starts: "2025-05-11 09:00"))
        }
        #expect(again?.kind == .conflict)
        #expect(again?.message.en == "session \(other.id) is cancelled; only a scheduled session can be rescheduled")
    }

    @Test("a session at the same venue and an overlapping time warns, but is scheduled")
    func overlapWarns() async throws {
        let (gugus, _) = try await malukuUtara()
        let first = try await gugus.scheduleSession(try session("2025-04-10 09:00"))
        #expect(first.warnings.isEmpty)

        let clash = try await gugus.scheduleSession(try session(
            "2025-04-10 11:00", title: "FGD Uji Tuntas HAM", venue: " aula gamalama, ternate "))
        #expect(clash.status == .scheduled)
        #expect(clash.warnings == [Localized(
            id: "perhatian: sesi \(first.id) ('Sosialisasi Stranas BHAM') juga di aula gamalama, ternate pada waktu yang tumpang tindih",
            en: "note: session \(first.id) ('Sosialisasi Stranas BHAM') is also at aula gamalama, ternate at an overlapping time")])

        // Back to back, elsewhere, or against a cancelled session: no warning.
        _ = try await gugus.cancelSession(id: clash.id, reason: nil)
        #expect(try await gugus.scheduleSession(try session("2025-04-10 12:00", title: "Sesi sore", duration: "1h")).warnings.isEmpty)
        #expect(try await gugus.scheduleSession(try session("2025-04-10 09:00", title: "Di tempat lain", venue: "Hotel Bela, Ternate")).warnings.isEmpty)

        // Moving into an overlap warns too.
        let later = try await gugus.scheduleSession(try session("2025-04-11 09:00", title: "Bimtek"))
        #expect(later.warnings.isEmpty)
        let moved = try await gugus.rescheduleSession(id: later.id, SessionChange(starts: "2025-04-10 08:00"))
        #expect(moved.warnings.map(\.en) == [
            "note: session \(first.id) ('Sosialisasi Stranas BHAM') is also at Aula Gamalama, Ternate at an overlapping time",
        ])
        #expect(try await count("outreach_session", in: gugus) == 5)
    }

    @Test("list filters by task force, local date range and status, sorted by start")
    func list() async throws {
        let (gugus, _) = try await malukuUtara()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "61"))
        // Scheduled out of order. 06:00 WIT on the 7th is 21:00 UTC on the 6th: the range is
        // in local dates, so it belongs to the 7th.
        let late = try await gugus.scheduleSession(try session("2025-05-20 09:00", title: "C"))
        let early = try await gugus.scheduleSession(try session("2025-05-07 06:00", title: "A"))
        let middle = try await gugus.scheduleSession(try session("2025-05-07 23:30", title: "B", duration: "30m", venue: "Hotel Bela"))
        let before = try await gugus.scheduleSession(try session("2025-05-06 23:59", title: "Z", duration: "1m"))
        let pontianak = try await gugus.scheduleSession(try session(
            "2025-05-07 09:00", taskForce: .region("61"), title: "Kalbar", venue: "Hotel Aston, Pontianak"))
        _ = try await gugus.cancelSession(id: late.id, reason: nil)

        func titles(_ query: SessionQuery) async throws -> [String] {
            try await gugus.sessions(query).items.map(\.title)
        }
        #expect(try await titles(SessionQuery()) == ["Z", "A", "Kalbar", "B", "C"])
        #expect(try await titles(SessionQuery(taskForce: .region("82"))) == ["Z", "A", "B", "C"])
        #expect(try await titles(SessionQuery(taskForce: .region("61"))) == ["Kalbar"])
        #expect(try await titles(SessionQuery(taskForce: .region("82"), from: CivilDate(2025, 5, 7), to: CivilDate(2025, 5, 7))) == ["A", "B"])
        #expect(try await titles(SessionQuery(from: CivilDate(2025, 5, 7))) == ["A", "Kalbar", "B", "C"])
        #expect(try await titles(SessionQuery(to: CivilDate(2025, 5, 6))) == ["Z"])
        #expect(try await titles(SessionQuery(status: .cancelled)) == ["C"])
        #expect(try await titles(SessionQuery(taskForce: .region("82"), status: .scheduled)) == ["Z", "A", "B"])
        #expect(try await gugus.sessions(SessionQuery()).items.map(\.id) == [before.id, early.id, pontianak.id, middle.id, late.id])

        let backwards = await #expect(throws: GugusError.self) {
            try await gugus.sessions(SessionQuery(from: CivilDate(2025, 5, 8), to: CivilDate(2025, 5, 7)))
        }
        #expect(backwards?.message.en == "--to 2025-05-07 is before --from 2025-05-08")
    }

    // MARK: Participants

    @Test("invite --all-members invites every current member, once")
    func inviteAllMembers() async throws {
        let (gugus, _) = try await malukuUtara()
        let members = try await gugus.members(taskForce: .region("82"), at: nil, page: PageRequest()).items
        // One member's term ended before the session; another task force's member is never invited.
        let leaving = try #require(members.first { $0.name == "Ratna Contoh" })
        _ = try await gugus.endMember(id: leaving.id, on: CivilDate(2025, 3, 31), reason: "mutasi")
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "81"))

        let session = try await gugus.scheduleSession(try session("2025-04-10 09:00", capacity: 40))
        let invited = try await gugus.invite(sessionID: session.id, .allMembers, role: .attendee)
        #expect(invited.map(\.name).sorted() == ["Hasan Percontohan", "Lina Ilustrasi", "Rahmat Contoh", "Yusuf Sampel"])
        #expect(invited.allSatisfy { $0.registration == .invited && $0.membershipId != nil && !$0.attended })

        // Again: nobody new, and no duplicate.
        #expect(try await gugus.invite(sessionID: session.id, .allMembers, role: .attendee).isEmpty)
        let guest = try await gugus.invite(
            sessionID: session.id, .guest(name: "Budi Tamu", email: try EmailAddress(parsing: "budi@example.co.id"), organisation: "APINDO Maluku Utara"),
            role: .speaker)
        #expect(guest.map(\.role) == [.speaker])
        let detail = try await gugus.session(id: session.id)
        #expect(detail.participants.count == 5)
        #expect(detail.session.participants == 5)

        // A member who is already invited, by id: a clear refusal.
        let governor = try #require(members.first { $0.name == "Rahmat Contoh" })
        let twice = await #expect(throws: GugusError.self) {
            try await gugus.invite(sessionID: session.id, .member(governor.id), role: .attendee)
        }
        #expect(twice?.message.en == "Rahmat Contoh is already invited to session \(session.id)")
    }

    @Test("capacity is never exceeded: a further invitation is refused with a clear message")
    func capacity() async throws {
        let (gugus, _) = try await malukuUtara()
        let session = try await gugus.scheduleSession(try session("2025-04-10 09:00", title: "FGD Uji Tuntas", capacity: 2))
        func guest(_ n: Int) throws -> Invitation {
            .guest(name: "Tamu \(n)", email: try EmailAddress(parsing: "tamu\(n)@example.co.id"), organisation: nil)
        }
        let first = try await gugus.invite(sessionID: session.id, try guest(1), role: .attendee)
        _ = try await gugus.invite(sessionID: session.id, try guest(2), role: .attendee)
        let full = await #expect(throws: GugusError.self) {
            try await gugus.invite(sessionID: session.id, try guest(3), role: .attendee)
        }
        #expect(full?.kind == .conflict)
        #expect(full?.message.en == "session \(session.id) ('FGD Uji Tuntas') is full: capacity 2; raise it with `gugus session reschedule \(session.id) --capacity N` or cancel another invitation")
        #expect(full?.message.id == "sesi \(session.id) ('FGD Uji Tuntas') sudah penuh: kapasitas 2 orang; naikkan kapasitas dengan `gugus session reschedule \(session.id) --capacity N` atau batalkan undangan lain")

        // Inviting every member at once would overflow: nobody of them is invited.
        let all = await #expect(throws: GugusError.self) {
            try await gugus.invite(sessionID: session.id, .allMembers, role: .attendee)
        }
        #expect(all?.message.en.contains("is full: capacity 2") == true)
        #expect(try await count("participant", in: gugus, where: "session_id = \(session.id)") == 2)

        // A cancelled invitation frees its place.
        _ = try await gugus.uninvite(sessionID: session.id, participantID: try #require(first.first).id)
        _ = try await gugus.invite(sessionID: session.id, try guest(3), role: .attendee)
        #expect(try await gugus.session(id: session.id).session.participants == 2)
        #expect(try await count("participant", in: gugus, where: "session_id = \(session.id) AND registration IN ('invited', 'registered')") == 2)

        // The database itself holds the limit against a writer that skips the application.
        let raw = await #expect(throws: PostgresError.self) {
            try await gugus.pool.execute("INSERT INTO participant (session_id, name) VALUES (\(session.id), 'Penyusup')")
        }
        #expect(raw?.code?.rawValue == "GG101")
        #expect(raw?.message == "session \(session.id) (FGD Uji Tuntas) is full: 2 of 2 places taken")
    }

    @Test("attendance is recorded, and refused for a cancelled session")
    func attendance() async throws {
        let (gugus, _) = try await malukuUtara()
        let session = try await gugus.scheduleSession(try session("2025-04-10 09:00"))
        let invited = try await gugus.invite(sessionID: session.id, .allMembers, role: .attendee)
        let attended = try await gugus.attend(sessionID: session.id, participantID: invited[0].id)
        #expect(attended.attended)
        #expect(attended.registration == .registered)
        #expect(attended.checkedInAt != nil)
        #expect(try await gugus.session(id: session.id).session.attended == 1)

        let missing = await #expect(throws: GugusError.self) {
            try await gugus.attend(sessionID: session.id, participantID: 999_999)
        }
        #expect(missing?.kind == .notFound)
        #expect(missing?.message.en == "no participant 999999 in session \(session.id); see `gugus session show \(session.id)`")

        _ = try await gugus.cancelSession(id: session.id, reason: "cuaca buruk")
        let refused = await #expect(throws: GugusError.self) {
            try await gugus.attend(sessionID: session.id, participantID: invited[1].id)
        }
        #expect(refused?.kind == .conflict)
        #expect(refused?.message.en == "session \(session.id) ('Sosialisasi Stranas BHAM') was cancelled; attendance cannot be recorded for a cancelled session")
        #expect(refused?.message.id == "sesi \(session.id) ('Sosialisasi Stranas BHAM') dibatalkan; kehadiran tidak bisa dicatat untuk sesi yang batal")
        let closed = await #expect(throws: GugusError.self) {
            try await gugus.invite(sessionID: session.id, .guest(name: "Tamu", email: nil, organisation: nil), role: .attendee)
        }
        #expect(closed?.message.en == "session \(session.id) ('Sosialisasi Stranas BHAM') is cancelled; invitations are closed")
        #expect(try await gugus.session(id: session.id).session.attended == 1)
    }

    // MARK: Refusals

    @Test("a bad time and an unknown zone are refused with what to write instead")
    func badInput() async throws {
        let (gugus, _) = try await malukuUtara()
        let badTime = await #expect(throws: GugusError.self) {
            try await gugus.scheduleSession(try session("10/04/2025 9 pagi"))
        }
        #expect(badTime?.kind == .invalid)
        #expect(badTime?.message.en == "'10/04/2025 9 pagi' is not a valid time for starts; use \"YYYY-MM-DD HH:MM\" in the task force's local time, for example \"2025-05-06 09:00\"")
        #expect(badTime?.fieldErrors.first?.field == "starts")
        let noSuchHour = await #expect(throws: GugusError.self) {
            try await gugus.scheduleSession(try session("2025-04-10 24:30"))
        }
        #expect(noSuchHour?.fieldErrors.first?.field == "starts")

        let mars = await #expect(throws: GugusError.self) {
            try await gugus.scheduleSession(try session("2025-04-10 09:00", tz: "Mars/Olympus"))
        }
        #expect(mars?.kind == .invalid)
        #expect(mars?.message.en == "'Mars/Olympus' is not a known time zone for tz; use an IANA zone name, for example Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)")
        #expect(mars?.fieldErrors.first?.field == "tz")
        let lowercase = await #expect(throws: GugusError.self) {
            try await gugus.scheduleSession(try session("2025-04-10 09:00", tz: "asia/jayapura"))
        }
        #expect(lowercase?.message.en.contains("(did you mean Asia/Jayapura?)") == true)
        #expect(try await count("outreach_session", in: gugus) == 0)

        let unknown = await #expect(throws: GugusError.self) { try await gugus.cancelSession(id: 424_242, reason: nil) }
        #expect(unknown?.kind == .notFound)
        #expect(unknown?.message.en == "no session with id 424242; see `gugus session list`")
    }

    // MARK: Calendars

    @Test("a reschedule raises the ICS SEQUENCE, a cancel gives STATUS:CANCELLED, and icalendar reads both")
    func calendars() async throws {
        let (gugus, _) = try await malukuUtara()
        let ternate = try await gugus.scheduleSession(try session("2025-04-10 09:00", title: "Sosialisasi Strategi Nasional Bisnis dan HAM"))
        let daring = try await gugus.scheduleSession(try session(
            "2025-04-24 10:00", title: "Bimtek daring", duration: "2h", mode: .daring, venue: nil, url: "https://zoom.example/j/82?pwd=a,b"))

        let first = try await ICSValidator.validate(try await gugus.calendar(sessionID: ternate.id), expectedEvents: 1)
        #expect(first.status == 0, "\(first.stderr) \(first.report?.problems ?? [])")
        let before = try #require(first.report?.events.first)
        #expect(before.uid == "session-\(ternate.id)@gugus.stranas-bham")
        #expect(before.sequence == 1)
        #expect(before.status == "CONFIRMED")
        #expect(before.startUtc == "2025-04-10T00:00:00Z")
        #expect(before.startTzid == "Asia/Jayapura")
        #expect(before.startOffsetSeconds == 9 * 3600)
        #expect(before.location == "Aula Gamalama, Ternate")
        #expect(first.report?.timezones.map(\.tznames) == [["WIT"]])

        _ = try await gugus.rescheduleSession(id: ternate.id, SessionChange(starts: "2025-04-17 09:00"))
        let moved = try #require(try await ICSValidator.validate(try await gugus.calendar(sessionID: ternate.id), expectedEvents: 1).report?.events.first)
        #expect(moved.uid == before.uid)
        #expect(moved.sequence == 2)
        #expect(moved.startUtc == "2025-04-17T00:00:00Z")

        _ = try await gugus.cancelSession(id: ternate.id, reason: "diganti rakor")
        let cancelled = try await ICSValidator.validate(try await gugus.calendar(sessionID: ternate.id), expectedEvents: 1)
        #expect(cancelled.status == 0, "\(cancelled.report?.problems ?? [])")
        let gone = try #require(cancelled.report?.events.first)
        #expect(gone.status == "CANCELLED")
        #expect(gone.sequence == 3)
        #expect(gone.description?.contains("Dibatalkan / Cancelled: diganti rakor") == true)

        // The task force's feed: both sessions, by start, with the online one's URL intact.
        let feed = try await ICSValidator.validate(try await gugus.calendar(taskForce: .region("82")), expectedEvents: 2)
        #expect(feed.status == 0, "\(feed.report?.problems ?? [])")
        #expect(feed.report?.calendar.name == MalukuUtara.defaultName)
        #expect(feed.report?.events.map(\.uid) == ["session-\(ternate.id)@gugus.stranas-bham", "session-\(daring.id)@gugus.stranas-bham"])
        #expect(feed.report?.events.map(\.status) == ["CANCELLED", "CONFIRMED"])
        #expect(feed.report?.events.last?.url == "https://zoom.example/j/82?pwd=a,b")
        #expect(feed.report?.events.last?.location == nil)
    }

    // MARK: Status

    @Test("status counts sessions held and upcoming, participants and the attendance rate")
    func status() async throws {
        let (gugus, _) = try await malukuUtara()
        let held = try await gugus.scheduleSession(try session("2025-04-10 09:00"))
        let invited = try await gugus.invite(sessionID: held.id, .allMembers, role: .attendee)
        for participant in invited.prefix(4) { _ = try await gugus.attend(sessionID: held.id, participantID: participant.id) }
        _ = try await gugus.completeSession(id: held.id, notes: nil, outcome: nil)
        let dropped = try await gugus.scheduleSession(try session("2025-05-10 09:00", title: "Dibatalkan"))
        _ = try await gugus.cancelSession(id: dropped.id, reason: nil)
        let status = try await gugus.regionStatus(code: "82", at: CivilDate(2025, 6, 1))
        #expect(status.sessions.held == 1)
        #expect(status.sessions.upcoming == 0)
        #expect(status.sessions.cancelled == 1)
        #expect(status.sessions.participants == 5)
        #expect(status.sessions.attended == 4)
        #expect(status.sessions.attendanceRate == 0.8)
    }
}
