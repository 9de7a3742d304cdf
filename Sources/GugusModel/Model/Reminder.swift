import Foundation

/// When and to whom reminders go.
public struct ReminderRule: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Before each session in scope.
        case session
        /// When a decree's term ends within `daysBefore` days: to the ketua and sekretaris.
        case decreeExpiry = "decree_expiry"
        /// While a province has no GTD in force: to the national secretariat, every `repeatDays`.
        case noTaskForce = "no_task_force"
        /// When a reporting period opens: to the reporters of every task force that reports.
        case reportOpens = "report_opens"
        /// `daysBefore` days before a period closes, while the report is not in.
        case reportClosing = "report_closing"
        /// The morning after a period closed, to a task force whose report is not in.
        case reportOverdue = "report_overdue"
        /// When a reviewer returns a report for corrections.
        case reportReturned = "report_returned"

        /// The reporting kinds, whose audience is the reporters.
        public var isReporting: Bool { rawValue.hasPrefix("report_") }
    }

    public enum Audience: String, Sendable, Codable, CaseIterable {
        /// Invited or registered participants.
        case participants
        /// Current members of the task force.
        case members
        /// Participants with the organizer role.
        case organizers
        /// The task force's ketua and sekretaris (decree rules).
        case coreRoles = "core_roles"
        /// The GTN's sekretaris and wakil sekretaris (province rules).
        case secretariat
        /// A task force's sekretaris and its region's coordinator accounts (reporting rules).
        case reporters
    }

    public enum Channel: String, Sendable, Codable, CaseIterable {
        case log, email, webhook
    }

    public var id: Int64
    public var kind: Kind
    /// Session rules: how long before the start, e.g. "1d".
    public var offset: DurationText?
    public var daysBefore: Int?
    public var repeatDays: Int?
    public var audience: Audience
    public var channel: Channel
    public var webhookUrl: String?
    public var taskForceId: Int64?
    public var sessionId: Int64?
    public var createdAt: Date
    public var removedAt: Date?
    public init(
        id: Int64,
        kind: Kind,
        offset: DurationText? = nil,
        daysBefore: Int? = nil,
        repeatDays: Int? = nil,
        audience: Audience,
        channel: Channel,
        webhookUrl: String? = nil,
        taskForceId: Int64? = nil,
        sessionId: Int64? = nil,
        createdAt: Date,
        removedAt: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.offset = offset
        self.daysBefore = daysBefore
        self.repeatDays = repeatDays
        self.audience = audience
        self.channel = channel
        self.webhookUrl = webhookUrl
        self.taskForceId = taskForceId
        self.sessionId = sessionId
        self.createdAt = createdAt
        self.removedAt = removedAt
    }
}

extension ReminderRule.Kind {
    /// What a person receives of this kind, as a message or the opt-out page names it.
    public func remindersName(_ language: Language) -> String {
        switch (self, language) {
        case (.session, .id): "pengingat kegiatan"
        case (.session, .en): "session reminders"
        case (.decreeExpiry, .id): "pengingat masa berlaku SK"
        case (.decreeExpiry, .en): "decree term reminders"
        case (.noTaskForce, .id): "pengingat provinsi tanpa GTD"
        case (.noTaskForce, .en): "reminders about provinces without a GTD"
        case (.reportOpens, .id): "pemberitahuan pembukaan periode pelaporan"
        case (.reportOpens, .en): "notices of reporting periods opening"
        case (.reportClosing, .id): "pengingat batas waktu laporan"
        case (.reportClosing, .en): "report deadline reminders"
        case (.reportOverdue, .id): "pengingat laporan yang terlambat"
        case (.reportOverdue, .en): "overdue report reminders"
        case (.reportReturned, .id): "pemberitahuan laporan yang dikembalikan"
        case (.reportReturned, .en): "notices of returned reports"
        }
    }
}

/// What `reminder rule add` takes.
public struct NewReminderRule: Sendable, Hashable, Codable {
    public var kind: ReminderRule.Kind
    public var offset: DurationText?
    public var daysBefore: Int?
    public var repeatDays: Int?
    public var audience: ReminderRule.Audience?
    public var channel: ReminderRule.Channel
    public var webhookUrl: String?
    public var taskForce: TaskForceRef?
    public var sessionId: Int64?

