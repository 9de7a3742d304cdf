import Foundation
import GugusModel
import Postgres

extension DatabaseGugus {
    // MARK: Accounts (admin)

    public func addAccount(_ input: NewAccount) async throws -> Account {
        try caller.requireAdmin(Localized(id: "menambah pengguna", en: "add people"))
        let email = input.email.trimmingCharacters(in: .whitespacesAndNewlines)
        let address = try EmailAddress(parsing: email, field: "email")
        let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else {
            throw GugusError.invalid(field: "name", value: input.name, Localized(
                id: "pengguna perlu nama lengkap (--name)", en: "a person needs a full name (--name)"))
        }
        try Self.checkScope(role: input.role, regionCode: input.regionCode)
        return try await write("account.add") { connection in
            if let code = input.regionCode { _ = try await Self.region(code, on: connection) }
            if let existing = try await connection.query("SELECT id FROM account WHERE lower(email) = lower(\(address.address))").single() {
                throw GugusError.conflict(Localized(
                    id: "sudah ada pengguna dengan alamat \(address.address) (id \(try existing.decode(Int64.self)))",
                    en: "a person with the address \(address.address) already exists (id \(try existing.decode(Int64.self)))"))
            }
            let id = try await connection.query("""
                INSERT INTO account (email, name, role, region_code, language)
                VALUES (\(address.address), \(name), \(input.role.rawValue), \(input.regionCode), \((input.language ?? .id).rawValue))
                RETURNING id
                """).single()!.decode(Int64.self)
            return try await Self.account(id, on: connection)!
        }
    }

    public func accounts() async throws -> [Account] {
        try caller.requireAdmin(Localized(id: "melihat pengguna", en: "list people"))
        return try await read { connection in
            try await connection.query(Self.accountSelect + " ORDER BY id").decode(as: Account.self)
        }
    }

    public func disableAccount(id: Int64) async throws -> Account {
        try caller.requireAdmin(Localized(id: "menonaktifkan pengguna", en: "disable people"))
        return try await write("account.disable") { connection in
            guard let account = try await Self.account(id, on: connection) else {
                throw GugusError.notFound(Localized(id: "tidak ada pengguna dengan id \(id)", en: "no person with id \(id)"))
            }
            if account.disabledAt != nil {
                throw GugusError.conflict(Localized(
                    id: "pengguna \(id) (\(account.email)) sudah nonaktif", en: "person \(id) (\(account.email)) is already disabled"))
            }
            try await connection.execute("UPDATE account SET disabled_at = now() WHERE id = \(id)")
            // Their sessions end with the account.
            try await connection.execute("UPDATE web_session SET ended_at = now() WHERE account_id = \(id) AND ended_at IS NULL")
            return try await Self.account(id, on: connection)!
        }
    }

    /// A person's role and region scope, changed; it holds from their next request on, as
    /// the session reads the account each time.
    public func changeAccount(id: Int64, role: Caller.Role, regionCode: String?) async throws -> Account {
        try caller.requireAdmin(Localized(id: "mengubah peran pengguna", en: "change people's roles"))
        try Self.checkScope(role: role, regionCode: regionCode)
        return try await write("account.change") { connection in
            guard let account = try await Self.account(id, on: connection) else {
                throw GugusError.notFound(Localized(id: "tidak ada pengguna dengan id \(id)", en: "no person with id \(id)"))
            }
            if let code = regionCode { _ = try await Self.region(code, on: connection) }
            try await connection.execute("UPDATE account SET role = \(role.rawValue), region_code = \(regionCode) WHERE id = \(account.id)")
            return try await Self.account(id, on: connection)!
        }
    }

    static func checkScope(role: Caller.Role, regionCode: String?) throws(GugusError) {
        switch (role, regionCode) {
        case (.coordinator, nil):
            throw GugusError.invalid(field: "region", value: nil, Localized(
                id: "koordinator perlu wilayahnya (--region KODE)", en: "a coordinator needs a region (--region CODE)"))
        case (let role, .some(let code)) where role != .coordinator:
            throw GugusError.invalid(field: "region", value: code, Localized(
                id: "hanya koordinator yang terikat wilayah; hapus --region", en: "only coordinators belong to a region; drop --region"))
        default:
            break
        }
    }

    static let accountSelect: PostgresQuery = "SELECT id, email, name, role, region_code, language, created_at, disabled_at FROM account"

    static func account(_ id: Int64, on connection: PostgresConnection) async throws -> Account? {
        try await connection.query(accountSelect + " WHERE id = \(id)").single()?.decode(as: Account.self)
    }
}

// MARK: - Signing in

/// A signed-in browser: whose, and the token its forms carry.
public struct PortalSession: Sendable, Hashable {
    public var account: Account
    public var csrfToken: String
}

