import Foundation
import GugusModel
import Postgres

/// Task-force status, derived in one place.
///
/// One query serves the national overview (38 provinces) and one region. Each figure is a
/// LATERAL subquery on an index keyed by task force, and reaches only what holds on the day
/// or in the programme period (current memberships by their last day, sessions and reminders
/// by time), so the cost follows the provinces asked about and their present, not the size
/// of the database or the history it has gathered.
enum StatusQuery {
    /// The status rows for the regions `condition` selects, as of `date` (or the day `now`
    /// falls on in each region's own zone).
    static func rows(where condition: PostgresQuery, at date: CivilDate?, now: Date, on connection: PostgresConnection) async throws -> [TaskForceStatus] {
        let rows = try await connection.query(sql(where: condition, at: date, now: now))
        return try rows.map { row in
            let state = try TaskForceState(rawValue: row.column("status").decode(String.self)) ?? .notFormed
            let decree: TaskForceStatus.DecreeInForce? = try row.column("decree_id").decode(Int64?.self).map { id in
                try TaskForceStatus.DecreeInForce(
                    id: id, number: row.column("decree_number").decode(String.self),
                    signedOn: row.column("decree_signed_on").decode(CivilDate.self),
                    effectiveFrom: row.column("decree_effective_from").decode(CivilDate.self),
                    until: row.column("decree_until").decode(CivilDate?.self),
                    daysLeft: row.column("days_left").decode(Int?.self))
            }
            // Roles and their counts as two arrays: decoding them is a fraction of a JSON object's cost.
            let roles = try row.column("member_roles").decode([String]?.self) ?? []
            let counts = try row.column("member_counts").decode([Int]?.self) ?? []
            let members = Dictionary(zip(roles, counts), uniquingKeysWith: +)
            let participants = try row.column("participants").decode(Int.self)
            let attended = try row.column("attended").decode(Int.self)
            return try TaskForceStatus(
                regionCode: row.column("region_code").decode(String?.self),
                regionName: row.column("region_name").decode(String.self),
                zoneLabel: row.column("zone_label").decode(String.self),
                taskForceId: row.column("task_force_id").decode(Int64?.self),
                taskForceName: row.column("task_force_name").decode(String?.self),
                status: state,
                asOf: row.column("as_of").decode(CivilDate.self),
                decree: decree,
                memberCount: members.values.reduce(0, +),
                members: members,
                vacantCoreRoles: MemberRole.core.filter { (members[$0.rawValue] ?? 0) == 0 },
                sessions: .init(
                    held: row.column("sessions_held").decode(Int.self),
                    upcoming: row.column("sessions_upcoming").decode(Int.self),
                    cancelled: row.column("sessions_cancelled").decode(Int.self),
                    participants: participants, attended: attended,
                    attendanceRate: participants > 0 ? Double(attended) / Double(participants) : nil),
                reminders: .init(
                    pending: row.column("reminders_pending").decode(Int.self),
                    sent: row.column("reminders_sent").decode(Int.self),
                    failed: row.column("reminders_failed").decode(Int.self)),
                lastActivity: row.column("last_activity").decode(Date?.self),
                report: try row.column("report_period").decode(String?.self).map { period in
                    ReportStanding(
                        period: period,
                        state: ReportState(rawValue: try row.column("report_state").decode(String.self)) ?? .notStarted,
                        late: try row.column("report_late").decode(Bool.self),
                        dueAt: try row.column("report_due_at").decode(Date.self))
                })
        }
    }