    public init(
        kind: ReminderRule.Kind = .session, offset: DurationText? = nil, daysBefore: Int? = nil, repeatDays: Int? = nil,
        audience: ReminderRule.Audience? = nil, channel: ReminderRule.Channel = .log, webhookUrl: String? = nil,
        taskForce: TaskForceRef? = nil, sessionId: Int64? = nil
    ) {
        self.kind = kind
        self.offset = offset
        self.daysBefore = daysBefore
        self.repeatDays = repeatDays
        self.audience = audience
        self.channel = channel
        self.webhookUrl = webhookUrl
        self.taskForce = taskForce
        self.sessionId = sessionId
    }
}

/// One planned message. A session reminder is one per session, person, channel and due time,
/// however many rules and audiences reach the person; a compliance reminder one per rule,
/// decree (or province and period), recipient and channel. A notice is one per session,
/// person, channel and session version.
public struct Reminder: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, sent, skipped, failed, dead
    }

    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Before a session, or about a decree or a province (the rule's kind says which).
        case reminder
        /// The session's time or place changed after the person was reminded.
        case changeNotice = "change_notice"
        /// The session was cancelled after the person was reminded.
        case cancelNotice = "cancel_notice"
    }

    public var id: Int64
    public var kind: Kind
    public var ruleId: Int64
    public var taskForceId: Int64?
    public var sessionId: Int64?
    public var decreeId: Int64?
    public var regionCode: String?
    public var recipientName: String
    /// Personal data: nil when the caller does not coordinate this task force.
    public var recipientEmail: String?
    public var channel: ReminderRule.Channel
    public var dueAt: Date
    public var status: Status
    public var attempts: Int
    public var plannedVersion: Int?
    public var skipReason: String?
    public var lastError: String?
    public var sentAt: Date?
    /// The key every delivery carries (webhook `Idempotency-Key`, e-mail `Message-ID`).
    public var idempotencyKey: String
    public init(
        id: Int64,
        kind: Kind,
        ruleId: Int64,
        taskForceId: Int64? = nil,
        sessionId: Int64? = nil,
        decreeId: Int64? = nil,
        regionCode: String? = nil,
        recipientName: String,
        recipientEmail: String? = nil,
        channel: ReminderRule.Channel,
        dueAt: Date,
        status: Status,
        attempts: Int,
        plannedVersion: Int? = nil,
        skipReason: String? = nil,
        lastError: String? = nil,
        sentAt: Date? = nil,
        idempotencyKey: String
    ) {
        self.id = id
        self.kind = kind
        self.ruleId = ruleId
        self.taskForceId = taskForceId
        self.sessionId = sessionId
        self.decreeId = decreeId
        self.regionCode = regionCode
        self.recipientName = recipientName
        self.recipientEmail = recipientEmail
        self.channel = channel
        self.dueAt = dueAt
        self.status = status
        self.attempts = attempts
        self.plannedVersion = plannedVersion
        self.skipReason = skipReason
        self.lastError = lastError
        self.sentAt = sentAt
        self.idempotencyKey = idempotencyKey
    }
}

public struct ReminderQuery: Sendable, Hashable, Codable {
    public var status: Reminder.Status?
    public var sessionId: Int64?
    public var taskForce: TaskForceRef?
    public var page: PageRequest

    public init(status: Reminder.Status? = nil, sessionId: Int64? = nil, taskForce: TaskForceRef? = nil, page: PageRequest = PageRequest()) {
        self.status = status
        self.sessionId = sessionId
        self.taskForce = taskForce
        self.page = page
    }
}

extension Reminder {
    /// The stable key of a reminder as planned: the same for every retry and every worker,
    /// and new when a changed session makes it a new message. Notices have keys of their own.
    public static func idempotencyKey(id: Int64, plannedVersion: Int?, kind: Kind = .reminder) -> String {
        "gugus-\(kind == .reminder ? "reminder" : "notice")-\(id)-v\(plannedVersion ?? 0)"
    }
}
