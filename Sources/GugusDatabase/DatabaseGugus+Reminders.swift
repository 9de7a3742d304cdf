import Foundation
import GugusModel
import Logging
import Postgres

extension DatabaseGugus {
    public func addReminderRule(_ input: NewReminderRule) async throws -> ReminderRule {
        let audience = try Self.audience(for: input)
        try Self.checkShape(input)
        if let url = input.webhookUrl, url.wholeMatch(of: /https?:\/\/\S+/) == nil {
            throw GugusError.invalid(field: "webhook_url", value: url, Localized(
                id: "'\(url)' bukan alamat web; tulis lengkap dengan http:// atau https://",
                en: "'\(url)' is not a web address; write it in full with http:// or https://"))
        }
        return try await write("reminder.rule.add") { connection in
            var taskForceID: Int64?
            if let sessionID = input.sessionId {
                _ = try await Self.writableSession(sessionID, caller: caller, on: connection)
            } else if let reference = input.taskForce {
                let taskForce = try await Self.taskForce(reference, on: connection)
                try caller.requireWrite(to: taskForce)
                taskForceID = taskForce.id
            } else {
                try caller.requireAdmin(Localized(id: "membuat aturan pengingat untuk semua gugus tugas", en: "add a reminder rule for every task force"))
            }
            let id = try await connection.query("""
                INSERT INTO reminder_rule (kind, offset_minutes, days_before, repeat_days, audience, channel, webhook_url,
                                           task_force_id, session_id, created_by)
                VALUES (\(input.kind.rawValue), \(input.offset.map { Int32($0.seconds / 60) }), \(input.daysBefore.map(Int32.init)),
                        \(input.repeatDays.map(Int32.init)), \(audience.rawValue), \(input.channel.rawValue), \(input.webhookUrl),
                        \(taskForceID), \(input.sessionId), \(caller.name))
                RETURNING id
                """).single()!.decode(Int64.self)
            if input.kind.isReporting {
                _ = try await connection.query("SELECT plan_report_reminders()")
            } else if input.kind != .session {
                _ = try await connection.query("SELECT plan_compliance_reminders()")
            }
            return try await Self.rule(id, on: connection)!
        }
    }

    public func reminderRules() async throws -> [ReminderRule] {
        try caller.requireRegistryRead()
        return try await read { connection in
            try await connection.query(Self.ruleSelect + " WHERE removed_at IS NULL ORDER BY id").decode(as: RuleRow.self).map(\.rule)
        }
    }

    public func removeReminderRule(id: Int64) async throws -> ReminderRule {
        try await write("reminder.rule.remove") { connection in
            guard let rule = try await Self.rule(id, on: connection), rule.removedAt == nil else {
                throw GugusError.notFound(Localized(
                    id: "tidak ada aturan pengingat aktif dengan id \(id); lihat `gugus reminder rule list`",
                    en: "no active reminder rule with id \(id); see `gugus reminder rule list`"))
            }
            if let sessionID = rule.sessionId {
                _ = try await Self.writableSession(sessionID, caller: caller, on: connection)
            } else if let taskForceID = rule.taskForceId {
                try caller.requireWrite(to: try await Self.taskForce(.id(taskForceID), on: connection))
            } else {
                try caller.requireAdmin(Localized(id: "menghapus aturan pengingat untuk semua gugus tugas", en: "remove a reminder rule for every task force"))
            }
            // The rule's trigger re-plans its sessions, which skips what it had planned.
            try await connection.execute("UPDATE reminder_rule SET removed_at = now() WHERE id = \(id)")
            let skipped = try await connection.query("""
                WITH gone AS (
                    UPDATE reminder SET status = 'skipped', skip_reason = 'rule removed', lease_until = NULL, leased_by = NULL, updated_at = now()
                    WHERE rule_id = \(id) AND status IN ('pending', 'failed')
                    RETURNING id, attempts)
                INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
                SELECT id, attempts, 'planner', 'skipped', 'rule removed' FROM gone
                RETURNING reminder_id
                """)
            logger.debug("rule removed", metadata: ["rule": "\(id)", "skipped": "\(skipped.count)"])
            return try await Self.rule(id, on: connection)!
        }
    }

    /// Reminders (and notices) by state, everywhere: for the operators' metrics, no caller check.
    public func reminderCounts() async throws -> [Reminder.Status: Int] {
        let rows = try await pool.query("SELECT status, count(*) FROM reminder GROUP BY status").decode((String, Int).self)
        return Dictionary(uniqueKeysWithValues: rows.compactMap { status, count in Reminder.Status(rawValue: status).map { ($0, count) } })
    }

