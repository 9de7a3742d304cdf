import Foundation
import GugusModel
import Postgres

extension DatabaseGugus {
    public func scheduleSession(_ input: NewSession) async throws -> OutreachSession {
        let title = input.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else {
            throw GugusError(.invalid, Localized(id: "judul sesi wajib diisi (--title)", en: "the session needs a title (--title)"),
                             fieldErrors: [.required("title", id: "judul", en: "the title")])
        }
        try Self.checkAudiences(input.audiences)
        try Self.checkCapacity(input.capacity)
        return try await write("session.schedule") { connection in
            let taskForce = try await Self.taskForce(input.taskForce, on: connection)
            try caller.requireWrite(to: taskForce)
            let zone = try input.timeZone.map { text throws(GugusError) in try RegionZone(identifier: text, field: "tz") } ?? taskForce.zone
            let starts = try LocalTime.parse(input.starts, in: zone, field: "starts")
            let ends = starts.addingTimeInterval(input.duration.timeInterval)
            let (venue, url) = try Self.place(mode: input.mode, venue: input.venue, url: input.onlineUrl)
            let id = try await connection.query("""
                INSERT INTO outreach_session (task_force_id, title, format, mode, venue, online_url, starts_at, ends_at,
                                              time_zone, audiences, capacity, notes)
                VALUES (\(taskForce.id), \(title), \(input.format.rawValue), \(input.mode.rawValue), \(venue), \(url),
                        \(starts), \(ends), \(zone.identifier), \(input.audiences), \(input.capacity.map(Int32.init)),
                        \(input.notes?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty))
                RETURNING id
                """).single()!.decode(Int64.self)
            var session = try await Self.session(id, on: connection)!
            session.warnings = try await Self.clashes(with: session, on: connection)
            return session
        }
    }

    public func rescheduleSession(id: Int64, _ change: SessionChange) async throws -> OutreachSession {
        try Self.checkCapacity(change.capacity)
        return try await write("session.reschedule") { connection in
            let current = try await Self.writableSession(id, caller: caller, on: connection)
            guard current.status == .scheduled else {
                throw GugusError.conflict(Localized(
                    id: "sesi \(id) berstatus \(current.status.rawValue); hanya sesi terjadwal yang bisa dijadwalkan ulang",
                    en: "session \(id) is \(current.status.rawValue); only a scheduled session can be rescheduled"))
            }
            let zone = try change.timeZone.map { text throws(GugusError) in try RegionZone(identifier: text, field: "tz") } ?? current.zone
            let starts = try change.starts.map { text throws(GugusError) in try LocalTime.parse(text, in: zone, field: "starts") } ?? current.startsAt
            let length = change.duration?.timeInterval ?? current.endsAt.timeIntervalSince(current.startsAt)
            let (venue, url) = try Self.place(mode: current.mode, venue: change.venue ?? current.venue, url: change.onlineUrl ?? current.onlineUrl)
            try await connection.execute("""
                UPDATE outreach_session
                SET starts_at = \(starts), ends_at = \(starts.addingTimeInterval(length)), time_zone = \(zone.identifier),
                    venue = \(venue), online_url = \(url), capacity = coalesce(\(change.capacity.map(Int32.init)), capacity)
                WHERE id = \(id)
                """)
            var session = try await Self.session(id, on: connection)!
            session.warnings = try await Self.clashes(with: session, on: connection)
            return session
        }
    }

    public func cancelSession(id: Int64, reason: String?) async throws -> OutreachSession {
        try await write("session.cancel") { connection in
            let current = try await Self.writableSession(id, caller: caller, on: connection)
            guard current.status == .scheduled else {
                throw GugusError.conflict(Localized(
                    id: "sesi \(id) sudah berstatus \(current.status.rawValue)", en: "session \(id) is already \(current.status.rawValue)"))
            }
            try await connection.execute("""
                UPDATE outreach_session SET status = 'cancelled', cancel_reason = \(reason?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty)
                WHERE id = \(id)
                """)
            return try await Self.session(id, on: connection)!
        }
    }

