/// A five-character SQLSTATE code, with names for the codes Gugus acts on.
public struct SQLState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let uniqueViolation = SQLState("23505")
    public static let foreignKeyViolation = SQLState("23503")
    public static let notNullViolation = SQLState("23502")
    public static let checkViolation = SQLState("23514")
    public static let exclusionViolation = SQLState("23P01")
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let invalidDatetimeFormat = SQLState("22007")
    public static let datetimeFieldOverflow = SQLState("22008")
    public static let raiseException = SQLState("P0001")
    public static let queryCanceled = SQLState("57014")
    public static let adminShutdown = SQLState("57P01")
    public static let cannotConnectNow = SQLState("57P03")
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    public static let lockNotAvailable = SQLState("55P03")
    public static let undefinedTable = SQLState("42P01")
    public static let syntaxError = SQLState("42601")
    public static let featureNotSupported = SQLState("0A000")
    public static let undefinedPreparedStatement = SQLState("26000")

    /// Class 08 (connection exception) and the shutdown codes: the server is gone, not the query wrong.
    public var isConnectionFailure: Bool {
        rawValue.hasPrefix("08") || self == .adminShutdown || self == .cannotConnectNow || rawValue == "57P02"
    }
}

/// The one error type of the libpq layer.
///
/// Its `description` names the SQLSTATE, the server's message, the constraint and the place
/// in our code that ran the query, but never a parameter value: values may be personal data,
/// and descriptions end up in logs. The server's `detail` (which can quote values, as in
/// "Key (email)=(…) already exists") is kept in its own property for code that needs it.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The server refused the statement (it has a SQLSTATE).
        case server
        /// Connecting failed, or the connection broke.
        case connection
        /// A value could not be decoded into the requested Swift type.
        case decoding
        /// No connection became free within the pool's timeout.
        case poolTimeout
        /// The connection or pool was already closed.
        case closed
    }

    public var kind: Kind
    public var code: SQLState?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    public var schema: String?
    /// The SQL text, with `$n` placeholders: never the values.
    public var query: String?
    public var file: String
    public var line: Int

    public init(
        _ kind: Kind, message: String, code: SQLState? = nil, query: String? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.kind = kind
        self.message = message
        self.code = code
        self.query = query
        self.file = file
        self.line = line
    }

    public func isUniqueViolation(constraint name: String? = nil) -> Bool {
        matches(.uniqueViolation, constraint: name)
    }

    public func isCheckViolation(constraint name: String? = nil) -> Bool {
        matches(.checkViolation, constraint: name)
    }

    public func isExclusionViolation(constraint name: String? = nil) -> Bool {
        matches(.exclusionViolation, constraint: name)
    }

    public func isForeignKeyViolation(constraint name: String? = nil) -> Bool {
        matches(.foreignKeyViolation, constraint: name)
    }

    public func isNotNullViolation(column name: String? = nil) -> Bool {
        code == .notNullViolation && (name == nil || column == name)
    }

    /// True when the server or the network failed, rather than the statement: worth a retry
    /// on a new connection, and a 503 rather than a 500 for an HTTP client.
    public var isConnectionFailure: Bool {
        kind == .connection || kind == .closed || kind == .poolTimeout || (code?.isConnectionFailure ?? false)
    }

    /// The server's refusal to run a prepared statement whose result columns changed since
    /// it was prepared (a table it reads was altered): prepare it again.
    var isStalePlan: Bool {
        code == .featureNotSupported && message.hasPrefix("cached plan must not change result type")
    }

    private func matches(_ state: SQLState, constraint name: String?) -> Bool {
        code == state && (name == nil || constraint == name)
    }

    public var description: String {
        var text = "PostgreSQL"
        if let code { text += " \(code.rawValue)" }
        text += ": \(message)"
        if let constraint { text += " (constraint \(constraint))" }
        if let hint { text += "; hint: \(hint)" }
        text += " [query at \(file):\(line)]"
        return text
    }
}
