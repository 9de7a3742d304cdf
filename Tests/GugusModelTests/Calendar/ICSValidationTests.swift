import Foundation
import GugusModel
import GugusTestSupport
import Testing

/// Reads Gugus's ICS output with an independent parser, Python's `icalendar`, through
/// `Tests/Support/validate_ics.py`, so the writer is checked against how a calendar client
/// reads the feed rather than against our own reading of RFC 5545.
@Suite("ICSCalendar read by icalendar", .releasesResources)
struct ICSValidationTests {
    static let stamp = Date(timeIntervalSince1970: 1_743_465_600)  // 2025-04-01T00:00:00Z

    @Test func aFeedAcrossZonesReadsBackExactly() async throws {
        let ternate = try LocalTime.parse("2025-04-10 09:00", in: .jayapura, field: "starts")
        let pontianak = try LocalTime.parse("2025-05-06 09:00", in: .pontianak, field: "starts")
        let newYork = try RegionZone(identifier: "America/New_York")
        let unga = try LocalTime.parse("2025-09-22 10:00", in: newYork, field: "starts")

        let description = String(repeating: "Uji tuntas HAM — PRISMA ✓; peserta: Kanwil, Biro Hukum, APINDO. ", count: 6)
            + "\nBaris kedua \\ selesai 🇮🇩"
        let events = [
            ICSEvent(
                uid: "session-1@gugus", sequence: 4, summary: "Sosialisasi Stranas BHAM, Ternate",
                description: description, location: "Kantor Wilayah Kementerian HAM Maluku Utara; Ternate",
                url: URL(string: "https://gugus.example/s/1?a=b,c"), start: ternate,
                end: ternate.addingTimeInterval(3 * 3_600), zone: .jayapura, status: .cancelled, dtstamp: Self.stamp),
            ICSEvent(
                uid: "session-2@gugus", sequence: 0, summary: "Bimtek GTD BHAM Kalimantan Barat",
                start: pontianak, end: pontianak.addingTimeInterval(2 * 3_600), zone: .pontianak, dtstamp: Self.stamp),
            ICSEvent(
                uid: "session-3@gugus", sequence: 1, summary: "UN Forum side event", start: unga,
                end: unga.addingTimeInterval(3_600), zone: newYork, status: .tentative, dtstamp: Self.stamp),
        ]
        let ics = ICSCalendar(name: "Stranas BHAM — semua sesi", events: events).render()

        let outcome = try await ICSValidator.validate(ics, expectedEvents: 3)
        #expect(outcome.status == 0, "validate_ics.py: \(outcome.stderr) \(outcome.report?.problems ?? [])")
        let report = try #require(outcome.report)
        #expect(report.problems == [])
        #expect(report.calendar.prodid == "-//Gugus//Stranas BHAM//ID")
        #expect(report.calendar.method == "PUBLISH")
        #expect(report.calendar.name == "Stranas BHAM — semua sesi")
        #expect(report.timezones.map(\.tzid) == ["Asia/Jayapura", "Asia/Pontianak"])
        #expect(report.timezones.map(\.tznames) == [["WIT"], ["WIB"]])

        #expect(report.events.map(\.uid) == ["session-1@gugus", "session-2@gugus", "session-3@gugus"])
        #expect(report.events.map(\.sequence) == [4, 0, 1])
        #expect(report.events.map(\.status) == ["CANCELLED", "CONFIRMED", "TENTATIVE"])
        #expect(report.events.map(\.startUtc) == [
            "2025-04-10T00:00:00Z", "2025-05-06T02:00:00Z", "2025-09-22T14:00:00Z",
        ])
        #expect(report.events.map(\.startUtc) == events.map { LocalTime.iso8601($0.start) })
        #expect(report.events.map(\.endUtc) == events.map { LocalTime.iso8601($0.end) })
        #expect(report.events.map(\.startTzid) == ["Asia/Jayapura", "Asia/Pontianak", nil])
        #expect(report.events.map(\.startOffsetSeconds) == [9 * 3_600, 7 * 3_600, 0])
        #expect(report.events.map(\.dtstampUtc) == Array(repeating: "2025-04-01T00:00:00Z", count: 3))

        // Escaping and folding undone by the parser give back exactly what was written.
        let first = try #require(report.events.first)
        #expect(first.summary == "Sosialisasi Stranas BHAM, Ternate")
        #expect(first.description == description)
        #expect(first.location == "Kantor Wilayah Kementerian HAM Maluku Utara; Ternate")
        #expect(first.url == "https://gugus.example/s/1?a=b,c")
    }

    /// Guards the guard: a feed that names a TZID with no VTIMEZONE must be reported, or the
    /// test above would prove nothing about time zones.
    @Test func theValidatorRejectsATZIDWithoutItsVTIMEZONE() async throws {
        let start = try LocalTime.parse("2025-04-10 09:00", in: .jayapura, field: "starts")
        let event = ICSEvent(
            uid: "session-1@gugus", sequence: 0, summary: "Rakor", start: start,
            end: start.addingTimeInterval(3_600), zone: .jayapura, dtstamp: Self.stamp)
        let ics = ICSCalendar(name: "GTD", events: [event]).render()
        let begin = try #require(ics.range(of: "BEGIN:VTIMEZONE\r\n"))
        let end = try #require(ics.range(of: "END:VTIMEZONE\r\n"))
        let broken = ics.replacingCharacters(in: begin.lowerBound..<end.upperBound, with: "")

        let outcome = try await ICSValidator.validate(broken, expectedEvents: 1)
        #expect(outcome.status == 1)
        #expect(outcome.report?.problems == [
            "session-1@gugus: DTSTART uses TZID Asia/Jayapura with no VTIMEZONE",
            "session-1@gugus: DTEND uses TZID Asia/Jayapura with no VTIMEZONE",
        ])
    }
}
