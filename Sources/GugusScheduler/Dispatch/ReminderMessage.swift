import Foundation
import GugusModel
import GugusDatabase
import Mustache

/// A reminder's words: a one-line summary (the e-mail subject) and the body, rendered from
/// the templates in `templates/` in the recipient's language.
public struct ReminderMessage: Sendable, Hashable, Codable {
    public var subject: String
    public var text: String

    /// Every embedded template, parsed once: a worker renders thousands a second.
    private static let parsed: [String: Result<MustacheTemplate, DeliveryError>] = Dictionary(
        uniqueKeysWithValues: MessageTemplates.names.map { name in
            (name, Result { () throws(DeliveryError) -> MustacheTemplate in
                do {
                    return try MustacheTemplate(string: MessageTemplates.text(named: name) ?? "")
                } catch {
                    throw DeliveryError("message template \(name) does not parse: \(error)", permanent: true)
                }
            })
        })

    /// Renders `template` (such as `session-reminder`) in `language` with `values`; a
    /// language without its own template falls back to Indonesian.
    public static func render(_ template: String, language: Language, values: [String: String]) throws(DeliveryError) -> ReminderMessage {
        let name = "\(template).\(language.rawValue)"
        guard let parsedTemplate = parsed[name] ?? parsed["\(template).id"] else {
            throw DeliveryError("no message template \(name) in this build", permanent: true)
        }
        let rendered = try parsedTemplate.get().render(values)
        // The first line is the summary, then a line of three dashes, then the body. Split
        // and trimmed by hand: Foundation's components(separatedBy:) and trimming took a
        // sixth of a worker's CPU time (make bench, dispatch).
        let (summary, rest) = split(rendered[...], at: "\n---\n")
        let subject = trimmed(summary) { $0.properties.isWhitespace }
        let body = rest.map { trimmed($0) { Self.isNewline($0) } } ?? ""
        return ReminderMessage(subject: subject, text: body + "\n")
    }

    /// The text before the first `separator`, and the text after it (nil without one).
    static func split(_ text: Substring, at separator: String) -> (Substring, Substring?) {
        let bytes = text.utf8
        let pattern = Array(separator.utf8)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == pattern[0], bytes[index...].starts(with: pattern) {
                let after = bytes.index(index, offsetBy: pattern.count)
                return (text[..<index], text[after...])
            }
            bytes.formIndex(after: &index)
        }
        return (text, nil)
    }

    /// `text` without the leading and trailing characters whose scalars all match.
    private static func trimmed(_ text: Substring, _ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }), let last = scalars.lastIndex(where: { !drop($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// What Foundation's `CharacterSet.newlines` holds.
    private static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }
}

/// Renders the messages of one batch, each distinct text once. The reminders of one session
/// differ only in the recipient's name, so the template runs once per session and language,
/// with a placeholder for the name, which is put in afterwards: rendering every message in
/// full was a third of a worker's CPU time (make bench, dispatch).
struct BatchRenderer {
    /// Signs the opt-out link each message carries; nil without a public address.
    var optOut: OptOutLinks?
    /// A rendered message cut at the placeholder, to be joined with the recipient's name.
    private struct Pieces {
        var subject: [Substring]
        var text: [Substring]
    }

    private struct Key: Hashable {
        var template: String
        var language: Language
        var values: [String: String]
    }

    private var rendered: [Key: Pieces] = [:]
    private var zones: [String: RegionZone] = [:]
    /// PostgreSQL text cannot hold NUL, so no value from the database contains this.
    private static let placeholder = "\u{0}recipient\u{0}"

    mutating func render(_ template: String, language: Language, values: [String: String]) throws(DeliveryError) -> ReminderMessage {
        guard let recipient = values["recipient"] else {
            return try ReminderMessage.render(template, language: language, values: values)
        }
        var shared = values
        shared["recipient"] = Self.placeholder
        let key = Key(template: template, language: language, values: shared)
        let pieces: Pieces
        if let cached = rendered[key] {
            pieces = cached
        } else {
            let message = try ReminderMessage.render(template, language: language, values: shared)
            pieces = Pieces(subject: Self.cut(message.subject), text: Self.cut(message.text))
            rendered[key] = pieces
        }
        return ReminderMessage(subject: pieces.subject.joined(separator: recipient), text: pieces.text.joined(separator: recipient))
    }

    /// The zone of a session or region, looked up once per batch (TimeZone's lookup is not
    /// free); Jakarta for one this system's tz database does not know.
    mutating func zone(_ identifier: String?) -> RegionZone {
        let identifier = identifier ?? RegionZone.jakarta.identifier
        if let zone = zones[identifier] { return zone }
        let zone = (try? RegionZone(identifier: identifier)) ?? .jakarta
        zones[identifier] = zone
        return zone
    }

    private static func cut(_ text: String) -> [Substring] {
        var pieces: [Substring] = []
        var rest = text[...]
        while true {
            let (before, after) = ReminderMessage.split(rest, at: placeholder)
            pieces.append(before)
            guard let after else { return pieces }
            rest = after
        }
    }
}

/// The JSON a reminder becomes on the log and webhook channels: stable, documented fields
/// (docs/reminders.md).
public struct ReminderPayload: Sendable, Codable {
    public struct Recipient: Sendable, Codable {
        public var key: String
        public var name: String
        public var email: String?
        public var language: String
    }

    public struct Session: Sendable, Codable {
        public var id: Int64
        public var title: String
        public var format: String
        public var startsAt: Date
        public var endsAt: Date
        public var timeZone: String
        public var zoneLabel: String
        /// "Kamis, 10 April 2025 pukul 09.00 WIT", in the recipient's language.
        public var localTime: String
        public var venue: String?
        public var url: String?
        public var version: Int

        enum CodingKeys: String, CodingKey {
            case id, title, format, startsAt = "starts_at", endsAt = "ends_at", timeZone = "time_zone", zoneLabel = "zone_label"
            case localTime = "local_time", venue, url, version
        }
    }

    public var idempotencyKey: String
    public var reminderId: Int64
    public var kind: String
    public var channel: String
    public var dueAt: Date
    public var deliveredAt: Date?
    public var recipient: Recipient
    public var taskForce: String?
    public var session: Session?
    /// For a change or cancellation notice: the session as the person was last told it.
    public var previous: Session?
    /// For a cancellation notice: why, as the coordinator wrote it.
    public var reason: String?
    public var decreeNumber: String?
    public var regionCode: String?
    public var subject: String
    public var text: String
    public var links: [String: String]

    // The JSON names spelled out rather than derived by JSONEncoder's snake-case strategy,
    // which converted every key of every reminder again (a tenth of a worker's CPU).
    enum CodingKeys: String, CodingKey {
        case idempotencyKey = "idempotency_key", reminderId = "reminder_id", kind, channel, dueAt = "due_at"
        case deliveredAt = "delivered_at", recipient, taskForce = "task_force", session, previous, reason
        case decreeNumber = "decree_number", regionCode = "region_code", subject, text, links
    }
}
