import Foundation

/// A span of time written the way coordinators write it: `30m`, `2h`, `1h30m`, `7d`, `1w`.
///
/// Used for a session's length (`--duration 3h`), a reminder's offset before the start
/// (`--offset 1d`) and the scheduler's catch-up limit (`GUGUS_CATCHUP=6h`). The units are
/// minutes, hours, days and weeks, because nothing in Gugus is planned to the second and
/// months have no fixed length. A day here is always 24 hours: Indonesia has no daylight saving.
public struct DurationText: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Always positive and a whole number of minutes.
    public let seconds: Int

    /// The longest span accepted from users: 52 weeks.
    public static let longest = 52 * 7 * 86_400

    /// A stored length (say, from the database); nil unless positive and in whole minutes,
    /// so that every value has a written form.
    public init?(seconds: Int) {
        guard seconds > 0, seconds % 60 == 0 else { return nil }
        self.seconds = seconds
    }

    /// Reads what a user typed for `field`.
    ///
    /// Each unit may appear once, largest first (`1h30m`, not `30m1h`), so a typo such as
    /// `1h1h` is reported instead of being added up.
    public init(parsing text: String, field: String) throws(GugusError) {
        let written = text.trimmingCharacters(in: .whitespaces)
        var total = 0
        var remaining = Substring(written.lowercased())
        var allowedUnits = Unit.allCases[...]  // Largest first; each step may only use smaller ones.
        repeat {
            let digits = remaining.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let amount = Int(digits) else {
                throw Self.invalid(text, field: field, reason: nil)
            }
            remaining = remaining.dropFirst(digits.count)
            guard let symbol = remaining.first, let unit = Unit(rawValue: symbol) else {
                let reason = remaining.first.map { symbol in
                    Localized(id: "'\(symbol)' bukan satuan waktu", en: "'\(symbol)' is not a unit")
                } ?? Localized(id: "satuannya tidak ada", en: "the unit is missing")
                throw Self.invalid(text, field: field, reason: reason)
            }
            guard let position = allowedUnits.firstIndex(of: unit) else {
                throw Self.invalid(text, field: field, reason: Localized(
                    id: "setiap satuan hanya sekali, dari yang terbesar",
                    en: "each unit may appear once, largest first"))
            }
            allowedUnits = allowedUnits[(position + 1)...]
            remaining = remaining.dropFirst()

            let (part, partOverflow) = amount.multipliedReportingOverflow(by: unit.seconds)
            let (sum, sumOverflow) = total.addingReportingOverflow(part)
            guard !partOverflow, !sumOverflow else {
                throw Self.invalid(text, field: field, reason: Localized(id: "terlalu panjang", en: "it is too long"))
            }
            total = sum
        } while !remaining.isEmpty

        guard total > 0 else {
            throw Self.invalid(text, field: field, reason: Localized(
                id: "harus lebih dari nol", en: "it must be longer than zero"))
        }
        // Nothing Gugus plans (a session, a reminder's lead, a catch-up window) spans more
        // than a year; a longer value is a typo, and would overflow date arithmetic.
        guard total <= Self.longest else {
            throw Self.invalid(text, field: field, reason: Localized(
                id: "terlalu panjang; paling lama 52w (satu tahun)", en: "it is too long; the longest is 52w (a year)"))
        }
        self.seconds = total
    }

    /// The canonical written form, largest units first: 90 minutes is "1h30m", 7 days "1w".
    /// Parsing it gives back the same value.
    public var description: String {
        var rest = seconds
        var text = ""
        for unit in Unit.allCases where rest >= unit.seconds {
            text += "\(rest / unit.seconds)\(unit.rawValue)"
            rest %= unit.seconds
        }
        return text
    }

    public var timeInterval: TimeInterval {
        TimeInterval(seconds)
    }

    public static func < (lhs: DurationText, rhs: DurationText) -> Bool {
        lhs.seconds < rhs.seconds
    }

    /// Coded as its written form (`"1h30m"`), as the API shows and accepts it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        let field = decoder.codingPath.last?.stringValue ?? "duration"
        do {
            self = try DurationText(parsing: text, field: field)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message.en)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: Private

    /// Largest first: the order they must be written in, and rendered in.
    private enum Unit: Character, CaseIterable {
        case week = "w", day = "d", hour = "h", minute = "m"

        var seconds: Int {
            switch self {
            case .week: 7 * 86_400
            case .day: 86_400
            case .hour: 3_600
            case .minute: 60
            }
        }
    }

    private static func invalid(_ text: String, field: String, reason: Localized?) -> GugusError {
        let because = reason.map { Localized(id: " (\($0.id))", en: " (\($0.en))") } ?? Localized(verbatim: "")
        return GugusError.invalid(
            field: field, value: text,
            Localized(
                id: "'\(text)' bukan durasi yang valid untuk \(field)\(because.id); tulis bilangan bulat diikuti satuan "
                    + "m (menit), h (jam), d (hari) atau w (minggu), misalnya 30m, 2h, 1h30m, 1d",
                en: "'\(text)' is not a valid duration for \(field)\(because.en); write a whole number followed by a unit, "
                    + "m (minutes), h (hours), d (days) or w (weeks), for example 30m, 2h, 1h30m, 1d"))
    }
}
