import Foundation

/// A calendar date with no time and no zone: a decree's signing date, a membership's
/// first day. Written and read as `YYYY-MM-DD`, the same in every process time zone.
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A date known to be valid; traps on an impossible date, so use it only for literals.
    public init(_ year: Int, _ month: Int, _ day: Int) {
        guard let date = CivilDate(year: year, month: month, day: day) else {
            preconditionFailure("invalid date \(year)-\(month)-\(day)")
        }
        self = date
    }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CivilDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly, spaces around it aside: no other separators, no
    /// impossible dates. It reads the bytes directly: every date of every row the database
    /// sends comes through here (15% of the map page's time when it split strings).
    public init?(_ text: String) {
        let utf8 = text.utf8
        guard utf8.count == 10 else {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard trimmed.utf8.count == 10, let date = CivilDate(trimmed) else { return nil }
            self = date
            return
        }
        var fields = (year: 0, month: 0, day: 0)
        for (index, byte) in utf8.enumerated() {
            if index == 4 || index == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            switch index {
            case 0..<4: fields.year = fields.year * 10 + digit
            case 5..<7: fields.month = fields.month * 10 + digit
            default: fields.day = fields.day * 10 + digit
            }
        }
        self.init(year: fields.year, month: fields.month, day: fields.day)
    }

    /// The years a user may type: the programme's records, with room on both sides. Anything
    /// outside is a typo (and year 9999 would overflow date arithmetic).
    public static let acceptedYears = 1900...2999

    /// Parses a user's date, or says which value was wrong and what form is expected.
    public static func parse(_ text: String, field: String) throws(GugusError) -> CivilDate {
        if let date = CivilDate(text), !acceptedYears.contains(date.year) {
            throw GugusError.invalid(
                field: field, value: text,
                Localized(
                    id: "tahun \(date.year) di luar jangkauan untuk \(field); gunakan tahun 1900 sampai 2999",
                    en: "the year \(date.year) is out of range for \(field); use a year from 1900 to 2999"))
        }
        guard let date = CivilDate(text) else {
            throw GugusError.invalid(
                field: field, value: text,
                Localized(
                    id: "'\(text)' bukan tanggal yang valid untuk \(field); gunakan format YYYY-MM-DD, misalnya 2025-05-06",
                    en: "'\(text)' is not a valid date for \(field); use YYYY-MM-DD, for example 2025-05-06"))
        }
        return date
    }

    /// `YYYY-MM-DD`, written digit by digit (`String(format:)` was a tenth of the status
    /// endpoint's time).
    public var description: String {
        String(unsafeUninitializedCapacity: 10) { buffer in
            func put(_ value: Int, digits: Int, at start: Int) {
                var value = value
                for offset in (0..<digits).reversed() {
                    buffer[start + offset] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, digits: 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(month, digits: 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day, digits: 2, at: 8)
            return 10
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        // Accept a timestamp's date part too (`2025-05-06T00:00:00Z`), as JSON often carries one.
        let field = decoder.codingPath.last.map { GugusJSON.snakeCase($0.stringValue) } ?? "date"
        self = try CivilDate.parse(String(text.prefix(10)), field: field)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: Arithmetic, through the days since 1970-01-01 (proleptic Gregorian).

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int {
        Int(Gregorian.days(fromCivil: Int64(year), Int64(month), Int64(day)))
    }

    public init(daysSinceEpoch days: Int) {
        // The algorithm always yields a real calendar date, so no check can fail here (a
        // year past 9999 is representable, only not typeable).
        let (year, month, day) = Gregorian.civil(fromDays: Int64(days))
        self.year = Int(year)
        self.month = Int(month)
        self.day = Int(day)
    }

    public func adding(days: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    public func days(until other: CivilDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int {
        let w = (daysSinceEpoch + 4) % 7  // 1970-01-01 was a Thursday.
        return w < 0 ? w + 7 : w
    }

    /// The date a moment falls on in a zone.
    public init(_ instant: Date, in zone: TimeZone) {
        let local = Int((instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))).rounded(.down))
        self.init(daysSinceEpoch: Int((Double(local) / 86400).rounded(.down)))
    }

    /// Today in a zone.
    public static func today(in zone: TimeZone, now: Date = Date()) -> CivilDate {
        CivilDate(now, in: zone)
    }

    /// The first instant of this date in a zone (zones here have no daylight saving).
    public func start(in zone: TimeZone) -> Date {
        let utcMidnight = Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86400)
        return utcMidnight.addingTimeInterval(-Double(zone.secondsFromGMT(for: utcMidnight)))
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
