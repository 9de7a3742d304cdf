import Crypto
import Foundation
import GugusModel
import Postgres

// Aksi BHAM reporting (docs/reporting.md). The schema (sql/017_reporting.sql) locks a
// submitted report and keeps the review's steps in order; the checks here come first, with
// messages that say what to do.

extension DatabaseGugus {
    // MARK: Actions

    public func importActions(csv: Data, programme name: String?) async throws -> ActionImportReport {
        try caller.requireAdmin(Localized(id: "memuat aksi program", en: "load a programme's actions"))
        let rows = try ActionCSV.parse(csv)
        return try await write("report.action.import") { connection in
            let programme = try await Self.programme(named: name, today: today(in: .jakarta), on: connection)
            let listed = Array(Set(rows.flatMap(\.regionCodes))).sorted()
            let known = Set(try await connection.query("SELECT code FROM region WHERE code = ANY(\(listed))").decode(String.self))
            let unknown = rows.flatMap { row in row.regionCodes.filter { !known.contains($0) }.map { (row.line, $0) } }
            if !unknown.isEmpty {
                throw ActionCSV.refusal(unknown.map { line, code in
                    GugusError.FieldError(field: "assigned", value: code, message: Localized(
                        id: "tidak ada wilayah '\(code)'; lihat `gugus region list`",
                        en: "no region '\(code)'; see `gugus region list`"), line: line)
                })
            }
            let existing = Set(try await connection.query("""
                SELECT code FROM report_action WHERE programme_id = \(programme.id) AND code = ANY(\(rows.map(\.code)))
                """).decode(String.self))
            for row in rows {
                let id = try await connection.query("""
                    INSERT INTO report_action (programme_id, code, title, strategy, indicator, unit, target, assigned)
                    VALUES (\(programme.id), \(row.code), \(row.title), \(row.strategy), \(row.indicator), \(row.unit), \(row.target), \(row.assigned.rawValue))
                    ON CONFLICT (programme_id, code) DO UPDATE SET
                        title = excluded.title, strategy = excluded.strategy, indicator = excluded.indicator, unit = excluded.unit,
                        target = excluded.target, assigned = excluded.assigned, updated_at = now()
                    RETURNING id
                    """).single()!.decode(Int64.self)
                try await connection.execute("""
                    DELETE FROM report_action_region WHERE action_id = \(id) AND NOT (region_code = ANY(\(row.regionCodes)))
                    """)
                try await connection.execute("""
                    INSERT INTO report_action_region (action_id, region_code)
                    SELECT \(id), code FROM unnest(\(row.regionCodes)::text[]) AS code
                    ON CONFLICT DO NOTHING
                    """)
            }
            let actions = try await Self.actions(programmeID: programme.id, codes: rows.map(\.code), on: connection)
            return ActionImportReport(
                programme: programme.name, added: rows.count - existing.count, updated: existing.count, actions: actions)
        }
    }

    public func actions(programme name: String?) async throws -> [ReportAction] {
        try await read { connection in
            let programme = try await Self.programme(named: name, today: today(in: .jakarta), on: connection)
            return try await Self.actions(programmeID: programme.id, codes: nil, on: connection)
        }
    }

    static func actions(programmeID: Int64, codes: [String]?, on connection: PostgresConnection) async throws -> [ReportAction] {
        try await connection.query("""
            SELECT a.id, p.name AS programme, a.code, a.title, a.strategy, a.indicator, a.unit, a.target::float8 AS target, a.assigned,
                   coalesce((SELECT array_agg(x.region_code ORDER BY x.region_code) FROM report_action_region x WHERE x.action_id = a.id), '{}') AS region_codes
            FROM report_action a JOIN programme_period p ON p.id = a.programme_id
            WHERE a.programme_id = \(programmeID) AND (\(codes)::text[] IS NULL OR a.code = ANY(\(codes)))
            ORDER BY a.strategy, a.code
            """).decode(as: ReportAction.self)
    }

    /// The named programme, or the one in force today: the latest that has started.
    static func programme(named name: String?, today: CivilDate, on connection: PostgresConnection) async throws -> (id: Int64, name: String) {
        if let name {
            if let found = try await connection.query("SELECT id, name FROM programme_period WHERE name = \(name)").single() {
                return try found.decode((Int64, String).self)
            }
            let known = try await connection.query("SELECT name FROM programme_period ORDER BY starts_on").decode(String.self)
            throw GugusError.invalid(field: "programme", value: name, Localized(
                id: "tidak ada program '\(name)'; yang ada: \(known.joined(separator: ", "))",
                en: "no programme '\(name)'; there are: \(known.joined(separator: ", "))"))
        }
        return try await connection.query("""
            SELECT id, name FROM programme_period
            ORDER BY starts_on <= \(today) DESC, CASE WHEN starts_on <= \(today) THEN starts_on END DESC, starts_on
            LIMIT 1
            """).single()!.decode((Int64, String).self)
    }

    // MARK: Periods

