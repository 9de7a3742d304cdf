import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// The secretariat's pages (issue 12): API tokens (`/admin/tokens`: issue, list, revoke, the
/// secret shown once) and the audit log (`/admin/audit`, filtered by entity, person and
/// date, each entry with its before and after). Admins only, through the same `Gugus` calls
/// as `gugus token …` and `gugus audit`.
extension Portal {
    // MARK: Tokens

    struct TokensPage: PortalView {
        var frame: Frame
        var tokens: [TokenLine]
        var hasTokens: Bool
        /// The secret of the token just issued: shown on this one page, never again.
        var issued: IssuedView?
        var action: String
        var fields: [FormField]
        var errors: [FieldError]
        var hasErrors: Bool
    }

    struct IssuedView: PortalView {
        var name: String
        var secret: String
    }

    struct TokenLine: PortalView {
        var name: String
        var roleLabel: String
        var region: String?
        var created: String
        var expires: String?
        var active: Bool
        var stateLabel: String
        var revokeAction: String?
    }

    func tokenFields(_ sent: SentForm?, language: Language) -> [FormField] {
        let t = { (key: String) in PortalText.word(key, language) }
        var fields: [FormField] = [
            .text("name", t("tokenName"), hint: t("tokenNameHint")),
            .select("role", t("role"), Caller.Role.allCases.map { ($0.rawValue, t("role_\($0.rawValue)")) },
                    chosen: Caller.Role.coordinator.rawValue, sent: sent),
            .text("region", t("region"), hint: t("tokenRegionHint"), optional: true),
            .date("expires", t("tokenExpires"), hint: t("tokenExpiresHint"), optional: true),
        ]
        fields[2].isShort = true
        Self.keep(sent, in: &fields)
        return fields
    }

    func tokensPage(
        _ request: Request, _ visitor: Visitor, sent: SentForm? = nil, issued: IssuedToken? = nil, error: GugusError? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let tokens = try await gugus.tokens()
        var fields = tokenFields(sent, language: language)
        let errors = error.map { Self.place($0, on: &fields, fallback: "name", language: language) } ?? []
        let heading = PortalText.word("tokensTitle", language)
        let now = Date()
        let model = TokensPage(
            frame: frame(visitor, request: request, title: heading, crumbs: [Crumb(label: heading)],
                         notice: request.uri.queryParameters.get("done") == "revoked" ? PortalText.word("tokenRevoked", language) : nil),
            tokens: tokens.sorted { $0.id > $1.id }.map { token in
                let active = token.revokedAt == nil && (token.expiresAt.map { $0 > now } ?? true)
                let state = token.revokedAt != nil ? "tokenStateRevoked" : active ? "active" : "tokenStateExpired"
                return TokenLine(
                    name: token.name, roleLabel: PortalText.word("role_\(token.role.rawValue)", language), region: token.regionCode,
                    created: LocalTime.long(token.createdAt, in: .jakarta, language: language),
                    expires: token.expiresAt.map { LocalTime.long($0, in: .jakarta, language: language) }, active: active,
                    stateLabel: PortalText.word(state, language), revokeAction: active ? "/admin/tokens/\(token.id)/revoke" : nil)
            },
            hasTokens: !tokens.isEmpty,
            issued: issued.map { IssuedView(name: $0.token.name, secret: $0.secret) },
            action: "/admin/tokens", fields: fields, errors: errors, hasErrors: !errors.isEmpty)
        return page("tokens", model, visitor: visitor, status: status)
    }

    func issueToken(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let sent = try await Self.checkedForm(request, visitor)
        do {
            let issued = try await gugus.issueToken(NewToken(
                name: sent["name"], role: try Caller.Role.parse(sent["role"], field: "role"), regionCode: sent.optional("region"),
                expiresOn: try sent.optional("expires").map { text throws(GugusError) in try CivilDate.parse(text, field: "expires") }))
            // Not a redirect: the secret is on this answer only, and nowhere to come back to.
            return try await tokensPage(request, visitor, issued: issued, status: .created)
        } catch let error as GugusError where error.kind == .invalid || error.kind == .conflict || error.kind == .notFound {
            return try await tokensPage(request, visitor, sent: sent, error: error, status: .unprocessableContent)
        }
    }

