import Foundation

/// A task force's state, derived from its decrees: never typed in.
public enum TaskForceState: String, Sendable, Codable, CaseIterable {
    /// No establishing decree has taken effect yet.
    case notFormed = "not_formed"
    /// An establishing decree is in force.
    case established
    /// An establishing decree is in force, and its term ends within 60 days.
    case expiring
    /// It had a decree, but none is in force any more.
    case lapsed

    /// Days before the end of term from which a task force counts as expiring.
    public static let expiringWithinDays = 60
}

/// The status of one task force (or of a region without one), as of a date in its zone.
public struct TaskForceStatus: Sendable, Hashable, Codable {
    public struct DecreeInForce: Sendable, Hashable, Codable {
        public var id: Int64
        public var number: String
        public var signedOn: CivilDate
        public var effectiveFrom: CivilDate
        public var until: CivilDate?
        public var daysLeft: Int?
        public init(
            id: Int64,
            number: String,
            signedOn: CivilDate,
            effectiveFrom: CivilDate,
            until: CivilDate? = nil,
            daysLeft: Int? = nil
        ) {
            self.id = id
            self.number = number
            self.signedOn = signedOn
            self.effectiveFrom = effectiveFrom
            self.until = until
            self.daysLeft = daysLeft
        }
    }

    public struct Sessions: Sendable, Hashable, Codable {
        /// Completed, or scheduled and already over, within the programme period.
        public var held: Int
        public var upcoming: Int
        public var cancelled: Int
        /// Invited or registered participants of the sessions held.
        public var participants: Int
        public var attended: Int
        /// attended ÷ participants of the sessions held, or nil with none.
        public var attendanceRate: Double?
        public init(
            held: Int,
            upcoming: Int,
            cancelled: Int,
            participants: Int,
            attended: Int,
            attendanceRate: Double? = nil
        ) {
            self.held = held
            self.upcoming = upcoming
            self.cancelled = cancelled
            self.participants = participants
            self.attended = attended
            self.attendanceRate = attendanceRate
        }
    }

    public struct Reminders: Sendable, Hashable, Codable {
        public var pending: Int
        public var sent: Int
        public var failed: Int
        public init(
            pending: Int,
            sent: Int,
            failed: Int
        ) {
            self.pending = pending
            self.sent = sent
            self.failed = failed
        }
    }

    public var regionCode: String?
    public var regionName: String
    public var zoneLabel: String
    public var taskForceId: Int64?
    public var taskForceName: String?
    public var status: TaskForceState
    /// The date the status is computed for, in the task force's zone.
    public var asOf: CivilDate
    public var decree: DecreeInForce?
    public var memberCount: Int
    /// Current members per role; roles with none are absent.
    public var members: [String: Int]
    /// ketua and sekretaris, when nobody holds them.
    public var vacantCoreRoles: [MemberRole]
    public var sessions: Sessions
    public var reminders: Reminders
    public var lastActivity: Date?
    /// The Aksi BHAM report of the current reporting period (the latest that has opened),
    /// when there is one.
    public var report: ReportStanding?
    public init(
        regionCode: String? = nil,
        regionName: String,
        zoneLabel: String,
        taskForceId: Int64? = nil,
        taskForceName: String? = nil,
        status: TaskForceState,
        asOf: CivilDate,
        decree: DecreeInForce? = nil,
        memberCount: Int,
        members: [String: Int],
        vacantCoreRoles: [MemberRole],
        sessions: Sessions,
        reminders: Reminders,
        lastActivity: Date? = nil,
        report: ReportStanding? = nil
    ) {
        self.regionCode = regionCode
        self.regionName = regionName
        self.zoneLabel = zoneLabel
        self.taskForceId = taskForceId
        self.taskForceName = taskForceName
        self.status = status
        self.asOf = asOf
        self.decree = decree
        self.memberCount = memberCount
        self.members = members
        self.vacantCoreRoles = vacantCoreRoles
        self.sessions = sessions
        self.reminders = reminders
        self.lastActivity = lastActivity
        self.report = report
    }
}

/// All 38 provinces and how many GTDs are in each state.
public struct NationalStatus: Sendable, Hashable, Codable {
    public struct Coverage: Sendable, Hashable, Codable {
        public var provinces: Int
        public var established: Int
        public var expiring: Int
        public var lapsed: Int
        public var notFormed: Int
        public init(
            provinces: Int,
            established: Int,
            expiring: Int,
            lapsed: Int,
            notFormed: Int
        ) {
            self.provinces = provinces
            self.established = established
            self.expiring = expiring
            self.lapsed = lapsed
            self.notFormed = notFormed
        }
    }

    public var asOf: CivilDate?
    public var coverage: Coverage
    public var national: TaskForceStatus?
    public var provinces: [TaskForceStatus]
    public init(
        asOf: CivilDate? = nil,
        coverage: Coverage,
        national: TaskForceStatus? = nil,
        provinces: [TaskForceStatus]
    ) {
        self.asOf = asOf
        self.coverage = coverage
        self.national = national
        self.provinces = provinces
    }
}