    public func addPeriod(_ input: NewReportPeriod) async throws -> ReportPeriod {
        try caller.requireAdmin(Localized(id: "menambah periode pelaporan", en: "add a reporting period"))
        let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [GugusError.FieldError] = []
        if name.isEmpty { problems.append(.required("name", id: "nama periode (misalnya \"Laporan Tahunan 2025\")", en: "the period's name (such as \"Laporan Tahunan 2025\")")) }
        if input.closesOn < input.opensOn {
            problems.append(.init(field: "closes_on", value: input.closesOn.description, message: Localized(
                id: "tanggal tutup \(input.closesOn) lebih awal dari tanggal buka \(input.opensOn)",
                en: "the closing date \(input.closesOn) is before the opening date \(input.opensOn)")))
        }
        if let from = input.coversFrom, let until = input.coversUntil, until < from {
            problems.append(.init(field: "covers_until", value: until.description, message: Localized(
                id: "akhir cakupan \(until) lebih awal dari awalnya \(from)", en: "the covered days end (\(until)) before they start (\(from))")))
        }
        if !problems.isEmpty { throw GugusError.invalid(problems, prefix: Localized(id: "periode tidak lengkap: ", en: "the period is incomplete: ")) }

        return try await write("report.period.add") { connection in
            if try await connection.query("SELECT 1 FROM report_period WHERE lower(name) = lower(\(name))").single() != nil {
                throw GugusError(.conflict, Localized(
                    id: "periode '\(name)' sudah ada; lihat `gugus report period list`",
                    en: "period '\(name)' already exists; see `gugus report period list`"),
                    fieldErrors: [.init(field: "name", value: name, message: Localized(id: "nama sudah dipakai", en: "name already taken"))])
            }
            let programme = try await Self.programme(named: nil, today: input.opensOn, on: connection)
            let until = input.coversUntil ?? input.closesOn
            let previousClose = try await connection.query("""
                SELECT max(closes_on) FROM report_period WHERE programme_id = \(programme.id) AND closes_on < \(input.closesOn)
                """).single()!.decode(CivilDate?.self)
            let programmeStart = try await connection.query("SELECT starts_on FROM programme_period WHERE id = \(programme.id)").single()!.decode(CivilDate.self)
            let from = input.coversFrom ?? min(previousClose.map { $0.adding(days: 1) } ?? programmeStart, until)
            let id = try await connection.query("""
                INSERT INTO report_period (programme_id, name, kind, opens_on, closes_on, covers_from, covers_until)
                VALUES (\(programme.id), \(name), \((input.kind ?? .annual).rawValue), \(input.opensOn), \(input.closesOn), \(from), \(until))
                RETURNING id
                """).single()!.decode(Int64.self)
            _ = try await connection.query("SELECT plan_report_reminders()")
            return try await Self.periods(id: id, on: connection)[0]
        }
    }

    public func periods() async throws -> [ReportPeriod] {
        try await read { connection in try await Self.periods(id: nil, on: connection) }
    }

    public func extendPeriod(_ periodName: String, _ input: PeriodExtension) async throws -> ReportPeriod {
        try caller.requireAdmin(Localized(id: "memperpanjang periode pelaporan", en: "extend a reporting period"))
        let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty {
            throw GugusError.invalid([.required("reason", id: "alasan perpanjangan", en: "the reason for the extension")])
        }
        return try await write("report.period.extend") { connection in
            let period = try await Self.period(periodName, on: connection)
            if let code = input.regionCode { _ = try await Self.region(code, on: connection) }
            guard input.until > period.closesOn else {
                throw GugusError.invalid(field: "until", value: input.until.description, Localized(
                    id: "perpanjangan sampai \(input.until) tidak sesudah penutupan periode (\(period.closesOn)); pilih tanggal sesudahnya",
                    en: "an extension until \(input.until) is not after the period's close (\(period.closesOn)); choose a later date"))
            }
            try await connection.execute("""
                INSERT INTO report_extension (period_id, region_code, until_on, reason)
                VALUES (\(period.id), \(input.regionCode), \(input.until), \(reason))
                ON CONFLICT (period_id, coalesce(region_code, '')) DO UPDATE SET until_on = excluded.until_on, reason = excluded.reason, updated_at = now()
                """)
            // The reminders of the new close (the old ones no longer hold when claimed).
            _ = try await connection.query("SELECT plan_report_reminders()")
            return try await Self.periods(id: period.id, on: connection)[0]
        }
    }

    private struct PeriodRow: Decodable {
        var id: Int64, programme: String, name: String, kind: ReportPeriod.Kind
        var opensOn: CivilDate, closesOn: CivilDate, coversFrom: CivilDate, coversUntil: CivilDate
    }

    static func periods(id: Int64?, on connection: PostgresConnection) async throws -> [ReportPeriod] {
        let rows = try await connection.query("""
            SELECT r.id, p.name AS programme, r.name, r.kind, r.opens_on, r.closes_on, r.covers_from, r.covers_until
            FROM report_period r JOIN programme_period p ON p.id = r.programme_id
            WHERE \(id)::bigint IS NULL OR r.id = \(id)
            ORDER BY r.opens_on, r.id
            """).decode(as: PeriodRow.self)
        let extensions = try await connection.query("""
            SELECT period_id, id, region_code, until_on, reason FROM report_extension
            WHERE \(id)::bigint IS NULL OR period_id = \(id)
            ORDER BY region_code NULLS FIRST
            """).decode((Int64, Int64, String?, CivilDate, String).self)
        return rows.map { row in
            ReportPeriod(
                id: row.id, programme: row.programme, name: row.name, kind: row.kind, opensOn: row.opensOn, closesOn: row.closesOn,
                coversFrom: row.coversFrom, coversUntil: row.coversUntil,
                extensions: extensions.filter { $0.0 == row.id }.map { ReportExtension(id: $0.1, regionCode: $0.2, untilOn: $0.3, reason: $0.4) })
        }
    }

    /// A period by its name (any case) or id; the message lists the periods there are.
    static func period(_ reference: String, on connection: PostgresConnection) async throws -> ReportPeriod {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let id = try await connection.query("""
            SELECT id FROM report_period WHERE lower(name) = lower(\(text)) OR id::text = \(text) ORDER BY lower(name) = lower(\(text)) DESC LIMIT 1
            """).single()?.decode(Int64.self)
        guard let id else {
            let known = try await connection.query("SELECT name FROM report_period ORDER BY opens_on").decode(String.self)
            let message = Localized(
                id: "tidak ada periode pelaporan '\(text)'; \(known.isEmpty ? "belum ada periode, tambahkan dengan `gugus report period add`" : "yang ada: \(known.joined(separator: ", "))")",
                en: "no reporting period '\(text)'; \(known.isEmpty ? "there are none yet, add one with `gugus report period add`" : "there are: \(known.joined(separator: ", "))")")
            throw GugusError(.notFound, message, fieldErrors: [.init(field: "period", value: text, message: message)])
        }
        return try await periods(id: id, on: connection)[0]
    }