    public func reminders(_ query: ReminderQuery) async throws -> Page<Reminder> {
        try caller.requireRegistryRead()
        let offset = try query.page.afterID()
        return try await read { connection in
            var filter: PostgresQuery = " WHERE true"
            if let status = query.status { filter.append(" AND r.status = \(status.rawValue)") }
            if let sessionID = query.sessionId { filter.append(" AND r.session_id = \(sessionID)") }
            if let reference = query.taskForce {
                let taskForce = try await Self.taskForce(reference, on: connection)
                filter.append(" AND r.task_force_id = \(taskForce.id)")
            }
            let rows = try await connection.query(Self.reminderSelect + filter + " ORDER BY r.due_at, r.id OFFSET \(offset) LIMIT \(query.page.limit + 1)")
            var reminders: [Reminder] = []
            for row in rows.prefix(query.page.limit) {
                var reminder = try row.decode(as: ReminderRow.self).reminder
                let region = try row.column("task_force_region").decode(String?.self)
                let seesContacts = caller.role == .admin || (caller.role == .coordinator && region != nil && region == caller.regionCode)
                if !seesContacts { reminder.recipientEmail = nil }
                reminders.append(reminder)
            }
            return Page(items: reminders, nextCursor: rows.count > query.page.limit ? String(offset + Int64(query.page.limit)) : nil)
        }
    }

    // MARK: Helpers

    static let reminderSelect: PostgresQuery = """
        SELECT r.id, r.kind, r.rule_id, r.task_force_id, r.session_id, r.decree_id, r.region_code, r.recipient_name,
               r.recipient_email, r.channel, r.due_at, r.status, r.attempts, r.planned_version, r.skip_reason,
               r.last_error, r.sent_at, t.region_code AS task_force_region
        FROM reminder r LEFT JOIN task_force t ON t.id = r.task_force_id
        """

    static let ruleSelect: PostgresQuery = """
        SELECT id, kind, offset_minutes, days_before, repeat_days, audience, channel, webhook_url, task_force_id, session_id,
               created_at, removed_at
        FROM reminder_rule
        """

    static func rule(_ id: Int64, on connection: PostgresConnection) async throws -> ReminderRule? {
        try await connection.query(ruleSelect + " WHERE id = \(id)").single()?.decode(as: RuleRow.self).rule
    }

    /// The audience a rule of this kind reaches, defaulted and checked.
    static func audience(for input: NewReminderRule) throws(GugusError) -> ReminderRule.Audience {
        switch input.kind {
        case .session:
            let audience = input.audience ?? .participants
            guard [.participants, .members, .organizers].contains(audience) else {
                throw GugusError.invalid(field: "audience", value: audience.rawValue, Localized(
                    id: "pengingat sesi menjangkau participants, members atau organizers, bukan \(audience.rawValue)",
                    en: "a session reminder reaches participants, members or organizers, not \(audience.rawValue)"))
            }
            return audience
        case .decreeExpiry:
            return .coreRoles
        case .noTaskForce:
            return .secretariat
        case .reportOpens, .reportClosing, .reportOverdue, .reportReturned:
            if let audience = input.audience, audience != .reporters {
                throw GugusError.invalid(field: "audience", value: audience.rawValue, Localized(
                    id: "pengingat pelaporan menjangkau sekretaris dan koordinator wilayah (reporters), bukan \(audience.rawValue)",
                    en: "a reporting reminder reaches the sekretaris and the region's coordinators (reporters), not \(audience.rawValue)"))
            }
            return .reporters
        }
    }