/// The outcome of asking for a sign-in link. Either way the page says the same; only the
/// mail (or the log) differs.
public enum SignInRequestOutcome: Sendable, Hashable {
    /// A link for an active account, to send.
    case link(account: Account, token: String)
    /// No active account has this address: nothing is sent.
    case noAccount
    /// Too many requests for this address or from this client: nothing is sent.
    case rateLimited
}

extension DatabaseGugus {
    /// How long a sign-in link works.
    public static let signInLinkLifetime: Duration = .seconds(15 * 60)
    /// How long a session lasts without a request.
    public static let sessionIdleLimit: Duration = .seconds(8 * 3600)
    /// Links asked for one address, and from one client, in a quarter of an hour.
    public static let signInRequestsPerAddress = 5
    public static let signInRequestsPerClient = 20

    /// Records a request for a sign-in link and, for an active account under the limits,
    /// makes one. Unknown addresses are recorded too, so the limits cannot tell them apart.
    public func requestSignInLink(email: String, client: String) async throws -> SignInRequestOutcome {
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await write("signin.request") { connection in
            try await connection.execute("DELETE FROM sign_in_request WHERE at < now() - interval '1 day'")
            let counts = try await connection.query("""
                SELECT (SELECT count(*) FROM sign_in_request WHERE lower(email) = lower(\(email)) AND at > now() - interval '15 minutes'),
                       (SELECT count(*) FROM sign_in_request WHERE client = \(client) AND at > now() - interval '15 minutes')
                """).single()!.decode((Int, Int).self)
            try await connection.execute("INSERT INTO sign_in_request (email, client) VALUES (\(email), \(client))")
            if counts.0 >= Self.signInRequestsPerAddress || counts.1 >= Self.signInRequestsPerClient { return .rateLimited }
            guard let account = try await connection.query(Self.accountSelect + " WHERE lower(email) = lower(\(email)) AND disabled_at IS NULL")
                .single()?.decode(as: Account.self) else { return .noAccount }
            return .link(account: account, token: try await Self.makeSignInLink(for: account.id, on: connection))
        }
    }

    /// A link for an account, without the limits: for the local operator (`gugus user link`,
    /// `make run`'s first admin).
    public func signInLink(email: String) async throws -> (account: Account, token: String) {
        try caller.requireAdmin(Localized(id: "membuat tautan masuk", en: "make sign-in links"))
        return try await write("signin.link") { connection in
            guard let account = try await connection.query(Self.accountSelect + " WHERE lower(email) = lower(\(email)) AND disabled_at IS NULL")
                .single()?.decode(as: Account.self) else {
                throw GugusError.notFound(Localized(
                    id: "tidak ada pengguna aktif dengan alamat \(email); tambahkan dengan `gugus user add`",
                    en: "no active person with the address \(email); add one with `gugus user add`"))
            }
            return (account, try await Self.makeSignInLink(for: account.id, on: connection))
        }
    }

    /// A random token (256 bits, base64url), for the portal's form tokens.
    public static func randomToken() -> String { randomSecret() }

    static func makeSignInLink(for account: Int64, on connection: PostgresConnection) async throws -> String {
        let token = randomSecret()
        try await connection.execute("""
            INSERT INTO sign_in_link (account_id, token_sha256, expires_at)
            VALUES (\(account), \(hash(token)), now() + make_interval(secs => \(Double(signInLinkLifetime.components.seconds))))
            """)
        return token
    }

    /// Spends a sign-in link: a new session (a new secret, never one the browser had before)
    /// and its secret for the cookie.
    public func redeemSignInLink(_ token: String) async throws -> (session: PortalSession, secret: String) {
        let refused = GugusError(.unauthorized, Localized(
            id: "tautan masuk ini tidak berlaku lagi: sudah dipakai, kedaluwarsa (15 menit), atau salah salin. Minta tautan baru.",
            en: "this sign-in link no longer works: it was used, it expired (15 minutes), or it was copied wrongly. Ask for a new one."))
        return try await write("signin.redeem") { connection in
            guard let (linkID, accountID) = try await connection.query("""
                SELECT l.id, l.account_id FROM sign_in_link l JOIN account a ON a.id = l.account_id
                WHERE l.token_sha256 = \(Self.hash(token)) AND l.used_at IS NULL AND l.expires_at > now() AND a.disabled_at IS NULL
                FOR UPDATE OF l
                """).single()?.decode((Int64, Int64).self) else { throw refused }
            try await connection.execute("UPDATE sign_in_link SET used_at = now() WHERE id = \(linkID)")
            let secret = Self.randomSecret()
            let csrf = Self.randomSecret()
            try await connection.execute("""
                INSERT INTO web_session (account_id, secret_sha256, csrf_token) VALUES (\(accountID), \(Self.hash(secret)), \(csrf))
                """)
            return (PortalSession(account: try await Self.account(accountID, on: connection)!, csrfToken: csrf), secret)
        }
    }