    // MARK: Reports

    public func report(_ reference: ReportRef) async throws -> Report {
        try await read { connection in
            let (taskForce, period) = try await Self.reportSubject(reference, on: connection)
            try caller.requireReportRead(of: taskForce)
            return try await loadReport(taskForce: taskForce, period: period, on: connection)
        }
    }

    public func setEntry(_ reference: ReportRef, action code: String, _ change: EntryChange) async throws -> Report {
        if change.isEmpty {
            throw GugusError.invalid(field: "achievement", value: nil, Localized(
                id: "tidak ada yang diubah; isi --achievement, --value, --state atau --inputs-from",
                en: "nothing to change; give --achievement, --value, --state or --inputs-from"))
        }
        if let value = change.value, !(value.isFinite && value >= 0) {
            throw GugusError.invalid(field: "value", value: String(value), Localized(
                id: "capaian \(value) harus angka nol atau lebih", en: "the value \(value) must be a number of zero or more"))
        }
        return try await editReport(reference, action: "report.entry.set") { connection, taskForce, period, reportID in
            let action = try await Self.assignedAction(code, of: taskForce, period: period, on: connection)
            if change.value != nil && action.unit == nil {
                throw GugusError.invalid(field: "value", value: change.value.map { String($0) }, Localized(
                    id: "indikator aksi \(action.code) tidak berupa angka; tulis capaiannya dengan --achievement",
                    en: "action \(action.code)'s indicator has no number; write the achievement with --achievement"))
            }
            if let inputs = change.inputsFrom {
                try await Self.checkInputs(inputs, of: taskForce, on: connection)
            }
            let entryID = try await Self.entry(reportID: reportID, actionID: action.id, on: connection)
            let achievement = change.achievement?.trimmingCharacters(in: .whitespacesAndNewlines)
            try await connection.execute("""
                UPDATE report_entry SET
                    achievement = CASE WHEN \(achievement)::text IS NULL THEN achievement ELSE nullif(\(achievement), '') END,
                    value = coalesce(\(change.value)::numeric, value),
                    progress = coalesce(\(change.progress?.rawValue), progress),
                    inputs_from = coalesce(\(change.inputsFrom.map { Array(Set($0)).sorted() })::text[], inputs_from),
                    updated_at = now()
                WHERE id = \(entryID)
                """)
        }
    }

    public func addEvidence(_ reference: ReportRef, action code: String, _ evidence: EvidenceInput) async throws -> Report {
        let checked = try Self.checkEvidence(evidence)
        return try await editReport(reference, action: "report.evidence.add") { connection, taskForce, period, reportID in
            let action = try await Self.assignedAction(code, of: taskForce, period: period, on: connection)
            let entryID = try await Self.entry(reportID: reportID, actionID: action.id, on: connection)
            switch checked {
            case .file(let file, let mediaType):
                let hash = try await Self.storeDocument(DecreeDocument(fileName: file.fileName, mediaType: mediaType, content: file.content), on: connection)
                try await connection.execute("""
                    INSERT INTO report_evidence (report_id, entry_id, kind, document_sha256, file_name, media_type, size_bytes)
                    VALUES (\(reportID), \(entryID), 'file', \(hash), \(file.fileName), \(mediaType), \(file.content.count))
                    """)
            case .link(let url, let description):
                try await connection.execute("""
                    INSERT INTO report_evidence (report_id, entry_id, kind, url, description)
                    VALUES (\(reportID), \(entryID), 'link', \(url), \(description))
                    """)
            case .session(let sessionID):
                try await Self.citeSession(sessionID, of: taskForce, reportID: reportID, entryID: entryID, actionCode: action.code, on: connection)
            }
        }
    }

    public func removeEvidence(_ reference: ReportRef, action code: String, evidenceID: Int64?, sessionID: Int64?) async throws -> Report {
        guard (evidenceID == nil) != (sessionID == nil) else {
            throw GugusError.invalid(field: "evidence", value: nil, Localized(
                id: "sebutkan satu: --evidence ID (bukti yang sudah ada) atau --session ID (kegiatan yang diusulkan)",
                en: "name one: --evidence ID (evidence already there) or --session ID (a proposed session)"))
        }
        return try await editReport(reference, action: "report.evidence.remove") { connection, taskForce, period, reportID in
            let action = try await Self.assignedAction(code, of: taskForce, period: period, on: connection)
            let entryID = try await Self.entry(reportID: reportID, actionID: action.id, on: connection)
            if let evidenceID {
                let removed = try await connection.execute("DELETE FROM report_evidence WHERE id = \(evidenceID) AND entry_id = \(entryID)")
                if removed == 0 {
                    throw GugusError.notFound(Localized(
                        id: "aksi \(action.code) tidak punya bukti dengan id \(evidenceID); lihat `gugus report show`",
                        en: "action \(action.code) has no evidence with id \(evidenceID); see `gugus report show`"))
                }
            } else if let sessionID {
                // A cited session leaves the entry, and neither it nor the proposal comes back.
                try await connection.execute("DELETE FROM report_evidence WHERE entry_id = \(entryID) AND session_id = \(sessionID)")
                try await connection.execute("""
                    INSERT INTO report_dismissed_session (report_id, entry_id, session_id)
                    SELECT \(reportID), \(entryID), id FROM outreach_session WHERE id = \(sessionID) AND task_force_id = \(taskForce.id)
                    ON CONFLICT DO NOTHING
                    """)
            }
        }
    }

