import Foundation
import GugusModel
import GugusTestSupport
import Testing

@Suite("DurationText", .releasesResources)
struct DurationTextTests {
    @Test("durations as coordinators write them", arguments: [
        ("30m", 1_800, "30m"),
        ("90m", 5_400, "1h30m"),
        ("1h30m", 5_400, "1h30m"),
        ("2h", 7_200, "2h"),
        ("3h", 10_800, "3h"),
        ("1d", 86_400, "1d"),
        ("7d", 604_800, "1w"),
        ("1w", 604_800, "1w"),
        ("1w2d3h4m", 788_640, "1w2d3h4m"),
        ("36h", 129_600, "1d12h"),
        (" 2H ", 7_200, "2h"),
        ("0h15m", 900, "15m"),
    ])
    func parses(text: String, seconds: Int, canonical: String) throws {
        let duration = try DurationText(parsing: text, field: "duration")
        #expect(duration.seconds == seconds)
        #expect(duration.timeInterval == TimeInterval(seconds))
        #expect(duration.description == canonical)
        // The canonical form reads back as the same duration.
        #expect(try DurationText(parsing: duration.description, field: "duration") == duration)
    }

    private static let usage = "write a whole number followed by a unit, "
        + "m (minutes), h (hours), d (days) or w (weeks), for example 30m, 2h, 1h30m, 1d"

    @Test("bad durations name the value, the reason and the units", arguments: [
        ("", ""),
        ("abc", ""),
        ("-1h", ""),
        ("+1h", ""),
        ("h", ""),
        ("1 h", " (' ' is not a unit)"),
        ("1h 30m", ""),
        ("2x", " ('x' is not a unit)"),
        ("1.5h", " ('.' is not a unit)"),
        ("2 jam", " (' ' is not a unit)"),
        ("45", " (the unit is missing)"),
        ("1h30", " (the unit is missing)"),
        ("0m", " (it must be longer than zero)"),
        ("0h0m", " (it must be longer than zero)"),
        ("30m1h", " (each unit may appear once, largest first)"),
        ("1h1h", " (each unit may appear once, largest first)"),
        ("99999999999999w", " (it is too long)"),
        ("99999999999999999999m", ""),
    ])
    func rejects(text: String, reason: String) {
        let error = #expect(throws: GugusError.self) { try DurationText(parsing: text, field: "offset") }
        #expect(error?.kind == .invalid)
        #expect(error?.message.en == "'\(text)' is not a valid duration for offset\(reason); \(Self.usage)")
        #expect(error?.fieldErrors.map(\.field) == ["offset"])
        #expect(error?.fieldErrors.map(\.value) == [text])
    }

    @Test func errorsInIndonesian() {
        let zero = #expect(throws: GugusError.self) { try DurationText(parsing: "0m", field: "offset") }
        #expect(zero?.message.id == "'0m' bukan durasi yang valid untuk offset (harus lebih dari nol); "
            + "tulis bilangan bulat diikuti satuan m (menit), h (jam), d (hari) atau w (minggu), misalnya 30m, 2h, 1h30m, 1d")
        let unit = #expect(throws: GugusError.self) { try DurationText(parsing: "2j", field: "duration") }
        #expect(unit?.message.id.hasPrefix("'2j' bukan durasi yang valid untuk duration ('j' bukan satuan waktu); ") == true)
    }

    @Test func storedSecondsMustBeWholePositiveMinutes() {
        #expect(DurationText(seconds: 5_400)?.description == "1h30m")
        #expect(DurationText(seconds: 0) == nil)
        #expect(DurationText(seconds: -60) == nil)
        #expect(DurationText(seconds: 90) == nil)
    }

    @Test func ordersByLength() throws {
        let lengths = try ["1d", "30m", "2h"].map { try DurationText(parsing: $0, field: "offset") }
        #expect(lengths.sorted().map(\.description) == ["30m", "2h", "1d"])
    }

    @Test func codesAsItsWrittenForm() throws {
        struct Rule: Codable, Equatable { var offset: DurationText }
        let rule = Rule(offset: try DurationText(parsing: "90m", field: "offset"))
        let json = try JSONEncoder().encode(rule)
        #expect(String(decoding: json, as: UTF8.self) == #"{"offset":"1h30m"}"#)
        #expect(try JSONDecoder().decode(Rule.self, from: json) == rule)

        let bad = Data(#"{"offset":"soon"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Rule.self, from: bad) }
    }
}
