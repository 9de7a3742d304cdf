import Foundation

// Aksi BHAM reporting (docs/reporting.md): a programme's actions, its reporting periods, one
// report per task force and period with an entry per assigned action, evidence and review.

/// An action (aksi) of a programme, with its indicator and target.
public struct ReportAction: Sendable, Hashable, Codable {
    /// Who reports it.
    public enum Assignment: String, Sendable, Codable, CaseIterable {
        /// Every province's task force (GTD).
        case all
        /// The national task force (GTN).
        case national
        /// The task forces of the regions listed in `regionCodes`.
        case regions
    }

    public var id: Int64
    /// The programme (Stranas BHAM 2023–2025, …).
    public var programme: String
    public var code: String
    public var title: String
    /// Strategy 1–3 of the Stranas.
    public var strategy: Int
    public var indicator: String
    /// The unit of the number reported against the target; nil when the indicator has none.
    public var unit: String?
    public var target: Double?
    public var assigned: Assignment
    public var regionCodes: [String]

    public init(
        id: Int64, programme: String, code: String, title: String, strategy: Int, indicator: String,
        unit: String? = nil, target: Double? = nil, assigned: Assignment, regionCodes: [String] = []
    ) {
        self.id = id
        self.programme = programme
        self.code = code
        self.title = title
        self.strategy = strategy
        self.indicator = indicator
        self.unit = unit
        self.target = target
        self.assigned = assigned
        self.regionCodes = regionCodes
    }
}

/// What `report action import` did: the file's actions, added or changed, all or nothing.
public struct ActionImportReport: Sendable, Hashable, Codable {
    public var programme: String
    public var added: Int
    public var updated: Int
    public var actions: [ReportAction]

    public init(programme: String, added: Int, updated: Int, actions: [ReportAction]) {
        self.programme = programme
        self.added = added
        self.updated = updated
        self.actions = actions
    }
}

/// A reporting period: a window in which each task force sends its report.
public struct ReportPeriod: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case annual
        /// RANHAM's cycle: B04, B08, B12.
        case fourMonthly = "four_monthly"
    }

    public var id: Int64
    public var programme: String
    public var name: String
    public var kind: Kind
    public var opensOn: CivilDate
    /// The period closes at 23:59 of this date in each reporting region's zone.
    public var closesOn: CivilDate
    /// The days whose activity the reports cover (completed sessions are proposed from these).
    public var coversFrom: CivilDate
    public var coversUntil: CivilDate
    public var extensions: [ReportExtension]

    public init(
        id: Int64, programme: String, name: String, kind: Kind, opensOn: CivilDate, closesOn: CivilDate,
        coversFrom: CivilDate, coversUntil: CivilDate, extensions: [ReportExtension] = []
    ) {
        self.id = id
        self.programme = programme
        self.name = name
        self.kind = kind
        self.opensOn = opensOn
        self.closesOn = closesOn
        self.coversFrom = coversFrom
        self.coversUntil = coversUntil
        self.extensions = extensions
    }
}

/// A later close, for the whole period (`regionCode` nil) or one region, with its reason.
public struct ReportExtension: Sendable, Hashable, Codable {
    public var id: Int64
    public var regionCode: String?
    public var untilOn: CivilDate
    public var reason: String

    public init(id: Int64, regionCode: String?, untilOn: CivilDate, reason: String) {
        self.id = id
        self.regionCode = regionCode
        self.untilOn = untilOn
        self.reason = reason
    }
}

/// What `report period add` takes.
public struct NewReportPeriod: Sendable, Hashable, Codable {
    public var name: String
    public var opensOn: CivilDate
    public var closesOn: CivilDate
    /// Annual by default.
    public var kind: ReportPeriod.Kind?
    /// By default, the day after the programme's previous period closed (or the programme's
    /// start), through the closing date.
    public var coversFrom: CivilDate?
    public var coversUntil: CivilDate?

    public init(name: String, opensOn: CivilDate, closesOn: CivilDate, kind: ReportPeriod.Kind? = nil, coversFrom: CivilDate? = nil, coversUntil: CivilDate? = nil) {
        self.name = name
        self.opensOn = opensOn
        self.closesOn = closesOn
        self.kind = kind
        self.coversFrom = coversFrom
        self.coversUntil = coversUntil
    }
}

