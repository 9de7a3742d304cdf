import Foundation
import Postgres

extension ReminderPayload {
    /// The payload as JSON, byte for byte what JSONEncoder writes with sorted keys, unescaped
    /// slashes and times as `PostgresTimestamp.format` (UTC, to the microsecond), written directly.
    ///
    /// The log and webhook channels write one of these per reminder; through JSONEncoder's
    /// Codable machinery that was more than a third of a worker's CPU time (make bench,
    /// dispatch). A test holds the two outputs equal.
    public func json() -> [UInt8] {
        var writer = JSONObjectWriter()
        // Keys in sorted order, as `.sortedKeys` gives them.
        writer.field("channel", channel)
        writer.field("decree_number", decreeNumber)
        writer.field("delivered_at", deliveredAt.map(PostgresTimestamp.format))
        writer.field("due_at", PostgresTimestamp.format(dueAt))
        writer.field("idempotency_key", idempotencyKey)
        writer.field("kind", kind)
        writer.key("links")
        var links = JSONObjectWriter()
        for (key, value) in self.links.sorted(by: { $0.key < $1.key }) { links.field(key, value) }
        writer.raw(links.finish())
        if let previous {
            writer.key("previous")
            writer.raw(Self.json(previous))
        }
        writer.field("reason", reason)
        writer.key("recipient")
        var recipient = JSONObjectWriter()
        recipient.field("email", self.recipient.email)
        recipient.field("key", self.recipient.key)
        recipient.field("language", self.recipient.language)
        recipient.field("name", self.recipient.name)
        writer.raw(recipient.finish())
        writer.field("region_code", regionCode)
        writer.field("reminder_id", reminderId)
        if let session {
            writer.key("session")
            writer.raw(Self.json(session))
        }
        writer.field("subject", subject)
        writer.field("task_force", taskForce)
        writer.field("text", text)
        return writer.finish()
    }

    private static func json(_ session: Session) -> [UInt8] {
        var object = JSONObjectWriter()
        object.field("ends_at", PostgresTimestamp.format(session.endsAt))
        object.field("format", session.format)
        object.field("id", session.id)
        object.field("local_time", session.localTime)
        object.field("starts_at", PostgresTimestamp.format(session.startsAt))
        object.field("time_zone", session.timeZone)
        object.field("title", session.title)
        object.field("url", session.url)
        object.field("venue", session.venue)
        object.field("version", Int64(session.version))
        object.field("zone_label", session.zoneLabel)
        return object.finish()
    }
}

/// Writes one JSON object, field by field, in the order given; a nil value leaves its field
/// out, as `encodeIfPresent` does.
struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var first = true

    init() { bytes.reserveCapacity(1024) }

    mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: Int64) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func raw(_ json: [UInt8]) {
        bytes.append(contentsOf: json)
    }

    consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// A JSON string as JSONEncoder escapes it: quote, backslash and control characters;
    /// everything else, `/` included (`.withoutEscapingSlashes`), as UTF-8.
    private mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escaping: copied whole.
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
