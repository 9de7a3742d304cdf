import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// The portal's paths (../shared/spec.md, Portal): each a route beside the API's, calling the
/// same `Gugus` for the person signed in. A page never runs SQL of its own.
extension Portal {
    func register(on router: Router<GugusRequestContext>) {
        typealias Handler = @Sendable (Request, GugusRequestContext, Visitor) async throws -> Response
        func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
            router.on(RouterPath(path), method: method) { request, context in
                await serve(request, context) { visitor in try await handler(request, context, visitor) }
            }
        }
        // Reading: the map, a region, a session, a decree.
        on(.get, "/") { request, _, visitor in try await mapPage(request, visitor) }
        on(.get, "/status.csv") { request, _, visitor in try await statusCSV(request, visitor) }
        on(.get, "/regions/:code", regionPage)
        on(.get, "/regions/:code/calendar.ics") { _, context, visitor in try await regionCalendar(context, visitor) }
        on(.get, "/sessions/:id", { request, context, visitor in try await sessionPage(request, context, visitor) })
        on(.get, "/sessions/:id/calendar.ics") { _, context, visitor in try await sessionCalendar(context, visitor) }
        on(.get, "/decrees/:id", decreePage)
        on(.get, "/decrees/:id/document") { _, context, visitor in try await decreeDocument(context, visitor) }
        // A coordinator's work: decrees, members, sessions, attendance.
        on(.get, "/regions/:code/decrees/new", newDecreePage)
        on(.post, "/regions/:code/decrees", addDecree)
        on(.get, "/regions/:code/members/new", newMemberPage)
        on(.post, "/regions/:code/members", addMember)
        on(.get, "/regions/:code/members/:id/end", { request, context, visitor in try await endMemberForm(request, context, visitor) })
        on(.post, "/regions/:code/members/:id/end", endMember)
        on(.get, "/regions/:code/members/import", newImportPage)
        on(.post, "/regions/:code/members/import", previewRoster)
        on(.post, "/regions/:code/members/import/confirm", confirmRoster)
        on(.get, "/members-template.csv") { _, _, _ in rosterTemplate() }
        on(.get, "/regions/:code/sessions/new", newSessionPage)
        on(.post, "/regions/:code/sessions", scheduleSession)
        for action in ["reschedule", "cancel", "complete"] {
            on(.post, "/sessions/:id/\(action)") { request, context, visitor in try await changeSession(request, context, visitor, action: action) }
        }
        on(.get, "/regions/:code/reminder-rules", reminderRulesPage)
        on(.post, "/regions/:code/reminder-rules", addRule)
        on(.post, "/regions/:code/reminder-rules/:id/remove", removeRule)
        on(.post, "/sessions/:id/invite", invite)
        on(.get, "/sessions/:id/check-in", checkInPage)
        on(.post, "/sessions/:id/check-in/:participant", checkIn)
        on(.get, "/sessions/:id/attendance-list", attendanceList)
        // Aksi BHAM reporting: the national picture, a task force's report, its review.
        on(.get, "/reports") { request, _, visitor in try await reportsPage(request, visitor) }
        on(.get, "/reports/recap.csv") { request, _, visitor in try await recapCSV(request, visitor) }
        on(.get, "/regions/:code/reports/:period", { request, context, visitor in try await reportPage(request, context, visitor) })
        on(.get, "/regions/:code/reports/:period/print", reportPrint)
        on(.get, "/regions/:code/reports/:period/evidence/:evidence") { _, context, visitor in try await reportEvidenceFile(context, visitor) }
        on(.post, "/regions/:code/reports/:period/entries/:action", saveEntry)
        on(.post, "/regions/:code/reports/:period/entries/:action/evidence", addReportEvidence)
        on(.post, "/regions/:code/reports/:period/entries/:action/evidence/:evidence/remove", removeReportEvidence)
        on(.post, "/regions/:code/reports/:period/entries/:action/sessions/:session/accept") { request, context, visitor in
            try await proposal(request, context, visitor, accept: true)
        }
        on(.post, "/regions/:code/reports/:period/entries/:action/sessions/:session/dismiss") { request, context, visitor in
            try await proposal(request, context, visitor, accept: false)
        }
        on(.post, "/regions/:code/reports/:period/entries/:action/review", reviewReportEntry)
        for step in ReportStep.allCases {
            on(.post, "/regions/:code/reports/:period/\(step.rawValue)") { request, context, visitor in try await stepReport(request, context, visitor, step) }
        }
        // A reminder's opt-out link (signed; no sign-in).
        on(.get, "/unsubscribe/:token") { request, context, visitor in try await optOutPage(request, context, visitor, change: nil) }
        on(.post, "/unsubscribe/:token") { request, context, visitor in try await optOutPage(request, context, visitor, change: .optOut) }
        on(.post, "/unsubscribe/:token/undo") { request, context, visitor in try await optOutPage(request, context, visitor, change: .undo) }
        // Signing in and out; the secretariat's people.
        on(.get, "/sign-in") { request, _, visitor in signInPage(request, visitor) }
        on(.post, "/sign-in", requestLink)
        on(.get, "/sign-in/:token", redeemLink)
        on(.post, "/sign-out") { request, _, visitor in try await signOut(request, visitor) }
        on(.get, "/admin/people") { request, _, visitor in try await peoplePage(request, visitor) }
        on(.post, "/admin/people") { request, _, visitor in try await addPerson(request, visitor) }
        on(.post, "/admin/people/:id/disable", disablePerson)
        on(.post, "/admin/people/:id/change", changePerson)
        on(.get, "/admin/personal-data") { request, _, visitor in try await personalDataPage(request, visitor) }
        on(.post, "/admin/personal-data") { request, _, visitor in try await findPerson(request, visitor) }
        on(.post, "/admin/personal-data/export.json") { request, _, visitor in try await downloadPerson(request, visitor) }
        on(.post, "/admin/personal-data/erase") { request, _, visitor in try await erasePerson(request, visitor) }
        on(.get, "/admin/tokens") { request, _, visitor in try await tokensPage(request, visitor) }
        on(.post, "/admin/tokens", issueToken)
        on(.post, "/admin/tokens/:id/revoke", revokeToken)
        on(.get, "/admin/audit", auditPage)
        // Pages say `<link rel="icon" href="data:,">`, but a browser asks for /favicon.ico
        // anyway when a script puts a new page in place (the import page): no icon, no error.
        router.get("/favicon.ico") { _, _ in
            Response(status: .noContent, headers: [.cacheControl: "public, max-age=86400"])
        }
        for asset in [Portal.stylesheet, Portal.importScript] {
            router.get(RouterPath("/assets/\(asset.name)")) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable"],
                    body: .init(byteBuffer: ByteBuffer(string: asset.contents)))
            }
        }
    }

    /// Runs a page's handler; any refusal or failure becomes an error page, and a page that
    /// needs a signed-in visitor sends a stranger to sign in first.
    func serve(_ request: Request, _ context: GugusRequestContext, _ handler: (Visitor) async throws -> Response) async -> Response {
        var visitor: Visitor?
        do {
            let resolved = try await self.visitor(request)
            visitor = resolved
            return try await handler(resolved)
        } catch is SignInRequired {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            var response = Self.redirect("/sign-in?next=\(APIRoute.escape(next))")
            // A language chosen on the way in holds for the sign-in page too.
            rememberLanguage(of: visitor, in: &response)
            return response
        } catch {
            return errorPage(error, request: request, context: context, visitor: visitor)
        }
    }

    struct SignInRequired: Error {}

    /// The signed-in visitor's Gugus, or a trip to the sign-in page.
    func gugus(for visitor: Visitor) throws -> DatabaseGugus {
        guard let caller = visitor.caller else { throw SignInRequired() }
        return gugus.acting(as: caller)
    }

    /// For the map: the signed-in visitor's, or, with `GUGUS_PUBLIC_MAP`, anyone's (status only).
    func mapReader(for visitor: Visitor) throws -> DatabaseGugus {
        if let caller = visitor.caller { return gugus.acting(as: caller) }
        guard settings.publicMap else { throw SignInRequired() }
        return gugus.acting(as: Caller(name: "portal:public", role: .viewer))
    }

    // MARK: Words for values

    static func stateLabel(_ state: TaskForceState, _ language: Language) -> String {
        PortalText.word("state_\(state.rawValue)", language)
    }

    static func stateSymbol(_ state: TaskForceState) -> String {
        switch state {
        case .established: "✓"
        case .expiring: "!"
        case .lapsed: "✕"
        case .notFormed: "○"
        }
    }

    static func date(_ date: CivilDate?, _ language: Language) -> String? {
        date.map { LocalTime.longDate($0, language: language) }
    }

    static func roleName(_ role: MemberRole, _ language: Language) -> String {
        let names: [MemberRole: (String, String)] = [
            .ketua: ("Ketua", "Chair (ketua)"), .wakilKetua: ("Wakil Ketua", "Vice-chair (wakil ketua)"),
            .sekretaris: ("Sekretaris", "Secretary (sekretaris)"), .wakilSekretaris: ("Wakil Sekretaris", "Vice-secretary (wakil sekretaris)"),
            .anggota: ("Anggota", "Member (anggota)"),
        ]
        let name = names[role] ?? (role.rawValue, role.rawValue)
        return language == .id ? name.0 : name.1
    }

    // MARK: Sessions as lines

    struct SessionLine: PortalView {
        var href: String
        var title: String
        var when: String
        var place: String?
        var region: String?
        var statusLabel: String
        var attendance: String?
    }

    static func line(_ session: OutreachSession, region: String?, language: Language) -> SessionLine {
        let zone = session.zone
        let place = session.venue ?? (session.onlineUrl != nil ? PortalText.word("online", language) : nil)
        return SessionLine(
            href: "/sessions/\(session.id)", title: session.title, when: LocalTime.long(session.startsAt, in: zone, language: language),
            place: place, region: region, statusLabel: PortalText.word("session_\(session.status.rawValue)", language),
            attendance: session.status == .completed || session.attended > 0 ? "\(session.attended)/\(session.participants)" : nil)
    }
}
