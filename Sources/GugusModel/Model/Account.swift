import Foundation

/// A person who signs in to the portal: the same roles and region scope as an API token.
public struct Account: Sendable, Hashable, Codable {
    public var id: Int64
    public var email: String
    public var name: String
    public var role: Caller.Role
    public var regionCode: String?
    public var language: Language
    public var createdAt: Date
    public var disabledAt: Date?

    public init(
        id: Int64, email: String, name: String, role: Caller.Role, regionCode: String?, language: Language, createdAt: Date,
        disabledAt: Date?
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.regionCode = regionCode
        self.language = language
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }

    /// Who the account acts as: its rights, and its name in the audit log.
    public var caller: Caller {
        Caller(name: "\(name) <\(email)>", role: role, regionCode: regionCode)
    }
}

/// What `user add` takes.
public struct NewAccount: Sendable, Hashable, Codable {
    public var email: String
    public var name: String
    public var role: Caller.Role
    public var regionCode: String?
    public var language: Language?

    public init(email: String, name: String, role: Caller.Role, regionCode: String? = nil, language: Language? = nil) {
        self.email = email
        self.name = name
        self.role = role
        self.regionCode = regionCode
        self.language = language
    }
}
