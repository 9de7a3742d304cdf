import AsyncHTTPClient
import Foundation
import GugusModel
import NIOCore
import NIOHTTP1

/// ``Gugus`` through a Gugus server's HTTP API, with a token: the same operations, results and
/// refusals as on the database, so every CLI command works either way.
public struct RemoteGugus: Gugus {
    let baseURL: String
    let token: String
    let language: Language
    let client: HTTPClient
    let timeout: TimeAmount

    public init(baseURL: String, token: String, language: Language, client: HTTPClient = RemoteGugus.client, timeout: Duration = .seconds(120)) throws(GugusError) {
        var base = baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        while base.hasSuffix("/") { base.removeLast() }
        guard base.wholeMatch(of: /https?:\/\/[^\s\/]+(\/\S*)?/) != nil else {
            throw GugusError.invalid(field: "server", value: baseURL, Localized(
                id: "'\(baseURL)' bukan alamat server; tulis seperti http://127.0.0.1:8080",
                en: "'\(baseURL)' is not a server address; write it like http://127.0.0.1:8080"))
        }
        self.baseURL = base
        self.token = token
        self.language = language
        self.client = client
        self.timeout = .seconds(timeout.components.seconds)
    }

    /// The process's client. A server that refuses the connection (stopped, or the wrong
    /// port) is reported at once: the shared client would retry for its 90-second connect
    /// timeout before the CLI could say anything.
    public static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    // MARK: Regions and task forces

    public func regions(level: Region.Level?) async throws -> [Region] {
        try await everyPage(Region.self, APIRoute.listRegions.path(), query: ["level": level?.rawValue])
    }

    public func createTaskForce(_ input: NewTaskForce) async throws -> TaskForce {
        try await send(.createTaskForce, body: input)
    }

    public func taskForces() async throws -> [TaskForce] {
        try await everyPage(TaskForce.self, APIRoute.listTaskForces.path())
    }

    public func taskForce(_ reference: TaskForceRef) async throws -> TaskForce {
        try await get(TaskForce.self, APIRoute.getTaskForce.path(reference.description))
    }

    // MARK: Decrees and members

    public func addDecree(_ input: NewDecree) async throws -> Decree {
        try await send(.addDecree, input.taskForce.description, body: input)
    }

    public func decrees(taskForce: TaskForceRef?, page: PageRequest) async throws -> Page<Decree> {
        try await get(Page<Decree>.self, APIRoute.listDecrees.path(), query: ["taskforce": taskForce?.description] + page.query)
    }

    public func addMember(_ input: NewMember) async throws -> Member {
        try await send(.addMember, input.taskForce.description, body: input)
    }

    public func importMembers(taskForce: TaskForceRef, csv: Data, options: ImportOptions) async throws -> ImportReport {
        let query: [String: String?] = [
            "dry_run": options.dryRun ? "true" : nil, "skip_invalid": options.skipInvalid ? "true" : nil,
            "decree_id": options.decreeId.map(String.init),
        ]
        let (status, body) = try await perform(.POST, APIRoute.importMembers.path(taskForce.description), query: query, body: csv, contentType: "text/csv; charset=utf-8")
        // A refused import answers 422 with the report itself, not a problem document.
        if status == 422, let report = try? GugusJSON.decoder().decode(ImportReport.self, from: body) { return report }
        return try decode(ImportReport.self, status: status, body: body)
    }

    public func members(taskForce: TaskForceRef, at date: CivilDate?, page: PageRequest) async throws -> Page<Member> {
        try await get(Page<Member>.self, APIRoute.listMembers.path(taskForce.description), query: ["at": date?.description] + page.query)
    }

    public func endMember(id: Int64, on date: CivilDate, reason: String?) async throws -> Member {
        try await send(.endMember, String(id), body: EndMembership(on: date, reason: reason))
    }

    // MARK: Status and audit

    public func nationalStatus(at date: CivilDate?) async throws -> NationalStatus {
        try await get(NationalStatus.self, APIRoute.nationalStatus.path(), query: ["at": date?.description])
    }

    public func regionStatus(code: String, at date: CivilDate?) async throws -> TaskForceStatus {
        try await get(TaskForceStatus.self, APIRoute.regionStatus.path(code), query: ["at": date?.description])
    }

