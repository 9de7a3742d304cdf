import Crypto
import Foundation
import GugusModel
import Postgres

/// The signed links in reminders that stop reminders of their kind to their person
/// (`/unsubscribe/{token}`). A token names the reminder it came with and carries an
/// HMAC-SHA256 of it under the deployment's key (`link_key`, made by the migration), so a
/// token for another person cannot be guessed from one's own.
public struct OptOutLinks: Sendable {
    private let secret: [UInt8]

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    public static func load(on connection: PostgresConnection) async throws -> OptOutLinks {
        guard let secret = try await connection.query("SELECT secret FROM link_key WHERE id = 1").single()?.decode(Data.self) else {
            throw GugusError(.internal, Localized(
                id: "kunci tautan berhenti berlangganan tidak ada; jalankan `gugus db migrate`",
                en: "the opt-out link key is missing; run `gugus db migrate`"))
        }
        return OptOutLinks(secret: Array(secret))
    }

    public static func load(from pool: PostgresPool) async throws -> OptOutLinks {
        try await pool.withConnection { try await load(on: $0) }
    }

    /// `{reminder id}-{32 hex digits of the MAC}`.
    public func token(reminder id: Int64) -> String {
        "\(id)-\(mac(id))"
    }

    public func url(base: String, reminder id: Int64) -> String {
        "\(base)/unsubscribe/\(token(reminder: id))"
    }

    /// The reminder a token names, or nil when the token was not made with this key.
    public func reminder(in token: String) -> Int64? {
        guard let dash = token.firstIndex(of: "-"), let id = Int64(token[..<dash]), id > 0 else { return nil }
        let given = Array(token[token.index(after: dash)...].utf8)
        let expected = Array(mac(id).utf8)
        guard given.count == expected.count else { return nil }
        // Compared in constant time: how far a guess matched must not show in the timing.
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0 ? id : nil
    }

    private func mac(_ id: Int64) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("gugus-opt-out:v1:\(id)".utf8), using: SymmetricKey(data: secret))
        return code.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}

/// Where a person stands with one kind of reminder, as the opt-out page shows it.
public struct OptOutStatus: Sendable, Hashable {
    public var reminderId: Int64
    public var kind: ReminderRule.Kind
    /// The recipient's language: the page speaks it unless the visitor chose another.
    public var language: Language
    /// Since when they get no more reminders of this kind; nil while they do.
    public var optedOutAt: Date?
    /// Their data was erased: nothing goes to them any more, whatever they choose.
    public var erased: Bool
    /// The zone of the reminder's region, for saying when (WIB, WITA, WIT).
    public var zone: RegionZone
}

extension DatabaseGugus {
    /// The opt-out behind a link. A token that was not signed with this deployment's key is
    /// refused (404), as is one whose reminder does not exist.
    public func optOutStatus(token: String) async throws -> OptOutStatus {
        try await read { connection in
            try await Self.optOutStatus(reminder: try await Self.optOutReminder(token: token, on: connection), on: connection)
        }
    }

    /// Stops reminders of the link's kind to its person; following the link again changes nothing.
    public func optOut(token: String) async throws -> OptOutStatus {
        try await optOutChange(token: token, action: "reminder.opt_out") { status, connection in
            guard status.optedOutAt == nil else { return }
            try await connection.execute("""
                INSERT INTO opt_out (subject, kind, reminder_id)
                SELECT opt_out_subject(r.person_key, r.recipient_email), ru.kind, r.id
                FROM reminder r JOIN reminder_rule ru ON ru.id = r.rule_id
                WHERE r.id = \(status.reminderId) AND r.person_key IS NOT NULL
                """)
        }
    }

    /// Takes the opt-out back: reminders of that kind go to the person again.
    public func undoOptOut(token: String) async throws -> OptOutStatus {
        try await optOutChange(token: token, action: "reminder.opt_in") { status, connection in
            try await connection.execute("""
                UPDATE opt_out o SET undone_at = now()
                FROM reminder r JOIN reminder_rule ru ON ru.id = r.rule_id
                WHERE r.id = \(status.reminderId) AND o.subject = opt_out_subject(r.person_key, r.recipient_email)
                  AND o.kind = ru.kind AND o.undone_at IS NULL
                """)
        }
    }

    private func optOutChange(
        token: String, action: String, _ change: @escaping @Sendable (OptOutStatus, PostgresConnection) async throws -> Void
    ) async throws -> OptOutStatus {
        let reminder = try await read { connection in try await Self.optOutReminder(token: token, on: connection) }
        // The link is the credential: the audit log names it, not a person.
        return try await acting(as: Caller(name: "opt-out link (reminder \(reminder))", role: .viewer)).write(action) { connection in
            try await change(try await Self.optOutStatus(reminder: reminder, on: connection), connection)
            return try await Self.optOutStatus(reminder: reminder, on: connection)
        }
    }

    static let refusedLink = GugusError.notFound(Localized(
        id: "tautan berhenti berlangganan ini tidak sah; buka tautan persis seperti dalam pesan pengingat",
        en: "this opt-out link is not valid; open the link exactly as it is in the reminder"))

    /// The reminder a link names, if this deployment's key signed it.
    static func optOutReminder(token: String, on connection: PostgresConnection) async throws -> Int64 {
        guard let id = try await OptOutLinks.load(on: connection).reminder(in: token) else { throw refusedLink }
        return id
    }

    static func optOutStatus(reminder id: Int64, on connection: PostgresConnection) async throws -> OptOutStatus {
        guard let row = try await connection.query("""
            SELECT ru.kind, r.recipient_language,
                   coalesce(trg.time_zone, rg.time_zone, 'Asia/Jakarta') AS time_zone,
                   (SELECT o.opted_out_at FROM opt_out o
                    WHERE o.subject = opt_out_subject(r.person_key, r.recipient_email) AND o.kind = ru.kind AND o.undone_at IS NULL) AS opted_out_at,
                   reminder_blocked(r.person_key, r.recipient_email, ru.kind) IS NOT DISTINCT FROM 'erased' AS erased
            FROM reminder r JOIN reminder_rule ru ON ru.id = r.rule_id
            LEFT JOIN task_force t ON t.id = r.task_force_id
            LEFT JOIN region trg ON trg.code = t.region_code
            LEFT JOIN region rg ON rg.code = r.region_code
            WHERE r.id = \(id) AND r.person_key IS NOT NULL
            """).single() else { throw refusedLink }
        let kind = try row.column("kind").decode(String.self)
        return OptOutStatus(
            reminderId: id, kind: ReminderRule.Kind(rawValue: kind) ?? .session,
            language: Language(rawValue: try row.column("recipient_language").decode(String.self)) ?? .id,
            optedOutAt: try row.column("opted_out_at").decode(Date?.self), erased: try row.column("erased").decode(Bool.self),
            zone: (try? RegionZone(identifier: try row.column("time_zone").decode(String.self))) ?? .jakarta)
    }
}
