import Foundation
import Postgres
import GugusTestSupport
import Testing

@testable import GugusScheduler

/// The log and webhook channels write payloads with a hand-written JSON writer; receivers
/// were promised JSONEncoder's output (sorted keys, unescaped slashes, times to the
/// microsecond). These hold the two byte for byte equal, on text that needs escaping.
@Suite("Reminder payload JSON", .releasesResources)
struct ReminderPayloadJSONTests {
    /// JSONEncoder set up as receivers were promised: the reference for `json()`.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(PostgresTimestamp.format(date))
        }
        return encoder
    }()

    static func payload(session: Bool, optionals: Bool) -> ReminderPayload {
        ReminderPayload(
            idempotencyKey: "gugus-reminder-42-v3", reminderId: 42, kind: "session", channel: "webhook",
            dueAt: Date(timeIntervalSince1970: 1_744_246_800.123456),
            deliveredAt: optionals ? Date(timeIntervalSince1970: 1_744_246_800.5) : nil,
            recipient: .init(
                key: "participant:7", name: "Siti \"Ibu\" Nurhaliza\\Ternate", email: optionals ? "siti@malut.go.id" : nil,
                language: "id"),
            taskForce: optionals ? "Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara" : nil,
            session: session
                ? .init(
                    id: 9, title: "Sosialisasi — “Stranas BHAM” 2023–2025 / tahap 1", format: "sosialisasi",
                    startsAt: Date(timeIntervalSince1970: 1_744_246_800), endsAt: Date(timeIntervalSince1970: 1_744_257_600),
                    timeZone: "Asia/Jayapura", zoneLabel: "WIT", localTime: "Kamis, 10 April 2025 pukul 09.00 WIT",
                    venue: optionals ? "Aula Gamalama,\tTernate" : nil, url: optionals ? "https://zoom.us/j/123?pwd=a/b" : nil,
                    version: 3)
                : nil,
            decreeNumber: optionals ? "100.3.3.2/75/2024" : nil, regionCode: "82",
            subject: "Pengingat: Sosialisasi\u{1}\u{1f}\u{7f} \u{2028}",
            text: "Yth. Siti,\n\r\u{8}\u{c}\tbaris\n\u{0}akhir 🇮🇩\n",
            links: optionals ? ["session": "https://gugus.example/v1/sessions/9", "calendar": "https://gugus.example/v1/sessions/9/calendar.ics"] : [:])
    }

    @Test("the same bytes as JSONEncoder", arguments: [(true, true), (true, false), (false, true), (false, false)])
    func sameAsJSONEncoder(session: Bool, optionals: Bool) throws {
        let payload = Self.payload(session: session, optionals: optionals)
        let expected = try Self.encoder.encode(payload)
        let written = Data(payload.json())
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        // And a JSON parser reads the escaped text back as it was.
        let object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        #expect(object["text"] as? String == payload.text)
        #expect((object["recipient"] as? [String: Any])?["name"] as? String == payload.recipient.name)
        #expect((object["session"] as? [String: Any])?["title"] as? String == payload.session?.title)
    }
}