    static func checkShape(_ input: NewReminderRule) throws(GugusError) {
        func refuse(_ field: String, _ value: String?, id: String, en: String) -> GugusError {
            GugusError.invalid(field: field, value: value, Localized(id: id, en: en))
        }
        switch input.kind {
        case .session:
            guard input.offset != nil else {
                throw refuse("offset", nil, id: "pengingat sesi perlu offset, misalnya 1d atau 2h", en: "a session reminder needs an offset, such as 1d or 2h")
            }
        case .decreeExpiry:
            guard let days = input.daysBefore, (1...3650).contains(days) else {
                throw refuse("days_before", input.daysBefore.map(String.init),
                             id: "aturan masa berlaku SK perlu days_before antara 1 dan 3650", en: "a decree rule needs days_before from 1 to 3650")
            }
        case .noTaskForce:
            guard let days = input.repeatDays, (1...3650).contains(days) else {
                throw refuse("repeat_days", input.repeatDays.map(String.init),
                             id: "aturan provinsi tanpa GTD perlu pengulangan 1 sampai 3650 hari (--every 30d)",
                             en: "a no-GTD rule needs a repeat of 1 to 3650 days (--every 30d)")
            }
        case .reportClosing:
            guard let days = input.daysBefore, (1...365).contains(days) else {
                throw refuse("days_before", input.daysBefore.map(String.init),
                             id: "pengingat batas waktu laporan perlu days_before antara 1 dan 365 (biasanya 14 dan 3)",
                             en: "a report deadline reminder needs days_before from 1 to 365 (usually 14 and 3)")
            }
        case .reportOpens, .reportOverdue, .reportReturned:
            break
        }
        if input.kind.isReporting, input.sessionId != nil {
            throw refuse("session", input.sessionId.map(String.init), id: "pengingat pelaporan tidak terikat pada sesi", en: "a reporting reminder is not tied to a session")
        }
        // A value that belongs to another kind of rule is a mistake, not something to ignore.
        if input.kind != .session, let offset = input.offset {
            throw refuse("offset", offset.description, id: "offset hanya untuk pengingat sesi", en: "offset is for session reminders only")
        }
        if input.kind != .decreeExpiry && input.kind != .reportClosing, let days = input.daysBefore {
            throw refuse("days_before", String(days), id: "days_before hanya untuk aturan masa berlaku SK dan batas waktu laporan", en: "days_before is for decree and report deadline rules only")
        }
        if input.kind != .noTaskForce, let days = input.repeatDays {
            throw refuse("repeat_days", String(days), id: "repeat_days hanya untuk aturan provinsi tanpa GTD", en: "repeat_days is for no-GTD rules only")
        }
        if input.kind != .session, let session = input.sessionId {
            throw refuse("session_id", String(session), id: "aturan kepatuhan tidak berlaku untuk satu sesi", en: "a compliance rule does not apply to one session")
        }
        if input.kind == .noTaskForce, let taskForce = input.taskForce {
            throw refuse("task_force", taskForce.description, id: "aturan provinsi tanpa GTD berlaku nasional; hapus task_force", en: "a no-GTD rule is national; drop task_force")
        }
        if input.taskForce != nil && input.sessionId != nil {
            throw refuse("session_id", input.sessionId.map(String.init), id: "pilih task_force atau session_id, bukan keduanya", en: "give task_force or session_id, not both")
        }
    }
}

struct RuleRow: Decodable {
    var id: Int64
    var kind: ReminderRule.Kind
    var offsetMinutes: Int?
    var daysBefore: Int?
    var repeatDays: Int?
    var audience: ReminderRule.Audience
    var channel: ReminderRule.Channel
    var webhookUrl: String?
    var taskForceId: Int64?
    var sessionId: Int64?
    var createdAt: Date
    var removedAt: Date?

    var rule: ReminderRule {
        ReminderRule(
            id: id, kind: kind, offset: offsetMinutes.flatMap { DurationText(seconds: $0 * 60) }, daysBefore: daysBefore,
            repeatDays: repeatDays, audience: audience, channel: channel, webhookUrl: webhookUrl, taskForceId: taskForceId,
            sessionId: sessionId, createdAt: createdAt, removedAt: removedAt)
    }
}

struct ReminderRow: Decodable {
    var id: Int64
    var kind: Reminder.Kind
    var ruleId: Int64
    var taskForceId: Int64?
    var sessionId: Int64?
    var decreeId: Int64?
    var regionCode: String?
    var recipientName: String
    var recipientEmail: String?
    var channel: ReminderRule.Channel
    var dueAt: Date
    var status: Reminder.Status
    var attempts: Int
    var plannedVersion: Int?
    var skipReason: String?
    var lastError: String?
    var sentAt: Date?

    var reminder: Reminder {
        Reminder(
            id: id, kind: kind, ruleId: ruleId, taskForceId: taskForceId, sessionId: sessionId, decreeId: decreeId, regionCode: regionCode,
            recipientName: recipientName, recipientEmail: recipientEmail, channel: channel, dueAt: dueAt, status: status,
            attempts: attempts, plannedVersion: plannedVersion, skipReason: skipReason, lastError: lastError, sentAt: sentAt,
            idempotencyKey: Reminder.idempotencyKey(id: id, plannedVersion: plannedVersion, kind: kind))
    }
}