    public func completeSession(id: Int64, notes: String?, outcome: String?) async throws -> OutreachSession {
        try await write("session.complete") { connection in
            let current = try await Self.writableSession(id, caller: caller, on: connection)
            guard current.status != .cancelled else {
                throw GugusError.conflict(Localized(
                    id: "sesi \(id) dibatalkan; sesi yang batal tidak bisa diselesaikan", en: "session \(id) was cancelled; a cancelled session cannot be completed"))
            }
            try await connection.execute("""
                UPDATE outreach_session
                SET status = 'completed', notes = coalesce(\(notes?.nonEmpty), notes), outcome = coalesce(\(outcome?.nonEmpty), outcome)
                WHERE id = \(id)
                """)
            return try await Self.session(id, on: connection)!
        }
    }

    public func sessions(_ query: SessionQuery) async throws -> Page<OutreachSession> {
        let offset = try query.page.afterID()
        if let from = query.from, let to = query.to, to < from {
            throw GugusError.invalid(field: "to", value: to.description, Localized(
                id: "--to \(to) lebih awal dari --from \(from)", en: "--to \(to) is before --from \(from)"))
        }
        return try await read { connection in
            var filter: PostgresQuery = " WHERE true"
            if let reference = query.taskForce {
                let taskForce = try await Self.taskForce(reference, on: connection)
                filter.append(" AND s.task_force_id = \(taskForce.id)")
            }
            if let from = query.from { filter.append(" AND (s.starts_at AT TIME ZONE s.time_zone)::date >= \(from)") }
            if let to = query.to { filter.append(" AND (s.starts_at AT TIME ZONE s.time_zone)::date <= \(to)") }
            if let status = query.status { filter.append(" AND s.status = \(status.rawValue)") }
            let rows = try await connection.query(Self.sessionSelect + filter + " ORDER BY s.starts_at, s.id OFFSET \(offset) LIMIT \(query.page.limit + 1)")
            let sessions = try rows.decode(as: SessionRow.self).map(\.session)
            return Page(items: Array(sessions.prefix(query.page.limit)),
                        nextCursor: sessions.count > query.page.limit ? String(offset + Int64(query.page.limit)) : nil)
        }
    }

    public func session(id: Int64) async throws -> SessionDetail {
        try await read { connection in
            guard let session = try await Self.session(id, on: connection) else { throw Self.noSession(id) }
            // Viewers see the public part of a session: no participants.
            guard caller.role != .viewer else { return SessionDetail(session: session, participants: []) }
            let taskForce = try await Self.taskForce(.id(session.taskForceId), on: connection)
            let participants = try await Self.participants(sessionID: id, on: connection)
            return SessionDetail(session: session, participants: caller.seesContacts(of: taskForce) ? participants : participants.map(\.withoutContacts))
        }
    }

    // MARK: Participants

