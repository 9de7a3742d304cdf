import Foundation
import Postgres

/// Reminders made the way Gugus makes them, for the dispatch and lateness sections: a task
/// force per province with 100 members, sessions two hours ahead with all their task force's
/// members invited, and one rule (participants, an hour before, the log channel), so that the
/// planner's triggers plan one reminder per participant. The planner plans only for times
/// ahead; the sections then move the due times to when they want them due.
struct DueReminders: Sendable {
    /// Reminders wanted; rounded to whole sessions of ``participantsPerSession``.
    var count: Int

    static let participantsPerSession = 100
    static let taskForces = 38
    var sessions: Int { max(1, (count + Self.participantsPerSession / 2) / Self.participantsPerSession) }

    /// Creates everything with the triggers on; returns how many reminders the planner made.
    func create(on connection: PostgresConnection) async throws -> Int {
        let members = Self.participantsPerSession
        try await connection.executeScript(unsafeSQL: """
            CREATE SCHEMA gugus_bench;

            INSERT INTO task_force (level, region_code, name, period_id)
            SELECT 'regional', code, 'Gugus Tugas Daerah Bisnis dan HAM ' || name, (SELECT min(id) FROM programme_period)
            FROM region WHERE level = 'province' ORDER BY code;

            CREATE TABLE gugus_bench.tf AS
            SELECT (row_number() OVER (ORDER BY t.id) - 1)::integer AS t, t.id, t.region_code, r.name, r.time_zone
            FROM task_force t JOIN region r ON r.code = t.region_code;

            INSERT INTO institution (id, name, kind, region_code)
            OVERRIDING SYSTEM VALUE
            SELECT tf.t + 1, 'Pemerintah Provinsi ' || tf.name, 'provincial_agency', tf.region_code FROM gugus_bench.tf tf;
            SELECT setval(pg_get_serial_sequence('institution', 'id'), (SELECT max(id) FROM institution));

            INSERT INTO person (id, name, email, phone)
            OVERRIDING SYSTEM VALUE
            SELECT tf.t * \(members) + k, 'Anggota ' || (tf.t * \(members) + k), 'anggota' || (tf.t * \(members) + k) || '@contoh.go.id',
                   '+62812' || lpad((tf.t * \(members) + k)::text, 8, '0')
            FROM gugus_bench.tf tf CROSS JOIN generate_series(1, \(members)) AS k;
            SELECT setval(pg_get_serial_sequence('person', 'id'), (SELECT max(id) FROM person));

            INSERT INTO membership (task_force_id, person_id, institution_id, position, role, valid_from)
            SELECT tf.id, tf.t * \(members) + k, tf.t + 1, 'Anggota Gugus Tugas',
                   CASE k WHEN 1 THEN 'ketua' WHEN 2 THEN 'sekretaris' ELSE 'anggota' END, date '2024-01-01'
            FROM gugus_bench.tf tf CROSS JOIN generate_series(1, \(members)) AS k;

            INSERT INTO reminder_rule (kind, offset_minutes, audience, channel, created_by)
            VALUES ('session', 60, 'participants', 'log', 'gugus-bench');

            INSERT INTO outreach_session (task_force_id, title, format, mode, venue, starts_at, ends_at, time_zone)
            SELECT tf.id, 'Sosialisasi Bisnis dan HAM ' || (n + 1), 'sosialisasi', 'luring', 'Aula Kantor Gubernur',
                   now() + interval '2 hours' + n * interval '1 minute', now() + interval '5 hours' + n * interval '1 minute', tf.time_zone
            FROM generate_series(0, \(sessions - 1)) AS n JOIN gugus_bench.tf tf ON tf.t = n % \(Self.taskForces);

            -- Every member invited: the planner's triggers make the reminders.
            INSERT INTO participant (session_id, membership_id, role)
            SELECT s.id, m.id, CASE m.role WHEN 'ketua' THEN 'organizer' ELSE 'attendee' END
            FROM outreach_session s JOIN membership m ON m.task_force_id = s.task_force_id
            ORDER BY s.id, m.id;
            """)
        return try await connection.query("SELECT count(*) FROM reminder WHERE status = 'pending'").single()?.decode(Int.self) ?? 0
    }

    /// Makes every reminder pending again and due a second ago, as if the hour had come,
    /// with no attempt on record.
    static func makeAllDue(on connection: PostgresConnection) async throws {
        try await connection.executeScript(unsafeSQL: """
            UPDATE reminder SET status = 'pending', attempts = 0, sent_at = NULL, lease_until = NULL, leased_by = NULL,
                                last_error = NULL, skip_reason = NULL,
                                due_at = now() - interval '1 second', not_before = now() - interval '1 second', updated_at = now();
            TRUNCATE reminder_attempt;
            """)
        try await connection.execute("VACUUM (ANALYZE) reminder")
    }

    /// Spreads the reminders' due times evenly: the first at `start`, then one every
    /// 1/`perSecond` of a second, in id order; and wakes the schedulers.
    static func spread(from start: Date, perSecond: Int, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE reminder r SET due_at = x.due, not_before = x.due, updated_at = now()
            FROM (SELECT id, \(start)::timestamptz + (row_number() OVER (ORDER BY id) - 1) * interval '1 microsecond' * \(1_000_000 / perSecond) AS due
                  FROM reminder) x
            WHERE r.id = x.id
            """)
        try await connection.execute("VACUUM (ANALYZE) reminder")
        try await connection.execute("SELECT pg_notify('gugus_reminders', 'gugus-bench')")
    }
}
