import Foundation

/// A PostgreSQL type OID, as sent with a parameter. `.unknown` lets the server infer the type
/// from the context, as it does for a quoted literal: that is what strings use, so that a
/// string compares with an enum or a domain as naturally as `'…'` would.
public struct PostgresType: RawRepresentable, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let unknown = PostgresType(rawValue: 0)
    public static let bool = PostgresType(rawValue: 16)
    public static let bytea = PostgresType(rawValue: 17)
    public static let int8 = PostgresType(rawValue: 20)
    public static let int2 = PostgresType(rawValue: 21)
    public static let int4 = PostgresType(rawValue: 23)
    public static let text = PostgresType(rawValue: 25)
    public static let float8 = PostgresType(rawValue: 701)
    public static let date = PostgresType(rawValue: 1082)
    public static let timestamptz = PostgresType(rawValue: 1184)
    public static let numeric = PostgresType(rawValue: 1700)
    public static let uuid = PostgresType(rawValue: 2950)
    public static let jsonb = PostgresType(rawValue: 3802)
    public static let textArray = PostgresType(rawValue: 1009)
    public static let int4Array = PostgresType(rawValue: 1007)
    public static let int8Array = PostgresType(rawValue: 1016)
}

/// A Swift value that can be sent as a query parameter, in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    static var postgresType: PostgresType { get }
    var postgresText: String { get }
}

/// A Swift value that can be read from a result column in text format. A NULL decodes only
/// into an `Optional`; anything else reports the column.
public protocol PostgresDecodable: Sendable {
    init(postgresText text: String) throws(PostgresDecodingError)
    /// The value for SQL NULL. Only `Optional` has one.
    static func postgresNull() throws(PostgresDecodingError) -> Self
}

extension PostgresDecodable {
    public static func postgresNull() throws(PostgresDecodingError) -> Self {
        throw PostgresDecodingError("unexpected NULL; decode into an Optional")
    }
}

public typealias PostgresCodable = PostgresEncodable & PostgresDecodable

/// Why a value could not be decoded. The layer adds the column and turns it into a
/// ``PostgresError`` of kind `.decoding`.
public struct PostgresDecodingError: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }

    static func notA(_ type: String, _ text: String) -> PostgresDecodingError {
        // Show only the shape of the value, not the value: it may be personal data.
        PostgresDecodingError("a value of \(text.utf8.count) bytes is not a valid \(type)")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingError) {
        self = .some(try Wrapped(postgresText: text))
    }

    public static func postgresNull() -> Self { nil }
}

// MARK: - Text and numbers

extension String: PostgresCodable {
    public static var postgresType: PostgresType { .unknown }
    public var postgresText: String { self }
    public init(postgresText text: String) { self = text }
}

extension Substring: PostgresEncodable {
    public static var postgresType: PostgresType { .unknown }
    public var postgresText: String { String(self) }
}

extension Bool: PostgresCodable {
    public static var postgresType: PostgresType { .bool }
    public var postgresText: String { self ? "t" : "f" }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw .notA("bool", text)
        }
    }
}

/// Integer conformances share one body; each names its own OID.
public protocol PostgresInteger: FixedWidthInteger, PostgresCodable {}

extension PostgresInteger {
    public var postgresText: String { String(self) }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let value = Self(text) else { throw .notA("\(Self.self)", text) }
        self = value
    }
}

extension Int: PostgresInteger { public static var postgresType: PostgresType { .int8 } }
extension Int64: PostgresInteger { public static var postgresType: PostgresType { .int8 } }
extension Int32: PostgresInteger { public static var postgresType: PostgresType { .int4 } }
extension Int16: PostgresInteger { public static var postgresType: PostgresType { .int2 } }

extension Double: PostgresCodable {
    public static var postgresType: PostgresType { .float8 }
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw .notA("double", text) }
            self = value
        }
    }
}

extension Decimal: PostgresCodable {
    public static var postgresType: PostgresType { .numeric }
    public var postgresText: String { "\(self)" }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw .notA("numeric", text)
        }
        self = value
    }
}

extension UUID: PostgresCodable {
    public static var postgresType: PostgresType { .uuid }
    public var postgresText: String { uuidString.lowercased() }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let value = UUID(uuidString: text) else { throw .notA("uuid", text) }
        self = value
    }
}

// MARK: - bytea

extension Data: PostgresCodable {
    public static var postgresType: PostgresType { .bytea }

    /// The hex format, `\x…`, which needs no escaping.
    public var postgresText: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        bytes.reserveCapacity(2 + count * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public init(postgresText text: String) throws(PostgresDecodingError) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            throw .notA("bytea in hex format", text)
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var data = Data(capacity: (utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { throw .notA("bytea", text) }
            data.append(high << 4 | low)
            index += 2
        }
        self = data
    }
}

// MARK: - Dates

extension Date: PostgresCodable {
    public static var postgresType: PostgresType { .timestamptz }
    public var postgresText: String { PostgresTimestamp.format(self) }

    /// Reads a `timestamptz` (any offset) or a `date` (as midnight UTC).
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let date = PostgresTimestamp.parse(text) else { throw .notA("timestamp", text) }
        self = date
    }
}

