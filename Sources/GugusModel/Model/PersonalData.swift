import Foundation

// A person's rights under UU PDP (Law 27/2022): to see what is held about them, to have it
// corrected, and to have it erased. Erasure is redaction: the record that a decree appointed
// someone stays, their contact data goes.

/// Whom a personal-data request is about: an address, a membership, or a session's
/// participant. Each finds the same person wherever they appear: a member's person and the
/// outside invitations sent to the same address are one person.
public enum PersonRef: Sendable, Hashable, Codable, CustomStringConvertible {
    case email(String)
    case member(Int64)
    case participant(Int64)

    private enum CodingKeys: String, CodingKey {
        case email, memberId, participantId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let email = try container.decodeIfPresent(String.self, forKey: .email)
        let member = try container.decodeIfPresent(Int64.self, forKey: .memberId)
        let participant = try container.decodeIfPresent(Int64.self, forKey: .participantId)
        switch (email, member, participant) {
        case (.some(let email), nil, nil): self = .email(email)
        case (nil, .some(let id), nil): self = .member(id)
        case (nil, nil, .some(let id)): self = .participant(id)
        default:
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "give exactly one of email, member_id and participant_id"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .email(let email): try container.encode(email, forKey: .email)
        case .member(let id): try container.encode(id, forKey: .memberId)
        case .participant(let id): try container.encode(id, forKey: .participantId)
        }
    }

    public var description: String { described.en }

    /// The person as messages name them, in both languages.
    public var described: Localized {
        switch self {
        case .email(let email): Localized(id: "alamat surel \(email)", en: "e-mail \(email)")
        case .member(let id): Localized(id: "anggota \(id)", en: "member \(id)")
        case .participant(let id): Localized(id: "peserta \(id)", en: "participant \(id)")
        }
    }
}

/// A person's own record: the row that memberships point to.
public struct PersonRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var email: String?
    public var phone: String?
    public var language: Language
    public var createdAt: Date
    public var erasedAt: Date?

    public init(id: Int64, name: String, email: String?, phone: String?, language: Language, createdAt: Date, erasedAt: Date?) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
        self.language = language
        self.createdAt = createdAt
        self.erasedAt = erasedAt
    }
}

/// One invitation to a session, with the session it was for.
public struct PersonParticipation: Sendable, Hashable, Codable {
    public var participant: Participant
    public var sessionTitle: String
    public var sessionStartsAt: Date
    public var sessionStatus: OutreachSession.Status
    public var taskForceId: Int64
    public var erasedAt: Date?

    public init(
        participant: Participant, sessionTitle: String, sessionStartsAt: Date, sessionStatus: OutreachSession.Status,
        taskForceId: Int64, erasedAt: Date?
    ) {
        self.participant = participant
        self.sessionTitle = sessionTitle
        self.sessionStartsAt = sessionStartsAt
        self.sessionStatus = sessionStatus
        self.taskForceId = taskForceId
        self.erasedAt = erasedAt
    }
}

/// A person's choice to get no more reminders of one kind.
public struct OptOut: Sendable, Hashable, Codable {
    public var id: Int64
    public var kind: ReminderRule.Kind
    /// The reminder whose link was followed.
    public var reminderId: Int64
    public var optedOutAt: Date
    public var undoneAt: Date?

    public init(id: Int64, kind: ReminderRule.Kind, reminderId: Int64, optedOutAt: Date, undoneAt: Date?) {
        self.id = id
        self.kind = kind
        self.reminderId = reminderId
        self.optedOutAt = optedOutAt
        self.undoneAt = undoneAt
    }
}

/// Who may see a person's contact details now: the admins, and the coordinators of the
/// regions where they sit or were invited. Gugus does not record each reading; this is
/// who can read.
public struct ContactAccess: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case token, account
    }

    public var kind: Kind
    public var id: Int64
    public var name: String
    public var role: Caller.Role
    public var regionCode: String?

    public init(kind: Kind, id: Int64, name: String, role: Caller.Role, regionCode: String?) {
        self.kind = kind
        self.id = id
        self.name = name
        self.role = role
        self.regionCode = regionCode
    }
}

