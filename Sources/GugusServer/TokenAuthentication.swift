import Foundation
import GugusDatabase
import GugusModel
import Hummingbird
import Logging

/// Resolves `Authorization: Bearer …` into the request's caller. A missing or bad token is a
/// 401; what the caller may do is decided by ``Caller`` inside each operation (403 with the
/// reason).
struct TokenAuthentication: RouterMiddleware {
    typealias Context = GugusRequestContext
    let gugus: DatabaseGugus

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw GugusError(.unauthorized, Localized(
                id: "permintaan ini perlu token: kirim header Authorization: Bearer TOKEN",
                en: "this request needs a token: send the header Authorization: Bearer TOKEN"))
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw GugusError(.unauthorized, Localized(
                id: "header Authorization harus berbentuk 'Bearer TOKEN'", en: "the Authorization header must read 'Bearer TOKEN'"))
        }
        var context = context
        let caller = try await gugus.caller(forToken: String(parts[1]).trimmingCharacters(in: .whitespaces))
        context.caller = caller
        context.logger[metadataKey: "caller"] = "\(caller.name)"
        return try await next(request, context)
    }
}
