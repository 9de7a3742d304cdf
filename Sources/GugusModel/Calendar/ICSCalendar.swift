import Foundation

/// One outreach session as a calendar event.
///
/// Times are instants plus the zone they are read in, so that a participant's calendar shows
/// "09:00" in Ternate's zone whatever zone the participant's own device is set to.
public struct ICSEvent: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case confirmed = "CONFIRMED"
        case tentative = "TENTATIVE"
        /// Kept in the feed rather than dropped, so that subscribed calendars remove the event
        /// instead of keeping a stale copy.
        case cancelled = "CANCELLED"
    }

    /// Stable for the life of the session: calendars match updates to events by it.
    public var uid: String
    /// Grows with every change, so calendars take the newest version of the event.
    public var sequence: Int
    public var summary: String
    public var description: String?
    public var location: String?
    public var url: URL?
    public var start: Date
    /// After `start`, as RFC 5545 requires; the session model guarantees it.
    public var end: Date
    public var zone: RegionZone
    public var status: Status
    public var created: Date?
    public var lastModified: Date?
    /// When this copy of the event was produced. Passed in, not read from the clock, so the
    /// same data always renders the same bytes (and the same HTTP ETag).
    public var dtstamp: Date
    /// For an invitation sent by e-mail (`METHOD:REQUEST` or `CANCEL`): who sends it and to
    /// whom, as RFC 5546 requires of those methods. Feeds leave both out.
    public var organizer: MailContact?
    public var attendee: MailContact?

    /// A name and an e-mail address, as ORGANIZER and ATTENDEE carry them.
    public struct MailContact: Sendable, Hashable {
        public var name: String?
        public var email: String

        public init(name: String?, email: String) {
            self.name = name
            self.email = email
        }
    }

    public init(
        uid: String, sequence: Int, summary: String, description: String? = nil,
        location: String? = nil, url: URL? = nil, start: Date, end: Date, zone: RegionZone,
        status: Status = .confirmed, created: Date? = nil, lastModified: Date? = nil, dtstamp: Date
    ) {
        self.uid = uid
        self.sequence = sequence
        self.summary = summary
        self.description = description
        self.location = location
        self.url = url
        self.start = start
        self.end = end
        self.zone = zone
        self.status = status
        self.created = created
        self.lastModified = lastModified
        self.dtstamp = dtstamp
    }
}

extension ICSEvent {
    /// An outreach session as an event: the same UID and SEQUENCE in the feeds, in e-mail
    /// invitations and in their updates, so a calendar app updates the one entry in place.
    public static func session(
        id: Int64, title: String, format: String, mode: String, taskForceName: String, status: OutreachSession.Status,
        cancelReason: String?, notes: String?, venue: String?, onlineURL: String?, start: Date, end: Date, zone: RegionZone,
        version: Int, created: Date?, lastModified: Date
    ) -> ICSEvent {
        var description = "\(format.capitalized) · \(mode) · \(taskForceName)"
        if let notes { description += "\n\n\(notes)" }
        if status == .cancelled, let cancelReason { description += "\n\nDibatalkan / Cancelled: \(cancelReason)" }
        return ICSEvent(
            uid: "session-\(id)@gugus.stranas-bham", sequence: version, summary: title, description: description,
            location: venue, url: onlineURL.flatMap(URL.init(string:)), start: start, end: end, zone: zone,
            status: status == .cancelled ? .cancelled : .confirmed, created: created, lastModified: lastModified,
            dtstamp: lastModified)
    }
}

/// An iCalendar (RFC 5545) feed of sessions, for `session ics` and `calendar.ics`, or one
/// event sent by e-mail as an invitation (RFC 5546's REQUEST) or its cancellation (CANCEL).
///
/// Written by hand: Gugus needs only events and fixed-offset zones, and the rules calendar
/// clients are strict about are few and tested here (CRLF line ends, folding at 75 octets
/// without splitting a UTF-8 character, TEXT escaping, a VTIMEZONE for every TZID used).
public struct ICSCalendar: Sendable, Hashable {
    public static let defaultProductID = "-//Gugus//Stranas BHAM//ID"

