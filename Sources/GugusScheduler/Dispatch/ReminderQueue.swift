import Foundation
import GugusDatabase
import GugusModel
import Postgres

/// A reminder a worker has claimed, with what it needs to check and send it.
struct ClaimedReminder: Sendable {
    var id: Int64
    var kind: Reminder.Kind
    /// The claim's attempt number: it only grows, also across re-planning, so it identifies
    /// this claim.
    var attempt: Int
    /// The attempts counted before the reminder was last planned; `try` is this plan's.
    var planAttempts: Int
    var `try`: Int { attempt - planAttempts }
    var channel: ReminderRule.Channel
    var dueAt: Date
    var recipientKey: String
    var recipientName: String
    var recipientEmail: String?
    var recipientLanguage: String
    var plannedVersion: Int?
    var sessionId: Int64?
    var decreeId: Int64?
    var regionCode: String?
    var ruleKind: ReminderRule.Kind
    var ruleRemoved: Bool
    var webhookUrl: String?
    var title: String?
    var sessionStatus: OutreachSession.Status?
    var sessionVersion: Int?
    var startsAt: Date?
    var endsAt: Date?
    var sessionTimeZone: String?
    var venue: String?
    var onlineUrl: String?
    var format: String?
    var mode: String?
    var cancelReason: String?
    var sessionNotes: String?
    var sessionCreatedAt: Date?
    var sessionUpdatedAt: Date?
    /// For a notice: what the person was last told, and a cancellation's reason.
    var notice: Notice?
    var taskForceName: String?
    var taskForceRegion: String?
    var decreeNumber: String?
    var decreeLastDay: CivilDate?
    var regionName: String?
    var regionTimeZone: String
    var now: Date
    var stillCurrent: Bool
    /// A reporting reminder's period, its close in the region (the first instant after
    /// 23:59 local) and the reviewer's note of a returned report.
    var reportPeriodName: String?
    var reportDueAt: Date?
    var reportReviewNote: String?
    /// "erased" or "opted out": nothing goes to this person, of this kind.
    var blocked: String?

    var idempotencyKey: String { Reminder.idempotencyKey(id: id, plannedVersion: plannedVersion, kind: kind) }

    /// The `notice` column: `{"old": {starts_at, ends_at, time_zone, venue, online_url, …}, "reason": …}`.
    struct Notice: Decodable, Sendable {
        struct TimeAndPlace: Decodable, Sendable {
            var startsAt: Date
            var endsAt: Date
            var timeZone: String
            var venue: String?
            var onlineUrl: String?
            /// The session version the person was told (nil when it was never recorded).
            var version: Int?

            enum CodingKeys: String, CodingKey {
                case startsAt = "starts_at", endsAt = "ends_at", timeZone = "time_zone", venue, onlineUrl = "online_url", version
            }
        }

        var old: TimeAndPlace
        var reason: String?

        static func decode(_ json: String) throws -> Notice {
            let decoder = JSONDecoder()
            // Written by session_time_and_place as "2026-12-10T00:00:00.000000Z".
            decoder.dateDecodingStrategy = .custom { decoder in
                let text = try decoder.singleValueContainer().decode(String.self)
                guard let instant = PostgresTimestamp.parse(text) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 instant: \(text)"))
                }
                return instant
            }
            return try decoder.decode(Notice.self, from: Data(json.utf8))
        }
    }
}

/// The reminder table as a work queue: claims with `FOR UPDATE SKIP LOCKED` and a lease, and
/// completions that count only while the lease and attempt are still the worker's own, so a
/// reminder rescued by another worker is never overwritten by the one that lost it.
struct ReminderQueue: Sendable {
    let pool: PostgresPool
    let worker: String

