import Crypto
import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore

/// How the portal runs: who may see the map without signing in, where its links point, and
/// how sign-in links reach people.
public struct PortalSettings: Sendable {
    /// `GUGUS_PUBLIC_MAP`: the map (which holds no personal data) for everyone.
    public var publicMap: Bool
    /// The portal's address as people reach it (`GUGUS_PUBLIC_URL`), for the links in mail.
    public var publicURL: String
    public var mailer: any SignInMailer

    public init(publicMap: Bool = false, publicURL: String = "http://127.0.0.1:8080", mailer: any SignInMailer = LogSignInMailer()) {
        self.publicMap = publicMap
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        self.publicURL = base
        self.mailer = mailer
    }

    /// Cookies are `Secure` whenever the portal is served over https.
    var secureCookies: Bool { publicURL.lowercased().hasPrefix("https://") }
}

/// Sends a sign-in link to a person.
public protocol SignInMailer: Sendable {
    func send(link: String, to account: Account) async throws
}

/// Without SMTP (the local default): the link goes to the server's log.
public struct LogSignInMailer: SignInMailer {
    let logger: Logger

    public init(logger: Logger = Logger(label: "gugus.portal")) {
        self.logger = logger
    }

    public func send(link: String, to account: Account) async throws {
        logger.notice("sign-in link for \(account.email): \(link)")
    }
}

/// The web portal: pages rendered on the server from the embedded templates, over the same
/// ``DatabaseGugus`` as the API, for the person the session cookie names.
struct Portal: Sendable {
    let gugus: DatabaseGugus
    let settings: PortalSettings
    let logger: Logger

    static let sessionCookie = "gugus_session"
    static let languageCookie = "gugus_lang"
    static let formCookie = "gugus_form"

    /// Who is asking and in which language.
    struct Visitor: Sendable {
        var session: PortalSession?
        var language: Language
        /// Set when `?lang=` chose the language: remembered in a cookie.
        var chosenLanguage: Language?

        var caller: Caller? { session?.account.caller }
    }

    func visitor(_ request: Request) async throws -> Visitor {
        let chosen = request.uri.queryParameters.get("lang").flatMap { Language(rawValue: $0) }
        var session: PortalSession?
        if let secret = request.cookies[Self.sessionCookie]?.value, !secret.isEmpty {
            session = try await gugus.portalSession(secret: secret)
        }
        let remembered = request.cookies[Self.languageCookie].flatMap { Language(rawValue: $0.value) }
        return Visitor(session: session, language: chosen ?? remembered ?? session?.account.language ?? .id, chosenLanguage: chosen)
    }

    // MARK: Rendering

    /// The templates of `portal/`, parsed once.
    static let templates: PortalTemplates = {
        var templates: [String: PortalTemplate] = [:]
        for file in EmbeddedPortal.files where file.name.hasSuffix(".mustache") {
            do {
                templates[String(file.name.dropLast(".mustache".count))] = try PortalTemplate(file.contents)
            } catch {
                preconditionFailure("portal template \(file.name) does not parse: \(error)")
            }
        }
        return PortalTemplates(templates: templates)
    }()

    #if DEBUG
    /// The same templates for swift-mustache, which debug builds render every page with as
    /// well: the reference that ``PortalTemplate`` must agree with, byte for byte.
    static let referenceLibrary: MustacheLibrary = {
        var templates: [String: MustacheTemplate] = [:]
        for file in EmbeddedPortal.files where file.name.hasSuffix(".mustache") {
            templates[String(file.name.dropLast(".mustache".count))] = try? MustacheTemplate(string: file.contents)
        }
        return MustacheLibrary(templates: templates)
    }()
    #endif

    /// A file of portal/ served from /assets/ as it is, at an address that changes with its
    /// content, so that it can be cached for good.
    struct Asset: Sendable {
        var name: String
        var contentType: String
        var contents: String
        var href: String

        init(_ name: String, contentType: String) {
            self.name = name
            self.contentType = contentType
            contents = EmbeddedPortal.files.first { $0.name == name }?.contents ?? ""
            let version = SHA256.hash(data: Data(contents.utf8)).map { String(format: "%02x", $0) }.joined().prefix(12)
            href = "/assets/\(name)?v=\(version)"
        }
    }

    static let stylesheet = Asset("portal.css", contentType: "text/css; charset=utf-8")
    /// The import page's progress (the portal's only script; every page works without it).
    static let importScript = Asset("import.js", contentType: "text/javascript; charset=utf-8")

