import Foundation

/// An RFC 9457 problem document with a per-field `errors` list: how the API says a
/// ``GugusError``, and how its clients (the CLI, the tests) read one back. One type for
/// both ends, so the contract cannot drift between them.
public struct Problem: Codable, Sendable, Hashable {
    public struct FieldError: Codable, Sendable, Hashable {
        public var field: String
        public var value: String?
        public var message: String
        public var line: Int?

        public init(field: String, value: String?, message: String, line: Int? = nil) {
            self.field = field
            self.value = value
            self.message = message
            self.line = line
        }
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// The ``GugusError/Kind``, e.g. `not_found`.
    public var code: String
    public var errors: [FieldError]

    public var fields: [String] { errors.map(\.field) }

    /// `status` with the reason phrase the server says it with (`title`).
    public init(_ error: GugusError, status: Int, title: String, language: Language) {
        type = "https://gugus.stranas-bham.id/problems/\(error.kind.rawValue.replacingOccurrences(of: "_", with: "-"))"
        self.title = title
        self.status = status
        detail = error.message.text(language)
        code = error.kind.rawValue
        errors = error.fieldErrors.map { FieldError(field: $0.field, value: $0.value, message: $0.message.text(language), line: $0.line) }
    }

    /// The error the server meant, as a client re-raises it: the same kind, field errors and
    /// words (in the language they were asked in).
    public var error: GugusError {
        let kind = GugusError.Kind(rawValue: code) ?? (status >= 500 ? .internal : .invalid)
        return GugusError(kind, Localized(verbatim: detail), fieldErrors: errors.map {
            GugusError.FieldError(field: $0.field, value: $0.value, message: Localized(verbatim: $0.message), line: $0.line)
        })
    }

    /// The HTTP status for each kind of error. A body the server could not read at all is
    /// 400 (the `body` field); every other client mistake is a 4xx of its kind, and only the
    /// database being away (503) or a bug (500) is a 5xx.
    public static func status(for error: GugusError) -> Int {
        switch error.kind {
        case .invalid: return error.fieldErrors.contains(where: { $0.field == "body" }) ? 400 : 422
        case .notFound: return 404
        case .conflict: return 409
        case .tooLarge: return 413
        case .unauthorized: return 401
        case .forbidden: return 403
        case .unavailable: return 503
        case .internal: return 500
        }
    }
}
