import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Participants and attendance (issue 12): inviting members and guests from the session page,
/// checking people in on a phone (`/sessions/{id}/check-in`), and the daftar hadir to print
/// (`/sessions/{id}/attendance-list`). Through `invite` and `attend`, as `gugus session …`.
extension Portal {
    // MARK: Inviting

    struct InviteForms: PortalView {
        var action: String
        /// Current members not invited yet, each a checkbox.
        var members: [FormField]
        var guestFields: [FormField]
        var capacityText: String
        var errors: [FieldError]
        var hasErrors: Bool
    }

    func inviteForms(
        _ detail: SessionDetail, taskForce: TaskForce, gugus: DatabaseGugus, sent: SentForm?, error: GugusError?, language: Language
    ) async throws -> InviteForms {
        let session = detail.session
        let invited = Set(detail.participants.compactMap(\.membershipId))
        let today = CivilDate(Date(), in: session.zone.timeZone)
        let members = try await gugus.all { page in try await gugus.members(taskForce: .id(taskForce.id), at: today, page: page) }
        let t = { (key: String) in PortalText.word(key, language) }
        var guests = [
            FormField.text("guest_name", t("guestName")), FormField.text("guest_email", t("email"), optional: true),
            FormField.text("guest_organisation", t("institution"), optional: true),
        ]
        Self.keep(sent, in: &guests)
        let errors = error.map { Self.place($0, on: &guests, fallback: "guest_name", language: language) } ?? []
        let used = detail.participants.count { $0.registration == .invited || $0.registration == .registered }
        let capacity = session.capacity.map { language == .id ? "\(used) dari \($0) tempat terisi" : "\(used) of \($0) places taken" }
            ?? (language == .id ? "\(used) peserta, tanpa batas kapasitas" : "\(used) participants, no capacity set")
        return InviteForms(
            action: "/sessions/\(session.id)/invite",
            members: members.filter { !invited.contains($0.id) }.map { member in
                FormField(name: "member-\(member.id)", label: "\(member.name) · \(member.position)", isCheckbox: true)
            },
            guestFields: guests, capacityText: capacity, errors: errors, hasErrors: !errors.isEmpty)
    }

    func invite(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let id = try context.id()
        let sent = try await Self.checkedForm(request, visitor)
        do {
            var invited: [Participant] = []
            if !sent["all"].isEmpty {
                invited = try await gugus.invite(sessionID: id, .allMembers, role: .attendee)
            } else if let name = sent.optional("guest_name") {
                let email = try sent.optional("guest_email").map { text throws(GugusError) in try EmailAddress(parsing: text, field: "guest_email") }
                invited = try await gugus.invite(sessionID: id, .guest(name: name, email: email, organisation: sent.optional("guest_organisation")), role: .attendee)
            } else {
                let chosen = sent.fields.keys.compactMap { key in key.hasPrefix("member-") ? Int64(key.dropFirst("member-".count)) : nil }.sorted()
                guard !chosen.isEmpty else {
                    throw GugusError.invalid(field: "members", value: nil, Localized(
                        id: "pilih anggota yang diundang, atau isi nama tamu", en: "choose the members to invite, or fill in a guest's name"))
                }
                for member in chosen { invited += try await gugus.invite(sessionID: id, .member(member), role: .attendee) }
            }
            return Self.redirect("/sessions/\(id)?done=invited&count=\(invited.count)#participants")
        } catch let error as GugusError where error.kind == .invalid || error.kind == .conflict || error.kind == .notFound {
            return try await sessionPage(request, context, visitor, sent: sent, action: "invite", error: error, status: .unprocessableContent)
        }
    }

    // MARK: Checking in

    /// A session its visitor may change, its task force, and the people expected (invited or
    /// registered), by name: for the check-in list and the daftar hadir.
    func expectedPeople(_ context: GugusRequestContext, _ visitor: Visitor) async throws -> (OutreachSession, TaskForce, [Participant]) {
        let gugus = try gugus(for: visitor)
        let detail = try await gugus.session(id: try context.id())
        let taskForce = try await gugus.taskForce(.id(detail.session.taskForceId))
        try gugus.caller.requireWrite(to: taskForce)
        let people = detail.participants.filter { $0.registration != .cancelled && $0.registration != .declined }
            .sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        return (detail.session, taskForce, people)
    }