    public func evidenceFile(_ reference: ReportRef, evidenceID: Int64) async throws -> EvidenceFile {
        try await read { connection in
            let (taskForce, period) = try await Self.reportSubject(reference, on: connection)
            try caller.requireReportRead(of: taskForce)
            let found = try await connection.query("""
                SELECT v.file_name, v.media_type, d.content
                FROM report_evidence v JOIN report r ON r.id = v.report_id JOIN document d ON d.sha256 = v.document_sha256
                WHERE v.id = \(evidenceID) AND r.task_force_id = \(taskForce.id) AND r.period_id = \(period.id)
                """).single()?.decode((String, String, Data).self)
            guard let (name, mediaType, content) = found else {
                throw GugusError.notFound(Localized(
                    id: "laporan \(taskForce.reference) untuk \(period.name) tidak punya berkas bukti dengan id \(evidenceID)",
                    en: "the report of \(taskForce.reference) for \(period.name) has no evidence file with id \(evidenceID)"))
            }
            return EvidenceFile(fileName: name, mediaType: mediaType, content: content)
        }
    }

    public func reviewEntry(_ reference: ReportRef, action code: String, _ review: EntryReview) async throws -> Report {
        if let score = review.score, !(0...100).contains(score) {
            throw GugusError.invalid(field: "score", value: String(score), Localized(
                id: "nilai \(score) harus antara 0 dan 100", en: "the score \(score) must be between 0 and 100"))
        }
        let note = review.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if review.score == nil && (note ?? "").isEmpty {
            throw GugusError.invalid(field: "note", value: nil, Localized(
                id: "tidak ada yang dinilai; isi --score atau --note", en: "nothing to review; give --score or --note"))
        }
        return try await write("report.entry.review") { connection in
            let (taskForce, period) = try await Self.reportSubject(reference, on: connection)
            try caller.requireReview(of: taskForce)
            let report = try await Self.lockReport(taskForce: taskForce, period: period, on: connection)
            guard let report, report.state == .submitted else {
                throw Self.notUnderReview(taskForce, period, state: report?.state ?? .notStarted)
            }
            let action = try await Self.assignedAction(code, of: taskForce, period: period, on: connection)
            try await connection.execute("""
                UPDATE report_entry SET score = coalesce(\(review.score)::smallint, score),
                    review_note = CASE WHEN \(note)::text IS NULL THEN review_note ELSE nullif(\(note), '') END, updated_at = now()
                WHERE report_id = \(report.id) AND action_id = \(action.id)
                """)
            return try await loadReport(taskForce: taskForce, period: period, on: connection)
        }
    }

    public func stepReport(_ reference: ReportRef, _ step: ReportStep, note: String?) async throws -> Report {
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
        return try await write("report.\(step.rawValue)") { connection in
            let (taskForce, period) = try await Self.reportSubject(reference, on: connection)
            switch step {
            case .submit:
                try caller.requireWrite(to: taskForce)
                try await submit(taskForce: taskForce, period: period, note: note, on: connection)
            case .return, .verify:
                try caller.requireReview(of: taskForce)
                let report = try await Self.lockReport(taskForce: taskForce, period: period, on: connection)
                guard let report, report.state == .submitted else {
                    throw Self.notUnderReview(taskForce, period, state: report?.state ?? .notStarted)
                }
                if step == .return && note == nil {
                    throw GugusError.invalid([.required("note", id: "catatan yang menjelaskan apa yang perlu diperbaiki", en: "a note that says what to fix")])
                }
                try await connection.execute("""
                    UPDATE report SET state = \(step == .return ? "returned" : "verified"), reviewed_at = \(clock()), reviewed_by = \(caller.name),
                        review_note = coalesce(\(note), CASE WHEN \(step == .return) THEN review_note END), updated_at = now()
                    WHERE id = \(report.id)
                    """)
            }
            return try await loadReport(taskForce: taskForce, period: period, on: connection)
        }
    }

    private func submit(taskForce: TaskForce, period: ReportPeriod, note: String?, on connection: PostgresConnection) async throws {
        let reportID = try await Self.ensureReport(taskForce: taskForce, period: period, on: connection)
        let report = try await Self.lockReport(taskForce: taskForce, period: period, on: connection)!
        switch report.state {
        case .submitted, .verified:
            throw GugusError.conflict(Localized(
                id: "laporan \(taskForce.reference) untuk \(period.name) sudah \(report.state == .verified ? "diverifikasi" : "dikirim") dan terkunci",
                en: "the report of \(taskForce.reference) for \(period.name) is already \(report.state.rawValue) and locked"))
        case .notStarted, .draft, .returned:
            break
        }
        let now = clock()
        let (dueAt, opensAt) = try await connection.query("""
            SELECT report_deadline(\(period.id), \(taskForce.regionCode)),
                   \(period.opensOn)::timestamp AT TIME ZONE \(taskForce.timeZone)
            """).single()!.decode((Date, Date).self)
        let zone = taskForce.zone
        if now < opensAt {
            throw GugusError(.conflict, Localized(
                id: "periode \(period.name) baru dibuka \(LocalTime.longDate(period.opensOn, language: .id)); laporan dapat dikirim sejak hari itu",
                en: "period \(period.name) opens on \(LocalTime.longDate(period.opensOn, language: .en)); the report can be sent from that day"))
        }
        // A first submission must come before the close; a report returned for corrections
        // was in time already and goes back whenever it is fixed.
        if now >= dueAt && report.submittedAt == nil {
            let closed = dueAt.addingTimeInterval(-60)
            throw GugusError(.conflict, Localized(
                id: "periode \(period.name) untuk \(taskForce.name) sudah ditutup \(LocalTime.long(closed, in: zone, language: .id)); minta perpanjangan ke GTN (`gugus report period extend`)",
                en: "period \(period.name) closed for \(taskForce.name) on \(LocalTime.long(closed, in: zone, language: .en)); ask the GTN for an extension (`gugus report period extend`)"))
        }
        // The entries are fixed at submission: every assigned action has its row, for review.
        try await connection.execute("""
            INSERT INTO report_entry (report_id, action_id)
            SELECT \(reportID), a.id FROM report_action a
            WHERE \(Self.assignedCondition(taskForce: taskForce, period: period))
            ON CONFLICT (report_id, action_id) DO NOTHING
            """)
        try await connection.execute("""
            UPDATE report SET state = 'submitted', submitted_at = \(now), submitted_by = \(caller.name), submission_note = \(note), updated_at = now()
            WHERE id = \(reportID)
            """)
    }

