import Foundation

/// The legal time zone a region keeps, named by its IANA identifier.
///
/// Every time Gugus shows a person is read in a region's zone, never in the server process's
/// own zone, so the same reminder says "09.00 WIT" whether the server runs in Jakarta or in a
/// cloud region set to UTC. The identifier is kept exactly as stored (the `regions` table,
/// `--tz`), because PostgreSQL, the ICS `TZID` and the JSON API all need the same name back.
public struct RegionZone: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The IANA name, e.g. `Asia/Jayapura`.
    public let identifier: String
    /// Foundation's view of the zone, for offsets at a given instant.
    public let timeZone: TimeZone

    /// Looks up an IANA zone name a user or the database gave.
    ///
    /// Offsets written as zone names (`UTC+07:00`, `GMT-7`) are refused even though Foundation
    /// accepts them: PostgreSQL reads such a name with the POSIX sign convention, so `UTC+07:00`
    /// would mean UTC−7 there and every stored time would be fourteen hours off.
    public init(identifier: String, field: String = "time_zone") throws(GugusError) {
        let name = identifier.trimmingCharacters(in: .whitespaces)
        guard !Self.isOffsetSpelledAsZone(name), let timeZone = TimeZone(identifier: name) else {
            throw Self.unknownZone(identifier, field: field)
        }
        self.identifier = name
        self.timeZone = timeZone
    }

    /// A zone every tz database has. The fixed offset is only a fallback for a stripped-down
    /// image; it is exact because these zones have not changed since 1988.
    private init(builtIn identifier: String, offsetHours: Int) {
        self.identifier = identifier
        self.timeZone = TimeZone(identifier: identifier)
            ?? TimeZone(secondsFromGMT: offsetHours * 3600)
            ?? .gmt
    }

    /// Western Indonesia (WIB): Sumatra, Java and most of the national institutions.
    public static let jakarta = RegionZone(builtIn: "Asia/Jakarta", offsetHours: 7)
    /// Western Indonesia (WIB) too: Kalimantan Barat and Kalimantan Tengah.
    public static let pontianak = RegionZone(builtIn: "Asia/Pontianak", offsetHours: 7)
    /// Central Indonesia (WITA): Bali, Nusa Tenggara, Sulawesi, most of Kalimantan.
    public static let makassar = RegionZone(builtIn: "Asia/Makassar", offsetHours: 8)
    /// Eastern Indonesia (WIT): Maluku, Maluku Utara and the Papua provinces.
    public static let jayapura = RegionZone(builtIn: "Asia/Jayapura", offsetHours: 9)
    /// For machine timestamps (JSON, ICS `DTSTAMP`), which are always written in UTC.
    public static let utc = RegionZone(builtIn: "UTC", offsetHours: 0)

    public func secondsFromGMT(at instant: Date) -> Int {
        timeZone.secondsFromGMT(for: instant)
    }

    /// The name people write after a time: WIB, WITA or WIT in Indonesia (the legal names,
    /// which everyone there reads), otherwise the UTC offset ("UTC+05:30"), because
    /// abbreviations such as IST are ambiguous.
    ///
    /// For a zone with daylight saving this is the offset in force now; prefer
    /// `label(at:)` when labelling a particular time.
    public var label: String {
        label(at: Date())
    }

    /// The label for the offset in force at `instant`.
    ///
    /// Indonesian zones are labelled from their offset rather than their name, because the legal
    /// labels are defined by offset and Pontianak, for one, kept WITA until 1988.
    public func label(at instant: Date) -> String {
        let offset = secondsFromGMT(at: instant)
        if Self.indonesianIdentifiers.contains(identifier), let label = Self.indonesianLabels[offset] {
            return label
        }
        return Self.utcOffsetLabel(offset)
    }

    public var description: String { identifier }

    // MARK: Equality and coding by identifier

    public static func == (lhs: RegionZone, rhs: RegionZone) -> Bool {
        lhs.identifier == rhs.identifier
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(identifier)
    }

    /// Coded as the bare identifier (`"Asia/Jakarta"`), as the API and the database store it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        do {
            self = try RegionZone(identifier: name)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message.en)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(identifier)
    }

    // MARK: Private

    private static let indonesianIdentifiers: Set<String> = [
        "Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura",
    ]

    private static let indonesianLabels: [Int: String] = [
        7 * 3600: "WIB",
        8 * 3600: "WITA",
        9 * 3600: "WIT",
    ]

    /// "UTC", "UTC+07:00", "UTC-03:30". Seconds are dropped: only pre-1970 local mean times
    /// have them, and no Gugus time falls there.
    private static func utcOffsetLabel(_ offset: Int) -> String {
        guard offset != 0 else { return "UTC" }
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "UTC\(sign)\(twoDigits(minutes / 60)):\(twoDigits(minutes % 60))"
    }

    private static func isOffsetSpelledAsZone(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["UTC+", "UTC-", "GMT+", "GMT-"].contains { upper.hasPrefix($0) }
    }

    private static func unknownZone(_ value: String, field: String) -> GugusError {
        // A wrongly capitalised name is the most common slip; say which one was meant.
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let match = TimeZone.knownTimeZoneIdentifiers.first {
            $0.caseInsensitiveCompare(trimmed) == .orderedSame
        }
        let hint = match.map { Localized(id: " (maksudnya \($0)?)", en: " (did you mean \($0)?)") }
            ?? Localized(verbatim: "")
        return GugusError.invalid(
            field: field, value: value,
            Localized(
                id: "'\(value)' bukan zona waktu yang dikenal untuk \(field)\(hint.id); gunakan nama zona IANA, "
                    + "misalnya Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT)",
                en: "'\(value)' is not a known time zone for \(field)\(hint.en); use an IANA zone name, "
                    + "for example Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)"))
    }
}
