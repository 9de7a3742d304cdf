import Foundation
import GugusModel
import Postgres

extension DatabaseGugus {
    public func addMember(_ input: NewMember) async throws -> Member {
        // Spaced as the roster import spaces them, so that both find the same person again.
        let name = input.name.collapsingWhitespace
        let position = input.position.collapsingWhitespace
        let institution = input.institution.collapsingWhitespace
        var problems: [GugusError.FieldError] = []
        if name.isEmpty { problems.append(.required("name", id: "nama", en: "the name")) }
        if position.isEmpty { problems.append(.required("position", id: "jabatan", en: "the position (jabatan)")) }
        if institution.isEmpty { problems.append(.required("institution", id: "instansi", en: "the institution")) }
        if let group = input.workingGroup, !(1...3).contains(group) {
            problems.append(.init(field: "working_group", value: String(group), message: Localized(
                id: "pokja \(group) tidak ada; gunakan 1, 2 atau 3", en: "working group \(group) does not exist; use 1, 2 or 3")))
        }
        if let from = input.from, let until = input.until, until < from {
            problems.append(.init(field: "until", value: until.description, message: Localized(
                id: "selesai \(until) lebih awal dari mulai \(from)", en: "until \(until) is before from \(from)")))
        }
        if let kind = input.institutionKind, !InstitutionKind.all.contains(kind) {
            problems.append(.init(field: "institution_kind", value: kind, message: Localized(
                id: "jenis instansi '\(kind)' tidak dikenal; pilih salah satu: \(InstitutionKind.all.joined(separator: ", "))",
                en: "unknown institution kind '\(kind)'; use one of: \(InstitutionKind.all.joined(separator: ", "))")))
        }
        if let first = problems.first {
            throw GugusError(.invalid, first.message, fieldErrors: problems)
        }

        return try await write("member.add") { connection in
            let taskForce = try await Self.taskForce(input.taskForce, on: connection)
            try caller.requireWrite(to: taskForce)
            let (decreeID, from) = try await appointment(decreeID: input.decreeId, from: input.from, taskForce: taskForce, on: connection)
            if let until = input.until, until < from {
                throw GugusError.invalid(field: "until", value: until.description, Localized(
                    id: "selesai \(until) lebih awal dari mulai \(from)", en: "until \(until) is before the start, \(from)"))
            }
            let institutionID = try await Self.institution(
                named: institution, kind: input.institutionKind ?? InstitutionKind.guess(from: institution),
                region: taskForce.regionCode, on: connection)
            let personID = try await Self.person(
                name: name, email: input.email, phone: input.phone, language: input.language,
                institutionID: institutionID, taskForceID: taskForce.id, on: connection)
            try await checkSeat(role: input.role, personID: personID, from: from, until: input.until, taskForce: taskForce, on: connection)
            let id = try await connection.query("""
                INSERT INTO membership (task_force_id, person_id, institution_id, position, role, working_group, decree_id, valid_from, valid_until)
                VALUES (\(taskForce.id), \(personID), \(institutionID), \(position), \(input.role.rawValue),
                        \(input.workingGroup.map(Int16.init)), \(decreeID), \(from), \(input.until))
                RETURNING id
                """).single()!.decode(Int64.self)
            return try await Self.member(id, on: connection, showContacts: true)!
        }
    }

    public func members(taskForce reference: TaskForceRef, at date: CivilDate?, page: PageRequest) async throws -> Page<Member> {
        try caller.requireRegistryRead()
        let offset = try page.afterID()
        return try await read { connection in
            let taskForce = try await Self.taskForce(reference, on: connection)
            let day = date ?? today(in: taskForce.zone)
            let members = try await connection.query(Self.memberSelect + """
                 WHERE m.task_force_id = \(taskForce.id)
                   AND m.valid_from <= \(day) AND (m.valid_until IS NULL OR m.valid_until >= \(day))
                ORDER BY array_position(ARRAY['ketua','wakil_ketua','sekretaris','wakil_sekretaris','anggota'], m.role),
                         m.working_group NULLS FIRST, p.name, m.id
                OFFSET \(offset) LIMIT \(page.limit + 1)
                """).decode(as: Member.self)
            var visible = members.prefix(page.limit).map { caller.seesContacts(of: taskForce) ? $0 : $0.withoutContacts }
            if caller.seesContacts(of: taskForce) {
                // Who opted out of which reminders, for those who coordinate the task force.
                let off = try await connection.query("""
                    SELECT substr(subject, 8)::bigint AS person, array_agg(kind ORDER BY kind) AS kinds FROM opt_out
                    WHERE subject = ANY (\(visible.map { "person:\($0.personId)" })) AND undone_at IS NULL
                    GROUP BY subject
                    """).decode((Int64, [String]).self)
                let kinds = Dictionary(off, uniquingKeysWith: { first, _ in first })
                for index in visible.indices { visible[index].remindersOff = kinds[visible[index].personId] ?? [] }
            }
            return Page(items: visible, nextCursor: members.count > page.limit ? String(offset + Int64(page.limit)) : nil)
        }
    }

