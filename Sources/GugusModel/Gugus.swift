import Foundation

/// Everything a coordinator can do with Gugus.
///
/// Two implementations keep one set of CLI commands working everywhere: ``DatabaseGugus``
/// talks to PostgreSQL, and the HTTP client in `GugusClient` talks to a Gugus server, which
/// in turn serves a ``DatabaseGugus`` scoped to the caller's token. Every method checks the
/// caller's rights and turns a bad input into a ``GugusError`` that names the value.
public protocol Gugus: Sendable {
    // MARK: Regions and task forces
    func regions(level: Region.Level?) async throws -> [Region]
    func createTaskForce(_ input: NewTaskForce) async throws -> TaskForce
    func taskForces() async throws -> [TaskForce]
    func taskForce(_ reference: TaskForceRef) async throws -> TaskForce

    // MARK: Decrees
    func addDecree(_ input: NewDecree) async throws -> Decree
    func decrees(taskForce: TaskForceRef?, page: PageRequest) async throws -> Page<Decree>

    // MARK: Members
    func addMember(_ input: NewMember) async throws -> Member
    func importMembers(taskForce: TaskForceRef, csv: Data, options: ImportOptions) async throws -> ImportReport
    func members(taskForce: TaskForceRef, at date: CivilDate?, page: PageRequest) async throws -> Page<Member>
    func endMember(id: Int64, on date: CivilDate, reason: String?) async throws -> Member

    // MARK: Status
    func nationalStatus(at date: CivilDate?) async throws -> NationalStatus
    func regionStatus(code: String, at date: CivilDate?) async throws -> TaskForceStatus

    // MARK: Outreach sessions
    func scheduleSession(_ input: NewSession) async throws -> OutreachSession
    func rescheduleSession(id: Int64, _ change: SessionChange) async throws -> OutreachSession
    func cancelSession(id: Int64, reason: String?) async throws -> OutreachSession
    func completeSession(id: Int64, notes: String?, outcome: String?) async throws -> OutreachSession
    func sessions(_ query: SessionQuery) async throws -> Page<OutreachSession>
    func session(id: Int64) async throws -> SessionDetail
    func invite(sessionID: Int64, _ invitation: Invitation, role: Participant.Role) async throws -> [Participant]
    func uninvite(sessionID: Int64, participantID: Int64) async throws -> Participant
    func attend(sessionID: Int64, participantID: Int64) async throws -> Participant
    func calendar(sessionID: Int64) async throws -> String
    func calendar(taskForce: TaskForceRef) async throws -> String

    // MARK: Reminders
    func addReminderRule(_ input: NewReminderRule) async throws -> ReminderRule
    func reminderRules() async throws -> [ReminderRule]
    func removeReminderRule(id: Int64) async throws -> ReminderRule
    func reminders(_ query: ReminderQuery) async throws -> Page<Reminder>

    // MARK: Audit
    func audit(_ query: AuditQuery) async throws -> Page<AuditEntry>

    // MARK: Access tokens (admin)
    func issueToken(_ input: NewToken) async throws -> IssuedToken
    func tokens() async throws -> [APIToken]
    func revokeToken(id: Int64) async throws -> APIToken

    // MARK: Portal accounts (admin)
    func addAccount(_ input: NewAccount) async throws -> Account
    func accounts() async throws -> [Account]
    func disableAccount(id: Int64) async throws -> Account

    // MARK: Personal data (admin; UU PDP)
    func exportPerson(_ person: PersonRef) async throws -> PersonalDataExport
    func correctPerson(_ correction: PersonCorrection) async throws -> PersonChangeReport
    func erasePerson(_ erasure: PersonErasure) async throws -> PersonChangeReport
    /// Erases what the server's retention policy no longer keeps; a dry run lists it.
    func applyRetention(dryRun: Bool) async throws -> RetentionReport

    // MARK: Aksi BHAM reporting
    /// Loads a programme's actions from CSV (admin), all or nothing; nil names the current programme.
    func importActions(csv: Data, programme: String?) async throws -> ActionImportReport
    func actions(programme: String?) async throws -> [ReportAction]
    func addPeriod(_ input: NewReportPeriod) async throws -> ReportPeriod
    func periods() async throws -> [ReportPeriod]
    func extendPeriod(_ period: String, _ extension: PeriodExtension) async throws -> ReportPeriod
    /// The report, with every assigned action and the sessions proposed as evidence.
    func report(_ reference: ReportRef) async throws -> Report
    func setEntry(_ reference: ReportRef, action: String, _ change: EntryChange) async throws -> Report
    func addEvidence(_ reference: ReportRef, action: String, _ evidence: EvidenceInput) async throws -> Report
    /// Removes a piece of evidence, or (with a session that was only proposed) the proposal.
    func removeEvidence(_ reference: ReportRef, action: String, evidenceID: Int64?, sessionID: Int64?) async throws -> Report
    func evidenceFile(_ reference: ReportRef, evidenceID: Int64) async throws -> EvidenceFile
    func reviewEntry(_ reference: ReportRef, action: String, _ review: EntryReview) async throws -> Report
    /// Submit (the reporter), return or verify (a reviewer).
    func stepReport(_ reference: ReportRef, _ step: ReportStep, note: String?) async throws -> Report
    func recap(period: String) async throws -> ReportRecap
}

/// What `taskforce create` takes.
public struct NewTaskForce: Sendable, Hashable, Codable {
    /// The region; nil for the national task force.
    public var regionCode: String?
    public var name: String?
    public var period: String?

    public init(regionCode: String?, name: String? = nil, period: String? = nil) {
        self.regionCode = regionCode
        self.name = name
        self.period = period
    }
}

extension Gugus {
    /// Every page of a list, for the CLI, which prints whole lists.
    public func all<Item>(_ fetch: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
        var items: [Item] = []
        var request = PageRequest(limit: PageRequest.maximumLimit)
        while true {
            let page = try await fetch(request)
            items.append(contentsOf: page.items)
            guard let next = page.nextCursor else { return items }
            request.after = next
        }
    }
}
