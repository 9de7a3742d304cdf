import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Signing in and out with one-time links, and the people page of the secretariat.
extension Portal {
    struct SignInPage: PortalView {
        var frame: Frame
        var formToken: String
        var next: String?
        var email: String
        var emailError: String?
        var sent: Bool
        var rateLimited: Bool
        var refused: String?
    }

    /// The sign-in form. Before anyone signs in there is no session to hold a CSRF token, so
    /// the form's token is also set as a cookie, and the two must match.
    func signInPage(_ request: Request, _ visitor: Visitor, email: String = "", emailError: String? = nil, sent: Bool = false,
                    rateLimited: Bool = false, refused: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let language = visitor.language
        let token = DatabaseGugus.randomToken()
        let notice = request.uri.queryParameters.get("signed-out") != nil ? PortalText.word("signedOut", language) : nil
        let heading = PortalText.word(sent ? "checkMail" : refused == nil ? "signInTitle" : "linkRefused", language)
        let model = SignInPage(
            frame: frame(visitor, request: request, title: heading, crumbs: [Crumb(label: PortalText.word("signIn", language))], notice: notice),
            formToken: token, next: Self.sitePath(request.uri.queryParameters.get("next").map { String($0) }), email: email,
            emailError: emailError, sent: sent, rateLimited: rateLimited, refused: refused)
        var response = page("sign-in", model, visitor: visitor, status: status)
        response.setCookie(cookie(Self.formCookie, token))
        return response
    }

