import Foundation

/// What a clock in a region shows: a date and a time of day, with no zone attached.
///
/// Sessions are entered and read this way ("2025-05-06 09:00" in Pontianak); pairing a reading
/// with a `RegionZone` turns it into an instant. Splitting the two keeps all offset arithmetic
/// in one place, and none of it depends on the process's own time zone.
public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let date: CivilDate
    public let hour: Int
    public let minute: Int
    public let second: Int

    /// Nil for a time of day no clock shows (24:00, 09:60, leap seconds).
    public init?(date: CivilDate, hour: Int, minute: Int, second: Int = 0) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else {
            return nil
        }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The reading at `instant` in `zone`. Fractions of a second are dropped, as a clock drops them.
    public init(_ instant: Date, in zone: RegionZone) {
        let wall = Int(instant.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(at: instant)
        self.init(wallSeconds: wall)
    }

    /// The instant this reading names in `zone`, or nil when the clocks skip it (the hour lost
    /// to daylight saving). When the clocks repeat it, the earlier instant wins, as most
    /// calendars choose. Indonesia's zones have neither case; other zones come through `--tz`.
    public func instant(in zone: RegionZone) -> Date? {
        let wall = wallSeconds
        // The offset in force is the one before or after any change near this reading; a
        // candidate is right when the zone agrees it has that offset at the resulting instant.
        let nearbyOffsets = Set([wall - 86_400, wall + 86_400].map {
            zone.secondsFromGMT(at: Date(timeIntervalSince1970: Double($0)))
        })
        let instants = nearbyOffsets.compactMap { offset -> Int? in
            let instant = wall - offset
            return zone.secondsFromGMT(at: Date(timeIntervalSince1970: Double(instant))) == offset ? instant : nil
        }
        return instants.min().map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// "2025-05-06 09:00", with ":SS" only when the seconds are not zero: the form users type.
    public var description: String {
        let time = "\(twoDigits(hour)):\(twoDigits(minute))"
        return "\(date) \(time)" + (second == 0 ? "" : ":\(twoDigits(second))")
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.date, lhs.hour, lhs.minute, lhs.second) < (rhs.date, rhs.hour, rhs.minute, rhs.second)
    }

    /// Seconds since 1970-01-01 00:00 as if this reading were in UTC.
    fileprivate var wallSeconds: Int {
        date.daysSinceEpoch * 86_400 + hour * 3_600 + minute * 60 + second
    }

    private init(wallSeconds wall: Int) {
        let days = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        let secondOfDay = wall - days * 86_400
        self.date = CivilDate(daysSinceEpoch: days)
        self.hour = secondOfDay / 3_600
        self.minute = secondOfDay % 3_600 / 60
        self.second = secondOfDay % 60
    }
}

/// Reading and writing times for people, in a region's zone and with its label, and for
/// machines, in UTC.
///
/// Nothing here consults `TimeZone.current`, `Calendar.current` or a default locale: the day
/// and month names are Gugus's own, so a reminder reads "Selasa, 6 Mei 2025 pukul 09.00 WIB"
/// on any server, whatever its `TZ` and `LANG`.
public enum LocalTime {
    /// The years `parse` accepts. A year outside them is a typo ("0225", "3025") rather than a
    /// plan, and the bound keeps every accepted time readable as a `CivilDate` in every zone.
    public static let acceptedYears = 1900...2999

