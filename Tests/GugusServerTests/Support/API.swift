import AsyncHTTPClient
import Foundation
import GugusModel
import GugusTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// A client of a Gugus server, as one token holder: plain HTTP requests, so the tests check
/// the wire (statuses, headers, field names), not a Swift client's reading of it. In process
/// (the server's router, through HummingbirdTesting) or over a socket to a real `gugus serve`.
struct API: Sendable {
    enum Transport: Sendable {
        case router(any TestClientProtocol)
        case live(baseURL: String)
    }

    let transport: Transport
    var token: String?
    /// Problem details come in English, so tests can read them.
    var language = "en"

    init(_ transport: Transport, token: String? = nil) {
        self.transport = transport
        self.token = token
    }

    init(baseURL: String, token: String? = nil) {
        self.init(.live(baseURL: baseURL), token: token)
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Answer {
        try await send(.GET, path, headers: headers)
    }

    /// A JSON body, written from a dictionary literal.
    func post(_ path: String, _ body: [String: Any] = [:]) async throws -> Answer {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await send(.POST, path, body: data, contentType: "application/json")
    }

    func delete(_ path: String) async throws -> Answer {
        try await send(.DELETE, path)
    }

    /// A request made by hand (a streamed body, say), to a live server.
    func execute(_ request: HTTPClientRequest, client: HTTPClient = .shared) async throws -> Answer {
        let response = try await client.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
    }

    func send(
        _ method: NIOHTTP1.HTTPMethod, _ path: String, body: Data? = nil, contentType: String? = nil, headers: [(String, String)] = []
    ) async throws -> Answer {
        var fields: [(String, String)] = [("Accept-Language", language)]
        if let token { fields.append(("Authorization", "Bearer \(token)")) }
        if let contentType { fields.append(("Content-Type", contentType)) }
        for (name, value) in headers {
            fields.removeAll { $0.0.lowercased() == name.lowercased() }
            fields.append((name, value))
        }
        switch transport {
        case .live(let baseURL):
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            for (name, value) in fields { request.headers.add(name: name, value: value) }
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            return try await execute(request)
        case .router(let client):
            var httpFields = HTTPFields()
            for (name, value) in fields { if let name = HTTPField.Name(name) { httpFields.append(HTTPField(name: name, value: value)) } }
            let response = try await client.execute(
                uri: path, method: HTTPRequest.Method(rawValue: method.rawValue)!, headers: httpFields,
                body: body.map { ByteBuffer(bytes: $0) })
            var headers = HTTPHeaders()
            for field in response.headers { headers.add(name: field.name.rawName, value: field.value) }
            return Answer(status: response.status.code, headers: headers, body: Data(response.body.readableBytesView))
        }
    }
}

/// One HTTP answer, whole.
struct Answer: Sendable, CustomStringConvertible {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var contentType: String { headers.first(name: "Content-Type") ?? "" }

    func header(_ name: String) -> String? { headers.first(name: name) }

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "not a JSON object: \(self)")
    }

    /// The body as a JSON array.
    func array() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]], "not a JSON array: \(self)")
    }

    /// A page's `items`.
    func items() throws -> [[String: Any]] {
        try #require(try object()["items"] as? [[String: Any]], "not a page: \(self)")
    }

    /// The RFC 9457 document of an error answer, checked for its media type and its status.
    func problem() throws -> Problem {
        #expect(contentType == "application/problem+json", "\(self)")
        let problem = try JSONDecoder().decode(Problem.self, from: body)
        #expect(problem.status == status, "\(self)")
        return problem
    }

    var description: String { "HTTP \(status) \(contentType)\n\(text)" }
}

extension [String: Any] {
    /// An integer field, as the tests use ids.
    func id(_ key: String = "id") throws -> Int {
        try #require(self[key] as? Int, "no integer '\(key)' in \(self)")
    }
}
