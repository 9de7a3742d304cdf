import Foundation
import GugusModel
import GugusTestSupport
import Testing

@Suite("ICSCalendar", .releasesResources)
struct ICSCalendarTests {
    /// 2025-04-10 09:00 WIT, a session in Ternate.
    static let ternateStart = Date(timeIntervalSince1970: 1_744_243_200)
    static let stamp = Date(timeIntervalSince1970: 1_743_465_600)  // 2025-04-01T00:00:00Z

    static func event(
        uid: String = "session-7@gugus", summary: String = "Sosialisasi Stranas BHAM",
        start: Date = ternateStart, zone: RegionZone = .jayapura, status: ICSEvent.Status = .confirmed
    ) -> ICSEvent {
        ICSEvent(
            uid: uid, sequence: 3, summary: summary, start: start, end: start.addingTimeInterval(3 * 3_600),
            zone: zone, status: status, dtstamp: stamp)
    }

    static func render(_ events: [ICSEvent], name: String = "GTD BHAM Maluku Utara") -> String {
        ICSCalendar(name: name, events: events).render()
    }

    /// The physical lines, without their CRLF.
    static func physicalLines(_ ics: String) -> [String] {
        ics.components(separatedBy: "\r\n").dropLast().map { $0 }
    }

    /// Undoes folding (RFC 5545 §3.1): a CRLF followed by one space joins two lines.
    static func logicalLines(_ ics: String) -> [String] {
        physicalLines(ics.replacingOccurrences(of: "\r\n ", with: ""))
    }

    // MARK: Structure