    func claim(limit: Int, lease: Duration) async throws -> [ClaimedReminder] {
        let leaseSeconds = Double(lease.components.seconds)
        return try await pool.query("""
            WITH due AS (
                SELECT id FROM reminder
                WHERE status IN ('pending', 'failed') AND not_before <= now() AND (lease_until IS NULL OR lease_until < now())
                ORDER BY not_before, id
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE reminder r
                SET lease_until = now() + make_interval(secs => \(leaseSeconds)), leased_by = \(worker),
                    attempts = r.attempts + 1, updated_at = now()
                -- By id through the primary key: a join with the CTE was planned as a hash of
                -- the whole table, rebuilt for every batch (most of the server's work in make
                -- bench, dispatch).
                WHERE r.id = ANY (ARRAY(SELECT id FROM due))
                RETURNING r.*)
            SELECT c.id, c.kind, c.notice::text AS notice, c.attempts AS attempt, c.plan_attempts, c.channel, c.due_at, c.recipient_key, c.recipient_name, c.recipient_email,
                   c.recipient_language, c.planned_version, c.session_id, c.decree_id, c.region_code,
                   ru.kind AS rule_kind, ru.removed_at IS NOT NULL AS rule_removed, ru.webhook_url,
                   s.title, s.status AS session_status, s.version AS session_version, s.starts_at, s.ends_at,
                   s.time_zone AS session_time_zone, s.venue, s.online_url, s.format, s.mode, s.cancel_reason,
                   s.notes AS session_notes, s.created_at AS session_created_at, s.updated_at AS session_updated_at,
                   t.name AS task_force_name, t.region_code AS task_force_region,
                   d.number AS decree_number, upper(d.in_force) - 1 AS decree_last_day,
                   rg.name AS region_name, coalesce(rg.time_zone, trg.time_zone, 'Asia/Jakarta') AS region_time_zone,
                   now() AS now,
                   -- A notice goes to whoever was told of the session, whatever the audience is now.
                   rp.name AS report_period_name, CASE WHEN rp.id IS NOT NULL THEN report_deadline(rp.id, t.region_code) END AS report_due_at, rep.review_note AS report_review_note,
                   CASE WHEN c.kind <> 'reminder' THEN true
                        WHEN c.report_period_id IS NOT NULL THEN coalesce(report_reminder_holds(c.rule_id, c.report_period_id, c.task_force_id, c.recipient_key), false)
                        WHEN c.session_id IS NOT NULL THEN coalesce(w.wanted, false)
                        ELSE coalesce(reminder_condition_holds(c.rule_id, c.decree_id, c.region_code, c.recipient_key), false)
                   END AS still_current,
                   b.reason AS blocked
            FROM claimed c
            JOIN reminder_rule ru ON ru.id = c.rule_id
            LEFT JOIN outreach_session s ON s.id = c.session_id
            LEFT JOIN task_force t ON t.id = c.task_force_id
            LEFT JOIN region trg ON trg.code = t.region_code
            LEFT JOIN decree d ON d.id = c.decree_id
            LEFT JOIN region rg ON rg.code = c.region_code
            LEFT JOIN report_period rp ON rp.id = c.report_period_id
            LEFT JOIN report rep ON rep.period_id = c.report_period_id AND rep.task_force_id = c.task_force_id
            -- Inlined by the planner into index probes per row (sql/019); as scalar function
            -- calls they were most of the claim's time.
            LEFT JOIN LATERAL session_reminder_audience(c.session_id, c.person_key, c.channel, c.offset_minutes) w ON c.session_id IS NOT NULL
            LEFT JOIN LATERAL reminder_block(c.person_key, c.recipient_email, ru.kind) b ON true
            ORDER BY c.due_at, c.id
            """).map { try ClaimedReminder(row: $0) }
    }

    /// Marks delivered reminders sent. Returns how many had lost their lease meanwhile (they
    /// were delivered twice; the receivers see the same idempotency key).
    @discardableResult
    func markSent(_ reminders: [ClaimedReminder]) async throws -> Int {
        guard !reminders.isEmpty else { return 0 }
        let ids = reminders.map(\.id)
        let attempts = reminders.map { Int32($0.attempt) }
        let rows = try await pool.query("""
            WITH done AS (
                UPDATE reminder r SET status = 'sent', sent_at = now(), sent_version = r.planned_version,
                                      lease_until = NULL, leased_by = NULL, last_error = NULL, updated_at = now()
                WHERE \(Self.ownClaim(ids: ids, attempts: attempts, worker: worker))
                RETURNING r.id)
            INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
            SELECT i.id, i.attempt, \(worker), 'sent',
                   CASE WHEN d.id IS NULL THEN 'delivered, but the lease had passed to another worker' END
            FROM unnest(\(ids), \(attempts)) AS i(id, attempt) LEFT JOIN done d ON d.id = i.id
            RETURNING detail IS NOT NULL AS lost
            """)
        return try rows.decode(Bool.self).filter { $0 }.count
    }

    /// The rows of `reminder r` that are still this worker's claim: the ids, each at the
    /// attempt it was claimed with, leased by this worker, not yet done.
    ///
    /// Through the primary key, and the attempt looked up by position: a join with the
    /// (id, attempt) pairs was estimated at one row and planned as a nested loop over every
    /// pair, 50 to 100 ms a batch of 500 (make bench, dispatch).
    private static func ownClaim(ids: [Int64], attempts: [Int32], worker: String) -> PostgresQuery {
        """
        r.id = ANY (\(ids)) AND r.attempts = (\(attempts)::integer[])[array_position(\(ids)::bigint[], r.id)]
        AND r.leased_by = \(worker) AND r.status IN ('pending', 'failed')
        """
    }

