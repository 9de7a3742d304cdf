import Foundation
import GugusModel
import GugusTestSupport
import Testing

@Suite("RegionZone", .releasesResources)
struct RegionZoneTests {
    /// 2025-05-06T02:00:00Z, 09:00 in Jakarta.
    let may6 = Date(timeIntervalSince1970: 1_746_496_800)

    @Test("Indonesia's zones carry their legal labels", arguments: [
        (RegionZone.jakarta, "Asia/Jakarta", "WIB", 7),
        (RegionZone.pontianak, "Asia/Pontianak", "WIB", 7),
        (RegionZone.makassar, "Asia/Makassar", "WITA", 8),
        (RegionZone.jayapura, "Asia/Jayapura", "WIT", 9),
        (RegionZone.utc, "UTC", "UTC", 0),
    ])
    func indonesianLabels(zone: RegionZone, identifier: String, label: String, hours: Int) throws {
        #expect(zone.identifier == identifier)
        #expect(zone.label == label)
        #expect(zone.label(at: may6) == label)
        #expect(zone.secondsFromGMT(at: may6) == hours * 3_600)
        // The same zone, looked up by name as the database stores it.
        #expect(try RegionZone(identifier: identifier) == zone)
    }

    @Test("other zones are labelled by their UTC offset at the instant", arguments: [
        ("Asia/Kolkata", "2025-05-06T02:00:00Z", "UTC+05:30"),
        ("America/New_York", "2025-01-15T12:00:00Z", "UTC-05:00"),
        ("America/New_York", "2025-07-15T12:00:00Z", "UTC-04:00"),
        ("America/St_Johns", "2025-01-15T12:00:00Z", "UTC-03:30"),
        ("Etc/UTC", "2025-05-06T02:00:00Z", "UTC"),
        ("Europe/London", "2025-01-15T12:00:00Z", "UTC"),
    ])
    func offsetLabels(identifier: String, at time: String, label: String) throws {
        let zone = try RegionZone(identifier: identifier)
        let instant = try LocalTime.parse(time, in: .utc, field: "at")
        #expect(zone.label(at: instant) == label)
    }

    @Test func surroundingSpacesAreIgnored() throws {
        #expect(try RegionZone(identifier: " Asia/Makassar ").identifier == "Asia/Makassar")
    }

    @Test func unknownZoneNamesTheValueAndSuggestsIndonesianZones() {
        let error = #expect(throws: GugusError.self) { try RegionZone(identifier: "Asia/Ternate", field: "tz") }
        #expect(error?.kind == .invalid)
        #expect(error?.message.en == "'Asia/Ternate' is not a known time zone for tz; use an IANA zone name, "
            + "for example Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)")
        #expect(error?.message.id == "'Asia/Ternate' bukan zona waktu yang dikenal untuk tz; gunakan nama zona IANA, "
            + "misalnya Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT)")
        #expect(error?.fieldErrors.map(\.field) == ["tz"])
        #expect(error?.fieldErrors.map(\.value) == ["Asia/Ternate"])
    }

    @Test func wrongCapitalisationSuggestsTheRealName() {
        let error = #expect(throws: GugusError.self) { try RegionZone(identifier: "asia/jayapura") }
        #expect(error?.message.en == "'asia/jayapura' is not a known time zone for time_zone (did you mean Asia/Jayapura?); "
            + "use an IANA zone name, for example Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)")
        #expect(error?.message.id.contains("(maksudnya Asia/Jayapura?)") == true)
    }

    /// PostgreSQL would read these with the POSIX sign, i.e. as UTC−7.
    @Test("offsets spelled as zone names are refused", arguments: ["UTC+07:00", "GMT+7", "utc-03", ""])
    func offsetsAreNotZones(value: String) {
        let error = #expect(throws: GugusError.self) { try RegionZone(identifier: value) }
        #expect(error?.message.en == "'\(value)' is not a known time zone for time_zone; use an IANA zone name, "
            + "for example Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)")
    }

    @Test func codesAsTheBareIdentifier() throws {
        let data = try JSONEncoder().encode([RegionZone.jayapura])
        #expect(String(decoding: data, as: UTF8.self) == #"["Asia\/Jayapura"]"#)
        #expect(try JSONDecoder().decode([RegionZone].self, from: data) == [.jayapura])
    }

    @Test func decodingAnUnknownZoneFails() {
        let json = Data(#"["Mars/Olympus"]"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([RegionZone].self, from: json) }
    }
}