    /// Each province's report in a period, by region code: the map of reports. Status only,
    /// as the national map: every caller may read it.
    public func reportStandings(period periodName: String) async throws -> [String: ReportStanding] {
        let now = clock()
        return try await read { connection in
            let period = try await Self.period(periodName, on: connection)
            let rows = try await connection.query("""
                SELECT r.code, coalesce(rep.state, 'not_started') AS state,
                       (rep.submitted_at IS NULL AND \(now)::timestamptz >= report_deadline(\(period.id), r.code)) AS late,
                       report_deadline(\(period.id), r.code) AS due_at
                FROM region r
                LEFT JOIN task_force t ON t.region_code = r.code
                LEFT JOIN report rep ON rep.task_force_id = t.id AND rep.period_id = \(period.id)
                WHERE r.level = 'province'
                """).decode((String, String, Bool, Date).self)
            return Dictionary(uniqueKeysWithValues: rows.map { code, state, late, due in
                (code, ReportStanding(period: period.name, state: ReportState(rawValue: state) ?? .notStarted, late: late, dueAt: due))
            })
        }
    }

    // MARK: Recap

    public func recap(period periodName: String) async throws -> ReportRecap {
        try await read { connection in
            let period = try await Self.period(periodName, on: connection)
            let rows = try await connection.query(Self.recapSQL(periodID: period.id)).decode(as: ReportRecap.Row.self)
            return ReportRecap(period: period.name, rows: rows)
        }
    }

    /// Per action of the period's programme: the task forces it is assigned to, and what
    /// their submitted or verified reports say. Reads only the period's reports
    /// (`report_period_idx`) and their entries, so the cost follows the period, not the history.
    /// Public for `make bench`, which explains it; not an API for reading the recap.
    public static func recapSQL(periodID: Int64) -> PostgresQuery {
        """
        SELECT a.code AS action_code, a.title, a.strategy, a.unit, a.target::float8 AS target,
               CASE a.assigned WHEN 'all' THEN (SELECT count(*) FROM region WHERE level = 'province')
                               WHEN 'national' THEN 1
                               ELSE (SELECT count(*) FROM report_action_region x WHERE x.action_id = a.id) END AS assigned_to,
               count(e.id) AS reported,
               sum(e.value)::float8 AS sum, avg(e.value)::float8 AS mean,
               count(e.id) FILTER (WHERE EXISTS (SELECT 1 FROM report_evidence v WHERE v.entry_id = e.id)) AS with_evidence
        FROM report_period p
        JOIN report_action a ON a.programme_id = p.programme_id
        LEFT JOIN (report r JOIN report_entry e ON e.report_id = r.id
                             AND (e.achievement IS NOT NULL OR e.value IS NOT NULL OR e.progress <> 'not_started'))
               ON r.period_id = p.id AND r.state IN ('submitted', 'verified') AND e.action_id = a.id
        WHERE p.id = \(periodID)
        GROUP BY a.id
        ORDER BY a.strategy, a.code
        """
    }

    // MARK: Helpers

    /// A change to a report's content, by its reporter, while it is a draft (or returned).
    private func editReport(
        _ reference: ReportRef, action: String,
        _ body: @Sendable @escaping (PostgresConnection, TaskForce, ReportPeriod, Int64) async throws -> Void
    ) async throws -> Report {
        try await write(action) { connection in
            let (taskForce, period) = try await Self.reportSubject(reference, on: connection)
            try caller.requireWrite(to: taskForce)
            let reportID = try await Self.ensureReport(taskForce: taskForce, period: period, on: connection)
            let report = try await Self.lockReport(taskForce: taskForce, period: period, on: connection)!
            if report.state == .submitted || report.state == .verified {
                throw GugusError.conflict(Localized(
                    id: "laporan \(taskForce.reference) untuk \(period.name) sudah \(report.state == .verified ? "diverifikasi" : "dikirim") dan terkunci; \(report.state == .verified ? "laporan terverifikasi tidak berubah lagi" : "minta peninjau GTN mengembalikannya untuk diperbaiki")",
                    en: "the report of \(taskForce.reference) for \(period.name) is \(report.state.rawValue) and locked; \(report.state == .verified ? "a verified report does not change" : "ask a GTN reviewer to return it for corrections")"))
            }
            try await body(connection, taskForce, period, reportID)
            try await connection.execute("UPDATE report SET updated_at = now() WHERE id = \(reportID)")
            return try await loadReport(taskForce: taskForce, period: period, on: connection)
        }
    }

    static func reportSubject(_ reference: ReportRef, on connection: PostgresConnection) async throws -> (TaskForce, ReportPeriod) {
        let taskForce = try await Self.taskForce(reference.taskForce, on: connection)
        let period = try await Self.period(reference.period, on: connection)
        return (taskForce, period)
    }

    static func ensureReport(taskForce: TaskForce, period: ReportPeriod, on connection: PostgresConnection) async throws -> Int64 {
        try await connection.execute("""
            INSERT INTO report (task_force_id, period_id) VALUES (\(taskForce.id), \(period.id))
            ON CONFLICT (task_force_id, period_id) DO NOTHING
            """)
        return try await connection.query("""
            SELECT id FROM report WHERE task_force_id = \(taskForce.id) AND period_id = \(period.id)
            """).single()!.decode(Int64.self)
    }

    struct ReportRow: Decodable {
        var id: Int64
        var state: ReportState
        var submittedAt: Date?
    }