    /// The SQL itself, also run by `make bench` under pgbench for comparison. `now` is the
    /// caller's clock (the database's when nil), so that "today" and "held" agree with it.
    static func sql(where condition: PostgresQuery, at date: CivilDate?, now: Date? = nil) -> PostgresQuery {
        """
        SELECT r.code AS region_code, r.name AS region_name, r.zone_label, t.id AS task_force_id, t.name AS task_force_name,
               day.as_of,
               CASE
                   WHEN d.id IS NOT NULL AND d.last_day IS NOT NULL AND d.last_day - day.as_of <= \(TaskForceState.expiringWithinDays) THEN 'expiring'
                   WHEN d.id IS NOT NULL THEN 'established'
                   WHEN EXISTS (SELECT 1 FROM decree e WHERE e.task_force_id = t.id AND e.amends_id IS NULL AND e.effective_from <= day.as_of) THEN 'lapsed'
                   ELSE 'not_formed'
               END AS status,
               d.id AS decree_id, d.number AS decree_number, d.signed_on AS decree_signed_on,
               d.effective_from AS decree_effective_from, d.last_day AS decree_until, d.last_day - day.as_of AS days_left,
               m.roles AS member_roles, m.counts AS member_counts,
               coalesce(s.held, 0) AS sessions_held, coalesce(s.upcoming, 0) AS sessions_upcoming,
               coalesce(s.cancelled, 0) AS sessions_cancelled,
               coalesce(s.participants, 0) AS participants, coalesce(s.attended, 0) AS attended,
               coalesce(rm.pending, 0) AS reminders_pending, coalesce(rm.sent, 0) AS reminders_sent,
               coalesce(rm.failed, 0) AS reminders_failed,
               a.last_activity,
               rs.period AS report_period, rs.state AS report_state, rs.late AS report_late, rs.due_at AS report_due_at
        FROM region r
        CROSS JOIN (SELECT coalesce(\(now)::timestamptz, now()) AS now) clock
        LEFT JOIN task_force t ON t.region_code = r.code
        LEFT JOIN programme_period pp ON pp.id = t.period_id
        CROSS JOIN LATERAL (SELECT coalesce(\(date)::date, (clock.now AT TIME ZONE r.time_zone)::date) AS as_of) day
        -- The programme period as instants in the region's zone. The latest period goes on until
        -- a next one is set: work continues between a strategy's end and its successor's start.
        LEFT JOIN LATERAL (
            SELECT pp.starts_on::timestamp AT TIME ZONE r.time_zone AS starts_at,
                   coalesce((SELECT min(np.starts_on) FROM programme_period np WHERE np.starts_on > pp.starts_on),
                            'infinity'::date)::timestamp AT TIME ZONE r.time_zone AS ends_at) period ON true
        LEFT JOIN LATERAL (
            SELECT e.id, e.number, e.signed_on, e.effective_from, upper(e.in_force) - 1 AS last_day
            FROM decree e
            WHERE e.task_force_id = t.id AND e.amends_id IS NULL AND e.in_force @> day.as_of
            LIMIT 1) d ON true
        LEFT JOIN LATERAL (
            SELECT array_agg(role ORDER BY role) AS roles, array_agg(n ORDER BY role) AS counts
            FROM (SELECT role, count(*) AS n FROM membership
                  WHERE task_force_id = t.id AND coalesce(valid_until, 'infinity'::date) >= day.as_of AND valid_from <= day.as_of
                  GROUP BY role) by_role) m ON true
        LEFT JOIN LATERAL (
            SELECT count(*) FILTER (WHERE o.status <> 'cancelled' AND (o.status = 'completed' OR o.ends_at <= clock.now)) AS held,
                   count(*) FILTER (WHERE o.status = 'scheduled' AND o.ends_at > clock.now) AS upcoming,
                   count(*) FILTER (WHERE o.status = 'cancelled') AS cancelled,
                   sum(o.participants) FILTER (WHERE o.status <> 'cancelled' AND (o.status = 'completed' OR o.ends_at <= clock.now)) AS participants,
                   sum(o.attended) FILTER (WHERE o.status <> 'cancelled' AND (o.status = 'completed' OR o.ends_at <= clock.now)) AS attended
            FROM (SELECT os.status, os.ends_at,
                         (SELECT count(*) FROM participant p WHERE p.session_id = os.id AND p.registration IN ('invited', 'registered')) AS participants,
                         (SELECT count(*) FROM participant p WHERE p.session_id = os.id AND p.attended) AS attended
                  FROM outreach_session os
                  WHERE os.task_force_id = t.id AND os.starts_at >= period.starts_at AND os.starts_at < period.ends_at) o) s ON true
        LEFT JOIN LATERAL (
            SELECT count(*) FILTER (WHERE rm.status = 'pending') AS pending,
                   count(*) FILTER (WHERE rm.status = 'sent') AS sent,
                   count(*) FILTER (WHERE rm.status IN ('failed', 'dead')) AS failed
            FROM reminder rm
            WHERE rm.task_force_id = t.id AND rm.due_at >= period.starts_at AND rm.due_at < period.ends_at) rm ON true
        LEFT JOIN LATERAL (SELECT max(al.at) AS last_activity FROM audit_log al WHERE al.task_force_id = t.id) a ON true
        -- The current reporting period: the latest that has opened by the day, in the region's zone.
        LEFT JOIN LATERAL (
            SELECT cp.name AS period, coalesce(rep.state, 'not_started') AS state,
                   (rep.submitted_at IS NULL AND clock.now >= cp.due_at) AS late, cp.due_at
            FROM (SELECT rp.id, rp.name, report_deadline(rp.id, r.code) AS due_at
                  FROM report_period rp WHERE rp.opens_on <= day.as_of
                  ORDER BY rp.opens_on DESC, rp.id DESC LIMIT 1) cp
            LEFT JOIN report rep ON rep.period_id = cp.id AND rep.task_force_id = t.id) rs ON true
        WHERE \(condition)
        ORDER BY r.code
        """
    }
}