/// The record of processing (UU PDP art. 31), as an access request shows it: why Gugus holds
/// each kind of data, who receives it, how long it is kept.
public struct ProcessingRecord: Sendable, Hashable, Codable {
    public var data: Localized
    public var purpose: Localized
    public var recipients: Localized
    public var retention: Localized

    public init(data: Localized, purpose: Localized, recipients: Localized, retention: Localized) {
        self.data = data
        self.purpose = purpose
        self.recipients = recipients
        self.retention = retention
    }
}

/// Everything Gugus holds about one person (subject access).
public struct PersonalDataExport: Sendable, Hashable, Codable {
    public var generatedAt: Date
    public var request: PersonRef
    public var persons: [PersonRecord]
    public var memberships: [Member]
    public var participations: [PersonParticipation]
    public var reminders: [Reminder]
    public var optOuts: [OptOut]
    public var accounts: [Account]
    public var audit: [AuditEntry]
    public var contactAccess: [ContactAccess]
    public var processing: [ProcessingRecord]

    public init(
        generatedAt: Date, request: PersonRef, persons: [PersonRecord], memberships: [Member], participations: [PersonParticipation],
        reminders: [Reminder], optOuts: [OptOut], accounts: [Account], audit: [AuditEntry], contactAccess: [ContactAccess],
        processing: [ProcessingRecord]
    ) {
        self.generatedAt = generatedAt
        self.request = request
        self.persons = persons
        self.memberships = memberships
        self.participations = participations
        self.reminders = reminders
        self.optOuts = optOuts
        self.accounts = accounts
        self.audit = audit
        self.contactAccess = contactAccess
        self.processing = processing
    }
}

/// What `person correct` takes: the new values; nil leaves one as it is.
public struct PersonCorrection: Sendable, Hashable, Codable {
    public var person: PersonRef
    public var newEmail: String?
    public var phone: String?
    public var name: String?

    public init(person: PersonRef, newEmail: String? = nil, phone: String? = nil, name: String? = nil) {
        self.person = person
        self.newEmail = newEmail
        self.phone = phone
        self.name = name
    }

    private enum CodingKeys: String, CodingKey {
        case newEmail, phone, name
    }

    public init(from decoder: any Decoder) throws {
        person = try PersonRef(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        newEmail = try container.decodeIfPresent(String.self, forKey: .newEmail)
        phone = try container.decodeIfPresent(String.self, forKey: .phone)
        name = try container.decodeIfPresent(String.self, forKey: .name)
    }

    public func encode(to encoder: any Encoder) throws {
        try person.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(newEmail, forKey: .newEmail)
        try container.encodeIfPresent(phone, forKey: .phone)
        try container.encodeIfPresent(name, forKey: .name)
    }
}

/// What `person erase` takes.
public struct PersonErasure: Sendable, Hashable, Codable {
    public var person: PersonRef
    public var eraseName: Bool
    public var reason: String

    public init(person: PersonRef, eraseName: Bool = false, reason: String) {
        self.person = person
        self.eraseName = eraseName
        self.reason = reason
    }

    private enum CodingKeys: String, CodingKey {
        case eraseName, reason
    }