    /// Shown by clients as the subscribed calendar's name (X-WR-CALNAME).
    public var name: String
    /// Written in the order given.
    public var events: [ICSEvent]
    public var productID: String
    public var method: Method

    /// What the calendar is for (RFC 5546): a feed to subscribe to, an invitation or an
    /// update of one, or a cancellation.
    public enum Method: String, Sendable, Hashable {
        case publish = "PUBLISH"
        case request = "REQUEST"
        case cancel = "CANCEL"
    }

    public init(name: String, events: [ICSEvent], productID: String = ICSCalendar.defaultProductID, method: Method = .publish) {
        self.name = name
        self.events = events
        self.productID = productID
        self.method = method
    }

    /// The whole feed. The same calendar always renders to the same text.
    public func render() -> String {
        let zones = fixedOffsetZones()
        var out = ContentLines()
        out.append("BEGIN", "VCALENDAR")
        out.append("VERSION", "2.0")
        out.append("PRODID", text: productID)
        out.append("CALSCALE", "GREGORIAN")
        out.append("METHOD", method.rawValue)
        out.append("X-WR-CALNAME", text: name)
        for (zone, since) in zones.sorted(by: { $0.key.identifier < $1.key.identifier }) {
            out.appendTimeZone(zone, at: since)
        }
        for event in events {
            out.appendEvent(event, fixedOffset: zones[event.zone] != nil)
        }
        out.append("END", "VCALENDAR")
        return out.text
    }

    /// The zones whose events are written as local times with a TZID, each with the earliest
    /// instant it is used at.
    ///
    /// A zone qualifies when its offset does not change from its first event on, which is
    /// true of Indonesia's zones. The VTIMEZONE can then be a single STANDARD rule. Events in
    /// a zone with daylight saving are written in UTC instead: still exact, and no
    /// transition rules have to be reproduced.
    private func fixedOffsetZones() -> [RegionZone: Date] {
        var earliest: [RegionZone: Date] = [:]
        for event in events {
            earliest[event.zone] = min(earliest[event.zone] ?? event.start, event.start)
        }
        return earliest.filter { zone, since in
            // Despite its name this reports every change of offset, not only daylight saving
            // (it returns Pontianak's 1988 move from UTC+8 to UTC+7).
            zone.timeZone.nextDaylightSavingTimeTransition(after: since) == nil
        }
    }
}

/// Accumulates content lines, each folded and ended with CRLF as it is added.
private struct ContentLines {
    private(set) var text = ""

    /// The longest a physical line may be, in octets, not counting its CRLF (RFC 5545 §3.1).
    static let maximumOctets = 75

    /// A property whose value is already in its final form (numbers, dates, URIs, fixed words).
    mutating func append(_ name: String, _ value: String) {
        fold("\(name):\(value)")
    }

    /// A TEXT property, escaped.
    mutating func append(_ name: String, text value: String) {
        append(name, Self.escape(value))
    }

    mutating func appendTimeZone(_ zone: RegionZone, at instant: Date) {
        let offset = Self.utcOffset(zone.secondsFromGMT(at: instant))
        append("BEGIN", "VTIMEZONE")
        append("TZID", zone.identifier)
        append("BEGIN", "STANDARD")
        append("DTSTART", "19700101T000000")
        append("TZOFFSETFROM", offset)
        append("TZOFFSETTO", offset)
        append("TZNAME", text: zone.label(at: instant))
        append("END", "STANDARD")
        append("END", "VTIMEZONE")
    }