    public func audit(_ query: AuditQuery) async throws -> Page<AuditEntry> {
        try await get(Page<AuditEntry>.self, APIRoute.listAudit.path(), query: [
            "entity": query.entity, "entity_id": query.entityId, "taskforce": query.taskForce?.description,
            "since": query.since.map(LocalTime.iso8601), "until": query.until.map(LocalTime.iso8601), "actor": query.actor,
        ] + query.page.query)
    }

    // MARK: Sessions

    public func scheduleSession(_ input: NewSession) async throws -> OutreachSession {
        try await send(.scheduleSession, input.taskForce.description, body: input)
    }

    public func rescheduleSession(id: Int64, _ change: SessionChange) async throws -> OutreachSession {
        try await send(.rescheduleSession, String(id), body: change)
    }

    public func cancelSession(id: Int64, reason: String?) async throws -> OutreachSession {
        try await send(.cancelSession, String(id), body: SessionCancellation(reason: reason))
    }

    public func completeSession(id: Int64, notes: String?, outcome: String?) async throws -> OutreachSession {
        try await send(.completeSession, String(id), body: SessionCompletion(notes: notes, outcome: outcome))
    }

    public func sessions(_ query: SessionQuery) async throws -> Page<OutreachSession> {
        try await get(Page<OutreachSession>.self, APIRoute.listSessions.path(), query: [
            "taskforce": query.taskForce?.description, "from": query.from?.description, "to": query.to?.description,
            "status": query.status?.rawValue,
        ] + query.page.query)
    }

    public func session(id: Int64) async throws -> SessionDetail {
        try await get(SessionDetail.self, APIRoute.getSession.path(String(id)))
    }

    public func invite(sessionID: Int64, _ invitation: Invitation, role: Participant.Role) async throws -> [Participant] {
        try await send(.inviteParticipants, String(sessionID), body: InvitationRequest(invitation: invitation, role: role))
    }

    public func uninvite(sessionID: Int64, participantID: Int64) async throws -> Participant {
        try await send(.cancelParticipant, String(sessionID), String(participantID), body: [String: String]())
    }

    public func attend(sessionID: Int64, participantID: Int64) async throws -> Participant {
        try await send(.recordAttendance, String(sessionID), String(participantID), body: [String: String]())
    }

    public func calendar(sessionID: Int64) async throws -> String {
        try await text(APIRoute.sessionCalendar.path(String(sessionID)))
    }

    public func calendar(taskForce: TaskForceRef) async throws -> String {
        try await text(APIRoute.taskForceCalendar.path(taskForce.description))
    }

    // MARK: Reminders

    public func addReminderRule(_ input: NewReminderRule) async throws -> ReminderRule {
        try await send(.addReminderRule, body: input)
    }

    public func reminderRules() async throws -> [ReminderRule] {
        try await everyPage(ReminderRule.self, APIRoute.listReminderRules.path())
    }

    public func removeReminderRule(id: Int64) async throws -> ReminderRule {
        try await send(.removeReminderRule, String(id), body: Optional<String>.none)
    }

    public func reminders(_ query: ReminderQuery) async throws -> Page<Reminder> {
        try await get(Page<Reminder>.self, APIRoute.listReminders.path(), query: [
            "status": query.status?.rawValue, "session": query.sessionId.map(String.init), "taskforce": query.taskForce?.description,
        ] + query.page.query)
    }

    // MARK: Tokens

    public func issueToken(_ input: NewToken) async throws -> IssuedToken {
        try await send(.issueToken, body: input)
    }

    public func tokens() async throws -> [APIToken] {
        try await everyPage(APIToken.self, APIRoute.listTokens.path())
    }

    public func revokeToken(id: Int64) async throws -> APIToken {
        try await send(.revokeToken, String(id), body: [String: String]())
    }

    // MARK: Portal accounts

    public func addAccount(_ input: NewAccount) async throws -> Account {
        try await send(.addUser, body: input)
    }

    public func accounts() async throws -> [Account] {
        try await everyPage(Account.self, APIRoute.listUsers.path())
    }

    public func disableAccount(id: Int64) async throws -> Account {
        try await send(.disableUser, String(id), body: [String: String]())
    }

    // MARK: Personal data

