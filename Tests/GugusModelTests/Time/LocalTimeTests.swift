import Foundation
import GugusModel
import GugusTestSupport
import Testing

/// Every expectation here is an absolute instant or exact text, so the suite must pass
/// whatever `TZ` the test process runs with (it is run with America/New_York and Asia/Tokyo).
@Suite("LocalTime", .releasesResources)
struct LocalTimeTests {
    /// 2025-05-06T02:00:00Z.
    static let may6At0200UTC = Date(timeIntervalSince1970: 1_746_496_800)
    /// 2025-04-10T00:00:00Z.
    static let april10At0000UTC = Date(timeIntervalSince1970: 1_744_243_200)
    /// 2024-03-28T01:00:00Z.
    static let march28At0100UTC = Date(timeIntervalSince1970: 1_711_587_600)

    // MARK: The three Indonesian zones

    @Test func kalimantanBaratNineInTheMorningIsTwoUTC() throws {
        let starts = try LocalTime.parse("2025-05-06 09:00", in: .pontianak, field: "starts")
        #expect(starts == Self.may6At0200UTC)
        #expect(LocalTime.long(starts, in: .pontianak, language: .id) == "Selasa, 6 Mei 2025 pukul 09.00 WIB")
        #expect(LocalTime.long(starts, in: .pontianak, language: .en) == "Tuesday, 6 May 2025 at 09:00 WIB")
        #expect(LocalTime.short(starts, in: .pontianak) == "2025-05-06 09:00 WIB")
        #expect(LocalTime.timeOfDay(starts, in: .pontianak, language: .id) == "09.00 WIB")
        #expect(LocalTime.timeOfDay(starts, in: .pontianak, language: .en) == "09:00 WIB")
        #expect(LocalTime.iso8601(starts) == "2025-05-06T02:00:00Z")
    }

    @Test func ternateIsInEasternIndonesiaTime() throws {
        let starts = try LocalTime.parse("2025-04-10 09:00", in: .jayapura, field: "starts")
        #expect(starts == Self.april10At0000UTC)
        #expect(LocalTime.long(starts, in: .jayapura, language: .id) == "Kamis, 10 April 2025 pukul 09.00 WIT")
        #expect(LocalTime.long(starts, in: .jayapura, language: .en) == "Thursday, 10 April 2025 at 09:00 WIT")
        #expect(LocalTime.short(starts, in: .jayapura) == "2025-04-10 09:00 WIT")
        #expect(LocalTime.iso8601(starts) == "2025-04-10T00:00:00Z")
    }

    @Test func makassarIsInCentralIndonesiaTime() throws {
        let starts = try LocalTime.parse("2024-03-28T09:00", in: .makassar, field: "starts")
        #expect(starts == Self.march28At0100UTC)
        #expect(LocalTime.long(starts, in: .makassar, language: .id) == "Kamis, 28 Maret 2024 pukul 09.00 WITA")
        #expect(LocalTime.long(starts, in: .makassar, language: .en) == "Thursday, 28 March 2024 at 09:00 WITA")
        #expect(LocalTime.timeOfDay(starts, in: .makassar, language: .id) == "09.00 WITA")
    }

    @Test func oneInstantReadsDifferentlyAcrossTheCountry() {
        let instant = Self.may6At0200UTC
        #expect(LocalTime.short(instant, in: .jakarta) == "2025-05-06 09:00 WIB")
        #expect(LocalTime.short(instant, in: .makassar) == "2025-05-06 10:00 WITA")
        #expect(LocalTime.short(instant, in: .jayapura) == "2025-05-06 11:00 WIT")
        #expect(LocalTime.short(instant, in: .utc) == "2025-05-06 02:00 UTC")
    }

    @Test func aTimeLateInTheUTCDayIsTheNextDayInPapua() throws {
        let instant = try LocalTime.parse("2025-04-09T15:30:00Z", in: .utc, field: "at")
        #expect(LocalTime.long(instant, in: .jayapura, language: .id) == "Kamis, 10 April 2025 pukul 00.30 WIT")
        #expect(LocalTime.long(instant, in: .utc, language: .en) == "Wednesday, 9 April 2025 at 15:30 UTC")
    }

    // MARK: Accepted forms

    @Test("every accepted form of 09:00 WIB on 6 May 2025 is the same instant", arguments: [
        "2025-05-06 09:00",
        "2025-05-06T09:00",
        "2025-05-06 09:00:00",
        "2025-05-06T09:00:00",
        "  2025-05-06 09:00  ",
        "2025-05-06 09:00 WIB",
        "2025-05-06 10:00 WITA",
        "2025-05-06 11:00 wit",
        "2025-05-06T02:00:00Z",
        "2025-05-06T02:00Z",
        "2025-05-06t02:00:00z",
        "2025-05-06T02:00:00.000Z",
        "2025-05-06T09:00:00+07:00",
        "2025-05-06T09:00:00+0700",
        "2025-05-06T11:00+09:00",
        "2025-05-05T21:00:00-05:00",
    ])
    func acceptedForms(text: String) throws {
        #expect(try LocalTime.parse(text, in: .jakarta, field: "starts") == Self.may6At0200UTC)
    }