    mutating func appendEvent(_ event: ICSEvent, fixedOffset: Bool) {
        append("BEGIN", "VEVENT")
        append("UID", text: event.uid)
        append("SEQUENCE", String(event.sequence))
        append("DTSTAMP", Self.utc(event.dtstamp))
        if fixedOffset {
            // An IANA name never contains the characters that would need the parameter quoted.
            append("DTSTART;TZID=\(event.zone.identifier)", Self.local(event.start, in: event.zone))
            append("DTEND;TZID=\(event.zone.identifier)", Self.local(event.end, in: event.zone))
        } else {
            append("DTSTART", Self.utc(event.start))
            append("DTEND", Self.utc(event.end))
        }
        append("SUMMARY", text: event.summary)
        if let description = event.description {
            append("DESCRIPTION", text: description)
        }
        if let location = event.location {
            append("LOCATION", text: location)
        }
        if let url = event.url {
            append("URL", url.absoluteString)
        }
        append("STATUS", event.status.rawValue)
        if let created = event.created {
            append("CREATED", Self.utc(created))
        }
        if let lastModified = event.lastModified {
            append("LAST-MODIFIED", Self.utc(lastModified))
        }
        if let organizer = event.organizer {
            append("ORGANIZER" + Self.commonName(organizer.name), "mailto:\(organizer.email)")
        }
        if let attendee = event.attendee {
            append("ATTENDEE" + Self.commonName(attendee.name) + ";ROLE=REQ-PARTICIPANT;RSVP=FALSE", "mailto:\(attendee.email)")
        }
        append("END", "VEVENT")
    }

    /// Splits a logical line into physical lines of at most 75 octets, breaking only between
    /// Unicode scalars so that no UTF-8 sequence is cut; each continuation starts with a space,
    /// which counts towards its 75.
    private mutating func fold(_ line: String) {
        var octets = 0
        for scalar in line.unicodeScalars {
            let width = UTF8.width(scalar)
            if octets + width > Self.maximumOctets {
                text += "\r\n "
                octets = 1
            }
            text.unicodeScalars.append(scalar)
            octets += width
        }
        text += "\r\n"
    }

    /// RFC 5545 TEXT escaping. Line breaks of any style become `\n`; other control characters,
    /// which TEXT does not allow, are dropped rather than let a pasted value break the feed.
    static func escape(_ value: String) -> String {
        var escaped = ""
        var scalars = value.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\r":
                if pending == "\n" { pending = scalars.next() }
                escaped += "\\n"
            case "\n", "\u{2028}", "\u{2029}": escaped += "\\n"
            case "\t": escaped.unicodeScalars.append(scalar)
            case _ where scalar.properties.generalCategory == .control: break
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `;CN="Name"`: a quoted parameter value, which may hold any character but DQUOTE and
    /// controls (RFC 5545 §3.1), so those are dropped.
    static func commonName(_ name: String?) -> String {
        guard let name, !name.isEmpty else { return "" }
        let safe = String(String.UnicodeScalarView(name.unicodeScalars.filter {
            $0 != "\"" && $0.properties.generalCategory != .control
        }))
        return ";CN=\"\(safe)\""
    }

    /// `20250410T020000Z`.
    static func utc(_ instant: Date) -> String {
        local(instant, in: .utc) + "Z"
    }

    /// `20250410T090000`, the form that goes with a TZID.
    static func local(_ instant: Date, in zone: RegionZone) -> String {
        let reading = LocalDateTime(instant, in: zone)
        let date = reading.date.description.filter { $0 != "-" }
        return "\(date)T\(twoDigits(reading.hour))\(twoDigits(reading.minute))\(twoDigits(reading.second))"
    }

    /// `+0900`; with seconds only if the offset has them, as RFC 5545 allows.
    static func utcOffset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        let hhmm = "\(sign)\(twoDigits(magnitude / 3_600))\(twoDigits(magnitude % 3_600 / 60))"
        return magnitude % 60 == 0 ? hhmm : hhmm + twoDigits(magnitude % 60)
    }
}