    public func invite(sessionID: Int64, _ invitation: Invitation, role: Participant.Role) async throws -> [Participant] {
        try await write("session.invite") { connection in
            let session = try await Self.writableSession(sessionID, caller: caller, on: connection)
            let inserted: [Int64]
            do {
                switch invitation {
                case .member(let membershipID):
                    let member = try await Self.member(membershipID, on: connection, showContacts: true)
                    guard let member, member.taskForceId == session.taskForceId else {
                        throw GugusError.invalid(field: "member", value: String(membershipID), Localized(
                            id: "anggota \(membershipID) bukan anggota gugus tugas sesi ini; lihat `gugus member list`",
                            en: "member \(membershipID) is not a member of this session's task force; see `gugus member list`"))
                    }
                    inserted = try await connection.query("""
                        INSERT INTO participant (session_id, membership_id, role) VALUES (\(sessionID), \(membershipID), \(role.rawValue))
                        ON CONFLICT (session_id, membership_id) WHERE membership_id IS NOT NULL
                        DO UPDATE SET registration = 'invited', role = EXCLUDED.role WHERE participant.registration IN ('declined', 'cancelled')
                        RETURNING id
                        """).decode(Int64.self)
                    if inserted.isEmpty {
                        throw GugusError.conflict(Localized(
                            id: "\(member.name) sudah diundang ke sesi \(sessionID)", en: "\(member.name) is already invited to session \(sessionID)"))
                    }
                case .allMembers:
                    let day = CivilDate(session.startsAt, in: session.zone.timeZone)
                    inserted = try await connection.query("""
                        INSERT INTO participant (session_id, membership_id, role)
                        SELECT \(sessionID), m.id, \(role.rawValue) FROM membership m
                        WHERE m.task_force_id = \(session.taskForceId)
                          AND m.valid_from <= \(day) AND (m.valid_until IS NULL OR m.valid_until >= \(day))
                          AND NOT EXISTS (SELECT 1 FROM participant p WHERE p.session_id = \(sessionID) AND p.membership_id = m.id
                                          AND p.registration IN ('invited', 'registered'))
                        ORDER BY m.id
                        ON CONFLICT (session_id, membership_id) WHERE membership_id IS NOT NULL
                        DO UPDATE SET registration = 'invited'
                        RETURNING id
                        """).decode(Int64.self)
                case .guest(let name, let email, let organisation):
                    let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
                    guard !name.isEmpty else {
                        throw GugusError.invalid(field: "name", value: name, Localized(
                            id: "tamu undangan perlu nama (--name)", en: "a guest needs a name (--name)"))
                    }
                    inserted = try await connection.query("""
                        INSERT INTO participant (session_id, name, email, organisation, role)
                        VALUES (\(sessionID), \(name), \(email?.address), \(organisation?.nonEmpty), \(role.rawValue))
                        ON CONFLICT (session_id, lower(email)) WHERE membership_id IS NULL AND email IS NOT NULL
                        DO UPDATE SET registration = 'invited' WHERE participant.registration IN ('declined', 'cancelled')
                        RETURNING id
                        """).decode(Int64.self)
                    if inserted.isEmpty {
                        throw GugusError.conflict(Localized(
                            id: "\(email?.address ?? name) sudah diundang ke sesi \(sessionID)",
                            en: "\(email?.address ?? name) is already invited to session \(sessionID)"))
                    }
                }
            } catch let error as PostgresError where error.code?.rawValue.hasPrefix("GG") == true {
                throw Self.sessionRefusal(error, session: session)
            }
            return try await Self.participants(sessionID: sessionID, on: connection).filter { inserted.contains($0.id) }
        }
    }

    public func uninvite(sessionID: Int64, participantID: Int64) async throws -> Participant {
        try await write("session.uninvite") { connection in
            _ = try await Self.writableSession(sessionID, caller: caller, on: connection)
            let changed = try await connection.execute("""
                UPDATE participant SET registration = 'cancelled' WHERE id = \(participantID) AND session_id = \(sessionID)
                """)
            guard changed == 1, let participant = try await Self.participants(sessionID: sessionID, on: connection).first(where: { $0.id == participantID }) else {
                throw Self.noParticipant(participantID, sessionID: sessionID)
            }
            return participant
        }
    }

