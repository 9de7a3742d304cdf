import Foundation
import GugusDatabase
import GugusModel
import GugusScheduler
import GugusTestSupport
import Logging
import Postgres
import Testing

/// A migrated database of its own with the GTD of Maluku Utara (82, WIT) established, and
/// the ways the scheduler tests drive it: sessions a given time ahead, in-process dispatch
/// passes, and the two ways of letting time pass that the tests use (see `makeDue(through:)`
/// and `advanceClock(by:)`).
struct ReminderTestbed {
    let gugus: DatabaseGugus
    let configuration: PostgresConfiguration
    var pool: PostgresPool { gugus.pool }
    /// The database as a URL, for `gugus` processes.
    var url: String { TestDatabase.url(for: configuration) }

    static let zone = TimeZone(identifier: "Asia/Jayapura")!

    static func make() async throws -> ReminderTestbed {
        let configuration = try await TestDatabase.makeMigrated()
        let pool = PostgresPool(configuration: configuration, options: .init(maxConnections: 4))
        TestResources.register(pool)
        let gugus = DatabaseGugus(pool: pool, caller: .localOperator("test"))
        let today = CivilDate(Date(), in: zone)
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
        // A decree in force from a month ago for two years, whenever the tests run.
        _ = try await gugus.addDecree(NewDecree(
            taskForce: .region("82"), number: "188.45/7/\(today.year)", title: "tentang Pembentukan GTD BHAM Provinsi Maluku Utara",
            place: "Sofifi", signedOn: today.adding(days: -30), effectiveUntil: today.adding(days: 730), signerName: "Rahmat Contoh"))
        return ReminderTestbed(gugus: gugus, configuration: configuration)
    }

    // MARK: Sessions and people

    /// A session starting `ahead` from now, to the second, at the Aula Gamalama.
    func session(startsIn ahead: Duration, title: String = "Sosialisasi Stranas BHAM", capacity: Int? = nil) async throws -> OutreachSession {
        try await gugus.scheduleSession(NewSession(
            taskForce: .region("82"), title: title, starts: Self.iso(Date().addingTimeInterval(ahead.seconds)),
            duration: DurationText(seconds: 3 * 3600)!, venue: "Aula Gamalama, Ternate", capacity: capacity))
    }

    /// A session at a local time in Ternate, "YYYY-MM-DD HH:MM".
    func session(at local: String, title: String = "Sosialisasi Strategi Nasional Bisnis dan HAM") async throws -> OutreachSession {
        try await gugus.scheduleSession(NewSession(
            taskForce: .region("82"), title: title, starts: local, duration: DurationText(seconds: 3 * 3600)!,
            venue: "Aula Gamalama, Ternate"))
    }

    /// Invites outside guests `tamu1@example.co.id` … to a session.
    @discardableResult
    func inviteGuests(_ numbers: ClosedRange<Int>, to session: OutreachSession) async throws -> [Participant] {
        var participants: [Participant] = []
        for n in numbers {
            participants += try await gugus.invite(
                sessionID: session.id,
                .guest(name: "Tamu \(n)", email: try EmailAddress(parsing: "tamu\(n)@example.co.id"), organisation: "APINDO Maluku Utara"),
                role: .attendee)
        }
        return participants
    }

    func rule(
        _ offset: String, channel: ReminderRule.Channel = .log, audience: ReminderRule.Audience? = nil, session: Int64? = nil,
        webhookURL: String? = nil
    ) async throws -> ReminderRule {
        try await gugus.addReminderRule(NewReminderRule(
            offset: try DurationText(parsing: offset, field: "offset"), audience: audience, channel: channel, webhookUrl: webhookURL,
            taskForce: session == nil ? .region("82") : nil, sessionId: session))
    }

    /// A member of the GTD with an e-mail address, from a month ago.
    func member(_ name: String, email: String, role: MemberRole = .anggota) async throws -> Member {
        try await gugus.addMember(NewMember(
            taskForce: .region("82"), name: name, role: role, position: "Kepala Bidang", institution: "Biro Hukum Setda Maluku Utara",
            email: try EmailAddress(parsing: email), from: CivilDate(Date(), in: Self.zone).adding(days: -30)))
    }

    /// Runs SQL as a named actor, as the audit triggers require of every change.
    func execute(_ query: PostgresQuery) async throws {
        try await pool.withTransaction { connection in
            try await connection.execute("SELECT set_config('gugus.actor', 'test', true)")
            try await connection.execute(query)
        }
    }

    // MARK: Time