/// What `report period extend` takes.
public struct PeriodExtension: Sendable, Hashable, Codable {
    /// Every region when nil.
    public var regionCode: String?
    public var until: CivilDate
    public var reason: String

    public init(regionCode: String? = nil, until: CivilDate, reason: String) {
        self.regionCode = regionCode
        self.until = until
        self.reason = reason
    }
}

/// A task force's report for a period, by the names users type.
public struct ReportRef: Sendable, Hashable, Codable {
    public var taskForce: TaskForceRef
    /// The period's name (or id).
    public var period: String

    public init(taskForce: TaskForceRef, period: String) {
        self.taskForce = taskForce
        self.period = period
    }
}

/// Where a report stands. `notStarted` is a report nobody has written to yet; `late` is
/// shown where the period closed without a submission (``Report/late``).
public enum ReportState: String, Sendable, Hashable, Codable, CaseIterable {
    case notStarted = "not_started"
    case draft
    case submitted
    case returned
    case verified
}

/// One task force's report for one period: an entry for every action assigned to it.
public struct Report: Sendable, Hashable, Codable {
    /// Nil until something is written (state `not_started`).
    public var id: Int64?
    public var taskForceId: Int64
    public var taskForce: String
    public var regionCode: String?
    public var period: String
    public var state: ReportState
    /// The period closed (with any extension) and the report was not submitted in time.
    public var late: Bool
    /// The first instant after the close: 23:59 of the last day, in `zoneLabel`.
    public var dueAt: Date
    public var timeZone: String
    public var zoneLabel: String
    public var submittedAt: Date?
    public var submittedBy: String?
    public var submissionNote: String?
    public var reviewedAt: Date?
    public var reviewedBy: String?
    public var reviewNote: String?
    public var entries: [ReportEntry]

    public init(
        id: Int64?, taskForceId: Int64, taskForce: String, regionCode: String?, period: String, state: ReportState, late: Bool,
        dueAt: Date, timeZone: String, zoneLabel: String, submittedAt: Date? = nil, submittedBy: String? = nil, submissionNote: String? = nil,
        reviewedAt: Date? = nil, reviewedBy: String? = nil, reviewNote: String? = nil, entries: [ReportEntry]
    ) {
        self.id = id
        self.taskForceId = taskForceId
        self.taskForce = taskForce
        self.regionCode = regionCode
        self.period = period
        self.state = state
        self.late = late
        self.dueAt = dueAt
        self.timeZone = timeZone
        self.zoneLabel = zoneLabel
        self.submittedAt = submittedAt
        self.submittedBy = submittedBy
        self.submissionNote = submissionNote
        self.reviewedAt = reviewedAt
        self.reviewedBy = reviewedBy
        self.reviewNote = reviewNote
        self.entries = entries
    }

    /// Submitted or verified: nothing in it changes.
    public var isLocked: Bool { state == .submitted || state == .verified }

    /// The last minute in which it may be submitted (23:59 local), for messages.
    public var closesAt: Date { dueAt.addingTimeInterval(-60) }

    public var zone: RegionZone { (try? RegionZone(identifier: timeZone)) ?? .jakarta }
}

/// Progress on an action, as the coordinator states it.
public enum EntryProgress: String, Sendable, Hashable, Codable, CaseIterable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case done
}

/// What a report says about one action.
public struct ReportEntry: Sendable, Hashable, Codable {
    public var actionCode: String
    public var title: String
    public var strategy: Int
    public var indicator: String
    public var unit: String?
    public var target: Double?
    /// Capaian, in words.
    public var achievement: String?
    /// The number against the target.
    public var value: Double?
    public var progress: EntryProgress
    /// The regencies and cities that sent input (a province's report).
    public var inputsFrom: [String]
    public var reviewNote: String?
    public var score: Int?
    public var evidence: [Evidence]
    /// Completed sessions of the covered days, proposed as evidence for a strategy 1 action
    /// until the coordinator accepts or removes each.
    public var proposed: [ProposedSession]

