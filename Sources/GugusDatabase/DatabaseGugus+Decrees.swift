import Crypto
import Foundation
import GugusModel
import Postgres

extension DatabaseGugus {
    public func addDecree(_ input: NewDecree) async throws -> Decree {
        let number = input.number.trimmingCharacters(in: .whitespacesAndNewlines)
        let title = input.title.trimmingCharacters(in: .whitespacesAndNewlines)
        let signer = input.signerName.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [GugusError.FieldError] = []
        if number.isEmpty { problems.append(.required("number", id: "nomor surat keputusan", en: "the decree number")) }
        if title.isEmpty { problems.append(.required("title", id: "judul (\"tentang …\")", en: "the title (\"tentang …\")")) }
        if signer.isEmpty { problems.append(.required("signer", id: "nama penanda tangan", en: "the signer's name")) }
        let effectiveFrom = input.effectiveFrom ?? input.signedOn
        if let until = input.effectiveUntil, until < effectiveFrom {
            problems.append(.init(field: "effective_until", value: until.description, message: Localized(
                id: "berlaku sampai \(until) lebih awal dari mulai berlaku \(effectiveFrom); tanggal berakhir harus sama atau sesudahnya",
                en: "effective-until \(until) is before effective-from \(effectiveFrom); the term must end on or after it starts")))
        }
        if input.amendsId != nil && input.revokesId != nil {
            problems.append(.init(field: "revokes", value: input.revokesId.map(String.init), message: Localized(
                id: "sebuah keputusan mengubah (--amends) atau mencabut (--revokes), tidak keduanya",
                en: "a decree either amends (--amends) or revokes (--revokes), not both")))
        }
        if !problems.isEmpty {
            throw GugusError.invalid(problems, prefix: Localized(id: "surat keputusan tidak lengkap: ", en: "the decree is incomplete: "))
        }

        return try await write("decree.add") { connection in
            let taskForce = try await Self.taskForce(input.taskForce, on: connection)
            try caller.requireWrite(to: taskForce)
            let kind = try await Self.decreeKind(input.kind, for: taskForce, on: connection)

            let duplicate = try await connection.query("""
                SELECT id FROM decree
                WHERE kind = \(kind.rawValue) AND coalesce(issuing_region_code, '') = \(taskForce.regionCode ?? "")
                  AND signed_year = \(input.signedOn.year) AND lower(btrim(number)) = lower(\(number))
                """).single()?.decode(Int64.self)
            if let duplicate {
                throw GugusError(.conflict, Localized(
                    id: "nomor '\(number)' sudah terdaftar untuk keputusan \(kind.rawValue) \(taskForce.regionCode ?? "nasional") tahun \(input.signedOn.year) (keputusan \(duplicate)); periksa nomornya atau lihat `gugus decree list --taskforce \(taskForce.reference)`",
                    en: "number '\(number)' is already registered for a \(kind.rawValue) decree of \(taskForce.regionCode ?? "national") in \(input.signedOn.year) (decree \(duplicate)); check the number or see `gugus decree list --taskforce \(taskForce.reference)`"),
                    fieldErrors: [.init(field: "number", value: number, message: Localized(id: "nomor sudah terdaftar", en: "number already registered"))])
            }

            if let amendsID = input.amendsId {
                let amended = try await Self.linkedDecree(amendsID, of: taskForce, field: "amends", on: connection)
                guard amended.isEstablishing else {
                    throw GugusError.invalid(field: "amends", value: String(amendsID), Localized(
                        id: "keputusan \(amendsID) sendiri adalah perubahan; ubah keputusan pembentukannya (\(amended.amendsId ?? 0))",
                        en: "decree \(amendsID) is itself an amendment; amend the establishing decree (\(amended.amendsId ?? 0)) instead"))
                }
            } else {
                try await revokeOrCheckOverlap(input, effectiveFrom: effectiveFrom, taskForce: taskForce, on: connection)
            }

            let documentHash = try await Self.storeDocument(input.document, on: connection)
            let id = try await connection.query("""
                INSERT INTO decree (task_force_id, kind, issuing_region_code, number, title, place, signed_on,
                                    effective_from, effective_until, signer_name, signer_title, signer_acting,
                                    inaugurated_on, amends_id, revokes_id, document_sha256)
                VALUES (\(taskForce.id), \(kind.rawValue), \(taskForce.regionCode), \(number), \(title),
                        \(input.place?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty), \(input.signedOn),
                        \(effectiveFrom), \(input.effectiveUntil), \(signer),
                        \(input.signerTitle?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty), \(input.signerActing),
                        \(input.inauguratedOn), \(input.amendsId), \(input.revokesId), \(documentHash))
                RETURNING id
                """).single()!.decode(Int64.self)
            return try await Self.decree(id, on: connection)!
        }
    }