    /// The report row, locked for the rest of the transaction, or nil if none was written.
    static func lockReport(taskForce: TaskForce, period: ReportPeriod, on connection: PostgresConnection) async throws -> ReportRow? {
        try await connection.query("""
            SELECT id, state, submitted_at FROM report WHERE task_force_id = \(taskForce.id) AND period_id = \(period.id) FOR UPDATE
            """).single()?.decode(as: ReportRow.self)
    }

    static func entry(reportID: Int64, actionID: Int64, on connection: PostgresConnection) async throws -> Int64 {
        try await connection.execute("""
            INSERT INTO report_entry (report_id, action_id) VALUES (\(reportID), \(actionID)) ON CONFLICT (report_id, action_id) DO NOTHING
            """)
        return try await connection.query("""
            SELECT id FROM report_entry WHERE report_id = \(reportID) AND action_id = \(actionID)
            """).single()!.decode(Int64.self)
    }

    static func notUnderReview(_ taskForce: TaskForce, _ period: ReportPeriod, state: ReportState) -> GugusError {
        let what: Localized = switch state {
        case .notStarted: Localized(id: "belum dimulai", en: "not started")
        case .draft: Localized(id: "masih draf", en: "still a draft")
        case .returned: Localized(id: "sudah dikembalikan dan menunggu perbaikan", en: "returned and awaiting corrections")
        case .verified: Localized(id: "sudah diverifikasi", en: "already verified")
        case .submitted: Localized(id: "dikirim", en: "submitted")
        }
        return GugusError.conflict(Localized(
            id: "laporan \(taskForce.reference) untuk \(period.name) \(what.id); hanya laporan yang sudah dikirim yang dapat ditinjau",
            en: "the report of \(taskForce.reference) for \(period.name) is \(what.en); only a submitted report can be reviewed"))
    }

    /// The actions a task force reports in a period, as a condition on `report_action a`.
    static func assignedCondition(taskForce: TaskForce, period: ReportPeriod) -> PostgresQuery {
        """
        a.programme_id = (SELECT programme_id FROM report_period WHERE id = \(period.id))
        AND CASE a.assigned
            WHEN 'national' THEN \(taskForce.level == .national)
            WHEN 'all' THEN EXISTS (SELECT 1 FROM region g WHERE g.code = \(taskForce.regionCode) AND g.level = 'province')
            ELSE EXISTS (SELECT 1 FROM report_action_region x WHERE x.action_id = a.id AND x.region_code = \(taskForce.regionCode))
        END
        """
    }

    struct AssignedAction: Decodable {
        var id: Int64
        var code: String
        var unit: String?
        var strategy: Int
    }

    static func assignedAction(_ code: String, of taskForce: TaskForce, period: ReportPeriod, on connection: PostgresConnection) async throws -> AssignedAction {
        let found = try await connection.query("""
            SELECT a.id, a.code, a.unit, a.strategy FROM report_action a
            WHERE lower(a.code) = lower(\(code.trimmingCharacters(in: .whitespaces))) AND \(assignedCondition(taskForce: taskForce, period: period))
            """).single()?.decode(as: AssignedAction.self)
        guard let found else {
            let message = Localized(
                id: "\(taskForce.name) tidak punya aksi '\(code)' pada periode \(period.name); lihat `gugus report show --taskforce \(taskForce.reference) --period \"\(period.name)\"`",
                en: "\(taskForce.name) has no action '\(code)' in period \(period.name); see `gugus report show --taskforce \(taskForce.reference) --period \"\(period.name)\"`")
            throw GugusError(.notFound, message, fieldErrors: [.init(field: "action", value: code, message: message)])
        }
        return found
    }

    /// Inputs come from the regencies and cities of the reporting province.
    static func checkInputs(_ codes: [String], of taskForce: TaskForce, on connection: PostgresConnection) async throws {
        guard !codes.isEmpty else { return }
        let inside = Set(try await connection.query("""
            SELECT code FROM region WHERE code = ANY(\(codes)) AND parent_code = \(taskForce.regionCode)
            """).decode(String.self))
        let outside = codes.filter { !inside.contains($0) }
        if !outside.isEmpty {
            throw GugusError.invalid(field: "inputs_from", value: outside.joined(separator: " "), Localized(
                id: "\(outside.joined(separator: ", ")) bukan kabupaten/kota di \(taskForce.regionName ?? taskForce.name); lihat `gugus region list --level regency`",
                en: "\(outside.joined(separator: ", ")) \(outside.count == 1 ? "is not a regency or city" : "are not regencies or cities") of \(taskForce.regionName ?? taskForce.name); see `gugus region list --level regency`"))
        }
    }

    static func citeSession(_ sessionID: Int64, of taskForce: TaskForce, reportID: Int64, entryID: Int64, actionCode: String, on connection: PostgresConnection) async throws {
        let found = try await connection.query("""
            SELECT task_force_id, status, title FROM outreach_session WHERE id = \(sessionID)
            """).single()?.decode((Int64, String, String).self)
        guard let (owner, status, title) = found, owner == taskForce.id else {
            throw GugusError.invalid(field: "session", value: String(sessionID), Localized(
                id: "\(taskForce.name) tidak punya kegiatan dengan id \(sessionID); lihat `gugus session list --taskforce \(taskForce.reference)`",
                en: "\(taskForce.name) has no session with id \(sessionID); see `gugus session list --taskforce \(taskForce.reference)`"))
        }
        guard status == "completed" else {
            throw GugusError.invalid(field: "session", value: String(sessionID), Localized(
                id: "kegiatan \(sessionID) ('\(title)') belum selesai; tandai selesai dengan `gugus session complete \(sessionID)` agar daftar hadirnya menjadi bukti",
                en: "session \(sessionID) ('\(title)') is not completed; mark it with `gugus session complete \(sessionID)` so that its attendance list is evidence"))
        }
        let added = try await connection.execute("""
            INSERT INTO report_evidence (report_id, entry_id, kind, session_id) VALUES (\(reportID), \(entryID), 'session', \(sessionID))
            ON CONFLICT (entry_id, session_id) WHERE session_id IS NOT NULL DO NOTHING
            """)
        if added == 0 {
            throw GugusError.conflict(Localized(
                id: "kegiatan \(sessionID) sudah menjadi bukti aksi \(actionCode)", en: "session \(sessionID) is already evidence for action \(actionCode)"))
        }
        try await connection.execute("DELETE FROM report_dismissed_session WHERE entry_id = \(entryID) AND session_id = \(sessionID)")
    }