    /// Skips reminders that must not go, each with its reason.
    func markSkipped(_ skips: [(ClaimedReminder, String)]) async throws {
        guard !skips.isEmpty else { return }
        let ids = skips.map(\.0.id)
        let attempts = skips.map { Int32($0.0.attempt) }
        let reasons = skips.map(\.1)
        try await pool.execute("""
            WITH done AS (
                UPDATE reminder r SET status = 'skipped', skip_reason = (\(reasons)::text[])[array_position(\(ids)::bigint[], r.id)],
                                      lease_until = NULL, leased_by = NULL, updated_at = now()
                WHERE \(Self.ownClaim(ids: ids, attempts: attempts, worker: worker))
                RETURNING r.id, r.attempts, r.skip_reason)
            INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
            SELECT id, attempts, \(worker), 'skipped', skip_reason FROM done
            """)
    }

    /// Records a failed delivery: retried later with exponential backoff and jitter, or
    /// `dead` after the last attempt (or at once, when retrying cannot help).
    func markFailed(_ reminder: ClaimedReminder, error: DeliveryError, maxAttempts: Int, retryBase: Duration) async throws {
        let dead = error.isPermanent || reminder.try >= maxAttempts
        let base = Double(retryBase.components.seconds) + Double(retryBase.components.attoseconds) / 1e18
        let backoff = base * pow(2, Double(max(0, reminder.try - 1))) * Double.random(in: 0.8...1.2)
        try await pool.execute("""
            WITH done AS (
                UPDATE reminder SET status = \(dead ? "dead" : "failed"), last_error = \(error.description),
                       not_before = now() + make_interval(secs => \(min(backoff, 86_400))),
                       lease_until = NULL, leased_by = NULL, updated_at = now()
                WHERE id = \(reminder.id) AND attempts = \(reminder.attempt) AND leased_by = \(worker) AND status IN ('pending', 'failed')
                RETURNING id)
            INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
            SELECT \(reminder.id), \(reminder.attempt), \(worker),
                   CASE WHEN EXISTS (SELECT 1 FROM done) THEN \(dead ? "dead" : "failed") ELSE 'failed' END,
                   -- A worker that lost its lease decides nothing about the reminder's fate any more.
                   \(error.description) || CASE WHEN EXISTS (SELECT 1 FROM done) THEN '' ELSE ' (the lease had passed to another worker)' END
            """)
    }

    /// Gives claimed reminders back at shutdown, so another worker need not wait for the lease.
    func release(_ reminders: [ClaimedReminder]) async throws {
        guard !reminders.isEmpty else { return }
        let ids = reminders.map(\.id)
        let attempts = reminders.map { Int32($0.attempt) }
        try await pool.execute("""
            WITH done AS (
                UPDATE reminder r SET lease_until = NULL, leased_by = NULL, attempts = r.attempts - 1, updated_at = now()
                WHERE \(Self.ownClaim(ids: ids, attempts: attempts, worker: worker))
                RETURNING r.id, r.attempts + 1 AS attempt)
            INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
            SELECT id, attempt, \(worker), 'released', 'worker shutting down' FROM done
            """)
    }

    /// Keeps the leases of reminders still being delivered. Returns the ids still this
    /// worker's claim: a reminder whose lease ran out and passed to another claim is not among
    /// them, even a claim by this same worker (a batch claimed ahead can take up a reminder
    /// whose lease ran out in the batch being sent; only the newer claim may send it).
    @discardableResult
    func renew(_ reminders: [ClaimedReminder], lease: Duration) async throws -> Set<Int64> {
        guard !reminders.isEmpty else { return [] }
        return Set(try await pool.query("""
            UPDATE reminder r SET lease_until = now() + make_interval(secs => \(Double(lease.components.seconds)))
            WHERE \(Self.ownClaim(ids: reminders.map(\.id), attempts: reminders.map { Int32($0.attempt) }, worker: worker))
            RETURNING r.id
            """).decode(Int64.self))
    }

