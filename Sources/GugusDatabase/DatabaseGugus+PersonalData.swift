import Foundation
import GugusModel
import Postgres

/// The session columns of an exported invitation.
private struct InvitedSession: Decodable {
    var title: String
    var startsAt: Date
    var status: OutreachSession.Status
    var taskForceId: Int64
    var erasedAt: Date?
}

/// The rows that hold one person: their person record, the invitations sent to their address
/// as an outside guest, and a portal account with the same address.
struct PersonalSubject: Sendable {
    var personIDs: [Int64] = []
    var guestIDs: [Int64] = []
    var accountIDs: [Int64] = []

    var isEmpty: Bool { personIDs.isEmpty && guestIDs.isEmpty && accountIDs.isEmpty }
    /// How reminders name them (`reminder.person_key`).
    var personKeys: [String] { personIDs.map { "person:\($0)" } + guestIDs.map { "guest:\($0)" } }
}

extension DatabaseGugus {
    // MARK: Personal data (admin)

    public func exportPerson(_ person: PersonRef) async throws -> PersonalDataExport {
        try caller.requireAdmin(Localized(id: "mengekspor data pribadi", en: "export personal data"))
        // A write: the export itself goes into the audit log.
        return try await write("person.export") { connection in
            let subject = try await Self.subject(person, on: connection)
            try await recordPersonal("person.export", subject: subject, details: ["request": .string(person.description)], on: connection)
            return try await Self.export(subject, request: person, now: clock(), on: connection)
        }
    }

    public func correctPerson(_ correction: PersonCorrection) async throws -> PersonChangeReport {
        try caller.requireAdmin(Localized(id: "mengoreksi data pribadi", en: "correct personal data"))
        let email = try correction.newEmail.map { try EmailAddress(parsing: $0, field: "new_email") }
        let phone = try correction.phone.map { try PhoneNumber(parsing: $0, field: "phone") }
        let name = correction.name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.isEmpty {
            throw GugusError.invalid(field: "name", value: correction.name, Localized(
                id: "nama tidak boleh kosong", en: "the name must not be empty"))
        }
        if email == nil && phone == nil && name == nil {
            throw GugusError.invalid(field: "new_email", value: nil, Localized(
                id: "tidak ada yang dikoreksi: beri --new-email, --phone atau --name",
                en: "nothing to correct: give --new-email, --phone or --name"))
        }
        return try await write("person.correct") { connection in
            let subject = try await Self.subject(correction.person, on: connection)
            if subject.personIDs.isEmpty && subject.guestIDs.isEmpty {
                throw GugusError.notFound(Localized(
                    id: "\(correction.person.described.id) hanya akun portal; ubah akun dengan `gugus user`",
                    en: "\(correction.person) is only a portal account; change accounts with `gugus user`"))
            }
            if phone != nil && subject.personIDs.isEmpty {
                throw GugusError.invalid(field: "phone", value: correction.phone, Localized(
                    id: "Gugus tidak menyimpan nomor telepon tamu luar; hanya anggota yang punya nomor",
                    en: "Gugus keeps no phone number for outside guests; only members have one"))
            }
            if let email, let other = try await connection.query("""
                SELECT id FROM person WHERE lower(email) = \(email.normalized) AND NOT id = ANY (\(subject.personIDs))
                """).single()?.decode(Int64.self) {
                throw GugusError.conflict(Localized(
                    id: "alamat \(email.address) sudah milik orang lain (orang \(other)); satu alamat untuk satu orang",
                    en: "the address \(email.address) already belongs to someone else (person \(other)); one address, one person"))
            }
            try await connection.execute("""
                UPDATE person SET email = coalesce(\(email?.address), email), phone = coalesce(\(phone?.e164), phone),
                                  name = coalesce(\(name), name)
                WHERE id = ANY (\(subject.personIDs))
                """)
            try await connection.execute("""
                UPDATE participant SET email = coalesce(\(email?.address), email), name = coalesce(\(name), name)
                WHERE id = ANY (\(subject.guestIDs))
                """)
            // Reminders still to go carry the new address and name.
            let reminders = try await connection.execute("""
                UPDATE reminder SET recipient_email = coalesce(\(email?.address), recipient_email),
                                    recipient_name = coalesce(\(name), recipient_name), updated_at = now()
                WHERE person_key = ANY (\(subject.personKeys)) AND status IN ('pending', 'failed')
                """)
            let fields = [email.map { _ in "email" }, phone.map { _ in "phone" }, name.map { _ in "name" }].compactMap { $0 }
            return PersonChangeReport(
                persons: subject.personIDs, participants: subject.guestIDs, accounts: [], reminders: reminders, auditEntries: 0, fields: fields)
        }
    }

