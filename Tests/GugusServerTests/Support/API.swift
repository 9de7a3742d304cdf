import AsyncHTTPClient
import Foundation
import GugusTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// A client of a live Gugus server, as one token holder: plain HTTP requests, so the tests
/// check the wire (statuses, headers, field names), not a Swift client's reading of it.
struct API: Sendable {
    let baseURL: String
    var token: String?
    /// Problem details come in English, so tests can read them.
    var language = "en"

    init(baseURL: String, token: String? = nil) {
        self.baseURL = baseURL
        self.token = token
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

    func send(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String? = nil, headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "Accept-Language", value: language)
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        return try await execute(request)
    }

    func execute(_ request: HTTPClientRequest, client: HTTPClient = .shared) async throws -> Answer {
        let response = try await client.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
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

/// A problem+json document.
struct Problem: Decodable, Sendable {
    struct FieldError: Decodable, Sendable, Equatable {
        var field: String
        var value: String?
        var message: String
        var line: Int?
    }

    var type: String
    var title: String
    var status: Int
    var detail: String
    var code: String
    var errors: [FieldError]

    var fields: [String] { errors.map(\.field) }
}

extension [String: Any] {
    /// An integer field, as the tests use ids.
    func id(_ key: String = "id") throws -> Int {
        try #require(self[key] as? Int, "no integer '\(key)' in \(self)")
    }
}