    func revokeToken(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let fields = try await Self.form(request)
        try Self.checkForm(fields, expected: visitor.session?.csrfToken)
        _ = try await gugus.revokeToken(id: try context.id())
        return Self.redirect("/admin/tokens?done=revoked")
    }

    // MARK: The audit log

    struct AuditPage: PortalView {
        var frame: Frame
        var fields: [FormField]
        var errors: [FieldError]
        var hasErrors: Bool
        var entries: [AuditLine]
        var nextHref: String?
    }

    struct AuditLine: PortalView {
        var at: String
        var actor: String
        var action: String
        var operation: String
        var entity: String
        var before: String?
        var after: String?
    }

    static let auditEntities = ["decree", "membership", "person", "outreach_session", "participant", "reminder_rule", "task_force", "institution", "api_token", "account"]

    func auditPage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        try gugus.caller.requireAdmin(Localized(id: "membuka log audit", en: "open the audit log"))
        let language = visitor.language
        let t = { (key: String) in PortalText.word(key, language) }
        let parameters = request.uri.queryParameters
        let value = { (name: String) -> String in parameters.get(name).map { String($0) }?.trimmingCharacters(in: .whitespaces) ?? "" }
        let entity = value("entity"), actor = value("actor"), from = value("from"), to = value("to")
        var fields: [FormField] = [
            FormField(name: "entity", label: t("auditEntity"), isSelect: true,
                      options: [Option(value: "", label: t("auditAll"), selected: entity.isEmpty)]
                          + Self.auditEntities.map { Option(value: $0, label: t("entity_\($0)"), selected: $0 == entity) }),
            .text("actor", t("auditActor"), hint: t("auditActorHint"), optional: true),
            .date("from", t("auditFrom"), optional: true),
            .date("to", t("auditTo"), optional: true),
        ]
        fields[1].value = actor
        fields[2].value = from
        fields[3].value = to
        var entries: [AuditLine] = []
        var errors: [FieldError] = []
        var next: String?
        do {
            // Days are the secretariat's, in WIB: "to" includes the whole day.
            func instant(_ text: String, field: String, plusDays: Int = 0) throws(GugusError) -> Date? {
                guard !text.isEmpty else { return nil }
                return try LocalTime.parse("\(try CivilDate.parse(text, field: field).adding(days: plusDays)) 00:00", in: .jakarta, field: field)
            }
            let page = try await gugus.audit(AuditQuery(
                entity: entity.isEmpty ? nil : entity, since: try instant(from, field: "from"), until: try instant(to, field: "to", plusDays: 1),
                actor: actor.isEmpty ? nil : actor, page: PageRequest(limit: 50, after: parameters.get("after").map { String($0) })))
            entries = page.items.map { entry in
                AuditLine(
                    at: LocalTime.long(entry.at, in: .jakarta, language: language), actor: entry.actor, action: entry.action,
                    operation: t("operation_\(entry.operation)"), entity: "\(t("entity_\(entry.entity)")) \(entry.entityId)",
                    before: entry.before.map(Self.pretty), after: entry.after.map(Self.pretty))
            }
            if let cursor = page.nextCursor {
                var query: [String: String] = ["entity": entity, "actor": actor, "from": from, "to": to].filter { !$0.value.isEmpty }
                query["after"] = cursor
                next = "/admin/audit?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\(APIRoute.escape($0.value))" }.joined(separator: "&")
            }
        } catch let error as GugusError where error.kind == .invalid {
            errors = Self.place(error, on: &fields, fallback: "from", language: language)
        }
        let heading = t("auditTitle")
        let model = AuditPage(
            frame: frame(visitor, request: request, title: heading, crumbs: [Crumb(label: heading)]), fields: fields, errors: errors,
            hasErrors: !errors.isEmpty, entries: entries, nextHref: next)
        return page("audit", model, visitor: visitor, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// An audit image as indented JSON, keys sorted, for reading.
    static func pretty(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