    public func endMember(id: Int64, on date: CivilDate, reason: String?) async throws -> Member {
        try await write("member.end") { connection in
            guard let member = try await Self.member(id, on: connection, showContacts: true) else {
                throw GugusError.notFound(Localized(
                    id: "tidak ada anggota dengan id \(id); lihat `gugus member list --taskforce REF`",
                    en: "no member with id \(id); see `gugus member list --taskforce REF`"))
            }
            let taskForce = try await Self.taskForce(.id(member.taskForceId), on: connection)
            try caller.requireWrite(to: taskForce)
            // A term that runs past the date (a roster's planned end) may be cut short.
            if let until = member.validUntil, until <= date {
                throw GugusError.conflict(Localized(
                    id: "keanggotaan \(id) (\(member.name)) sudah berakhir pada \(until)",
                    en: "membership \(id) (\(member.name)) already ended on \(until)"))
            }
            guard date >= member.validFrom else {
                throw GugusError.invalid(field: "on", value: date.description, Localized(
                    id: "tanggal berakhir \(date) lebih awal dari awal keanggotaan \(member.validFrom)",
                    en: "the end date \(date) is before the membership began, \(member.validFrom)"))
            }
            try await connection.execute("""
                UPDATE membership SET valid_until = \(date), end_reason = \(reason?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty)
                WHERE id = \(id)
                """)
            return try await Self.member(id, on: connection, showContacts: true)!
        }
    }

    // MARK: Helpers

    /// The appointing decree and the first day. An explicit decree must be this task force's;
    /// without one, the establishing decree in force on `from` (or today) appoints, else the
    /// latest one registered. The first day defaults to the decree's effective date.
    func appointment(decreeID: Int64?, from: CivilDate?, taskForce: TaskForce, on connection: PostgresConnection) async throws -> (Int64?, CivilDate) {
        if let decreeID {
            let decree = try await Self.linkedDecree(decreeID, of: taskForce, field: "decree", on: connection)
            return (decreeID, from ?? decree.effectiveFrom)
        }
        let day = from ?? today(in: taskForce.zone)
        let row = try await connection.query("""
            SELECT id, effective_from FROM decree
            WHERE task_force_id = \(taskForce.id) AND amends_id IS NULL AND effective_from <= \(day)
            ORDER BY in_force @> \(day) DESC, effective_from DESC LIMIT 1
            """).single()
        guard let (id, effectiveFrom) = try row?.decode((Int64, CivilDate).self) else { return (nil, day) }
        return (id, from ?? effectiveFrom)
    }

    /// One ketua and one sekretaris at a time, and a person once: checked here to name the
    /// current holder; the schema's exclusion constraints hold it under races.
    func checkSeat(role: MemberRole, personID: Int64, from: CivilDate, until: CivilDate?, taskForce: TaskForce, on connection: PostgresConnection, excluding membershipID: Int64? = nil) async throws {
        let term: PostgresQuery = "daterange(\(from), \(until.map { $0.adding(days: 1) }), '[)')"
        let clash = try await connection.query("""
            SELECT m.id, p.name, m.role, m.valid_from, m.person_id = \(personID) AS same_person
            FROM membership m JOIN person p ON p.id = m.person_id
            WHERE m.task_force_id = \(taskForce.id) AND m.term && \(term)
              AND (m.person_id = \(personID) OR (m.role = \(role.rawValue) AND m.role IN ('ketua', 'sekretaris')))
              AND m.id <> \(membershipID ?? 0)
            ORDER BY same_person DESC LIMIT 1
            """).single()
        guard let clash else { return }
        let (id, name, heldRole, since, samePerson) = try clash.decode((Int64, String, String, CivilDate, Bool).self)
        if samePerson {
            throw GugusError.conflict(Localized(
                id: "\(name) sudah menjadi anggota gugus tugas \(taskForce.reference) sebagai \(heldRole) (anggota \(id), sejak \(since))",
                en: "\(name) is already a member of task force \(taskForce.reference) as \(heldRole) (member \(id), since \(since))"))
        }
        throw GugusError.conflict(Localized(
            id: "gugus tugas \(taskForce.reference) sudah punya \(heldRole): \(name) (anggota \(id), sejak \(since)); akhiri dulu dengan `gugus member end \(id) --on TANGGAL`",
            en: "task force \(taskForce.reference) already has a \(heldRole): \(name) (member \(id), since \(since)); end that membership first with `gugus member end \(id) --on DATE`"))
    }

