import Foundation
import GugusDatabase
import GugusModel
import GugusServer
import GugusTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Postgres
import Synchronization
import Testing

/// The portal in process, on a database of its own, with the sign-in links it would mail
/// kept for the test to open.
struct PortalDeployment: Sendable {
    let databaseURL: String
    let pool: PostgresPool
    let mailer: RecordingMailer
    let client: any TestClientProtocol

    /// The local operator, for seeding through the same `Gugus` the CLI uses.
    var gugus: DatabaseGugus { DatabaseGugus(pool: pool, caller: .localOperator("test")) }

    static func with<Result: Sendable>(
        publicMap: Bool = false, publicURL: String = "http://127.0.0.1:8080", _ body: @Sendable (PortalDeployment) async throws -> Result
    ) async throws -> Result {
        let databaseURL = try await TestDatabase.makeMigratedURL()
        let pool = PostgresPool(configuration: try PostgresConfiguration.url(databaseURL), options: .init(maxConnections: 8))
        TestResources.register(pool)
        var logger = Logger(label: "gugus.test.portal")
        logger.logLevel = .warning
        let mailer = RecordingMailer()
        let settings = PortalSettings(publicMap: publicMap, publicURL: publicURL, mailer: mailer)
        let app = Application(router: buildRouter(pool: pool, portal: settings, logger: logger), logger: logger)
        return try await app.test(.router) { client in
            try await body(PortalDeployment(databaseURL: databaseURL, pool: pool, mailer: mailer, client: client))
        }
    }

    /// A new browser, with no cookies.
    func browser() -> Browser { Browser(client: client) }

    /// A person with an account, signed in through a link, as a browser.
    func signedIn(_ email: String, name: String, role: Caller.Role, region: String? = nil) async throws -> Browser {
        _ = try await gugus.addAccount(NewAccount(email: email, name: name, role: role, regionCode: region))
        let browser = self.browser()
        try await browser.signIn(email, mailer: mailer)
        return browser
    }
}

/// Sign-in links as the mail would carry them.
final class RecordingMailer: SignInMailer, Sendable {
    private let sent = Mutex<[(email: String, link: String)]>([])

    func send(link: String, to account: Account) async throws {
        sent.withLock { $0.append((account.email, link)) }
    }

    var links: [(email: String, link: String)] { sent.withLock { $0 } }

    func lastLink(to email: String) -> String? { links.last { $0.email == email }?.link }
}

/// A browser's side of the portal: cookies kept from answer to answer, forms posted with the
/// tokens the pages carry.
final class Browser: Sendable {
    let client: any TestClientProtocol
    private let jar = Mutex<[String: String]>([:])

    init(client: any TestClientProtocol) {
        self.client = client
    }

    struct Page: Sendable, CustomStringConvertible {
        var status: Int
        var headers: HTTPFields
        var html: String
        var setCookies: [String]

        var location: String? { headers[.location] }
        var description: String { "HTTP \(status)\n\(html.prefix(3000))" }

        /// The value of the first hidden `csrf` field.
        var csrf: String? {
            guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    var cookies: [String: String] { jar.withLock { $0 } }

    func set(cookie name: String, _ value: String?) {
        jar.withLock { $0[name] = value }
    }

    func get(_ path: String) async throws -> Page {
        try await send(path, method: .get, body: nil)
    }

    /// A form post, `application/x-www-form-urlencoded`.
    func post(_ path: String, _ fields: [String: String]) async throws -> Page {
        let body = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(APIRoute.escape($0.value))" }.joined(separator: "&")
        return try await send(path, method: .post, body: body, contentType: "application/x-www-form-urlencoded")
    }

    /// A form post as `multipart/form-data`, as a browser sends a form with a file input.
    func postMultipart(_ path: String, _ fields: [String: String], files: [String: (name: String, type: String, content: String)] = [:]) async throws -> Page {
        let boundary = "----gugus-test-boundary-7MA4YWxkTrZu0gW"
        var body = ""
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        for (name, file) in files.sorted(by: { $0.key < $1.key }) {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file.name)\"\r\n"
            body += "Content-Type: \(file.type)\r\n\r\n\(file.content)\r\n"
        }
        body += "--\(boundary)--\r\n"
        return try await send(path, method: .post, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    func send(_ path: String, method: HTTPRequest.Method, body: String?, contentType: String? = nil) async throws -> Page {
        var headers: HTTPFields = [.accept: "text/html,application/xhtml+xml"]
        let cookie = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        if !cookie.isEmpty { headers[.cookie] = cookie }
        if let contentType { headers[.contentType] = contentType }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let setCookies = response.headers[values: .setCookie]
        for line in setCookies {
            let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            let expired = line.contains("Max-Age=0")
            set(cookie: name, expired || value.isEmpty ? nil : value)
        }
        return Page(status: Int(response.status.code), headers: response.headers, html: String(buffer: response.body), setCookies: setCookies)
    }

    /// Asks for a link on the sign-in page and opens it.
    func signIn(_ email: String, mailer: RecordingMailer) async throws {
        let form = try await get("/sign-in")
        let sent = try await post("/sign-in", ["email": email, "csrf": try #require(form.csrf, "\(form)")])
        #expect(sent.status == 200, "\(sent)")
        let link = try #require(mailer.lastLink(to: email), "no link was sent to \(email)")
        let path = try #require(URL(string: link)).path
        let opened = try await get(path)
        #expect(opened.status == 303, "\(opened)")
    }
}