    /// The session a cookie's secret stands for, while it lasts: not ended, seen within the
    /// idle limit, its account active. Seeing it keeps it alive.
    public func portalSession(secret: String) async throws -> PortalSession? {
        let idle = Double(Self.sessionIdleLimit.components.seconds)
        // Every page asks this first, so it is one statement: the session, its account, and
        // the touch. Seen-at is written at most once a minute, so that most requests only
        // read: an 8-hour idle limit needs no finer clock, and a page's parallel requests do
        // not queue on the session's row lock.
        return try await read { connection in
            guard let row = try await connection.query("""
                WITH live AS (
                    SELECT s.id, s.csrf_token, s.last_seen_at < now() - interval '1 minute' AS stale,
                           a.id AS account_id, a.email, a.name, a.role, a.region_code, a.language, a.created_at, a.disabled_at
                    FROM web_session s JOIN account a ON a.id = s.account_id
                    WHERE s.secret_sha256 = \(Self.hash(secret)) AND s.ended_at IS NULL AND a.disabled_at IS NULL
                      AND s.last_seen_at > now() - make_interval(secs => \(idle))),
                touched AS (
                    UPDATE web_session SET last_seen_at = now() FROM live WHERE web_session.id = live.id AND live.stale)
                SELECT account_id AS id, email, name, role, region_code, language, created_at, disabled_at, csrf_token FROM live
                """).single()
            else { return nil }
            return PortalSession(account: try row.decode(as: Account.self), csrfToken: try row.column("csrf_token").decode(String.self))
        }
    }

    /// Signs a browser out: its session ends, here and on every server.
    public func endPortalSession(secret: String) async throws {
        _ = try await read { connection in
            try await connection.execute("UPDATE web_session SET ended_at = now() WHERE secret_sha256 = \(Self.hash(secret)) AND ended_at IS NULL")
        }
    }
}

// MARK: - Coverage over time

/// How many provinces had a GTD in force at the end of one month.
public struct CoveragePoint: Sendable, Hashable, Codable {
    public var monthEnd: CivilDate
    public var inForce: Int

    public init(monthEnd: CivilDate, inForce: Int) {
        self.monthEnd = monthEnd
        self.inForce = inForce
    }
}

extension DatabaseGugus {
    /// Provinces with an establishing decree in force at the end of each month, from the
    /// start of the latest programme period to this month (its last day, or today for the
    /// month not yet over). Status data only, for every caller.
    ///
    /// The database sends the province decrees' terms once (a few dozen rows) and the months
    /// are counted here. Counted in SQL, by joining the terms to a series of months, it took
    /// 2.5 ms of PostgreSQL's time on every map page (the bench's dataset), as much as the
    /// national status; a subquery per month before that took 50 ms.
    public func coverageHistory() async throws -> [CoveragePoint] {
        let today = self.today(in: .jakarta)
        let rows = try await read { connection in
            try await connection.query("""
                SELECT p.starts_on, e.region_code, e.first_day, e.end_day
                FROM (SELECT starts_on FROM programme_period ORDER BY starts_on DESC LIMIT 1) p
                LEFT JOIN (
                    SELECT t.region_code, lower(d.in_force) AS first_day, upper(d.in_force) AS end_day
                    FROM task_force t
                    JOIN region r ON r.code = t.region_code AND r.level = 'province'
                    JOIN decree d ON d.task_force_id = t.id AND d.amends_id IS NULL
                    WHERE NOT isempty(d.in_force)) e ON true
                """).decode((CivilDate, String?, CivilDate?, CivilDate?).self)
        }
        guard let start = rows.first?.0 else { return [] }
        let terms = rows.compactMap { _, region, first, end in region.map { CoveragePoint.Term(region: $0, firstDay: first, endDay: end) } }
        return CoveragePoint.months(from: start, to: today, terms: terms)
    }
}

extension CoveragePoint {
    /// A decree's term: from its first day, up to but not including its end day (a
    /// `daterange` as PostgreSQL writes it); nil where the range is unbounded.
    struct Term {
        var region: String
        var firstDay: CivilDate?
        var endDay: CivilDate?

        func contains(_ day: CivilDate) -> Bool {
            (firstDay.map { $0 <= day } ?? true) && (endDay.map { day < $0 } ?? true)
        }
    }

    /// One point a month from `start`'s month to `today`'s, at the month's last day (today
    /// for the current month): the regions with a term containing that day.
    static func months(from start: CivilDate, to today: CivilDate, terms: [Term]) -> [CoveragePoint] {
        var points: [CoveragePoint] = []
        var (year, month) = (start.year, start.month)
        while (year, month) <= (today.year, today.month) {
            let end = min(CivilDate(year, month, CivilDate.daysIn(month: month, year: year)), today)
            let regions = Set(terms.lazy.filter { $0.contains(end) }.map(\.region))
            points.append(CoveragePoint(monthEnd: end, inForce: regions.count))
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        }
        return points
    }
}