    /// A revoking decree ends the revoked one on its own effective date. Any other
    /// establishing decree must not overlap the one in force; the message names it.
    private func revokeOrCheckOverlap(_ input: NewDecree, effectiveFrom: CivilDate, taskForce: TaskForce, on connection: PostgresConnection) async throws {
        if let revokesID = input.revokesId {
            let revoked = try await Self.linkedDecree(revokesID, of: taskForce, field: "revokes", on: connection)
            if let revokedOn = revoked.revokedOn {
                throw GugusError.invalid(field: "revokes", value: String(revokesID), Localized(
                    id: "keputusan \(revokesID) ('\(revoked.number)') sudah dicabut per \(revokedOn)",
                    en: "decree \(revokesID) ('\(revoked.number)') was already revoked as of \(revokedOn)"))
            }
            guard effectiveFrom > revoked.effectiveFrom else {
                throw GugusError.invalid(field: "effective_from", value: effectiveFrom.description, Localized(
                    id: "keputusan pencabut harus mulai berlaku sesudah keputusan yang dicabut (\(revoked.effectiveFrom))",
                    en: "a revoking decree must take effect after the decree it revokes (\(revoked.effectiveFrom))"))
            }
            try await connection.execute("UPDATE decree SET revoked_on = \(effectiveFrom) WHERE id = \(revokesID)")
        }
        let overlapping = try await connection.query("""
            SELECT id, number, effective_from, upper(in_force) - 1 AS last_day
            FROM decree
            WHERE task_force_id = \(taskForce.id) AND amends_id IS NULL
              AND in_force && daterange(\(effectiveFrom), \(input.effectiveUntil.map { $0.adding(days: 1) }), '[)')
            ORDER BY effective_from LIMIT 1
            """).single()
        if let overlapping {
            let (id, number, from, lastDay) = try overlapping.decode((Int64, String, CivilDate, CivilDate?).self)
            let term = lastDay.map { "\(from) – \($0)" } ?? "\(from) –"
            throw GugusError(.conflict, Localized(
                id: "gugus tugas \(taskForce.reference) sudah punya keputusan pembentukan yang berlaku pada tanggal itu: '\(number)' (keputusan \(id), \(term)); untuk menggantinya, tambahkan keputusan baru dengan --revokes \(id)",
                en: "task force \(taskForce.reference) already has an establishing decree in force on those dates: '\(number)' (decree \(id), \(term)); to replace it, add the new decree with --revokes \(id)"))
        }
    }

    public func decrees(taskForce reference: TaskForceRef?, page: PageRequest) async throws -> Page<Decree> {
        try caller.requireRegistryRead()
        let after = try page.afterID()
        return try await read { connection in
            var filter: PostgresQuery = " WHERE d.id > \(after)"
            if let reference {
                let taskForce = try await Self.taskForce(reference, on: connection)
                filter.append(" AND d.task_force_id = \(taskForce.id)")
            }
            let decrees = try await connection.query(Self.decreeSelect + filter + " ORDER BY d.id LIMIT \(page.limit + 1)")
                .decode(as: Decree.self)
            return Page(items: Array(decrees.prefix(page.limit)), nextCursor: decrees.count > page.limit ? String(decrees[page.limit - 1].id) : nil)
        }
    }

    // MARK: Helpers

    static let decreeSelect: PostgresQuery = """
        SELECT d.id, d.task_force_id, d.kind, d.number, d.title, d.place, d.signed_on, d.effective_from,
               d.effective_until, d.signer_name, d.signer_title, d.signer_acting, d.inaugurated_on, d.amends_id,
               d.revokes_id, d.revoked_on, d.document_sha256, d.created_at
        FROM decree d
        """

    static func decree(_ id: Int64, on connection: PostgresConnection) async throws -> Decree? {
        try await connection.query(decreeSelect + " WHERE d.id = \(id)").single()?.decode(as: Decree.self)
    }