extension StatusQuery {
    /// The rows of the national overview: the provinces.
    static let nationalCondition: PostgresQuery = "r.level = 'province'"

    /// The row of one region.
    static func regionCondition(_ code: String) -> PostgresQuery { "r.code = \(code)" }
}

/// The status SQL exactly as ``DatabaseGugus/nationalStatus(at:)`` and
/// ``DatabaseGugus/regionStatus(code:at:)`` send it, text and parameters, for `make bench`,
/// which runs it under EXPLAIN and pgbench beside the API. Not an API for reading status.
public enum StatusSQL {
    public static func national(at date: CivilDate?, now: Date?) -> PostgresQuery {
        StatusQuery.sql(where: StatusQuery.nationalCondition, at: date, now: now)
    }

    public static func region(code: String, at date: CivilDate?, now: Date?) -> PostgresQuery {
        StatusQuery.sql(where: StatusQuery.regionCondition(code), at: date, now: now)
    }
}

extension DatabaseGugus {
    /// The status of the 38 provinces. It is the same for every caller, so requests that
    /// arrive together share one read that began after each of them arrived (``SharedRead``).
    public func nationalStatus(at date: CivilDate?) async throws -> NationalStatus {
        try await shared.nationalStatus.value(for: date) { [self] in try await readNationalStatus(at: date) }
    }

    private func readNationalStatus(at date: CivilDate?) async throws -> NationalStatus {
        try await read { connection in
            let provinces = try await StatusQuery.rows(where: StatusQuery.nationalCondition, at: date, now: clock(), on: connection)
            func count(_ state: TaskForceState) -> Int { provinces.filter { $0.status == state }.count }
            return NationalStatus(
                asOf: date,
                coverage: .init(
                    provinces: provinces.count, established: count(.established), expiring: count(.expiring),
                    lapsed: count(.lapsed), notFormed: count(.notFormed)),
                national: nil,
                provinces: provinces)
        }
    }

    public func regionStatus(code: String, at date: CivilDate?) async throws -> TaskForceStatus {
        try await read { connection in
            _ = try await Self.region(code, on: connection)
            return try await StatusQuery.rows(where: StatusQuery.regionCondition(code), at: date, now: clock(), on: connection)[0]
        }
    }
}
