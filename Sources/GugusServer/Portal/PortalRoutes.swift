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
        router.get("/") { request, context in await serve(request, context) { visitor in try await mapPage(request, visitor) } }
        router.get("/status.csv") { request, context in await serve(request, context) { visitor in try await statusCSV(request, visitor) } }
        router.get("/regions/:code") { request, context in
            await serve(request, context) { visitor in try await regionPage(request, context, visitor) }
        }
        router.get("/regions/:code/calendar.ics") { request, context in
            await serve(request, context) { visitor in try await regionCalendar(context, visitor) }
        }
        router.get("/sessions/:id") { request, context in await serve(request, context) { visitor in try await sessionPage(request, context, visitor) } }
        router.get("/sessions/:id/calendar.ics") { request, context in
            await serve(request, context) { visitor in try await sessionCalendar(context, visitor) }
        }
        router.get("/regions/:code/members/new") { request, context in
            await serve(request, context) { visitor in try await newMemberPage(request, context, visitor) }
        }
        router.post("/regions/:code/members") { request, context in
            await serve(request, context) { visitor in try await addMember(request, context, visitor) }
        }
        router.get("/regions/:code/members/:id/end") { request, context in
            await serve(request, context) { visitor in try await endMemberForm(request, context, visitor) }
        }
        router.post("/regions/:code/members/:id/end") { request, context in
            await serve(request, context) { visitor in try await endMember(request, context, visitor) }
        }
        router.get("/regions/:code/members/import") { request, context in
            await serve(request, context) { visitor in try await newImportPage(request, context, visitor) }
        }
        router.post("/regions/:code/members/import") { request, context in
            await serve(request, context) { visitor in try await previewRoster(request, context, visitor) }
        }
        router.post("/regions/:code/members/import/confirm") { request, context in
            await serve(request, context) { visitor in try await confirmRoster(request, context, visitor) }
        }
        router.get("/members-template.csv") { request, context in await serve(request, context) { _ in rosterTemplate() } }
        router.get("/regions/:code/sessions/new") { request, context in
            await serve(request, context) { visitor in try await newSessionPage(request, context, visitor) }
        }
        router.post("/regions/:code/sessions") { request, context in
            await serve(request, context) { visitor in try await scheduleSession(request, context, visitor) }
        }
        router.post("/sessions/:id/invite") { request, context in await serve(request, context) { visitor in try await invite(request, context, visitor) } }
        router.get("/sessions/:id/check-in") { request, context in
            await serve(request, context) { visitor in try await checkInPage(request, context, visitor) }
        }
        router.post("/sessions/:id/check-in/:participant") { request, context in
            await serve(request, context) { visitor in try await checkIn(request, context, visitor) }
        }
        router.get("/sessions/:id/attendance-list") { request, context in
            await serve(request, context) { visitor in try await attendanceList(request, context, visitor) }
        }
        for action in ["reschedule", "cancel", "complete"] {
            router.post("/sessions/:id/\(action)") { request, context in
                await serve(request, context) { visitor in try await changeSession(request, context, visitor, action: action) }
            }
        }
        router.get("/decrees/:id") { request, context in await serve(request, context) { visitor in try await decreePage(request, context, visitor) } }
        router.get("/decrees/:id/document") { request, context in await serve(request, context) { visitor in try await decreeDocument(context, visitor) } }
        router.get("/regions/:code/decrees/new") { request, context in
            await serve(request, context) { visitor in try await newDecreePage(request, context, visitor) }
        }
        router.post("/regions/:code/decrees") { request, context in
            await serve(request, context) { visitor in try await addDecree(request, context, visitor) }
        }
        router.get("/sign-in") { request, context in await serve(request, context) { visitor in signInPage(request, visitor) } }
        router.post("/sign-in") { request, context in await serve(request, context) { visitor in try await requestLink(request, context, visitor) } }
        router.get("/sign-in/:token") { request, context in
            await serve(request, context) { visitor in try await redeemLink(request, context, visitor) }
        }
        router.post("/sign-out") { request, context in await serve(request, context) { visitor in try await signOut(request, visitor) } }
        router.get("/admin/people") { request, context in await serve(request, context) { visitor in try await peoplePage(request, visitor) } }
        router.post("/admin/people") { request, context in await serve(request, context) { visitor in try await addPerson(request, visitor) } }
        router.post("/admin/people/:id/disable") { request, context in
            await serve(request, context) { visitor in try await disablePerson(request, context, visitor) }
        }
        router.get("/assets/portal.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=31536000, immutable"],
                body: .init(byteBuffer: ByteBuffer(string: Portal.stylesheet)))
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