    public init(from decoder: any Decoder) throws {
        person = try PersonRef(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        eraseName = try container.decodeIfPresent(Bool.self, forKey: .eraseName) ?? false
        reason = try container.decode(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        try person.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eraseName, forKey: .eraseName)
        try container.encode(reason, forKey: .reason)
    }
}

/// A field of personal data (`email`, `phone`, `name`) as a message names it.
public func personalFieldName(_ field: String, _ language: Language) -> String {
    switch (field, language) {
    case ("email", .id): "alamat surel"
    case ("phone", .id): "nomor telepon"
    case ("name", .id): "nama"
    case ("email", .en): "e-mail address"
    case ("phone", .en): "phone number"
    case ("name", .en): "name"
    default: field
    }
}

/// Fields of personal data as a message lists them: "alamat surel, nomor telepon".
public func personalFieldNames(_ fields: [String], _ language: Language) -> String {
    fields.map { personalFieldName($0, language) }.joined(separator: ", ")
}

/// What a correction or an erasure changed, counted per place.
public struct PersonChangeReport: Sendable, Hashable, Codable {
    public var persons: [Int64]
    public var participants: [Int64]
    public var accounts: [Int64]
    /// Pending reminders re-addressed (correction) or skipped as erased (erasure).
    public var reminders: Int
    /// Audit entries whose images were redacted (erasure).
    public var auditEntries: Int
    /// The fields changed: email, phone, name.
    public var fields: [String]

    public init(persons: [Int64], participants: [Int64], accounts: [Int64], reminders: Int, auditEntries: Int, fields: [String]) {
        self.persons = persons
        self.participants = participants
        self.accounts = accounts
        self.reminders = reminders
        self.auditEntries = auditEntries
        self.fields = fields
    }
}

/// How long contact details are kept (`GUGUS_RETENTION_GUEST_MONTHS`,
/// `GUGUS_RETENTION_MEMBER_YEARS`).
public struct RetentionPolicy: Sendable, Hashable, Codable {
    /// An outside guest's address goes this many months after their last session.
    public var guestMonths: Int
    /// A former member's e-mail and phone go this many years after their last membership
    /// ended; 0 keeps them.
    public var memberYears: Int

    public init(guestMonths: Int = 12, memberYears: Int = 5) {
        self.guestMonths = guestMonths
        self.memberYears = memberYears
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(GugusError) -> RetentionPolicy {
        var policy = RetentionPolicy()
        func number(_ name: String, minimum: Int) throws(GugusError) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= minimum else {
                throw GugusError.invalid(field: name, value: text, Localized(
                    id: "\(name) harus bilangan bulat ≥ \(minimum)", en: "\(name) must be a whole number ≥ \(minimum)"))
            }
            return value
        }
        if let months = try number("GUGUS_RETENTION_GUEST_MONTHS", minimum: 1) { policy.guestMonths = months }
        if let years = try number("GUGUS_RETENTION_MEMBER_YEARS", minimum: 0) { policy.memberYears = years }
        return policy
    }
}

/// One person whose contact details retention erases (or, in a dry run, would erase).
public struct RetentionItem: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An outside guest: the address on their invitations.
        case guest
        /// A former member: the person's e-mail and phone.
        case formerMember = "former_member"
    }

    public var kind: Kind
    /// The person (former member) or the guest's invitations.
    public var personId: Int64?
    public var participantIds: [Int64]
    public var name: String
    /// The guest's last session's end, or the last day of the last membership.
    public var lastActivity: Date
    public var fields: [String]

    public init(kind: Kind, personId: Int64?, participantIds: [Int64], name: String, lastActivity: Date, fields: [String]) {
        self.kind = kind
        self.personId = personId
        self.participantIds = participantIds
        self.name = name
        self.lastActivity = lastActivity
        self.fields = fields
    }
}

public struct RetentionReport: Sendable, Hashable, Codable {
    public var dryRun: Bool
    public var policy: RetentionPolicy
    public var ranAt: Date
    public var items: [RetentionItem]

    public init(dryRun: Bool, policy: RetentionPolicy, ranAt: Date, items: [RetentionItem]) {
        self.dryRun = dryRun
        self.policy = policy
        self.ranAt = ranAt
        self.items = items
    }
}

/// What `POST /v1/persons/retention` takes.
public struct RetentionRun: Sendable, Hashable, Codable {
    public var dryRun: Bool

    public init(dryRun: Bool) {
        self.dryRun = dryRun
    }
}
