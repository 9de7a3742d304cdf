import Foundation
import GugusModel
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Postgres

/// A refusal answers itself: RFC 9457 problem+json (the shared ``Problem``), in the
/// language the request asked for, with the status of its kind.
extension GugusError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        // The named statuses, so the problem's title is the reason phrase.
        let known: [HTTPResponse.Status] = [
            .badRequest, .unauthorized, .forbidden, .notFound, .conflict, .contentTooLarge, .unprocessableContent,
            .internalServerError, .serviceUnavailable,
        ]
        let code = Problem.status(for: self)
        return known.first { $0.code == code } ?? HTTPResponse.Status(code: code)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let language = (context as? GugusRequestContext)?.language ?? Language(tag: request.headers[.acceptLanguage])
        let problem = Problem(self, status: status.code, title: status.reasonPhrase, language: language)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"gugus\"" }
        if status == .serviceUnavailable { headers[.retryAfter] = "5" }
        let body = (try? GugusJSON.encoder().encode(problem)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Every error becomes a problem document. A client's mistake is never a 5xx: only a
/// database that is away (503) or a bug on our side (500, logged) is. Each answer carries the
/// request's id, the one in the server's log lines, for a client to quote.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = GugusRequestContext
    /// For a browser outside the API, an error is a portal page instead.
    var portal: Portal?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.language = Language(tag: request.headers[.acceptLanguage])
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let browser = !request.uri.path.hasPrefix("/v1") && (request.headers[.accept] ?? "").contains("text/html")
            if browser, let portal {
                response = portal.errorPage(error, request: request, context: context, visitor: try? await portal.visitor(request))
            } else {
                response = try Self.gugusError(for: error, context: context).response(from: request, context: context)
            }
        }
        if let requestID = HTTPField.Name("X-Request-ID") {
            response.headers[requestID] = context.id
        }
        return response
    }

    /// The refusal an error means for the client.
    static func gugusError(for error: any Error, context: Context) -> GugusError {
        switch error {
        case let error as GugusError where error.kind == .unavailable:
            // The database's own words name its host or socket: they are in the log, and a
            // client (one without a valid token, too) gets the plain message.
            return .databaseAway
        case let error as GugusError:
            if error.kind == .internal { context.logger.error("internal error: \(error.message.en)") }
            return error
        case let error as PostgresError where error.isConnectionFailure:
            context.logger.warning("database unavailable: \(error)")
            return .databaseAway
        case let error as any HTTPResponseError:
            switch error.status {
            case .notFound:
                return GugusError(.notFound, Localized(id: "tidak ada alamat ini di API; lihat /openapi.yaml", en: "no such path in the API; see /openapi.yaml"))
            case .contentTooLarge:
                return GugusError(.tooLarge, Localized(
                    id: "isi permintaan terlalu besar (paling besar 1 MB untuk JSON, 20 MB untuk berkas CSV)",
                    en: "the request body is too large (1 MB at most for JSON, 20 MB for a CSV file)"))
            default:
                let kind: GugusError.Kind = switch error.status.code {
                case 401: .unauthorized
                case 403: .forbidden
                case 409: .conflict
                case 500...: .internal
                default: .invalid
                }
                return GugusError(kind, Localized(verbatim: error.status.reasonPhrase))
            }
        case is CancellationError:
            return GugusError(.unavailable, Localized(id: "permintaan dibatalkan", en: "the request was cancelled"))
        default:
            context.logger.error("unexpected error: \(error)")
            return GugusError(.internal, Localized(
                id: "kesalahan internal; sudah dicatat di log server", en: "internal error; it has been logged on the server"))
        }
    }
}