    /// A decree that another one links to (amends, revokes, appoints): it must exist and
    /// belong to the same task force.
    static func linkedDecree(_ id: Int64, of taskForce: TaskForce, field: String, on connection: PostgresConnection) async throws -> Decree {
        guard let decree = try await decree(id, on: connection) else {
            throw GugusError.invalid(field: field, value: String(id), Localized(
                id: "tidak ada surat keputusan dengan id \(id); lihat `gugus decree list --taskforce \(taskForce.reference)`",
                en: "no decree with id \(id); see `gugus decree list --taskforce \(taskForce.reference)`"))
        }
        guard decree.taskForceId == taskForce.id else {
            let owner = try await findTaskForce(.id(decree.taskForceId), on: connection)
            throw GugusError.invalid(field: field, value: String(id), Localized(
                id: "keputusan \(id) ('\(decree.number)') milik \(owner?.name ?? "gugus tugas lain"), bukan gugus tugas \(taskForce.reference); gunakan keputusan gugus tugas ini sendiri (lihat `gugus decree list --taskforce \(taskForce.reference)`)",
                en: "decree \(id) ('\(decree.number)') belongs to \(owner?.name ?? "another task force"), not to task force \(taskForce.reference); use one of this task force's own decrees (see `gugus decree list --taskforce \(taskForce.reference)`)"))
        }
        return decree
    }

    /// The kind follows from the level of government unless given; a given kind must fit it.
    static func decreeKind(_ given: Decree.Kind?, for taskForce: TaskForce, on connection: PostgresConnection) async throws -> Decree.Kind {
        let expected: Decree.Kind
        if let code = taskForce.regionCode {
            let region = try await region(code, on: connection)
            expected = switch region.level {
            case .province: .governor
            case .regency: .regent
            case .city: .mayor
            }
        } else {
            expected = .ministerial
        }
        if let given, given != expected {
            throw GugusError.invalid(field: "kind", value: given.rawValue, Localized(
                id: "gugus tugas \(taskForce.reference) dibentuk dengan keputusan \(expected.rawValue), bukan \(given.rawValue)",
                en: "task force \(taskForce.reference) is established by a \(expected.rawValue) decree, not a \(given.rawValue) one"))
        }
        return expected
    }

    /// Stores a document once per content and returns its SHA-256.
    static func storeDocument(_ document: DecreeDocument?, on connection: PostgresConnection) async throws -> String? {
        guard let document else { return nil }
        let hash = SHA256.hash(data: document.content).map { String(format: "%02x", $0) }.joined()
        try await connection.execute("""
            INSERT INTO document (sha256, content, file_name, media_type)
            VALUES (\(hash), \(document.content), \(document.fileName), \(document.mediaType))
            ON CONFLICT (sha256) DO NOTHING
            """)
        return hash
    }
}

extension TaskForce {
    /// How to name it on a command line: its region code, or `national`.
    public var reference: String { regionCode ?? "national" }
}

extension GugusError.FieldError {
    static func required(_ field: String, id: String, en: String) -> GugusError.FieldError {
        .init(field: field, value: nil, message: Localized(id: "\(id) wajib diisi (--\(field))", en: "\(en) is required (--\(field))"))
    }
}

extension DatabaseGugus {
    /// One decree, by id: public registry data, for anyone who may read the registry.
    public func decree(id: Int64) async throws -> Decree {
        try caller.requireRegistryRead()
        return try await read { connection in
            guard let decree = try await Self.decree(id, on: connection) else {
                throw GugusError.notFound(Localized(id: "tidak ada SK dengan id \(id)", en: "no decree with id \(id)"))
            }
            return decree
        }
    }
}

extension DatabaseGugus {
    /// A decree's signed document, for anyone who may read the registry; nil when the decree
    /// was registered without one.
    public func decreeDocument(id: Int64) async throws -> DecreeDocument? {
        try caller.requireRegistryRead()
        return try await read { connection in
            guard try await Self.decree(id, on: connection) != nil else {
                throw GugusError.notFound(Localized(id: "tidak ada SK dengan id \(id)", en: "no decree with id \(id)"))
            }
            return try await connection.query("""
                SELECT doc.file_name, doc.media_type, doc.content
                FROM decree d JOIN document doc ON doc.sha256 = d.document_sha256
                WHERE d.id = \(id)
                """).single().map { row in
                let (fileName, mediaType, content) = try row.decode((String?, String?, Data).self)
                return DecreeDocument(fileName: fileName ?? "sk-\(id).pdf", mediaType: mediaType, content: content)
            }
        }
    }
}
