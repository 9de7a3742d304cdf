import Foundation
import GugusModel
import HTTPTypes
import Hummingbird
import Logging
import Postgres

/// An RFC 9457 problem document, with a per-field `errors` list.
struct Problem: Codable, Sendable {
    struct FieldError: Codable, Sendable {
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

    init(_ error: GugusError, status: HTTPResponse.Status, language: Language) {
        type = "https://gugus.stranas-bham.id/problems/\(error.kind.rawValue.replacingOccurrences(of: "_", with: "-"))"
        title = status.reasonPhrase
        self.status = status.code
        detail = error.message.text(language)
        code = error.kind.rawValue
        errors = error.fieldErrors.map { FieldError(field: $0.field, value: $0.value, message: $0.message.text(language), line: $0.line) }
    }

    static func status(for kind: GugusError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }
}

/// Turns every error into problem+json. A client's mistake is never a 5xx: only a database
/// that is away (503) or a bug on our side (500, logged) is.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = GugusRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.language = Language(tag: request.headers[.acceptLanguage])
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.response(for: error, context: context)
        }
        // The id in the server's log lines for this request, for a client to quote.
        if let requestID = HTTPField.Name("X-Request-ID") {
            response.headers[requestID] = context.id
        }
        return response
    }

    static func response(for error: any Error, context: Context) -> Response {
        let (problem, status) = problemAndStatus(error, context: context)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"gugus\"" }
        if status == .serviceUnavailable { headers[.retryAfter] = "5" }
        let body = (try? GugusJSON.encoder().encode(problem)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static let databaseAway = GugusError(.unavailable, Localized(
        id: "basis data tidak dapat dihubungi saat ini; coba lagi sebentar lagi", en: "the database cannot be reached right now; try again shortly"))

    static func problemAndStatus(_ error: any Error, context: Context) -> (Problem, HTTPResponse.Status) {
        switch error {
        case let error as GugusError where error.kind == .unavailable:
            // The database's own words name its host or socket: they are in the log, and a
            // client (one without a valid token, too) gets the plain message.
            return (Problem(databaseAway, status: .serviceUnavailable, language: context.language), .serviceUnavailable)
        case let error as GugusError:
            if error.kind == .internal { context.logger.error("internal error: \(error.message.en)") }
            let status = error.fieldErrors.contains(where: { $0.field == "body" }) ? .badRequest : Problem.status(for: error.kind)
            return (Problem(error, status: status, language: context.language), status)
        case let error as PostgresError where error.isConnectionFailure:
            context.logger.warning("database unavailable: \(error)")
            return (Problem(databaseAway, status: .serviceUnavailable, language: context.language), .serviceUnavailable)
        case let error as any HTTPResponseError:
            let kind: GugusError.Kind = switch error.status.code {
            case 404: .notFound
            case 401: .unauthorized
            case 403: .forbidden
            case 409: .conflict
            case 500...: .internal
            default: .invalid
            }
            let message = error.status == .notFound
                ? Localized(id: "tidak ada alamat ini di API; lihat /openapi.yaml", en: "no such path in the API; see /openapi.yaml")
                : error.status == .contentTooLarge
                ? Localized(
                    id: "isi permintaan terlalu besar (paling besar 1 MB untuk JSON, 20 MB untuk berkas CSV)",
                    en: "the request body is too large (1 MB at most for JSON, 20 MB for a CSV file)")
                : Localized(verbatim: error.status.reasonPhrase)
            return (Problem(GugusError(kind, message), status: error.status, language: context.language), error.status)
        case is CancellationError:
            let problem = GugusError(.unavailable, Localized(id: "permintaan dibatalkan", en: "the request was cancelled"))
            return (Problem(problem, status: .serviceUnavailable, language: context.language), .serviceUnavailable)
        default:
            context.logger.error("unexpected error: \(error)")
            let problem = GugusError(.internal, Localized(
                id: "kesalahan internal; sudah dicatat di log server", en: "internal error; it has been logged on the server"))
            return (Problem(problem, status: .internalServerError, language: context.language), .internalServerError)
        }
    }
}
