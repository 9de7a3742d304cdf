/// Every refusal a user can cause, with what was wrong, the value, and what to do.
///
/// The CLI prints `message` (and the field errors) on stderr and exits with 1; the HTTP
/// API turns it into an RFC 9457 problem with the matching status. Nothing else should
/// reach a user: database errors are translated into a `GugusError` where they are raised.
public struct GugusError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The request is malformed or a value is bad (HTTP 400/422).
        case invalid
        /// A referenced record does not exist (HTTP 404).
        case notFound = "not_found"
        /// The request contradicts the current state, e.g. a duplicate (HTTP 409).
        case conflict
        /// The request body is larger than the server takes (HTTP 413).
        case tooLarge = "too_large"
        /// No or a bad token (HTTP 401).
        case unauthorized
        /// The token lacks the right (HTTP 403).
        case forbidden
        /// The database or another dependency is not reachable now (HTTP 503).
        case unavailable
        /// A bug on our side (HTTP 500). Never used for a client's mistake.
        case `internal`
    }

    /// One field's problem, as in the problem+json `errors` list.
    public struct FieldError: Sendable, Hashable, Codable {
        public var field: String
        public var value: String?
        public var message: Localized
        /// The line of an imported file, when the error comes from one.
        public var line: Int?

        public init(field: String, value: String?, message: Localized, line: Int? = nil) {
            self.field = field
            self.value = value
            self.message = message
            self.line = line
        }
    }

    public var kind: Kind
    public var message: Localized
    public var fieldErrors: [FieldError]

    public init(_ kind: Kind, _ message: Localized, fieldErrors: [FieldError] = []) {
        self.kind = kind
        self.message = message
        self.fieldErrors = fieldErrors
    }

    /// A bad value in one field: the usual shape of a validation error.
    /// An input's problems, all at once: one problem's own message, or every message after
    /// `prefix` ("the decree is incomplete: …"), each also on its field.
    public static func invalid(_ problems: [FieldError], prefix: Localized = Localized(id: "", en: "")) -> GugusError {
        GugusError(.invalid, problems.count == 1 ? problems[0].message : Localized(
            id: prefix.id + problems.map(\.message.id).joined(separator: "; "),
            en: prefix.en + problems.map(\.message.en).joined(separator: "; ")), fieldErrors: problems)
    }

    public static func invalid(field: String, value: String?, _ message: Localized) -> GugusError {
        GugusError(.invalid, message, fieldErrors: [FieldError(field: field, value: value, message: message)])
    }

    public static func notFound(_ message: Localized) -> GugusError {
        GugusError(.notFound, message)
    }

    public static func conflict(_ message: Localized) -> GugusError {
        GugusError(.conflict, message)
    }

    /// A value outside a closed set: "unknown format 'seminar'; use one of: sosialisasi, …".
    /// `label` names the field in the message where its wire name would read oddly.
    public static func unknownChoice(field: String, value: String, valid: [String], label: Localized? = nil) -> GugusError {
        let list = valid.joined(separator: ", ")
        let name = label ?? Localized(id: indonesianFieldNames[field] ?? field, en: field)
        return invalid(field: field, value: value, Localized(
            id: "\(name.id) '\(value)' tidak dikenal; pilih salah satu: \(list)", en: "unknown \(name.en) '\(value)'; use one of: \(list)"))
    }

    /// How the Indonesian messages name the fields whose wire names are English words.
    static let indonesianFieldNames = [
        "role": "peran", "channel": "kanal", "audience": "sasaran", "kind": "jenis", "level": "tingkat",
        "registration": "pendaftaran", "status": "status", "format": "format", "mode": "mode",
    ]

    /// The database cannot be reached: said the same by the server, the CLI and the portal.
    /// The database's own words (its host or socket) belong in the log, not in front of a user.
    public static let databaseAway = GugusError(.unavailable, Localized(
        id: "basis data tidak dapat dihubungi saat ini; coba lagi sebentar lagi", en: "the database cannot be reached right now; try again shortly"))

    public func text(_ language: Language) -> String {
        message.text(language)
    }

    public var description: String { message.en }
}
