import Foundation

/// A membership: a person's seat on a task force, with its history.
public struct Member: Sendable, Hashable, Codable {
    public var id: Int64
    public var taskForceId: Int64
    public var personId: Int64
    public var name: String
    /// Personal data (UU PDP): nil when the caller does not coordinate this task force.
    public var email: String?
    public var phone: String?
    public var language: Language
    public var institution: String
    public var institutionKind: String
    public var position: String
    public var role: MemberRole
    public var workingGroup: Int?
    public var decreeId: Int64?
    public var decreeNumber: String?
    public var validFrom: CivilDate
    public var validUntil: CivilDate?
    public var endReason: String?
    /// In member lists, the kinds of reminder the person opted out of (`session`,
    /// `decree_expiry`, `no_task_force`); empty when the caller does not coordinate this task
    /// force, and in the answer to a single change.
    public var remindersOff: [String]
    public init(
        id: Int64,
        taskForceId: Int64,
        personId: Int64,
        name: String,
        email: String? = nil,
        phone: String? = nil,
        language: Language,
        institution: String,
        institutionKind: String,
        position: String,
        role: MemberRole,
        workingGroup: Int? = nil,
        decreeId: Int64? = nil,
        decreeNumber: String? = nil,
        validFrom: CivilDate,
        validUntil: CivilDate? = nil,
        endReason: String? = nil,
        remindersOff: [String] = []
    ) {
        self.id = id
        self.taskForceId = taskForceId
        self.personId = personId
        self.name = name
        self.email = email
        self.phone = phone
        self.language = language
        self.institution = institution
        self.institutionKind = institutionKind
        self.position = position
        self.role = role
        self.workingGroup = workingGroup
        self.decreeId = decreeId
        self.decreeNumber = decreeNumber
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.endReason = endReason
        self.remindersOff = remindersOff
    }
}

/// What `member add` takes.
public struct NewMember: Sendable, Hashable, Codable {
    /// The task force it is for. In the API the path names it (`/v1/taskforces/{id}/…`), so
    /// it is not part of the JSON body; a value decoded from one holds a placeholder until
    /// the server sets it from the path.
    public var taskForce: TaskForceRef = .id(0)
    public var name: String
    public var role: MemberRole
    public var position: String
    public var institution: String
    public var institutionKind: String?
    public var email: EmailAddress?
    public var phone: PhoneNumber?
    public var language: Language?
    public var workingGroup: Int?
    public var decreeId: Int64?
    public var from: CivilDate?
    public var until: CivilDate?

    enum CodingKeys: String, CodingKey {
        case name, role, position, institution, institutionKind, email, phone, language, workingGroup, decreeId, from, until
    }

    public init(
        taskForce: TaskForceRef, name: String, role: MemberRole, position: String, institution: String,
        institutionKind: String? = nil, email: EmailAddress? = nil, phone: PhoneNumber? = nil, language: Language? = nil,
        workingGroup: Int? = nil, decreeId: Int64? = nil, from: CivilDate? = nil, until: CivilDate? = nil
    ) {
        self.taskForce = taskForce
        self.name = name
        self.role = role
        self.position = position
        self.institution = institution
        self.institutionKind = institutionKind
        self.email = email
        self.phone = phone
        self.language = language
        self.workingGroup = workingGroup
        self.decreeId = decreeId
        self.from = from
        self.until = until
    }
}

/// How a roster import treats bad rows.
public struct ImportOptions: Sendable, Hashable, Codable {
    /// Validate everything, change nothing.
    public var dryRun: Bool
    /// Import the good rows and report the bad ones, instead of importing nothing.
    public var skipInvalid: Bool
    /// The decree that appointed the imported members, if any.
    public var decreeId: Int64?

    public init(dryRun: Bool = false, skipInvalid: Bool = false, decreeId: Int64? = nil) {
        self.dryRun = dryRun
        self.skipInvalid = skipInvalid
        self.decreeId = decreeId
    }
}

/// What a roster import did, or (with problems and without `--skip-invalid`) would have done.
public struct ImportReport: Sendable, Hashable, Codable {
    public var taskForceId: Int64
    public var rows: Int
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    public var skipped: Int
    public var dryRun: Bool
    /// True when nothing was written: a dry run, or an all-or-nothing import with problems.
    public var rolledBack: Bool
    public var problems: [GugusError.FieldError]
    public init(
        taskForceId: Int64,
        rows: Int,
        created: Int,
        updated: Int,
        unchanged: Int,
        skipped: Int,
        dryRun: Bool,
        rolledBack: Bool,
        problems: [GugusError.FieldError]
    ) {
        self.taskForceId = taskForceId
        self.rows = rows
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.skipped = skipped
        self.dryRun = dryRun
        self.rolledBack = rolledBack
        self.problems = problems
    }
}