    public init(
        actionCode: String, title: String, strategy: Int, indicator: String, unit: String? = nil, target: Double? = nil,
        achievement: String? = nil, value: Double? = nil, progress: EntryProgress = .notStarted, inputsFrom: [String] = [],
        reviewNote: String? = nil, score: Int? = nil, evidence: [Evidence] = [], proposed: [ProposedSession] = []
    ) {
        self.actionCode = actionCode
        self.title = title
        self.strategy = strategy
        self.indicator = indicator
        self.unit = unit
        self.target = target
        self.achievement = achievement
        self.value = value
        self.progress = progress
        self.inputsFrom = inputsFrom
        self.reviewNote = reviewNote
        self.score = score
        self.evidence = evidence
        self.proposed = proposed
    }
}

/// Bukti dukung: a file, a link, or one of Gugus's completed sessions.
public struct Evidence: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case file, link, session
    }

    public var id: Int64
    public var kind: Kind
    public var fileName: String?
    public var mediaType: String?
    public var sizeBytes: Int?
    public var sha256: String?
    public var url: String?
    public var sessionId: Int64?
    public var sessionTitle: String?
    public var sessionStartsAt: Date?
    public var participants: Int?
    public var attended: Int?
    public var description: String?

    public init(
        id: Int64, kind: Kind, fileName: String? = nil, mediaType: String? = nil, sizeBytes: Int? = nil, sha256: String? = nil,
        url: String? = nil, sessionId: Int64? = nil, sessionTitle: String? = nil, sessionStartsAt: Date? = nil,
        participants: Int? = nil, attended: Int? = nil, description: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.fileName = fileName
        self.mediaType = mediaType
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.url = url
        self.sessionId = sessionId
        self.sessionTitle = sessionTitle
        self.sessionStartsAt = sessionStartsAt
        self.participants = participants
        self.attended = attended
        self.description = description
    }
}

/// A completed session that a report could cite, with its attendance.
public struct ProposedSession: Sendable, Hashable, Codable {
    public var sessionId: Int64
    public var title: String
    public var startsAt: Date
    public var participants: Int
    public var attended: Int

    public init(sessionId: Int64, title: String, startsAt: Date, participants: Int, attended: Int) {
        self.sessionId = sessionId
        self.title = title
        self.startsAt = startsAt
        self.participants = participants
        self.attended = attended
    }
}

/// What `report entry set` changes; nil leaves a field as it is.
public struct EntryChange: Sendable, Hashable, Codable {
    public var achievement: String?
    public var value: Double?
    public var progress: EntryProgress?
    /// Region codes of the regencies and cities that sent input; replaces the list.
    public var inputsFrom: [String]?

    public init(achievement: String? = nil, value: Double? = nil, progress: EntryProgress? = nil, inputsFrom: [String]? = nil) {
        self.achievement = achievement
        self.value = value
        self.progress = progress
        self.inputsFrom = inputsFrom
    }

    public var isEmpty: Bool { achievement == nil && value == nil && progress == nil && inputsFrom == nil }
}

/// What `report evidence add` adds.
public enum EvidenceInput: Sendable, Hashable, Codable {
    case file(EvidenceFile)
    case link(url: String, description: String?)
    case session(id: Int64)
}

/// An evidence file's bytes, as uploaded or downloaded.
public struct EvidenceFile: Sendable, Hashable, Codable {
    public var fileName: String
    public var mediaType: String?
    public var content: Data

    public init(fileName: String, mediaType: String? = nil, content: Data) {
        self.fileName = fileName
        self.mediaType = mediaType
        self.content = content
    }

    /// Files above this are refused: a scan of a signed report is a few MB.
    public static let maximumBytes = 10 * 1024 * 1024
}

/// A reviewer's part on one entry.
public struct EntryReview: Sendable, Hashable, Codable {
    /// 0–100.
    public var score: Int?
    public var note: String?

    public init(score: Int? = nil, note: String? = nil) {
        self.score = score
        self.note = note
    }
}

/// A step of the review workflow.
public enum ReportStep: String, Sendable, Hashable, Codable, CaseIterable {
    case submit
    case `return`
    case verify
}

