/// A province (or, later, a regency or city), by its Kemendagri code.
public struct Region: Sendable, Hashable, Codable {
    public enum Level: String, Sendable, Codable, CaseIterable {
        case province
        case regency
        case city
    }

    public var code: String
    public var name: String
    public var level: Level
    public var parentCode: String?
    public var timeZone: String
    /// WIB, WITA or WIT.
    public var zoneLabel: String
    public var regencies: Int?
    public var cities: Int?

    public var zone: RegionZone { (try? RegionZone(identifier: timeZone)) ?? .jakarta }
    public init(
        code: String,
        name: String,
        level: Level,
        parentCode: String? = nil,
        timeZone: String,
        zoneLabel: String,
        regencies: Int? = nil,
        cities: Int? = nil
    ) {
        self.code = code
        self.name = name
        self.level = level
        self.parentCode = parentCode
        self.timeZone = timeZone
        self.zoneLabel = zoneLabel
        self.regencies = regencies
        self.cities = cities
    }
}