    public func attend(sessionID: Int64, participantID: Int64) async throws -> Participant {
        try await write("session.attend") { connection in
            let session = try await Self.writableSession(sessionID, caller: caller, on: connection)
            if session.status == .cancelled {
                throw GugusError.conflict(Localized(
                    id: "sesi \(sessionID) ('\(session.title)') dibatalkan; kehadiran tidak bisa dicatat untuk sesi yang batal",
                    en: "session \(sessionID) ('\(session.title)') was cancelled; attendance cannot be recorded for a cancelled session"))
            }
            do {
                let changed = try await connection.execute("""
                    UPDATE participant SET attended = true, checked_in_at = coalesce(checked_in_at, now()),
                        registration = CASE WHEN registration = 'invited' THEN 'registered' ELSE registration END
                    WHERE id = \(participantID) AND session_id = \(sessionID)
                    """)
                guard changed == 1 else { throw Self.noParticipant(participantID, sessionID: sessionID) }
            } catch let error as PostgresError where error.code?.rawValue.hasPrefix("GG") == true {
                throw Self.sessionRefusal(error, session: session)
            }
            return try await Self.participants(sessionID: sessionID, on: connection).first { $0.id == participantID }!
        }
    }

    // MARK: Calendars

    public func calendar(sessionID: Int64) async throws -> String {
        try await read { connection in
            guard let session = try await Self.session(sessionID, on: connection) else { throw Self.noSession(sessionID) }
            let taskForce = try await Self.taskForce(.id(session.taskForceId), on: connection)
            return ICSCalendar(name: session.title, events: [Self.event(session, taskForce: taskForce)]).render()
        }
    }

    public func calendar(taskForce reference: TaskForceRef) async throws -> String {
        try await read { connection in
            let taskForce = try await Self.taskForce(reference, on: connection)
            let sessions = try await connection.query(Self.sessionSelect + " WHERE s.task_force_id = \(taskForce.id) ORDER BY s.starts_at, s.id")
                .decode(as: SessionRow.self).map(\.session)
            return ICSCalendar(name: taskForce.name, events: sessions.map { Self.event($0, taskForce: taskForce) }).render()
        }
    }

    static func event(_ session: OutreachSession, taskForce: TaskForce) -> ICSEvent {
        .session(
            id: session.id, title: session.title, format: session.format.rawValue, mode: session.mode.rawValue,
            taskForceName: taskForce.name, status: session.status, cancelReason: session.cancelReason, notes: session.notes,
            venue: session.venue, onlineURL: session.onlineUrl, start: session.startsAt, end: session.endsAt, zone: session.zone,
            version: session.version, created: session.createdAt, lastModified: session.updatedAt)
    }

    // MARK: Helpers

    static let sessionSelect: PostgresQuery = """
        SELECT s.id, s.task_force_id, s.title, s.format, s.mode, s.venue, s.online_url, s.starts_at, s.ends_at, s.time_zone,
               s.audiences, s.capacity, s.status, s.cancel_reason, s.notes, s.outcome, s.version, s.created_at, s.updated_at,
               (SELECT count(*) FROM participant p WHERE p.session_id = s.id AND p.registration IN ('invited', 'registered')) AS participants,
               (SELECT count(*) FROM participant p WHERE p.session_id = s.id AND p.attended) AS attended
        FROM outreach_session s
        """

    static func session(_ id: Int64, on connection: PostgresConnection) async throws -> OutreachSession? {
        try await connection.query(sessionSelect + " WHERE s.id = \(id)").single()?.decode(as: SessionRow.self).session
    }

    /// The session, locked for the change, after checking the caller may change it.
    static func writableSession(_ id: Int64, caller: Caller, on connection: PostgresConnection) async throws -> OutreachSession {
        guard let taskForceID = try await connection.query("SELECT task_force_id FROM outreach_session WHERE id = \(id) FOR UPDATE")
            .single()?.decode(Int64.self) else { throw noSession(id) }
        try caller.requireWrite(to: try await taskForce(.id(taskForceID), on: connection))
        return try await session(id, on: connection)!
    }