    enum CheckedEvidence: Sendable {
        case file(EvidenceFile, mediaType: String)
        case link(url: String, description: String?)
        case session(Int64)
    }

    /// A file within the size limit whose bytes are what its name says; a web link.
    static func checkEvidence(_ evidence: EvidenceInput) throws(GugusError) -> CheckedEvidence {
        switch evidence {
        case .file(var file):
            file.fileName = (file.fileName as NSString).lastPathComponent.trimmingCharacters(in: .whitespacesAndNewlines)
            if file.fileName.isEmpty { file.fileName = "bukti" }
            guard !file.content.isEmpty else {
                throw GugusError.invalid(field: "file", value: file.fileName, Localized(
                    id: "berkas '\(file.fileName)' kosong", en: "file '\(file.fileName)' is empty"))
            }
            guard file.content.count <= EvidenceFile.maximumBytes else {
                throw GugusError.invalid(field: "file", value: file.fileName, Localized(
                    id: "berkas '\(file.fileName)' berukuran \(Self.megabytes(file.content.count, .id)) MB; batasnya \(EvidenceFile.maximumBytes / 1_048_576) MB per berkas, kecilkan atau pecah dulu",
                    en: "file '\(file.fileName)' is \(Self.megabytes(file.content.count, .en)) MB; the limit is \(EvidenceFile.maximumBytes / 1_048_576) MB a file, so shrink or split it first"))
            }
            guard let mediaType = EvidenceType.mediaType(of: file) else {
                throw GugusError.invalid(field: "file", value: file.fileName, Localized(
                    id: "berkas '\(file.fileName)' bukan PDF, gambar (PNG, JPEG) atau lembar kerja (XLSX, XLS, ODS, CSV) yang isinya sesuai dengan namanya",
                    en: "file '\(file.fileName)' is not a PDF, an image (PNG, JPEG) or a spreadsheet (XLSX, XLS, ODS, CSV) whose content matches its name"))
            }
            return .file(file, mediaType: mediaType)
        case .link(let url, let description):
            let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let parsed = URL(string: trimmed), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                  let host = parsed.host, host.contains("."), trimmed.wholeMatch(of: /https?:\/\/\S+/.ignoresCase()) != nil else {
                throw GugusError.invalid(field: "url", value: url, Localized(
                    id: "'\(url)' bukan tautan web; tulis lengkap dengan https://", en: "'\(url)' is not a web link; write it in full with https://"))
            }
            return .link(url: trimmed, description: description?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty)
        case .session(let id):
            return .session(id)
        }
    }