/// Timestamp text in and out, by arithmetic: no DateFormatter, so no dependence on the
/// process's time zone or locale, and no shared formatter state between threads.
public enum PostgresTimestamp {
    /// `2025-05-06T02:00:00.000000Z`, which PostgreSQL reads in any session time zone.
    public static func format(_ date: Date) -> String {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        var micros = Int64(totalMicros)
        var seconds = micros / 1_000_000
        micros %= 1_000_000
        if micros < 0 { micros += 1_000_000; seconds -= 1 }
        var days = seconds / 86400
        var secondOfDay = seconds % 86400
        if secondOfDay < 0 { secondOfDay += 86400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        // Digit by digit: String(format:) went through Foundation's varargs formatting and was
        // a seventh of a scheduler's CPU time writing reminder logs (make bench, dispatch).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        func digits(_ value: Int64, _ width: Int) {
            var value = value
            if value < 0 { bytes.append(UInt8(ascii: "-")); value = -value }
            var reversed: [UInt8] = []
            repeat {
                reversed.append(UInt8(ascii: "0") + UInt8(value % 10))
                value /= 10
            } while value > 0
            for _ in reversed.count..<max(width, reversed.count) { bytes.append(UInt8(ascii: "0")) }
            bytes.append(contentsOf: reversed.reversed())
        }
        digits(y, 4); bytes.append(UInt8(ascii: "-"))
        digits(m, 2); bytes.append(UInt8(ascii: "-"))
        digits(d, 2); bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2); bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2); bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2); bytes.append(UInt8(ascii: "."))
        digits(micros, 6); bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]]` (ISO DateStyle output).
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<digits {
                let c = bytes[index]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
                index += 1
            }
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard index < bytes.count, bytes[index] == c.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = days(fromCivil: year, month, day) * 86400
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "T") {
            index += 1
            guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2) else {
                return nil
            }
            seconds += hour * 3600 + minute * 60 + second
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 0.1
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    fraction += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
            }
            if index < bytes.count {
                if bytes[index] == UInt8(ascii: "Z") {
                    index += 1
                } else {
                    let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                    guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
                    index += 1
                    guard let offsetHours = number(2) else { return nil }
                    var offset = offsetHours * 3600
                    if expect(":") { guard let m = number(2) else { return nil }; offset += m * 60 }
                    if expect(":") { guard let s = number(2) else { return nil }; offset += s }
                    seconds -= sign * offset
                }
            }
        }
        guard index == bytes.count else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    // Howard Hinnant's civil-date algorithms (proleptic Gregorian, days since 1970-01-01);
    // CivilDate uses them too.
    public static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

// MARK: - JSON

/// A Codable value stored as `jsonb`.
public struct PostgresJSON<Value: Codable & Sendable>: PostgresCodable {
    public var value: Value
    public init(_ value: Value) { self.value = value }

    public static var postgresType: PostgresType { .jsonb }

    public var postgresText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding our own Codable values cannot fail short of a bug; a NULL json is the
        // honest result if it ever does.
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    public init(postgresText text: String) throws(PostgresDecodingError) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            value = try decoder.decode(Value.self, from: Data(text.utf8))
        } catch {
            throw PostgresDecodingError("JSON does not decode as \(Value.self): \(error)")
        }
    }
}

// MARK: - Arrays

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresType { Element.postgresArrayType }
    public var postgresText: String {
        "{" + map { PostgresArrayLiteral.quote($0.postgresText) }.joined(separator: ",") + "}"
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let items = PostgresArrayLiteral.parse(text) else { throw .notA("one-dimensional array", text) }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let item else { throw PostgresDecodingError("an array element is NULL") }
            result.append(try Element(postgresText: item))
        }
        self = result
    }
}

/// Element types with an array type of their own.
public protocol PostgresArrayElement: PostgresCodable {
    static var postgresArrayType: PostgresType { get }
}

extension String: PostgresArrayElement { public static var postgresArrayType: PostgresType { .textArray } }
extension Int: PostgresArrayElement { public static var postgresArrayType: PostgresType { .int8Array } }
extension Int64: PostgresArrayElement { public static var postgresArrayType: PostgresType { .int8Array } }
extension Int32: PostgresArrayElement { public static var postgresArrayType: PostgresType { .int4Array } }
extension UUID: PostgresArrayElement { public static var postgresArrayType: PostgresType { PostgresType(rawValue: 2951) } }

/// PostgreSQL's array literal: `{a,"b c",NULL}`.
enum PostgresArrayLiteral {
    static func quote(_ element: String) -> String {
        var quoted = "\""
        for character in element {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        quoted.append("\"")
        return quoted
    }

    /// Parses a one-dimensional array; `nil` for anything else.
    static func parse(_ text: String) -> [String?]? {
        var characters = text.makeIterator()
        guard characters.next() == "{" else { return nil }
        var items: [String?] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var inQuotes = false
        var finished = false
        while let c = characters.next() {
            if inQuotes {
                if c == "\\" {
                    guard let escaped = characters.next() else { return nil }
                    current.append(escaped)
                } else if c == "\"" {
                    inQuotes = false
                } else {
                    current.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                inQuotes = true
                quoted = true
                wasQuoted = true
            case ",", "}":
                if !(c == "}" && items.isEmpty && current.isEmpty && !wasQuoted) {
                    items.append(!quoted && current == "NULL" ? nil : current)
                }
                current = ""
                quoted = false
                wasQuoted = false
                if c == "}" { finished = true }
            case "{":
                return nil  // nested arrays are not supported
            default:
                current.append(c)
            }
            if finished { break }
        }
        guard finished, characters.next() == nil else { return nil }
        return items
    }
}