/// The national picture of one period: per action, who reported and what.
public struct ReportRecap: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var actionCode: String
        public var title: String
        public var strategy: Int
        public var unit: String?
        public var target: Double?
        /// Task forces the action is assigned to.
        public var assignedTo: Int
        /// Of them, those whose submitted or verified report has something for the action.
        public var reported: Int
        public var sum: Double?
        public var mean: Double?
        /// Of those reported, how many cite at least one piece of evidence.
        public var withEvidence: Int

        public init(actionCode: String, title: String, strategy: Int, unit: String?, target: Double?, assignedTo: Int, reported: Int, sum: Double?, mean: Double?, withEvidence: Int) {
            self.actionCode = actionCode
            self.title = title
            self.strategy = strategy
            self.unit = unit
            self.target = target
            self.assignedTo = assignedTo
            self.reported = reported
            self.sum = sum
            self.mean = mean
            self.withEvidence = withEvidence
        }

        /// The share of reports with evidence, 0–1; nil when nobody reported.
        public var evidenceShare: Double? { reported == 0 ? nil : Double(withEvidence) / Double(reported) }
    }

    public var period: String
    public var rows: [Row]

    public init(period: String, rows: [Row]) {
        self.period = period
        self.rows = rows
    }
}

/// A province's report state in the current period, for status.
public struct ReportStanding: Sendable, Hashable, Codable {
    public var period: String
    public var state: ReportState
    public var late: Bool
    public var dueAt: Date

    public init(period: String, state: ReportState, late: Bool, dueAt: Date) {
        self.period = period
        self.state = state
        self.late = late
        self.dueAt = dueAt
    }

    /// `late` when the period closed without a submission, else the state.
    public var label: String { late ? "late" : state.rawValue }
}

extension ReportRecap {
    /// The recap as CSV, one line per action, for a spreadsheet (`report recap --csv`,
    /// `GET /v1/report-periods/{period}/recap.csv`). Numbers use a dot; empty means none.
    public func csv() -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ value: Double?) -> String { value.map { ReportNumber.text($0) } ?? "" }
        var lines = ["period,action_code,title,strategy,unit,target,assigned_to,reported,sum,mean,with_evidence,evidence_share"]
        for row in rows {
            lines.append([
                field(period), field(row.actionCode), field(row.title), String(row.strategy), field(row.unit ?? ""), number(row.target),
                String(row.assignedTo), String(row.reported), number(row.sum), number(row.mean), String(row.withEvidence),
                row.evidenceShare.map { String(format: "%.2f", $0) } ?? "",
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

extension ReportState {
    /// The state as people read it, in both languages (the CLI, the portal, reminders).
    public var label: Localized {
        switch self {
        case .notStarted: Localized(id: "belum dimulai", en: "not started")
        case .draft: Localized(id: "draf", en: "draft")
        case .submitted: Localized(id: "dikirim", en: "submitted")
        case .returned: Localized(id: "dikembalikan untuk diperbaiki", en: "returned for corrections")
        case .verified: Localized(id: "terverifikasi", en: "verified")
        }
    }

    public static let lateLabel = Localized(id: "terlambat", en: "late")
}

extension EntryProgress {
    public var label: Localized {
        switch self {
        case .notStarted: Localized(id: "Belum dimulai", en: "Not started")
        case .inProgress: Localized(id: "Sedang berjalan", en: "In progress")
        case .done: Localized(id: "Selesai", en: "Done")
        }
    }
}

extension Report {
    /// The state with lateness, as a status line shows it.
    public var standingLabel: Localized {
        late ? Localized(id: "\(state.label.id), \(ReportState.lateLabel.id)", en: "\(state.label.en), \(ReportState.lateLabel.en)") : state.label
    }
}

/// How reports write numbers and sizes, the same in the CLI, the portal and the CSV.
public enum ReportNumber {
    /// A whole number as such, else two decimals: a dot, or the Indonesian comma.
    public static func text(_ value: Double, _ language: Language = .en) -> String {
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
        return language == .id ? text.replacingOccurrences(of: ".", with: ",") : text
    }
}

extension Evidence {
    /// A file's size as people read it: "120 KB", "2.5 MB".
    public var sizeText: String {
        sizeBytes.map { $0 >= 1_048_576 ? String(format: "%.1f MB", Double($0) / 1_048_576) : "\(max(1, $0 / 1024)) KB" } ?? ""
    }
}