    /// A page: its template rendered with its model, as HTML, remembering a language chosen
    /// with `?lang=`.
    func page(_ template: String, _ model: some PortalView, visitor: Visitor, status: HTTPResponse.Status = .ok) -> Response {
        guard let html = Self.templates.render(template, TemplateEncoder.encode(model)) else {
            logger.error("portal template \(template) is missing")
            return Self.internalError
        }
        #if DEBUG
        // swift-mustache reads the model itself, through Mirror: a page that differs is a
        // bug in PortalTemplate or TemplateEncoder, and every portal test would see it.
        let reference = Self.referenceLibrary.render(model, withTemplate: template) ?? ""
        guard Array(reference.utf8) == html else {
            let at = zip(reference.utf8, html).prefix { $0 == $1 }.count
            logger.error("portal template \(template) renders differently from swift-mustache at byte \(at): \(String(decoding: html.dropFirst(max(0, at - 80)).prefix(200), as: UTF8.self).debugDescription) where swift-mustache has \(String(decoding: Array(reference.utf8).dropFirst(max(0, at - 80)).prefix(200), as: UTF8.self).debugDescription)")
            return Self.internalError
        }
        #endif
        var response = Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                HTTPField.Name("Referrer-Policy")!: "same-origin",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: html)))
        rememberLanguage(of: visitor, in: &response)
        return response
    }

    static var internalError: Response {
        Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: "internal error\n")))
    }

    /// Keeps a language chosen with `?lang=` for a year, in a cookie.
    func rememberLanguage(of visitor: Visitor?, in response: inout Response) {
        if let chosen = visitor?.chosenLanguage {
            response.setCookie(cookie(Self.languageCookie, chosen.rawValue, maxAge: 365 * 86_400))
        }
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// 303 to a path on this site.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// A path of this site to go back to: `/…`, never `//host` or `https://…`.
    static func sitePath(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.hasPrefix("/\\"),
              !text.contains("\r"), !text.contains("\n") else { return nil }
        return text
    }

    // MARK: What every page has

    struct Crumb: PortalView {
        var label: String
        var href: String?
    }

    struct Frame: PortalView {
        var lang: String
        var t: [String: String]
        var title: String
        var crumbs: [Crumb]
        var hasCrumbs: Bool
        var account: AccountView?
        var csrf: String?
        var version: String
        var otherLanguageHref: String
        var otherLang: String
        var stylesheet: String
        var notice: String?
    }

    struct AccountView: PortalView {
        var name: String
        var email: String
        var roleLabel: String
        var isAdmin: Bool
    }

    func frame(_ visitor: Visitor, request: Request, title: String, crumbs: [Crumb] = [], notice: String? = nil) -> Frame {
        let language = visitor.language
        let other: Language = language == .id ? .en : .id
        var query = request.uri.queryParameters.filter { $0.key != "lang" }.map { "\($0.key)=\(APIRoute.escape(String($0.value)))" }
        query.append("lang=\(other.rawValue)")
        let account = visitor.session.map { session in
            AccountView(
                name: session.account.name, email: session.account.email,
                roleLabel: PortalText.word("role_\(session.account.role.rawValue)", language), isAdmin: session.account.role == .admin)
        }
        let map = Crumb(label: PortalText.word("map", language), href: "/")
        return Frame(
            lang: language.rawValue, t: PortalText.table(language), title: title,
            crumbs: crumbs.isEmpty ? [] : [map] + crumbs, hasCrumbs: !crumbs.isEmpty, account: account, csrf: visitor.session?.csrfToken,
            version: GugusVersion.current, otherLanguageHref: request.uri.path + "?" + query.joined(separator: "&"), otherLang: other.rawValue,
            stylesheet: Self.stylesheet.href, notice: notice)
    }

    // MARK: Forms

    /// An `application/x-www-form-urlencoded` body, at most 64 KB.
    static func form(_ request: Request, limit: Int = 64 * 1024) async throws -> [String: String] {
        Dictionary(try await formPairs(request, limit: limit), uniquingKeysWith: { _, last in last })
    }

    /// Every name and value of a URL-encoded body, in order (checkboxes send a name again).
    static func formPairs(_ request: Request, limit: Int = 64 * 1024) async throws -> [(String, String)] {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        var pairs: [(String, String)] = []
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            guard let key = parts.first.map(decode) else { continue }
            pairs.append((key, parts.count > 1 ? decode(parts[1]) : ""))
        }
        return pairs
    }

    /// Refuses a form whose CSRF token is not the session's (or, before signing in, the
    /// form cookie's): a page from another site cannot post to this one.
    static func checkForm(_ fields: [String: String], expected: String?) throws(GugusError) {
        guard let expected, let sent = fields["csrf"], !expected.isEmpty,
              sent.utf8.count == expected.utf8.count,
              zip(sent.utf8, expected.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw GugusError(.forbidden, Localized(id: "csrf", en: "csrf"), fieldErrors: [.init(field: "csrf", value: nil, message: Localized(
                id: "token formulir tidak cocok", en: "the form's token does not match"))])
        }
    }

    // MARK: Errors as pages

    struct ErrorPage: PortalView {
        var frame: Frame
        var heading: String
        var lead: String
        var detail: String?
        var reference: String?
        var signInHref: String?
    }

    /// A refusal or a failure as a page in the visitor's language: what happened and where to
    /// go. A server error shows no trace, only the request's id to quote.
    func errorPage(_ error: any Error, request: Request, context: GugusRequestContext, visitor: Visitor?) -> Response {
        let visitor = visitor ?? Visitor(
            session: nil, language: request.cookies[Self.languageCookie].flatMap { Language(rawValue: $0.value) } ?? .id, chosenLanguage: nil)
        let language = visitor.language
        let gugusError = ProblemMiddleware.gugusError(for: error, context: context)
        let isCSRF = gugusError.fieldErrors.contains { $0.field == "csrf" }
        let kindKey: String = switch gugusError.kind {
        case .notFound: "error_notFound"
        case .forbidden, .unauthorized: "error_forbidden"
        case .unavailable: "error_unavailable"
        case .internal: "error_internal"
        case .invalid, .conflict, .tooLarge: "error_invalid"
        }
        let key = isCSRF ? "error_csrf" : kindKey
        let lead = switch key {
        case "error_invalid": gugusError.message.text(language)
        default: PortalText.word(key + "Lead", language)
        }
        let heading = PortalText.word(key, language)
        let model = ErrorPage(
            frame: frame(visitor, request: request, title: heading, crumbs: [Crumb(label: heading)]),
            heading: heading, lead: lead,
            detail: gugusError.kind == .forbidden && !isCSRF ? gugusError.message.text(language) : nil,
            reference: gugusError.kind == .internal ? context.id : nil,
            signInHref: visitor.session == nil && gugusError.kind != .internal ? "/sign-in?next=\(APIRoute.escape(request.uri.path))" : nil)
        return page("error", model, visitor: visitor, status: isCSRF ? .forbidden : gugusError.status)
    }
}
