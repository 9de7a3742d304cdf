import Foundation
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

extension RouterMethods where Context == GugusRequestContext {
    /// Registers the handler of an API operation at its path (``APIRoute``), relative to this
    /// group's `prefix` (`/v1`), with `{name}` read as Hummingbird's `:name`.
    @discardableResult
    func on(
        _ route: APIRoute, under prefix: String = "",
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        var path = Substring(route.template)
        precondition(path.hasPrefix(prefix + "/"), "\(route) is not under \(prefix)")
        path.removeFirst(prefix.count)
        let pattern = path.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : part
        }.joined(separator: "/")
        return on(RouterPath(pattern), method: HTTPRequest.Method(rawValue: route.method.rawValue)!, use: handler)
    }
}

/// Answers that are not JSON, and lists paged here.
enum HTTPCoding {
    static func text(_ text: String, contentType: String, filename: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        if let filename { headers[.contentDisposition] = "inline; filename=\"\(filename)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// One page of a short list that the core returns whole (regions, task forces, rules,
    /// tokens, participants): paged here, by position, so every list takes limit and after.
    static func page<Item: Codable & Sendable>(_ items: [Item], _ request: PageRequest) throws(GugusError) -> JSONAnswer<Page<Item>> {
        let start = Int(try request.afterID())
        guard start < items.count else { return JSONAnswer(Page(items: [], nextCursor: nil)) }
        let end = start + min(items.count - start, request.limit)
        return JSONAnswer(Page(items: Array(items[start..<end]), nextCursor: end < items.count ? String(end) : nil))
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

    func choice<Value: Choice>(_ name: String, as type: Value.Type) throws(GugusError) -> Value? {
        try string(name).map { text throws(GugusError) in try Value.parse(text, field: name) }
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
