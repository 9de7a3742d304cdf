import Foundation

/// The national task force (GTN) or a regional one (GTD).
public struct TaskForce: Sendable, Hashable, Codable {
    public enum Level: String, Sendable, Codable {
        case national
        case regional
    }

    public var id: Int64
    public var level: Level
    public var regionCode: String?
    public var regionName: String?
    public var name: String
    /// The programme period, e.g. "Stranas BHAM 2023–2025".
    public var period: String
    /// The zone its dates and times are read in.
    public var timeZone: String
    public var zoneLabel: String

    public var zone: RegionZone { (try? RegionZone(identifier: timeZone)) ?? .jakarta }
    public init(
        id: Int64,
        level: Level,
        regionCode: String? = nil,
        regionName: String? = nil,
        name: String,
        period: String,
        timeZone: String,
        zoneLabel: String
    ) {
        self.id = id
        self.level = level
        self.regionCode = regionCode
        self.regionName = regionName
        self.name = name
        self.period = period
        self.timeZone = timeZone
        self.zoneLabel = zoneLabel
    }
}

/// How a user names a task force: a region code (`82`), `national`, or an id.
public enum TaskForceRef: Sendable, Hashable, Codable, CustomStringConvertible {
    case national
    case region(String)
    case id(Int64)

    /// A two-digit (or `NN.NN`) reference is always a region code; other numbers are ids.
    public init(parsing text: String, field: String = "taskforce") throws(GugusError) {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.lowercased() == "national" || value.lowercased() == "gtn" || value.lowercased() == "nasional" {
            self = .national
        } else if value.wholeMatch(of: /[1-9][0-9](\.[0-9]{2})?/) != nil {
            self = .region(value)
        } else if let id = Int64(value), id > 0 {
            self = .id(id)
        } else {
            throw GugusError.invalid(field: field, value: text, Localized(
                id: "'\(text)' bukan rujukan gugus tugas; gunakan kode wilayah (misalnya 82), national, atau id",
                en: "'\(text)' is not a task force reference; use a region code (such as 82), national, or an id"))
        }
    }

    public var description: String {
        switch self {
        case .national: "national"
        case .region(let code): code
        case .id(let id): String(id)
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try TaskForceRef(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