    /// Simulates the clock reaching `instant` for the reminders: every pending (or failed)
    /// reminder a worker may take by then becomes takeable now (`not_before = now()`). The
    /// reminders' `due_at` stays as planned, so payloads and lateness show the real plan;
    /// sessions do not move. Returns how many became takeable.
    @discardableResult
    func makeDue(through instant: Date) async throws -> Int {
        try await pool.execute("""
            UPDATE reminder SET not_before = now()
            WHERE status IN ('pending', 'failed') AND not_before <= \(instant)
            """)
    }

    /// Simulates `span` passing on the database's clock: every stored instant that the
    /// scheduler compares with `now()` moves back by `span` (sessions, reminders, leases,
    /// rules), as if the clock had moved forward. Triggers are off for it (replica role), so
    /// nothing is re-planned and no version changes: it is not a change, only time.
    func advanceClock(by span: Duration) async throws {
        let seconds = span.seconds
        try await pool.withTransaction { connection in
            try await connection.execute("SET LOCAL session_replication_role = replica")
            try await connection.execute("""
                UPDATE outreach_session SET starts_at = starts_at - make_interval(secs => \(seconds)),
                                            ends_at = ends_at - make_interval(secs => \(seconds))
                """)
            try await connection.execute("""
                UPDATE reminder SET due_at = due_at - make_interval(secs => \(seconds)),
                                    not_before = not_before - make_interval(secs => \(seconds)),
                                    lease_until = lease_until - make_interval(secs => \(seconds))
                """)
            try await connection.execute("UPDATE reminder_rule SET created_at = created_at - make_interval(secs => \(seconds))")
        }
    }

    // MARK: Dispatch

    /// A worker in this process, writing the log channel to `logPath`.
    func dispatcher(_ configure: (inout SchedulerConfiguration) -> Void = { _ in }, logPath: String? = nil, worker: String = "test-worker") throws -> ReminderDispatcher {
        var configuration = SchedulerConfiguration(logPath: try logPath ?? Self.temporaryPath("reminders.jsonl"))
        configure(&configuration)
        var logger = Logger(label: "gugus.scheduler.test")
        logger.logLevel = .warning
        return try ReminderDispatcher(pool: pool, listenConfiguration: self.configuration, configuration: configuration, logger: logger, worker: worker)
    }

    // MARK: Reading back

    struct StoredReminder: Decodable, Sendable {
        var id: Int64
        var kind: String
        var sessionId: Int64?
        var personKey: String?
        var recipientKey: String
        var recipientName: String
        var channel: String
        var dueAt: Date
        var status: String
        var attempts: Int
        var plannedVersion: Int?
        var skipReason: String?
        var lastError: String?

        var idempotencyKey: String {
            Reminder.idempotencyKey(id: id, plannedVersion: plannedVersion, kind: Reminder.Kind(rawValue: kind) ?? .reminder)
        }
    }

    func reminders(session: Int64? = nil) async throws -> [StoredReminder] {
        try await pool.query("""
            SELECT id, kind, session_id, person_key, recipient_key, recipient_name, channel, due_at, status, attempts, planned_version,
                   skip_reason, last_error
            FROM reminder WHERE \(session)::bigint IS NULL OR session_id = \(session)
            ORDER BY id
            """).decode(as: StoredReminder.self)
    }

    struct Attempt: Decodable, Sendable, Equatable {
        var attempt: Int
        var worker: String?
        var outcome: String
        var detail: String?
    }

    /// Every decision recorded about a reminder, in order.
    func attempts(_ reminder: Int64) async throws -> [Attempt] {
        try await pool.query("""
            SELECT attempt, worker, outcome, detail FROM reminder_attempt WHERE reminder_id = \(reminder) ORDER BY id
            """).decode(as: Attempt.self)
    }

    // MARK: Files and text

    /// A path in a new folder of the test's own, removed when the test ends.
    static func temporaryPath(_ name: String) throws -> String {
        try TestResources.folder("gugus-scheduler-test").appendingPathComponent(name).path
    }

    /// The JSON lines the log channel wrote.
    static func logLines(_ path: String) throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// An instant as ISO 8601 in UTC, to the second, as `--starts` accepts it.
    static func iso(_ instant: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: instant.timeIntervalSince1970.rounded(.down)))
    }

    /// The next Thursday at least `days` ahead in Ternate, as "YYYY-MM-DD", and how a person
    /// in Ternate says that day in Indonesian ("Kamis, 10 Desember 2026"). Worked out with
    /// Foundation's Gregorian calendar and the test's own names, independently of `LocalTime`.
    static func thursday(atLeast days: Int) -> (date: String, spoken: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var day = calendar.date(byAdding: .day, value: days, to: Date())!
        while calendar.component(.weekday, from: day) != 5 { day = calendar.date(byAdding: .day, value: 1, to: day)! }
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        let months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
        let date = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        return (date, "Kamis, \(parts.day!) \(months[parts.month! - 1]) \(parts.year!)")
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
