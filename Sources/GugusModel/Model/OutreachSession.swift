import Foundation

/// An outreach activity: sosialisasi, bimtek, workshop, rakor, FGD or pendampingan.
public struct OutreachSession: Sendable, Hashable, Codable {
    public enum Format: String, Sendable, Codable, CaseIterable {
        case sosialisasi, bimtek, workshop, rakor, fgd, pendampingan
    }

    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// In person.
        case luring
        /// Online.
        case daring
        case hybrid
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case scheduled, cancelled, completed
    }

    public static let audiences = [
        "gtd_members", "provincial_agencies", "companies", "business_associations", "legal_aid", "academia",
        "civil_society", "public",
    ]

    public var id: Int64
    public var taskForceId: Int64
    public var title: String
    public var format: Format
    public var mode: Mode
    public var venue: String?
    public var onlineUrl: String?
    /// The instants, in UTC in JSON.
    public var startsAt: Date
    public var endsAt: Date
    /// The zone it was planned in, and its label.
    public var timeZone: String
    public var zoneLabel: String
    /// Local start and end with the zone label: "2025-05-06 09:00 WIB".
    public var startsLocal: String
    public var endsLocal: String
    public var audiences: [String]
    public var capacity: Int?
    public var status: Status
    public var cancelReason: String?
    public var notes: String?
    public var outcome: String?
    /// Grows with every change of time, place or status.
    public var version: Int
    /// Invited or registered participants, and how many attended.
    public var participants: Int
    public var attended: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// Advice that did not stop the change, such as another session at the same place and time.
    public var warnings: [Localized]

    public var zone: RegionZone { (try? RegionZone(identifier: timeZone)) ?? .jakarta }
    public init(
        id: Int64,
        taskForceId: Int64,
        title: String,
        format: Format,
        mode: Mode,
        venue: String? = nil,
        onlineUrl: String? = nil,
        startsAt: Date,
        endsAt: Date,
        timeZone: String,
        zoneLabel: String,
        startsLocal: String,
        endsLocal: String,
        audiences: [String],
        capacity: Int? = nil,
        status: Status,
        cancelReason: String? = nil,
        notes: String? = nil,
        outcome: String? = nil,
        version: Int,
        participants: Int,
        attended: Int,
        createdAt: Date,
        updatedAt: Date,
        warnings: [Localized]
    ) {
        self.id = id
        self.taskForceId = taskForceId
        self.title = title
        self.format = format
        self.mode = mode
        self.venue = venue
        self.onlineUrl = onlineUrl
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.timeZone = timeZone
        self.zoneLabel = zoneLabel
        self.startsLocal = startsLocal
        self.endsLocal = endsLocal
        self.audiences = audiences
        self.capacity = capacity
        self.status = status
        self.cancelReason = cancelReason
        self.notes = notes
        self.outcome = outcome
        self.version = version
        self.participants = participants
        self.attended = attended
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.warnings = warnings
    }
}

/// A participant of a session: a member of the task force, or an outside invitee.
public struct Participant: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Codable, CaseIterable {
        case organizer, speaker, attendee
    }

    public enum Registration: String, Sendable, Codable, CaseIterable {
        case invited, registered, declined, cancelled
    }

    public var id: Int64
    public var sessionId: Int64
    public var membershipId: Int64?
    public var name: String
    /// Personal data: nil when the caller does not coordinate this task force.
    public var email: String?
    public var organisation: String?
    public var role: Role
    public var registration: Registration
    public var attended: Bool
    public var checkedInAt: Date?
    public init(
        id: Int64,
        sessionId: Int64,
        membershipId: Int64? = nil,
        name: String,
        email: String? = nil,
        organisation: String? = nil,
        role: Role,
        registration: Registration,
        attended: Bool,
        checkedInAt: Date? = nil
    ) {
        self.id = id
        self.sessionId = sessionId
        self.membershipId = membershipId
        self.name = name
        self.email = email
        self.organisation = organisation
        self.role = role
        self.registration = registration
        self.attended = attended
        self.checkedInAt = checkedInAt
    }
}

/// A session with its participants, for `session show`.
public struct SessionDetail: Sendable, Hashable, Codable {
    public var session: OutreachSession
    public var participants: [Participant]
    public init(
        session: OutreachSession,
        participants: [Participant]
    ) {
        self.session = session
        self.participants = participants
    }
}