    public func exportPerson(_ person: PersonRef) async throws -> PersonalDataExport {
        try await send(.exportPerson, body: person)
    }

    public func correctPerson(_ correction: PersonCorrection) async throws -> PersonChangeReport {
        try await send(.correctPerson, body: correction)
    }

    public func erasePerson(_ erasure: PersonErasure) async throws -> PersonChangeReport {
        try await send(.erasePerson, body: erasure)
    }

    public func applyRetention(dryRun: Bool) async throws -> RetentionReport {
        try await send(.applyRetention, body: RetentionRun(dryRun: dryRun))
    }

    // MARK: Aksi BHAM reporting

    public func importActions(csv: Data, programme: String?) async throws -> ActionImportReport {
        let (status, body) = try await perform(.POST, APIRoute.importReportActions.path(), query: ["programme": programme], body: csv, contentType: "text/csv; charset=utf-8")
        return try decode(ActionImportReport.self, status: status, body: body)
    }

    public func actions(programme: String?) async throws -> [ReportAction] {
        try await everyPage(ReportAction.self, APIRoute.listReportActions.path(), query: ["programme": programme])
    }

    public func addPeriod(_ input: NewReportPeriod) async throws -> ReportPeriod {
        try await send(.addReportPeriod, body: input)
    }

    public func periods() async throws -> [ReportPeriod] {
        try await everyPage(ReportPeriod.self, APIRoute.listReportPeriods.path())
    }

    public func extendPeriod(_ period: String, _ extension: PeriodExtension) async throws -> ReportPeriod {
        try await send(.extendReportPeriod, period, body: `extension`)
    }

    public func report(_ reference: ReportRef) async throws -> Report {
        try await get(Report.self, APIRoute.getReport.path(reference.taskForce.description, reference.period))
    }

    public func setEntry(_ reference: ReportRef, action: String, _ change: EntryChange) async throws -> Report {
        try await send(.setReportEntry, reference.taskForce.description, reference.period, action, body: change)
    }

    public func addEvidence(_ reference: ReportRef, action: String, _ evidence: EvidenceInput) async throws -> Report {
        let values = [reference.taskForce.description, reference.period, action]
        switch evidence {
        case .file(let file):
            let (status, body) = try await perform(
                .POST, APIRoute.addReportEvidenceFile.path(values), query: ["file_name": file.fileName], body: file.content,
                contentType: file.mediaType ?? "application/octet-stream")
            return try decode(Report.self, status: status, body: body)
        case .link(let url, let description):
            return try await send(.addReportEvidence, values, body: EvidenceRequest(url: url, description: description))
        case .session(let id):
            return try await send(.addReportEvidence, values, body: EvidenceRequest(sessionId: id))
        }
    }

    public func removeEvidence(_ reference: ReportRef, action: String, evidenceID: Int64?, sessionID: Int64?) async throws -> Report {
        try await send(.removeReportEvidence, reference.taskForce.description, reference.period, action,
                       body: EvidenceRemoval(evidenceId: evidenceID, sessionId: sessionID))
    }