    /// "10.5" (or "10,5" in Indonesian): a size just over a limit must not read as the limit.
    static func megabytes(_ bytes: Int, _ language: Language) -> String {
        let text = String(format: "%.1f", (Double(bytes) / 1_048_576 * 10).rounded(.up) / 10)
        return language == .id ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    // MARK: Reading a report

    private struct EntryRow: Decodable {
        var actionId: Int64
        var entryId: Int64?
        var actionCode: String
        var title: String
        var strategy: Int
        var indicator: String
        var unit: String?
        var target: Double?
        var achievement: String?
        var value: Double?
        var progress: EntryProgress
        var inputsFrom: [String]
        var reviewNote: String?
        var score: Int?
    }

    private struct HeaderRow: Decodable {
        var id: Int64?
        var state: ReportState
        var late: Bool
        var dueAt: Date
        var submittedAt: Date?
        var submittedBy: String?
        var submissionNote: String?
        var reviewedAt: Date?
        var reviewedBy: String?
        var reviewNote: String?
    }

    private struct EvidenceRow: Decodable {
        var entryId: Int64
        var id: Int64
        var kind: Evidence.Kind
        var fileName: String?
        var mediaType: String?
        var sizeBytes: Int?
        var sha256: String?
        var url: String?
        var sessionId: Int64?
        var sessionTitle: String?
        var sessionStartsAt: Date?
        var participants: Int?
        var attended: Int?
        var description: String?
    }

    private struct ProposalRow: Decodable {
        var actionId: Int64
        var sessionId: Int64
        var title: String
        var startsAt: Date
        var participants: Int
        var attended: Int
    }

    func loadReport(taskForce: TaskForce, period: ReportPeriod, on connection: PostgresConnection) async throws -> Report {
        try await Self.loadReport(taskForce: taskForce, period: period, now: clock(), on: connection)
    }

    /// The report as of `now` (the injected clock: whether it is late depends on it).
    static func loadReport(taskForce: TaskForce, period: ReportPeriod, now: Date, on connection: PostgresConnection) async throws -> Report {
        let header = try await connection.query("""
            SELECT r.id, coalesce(r.state, 'not_started') AS state,
                   (r.submitted_at IS NULL AND \(now)::timestamptz >= d.due_at) AS late, d.due_at,
                   r.submitted_at, r.submitted_by, r.submission_note, r.reviewed_at, r.reviewed_by, r.review_note
            FROM (SELECT report_deadline(\(period.id), \(taskForce.regionCode)) AS due_at) d
            LEFT JOIN report r ON r.task_force_id = \(taskForce.id) AND r.period_id = \(period.id)
            """).single()!.decode(as: HeaderRow.self)
        let reportID = header.id ?? 0
        let entries = try await connection.query("""
            SELECT a.id AS action_id, e.id AS entry_id, a.code AS action_code, a.title, a.strategy, a.indicator, a.unit,
                   a.target::float8 AS target, e.achievement, e.value::float8 AS value, coalesce(e.progress, 'not_started') AS progress,
                   coalesce(e.inputs_from, '{}') AS inputs_from, e.review_note, e.score
            FROM report_action a
            LEFT JOIN report_entry e ON e.action_id = a.id AND e.report_id = \(reportID)
            WHERE \(assignedCondition(taskForce: taskForce, period: period))
            ORDER BY a.strategy, a.code
            """).decode(as: EntryRow.self)
        let evidence = try await connection.query("""
            SELECT v.entry_id, v.id, v.kind, v.file_name, v.media_type, v.size_bytes, v.document_sha256 AS sha256, v.url, v.session_id,
                   s.title AS session_title, s.starts_at AS session_starts_at,
                   \(attendanceColumns("v.session_id")), v.description
            FROM report_evidence v LEFT JOIN outreach_session s ON s.id = v.session_id
            WHERE v.report_id = \(reportID)
            ORDER BY v.id
            """).decode(as: EvidenceRow.self)
        let locked = header.state == .submitted || header.state == .verified
        let proposals = locked ? [] : try await connection.query("""
            SELECT a.id AS action_id, s.id AS session_id, s.title, s.starts_at, \(attendanceColumns("s.id"))
            FROM report_action a
            JOIN outreach_session s ON s.task_force_id = \(taskForce.id) AND s.status = 'completed'
                 AND s.starts_at >= \(period.coversFrom)::timestamp AT TIME ZONE \(taskForce.timeZone)
                 AND s.starts_at < \(period.coversUntil.adding(days: 1))::timestamp AT TIME ZONE \(taskForce.timeZone)
            LEFT JOIN report_entry e ON e.report_id = \(reportID) AND e.action_id = a.id
            WHERE a.strategy = 1 AND \(assignedCondition(taskForce: taskForce, period: period))
              AND NOT EXISTS (SELECT 1 FROM report_evidence v WHERE v.entry_id = e.id AND v.session_id = s.id)
              AND NOT EXISTS (SELECT 1 FROM report_dismissed_session x WHERE x.entry_id = e.id AND x.session_id = s.id)
            ORDER BY s.starts_at, s.id
            """).decode(as: ProposalRow.self)

        return Report(
            id: header.id, taskForceId: taskForce.id, taskForce: taskForce.name, regionCode: taskForce.regionCode, period: period.name,
            state: header.state, late: header.late, dueAt: header.dueAt, timeZone: taskForce.timeZone, zoneLabel: taskForce.zoneLabel,
            submittedAt: header.submittedAt, submittedBy: header.submittedBy, submissionNote: header.submissionNote, reviewedAt: header.reviewedAt, reviewedBy: header.reviewedBy,
            reviewNote: header.reviewNote,
            entries: entries.map { row in
                ReportEntry(
                    actionCode: row.actionCode, title: row.title, strategy: row.strategy, indicator: row.indicator, unit: row.unit,
                    target: row.target, achievement: row.achievement, value: row.value, progress: row.progress, inputsFrom: row.inputsFrom,
                    reviewNote: row.reviewNote, score: row.score,
                    evidence: evidence.filter { $0.entryId == row.entryId }.map { item in
                        Evidence(
                            id: item.id, kind: item.kind, fileName: item.fileName, mediaType: item.mediaType, sizeBytes: item.sizeBytes,
                            sha256: item.sha256, url: item.url, sessionId: item.sessionId, sessionTitle: item.sessionTitle,
                            sessionStartsAt: item.sessionStartsAt, participants: item.participants, attended: item.attended,
                            description: item.description)
                    },
                    proposed: proposals.filter { $0.actionId == row.actionId }.map {
                        ProposedSession(sessionId: $0.sessionId, title: $0.title, startsAt: $0.startsAt, participants: $0.participants, attended: $0.attended)
                    })
            })
    }

    /// A session's participant and attendance counts, as status counts them.
    private static func attendanceColumns(_ session: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: """
            CASE WHEN \(session) IS NOT NULL THEN (SELECT count(*) FROM participant p WHERE p.session_id = \(session) AND p.registration IN ('invited', 'registered'))::integer END AS participants,
            CASE WHEN \(session) IS NOT NULL THEN (SELECT count(*) FROM participant p WHERE p.session_id = \(session) AND p.attended)::integer END AS attended
            """)
    }
}

/// What an evidence file is, from its first bytes and its name: the name alone is not
/// trusted (a renamed executable is not a PDF), and the bytes alone cannot tell XLSX from
/// any other ZIP.
enum EvidenceType {
    static func mediaType(of file: EvidenceFile) -> String? {
        let bytes = [UInt8](file.content.prefix(8))
        let suffix = (file.fileName as NSString).pathExtension.lowercased()
        func starts(_ signature: [UInt8]) -> Bool { bytes.starts(with: signature) }
        switch suffix {
        case "pdf": return starts(Array("%PDF-".utf8)) ? "application/pdf" : nil
        case "png": return starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png" : nil
        case "jpg", "jpeg": return starts([0xFF, 0xD8, 0xFF]) ? "image/jpeg" : nil
        case "xlsx": return starts([0x50, 0x4B, 0x03, 0x04]) ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : nil
        case "ods": return starts([0x50, 0x4B, 0x03, 0x04]) ? "application/vnd.oasis.opendocument.spreadsheet" : nil
        case "xls": return starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) ? "application/vnd.ms-excel" : nil
        case "csv":
            // Text: UTF-8 without control characters other than line breaks and tabs.
            guard let text = String(data: file.content, encoding: .utf8),
                  !text.unicodeScalars.contains(where: { $0.value < 0x20 && ![0x09, 0x0A, 0x0D].contains($0.value) }) else { return nil }
            return "text/csv"
        default: return nil
        }
    }
}
