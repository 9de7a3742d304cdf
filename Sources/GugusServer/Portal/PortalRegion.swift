import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// `/regions/{code}`, `/sessions/{id}`, `/decrees/{id}` and a region's calendar feed.
extension Portal {
    struct RegionPage: PortalView {
        var frame: Frame
        var code: String
        var name: String
        var zoneLabel: String
        var taskForceName: String?
        var state: String
        var stateLabel: String
        var symbol: String
        var decree: DecreeLine?
        var memberCount: Int
        var vacant: String
        var held: Int
        var upcomingCount: Int
        var attendanceRate: String?
        var reminders: TaskForceStatus.Reminders
        var lastActivity: String?
        var history: [DecreeLine]
        var registryForbidden: Bool
        var membersAt: String
        var membersAtText: String
        var members: [MemberLine]
        var upcoming: [SessionLine]
        var past: [SessionLine]
        var calendarHref: String?
        /// For those who may change this region's task force: an admin, or its coordinator.
        var registerDecreeHref: String?
        var scheduleSessionHref: String?
        var importHref: String?
        var addMemberHref: String?
        var rulesHref: String?
        /// The report of the current reporting period, for those who may read it.
        var report: ReportLink?
    }

    struct ReportLink: PortalView {
        var href: String
        var label: String
        var state: String
        var stateLabel: String
        var symbol: String
    }

    struct DecreeLine: PortalView {
        /// Nil for a visitor who may not open decrees (a viewer reads status only).
        var href: String?
        var number: String
        var title: String
        var signedOn: String
        var effective: String
        var amendsHref: String?
        var revokesHref: String?
    }

    struct MemberLine: PortalView {
        var id: Int64
        var name: String
        var role: String
        var position: String
        var institution: String
        var email: String?
        var phone: String?
        var contactHidden: Bool
        /// Stored, not computed: templates see stored properties only.
        var noContact: Bool
        /// The reminders the person opted out of, said in words.
        var remindersOff: String?
        /// For its coordinator and admins, on today's roster.
        var endHref: String?
    }

    /// "Tidak menerima pengingat kegiatan", for a member who opted out.
    static func remindersOff(_ kinds: [String], _ language: Language) -> String? {
        let names = kinds.compactMap(ReminderRule.Kind.init(rawValue:)).map { $0.remindersName(language) }
        guard !names.isEmpty else { return nil }
        return (language == .id ? "Tidak menerima " : "Receives no ") + names.joined(separator: language == .id ? ", " : ", ")
    }