    static let memberSelect: PostgresQuery = """
        SELECT m.id, m.task_force_id, m.person_id, p.name, p.email, p.phone, p.language, i.name AS institution,
               i.kind AS institution_kind, m.position, m.role, m.working_group, m.decree_id, d.number AS decree_number,
               m.valid_from, m.valid_until, m.end_reason, '{}'::text[] AS reminders_off
        FROM membership m
        JOIN person p ON p.id = m.person_id
        JOIN institution i ON i.id = m.institution_id
        LEFT JOIN decree d ON d.id = m.decree_id
        """

    static func member(_ id: Int64, on connection: PostgresConnection, showContacts: Bool) async throws -> Member? {
        let member = try await connection.query(memberSelect + " WHERE m.id = \(id)").single()?.decode(as: Member.self)
        return showContacts ? member : member?.withoutContacts
    }

    /// The institution by name within the region (or national), created when new.
    static func institution(named name: String, kind: String, region: String?, on connection: PostgresConnection) async throws -> Int64 {
        if let id = try await connection.query("""
            SELECT id FROM institution
            WHERE lower(btrim(name)) = lower(btrim(\(name))) AND (region_code IS NULL OR region_code = \(region))
            ORDER BY region_code NULLS LAST LIMIT 1
            """).single()?.decode(Int64.self) {
            return id
        }
        return try await connection.query("""
            INSERT INTO institution (name, kind, region_code) VALUES (\(name), \(kind), \(region))
            ON CONFLICT (lower(btrim(name)), coalesce(region_code, '')) DO UPDATE SET name = institution.name
            RETURNING id
            """).single()!.decode(Int64.self)
    }

    /// The person by e-mail, else by name among this task force's members of the same
    /// institution (the roster's matching rule: someone registered without an e-mail is
    /// found again when one is given now); created when new. Contact details given now fill
    /// in what was missing.
    static func person(
        name: String, email: EmailAddress?, phone: PhoneNumber?, language: Language?,
        institutionID: Int64, taskForceID: Int64, on connection: PostgresConnection
    ) async throws -> Int64 {
        var existing: Int64?
        if let email {
            existing = try await connection.query("SELECT id FROM person WHERE lower(email) = \(email.normalized)").single()?.decode(Int64.self)
        }
        if existing == nil {
            existing = try await connection.query("""
                SELECT p.id FROM person p JOIN membership m ON m.person_id = p.id
                WHERE m.task_force_id = \(taskForceID) AND m.institution_id = \(institutionID)
                  AND lower(btrim(p.name)) = lower(btrim(\(name))) AND (\(email?.address)::text IS NULL OR p.email IS NULL)
                ORDER BY m.valid_from DESC LIMIT 1
                """).single()?.decode(Int64.self)
        }
        if let existing {
            try await connection.execute("""
                UPDATE person SET phone = coalesce(\(phone?.e164), phone), language = coalesce(\(language?.rawValue), language),
                                  email = coalesce(email, \(email?.address))
                WHERE id = \(existing)
                """)
            return existing
        }
        return try await connection.query("""
            INSERT INTO person (name, email, phone, language) VALUES (\(name), \(email?.address), \(phone?.e164), \(language?.rawValue ?? "id"))
            RETURNING id
            """).single()!.decode(Int64.self)
    }
}

extension String {
    /// Trimmed, with every run of whitespace made one space.
    var collapsingWhitespace: String {
        split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension Member {
    /// The same member without e-mail and phone, for callers outside the task force's region.
    var withoutContacts: Member {
        var copy = self
        copy.email = nil
        copy.phone = nil
        copy.remindersOff = []
        return copy
    }
}

/// Institution kinds, and a guess from the name for rosters that don't say.
public enum InstitutionKind {
    public static let all = [
        "ministry", "provincial_agency", "regional_office", "company", "business_association",
        "civil_society", "academia", "other",
    ]

    public static func guess(from name: String) -> String {
        let lower = name.lowercased()
        func has(_ words: String...) -> Bool { words.contains { lower.contains($0) } }
        if has("kanwil", "kantor wilayah") { return "regional_office" }
        if has("kementerian", "kementrian", "badan nasional", "bappenas") { return "ministry" }
        if has("kadin", "apindo", "hipmi", "asosiasi", "gabungan pengusaha", "himpunan pengusaha") { return "business_association" }
        if lower.hasPrefix("pt ") || lower.hasPrefix("pt. ") || has(" tbk", "persero", "cv ") { return "company" }
        if has("universitas", "institut ", "politeknik", "sekolah tinggi", "fakultas") { return "academia" }
        if has("lbh", "lembaga bantuan hukum", "yayasan", "walhi", "perkumpulan", "lsm") { return "civil_society" }
        if has("dinas", "badan", "biro", "sekretariat daerah", "pemerintah provinsi", "gubernur", "satpol", "inspektorat", "bappeda") {
            return "provincial_agency"
        }
        return "other"
    }
}