    static func participants(sessionID: Int64, on connection: PostgresConnection) async throws -> [Participant] {
        try await connection.query("""
            SELECT p.id, p.session_id, p.membership_id, coalesce(pe.name, p.name) AS name, coalesce(pe.email, p.email) AS email,
                   coalesce(i.name, p.organisation) AS organisation, p.role, p.registration, p.attended, p.checked_in_at
            FROM participant p
            LEFT JOIN membership m ON m.id = p.membership_id
            LEFT JOIN person pe ON pe.id = m.person_id
            LEFT JOIN institution i ON i.id = m.institution_id
            WHERE p.session_id = \(sessionID)
            ORDER BY p.id
            """).decode(as: Participant.self)
    }

    /// Other scheduled sessions of the same task force at the same place and time: worth a
    /// warning, not a refusal (two rooms may share a building's name).
    static func clashes(with session: OutreachSession, on connection: PostgresConnection) async throws -> [Localized] {
        guard let venue = session.venue else { return [] }
        let others = try await clashingSessions(
            taskForce: session.taskForceId, venue: venue, from: session.startsAt, to: session.endsAt, excluding: session.id, on: connection)
        return others.map { other in
            Localized(
                id: "perhatian: sesi \(other.id) ('\(other.title)') juga di \(venue) pada waktu yang tumpang tindih",
                en: "note: session \(other.id) ('\(other.title)') is also at \(venue) at an overlapping time")
        }
    }

    /// The scheduled sessions of a task force that a session at `venue` from `starts` to
    /// `ends` would clash with, by the rule the warnings above use: for the portal, which
    /// asks before anything is written. Sessions the caller may read, as ``sessions(_:)``.
    public func clashingSessions(
        taskForce: Int64, venue: String?, from starts: Date, to ends: Date, excluding id: Int64? = nil
    ) async throws -> [OutreachSession] {
        guard let venue else { return [] }
        return try await read { connection in
            try await Self.clashingSessions(taskForce: taskForce, venue: venue, from: starts, to: ends, excluding: id, on: connection)
        }
    }

    private static func clashingSessions(
        taskForce: Int64, venue: String, from starts: Date, to ends: Date, excluding id: Int64?, on connection: PostgresConnection
    ) async throws -> [OutreachSession] {
        try await connection.query(sessionSelect + """
             WHERE s.task_force_id = \(taskForce) AND s.id IS DISTINCT FROM \(id) AND s.status = 'scheduled'
              AND lower(btrim(s.venue)) = lower(btrim(\(venue)))
              AND tstzrange(s.starts_at, s.ends_at) && tstzrange(\(starts), \(ends))
            ORDER BY s.starts_at, s.id
            """).decode(as: SessionRow.self).map(\.session)
    }

    /// The venue and URL a mode needs, with a message that says which is missing.
    static func place(mode: OutreachSession.Mode, venue: String?, url: String?) throws(GugusError) -> (String?, String?) {
        let venue = venue?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
        let url = url?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
        if mode != .luring && url == nil {
            throw GugusError.invalid(field: "url", value: nil, Localized(
                id: "sesi \(mode.rawValue) memerlukan tautan rapat daring (--url https://…)",
                en: "a \(mode.rawValue) session needs an online meeting link (--url https://…)"))
        }
        if mode != .daring && venue == nil {
            throw GugusError.invalid(field: "venue", value: nil, Localized(
                id: "sesi \(mode.rawValue) memerlukan tempat (--venue)", en: "a \(mode.rawValue) session needs a venue (--venue)"))
        }
        if let url, url.wholeMatch(of: /https?:\/\/\S+/) == nil {
            throw GugusError.invalid(field: "url", value: url, Localized(
                id: "'\(url)' bukan tautan web; tulis lengkap dengan https://", en: "'\(url)' is not a web link; write it in full with https://"))
        }
        return (venue, url)
    }

    static func checkAudiences(_ audiences: [String]) throws(GugusError) {
        for audience in audiences where !OutreachSession.audiences.contains(audience) {
            let valid = OutreachSession.audiences.joined(separator: ", ")
            throw GugusError.invalid(field: "audience", value: audience, Localized(
                id: "sasaran '\(audience)' tidak dikenal; pilih dari: \(valid)", en: "unknown audience '\(audience)'; use any of: \(valid)"))
        }
    }

