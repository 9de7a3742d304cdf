import Foundation

/// One change, as the audit log recorded it.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: Date
    public var actor: String
    /// The user-level action, such as `member.end`, or `table.operation`.
    public var action: String
    public var operation: String
    public var entity: String
    public var entityId: String
    public var taskForceId: Int64?
    public var before: JSONValue?
    public var after: JSONValue?
    public init(
        id: Int64,
        at: Date,
        actor: String,
        action: String,
        operation: String,
        entity: String,
        entityId: String,
        taskForceId: Int64? = nil,
        before: JSONValue? = nil,
        after: JSONValue? = nil
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.operation = operation
        self.entity = entity
        self.entityId = entityId
        self.taskForceId = taskForceId
        self.before = before
        self.after = after
    }
}

public struct AuditQuery: Sendable, Hashable, Codable {
    public var entity: String?
    public var entityId: String?
    public var taskForce: TaskForceRef?
    public var since: Date?
    /// Entries before this instant.
    public var until: Date?
    /// Entries by this actor: a token's or an account's name as the audit records it.
    public var actor: String?
    public var page: PageRequest

    public init(
        entity: String? = nil, entityId: String? = nil, taskForce: TaskForceRef? = nil, since: Date? = nil, until: Date? = nil,
        actor: String? = nil, page: PageRequest = PageRequest()
    ) {
        self.entity = entity
        self.entityId = entityId
        self.taskForce = taskForce
        self.since = since
        self.until = until
        self.actor = actor
        self.page = page
    }
}

extension AuditQuery {
    /// `since` as the API and the CLI take it: a date (its first moment, UTC) or an instant.
    public static func since(_ text: String) throws(GugusError) -> Date {
        try LocalTime.parse(text.count == 10 ? text + " 00:00" : text, in: .utc, field: "since")
    }

    /// `until` as the API and the CLI take it: a date, whose whole day (UTC) is included, or
    /// an instant, before which the entries are.
    public static func until(_ text: String) throws(GugusError) -> Date {
        guard text.count == 10 else { return try LocalTime.parse(text, in: .utc, field: "until") }
        return try LocalTime.parse(text + " 00:00", in: .utc, field: "until").addingTimeInterval(86_400)
    }
}
