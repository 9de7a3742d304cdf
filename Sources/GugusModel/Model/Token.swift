import Foundation

/// An API token's record. The token itself is shown once, when issued, and stored only as
/// its SHA-256.
public struct APIToken: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var role: Caller.Role
    public var regionCode: String?
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public init(
        id: Int64,
        name: String,
        role: Caller.Role,
        regionCode: String? = nil,
        createdAt: Date,
        expiresAt: Date? = nil,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.regionCode = regionCode
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// A newly issued token: the only time its secret is visible.
public struct IssuedToken: Sendable, Hashable, Codable {
    public var token: APIToken
    public var secret: String
    public init(
        token: APIToken,
        secret: String
    ) {
        self.token = token
        self.secret = secret
    }
}

public struct NewToken: Sendable, Hashable, Codable {
    public var name: String
    public var role: Caller.Role
    public var regionCode: String?
    public var expiresOn: CivilDate?

    public init(name: String, role: Caller.Role, regionCode: String? = nil, expiresOn: CivilDate? = nil) {
        self.name = name
        self.role = role
        self.regionCode = regionCode
        self.expiresOn = expiresOn
    }
}