    public func erasePerson(_ erasure: PersonErasure) async throws -> PersonChangeReport {
        try caller.requireAdmin(Localized(id: "menghapus data pribadi", en: "erase personal data"))
        let reason = erasure.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw GugusError.invalid(field: "reason", value: erasure.reason, Localized(
                id: "penghapusan perlu alasannya (--reason), misalnya permintaan orang itu sendiri",
                en: "an erasure needs its reason (--reason), for example the person's own request"))
        }
        return try await write("person.erase") { connection in
            let subject = try await Self.subject(erasure.person, on: connection)
            if let active = try await connection.query("""
                SELECT id FROM account WHERE id = ANY (\(subject.accountIDs)) AND disabled_at IS NULL ORDER BY id LIMIT 1
                """).single()?.decode(Int64.self) {
                throw GugusError.conflict(Localized(
                    id: "\(erasure.person.described.id) juga akun portal \(active) yang masih aktif; nonaktifkan dulu dengan `gugus user disable \(active)`",
                    en: "\(erasure.person) is also portal account \(active), still active; disable it first with `gugus user disable \(active)`"))
            }
            return try await erase(subject, eraseName: erasure.eraseName, reason: reason, on: connection)
        }
    }

    /// Erases the subject's contact data (and the name, if asked) from every row that holds
    /// it, the audit log's images and the reminders' texts included, in the caller's
    /// transaction. Memberships, with their roles, dates and decrees, stay.
    func erase(
        _ subject: PersonalSubject, eraseName: Bool, reason: String, action: String = "person.erase", on connection: PostgresConnection
    ) async throws -> PersonChangeReport {
        let participants = try await connection.query("""
            SELECT coalesce(array_agg(id), '{}') FROM participant
            WHERE id = ANY (\(subject.guestIDs)) OR membership_id IN (SELECT id FROM membership WHERE person_id = ANY (\(subject.personIDs)))
            """).single()!.decode([Int64].self)
        let memberships = try await connection.query("""
            SELECT coalesce(array_agg(id), '{}') FROM membership WHERE person_id = ANY (\(subject.personIDs))
            """).single()!.decode([Int64].self)
        let ownAudit = Self.auditOfTheirRows(subject, participants: participants)
        let theirs = Self.theirReminders(subject, memberships: memberships, participants: participants)
        // Their values now, and what they were before a correction: the audit log's images of
        // their own rows hold that.
        let values = try await connection.query("""
            SELECT DISTINCT key, value FROM (
                SELECT key, value FROM person, LATERAL (VALUES ('email', email), ('phone', phone), ('name', name)) AS v(key, value)
                WHERE id = ANY (\(subject.personIDs))
                UNION ALL
                SELECT key, value FROM participant, LATERAL (VALUES ('email', email), ('name', name)) AS v(key, value)
                WHERE id = ANY (\(subject.guestIDs))
                UNION ALL
                SELECT key, value FROM account, LATERAL (VALUES ('email', email), ('name', name)) AS v(key, value)
                WHERE id = ANY (\(subject.accountIDs))
                UNION ALL
                SELECT key, image ->> key
                FROM audit_log, LATERAL (VALUES (before), (after)) AS i(image), unnest(ARRAY['email', 'phone', 'name']) AS key
                WHERE \(ownAudit)) AS x
            WHERE value IS NOT NULL AND btrim(value) <> '' AND value <> \(Self.erasedName)
            """).decode((String, String).self)
        let contacts = Array(Set(values.filter { $0.0 != "name" }.map(\.1))).sorted()
        let secrets = eraseName ? Array(Set(values.map(\.1))).sorted() : contacts

        // Nothing more goes to them: what was still to go is skipped, with the reason.
        let skipped = try await connection.query("""
            WITH gone AS (
                UPDATE reminder r SET status = 'skipped', skip_reason = 'erased', lease_until = NULL, leased_by = NULL, updated_at = now()
                WHERE \(theirs) AND r.status IN ('pending', 'failed')
                RETURNING r.id, r.attempts)
            INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
            SELECT id, attempts, 'erasure', 'skipped', 'erased' FROM gone
            RETURNING reminder_id
            """).count
        try await connection.execute("""
            UPDATE reminder r SET recipient_email = NULL,
                                recipient_name = CASE WHEN \(eraseName) THEN \(Self.erasedName) ELSE recipient_name END,
                                skip_reason = redact_text(skip_reason, \(secrets)), last_error = redact_text(last_error, \(secrets))
            WHERE \(theirs)
            """)
        try await connection.execute("""
            UPDATE reminder_attempt SET detail = redact_text(detail, \(secrets))
            WHERE reminder_id IN (SELECT r.id FROM reminder r WHERE \(theirs)) AND detail IS NOT NULL
            """)
        try await connection.execute("""
            UPDATE person SET email = NULL, phone = NULL, erased_at = now(),
                              name = CASE WHEN \(eraseName) THEN \(Self.erasedName) ELSE name END
            WHERE id = ANY (\(subject.personIDs))
            """)
        try await connection.execute("""
            UPDATE participant SET email = NULL, erased_at = now(),
                                   name = CASE WHEN \(eraseName) AND name IS NOT NULL THEN \(Self.erasedName) ELSE name END
            WHERE id = ANY (\(participants))
            """)
        try await connection.execute("""
            UPDATE account SET email = 'dihapus-' || id || '@gugus.invalid',
                               name = CASE WHEN \(eraseName) THEN \(Self.erasedName) ELSE name END
            WHERE id = ANY (\(subject.accountIDs))
            """)
        try await connection.execute("""
            UPDATE sign_in_request SET email = \(Self.erasedName) WHERE lower(email) = ANY (ARRAY(SELECT lower(s) FROM unnest(\(contacts)) AS s))
            """)
        // The audit log keeps what happened, not the values: their own rows' images lose the
        // name too, and an address or number written anywhere else goes.
        var redacted = try await connection.execute("""
            UPDATE audit_log SET before = redact_json(before, \(secrets)), after = redact_json(after, \(secrets))
            WHERE \(ownAudit)
            """)
        if !contacts.isEmpty {
            redacted += try await connection.execute("""
                UPDATE audit_log SET before = redact_json(before, \(contacts)), after = redact_json(after, \(contacts)),
                                     actor = redact_text(actor, \(secrets))
                WHERE before::text ~* redact_pattern(\(contacts)) OR after::text ~* redact_pattern(\(contacts))
                   OR actor ~* redact_pattern(\(contacts))
                """)
            try await connection.execute("""
                UPDATE reminder_rule SET created_by = redact_text(created_by, \(secrets)) WHERE created_by ~* redact_pattern(\(contacts))
                """)
        }
        let fields = ["email", "phone"] + (eraseName ? ["name"] : [])
        try await recordPersonal(action, subject: subject, details: [
            "reason": .string(reason), "erased": .array(fields.map(JSONValue.string)),
        ], on: connection)
        return PersonChangeReport(
            persons: subject.personIDs, participants: participants, accounts: subject.accountIDs, reminders: skipped,
            auditEntries: redacted, fields: fields)
    }

    // MARK: Retention

    /// Erases the contact details that the retention policy no longer allows to keep, or in
    /// a dry run lists them: the same selection either way.
    public func applyRetention(dryRun: Bool) async throws -> RetentionReport {
        try caller.requireAdmin(Localized(id: "menjalankan masa simpan data pribadi", en: "apply the personal-data retention"))
        let policy = retention
        let run: @Sendable (PostgresConnection) async throws -> RetentionReport = { connection in
            if !dryRun {
                // Every `serve` and `scheduler run` applies retention daily: one at a time, and
                // the one that waited finds what the first erased already gone.
                try await connection.execute("SELECT pg_advisory_xact_lock(hashtext('gugus.retention'))")
            }
            let items = try await Self.retentionItems(policy, on: connection)
            if !dryRun {
                let guests = items.filter { $0.kind == .guest }.flatMap(\.participantIds)
                let members = items.filter { $0.kind == .formerMember }.compactMap(\.personId)
                if !guests.isEmpty {
                    _ = try await erase(PersonalSubject(guestIDs: guests), eraseName: false, reason: Localized(
                        id: "masa simpan: \(policy.guestMonths) bulan setelah sesi terakhir",
                        en: "retention: \(policy.guestMonths) months after the last session").id, action: "person.retention", on: connection)
                }
                if !members.isEmpty {
                    _ = try await erase(PersonalSubject(personIDs: members), eraseName: false, reason: Localized(
                        id: "masa simpan: \(policy.memberYears) tahun setelah keanggotaan berakhir",
                        en: "retention: \(policy.memberYears) years after the membership ended").id, action: "person.retention", on: connection)
                }
                // Every run is in the audit log, also one that found nothing to erase.
                let summary = String(decoding: try GugusJSON.encoder().encode(JSONValue.object([
                    "guest_months": .number(Double(policy.guestMonths)), "member_years": .number(Double(policy.memberYears)),
                    "guests": .number(Double(guests.count)), "former_members": .number(Double(members.count)),
                ])), as: UTF8.self)
                try await connection.execute("""
                    INSERT INTO audit_log (actor, action, operation, entity, entity_id, after)
                    VALUES (\(caller.name), 'person.retention', 'update', 'retention', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                            \(summary)::jsonb)
                    """)
            }
            return RetentionReport(dryRun: dryRun, policy: policy, ranAt: clock(), items: items)
        }
        return dryRun ? try await read(run) : try await write("person.retention", run)
    }

    static func retentionItems(_ policy: RetentionPolicy, on connection: PostgresConnection) async throws -> [RetentionItem] {
        let guests = try await connection.query("""
            SELECT min(p.name) AS name, max(s.ends_at) AS last_activity, array_agg(p.id ORDER BY p.id) AS ids
            FROM participant p JOIN outreach_session s ON s.id = p.session_id
            WHERE p.membership_id IS NULL AND p.email IS NOT NULL AND p.erased_at IS NULL
            GROUP BY lower(p.email)
            HAVING max(s.ends_at) < now() - make_interval(months => \(policy.guestMonths)::integer)
            ORDER BY min(p.id)
            """).map { row in
            RetentionItem(
                kind: .guest, personId: nil, participantIds: try row.column("ids").decode([Int64].self),
                name: try row.column("name").decode(String.self), lastActivity: try row.column("last_activity").decode(Date.self),
                fields: ["email"])
        }
        guard policy.memberYears > 0 else { return guests }
        let members = try await connection.query("""
            SELECT pe.id, pe.name, (max(m.valid_until) + 1)::timestamp AT TIME ZONE 'Asia/Jakarta' AS last_activity,
                   pe.email IS NOT NULL AS has_email, pe.phone IS NOT NULL AS has_phone
            FROM person pe JOIN membership m ON m.person_id = pe.id
            WHERE pe.erased_at IS NULL AND (pe.email IS NOT NULL OR pe.phone IS NOT NULL)
            GROUP BY pe.id
            HAVING bool_and(m.valid_until IS NOT NULL)
               AND max(m.valid_until) < ((now() AT TIME ZONE 'Asia/Jakarta') - make_interval(years => \(policy.memberYears)::integer))::date
            ORDER BY pe.id
            """).map { row in
            RetentionItem(
                kind: .formerMember, personId: try row.column("id").decode(Int64.self), participantIds: [],
                name: try row.column("name").decode(String.self), lastActivity: try row.column("last_activity").decode(Date.self),
                fields: (try row.column("has_email").decode(Bool.self) ? ["email"] : []) + (try row.column("has_phone").decode(Bool.self) ? ["phone"] : []))
        }
        return guests + members
    }

    // MARK: Helpers

    static let erasedName = "[dihapus]"

    /// Their reminders (`reminder r`): by the person they were planned for, and by the
    /// membership or invitation they went to (which also finds rows from before person keys).
    static func theirReminders(_ subject: PersonalSubject, memberships: [Int64], participants: [Int64]) -> PostgresQuery {
        let keys = memberships.map { "membership:\($0)" } + participants.map { "participant:\($0)" }
        return "(r.person_key = ANY (\(subject.personKeys)) OR r.recipient_key = ANY (\(keys)))"
    }

    /// The audit entries of the rows that hold their data: person, invitations, accounts.
    static func auditOfTheirRows(_ subject: PersonalSubject, participants: [Int64]) -> PostgresQuery {
        """
        ((entity = 'person' AND entity_id = ANY (\(subject.personIDs.map(String.init))))
         OR (entity = 'participant' AND entity_id = ANY (\(participants.map(String.init))))
         OR (entity = 'account' AND entity_id = ANY (\(subject.accountIDs.map(String.init)))))
        """
    }

    /// An audit entry of its own for each record an export or erasure was about, with what
    /// it was for and none of the values.
    func recordPersonal(_ action: String, subject: PersonalSubject, details: [String: JSONValue], on connection: PostgresConnection) async throws {
        let entities = subject.personIDs.map { ("person", String($0)) } + subject.guestIDs.map { ("participant", String($0)) }
            + subject.accountIDs.map { ("account", String($0)) }
        let after = String(decoding: try GugusJSON.encoder().encode(JSONValue.object(details)), as: UTF8.self)
        try await connection.execute("""
            INSERT INTO audit_log (actor, action, operation, entity, entity_id, after)
            SELECT \(caller.name), \(action), 'update', e.entity, e.id, \(after)::jsonb
            FROM unnest(\(entities.map(\.0)), \(entities.map(\.1))) AS e(entity, id)
            """)
    }

    /// Whom a request is about: the person record and every invitation and account under the
    /// same address.
    static func subject(_ reference: PersonRef, on connection: PostgresConnection) async throws -> PersonalSubject {
        var email: String?
        var subject = PersonalSubject()
        switch reference {
        case .email(let text):
            email = try EmailAddress(parsing: text, field: "email").normalized
        case .member(let id):
            guard let row = try await connection.query("""
                SELECT m.person_id, p.email FROM membership m JOIN person p ON p.id = m.person_id WHERE m.id = \(id)
                """).single() else {
                throw GugusError.notFound(Localized(id: "tidak ada anggota dengan id \(id)", en: "no member with id \(id)"))
            }
            (subject.personIDs, email) = try ([row.column("person_id").decode(Int64.self)], row.column("email").decode(String?.self))
        case .participant(let id):
            guard let row = try await connection.query("""
                SELECT m.person_id, coalesce(pe.email, p.email) AS email
                FROM participant p LEFT JOIN membership m ON m.id = p.membership_id LEFT JOIN person pe ON pe.id = m.person_id
                WHERE p.id = \(id)
                """).single() else {
                throw GugusError.notFound(Localized(id: "tidak ada peserta dengan id \(id)", en: "no participant with id \(id)"))
            }
            let person = try row.column("person_id").decode(Int64?.self)
            subject.personIDs = person.map { [$0] } ?? []
            subject.guestIDs = person == nil ? [id] : []
            email = try row.column("email").decode(String?.self)
        }
        if let email {
            let found = try await connection.query("""
                SELECT (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM person WHERE lower(email) = lower(\(email))),
                       (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM participant
                        WHERE membership_id IS NULL AND lower(email) = lower(\(email))),
                       (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM account WHERE lower(email) = lower(\(email)))
                """).single()!.decode(([Int64], [Int64], [Int64]).self)
            subject.personIDs = Array(Set(subject.personIDs + found.0)).sorted()
            subject.guestIDs = Array(Set(subject.guestIDs + found.1)).sorted()
            subject.accountIDs = found.2
        }
        if subject.isEmpty {
            throw GugusError.notFound(Localized(
                id: "Gugus tidak menyimpan data apa pun tentang \(reference.described.id)", en: "Gugus holds nothing about \(reference)"))
        }
        return subject
    }

    static func export(_ subject: PersonalSubject, request: PersonRef, now: Date, on connection: PostgresConnection) async throws -> PersonalDataExport {
        let persons = try await connection.query("""
            SELECT id, name, email, phone, language, created_at, erased_at FROM person WHERE id = ANY (\(subject.personIDs)) ORDER BY id
            """).decode(as: PersonRecord.self)
        let memberships = try await connection.query(memberSelect + " WHERE m.person_id = ANY (\(subject.personIDs)) ORDER BY m.id")
            .decode(as: Member.self)
        let participations = try await connection.query("""
            SELECT p.id, p.session_id, p.membership_id, coalesce(pe.name, p.name) AS name, coalesce(pe.email, p.email) AS email,
                   coalesce(i.name, p.organisation) AS organisation, p.role, p.registration, p.attended, p.checked_in_at,
                   s.title, s.starts_at, s.status, s.task_force_id, p.erased_at
            FROM participant p
            JOIN outreach_session s ON s.id = p.session_id
            LEFT JOIN membership m ON m.id = p.membership_id
            LEFT JOIN person pe ON pe.id = m.person_id
            LEFT JOIN institution i ON i.id = m.institution_id
            WHERE p.id = ANY (\(subject.guestIDs)) OR m.person_id = ANY (\(subject.personIDs))
            ORDER BY p.id
            """).map { row in
            let session = try row.decode(as: InvitedSession.self)
            return PersonParticipation(
                participant: try row.decode(as: Participant.self), sessionTitle: session.title, sessionStartsAt: session.startsAt,
                sessionStatus: session.status, taskForceId: session.taskForceId, erasedAt: session.erasedAt)
        }
        let participants = participations.map(\.participant.id)
        let reminders = try await connection.query(reminderSelect + """
             WHERE \(theirReminders(subject, memberships: memberships.map(\.id), participants: participants)) ORDER BY r.id
            """).decode(as: ReminderRow.self).map(\.reminder)
        let optOuts = try await connection.query("""
            SELECT id, kind, reminder_id, opted_out_at, undone_at FROM opt_out
            WHERE subject = ANY (\(subject.personIDs.map { "person:\($0)" }))
               OR subject IN (SELECT opt_out_subject('guest:' || id, email) FROM participant WHERE id = ANY (\(subject.guestIDs)))
            ORDER BY id
            """).decode(as: OptOut.self)
        let accounts = try await connection.query(accountSelect + " WHERE id = ANY (\(subject.accountIDs)) ORDER BY id").decode(as: Account.self)
        let audit = try await connection.query("""
            SELECT a.id, a.at, a.actor, a.action, a.operation, a.entity, a.entity_id, a.task_force_id, a.before, a.after
            FROM audit_log a
            WHERE \(auditOfTheirRows(subject, participants: participants))
               OR (entity = 'membership' AND entity_id = ANY (\(memberships.map { String($0.id) })))
               OR (entity = 'opt_out' AND entity_id = ANY (\(optOuts.map { String($0.id) })))
            ORDER BY a.id
            """).decode(as: AuditEntry.self)
        let taskForces = Array(Set(memberships.map(\Member.taskForceId) + participations.map(\PersonParticipation.taskForceId)))
        let access = try await connection.query("""
            WITH regions AS (SELECT region_code FROM task_force WHERE id = ANY (\(taskForces)) AND region_code IS NOT NULL)
            SELECT 'account' AS kind, id, name || ' <' || email || '>' AS name, role, region_code FROM account
            WHERE disabled_at IS NULL AND (role = 'admin' OR (role = 'coordinator' AND region_code IN (SELECT region_code FROM regions)))
            UNION ALL
            SELECT 'token', id, name, role, region_code FROM api_token
            WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
              AND (role = 'admin' OR (role = 'coordinator' AND region_code IN (SELECT region_code FROM regions)))
            ORDER BY 1, 2
            """).decode(as: ContactAccess.self)
        return PersonalDataExport(
            generatedAt: now, request: request, persons: persons, memberships: memberships, participations: participations,
            reminders: reminders, optOuts: optOuts, accounts: accounts, audit: audit, contactAccess: access,
            processing: processingRecord)
    }

    /// The record of processing, as docs/privacy.md sets it out.
    public static let processingRecord: [ProcessingRecord] = [
        ProcessingRecord(
            data: Localized(
                id: "Nama, jabatan, instansi, peran, alamat surel dan nomor telepon anggota gugus tugas",
                en: "Task-force members' names, positions, institutions, roles, e-mail addresses and phone numbers"),
            purpose: Localized(
                id: "Mencatat keanggotaan yang ditetapkan keputusan gubernur, dan mengoordinasikan gugus tugas",
                en: "Recording the membership a governor decree set, and coordinating the task force"),
            recipients: Localized(
                id: "Sekretariat nasional (admin) dan koordinator wilayah gugus tugas itu; server SMTP dan gateway webhook untuk pengingat",
                en: "The national secretariat (admins) and the task force's regional coordinators; the SMTP server and webhook gateways for reminders"),
            retention: Localized(
                id: "Keanggotaan disimpan sebagai arsip; surel dan telepon dihapus 5 tahun setelah keanggotaan terakhir berakhir",
                en: "Memberships are kept as archives; e-mail and phone go 5 years after the last membership ended")),
        ProcessingRecord(
            data: Localized(id: "Nama, organisasi dan alamat surel tamu luar sesi", en: "Outside session guests' names, organisations and e-mail addresses"),
            purpose: Localized(id: "Mengundang, mengingatkan dan mencatat kehadiran sesi", en: "Inviting, reminding and recording attendance of sessions"),
            recipients: Localized(
                id: "Admin dan koordinator wilayah penyelenggara; server SMTP dan gateway webhook untuk pengingat",
                en: "Admins and the organising region's coordinators; the SMTP server and webhook gateways for reminders"),
            retention: Localized(
                id: "Alamat surel dihapus 12 bulan setelah sesi terakhir; nama dan kehadiran tetap sebagai catatan sesi",
                en: "The address goes 12 months after the last session; the name and attendance stay as the session's record")),
        ProcessingRecord(
            data: Localized(id: "Pengingat yang dikirim: kepada siapa, lewat saluran apa, kapan", en: "Reminders sent: to whom, on which channel, when"),
            purpose: Localized(
                id: "Memastikan setiap pengingat terkirim sekali, dan dapat dibuktikan",
                en: "Making sure each reminder goes once, and can be shown to have gone"),
            recipients: Localized(id: "Admin dan koordinator wilayah", en: "Admins and regional coordinators"),
            retention: Localized(
                id: "Seperti data orangnya: isi kontak dihapus bersama penghapusan orang itu",
                en: "As the person's data: the contact details go when the person's do")),
        ProcessingRecord(
            data: Localized(id: "Log audit: siapa mengubah apa, kapan, dengan isi sebelum dan sesudah", en: "Audit log: who changed what, when, with before and after"),
            purpose: Localized(id: "Akuntabilitas perubahan data", en: "Accountability for changes to the data"),
            recipients: Localized(id: "Admin; koordinator untuk gugus tugasnya sendiri", en: "Admins; coordinators for their own task force"),
            retention: Localized(
                id: "Disimpan; nilai yang dihapus dihilangkan juga dari isi sebelum dan sesudah",
                en: "Kept; erased values are removed from the before and after images too")),
    ]
}