    @Test func anExplicitOffsetOverridesTheZone() throws {
        #expect(try LocalTime.parse("2025-05-06T02:00:00Z", in: .jayapura, field: "starts") == Self.may6At0200UTC)
        #expect(try LocalTime.parse("2025-05-06 09:00 WIB", in: .jayapura, field: "starts") == Self.may6At0200UTC)
    }

    @Test func fractionsOfASecondAreKept() throws {
        let instant = try LocalTime.parse("2025-05-06T02:00:00.25Z", in: .utc, field: "at")
        #expect(instant.timeIntervalSince1970 == 1_746_496_800.25)
        // … but the JSON form is whole seconds.
        #expect(LocalTime.iso8601(instant) == "2025-05-06T02:00:00Z")
    }

    @Test func leapDayExists() throws {
        let instant = try LocalTime.parse("2024-02-29 23:59:59", in: .jakarta, field: "starts")
        #expect(LocalTime.iso8601(instant) == "2024-02-29T16:59:59Z")
    }

    // MARK: Errors

    @Test("impossible or malformed times name the value and the expected form", arguments: [
        "2025-13-06 09:00",     // month 13
        "2025-02-29 09:00",     // not a leap year
        "2025-04-31 09:00",     // April has 30 days
        "2025-05-06 24:00",
        "2025-05-06 09:60",
        "2025-05-06 09:00:60",  // no leap seconds
        "2025-05-06 9:00",
        "2025-5-6 09:00",
        "06/05/2025 09:00",
        "2025-05-06",
        "09:00",
        "",
        "2025-05-06 09:00 XYZ",
        "2025-05-06 09:00 +07:00",
        "2025-05-06T09:00+24:00",
        "2025-05-06T09:00:00.Z",
        "2025-05-06 09.00",
        "２０２５-05-06 09:00",   // full-width digits
    ])
    func invalidTimes(text: String) {
        let error = #expect(throws: GugusError.self) { try LocalTime.parse(text, in: .jakarta, field: "starts") }
        #expect(error?.kind == .invalid)
        #expect(error?.message.en == "'\(text)' is not a valid time for starts; "
            + "use \"YYYY-MM-DD HH:MM\" in the task force's local time, for example \"2025-05-06 09:00\"")
        #expect(error?.fieldErrors.map(\.field) == ["starts"])
        #expect(error?.fieldErrors.map(\.value) == [text])
    }

    @Test func invalidTimeMessageInIndonesian() {
        let error = #expect(throws: GugusError.self) {
            try LocalTime.parse("2025-13-06 09:00", in: .jakarta, field: "starts")
        }
        #expect(error?.message.en == "'2025-13-06 09:00' is not a valid time for starts; "
            + "use \"YYYY-MM-DD HH:MM\" in the task force's local time, for example \"2025-05-06 09:00\"")
        #expect(error?.message.id == "'2025-13-06 09:00' bukan waktu yang valid untuk starts; "
            + "gunakan \"YYYY-MM-DD HH:MM\" dalam waktu setempat gugus tugas, misalnya \"2025-05-06 09:00\"")
    }

    @Test("years outside 1900–2999 are refused as likely typos", arguments: [
        "3025-05-06 09:00", "0225-05-06 09:00", "9999-12-31T23:59:00-23:59", "1899-12-31 23:59",
    ])
    func yearsOutOfRange(text: String) {
        let error = #expect(throws: GugusError.self) { try LocalTime.parse(text, in: .jayapura, field: "starts") }
        #expect(error?.message.en == "'\(text)' is out of range for starts; use a year from 1900 to 2999")
        #expect(error?.message.id == "'\(text)' di luar rentang untuk starts; gunakan tahun 1900 sampai 2999")
    }

    @Test func theEdgesOfTheAcceptedYearsAreReadableInEveryZone() throws {
        let first = try LocalTime.parse("1900-01-01T00:00:00+14:00", in: .utc, field: "starts")
        let last = try LocalTime.parse("2999-12-31T23:59:59-12:00", in: .utc, field: "starts")
        #expect(LocalTime.short(first, in: .utc) == "1899-12-31 10:00 UTC")
        #expect(LocalTime.short(last, in: .jayapura) == "3000-01-01 20:59 WIT")
    }

    // MARK: Zones with daylight saving (reachable through --tz)

    @Test func aTimeTheClocksSkipIsRefused() throws {
        let newYork = try RegionZone(identifier: "America/New_York")
        let error = #expect(throws: GugusError.self) {
            try LocalTime.parse("2025-03-09 02:30", in: newYork, field: "starts")
        }
        #expect(error?.message.en == "'2025-03-09 02:30' does not exist in America/New_York for starts: "
            + "the clocks skip it; choose another time")
        #expect(error?.message.id == "'2025-03-09 02:30' tidak ada di zona America/New_York untuk starts: "
            + "jam dimajukan pada waktu itu; pilih waktu lain")
    }

    @Test func aTimeTheClocksRepeatIsTheEarlierOne() throws {
        let newYork = try RegionZone(identifier: "America/New_York")
        let instant = try LocalTime.parse("2025-11-02 01:30", in: newYork, field: "starts")
        #expect(LocalTime.iso8601(instant) == "2025-11-02T05:30:00Z")
        #expect(LocalTime.short(instant, in: newYork) == "2025-11-02 01:30 UTC-04:00")
        #expect(LocalTime.short(instant.addingTimeInterval(3_600), in: newYork) == "2025-11-02 01:30 UTC-05:00")
    }

    // MARK: Dates and names

    @Test func longDates() {
        #expect(LocalTime.longDate(CivilDate(2025, 5, 6), language: .id) == "6 Mei 2025")
        #expect(LocalTime.longDate(CivilDate(2025, 5, 6), language: .en) == "6 May 2025")
        #expect(LocalTime.longDate(CivilDate(2023, 9, 26), language: .id) == "26 September 2023")
    }

    @Test func everyMonthHasItsIndonesianAndEnglishName() {
        let indonesian = (1...12).map { LocalTime.longDate(CivilDate(2025, $0, 1), language: .id) }
        #expect(indonesian == [
            "1 Januari 2025", "1 Februari 2025", "1 Maret 2025", "1 April 2025", "1 Mei 2025", "1 Juni 2025",
            "1 Juli 2025", "1 Agustus 2025", "1 September 2025", "1 Oktober 2025", "1 November 2025",
            "1 Desember 2025",
        ])
        let english = (1...12).map { LocalTime.longDate(CivilDate(2025, $0, 1), language: .en) }
        #expect(english.first == "1 January 2025")
        #expect(english.last == "1 December 2025")
    }

    @Test func everyWeekdayHasItsIndonesianName() throws {
        // Sunday 4 May to Saturday 10 May 2025, at 09:00 WIB.
        let days = (4...10).map { day in
            let instant = LocalDateTime(date: CivilDate(2025, 5, day), hour: 9, minute: 0)?.instant(in: .jakarta)
            return instant.map { LocalTime.long($0, in: .jakarta, language: .id) }
        }
        #expect(days == [
            "Minggu, 4 Mei 2025 pukul 09.00 WIB",
            "Senin, 5 Mei 2025 pukul 09.00 WIB",
            "Selasa, 6 Mei 2025 pukul 09.00 WIB",
            "Rabu, 7 Mei 2025 pukul 09.00 WIB",
            "Kamis, 8 Mei 2025 pukul 09.00 WIB",
            "Jumat, 9 Mei 2025 pukul 09.00 WIB",
            "Sabtu, 10 Mei 2025 pukul 09.00 WIB",
        ])
    }

    // MARK: LocalDateTime

    @Test func readingAnInstantInAZone() {
        let reading = LocalDateTime(Self.may6At0200UTC.addingTimeInterval(0.9), in: .makassar)
        #expect(reading.date == CivilDate(2025, 5, 6))
        #expect((reading.hour, reading.minute, reading.second) == (10, 0, 0))
        #expect(reading.description == "2025-05-06 10:00")
        #expect(reading.instant(in: .makassar) == Self.may6At0200UTC)
    }

    @Test func readingsBefore1970() {
        let reading = LocalDateTime(Date(timeIntervalSince1970: -1), in: .utc)
        #expect(reading.description == "1969-12-31 23:59:59")
        #expect(LocalTime.iso8601(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
    }

    @Test func clockReadingsThatDoNotExist() {
        let date = CivilDate(2025, 5, 6)
        #expect(LocalDateTime(date: date, hour: 24, minute: 0) == nil)
        #expect(LocalDateTime(date: date, hour: 9, minute: 60) == nil)
        #expect(LocalDateTime(date: date, hour: -1, minute: 0) == nil)
        #expect(LocalDateTime(date: date, hour: 23, minute: 59, second: 59) != nil)
    }

    @Test func readingsSortByClock() throws {
        let earlier = try #require(LocalDateTime(date: CivilDate(2025, 5, 6), hour: 9, minute: 0))
        let later = try #require(LocalDateTime(date: CivilDate(2025, 5, 6), hour: 9, minute: 0, second: 1))
        #expect(earlier < later)
    }
}
