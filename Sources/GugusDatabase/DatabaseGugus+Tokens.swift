import Crypto
import Foundation
import GugusModel
import Postgres

extension DatabaseGugus {
    public func issueToken(_ input: NewToken) async throws -> IssuedToken {
        try caller.requireAdmin(Localized(id: "menerbitkan token", en: "issue tokens"))
        let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else {
            throw GugusError.invalid(field: "name", value: input.name, Localized(
                id: "token perlu nama (--name), misalnya \"Kanwil Maluku Utara\"", en: "a token needs a name (--name), such as \"Kanwil Maluku Utara\""))
        }
        switch (input.role, input.regionCode) {
        case (.coordinator, nil):
            throw GugusError.invalid(field: "region", value: nil, Localized(
                id: "token koordinator perlu wilayahnya (--region KODE)", en: "a coordinator token needs its region (--region CODE)"))
        case (let role, .some(let code)) where role != .coordinator:
            throw GugusError.invalid(field: "region", value: code, Localized(
                id: "hanya token koordinator yang terikat wilayah; hapus --region", en: "only coordinator tokens belong to a region; drop --region"))
        default:
            break
        }
        if let expires = input.expiresOn, expires <= today(in: .jakarta) {
            throw GugusError.invalid(field: "expires", value: expires.description, Localized(
                id: "tanggal kedaluwarsa \(expires) sudah lewat", en: "the expiry date \(expires) has already passed"))
        }
        let secret = "gugus_" + Self.randomSecret()
        return try await write("token.issue") { connection in
            if let code = input.regionCode { _ = try await Self.region(code, on: connection) }
            let existing = try await connection.query("SELECT id FROM api_token WHERE lower(name) = lower(\(name)) AND revoked_at IS NULL").single()
            if let existing {
                throw GugusError.conflict(Localized(
                    id: "sudah ada token aktif bernama '\(name)' (id \(try existing.decode(Int64.self))); pilih nama lain atau cabut yang lama",
                    en: "an active token named '\(name)' already exists (id \(try existing.decode(Int64.self))); choose another name or revoke the old one"))
            }
            let id = try await connection.query("""
                INSERT INTO api_token (name, role, region_code, token_sha256, expires_at)
                VALUES (\(name), \(input.role.rawValue), \(input.regionCode), \(Self.hash(secret)),
                        \(input.expiresOn.map { $0.adding(days: 1).start(in: RegionZone.jakarta.timeZone) }))
                RETURNING id
                """).single()!.decode(Int64.self)
            return IssuedToken(token: try await Self.token(id, on: connection)!, secret: secret)
        }
    }

    public func tokens() async throws -> [APIToken] {
        try caller.requireAdmin(Localized(id: "melihat token", en: "list tokens"))
        return try await read { connection in
            try await connection.query(Self.tokenSelect + " ORDER BY id").decode(as: APIToken.self)
        }
    }

    public func revokeToken(id: Int64) async throws -> APIToken {
        try caller.requireAdmin(Localized(id: "mencabut token", en: "revoke tokens"))
        return try await write("token.revoke") { connection in
            guard let token = try await Self.token(id, on: connection) else {
                throw GugusError.notFound(Localized(id: "tidak ada token dengan id \(id); lihat `gugus token list`", en: "no token with id \(id); see `gugus token list`"))
            }
            if token.revokedAt != nil {
                throw GugusError.conflict(Localized(id: "token \(id) ('\(token.name)') sudah dicabut", en: "token \(id) ('\(token.name)') is already revoked"))
            }
            try await connection.execute("UPDATE api_token SET revoked_at = now() WHERE id = \(id)")
            return try await Self.token(id, on: connection)!
        }
    }

    /// The caller a bearer token stands for, or an `unauthorized` error that says why not.
    public func caller(forToken secret: String) async throws -> Caller {
        let row = try await read { connection in
            try await connection.query("""
                SELECT name, role, region_code, revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
                FROM api_token WHERE token_sha256 = \(Self.hash(secret))
                """).single()?.decode((String, String, String?, Bool, Bool?).self)
        }
        guard let (name, role, region, revoked, expired) = row, let callerRole = Caller.Role(rawValue: role) else {
            throw GugusError(.unauthorized, Localized(
                id: "token tidak dikenal; minta token kepada sekretariat nasional", en: "unknown token; ask the national secretariat for one"))
        }
        if revoked {
            throw GugusError(.unauthorized, Localized(id: "token '\(name)' sudah dicabut", en: "token '\(name)' has been revoked"))
        }
        if expired == true {
            throw GugusError(.unauthorized, Localized(id: "token '\(name)' sudah kedaluwarsa", en: "token '\(name)' has expired"))
        }
        return Caller(name: name, role: callerRole, regionCode: region)
    }

    static let tokenSelect: PostgresQuery = "SELECT id, name, role, region_code, created_at, expires_at, revoked_at FROM api_token"

    static func token(_ id: Int64, on connection: PostgresConnection) async throws -> APIToken? {
        try await connection.query(tokenSelect + " WHERE id = \(id)").single()?.decode(as: APIToken.self)
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes, base64url: 256 bits from the system's generator.
    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
