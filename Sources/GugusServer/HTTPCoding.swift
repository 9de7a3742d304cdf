import Foundation
import GugusModel
import Hummingbird
import NIOCore


/// Reading requests and writing responses in Gugus's JSON.
enum HTTPCoding {
    static let encoder = GugusJSON.encoder()
    static let maxJSONBody = 1024 * 1024

    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, contentType: String, filename: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        if let filename { headers[.contentDisposition] = "inline; filename=\"\(filename)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// One page of a short list that the core returns whole (regions, task forces, rules,
    /// tokens, participants): paged here, by position, so every list takes limit and after.
    static func page<Item: Codable & Sendable>(_ items: [Item], _ request: PageRequest) throws(GugusError) -> Page<Item> {
        let start = Int(try request.afterID())
        guard start < items.count else { return Page(items: [], nextCursor: nil) }
        let end = start + min(items.count - start, request.limit)
        return Page(items: Array(items[start..<end]), nextCursor: end < items.count ? String(end) : nil)
    }

    /// The body as a JSON object, with path values (such as the task force) merged in.
    ///
    /// The merge goes through `JSONSerialization`, which keeps every number as it was written:
    /// a round trip through `Double` would turn an id above 2^53 into another id.
    static func decode<Value: Decodable>(
        _ type: Value.Type, from request: Request, context: GugusRequestContext, adding extra: [String: String] = [:]
    ) async throws -> Value {
        let buffer = try await request.body.collect(upTo: maxJSONBody)
        var data = buffer.readableBytes > 0 ? Data(buffer.readableBytesView) : Data("{}".utf8)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw GugusError.invalid(field: "body", value: nil, Localized(
                id: "isi permintaan bukan JSON yang valid", en: "the request body is not valid JSON"))
        }
        guard var object = parsed as? [String: Any] else {
            throw GugusError.invalid(field: "body", value: nil, Localized(
                id: "isi permintaan harus objek JSON", en: "the request body must be a JSON object"))
        }
        if !extra.isEmpty {
            for (key, value) in extra { object[key] = value }
            data = try JSONSerialization.data(withJSONObject: object)
        }
        do {
            return try GugusJSON.decoder().decode(Value.self, from: data)
        } catch let error as GugusError {
            throw error
        } catch {
            throw GugusJSON.problem(error)
        }
    }
}

/// Query parameters, read with errors that name the parameter.
struct Query {
    let request: Request

    func string(_ name: String) -> String? {
        request.uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    func int(_ name: String) throws(GugusError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw Self.bad(name, text, "a whole number", "bilangan bulat") }
        return value
    }

    func int64(_ name: String) throws(GugusError) -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Int64(text) else { throw Self.bad(name, text, "a whole number", "bilangan bulat") }
        return value
    }

    func bool(_ name: String) throws(GugusError) -> Bool {
        guard let text = string(name) else { return false }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw Self.bad(name, text, "true or false", "true atau false")
        }
    }

    func date(_ name: String) throws(GugusError) -> CivilDate? {
        try string(name).map { text throws(GugusError) in try CivilDate.parse(text, field: name) }
    }

    func page() throws(GugusError) -> PageRequest {
        try PageRequest.validated(limit: int("limit"), after: string("after"))
    }

    func taskForce(_ name: String = "taskforce") throws(GugusError) -> TaskForceRef? {
        try string(name).map { text throws(GugusError) in try TaskForceRef(parsing: text, field: name) }
    }

    func choice<Value: RawRepresentable & CaseIterable>(_ name: String, as type: Value.Type) throws(GugusError) -> Value? where Value.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = Value(rawValue: text) else {
            let valid = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw GugusError.invalid(field: name, value: text, Localized(
                id: "\(name) '\(text)' tidak dikenal; pilih salah satu: \(valid)", en: "unknown \(name) '\(text)'; use one of: \(valid)"))
        }
        return value
    }

    static func bad(_ name: String, _ value: String, _ en: String, _ id: String) -> GugusError {
        GugusError.invalid(field: name, value: value, Localized(
            id: "parameter \(name) '\(value)' harus \(id)", en: "parameter \(name) '\(value)' must be \(en)"))
    }
}

extension GugusRequestContext {
    /// A path parameter as a task force reference (`82`, `national`, or an id).
    func taskForce() throws(GugusError) -> TaskForceRef {
        try TaskForceRef(parsing: parameters.get("id") ?? "", field: "id")
    }

    /// A numeric path parameter.
    func id(_ name: String = "id") throws(GugusError) -> Int64 {
        let text = parameters.get(name) ?? ""
        guard let id = Int64(text), id > 0 else {
            throw GugusError(.notFound, Localized(id: "'\(text)' bukan id yang valid", en: "'\(text)' is not a valid id"))
        }
        return id
    }
}
