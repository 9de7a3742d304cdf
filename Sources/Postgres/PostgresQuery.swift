/// A statement and its parameters, written by string interpolation:
///
///     let query: PostgresQuery = "SELECT name FROM region WHERE code = \(code)"
///
/// Every interpolated value becomes a `$n` parameter sent apart from the SQL text, so no
/// value can change the statement. SQL text that is not a literal in our code (an identifier
/// chosen at run time, a migration file) goes in only through ``init(unsafeSQL:)`` or
/// ``StringInterpolation/appendInterpolation(unsafeSQL:)``, which say so at the call site.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    enum Fragment: Sendable, Hashable {
        case text(String)
        case bind(Int)
    }

    var fragments: [Fragment]
    public private(set) var bindings: PostgresBindings

    /// Raw SQL. The name is a warning: nothing in `sql` is escaped.
    public init(unsafeSQL sql: String, bindings: PostgresBindings = PostgresBindings()) {
        self.fragments = [.text(sql)]
        self.bindings = bindings
    }

    /// A literal without interpolations is SQL written in our code, so it is safe.
    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.fragments = stringInterpolation.fragments
        self.bindings = stringInterpolation.bindings
    }

    /// The SQL text with `$1`, `$2` … in place of the values.
    public var sql: String {
        var text = ""
        for fragment in fragments {
            switch fragment {
            case .text(let string): text += string
            case .bind(let index): text += "$\(index + 1)"
            }
        }
        return text
    }

    /// Appends another query, renumbering its parameters: for building a WHERE clause
    /// from optional filters.
    public mutating func append(_ other: PostgresQuery) {
        let offset = bindings.count
        for fragment in other.fragments {
            switch fragment {
            case .text(let string): fragments.append(.text(string))
            case .bind(let index): fragments.append(.bind(index + offset))
            }
        }
        bindings.append(contentsOf: other.bindings)
    }

    public static func + (lhs: PostgresQuery, rhs: PostgresQuery) -> PostgresQuery {
        var query = lhs
        query.append(rhs)
        return query
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var fragments: [Fragment] = []
        var bindings = PostgresBindings()

        public init(literalCapacity: Int, interpolationCount: Int) {
            fragments.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { fragments.append(.text(literal)) }
        }

        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            fragments.append(.bind(bindings.count))
            bindings.append(value)
        }

        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            fragments.append(.bind(bindings.count))
            if let value { bindings.append(value) } else { bindings.appendNull(Value.postgresType) }
        }

        /// A nested query, such as an optional filter, with its own parameters.
        public mutating func appendInterpolation(_ query: PostgresQuery) {
            let offset = bindings.count
            for fragment in query.fragments {
                switch fragment {
                case .text(let string): fragments.append(.text(string))
                case .bind(let index): fragments.append(.bind(index + offset))
                }
            }
            bindings.append(contentsOf: query.bindings)
        }

        /// Raw SQL text. Only for text our own code chose, never for user input.
        public mutating func appendInterpolation(unsafeSQL text: String) {
            fragments.append(.text(text))
        }
    }
}

/// The parameters of a query, in text format with their type OIDs.
public struct PostgresBindings: Sendable, Hashable {
    public private(set) var values: [String?] = []
    public private(set) var types: [PostgresType] = []

    public init() {}

    public var count: Int { values.count }

    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        values.append(value.postgresText)
        types.append(Value.postgresType)
    }

    public mutating func appendNull(_ type: PostgresType = .unknown) {
        values.append(nil)
        types.append(type)
    }

    mutating func append(contentsOf other: PostgresBindings) {
        values.append(contentsOf: other.values)
        types.append(contentsOf: other.types)
    }
}

extension PostgresQuery: CustomStringConvertible {
    /// The SQL only: parameter values stay out of logs.
    public var description: String { sql }
}
