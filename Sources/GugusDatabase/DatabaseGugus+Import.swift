import Crypto
import Foundation
import GugusModel
import Postgres

/// Importing a member roster: checks every row, then writes in a handful of set-based
/// statements, so ten thousand rows cost about what ten do in round trips.
extension DatabaseGugus {
    public func importMembers(taskForce reference: TaskForceRef, csv: Data, options: ImportOptions) async throws -> ImportReport {
        try await importMembers(taskForce: reference, csv: csv, options: options, preview: nil).report
    }

    /// What importing `csv` would do, row by row, with nothing written: for the portal's
    /// preview, which a person confirms before anything is written.
    public func previewImport(taskForce reference: TaskForceRef, csv: Data, options: ImportOptions) async throws -> ImportPreview {
        var options = options
        options.dryRun = true
        return try await importMembers(taskForce: reference, csv: csv, options: options, preview: .collect)
    }

    /// Imports `csv` only if it does, row by row, what `preview` (an `ImportPreview`'s
    /// fingerprint) showed. Otherwise nothing is written and the new preview comes back,
    /// with `changed` set: the roster or the file changed in between.
    public func confirmImport(taskForce reference: TaskForceRef, csv: Data, options: ImportOptions, preview fingerprint: String) async throws -> ImportPreview {
        var options = options
        options.dryRun = false
        return try await importMembers(taskForce: reference, csv: csv, options: options, preview: .confirm(fingerprint))
    }

    private enum PreviewMode {
        case collect
        case confirm(String)
    }

    private func importMembers(taskForce reference: TaskForceRef, csv: Data, options: ImportOptions, preview: PreviewMode?) async throws -> ImportPreview {
        let parsed = try MemberCSV.parse(csv)
        do {
            return try await write("member.import") { connection in
                let taskForce = try await Self.taskForce(reference, on: connection)
                try caller.requireWrite(to: taskForce)
                var result = try await importRows(parsed, into: taskForce, options: options, collect: preview != nil, on: connection)
                if preview != nil {
                    result.fingerprint = ImportPreview.fingerprint(csv: csv, lines: result.lines, problems: result.report.problems)
                }
                if case .confirm(let expected) = preview, expected != result.fingerprint {
                    result.changed = true
                    result.report.rolledBack = true
                    throw ImportRollback(preview: result)
                }
                if result.report.dryRun || (!result.report.problems.isEmpty && !options.skipInvalid) {
                    result.report.rolledBack = true
                    // Throwing rolls the transaction back; the report travels with the error.
                    throw ImportRollback(preview: result)
                }
                return result
            }
        } catch let rollback as ImportRollback {
            return rollback.preview
        }
    }

    private struct ImportRollback: Error {
        var preview: ImportPreview
    }