    public func evidenceFile(_ reference: ReportRef, evidenceID: Int64) async throws -> EvidenceFile {
        let path = APIRoute.getEvidenceFile.path(reference.taskForce.description, reference.period, String(evidenceID))
        let (status, body, headers) = try await performWithHeaders(.GET, path, query: [:], body: nil, contentType: nil)
        guard (200..<300).contains(status) else { throw problem(status: status, body: body) }
        let disposition = headers.first(name: "Content-Disposition") ?? ""
        let name = disposition.firstMatch(of: /filename="([^"]+)"/).map { String($0.1) } ?? "evidence-\(evidenceID)"
        return EvidenceFile(fileName: name, mediaType: headers.first(name: "Content-Type"), content: body)
    }

    public func reviewEntry(_ reference: ReportRef, action: String, _ review: EntryReview) async throws -> Report {
        try await send(.reviewReportEntry, reference.taskForce.description, reference.period, action, body: review)
    }

    public func stepReport(_ reference: ReportRef, _ step: ReportStep, note: String?) async throws -> Report {
        let route: APIRoute = switch step {
        case .submit: .submitReport
        case .return: .returnReport
        case .verify: .verifyReport
        }
        return try await send(route, reference.taskForce.description, reference.period, body: ReportStepRequest(note: note))
    }

    public func recap(period: String) async throws -> ReportRecap {
        try await get(ReportRecap.self, APIRoute.reportRecap.path(period))
    }

    // MARK: HTTP

    private func get<Value: Decodable>(_ type: Value.Type, _ path: String, query: [String: String?] = [:]) async throws -> Value {
        let (status, body) = try await perform(.GET, path, query: query, body: nil, contentType: nil)
        return try decode(type, status: status, body: body)
    }

    /// A whole list, page after page, for the methods that return one.
    private func everyPage<Item: Codable & Sendable>(_ type: Item.Type, _ path: String, query: [String: String?] = [:]) async throws -> [Item] {
        try await all { page in try await get(Page<Item>.self, path, query: query + page.query) }
    }

    private func send<Value: Decodable, Body: Encodable>(_ route: APIRoute, _ values: String..., body: Body?) async throws -> Value {
        try await send(route, values, body: body)
    }

    private func send<Value: Decodable, Body: Encodable>(_ route: APIRoute, _ values: [String], body: Body?) async throws -> Value {
        let data = try body.map { try GugusJSON.encoder().encode($0) }
        let (status, response) = try await perform(HTTPMethod(rawValue: route.method.rawValue), route.path(values), query: [:], body: data,
                                                   contentType: data == nil ? nil : "application/json")
        return try decode(Value.self, status: status, body: response)
    }

    private func text(_ path: String) async throws -> String {
        let (status, body) = try await perform(.GET, path, query: [:], body: nil, contentType: nil)
        guard (200..<300).contains(status) else { throw problem(status: status, body: body) }
        return String(decoding: body, as: UTF8.self)
    }

    private func decode<Value: Decodable>(_ type: Value.Type, status: Int, body: Data) throws -> Value {
        guard (200..<300).contains(status) else { throw problem(status: status, body: body) }
        do {
            return try GugusJSON.decoder().decode(type, from: body)
        } catch {
            throw GugusError(.internal, Localized(
                id: "jawaban server tidak dapat dibaca (\(error)); apakah versi gugus dan server sama?",
                en: "cannot read the server's answer (\(error)); are gugus and the server the same version?"))
        }
    }

    /// A problem+json answer as the same ``GugusError`` the database path would throw.
    private func problem(status: Int, body: Data) -> GugusError {
        guard let problem = try? GugusJSON.decoder().decode(Problem.self, from: body) else {
            return GugusError(status >= 500 ? .unavailable : .invalid, Localized(
                id: "server menjawab \(status)", en: "the server answered \(status)"))
        }
        return problem.error
    }

    private func perform(_ method: HTTPMethod, _ path: String, query: [String: String?], body: Data?, contentType: String?) async throws -> (Int, Data) {
        let (status, data, _) = try await performWithHeaders(method, path, query: query, body: body, contentType: contentType)
        return (status, data)
    }

    private func performWithHeaders(_ method: HTTPMethod, _ path: String, query: [String: String?], body: Data?, contentType: String?) async throws -> (Int, Data, HTTPHeaders) {
        var url = baseURL + path
        let items = query.compactMapValues { $0 }.sorted { $0.key < $1.key }
        if !items.isEmpty {
            url += "?" + items.map { "\($0.key)=\(Self.escape($0.value))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Accept-Language", value: language.rawValue)
        request.headers.add(name: "User-Agent", value: "gugus-cli")
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
            return (Int(response.status.code), Data(buffer.readableBytesView), response.headers)
        } catch let error as GugusError {
            throw error
        } catch {
            throw GugusError(.unavailable, Localized(
                id: "server \(baseURL) tidak dapat dihubungi (\(error)); periksa --server (atau GUGUS_SERVER) dan apakah server berjalan",
                en: "cannot reach the server \(baseURL) (\(error)); check --server (or GUGUS_SERVER) and that the server is running"))
        }
    }

    static func escape(_ value: String) -> String { APIRoute.escape(value) }
}

extension PageRequest {
    var query: [String: String?] { ["limit": String(limit), "after": after] }
}

extension Dictionary where Key == String, Value == String? {
    static func + (lhs: Self, rhs: Self) -> Self { lhs.merging(rhs) { _, new in new } }
}
