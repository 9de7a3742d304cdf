import Foundation
import GugusModel
import Hummingbird
import Logging
import NIOCore

/// Each request's context: who is calling (from the bearer token), in which language they
/// want messages (from `Accept-Language`), and Gugus's JSON both ways.
public struct GugusRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller?
    public var language: Language = .id
    /// The client's address, for the sign-in rate limits.
    public var client: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Member rosters in CSV can be large; JSON bodies are checked against a smaller limit.
    public var maxUploadSize: Int { 20 * 1024 * 1024 }

    public var requestDecoder: GugusRequestDecoder { GugusRequestDecoder() }
    public var responseEncoder: GugusResponseEncoder { GugusResponseEncoder() }

    /// The caller, which the auth middleware has set for every `/v1` route.
    func requireCaller() throws -> Caller {
        guard let caller else {
            throw GugusError(.unauthorized, Localized(id: "permintaan ini perlu token", en: "this request needs a token"))
        }
        return caller
    }
}

/// Reads a JSON body as Gugus reads JSON everywhere (GugusJSON): at most 1 MB, an object,
/// and every mistake a field error that names the field.
public struct GugusRequestDecoder: RequestDecoder {
    public static let maxJSONBody = 1024 * 1024

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: Self.maxJSONBody)
        let data = buffer.readableBytes > 0 ? Data(buffer.readableBytesView) : Data("{}".utf8)
        // Shape first, so a body that is not an object says so rather than which key it lacks.
        switch (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) {
        case nil:
            throw GugusError.invalid(field: "body", value: nil, Localized(
                id: "isi permintaan bukan JSON yang valid", en: "the request body is not valid JSON"))
        case .some(let value) where !(value is [String: Any]):
            throw GugusError.invalid(field: "body", value: nil, Localized(
                id: "isi permintaan harus objek JSON", en: "the request body must be a JSON object"))
        default:
            break
        }
        do {
            return try GugusJSON.decoder().decode(T.self, from: data)
        } catch let error as GugusError {
            throw error
        } catch {
            throw GugusJSON.problem(error)
        }
    }
}

/// Writes a response value as Gugus's JSON, UTF-8.
public struct GugusResponseEncoder: ResponseEncoder {
    static let encoder = GugusJSON.encoder()

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let data = try Self.encoder.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A value answered as JSON through the context's encoder, with a status.
struct JSONAnswer<Value: Encodable & Sendable>: ResponseGenerator {
    var value: Value
    var status: HTTPResponse.Status = .ok

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(value, from: request, context: context)
        response.status = status
        return response
    }
}