    struct CheckInPage: PortalView {
        var frame: Frame
        var title: String
        var when: String
        var regionName: String?
        var sessionHref: String
        var people: [CheckInLine]
        var attended: Int
        var total: Int
    }

    struct CheckInLine: PortalView {
        var id: Int64
        var anchor: String
        var name: String
        var organisation: String?
        var action: String
        var attended: Bool
        var checkedInAt: String?
    }

    func checkInPage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let language = visitor.language
        let (session, taskForce, people) = try await expectedPeople(context, visitor)
        let heading = PortalText.word("checkIn", language)
        var notice: String?
        if let checked = request.uri.queryParameters.get("checked").flatMap({ Int64($0) }), let person = people.first(where: { $0.id == checked }) {
            notice = "\(PortalText.word("checkedIn", language)): \(person.name)"
        }
        let model = CheckInPage(
            frame: frame(visitor, request: request, title: heading, crumbs: [
                Crumb(label: taskForce.regionName ?? taskForce.name, href: taskForce.regionCode.map { "/regions/\($0)" }),
                Crumb(label: session.title, href: "/sessions/\(session.id)"), Crumb(label: heading),
            ], notice: notice),
            title: session.title, when: LocalTime.long(session.startsAt, in: session.zone, language: language),
            regionName: taskForce.regionName, sessionHref: "/sessions/\(session.id)",
            people: people.map { person in
                CheckInLine(
                    id: person.id, anchor: "p\(person.id)", name: person.name, organisation: person.organisation,
                    action: "/sessions/\(session.id)/check-in/\(person.id)", attended: person.attended,
                    checkedInAt: person.checkedInAt.map { LocalTime.timeOfDay($0, in: session.zone, language: language) })
            },
            attended: people.count(where: \.attended), total: people.count)
        return page("check-in", model, visitor: visitor)
    }

    /// One tap: the person is recorded as present, at the first tap's time. Two organisers
    /// tapping at once each send their own request, and the database keeps both.
    func checkIn(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let id = try context.id()
        let fields = try await Self.form(request)
        try Self.checkForm(fields, expected: visitor.session?.csrfToken)
        guard let participant = context.parameters.get("participant").flatMap({ Int64($0) }) else {
            throw GugusError.notFound(Localized(id: "peserta tidak ditemukan", en: "no such participant"))
        }
        _ = try await gugus.attend(sessionID: id, participantID: participant)
        return Self.redirect("/sessions/\(id)/check-in?checked=\(participant)#p\(participant)")
    }

    // MARK: The daftar hadir

    struct AttendanceListPage: PortalView {
        var frame: Frame
        var title: String
        var when: String
        var place: String?
        var regionName: String?
        var rows: [AttendanceRow]
        /// Empty lines for people who come without an invitation.
        var blanks: [AttendanceRow]
    }

    struct AttendanceRow: PortalView {
        var number: Int
        var name: String
        var organisation: String
    }

    func attendanceList(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let language = visitor.language
        let (session, taskForce, people) = try await expectedPeople(context, visitor)
        let rows = people.enumerated().map { AttendanceRow(number: $0.offset + 1, name: $0.element.name, organisation: $0.element.organisation ?? "") }
        let heading = PortalText.word("attendanceList", language)
        let model = AttendanceListPage(
            frame: frame(visitor, request: request, title: "\(heading): \(session.title)", crumbs: [
                Crumb(label: taskForce.regionName ?? taskForce.name, href: taskForce.regionCode.map { "/regions/\($0)" }),
                Crumb(label: session.title, href: "/sessions/\(session.id)"), Crumb(label: heading),
            ]),
            title: session.title, when: LocalTime.long(session.startsAt, in: session.zone, language: language),
            place: session.venue ?? session.onlineUrl, regionName: taskForce.regionName, rows: rows,
            blanks: (0..<5).map { AttendanceRow(number: rows.count + $0 + 1, name: "", organisation: "") })
        return page("attendance-list", model, visitor: visitor)
    }
}