    static func checkCapacity(_ capacity: Int?) throws(GugusError) {
        if let capacity, capacity < 1 || capacity > 100_000 {
            throw GugusError.invalid(field: "capacity", value: String(capacity), Localized(
                id: "kapasitas \(capacity) tidak masuk akal; gunakan 1 sampai 100000", en: "capacity \(capacity) makes no sense; use 1 to 100000"))
        }
    }

    /// The session triggers' refusals, said in both languages with the session's details.
    static func sessionRefusal(_ error: PostgresError, session: OutreachSession) -> GugusError {
        switch error.code?.rawValue {
        case "GG101":
            return GugusError.conflict(Localized(
                id: "sesi \(session.id) ('\(session.title)') sudah penuh: kapasitas \(session.capacity ?? 0) orang; naikkan kapasitas dengan `gugus session reschedule \(session.id) --capacity N` atau batalkan undangan lain",
                en: "session \(session.id) ('\(session.title)') is full: capacity \(session.capacity ?? 0); raise it with `gugus session reschedule \(session.id) --capacity N` or cancel another invitation"))
        case "GG102":
            return GugusError.conflict(Localized(
                id: "sesi \(session.id) ('\(session.title)') dibatalkan; kehadiran tidak bisa dicatat",
                en: "session \(session.id) ('\(session.title)') was cancelled; attendance cannot be recorded"))
        default:
            return GugusError.conflict(Localized(
                id: "sesi \(session.id) ('\(session.title)') berstatus \(session.status.rawValue); undangan sudah ditutup",
                en: "session \(session.id) ('\(session.title)') is \(session.status.rawValue); invitations are closed"))
        }
    }

    static func noSession(_ id: Int64) -> GugusError {
        GugusError.notFound(Localized(
            id: "tidak ada sesi dengan id \(id); lihat `gugus session list`", en: "no session with id \(id); see `gugus session list`"))
    }

    static func noParticipant(_ id: Int64, sessionID: Int64) -> GugusError {
        GugusError.notFound(Localized(
            id: "tidak ada peserta \(id) di sesi \(sessionID); lihat `gugus session show \(sessionID)`",
            en: "no participant \(id) in session \(sessionID); see `gugus session show \(sessionID)`"))
    }
}

/// A session as the database has it, before the local-time fields are added.
struct SessionRow: Decodable {
    var id: Int64
    var taskForceId: Int64
    var title: String
    var format: OutreachSession.Format
    var mode: OutreachSession.Mode
    var venue: String?
    var onlineUrl: String?
    var startsAt: Date
    var endsAt: Date
    var timeZone: String
    var audiences: [String]
    var capacity: Int?
    var status: OutreachSession.Status
    var cancelReason: String?
    var notes: String?
    var outcome: String?
    var version: Int
    var participants: Int
    var attended: Int
    var createdAt: Date
    var updatedAt: Date

    var session: OutreachSession {
        let zone = (try? RegionZone(identifier: timeZone)) ?? .jakarta
        return OutreachSession(
            id: id, taskForceId: taskForceId, title: title, format: format, mode: mode, venue: venue, onlineUrl: onlineUrl,
            startsAt: startsAt, endsAt: endsAt, timeZone: timeZone, zoneLabel: zone.label(at: startsAt),
            startsLocal: LocalTime.short(startsAt, in: zone), endsLocal: LocalTime.short(endsAt, in: zone),
            audiences: audiences, capacity: capacity, status: status, cancelReason: cancelReason, notes: notes, outcome: outcome,
            version: version, participants: participants, attended: attended, createdAt: createdAt, updatedAt: updatedAt, warnings: [])
    }
}

extension Participant {
    var withoutContacts: Participant {
        var copy = self
        copy.email = nil
        return copy
    }
}