    /// The ids still this worker's claim with at least `margin` of their lease left, by the
    /// database's clock; renews the others that are still this worker's claim. The same
    /// guarantee as ``renew(_:lease:)`` (no other claim can take them within `margin`), but a
    /// read when the leases are fresh: renewing rewrites every row and its indexes, a fifth
    /// of the dispatch rate when done before every batch (make bench, dispatch).
    func held(_ reminders: [ClaimedReminder], margin: Duration, lease: Duration) async throws -> Set<Int64> {
        guard !reminders.isEmpty else { return [] }
        let seconds = Double(margin.components.seconds) + Double(margin.components.attoseconds) / 1e18
        var held = Set(try await pool.query("""
            SELECT r.id FROM reminder r
            WHERE \(Self.ownClaim(ids: reminders.map(\.id), attempts: reminders.map { Int32($0.attempt) }, worker: worker))
              AND r.lease_until >= now() + make_interval(secs => \(seconds))
            """).decode(Int64.self))
        let rest = reminders.filter { !held.contains($0.id) }
        if !rest.isEmpty { held.formUnion(try await renew(rest, lease: lease)) }
        return held
    }

    /// Seconds until the next reminder is due or a lease expires; nil when nothing waits.
    func secondsUntilNext() async throws -> Double? {
        try await pool.query("""
            SELECT extract(epoch FROM least(
                (SELECT min(not_before) FROM reminder
                 WHERE status IN ('pending', 'failed') AND (lease_until IS NULL OR lease_until < now())),
                (SELECT min(lease_until) FROM reminder
                 WHERE status IN ('pending', 'failed') AND lease_until >= now())) - now())::float8
            """).single()?.decode(Double?.self) ?? nil
    }

    /// Plans the compliance reminders due by now (decree terms ending, provinces without GTD).
    func planCompliance() async throws -> Int {
        try await pool.query("SELECT plan_compliance_reminders() + plan_report_reminders()").single()?.decode(Int.self) ?? 0
    }
}

extension ClaimedReminder {
    /// Reads a claimed row by column name. `decode(as:)` would do the same through Decodable,
    /// but it turns each camelCase key into its column name on every lookup, which was 40% of
    /// a worker's CPU time at 500 reminders a batch (make bench, dispatch).
    init(row: PostgresRow) throws {
        func value<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
            try row.column(column).decode(type)
        }
        func choice<T: RawRepresentable>(_ column: String, _ type: T.Type = T.self) throws -> T where T.RawValue == String {
            let text: String = try value(column)
            guard let choice = T(rawValue: text) else {
                throw DeliveryError("reminder column \(column) holds '\(text)', which this build does not know", permanent: true)
            }
            return choice
        }
        id = try value("id")
        kind = try choice("kind")
        attempt = try value("attempt")
        planAttempts = try value("plan_attempts")
        channel = try choice("channel")
        dueAt = try value("due_at")
        recipientKey = try value("recipient_key")
        recipientName = try value("recipient_name")
        recipientEmail = try value("recipient_email")
        recipientLanguage = try value("recipient_language")
        plannedVersion = try value("planned_version")
        sessionId = try value("session_id")
        decreeId = try value("decree_id")
        regionCode = try value("region_code")
        ruleKind = try choice("rule_kind")
        ruleRemoved = try value("rule_removed")
        webhookUrl = try value("webhook_url")
        title = try value("title")
        let status: String? = try value("session_status")
        sessionStatus = try status.map { text in
            guard let status = OutreachSession.Status(rawValue: text) else {
                throw DeliveryError("reminder column session_status holds '\(text)', which this build does not know", permanent: true)
            }
            return status
        }
        sessionVersion = try value("session_version")
        startsAt = try value("starts_at")
        endsAt = try value("ends_at")
        sessionTimeZone = try value("session_time_zone")
        venue = try value("venue")
        onlineUrl = try value("online_url")
        format = try value("format")
        mode = try value("mode")
        cancelReason = try value("cancel_reason")
        sessionNotes = try value("session_notes")
        sessionCreatedAt = try value("session_created_at")
        sessionUpdatedAt = try value("session_updated_at")
        // A notice this build cannot read is skipped on its own (noticeSkipReason), not a
        // reason to fail the whole batch.
        notice = try (value("notice") as String?).flatMap { try? Notice.decode($0) }
        taskForceName = try value("task_force_name")
        taskForceRegion = try value("task_force_region")
        decreeNumber = try value("decree_number")
        decreeLastDay = try value("decree_last_day")
        regionName = try value("region_name")
        regionTimeZone = try value("region_time_zone")
        now = try value("now")
        stillCurrent = try value("still_current")
        reportPeriodName = try value("report_period_name")
        reportDueAt = try value("report_due_at")
        reportReviewNote = try value("report_review_note")
        blocked = try value("blocked")
    }
}