    /// Reads a time a user typed for `field`.
    ///
    /// The usual form is a local reading, "YYYY-MM-DD HH:MM" (or with a `T`, and optional
    /// ":SS"), taken in `zone`, the task force's zone unless the user chose another. An ISO 8601
    /// time with `Z` or an offset (`+07:00`), as HTTP clients send, or with WIB, WITA or WIT
    /// (as Gugus itself prints it), already names its instant, so `zone` is not used for it.
    public static func parse(_ text: String, in zone: RegionZone, field: String) throws(GugusError) -> Date {
        guard let timestamp = Timestamp(text.trimmingCharacters(in: .whitespaces)) else {
            throw invalidTime(text, field: field)
        }
        guard acceptedYears.contains(timestamp.wall.date.year) else {
            throw GugusError.invalid(
                field: field, value: text,
                Localized(
                    id: "'\(text)' di luar rentang untuk \(field); gunakan tahun \(acceptedYears.lowerBound) sampai \(acceptedYears.upperBound)",
                    en: "'\(text)' is out of range for \(field); use a year from \(acceptedYears.lowerBound) to \(acceptedYears.upperBound)"))
        }
        if let offset = timestamp.offset {
            return timestamp.instant(offset: offset)
        }
        guard let instant = timestamp.wall.instant(in: zone) else {
            throw GugusError.invalid(
                field: field, value: text,
                Localized(
                    id: "'\(text)' tidak ada di zona \(zone.identifier) untuk \(field): jam dimajukan pada waktu itu; pilih waktu lain",
                    en: "'\(text)' does not exist in \(zone.identifier) for \(field): the clocks skip it; choose another time"))
        }
        return instant.addingTimeInterval(timestamp.fraction)
    }

    /// The full form for messages: "Selasa, 6 Mei 2025 pukul 09.00 WIB" or
    /// "Tuesday, 6 May 2025 at 09:00 WIB". Seconds are left out: sessions are set to the minute.
    public static func long(_ instant: Date, in zone: RegionZone, language: Language) -> String {
        let local = LocalDateTime(instant, in: zone)
        let day = weekdayNames(language)[local.date.weekday]
        let connective = language == .id ? "pukul" : "at"
        return "\(day), \(longDate(local.date, language: language)) \(connective) \(timeOfDay(instant, in: zone, language: language))"
    }

    /// The compact form for lists and tables, "2025-05-06 09:00 WIB": the same in both
    /// languages, and read back by `parse` for Indonesia's zones.
    public static func short(_ instant: Date, in zone: RegionZone) -> String {
        let local = LocalDateTime(instant, in: zone)
        return "\(local.date) \(twoDigits(local.hour)):\(twoDigits(local.minute)) \(zone.label(at: instant))"
    }

    /// The time alone, "09.00 WIB" in Indonesian (which separates hours and minutes with a
    /// dot) and "09:00 WIB" in English: for an end time on the same day as its start.
    public static func timeOfDay(_ instant: Date, in zone: RegionZone, language: Language) -> String {
        let local = LocalDateTime(instant, in: zone)
        let separator = language == .id ? "." : ":"
        return "\(twoDigits(local.hour))\(separator)\(twoDigits(local.minute)) \(zone.label(at: instant))"
    }

    /// A date as people write it, "6 Mei 2025" or "6 May 2025": for decree dates and deadlines.
    public static func longDate(_ date: CivilDate, language: Language) -> String {
        "\(date.day) \(monthNames(language)[date.month - 1]) \(date.year)"
    }

    /// An instant written with its offset, "2025-05-06T02:00:00Z" or "2025-05-06T09:00:00.5+07:00"
    /// (JSON, PostgreSQL's text); nil for a text without one, or no such instant.
    public static func instant(iso8601 text: String) -> Date? {
        guard let timestamp = Timestamp(text), let offset = timestamp.offset else { return nil }
        return timestamp.instant(offset: offset)
    }

    /// The machine form for JSON, "2025-05-06T02:00:00Z": always UTC, so clients never need
    /// to know a zone to compare two times. Whole seconds, as every Gugus time is set to the minute.
    public static func iso8601(_ instant: Date) -> String {
        let utc = LocalDateTime(instant, in: .utc)
        return "\(utc.date)T\(twoDigits(utc.hour)):\(twoDigits(utc.minute)):\(twoDigits(utc.second))Z"
    }

    // MARK: Private

    /// Sunday first, matching `CivilDate.weekday`. The names are written out rather than taken
    /// from a locale so that a message does not depend on the ICU data, or the locales, of the
    /// machine it is rendered on.
    private static func weekdayNames(_ language: Language) -> [String] {
        switch language {
        case .id: ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"]
        case .en: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        }
    }