    /// Sends a link, or says it did: the answer is the same for a known address and an unknown one.
    func requestLink(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let fields = try await Self.form(request)
        try Self.checkForm(fields, expected: request.cookies[Self.formCookie]?.value)
        let language = visitor.language
        let email = fields["email"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        do {
            _ = try EmailAddress(parsing: email, field: "email")
        } catch {
            return signInPage(request, visitor, email: email, emailError: error.message.text(language), status: .unprocessableContent)
        }
        switch try await gugus.requestSignInLink(email: email, client: context.client) {
        case .link(let account, let token):
            var link = "\(settings.publicURL)/sign-in/\(token)"
            if let next = Self.sitePath(fields["next"]), next != "/" { link += "?next=\(APIRoute.escape(next))" }
            do {
                try await settings.mailer.send(link: link, to: account)
            } catch {
                // Said in the log, not on the page: the page must not tell who has an account.
                logger.error("could not send the sign-in link to \(account.email): \(error)")
            }
        case .noAccount:
            logger.info("sign-in link asked for an address with no account")
        case .rateLimited:
            return signInPage(request, visitor, email: email, rateLimited: true, status: .tooManyRequests)
        }
        return signInPage(request, visitor, email: email, sent: true)
    }

    /// Opening the link: a new session (a new id; nothing the browser had before counts) and on
    /// to the page the person asked for, on this site.
    func redeemLink(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        do {
            let (_, secret) = try await gugus.redeemSignInLink(context.parameters.get("token") ?? "")
            var response = Self.redirect(Self.sitePath(request.uri.queryParameters.get("next").map { String($0) }) ?? "/")
            if let old = request.cookies[Self.sessionCookie]?.value { try? await gugus.endPortalSession(secret: old) }
            response.setCookie(cookie(Self.sessionCookie, secret))
            response.setCookie(cookie(Self.formCookie, "", maxAge: 0))
            return response
        } catch let error as GugusError where error.kind == .unauthorized {
            var stranger = visitor
            stranger.session = nil
            return signInPage(request, stranger, refused: error.message.text(visitor.language), status: .unauthorized)
        }
    }

    func signOut(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let fields = try await Self.form(request)
        guard let session = visitor.session else { return Self.redirect("/sign-in") }
        try Self.checkForm(fields, expected: session.csrfToken)
        if let secret = request.cookies[Self.sessionCookie]?.value { try await gugus.endPortalSession(secret: secret) }
        var response = Self.redirect("/sign-in?signed-out=1")
        response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }

    // MARK: People (admin)

    struct PeoplePage: PortalView {
        var frame: Frame
        var people: [PersonLine]
        var form: PersonForm
        var errors: [FieldError]
        var hasErrors: Bool
        var roles: [Option]
        var languages: [Option]
    }

    struct PersonLine: PortalView {
        var id: Int64
        var name: String
        var email: String
        var roleLabel: String
        var region: String?
        var active: Bool
        var disableHref: String
        var changeHref: String
        var roles: [Option]
        var regionValue: String
    }

    struct PersonForm: PortalView {
        var email: String = ""
        var name: String = ""
        var region: String = ""
        var emailError: String?
        var nameError: String?
        var roleError: String?
        var regionError: String?
    }

    struct FieldError: PortalView {
        var field: String
        var message: String
    }

    struct Option: PortalView {
        var value: String
        var label: String
        var selected: Bool
    }

    func peoplePage(
        _ request: Request, _ visitor: Visitor, form: PersonForm = PersonForm(), role: String = "coordinator", language chosen: String = "id",
        errors: [FieldError] = [], notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let people = try await gugus.accounts()
        let heading = PortalText.word("peopleTitle", language)
        let model = PeoplePage(
            frame: frame(visitor, request: request, title: heading, crumbs: [Crumb(label: heading)], notice: notice),
            people: people.map { account in
                PersonLine(
                    id: account.id, name: account.name, email: account.email,
                    roleLabel: PortalText.word("role_\(account.role.rawValue)", language), region: account.regionCode,
                    active: account.disabledAt == nil, disableHref: "/admin/people/\(account.id)/disable",
                    changeHref: "/admin/people/\(account.id)/change",
                    roles: Caller.Role.allCases.map {
                        Option(value: $0.rawValue, label: PortalText.word("role_\($0.rawValue)", language), selected: $0 == account.role)
                    },
                    regionValue: account.regionCode ?? "")
            },
            form: form, errors: errors, hasErrors: !errors.isEmpty,
            roles: Caller.Role.allCases.map { Option(value: $0.rawValue, label: PortalText.word("role_\($0.rawValue)", language), selected: $0.rawValue == role) },
            languages: Language.allCases.map { Option(value: $0.rawValue, label: $0 == .id ? "Bahasa Indonesia" : "English", selected: $0.rawValue == chosen) })
        return page("people", model, visitor: visitor, status: status)
    }

    func addPerson(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let fields = try await Self.form(request)
        try Self.checkForm(fields, expected: visitor.session?.csrfToken)
        let language = visitor.language
        let region = fields["region"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let roleText = fields["role"] ?? ""
        var form = PersonForm(email: fields["email"] ?? "", name: fields["name"] ?? "", region: region)
        do {
            let role = try Caller.Role.parse(roleText, field: "role")
            let account = try await gugus.addAccount(NewAccount(
                email: form.email, name: form.name, role: role, regionCode: region.isEmpty ? nil : region,
                language: Language(rawValue: fields["language"] ?? "")))
            let notice = "\(PortalText.word("added", language)): \(account.name) <\(account.email)>"
            return try await peoplePage(request, visitor, notice: notice, status: .created)
        } catch let error as GugusError where error.kind == .invalid || error.kind == .conflict || error.kind == .notFound {
            // Each message beside its field, and all of them in the summary at the top.
            var errors: [FieldError] = []
            let fieldErrors = error.fieldErrors.isEmpty ? [GugusError.FieldError(field: "email", value: nil, message: error.message)] : error.fieldErrors
            for fieldError in fieldErrors {
                let message = fieldError.message.text(language)
                let field = ["email", "name", "role", "region"].contains(fieldError.field) ? fieldError.field : "email"
                errors.append(FieldError(field: field, message: message))
                switch field {
                case "name": form.nameError = message
                case "role": form.roleError = message
                case "region": form.regionError = message
                default: form.emailError = message
                }
            }
            return try await peoplePage(
                request, visitor, form: form, role: roleText, language: fields["language"] ?? "id", errors: errors,
                status: .unprocessableContent)
        }
    }

    func disablePerson(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let fields = try await Self.form(request)
        try Self.checkForm(fields, expected: visitor.session?.csrfToken)
        let account = try await gugus.disableAccount(id: try context.id())
        return try await peoplePage(
            request, visitor, notice: "\(PortalText.word("disabledDone", visitor.language)) (\(account.email))")
    }

    func changePerson(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let fields = try await Self.form(request)
        try Self.checkForm(fields, expected: visitor.session?.csrfToken)
        let language = visitor.language
        do {
            let region = fields["region"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let account = try await gugus.changeAccount(
                id: try context.id(), role: try Caller.Role.parse(fields["role"] ?? "", field: "role"), regionCode: region.isEmpty ? nil : region)
            let scope = account.regionCode.map { " · \($0)" } ?? ""
            return try await peoplePage(request, visitor, notice: "\(PortalText.word("roleChanged", language)): \(account.name), "
                + PortalText.word("role_\(account.role.rawValue)", language) + scope)
        } catch let error as GugusError where error.kind == .invalid || error.kind == .notFound {
            let errors = (error.fieldErrors.isEmpty ? [GugusError.FieldError(field: "role", value: nil, message: error.message)] : error.fieldErrors)
                .map { FieldError(field: "people-table", message: $0.message.text(language)) }
            return try await peoplePage(request, visitor, errors: errors, status: .unprocessableContent)
        }
    }
}