    @Test func aTernateSessionIsWrittenInItsOwnZone() {
        let ics = Self.render([Self.event()])
        #expect(Self.logicalLines(ics) == [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Gugus//Stranas BHAM//ID",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:GTD BHAM Maluku Utara",
            "BEGIN:VTIMEZONE",
            "TZID:Asia/Jayapura",
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            "TZOFFSETFROM:+0900",
            "TZOFFSETTO:+0900",
            "TZNAME:WIT",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            "UID:session-7@gugus",
            "SEQUENCE:3",
            "DTSTAMP:20250401T000000Z",
            "DTSTART;TZID=Asia/Jayapura:20250410T090000",
            "DTEND;TZID=Asia/Jayapura:20250410T120000",
            "SUMMARY:Sosialisasi Stranas BHAM",
            "STATUS:CONFIRMED",
            "END:VEVENT",
            "END:VCALENDAR",
        ])
    }

    @Test func everyLineEndsWithCRLF() {
        let ics = Self.render([Self.event(summary: "Baris satu\nbaris dua\r\nbaris tiga\rempat")])
        #expect(ics.hasSuffix("END:VCALENDAR\r\n"))
        let bytes = Array(ics.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            #expect(index > 0 && bytes[index - 1] == UInt8(ascii: "\r"), "bare LF at octet \(index)")
        }
        #expect(!ics.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
    }

    @Test func optionalPropertiesAreWrittenWhenGiven() {
        var event = Self.event()
        event.description = "Agenda: pembukaan; paparan"
        event.location = "Kantor Wilayah Kementerian HAM Maluku Utara, Ternate"
        event.url = URL(string: "https://zoom.us/j/123?pwd=a,b;c")
        event.created = Date(timeIntervalSince1970: 1_743_000_000)
        event.lastModified = Date(timeIntervalSince1970: 1_743_100_000)
        let lines = Self.logicalLines(Self.render([event]))
        #expect(lines.contains("DESCRIPTION:Agenda: pembukaan\\; paparan"))
        #expect(lines.contains("LOCATION:Kantor Wilayah Kementerian HAM Maluku Utara\\, Ternate"))
        // A URI is not TEXT: its commas and semicolons stay as they are.
        #expect(lines.contains("URL:https://zoom.us/j/123?pwd=a,b;c"))
        #expect(lines.contains("CREATED:20250326T144000Z"))
        #expect(lines.contains("LAST-MODIFIED:20250327T182640Z"))
    }

    @Test func aCancelledSessionStaysInTheFeedAsCancelled() {
        let lines = Self.logicalLines(Self.render([Self.event(status: .cancelled)]))
        #expect(lines.contains("STATUS:CANCELLED"))
        #expect(!lines.contains("STATUS:CONFIRMED"))
        #expect(Self.logicalLines(Self.render([Self.event(status: .tentative)])).contains("STATUS:TENTATIVE"))
    }

    @Test func oneTimeZonePerZoneUsed() {
        let ics = Self.render([
            Self.event(uid: "a", zone: .jakarta),
            Self.event(uid: "b", zone: .pontianak),
            Self.event(uid: "c", zone: .jayapura),
            Self.event(uid: "d", zone: .jakarta),
        ])
        let lines = Self.logicalLines(ics)
        #expect(lines.filter { $0 == "BEGIN:VTIMEZONE" }.count == 3)
        #expect(lines.filter { $0.hasPrefix("TZID:") } == ["TZID:Asia/Jakarta", "TZID:Asia/Jayapura", "TZID:Asia/Pontianak"])
        #expect(lines.filter { $0.hasPrefix("TZNAME:") } == ["TZNAME:WIB", "TZNAME:WIT", "TZNAME:WIB"])
        #expect(lines.filter { $0.hasPrefix("TZOFFSETTO:") } == ["TZOFFSETTO:+0700", "TZOFFSETTO:+0900", "TZOFFSETTO:+0700"])
        #expect(!lines.contains("TZID:Asia/Makassar"))
        // The same instant, read in each event's zone.
        #expect(lines.filter { $0.hasPrefix("DTSTART;") } == [
            "DTSTART;TZID=Asia/Jakarta:20250410T070000",
            "DTSTART;TZID=Asia/Pontianak:20250410T070000",
            "DTSTART;TZID=Asia/Jayapura:20250410T090000",
            "DTSTART;TZID=Asia/Jakarta:20250410T070000",
        ])
        // Every TZID a property names has its VTIMEZONE.
        #expect(lines.filter { $0.hasPrefix("BEGIN:VEVENT") }.count == 4)
    }

    @Test func aZoneWithDaylightSavingIsWrittenInUTC() throws {
        let newYork = try RegionZone(identifier: "America/New_York")
        let lines = Self.logicalLines(Self.render([Self.event(zone: newYork)]))
        #expect(lines.contains("DTSTART:20250410T000000Z"))
        #expect(lines.contains("DTEND:20250410T030000Z"))
        #expect(!lines.contains("BEGIN:VTIMEZONE"))
    }

    @Test func anEmptyFeedIsStillACalendar() {
        #expect(Self.logicalLines(Self.render([])) == [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Gugus//Stranas BHAM//ID", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:GTD BHAM Maluku Utara", "END:VCALENDAR",
        ])
    }

    @Test func theSameInputRendersTheSameBytes() {
        let events = [
            Self.event(uid: "a", zone: .jayapura), Self.event(uid: "b", zone: .makassar),
            Self.event(uid: "c", zone: .jakarta), Self.event(uid: "d", zone: .pontianak),
        ]
        let first = Self.render(events)
        for _ in 0..<20 {
            #expect(Self.render(events) == first)
        }
    }

    // MARK: Escaping

    @Test func textIsEscaped() {
        let summary = #"Rakor GTD: Aceh, Sumut; "BHAM" \ 2025"# + "\nbaris dua\r\nbaris tiga\u{0007}"
        let lines = Self.logicalLines(Self.render([Self.event(summary: summary)], name: "GTD, Aceh; 2025"))
        #expect(lines.contains(#"SUMMARY:Rakor GTD: Aceh\, Sumut\; "BHAM" \\ 2025\nbaris dua\nbaris tiga"#))
        #expect(lines.contains(#"X-WR-CALNAME:GTD\, Aceh\; 2025"#))
    }

    @Test func uidIsEscapedToo() {
        let lines = Self.logicalLines(Self.render([Self.event(uid: "sesi,1;a")]))
        #expect(lines.contains(#"UID:sesi\,1\;a"#))
    }

    // MARK: Folding at 75 octets

    @Test("a line of exactly 75 octets is not folded; 76 is", arguments: [(67, false), (68, true)])
    func foldsOnlyPastSeventyFiveOctets(asciiCount: Int, folded: Bool) {
        // "SUMMARY:" is 8 octets.
        let summary = String(repeating: "a", count: asciiCount)
        let ics = Self.render([Self.event(summary: summary)])
        let physical = Self.physicalLines(ics)
        #expect(physical.contains("SUMMARY:" + summary) == !folded)
        if folded {
            let index = physical.firstIndex { $0.hasPrefix("SUMMARY:") }
            #expect(index.map { physical[$0].utf8.count } == 75)
            #expect(index.map { physical[$0 + 1] } == " a")
        }
        #expect(Self.logicalLines(ics).contains("SUMMARY:" + summary))
    }

    @Test("a multi-byte character is never split across a fold", arguments: [
        "é",   // 2 octets
        "—",   // 3 octets
        "🇮🇩",  // two 4-octet scalars
    ])
    func foldsBetweenCharacters(character: String) throws {
        // 8 + 66 = 74 octets, so the character cannot fit on the first line.
        let summary = String(repeating: "a", count: 66) + character + String(repeating: "b", count: 80)
        let ics = Self.render([Self.event(summary: summary)])
        let physical = Self.physicalLines(ics)
        let index = try #require(physical.firstIndex { $0.hasPrefix("SUMMARY:") })
        #expect(physical[index].utf8.count == 74)
        let firstScalar = try #require(character.unicodeScalars.first)
        // Compared by scalars: a flag is one Character, but the fold may fall between its two scalars.
        #expect(physical[index + 1].unicodeScalars.starts(with: (" " + String(firstScalar)).unicodeScalars))
        for line in physical {
            #expect(line.utf8.count <= 75, "\(line.utf8.count) octets: \(line)")
        }
        #expect(Self.logicalLines(ics).contains("SUMMARY:" + summary))
    }

    @Test func longIndonesianTextWithManyMultiByteCharactersFoldsCleanly() throws {
        let description = String(repeating: "Pendampingan perusahaan — uji tuntas HAM (PRISMA) ✓ di Kalimantan Barat; ", count: 12)
            + "Peserta: Kanwil, Biro Hukum, APINDO, KADIN … 🇮🇩"
        var event = Self.event()
        event.description = description
        event.location = "Aula Kantor Gubernur Kalimantan Barat, Jl. Ahmad Yani, Pontianak — lantai 2"
        let ics = Self.render([event])
        for line in Self.physicalLines(ics) {
            #expect(line.utf8.count <= 75, "\(line.utf8.count) octets: \(line)")
            // A split UTF-8 sequence would not survive as valid text on its own line.
            #expect(String(validating: Array(line.utf8), as: UTF8.self) == line)
        }
        let escaped = description.replacingOccurrences(of: ";", with: "\\;").replacingOccurrences(of: ",", with: "\\,")
        #expect(Self.logicalLines(ics).contains("DESCRIPTION:" + escaped))
        #expect(Self.physicalLines(ics).filter { $0.hasPrefix(" ") }.count > 12)
    }
}