    private func importRows(
        _ parsed: MemberCSVResult, into taskForce: TaskForce, options: ImportOptions, collect: Bool, on connection: PostgresConnection
    ) async throws -> ImportPreview {
        var problems = parsed.problems
        let (defaultDecree, defaultFrom) = try await appointment(decreeID: options.decreeId, from: nil, taskForce: taskForce, on: connection)

        try await connection.execute("""
            CREATE TEMP TABLE import_row (
                line integer PRIMARY KEY, name text NOT NULL, role text NOT NULL, position text NOT NULL,
                institution text NOT NULL, institution_kind text NOT NULL, email text, phone text,
                working_group smallint, valid_from date NOT NULL, valid_until date,
                institution_id bigint, person_id bigint, membership_id bigint, outcome text
            ) ON COMMIT DROP
            """)
        // The rows go in through COPY, streamed in chunks: no statement per row, and no
        // copy of the whole file in one parameter.
        try await connection.copyIn("""
            COPY import_row (line, name, role, position, institution, institution_kind, email, phone, working_group, valid_from, valid_until)
            FROM STDIN
            """) { rows throws(PostgresError) in
            // A roster names a few dozen institutions over and over; guessing the kind of each
            // name once was a fifth of a 10 000-row import's time (perf record).
            var kinds: [String: String] = [:]
            for row in parsed.rows {
                rows.field(row.line)
                rows.field(row.name)
                rows.field(row.role.rawValue)
                rows.field(row.position)
                rows.field(row.institution)
                if kinds[row.institution] == nil { kinds[row.institution] = InstitutionKind.guess(from: row.institution) }
                rows.field(kinds[row.institution])
                rows.field(row.email?.address)
                rows.field(row.phone?.e164)
                rows.field(row.workingGroup)
                rows.field((row.from ?? defaultFrom).description)
                rows.field(row.until?.description)
                try rows.endRow()
            }
        }
        // A temporary table has no statistics until asked (autovacuum never sees it); without
        // them the matching below is planned for a handful of rows, whatever the file's size.
        try await connection.execute("ANALYZE import_row")

        // Existing institutions, people and open memberships.
        // Each name the file uses matched once (the region's own institution first, else a
        // national one), not once per row: a subquery per row was 100 ms of 10 000 rows.
        try await connection.execute("""
            UPDATE import_row r SET institution_id = known.id
            FROM (SELECT DISTINCT ON (named.key) named.key, i.id
                  FROM (SELECT DISTINCT lower(btrim(institution)) AS key FROM import_row) named
                  JOIN institution i ON lower(btrim(i.name)) = named.key
                                    AND (i.region_code IS NULL OR i.region_code = \(taskForce.regionCode))
                  ORDER BY named.key, i.region_code NULLS LAST) known
            WHERE lower(btrim(r.institution)) = known.key
            """)
        try await connection.execute("""
            UPDATE import_row r SET person_id = p.id FROM person p WHERE r.email IS NOT NULL AND lower(p.email) = lower(r.email)
            """)
        // Else name and institution; a row that now has an e-mail still finds the person
        // registered without one (a corrected file), but never someone with another e-mail.
        try await connection.execute("""
            UPDATE import_row r SET person_id = (
                SELECT m.person_id FROM membership m JOIN person p ON p.id = m.person_id
                WHERE m.task_force_id = \(taskForce.id) AND m.institution_id = r.institution_id
                  AND lower(btrim(p.name)) = lower(btrim(r.name)) AND (r.email IS NULL OR p.email IS NULL)
                ORDER BY m.valid_from DESC LIMIT 1)
            WHERE r.person_id IS NULL AND r.institution_id IS NOT NULL
            """)
        // The membership the row is about: the person's one whose term meets the row's. A
        // second one on the same days could not exist anyway (membership_person_once).
        try await connection.execute("""
            UPDATE import_row r SET membership_id = (
                SELECT m.id FROM membership m
                WHERE m.task_force_id = \(taskForce.id) AND m.person_id = r.person_id
                  AND m.term && daterange(r.valid_from, r.valid_until + 1)
                ORDER BY m.valid_from DESC LIMIT 1)
            WHERE r.person_id IS NOT NULL
            """)

        problems += try await rowConflicts(taskForce: taskForce, on: connection)
        let rejected = Set(problems.compactMap(\.line))
        if !rejected.isEmpty {
            try await connection.execute("DELETE FROM import_row WHERE line = ANY(\(Array(rejected)))")
        }

        // What each row will do, read before anything is written (for a preview only).
        var lines: [ImportPreview.Line] = []
        if collect {
            let rows = try await connection.query("""
                SELECT r.line, btrim(r.name), r.role, btrim(r.position), btrim(r.institution),
                       CASE WHEN r.membership_id IS NULL THEN 'add'
                            WHEN EXISTS (SELECT 1 FROM membership m WHERE m.id = r.membership_id
                                           AND (m.role, m.position, m.working_group, m.institution_id)
                                               IS DISTINCT FROM (r.role, btrim(r.position), r.working_group, r.institution_id)) THEN 'change'
                            ELSE 'keep' END
                FROM import_row r ORDER BY r.line
                """).decode((Int, String, String, String, String, String).self)
            lines = rows.map { line, name, role, position, institution, outcome in
                ImportPreview.Line(line: line, name: name, role: role, position: position, institution: institution,
                                   outcome: ImportPreview.Outcome(rawValue: outcome) ?? .keep)
            }
        }

        // New institutions and people, then the memberships.
        try await connection.execute("""
            INSERT INTO institution (name, kind, region_code)
            SELECT DISTINCT ON (lower(btrim(institution))) btrim(institution), institution_kind, \(taskForce.regionCode)
            FROM import_row WHERE institution_id IS NULL
            ORDER BY lower(btrim(institution)), line
            ON CONFLICT DO NOTHING
            """)
        // The institutions just made, and the ids of the new people, in one pass over the
        // rows (each pass rewrites every row it touches). Ids are drawn here so that each new
        // person can be tied back to its line; COALESCE draws one only where it is needed.
        try await connection.execute("""
            UPDATE import_row r
            SET institution_id = coalesce(r.institution_id, made.id),
                person_id = coalesce(r.person_id, nextval(pg_get_serial_sequence('person', 'id'))),
                outcome = CASE WHEN r.person_id IS NULL THEN 'new_person' ELSE r.outcome END
            FROM (SELECT o.line, i.id FROM import_row o
                  LEFT JOIN institution i ON o.institution_id IS NULL AND lower(btrim(i.name)) = lower(btrim(o.institution))
                                         AND coalesce(i.region_code, '') = coalesce(\(taskForce.regionCode), '')) made
            WHERE made.line = r.line AND (r.institution_id IS NULL OR r.person_id IS NULL)
            """)
        try await connection.execute("""
            INSERT INTO person (id, name, email, phone)
            OVERRIDING SYSTEM VALUE
            SELECT person_id, btrim(name), email, phone FROM import_row WHERE outcome = 'new_person'
            """)
        try await connection.execute("""
            UPDATE person p SET phone = coalesce(r.phone, p.phone), email = coalesce(p.email, r.email) FROM import_row r
            WHERE r.outcome IS NULL AND r.person_id = p.id
              AND (p.phone IS DISTINCT FROM coalesce(r.phone, p.phone) OR p.email IS DISTINCT FROM coalesce(p.email, r.email))
            """)
        let updated = try await connection.execute("""
            UPDATE membership m
            SET role = r.role, position = btrim(r.position), working_group = r.working_group, institution_id = r.institution_id
            FROM import_row r
            WHERE r.membership_id = m.id
              AND (m.role, m.position, m.working_group, m.institution_id) IS DISTINCT FROM (r.role, btrim(r.position), r.working_group, r.institution_id)
            """)
        let created = try await connection.execute("""
            INSERT INTO membership (task_force_id, person_id, institution_id, position, role, working_group, decree_id, valid_from, valid_until)
            SELECT \(taskForce.id), person_id, institution_id, btrim(position), role, working_group, \(defaultDecree), valid_from, valid_until
            FROM import_row WHERE membership_id IS NULL
            """)
        let total = try await connection.query("SELECT count(*) FROM import_row").single()!.decode(Int.self)
        let report = ImportReport(
            taskForceId: taskForce.id, rows: parsed.rows.count + parsed.rejectedLines.count,
            created: created, updated: updated, unchanged: total - created - updated, skipped: rejected.count,
            dryRun: options.dryRun, rolledBack: false, problems: problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
        return ImportPreview(report: report, lines: lines)
    }

    /// Rows that would break a rule with the rest of the file or with the task force as it is:
    /// an end before the default first day, the same person twice, or a second ketua or
    /// sekretaris.
    private func rowConflicts(taskForce: TaskForce, on connection: PostgresConnection) async throws -> [GugusError.FieldError] {
        var problems: [GugusError.FieldError] = []
        // The file checked `until` against its own `from`; without one, the first day is the
        // decree's effective date, which the file cannot know.
        let endsEarly = try await connection.query("""
            SELECT line, valid_until, valid_from FROM import_row WHERE valid_until < valid_from ORDER BY line
            """).decode((Int, CivilDate, CivilDate).self)
        for (line, until, from) in endsEarly {
            problems.append(.init(field: "until", value: until.description, message: Localized(
                id: "selesai \(until) lebih awal dari awal keanggotaan \(from) (tanggal berlakunya surat keputusan); isi kolom mulai atau perbaiki tanggal selesai",
                en: "until \(until) is before the membership's first day, \(from) (the decree's effective date); fill in the from column or correct the end"), line: line))
        }
        // One pass with a window: each person's first line, by e-mail, else by name and
        // institution. (A row-by-row comparison took minutes on ten thousand rows.)
        let duplicates = try await connection.query("""
            SELECT line, first_line, by_email, value FROM (
                SELECT r.line, r.email IS NOT NULL AS by_email, coalesce(r.email, r.name) AS value,
                       min(r.line) OVER (PARTITION BY CASE
                           WHEN r.email IS NOT NULL THEN 'e:' || lower(r.email)
                           ELSE 'n:' || lower(btrim(r.name)) || E'\\x1f' || lower(btrim(r.institution)) END) AS first_line
                FROM import_row r) keyed
            WHERE line <> first_line
            ORDER BY line
            """).decode((Int, Int, Bool, String).self)
        for (line, firstLine, byEmail, value) in duplicates {
            problems.append(.init(field: byEmail ? "email" : "name", value: value, message: Localized(
                id: "orang yang sama sudah ada di baris \(firstLine); satu orang cukup satu baris",
                en: "the same person is already on line \(firstLine); list each person once"), line: line))
        }
        let seats = try await connection.query("""
            SELECT r.line, r.role, holder.label
            FROM import_row r
            JOIN LATERAL (
                SELECT format('%s (line %s)', o.name, o.line) AS label FROM import_row o
                WHERE o.role = r.role AND o.line < r.line AND daterange(o.valid_from, o.valid_until + 1) && daterange(r.valid_from, r.valid_until + 1)
                UNION ALL
                SELECT format('%s (member %s)', p.name, m.id) FROM membership m JOIN person p ON p.id = m.person_id
                WHERE m.task_force_id = \(taskForce.id) AND m.role = r.role AND m.person_id IS DISTINCT FROM r.person_id
                  AND m.term && daterange(r.valid_from, r.valid_until + 1)
                  AND NOT EXISTS (SELECT 1 FROM import_row moved WHERE moved.membership_id = m.id AND moved.role <> m.role)
                LIMIT 1) holder ON true
            WHERE r.role IN ('ketua', 'sekretaris')
            ORDER BY r.line
            """).decode((Int, String, String).self)
        for (line, role, holder) in seats {
            problems.append(.init(field: "role", value: role, message: Localized(
                id: "gugus tugas \(taskForce.reference) sudah punya \(role): \(holder); hanya satu \(role) pada satu waktu",
                en: "task force \(taskForce.reference) already has a \(role): \(holder); there is one \(role) at a time"), line: line))
        }
        return problems
    }
}

/// A roster import row by row, before it is written (the portal's preview), and the
/// fingerprint that its confirmation must match.
public struct ImportPreview: Sendable {
    public enum Outcome: String, Sendable {
        case add, change, keep
    }

    public struct Line: Sendable, Hashable {
        public var line: Int
        public var name: String
        public var role: String
        public var position: String
        public var institution: String
        public var outcome: Outcome
    }

    public var report: ImportReport
    public var lines: [Line]
    /// Of the file and of what each row does: the same file against a changed roster, or
    /// another file, has another.
    public var fingerprint = ""
    /// A confirmation that found something else than its preview: nothing was written.
    public var changed = false

    static func fingerprint(csv: Data, lines: [Line], problems: [GugusError.FieldError]) -> String {
        var hasher = SHA256()
        hasher.update(data: csv)
        for line in lines { hasher.update(data: Data("\n\(line.line):\(line.outcome.rawValue)".utf8)) }
        for problem in problems { hasher.update(data: Data("\n!\(problem.line ?? 0):\(problem.field)".utf8)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