/// What `session schedule` takes. Times are local to the task force unless `timeZone` says
/// otherwise; an ISO 8601 instant with an offset is taken as it is.
public struct NewSession: Sendable, Hashable, Codable {
    /// The task force it is for. In the API the path names it (`/v1/taskforces/{id}/…`), so
    /// it is not part of the JSON body; a value decoded from one holds a placeholder until
    /// the server sets it from the path.
    public var taskForce: TaskForceRef = .id(0)
    public var title: String
    public var starts: String
    public var duration: DurationText
    public var timeZone: String?
    public var format: OutreachSession.Format
    public var mode: OutreachSession.Mode
    public var venue: String?
    public var onlineUrl: String?
    public var capacity: Int?
    public var audiences: [String]
    public var notes: String?

    enum CodingKeys: String, CodingKey {
        case title, starts, duration, timeZone, format, mode, venue, onlineUrl, capacity, audiences, notes
    }

    public init(
        taskForce: TaskForceRef, title: String, starts: String, duration: DurationText, timeZone: String? = nil,
        format: OutreachSession.Format = .sosialisasi, mode: OutreachSession.Mode = .luring, venue: String? = nil,
        onlineUrl: String? = nil, capacity: Int? = nil, audiences: [String] = [], notes: String? = nil
    ) {
        self.taskForce = taskForce
        self.title = title
        self.starts = starts
        self.duration = duration
        self.timeZone = timeZone
        self.format = format
        self.mode = mode
        self.venue = venue
        self.onlineUrl = onlineUrl
        self.capacity = capacity
        self.audiences = audiences
        self.notes = notes
    }
}

/// What `session reschedule` takes: a new start, and optionally a new length, place or size.
public struct SessionChange: Sendable, Hashable, Codable {
    public var starts: String?
    public var duration: DurationText?
    public var timeZone: String?
    public var venue: String?
    public var onlineUrl: String?
    public var capacity: Int?

    public init(starts: String? = nil, duration: DurationText? = nil, timeZone: String? = nil, venue: String? = nil, onlineUrl: String? = nil, capacity: Int? = nil) {
        self.starts = starts
        self.duration = duration
        self.timeZone = timeZone
        self.venue = venue
        self.onlineUrl = onlineUrl
        self.capacity = capacity
    }
}

/// Whom `session invite` invites. In JSON: `{"member_id": 5}`, `{"all_members": true}`, or
/// `{"name": "…", "email": "…", "organisation": "…"}`.
public enum Invitation: Sendable, Hashable, Codable {
    case member(Int64)
    case allMembers
    case guest(name: String, email: EmailAddress?, organisation: String?)

    enum CodingKeys: String, CodingKey {
        case memberId, allMembers, name, email, organisation
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let member = try container.decodeIfPresent(Int64.self, forKey: .memberId) {
            self = .member(member)
        } else if try container.decodeIfPresent(Bool.self, forKey: .allMembers) == true {
            self = .allMembers
        } else if let name = try container.decodeIfPresent(String.self, forKey: .name) {
            self = .guest(
                name: name, email: try container.decodeIfPresent(EmailAddress.self, forKey: .email),
                organisation: try container.decodeIfPresent(String.self, forKey: .organisation))
        } else {
            throw GugusError.invalid(field: "member_id", value: nil, Localized(
                id: "sebutkan siapa yang diundang: member_id, all_members: true, atau name (dan email) untuk tamu",
                en: "say whom to invite: member_id, all_members: true, or name (and email) for a guest"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .member(let id): try container.encode(id, forKey: .memberId)
        case .allMembers: try container.encode(true, forKey: .allMembers)
        case .guest(let name, let email, let organisation):
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(email, forKey: .email)
            try container.encodeIfPresent(organisation, forKey: .organisation)
        }
    }
}

public struct SessionQuery: Sendable, Hashable, Codable {
    public var taskForce: TaskForceRef?
    /// Local dates, in each session's own zone.
    public var from: CivilDate?
    public var to: CivilDate?
    public var status: OutreachSession.Status?
    public var page: PageRequest

    public init(taskForce: TaskForceRef? = nil, from: CivilDate? = nil, to: CivilDate? = nil, status: OutreachSession.Status? = nil, page: PageRequest = PageRequest()) {
        self.taskForce = taskForce
        self.from = from
        self.to = to
        self.status = status
        self.page = page
    }
}