    func regionPage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let code = context.parameters.get("code") ?? ""
        let membersAtText = request.uri.queryParameters.get("at").map { String($0) } ?? ""
        let at = membersAtText.isEmpty ? nil : try CivilDate.parse(membersAtText, field: "at")
        let status = try await gugus.regionStatus(code: code, at: at)
        var history: [DecreeLine] = []
        var members: [MemberLine] = []
        var registryForbidden = false
        var upcoming: [SessionLine] = []
        var past: [SessionLine] = []
        var zone = RegionZone.jakarta
        var taskForce: TaskForce?
        if let id = status.taskForceId { taskForce = try await gugus.taskForce(.id(id)) }
        // The same rules as the API's: change this task force, or, before it exists, create it.
        let mayChange = taskForce.map { (try? gugus.caller.requireWrite(to: $0)) != nil }
            ?? ((try? gugus.caller.requireCreate(inRegion: code)) != nil)
        if let taskForce {
            zone = taskForce.zone
            let reference = TaskForceRef.id(taskForce.id)
            do {
                history = try await gugus.all { page in try await gugus.decrees(taskForce: reference, page: page) }
                    .sorted { $0.effectiveFrom > $1.effectiveFrom }.map { Self.decreeLine($0, language) }
                let seesContacts = visitor.caller?.seesContacts(of: taskForce) ?? false
                let mayEnd = at == nil && mayChange
                members = try await gugus.all { page in try await gugus.members(taskForce: reference, at: at, page: page) }.map { member in
                    MemberLine(
                        id: member.id, name: member.name, role: Self.roleName(member.role, language), position: member.position,
                        institution: member.institution, email: member.email, phone: member.phone, contactHidden: !seesContacts,
                        noContact: member.email == nil && member.phone == nil,
                        remindersOff: Self.remindersOff(member.remindersOff, language),
                        endHref: mayEnd ? "/regions/\(code)/members/\(member.id)/end" : nil)
                }
            } catch let error as GugusError where error.kind == .forbidden {
                registryForbidden = true
            }
            let now = Date()
            let sessions = try await gugus.all { page in try await gugus.sessions(SessionQuery(taskForce: reference, page: page)) }
            upcoming = sessions.filter { $0.startsAt >= now && $0.status == .scheduled }.map { Self.line($0, region: nil, language: language) }
            past = sessions.filter { $0.startsAt < now || $0.status != .scheduled }.reversed().map { Self.line($0, region: nil, language: language) }
        }
        let vacant = status.vacantCoreRoles.map { Self.roleName($0, language) }.joined(separator: ", ")
        let model = RegionPage(
            frame: frame(visitor, request: request, title: status.regionName, crumbs: [Crumb(label: status.regionName)],
                         notice: Self.importNotice(request, language) ?? Self.memberNotice(request, members: members, language: language)),
            code: code, name: status.regionName, zoneLabel: status.zoneLabel, taskForceName: status.taskForceName,
            state: status.status.rawValue, stateLabel: Self.stateLabel(status.status, language), symbol: Self.stateSymbol(status.status),
            decree: status.decree.map { decree in
                DecreeLine(
                    href: registryForbidden ? nil : "/decrees/\(decree.id)", number: decree.number, title: "",
                    signedOn: LocalTime.longDate(decree.signedOn, language: language),
                    effective: Self.span(decree.effectiveFrom, decree.until, language), amendsHref: nil, revokesHref: nil)
            },
            memberCount: status.memberCount, vacant: vacant.isEmpty ? PortalText.word("none", language) : vacant,
            held: status.sessions.held, upcomingCount: status.sessions.upcoming,
            attendanceRate: status.sessions.attendanceRate.map { "\(Int(($0 * 100).rounded()))%" }, reminders: status.reminders,
            lastActivity: status.lastActivity.map { LocalTime.long($0, in: zone, language: language) },
            history: history, registryForbidden: registryForbidden,
            membersAt: at?.description ?? "", membersAtText: LocalTime.longDate(status.asOf, language: language), members: members,
            upcoming: upcoming, past: past,
            calendarHref: status.taskForceId == nil ? nil : "\(settings.publicURL)/regions/\(code)/calendar.ics",
            registerDecreeHref: mayChange ? "/regions/\(code)/decrees/new" : nil,
            scheduleSessionHref: mayChange && status.taskForceId != nil ? "/regions/\(code)/sessions/new" : nil,
            importHref: mayChange && status.taskForceId != nil ? "/regions/\(code)/members/import" : nil,
            addMemberHref: mayChange && status.taskForceId != nil ? "/regions/\(code)/members/new" : nil,
            rulesHref: mayChange && status.taskForceId != nil ? "/regions/\(code)/reminder-rules" : nil,
            report: status.report.flatMap { standing in
                guard let taskForce, (try? gugus.caller.requireReportRead(of: taskForce)) != nil else { return nil }
                let state = Self.reportTileState(standing)
                return ReportLink(
                    href: "/regions/\(code)/reports/\(APIRoute.escape(standing.period))", label: standing.period, state: state,
                    stateLabel: Self.reportStateLabel(standing, language), symbol: Self.reportSymbol(state))
            })
        return page("region", model, visitor: visitor)
    }

    /// What a member form did, said on the region page it leads back to.
    static func memberNotice(_ request: Request, members: [MemberLine], language: Language) -> String? {
        if let added = request.uri.queryParameters.get("added").flatMap({ Int64($0) }) {
            let name = members.first { $0.id == added }?.name
            return PortalText.word("memberAdded", language) + (name.map { ": \($0)" } ?? "")
        }
        if request.uri.queryParameters.get("ended") != nil { return PortalText.word("membershipEnded", language) }
        return nil
    }

    static func span(_ from: CivilDate, _ until: CivilDate?, _ language: Language) -> String {
        let start = LocalTime.longDate(from, language: language)
        guard let until else { return language == .id ? "sejak \(start)" : "from \(start)" }
        return "\(start) – \(LocalTime.longDate(until, language: language))"
    }

    static func decreeLine(_ decree: Decree, _ language: Language) -> DecreeLine {
        DecreeLine(
            href: "/decrees/\(decree.id)", number: decree.number, title: decree.title,
            signedOn: LocalTime.longDate(decree.signedOn, language: language),
            effective: span(decree.effectiveFrom, decree.lastDayInForce ?? decree.effectiveUntil, language),
            amendsHref: decree.amendsId.map { "/decrees/\($0)" }, revokesHref: decree.revokesId.map { "/decrees/\($0)" })
    }

    /// The region's sessions as an iCalendar feed. Session data is public; like the map, the
    /// feed needs no sign-in when `GUGUS_PUBLIC_MAP` is on, so a calendar app can subscribe.
    func regionCalendar(_ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let reader = try mapReader(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let status = try await reader.regionStatus(code: code, at: nil)
        guard let id = status.taskForceId else {
            throw GugusError.notFound(Localized(id: "wilayah \(code) belum memiliki gugus tugas", en: "region \(code) has no task force"))
        }
        return HTTPCoding.text(try await reader.calendar(taskForce: .id(id)), contentType: "text/calendar; charset=utf-8", filename: "gugus-\(code).ics")
    }

    /// One session as an iCalendar file, for the signed-in visitor (the API's needs a token).
    func sessionCalendar(_ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let id = try context.id()
        return HTTPCoding.text(try await gugus.calendar(sessionID: id), contentType: "text/calendar; charset=utf-8", filename: "gugus-sesi-\(id).ics")
    }

    // MARK: A session

    struct SessionPage: PortalView {
        var frame: Frame
        var title: String
        var regionHref: String?
        var regionName: String?
        var statusLabel: String
        var status: String
        var when: String
        var until: String
        var format: String
        var mode: String
        var venue: String?
        var url: String?
        var capacity: String?
        var cancelReason: String?
        var notes: String?
        var outcome: String?
        var participants: [ParticipantLine]
        var participantCount: Int
        var attended: Int
        var calendarHref: String
        var reminders: [ReminderLine]
        var showReminders: Bool
        /// For the province's coordinator and admins, while the session is scheduled.
        var change: SessionChangeForms?
        var invite: InviteForms?
        /// Other scheduled sessions of the task force at the same venue at an overlapping time.
        var clashes: [SessionLine]
        var hasClashes: Bool
        var checkInHref: String?
        var attendanceListHref: String?
    }

    struct SessionChangeForms: PortalView {
        var rescheduleAction: String
        var rescheduleFields: [FormField]
        var cancelAction: String
        var cancelFields: [FormField]
        var completeAction: String
        var completeFields: [FormField]
        var errors: [FieldError]
        var hasErrors: Bool
        /// A clash the reschedule form found, to accept or avoid.
        var clashWarning: ClashWarning?
    }

    struct ParticipantLine: PortalView {
        var name: String
        var organisation: String?
        var email: String?
        var registration: String
        var attended: Bool
    }

    func sessionPage(
        _ request: Request, _ context: GugusRequestContext, _ visitor: Visitor, sent: SentForm? = nil, action: String? = nil,
        error: GugusError? = nil, clashes rescheduleClashes: [OutreachSession] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let detail = try await gugus.session(id: try context.id())
        let session = detail.session
        let taskForce = try await gugus.taskForce(.id(session.taskForceId))
        let zone = session.zone
        var change: SessionChangeForms?
        var invite: InviteForms?
        var clashes: [SessionLine] = []
        var reminders: [ReminderLine] = []
        let mayChange = (try? gugus.caller.requireWrite(to: taskForce)) != nil
        if mayChange {
            let all = try await gugus.all { page in try await gugus.reminders(ReminderQuery(sessionId: session.id, page: page)) }
            reminders = Self.reminderLines(all, zone: zone, language: language)
            if session.status == .scheduled {
                clashes = try await gugus.clashingSessions(taskForce: taskForce.id, venue: session.venue, from: session.startsAt,
                                                           to: session.endsAt, excluding: session.id)
                    .map { Self.line($0, region: nil, language: language) }
                change = sessionChangeForms(session, sent: action == "invite" ? nil : sent, action: action,
                                            error: action == "invite" ? nil : error, clashes: rescheduleClashes, language: language)
                invite = try await inviteForms(detail, taskForce: taskForce, gugus: gugus, sent: action == "invite" ? sent : nil,
                                               error: action == "invite" ? error : nil, language: language)
            }
        }
        let crumbs = [
            taskForce.regionCode.map { Crumb(label: taskForce.regionName ?? taskForce.name, href: "/regions/\($0)") },
            Crumb(label: session.title),
        ].compactMap { $0 }
        let registrations: [Participant.Registration: (String, String)] = [
            .invited: ("diundang", "invited"), .registered: ("terdaftar", "registered"), .declined: ("menolak", "declined"),
            .cancelled: ("dibatalkan", "cancelled"),
        ]
        let model = SessionPage(
            // A refusal with no form left to show it beside (the session was completed or
            // cancelled meanwhile, say) is said at the top.
            frame: frame(visitor, request: request, title: session.title, crumbs: crumbs,
                         notice: (change == nil && invite == nil ? error?.message.text(language) : nil) ?? Self.sessionNotice(request, language)),
            title: session.title,
            regionHref: taskForce.regionCode.map { "/regions/\($0)" }, regionName: taskForce.regionName ?? taskForce.name,
            statusLabel: PortalText.word("session_\(session.status.rawValue)", language), status: session.status.rawValue,
            when: LocalTime.long(session.startsAt, in: zone, language: language),
            until: LocalTime.timeOfDay(session.endsAt, in: zone, language: language),
            format: PortalText.word("format_\(session.format.rawValue)", language), mode: PortalText.word("mode_\(session.mode.rawValue)", language), venue: session.venue, url: session.onlineUrl,
            capacity: session.capacity.map { String($0) }, cancelReason: session.cancelReason, notes: session.notes, outcome: session.outcome,
            participants: detail.participants.map { participant in
                let words = registrations[participant.registration] ?? (participant.registration.rawValue, participant.registration.rawValue)
                return ParticipantLine(
                    name: participant.name, organisation: participant.organisation, email: participant.email,
                    registration: language == .id ? words.0 : words.1, attended: participant.attended)
            },
            participantCount: session.participants, attended: session.attended,
            calendarHref: "/sessions/\(session.id)/calendar.ics", reminders: reminders, showReminders: mayChange, change: change, invite: invite, clashes: clashes, hasClashes: !clashes.isEmpty,
            checkInHref: mayChange && session.status != .cancelled ? "/sessions/\(session.id)/check-in" : nil,
            attendanceListHref: mayChange && session.status != .cancelled ? "/sessions/\(session.id)/attendance-list" : nil)
        return page("session", model, visitor: visitor, status: status)
    }

    // MARK: A decree

    struct DecreePage: PortalView {
        var frame: Frame
        var line: DecreeLine
        var regionHref: String?
        var regionName: String
        var kind: String
        var place: String?
        var signer: String
        var inaugurated: String?
        var revokedOn: String?
        var sha256: String?
        var documentHref: String?
    }

    func decreePage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let decree = try await gugus.decree(id: try context.id())
        let taskForce = try await gugus.taskForce(.id(decree.taskForceId))
        let kinds: [Decree.Kind: (String, String)] = [
            .governor: ("Keputusan Gubernur", "Governor's decree"), .ministerial: ("Keputusan Menteri", "Ministerial decree"),
            .regent: ("Keputusan Bupati", "Regent's decree"), .mayor: ("Keputusan Wali Kota", "Mayor's decree"),
        ]
        let kind = kinds[decree.kind] ?? (decree.kind.rawValue, decree.kind.rawValue)
        let region = taskForce.regionName ?? taskForce.name
        let crumbs = [
            taskForce.regionCode.map { Crumb(label: region, href: "/regions/\($0)") }, Crumb(label: decree.number),
        ].compactMap { $0 }
        var signer = decree.signerName
        if let title = decree.signerTitle { signer += ", \(title)" }
        if decree.signerActing { signer += language == .id ? " (Pj.)" : " (acting)" }
        let model = DecreePage(
            frame: frame(visitor, request: request, title: decree.number, crumbs: crumbs,
                         notice: request.uri.queryParameters.get("registered") == "1" ? PortalText.word("decreeRegistered", language) : nil),
            line: Self.decreeLine(decree, language),
            regionHref: taskForce.regionCode.map { "/regions/\($0)" }, regionName: region, kind: language == .id ? kind.0 : kind.1,
            place: decree.place, signer: signer, inaugurated: Self.date(decree.inauguratedOn, language),
            revokedOn: Self.date(decree.revokedOn, language), sha256: decree.documentSha256,
            documentHref: decree.documentSha256 == nil ? nil : "/decrees/\(decree.id)/document")
        return page("decree", model, visitor: visitor)
    }
}