    private static func monthNames(_ language: Language) -> [String] {
        switch language {
        case .id: ["Januari", "Februari", "Maret", "April", "Mei", "Juni",
                   "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
        case .en: ["January", "February", "March", "April", "May", "June",
                   "July", "August", "September", "October", "November", "December"]
        }
    }

    private static func invalidTime(_ text: String, field: String) -> GugusError {
        GugusError.invalid(
            field: field, value: text,
            Localized(
                id: "'\(text)' bukan waktu yang valid untuk \(field); gunakan \"YYYY-MM-DD HH:MM\" dalam waktu setempat gugus tugas, misalnya \"2025-05-06 09:00\"",
                en: "'\(text)' is not a valid time for \(field); use \"YYYY-MM-DD HH:MM\" in the task force's local time, for example \"2025-05-06 09:00\""))
    }
}

/// A timestamp as typed: a local reading, maybe a fraction of a second, maybe an offset.
///
/// Hand-written over ASCII bytes because the accepted forms are few and exact: Foundation's
/// ISO 8601 parser does not read the space-separated form people type, and a `DateFormatter`
/// brings locale, calendar and leniency settings that each have to be pinned to be safe.
private struct Timestamp {
    var wall: LocalDateTime
    var fraction: TimeInterval = 0
    /// Seconds east of UTC, when the text names its own offset.
    var offset: Int?

    /// The legal Indonesian zone names are fixed offsets, so they identify an instant as well
    /// as `+07:00` does.
    private static let labelOffsets = ["WIB": 7 * 3_600, "WITA": 8 * 3_600, "WIT": 9 * 3_600]

    init?(_ text: String) {
        var input = ASCIIReader(text)
        guard let year = input.number(digits: 4), input.take("-"),
              let month = input.number(digits: 2), input.take("-"),
              let day = input.number(digits: 2), input.take(oneOf: " Tt") != nil,
              let hour = input.number(digits: 2), input.take(":"),
              let minute = input.number(digits: 2)
        else { return nil }

        var second = 0
        if input.take(":") {
            guard let value = input.number(digits: 2) else { return nil }
            second = value
            if input.take(".") {
                guard let digits = input.digits(), digits.count <= 9, let value = Double("0." + digits) else { return nil }
                fraction = value
            }
        }

        if input.take(oneOf: "Zz") != nil {
            offset = 0
        } else if let sign = input.take(oneOf: "+-") {
            guard let hours = input.number(digits: 2), hours <= 23 else { return nil }
            _ = input.take(":")
            guard let minutes = input.number(digits: 2), minutes <= 59 else { return nil }
            offset = (sign == "-" ? -1 : 1) * (hours * 3_600 + minutes * 60)
        } else if input.take(" ") {
            guard let labelOffset = Self.labelOffsets[input.remainder.uppercased()] else { return nil }
            offset = labelOffset
            input.skipToEnd()
        }

        guard input.isAtEnd,
              let date = CivilDate(year: year, month: month, day: day),
              let wall = LocalDateTime(date: date, hour: hour, minute: minute, second: second)
        else { return nil }
        self.wall = wall
    }

    /// The instant, given the offset the text named: arithmetic only, no zone rules involved.
    func instant(offset: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(wall.wallSeconds - offset) + fraction)
    }
}

/// A cursor over the ASCII bytes of a short text.
private struct ASCIIReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var isAtEnd: Bool { position == bytes.count }

    var remainder: String {
        String(decoding: bytes[position...], as: UTF8.self)
    }

    mutating func skipToEnd() {
        position = bytes.count
    }

    /// Consumes `character` if it comes next.
    mutating func take(_ character: Unicode.Scalar) -> Bool {
        take(oneOf: String(character)) != nil
    }

    /// Consumes and returns the next byte if it is one of `characters`.
    mutating func take(oneOf characters: String) -> Character? {
        guard position < bytes.count, characters.utf8.contains(bytes[position]) else { return nil }
        defer { position += 1 }
        return Character(Unicode.Scalar(bytes[position]))
    }

    /// Exactly `digits` decimal digits, as a number.
    mutating func number(digits count: Int) -> Int? {
        guard position + count <= bytes.count else { return nil }
        let run = bytes[position..<position + count]
        guard run.allSatisfy(Self.isDigit) else { return nil }
        position += count
        return run.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// One or more decimal digits, as written.
    mutating func digits() -> String? {
        let start = position
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// Zero-pads a non-negative number to two digits, without a locale or a format string.
func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : String(value)
}
