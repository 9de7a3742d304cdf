import GugusModel
import Testing

/// `YYYY-MM-DD` is read and written byte by byte; what it takes and refuses is exactly the
/// strict form, spaces around it aside.
@Suite("CivilDate text")
struct CivilDateTests {
    @Test("reads YYYY-MM-DD, with spaces around it too")
    func reads() {
        #expect(CivilDate("2025-05-06") == CivilDate(2025, 5, 6))
        #expect(CivilDate(" 2025-05-06\t") == CivilDate(2025, 5, 6))
        #expect(CivilDate("\u{00A0}2024-02-29") == CivilDate(2024, 2, 29))
        #expect(CivilDate("0001-01-01") == CivilDate(1, 1, 1))
    }

    @Test("refuses every other form and every impossible date", arguments: [
        "", "2025-5-06", "2025-05-6", "25-05-06", "2025/05/06", "2025-05-06T00:00", "20250506", "2025-05-06x",
        "２０２５-05-06", "2025-0a-06", "2025--5-06", "2025-02-30", "2023-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
        "0000-01-01", "2025 -05-06",
    ])
    func refuses(_ text: String) {
        #expect(CivilDate(text) == nil, "\(text.debugDescription)")
    }

    @Test("writes four, two and two digits")
    func writes() {
        #expect(CivilDate(2025, 5, 6).description == "2025-05-06")
        #expect(CivilDate(987, 12, 31).description == "0987-12-31")
        #expect(CivilDate(1, 1, 1).description == "0001-01-01")
        #expect(CivilDate(9999, 10, 10).description == "9999-10-10")
        for text in ["2024-02-29", "1999-12-31", "2030-03-04"] {
            #expect(CivilDate(text)?.description == text)
        }
    }
}
