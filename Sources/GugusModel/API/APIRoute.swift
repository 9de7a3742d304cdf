/// One operation of the HTTP API: its method and its path as `docs/openapi.yaml` writes it
/// (`/v1/taskforces/{id}/decrees`). The server registers its handlers from these, the
/// client builds its requests from them, and a test holds both to the document, so a path is
/// written once.
public struct APIRoute: Sendable, Hashable, CustomStringConvertible {
    public enum Method: String, Sendable, Hashable {
        case get = "GET", post = "POST", delete = "DELETE"
    }

    public let method: Method
    /// With `{name}` for each path parameter, as in the OpenAPI document.
    public let template: String

    init(_ method: Method, _ template: String) {
        self.method = method
        self.template = template
    }

    public var description: String { "\(method.rawValue) \(template)" }

    /// The names of the path parameters, in order.
    public var parameters: [String] {
        template.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    /// The path with each parameter filled in, in order, percent-escaped.
    public func path(_ values: String...) -> String {
        path(values)
    }

    public func path(_ values: [String]) -> String {
        precondition(values.count == parameters.count, "\(self) takes \(parameters.count) path values, not \(values.count)")
        var remaining = values[...]
        return template.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            guard part.hasPrefix("{") && part.hasSuffix("}"), let value = remaining.popFirst() else { return String(part) }
            return Self.escape(value)
        }.joined(separator: "/")
    }

    /// Unreserved characters stay; everything else is percent-encoded (RFC 3986).
    public static func escape(_ value: String) -> String {
        var escaped = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                escaped += "%"
                escaped.unicodeScalars.append(digits[Int(byte >> 4)])
                escaped.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return escaped
    }
}

extension APIRoute {
    /// The process is alive
    public static let health = APIRoute(.get, "/healthz")
    /// The server can serve (its database answers)
    public static let readiness = APIRoute(.get, "/readyz")
    /// Prometheus metrics
    public static let metrics = APIRoute(.get, "/metrics")
    /// This document
    public static let openAPIDocument = APIRoute(.get, "/openapi.yaml")
    /// Regions (the 38 provinces)
    public static let listRegions = APIRoute(.get, "/v1/regions")
    /// Every province's status and the national coverage
    public static let nationalStatus = APIRoute(.get, "/v1/status")
    /// One region's task-force status
    public static let regionStatus = APIRoute(.get, "/v1/regions/{code}/status")
    /// Task forces
    public static let listTaskForces = APIRoute(.get, "/v1/taskforces")
    /// Form a task force (GTD for a region, or the national GTN)
    public static let createTaskForce = APIRoute(.post, "/v1/taskforces")
    /// One task force
    public static let getTaskForce = APIRoute(.get, "/v1/taskforces/{id}")
    /// Decrees, of every task force or one
    public static let listDecrees = APIRoute(.get, "/v1/decrees")
    /// A task force's decrees
    public static let listTaskForceDecrees = APIRoute(.get, "/v1/taskforces/{id}/decrees")
    /// Register a decree (SK)
    public static let addDecree = APIRoute(.post, "/v1/taskforces/{id}/decrees")
    /// A task force's members on a date
    public static let listMembers = APIRoute(.get, "/v1/taskforces/{id}/members")
    /// Add a member
    public static let addMember = APIRoute(.post, "/v1/taskforces/{id}/members")
    /// Import a roster from CSV
    public static let importMembers = APIRoute(.post, "/v1/taskforces/{id}/members/import")
    /// End a membership (the history is kept)
    public static let endMember = APIRoute(.post, "/v1/members/{id}/end")
    /// Outreach sessions, of every task force or one
    public static let listSessions = APIRoute(.get, "/v1/sessions")
    /// A task force's outreach sessions
    public static let listTaskForceSessions = APIRoute(.get, "/v1/taskforces/{id}/sessions")
    /// Schedule a session
    public static let scheduleSession = APIRoute(.post, "/v1/taskforces/{id}/sessions")
    /// A session with its participants
    public static let getSession = APIRoute(.get, "/v1/sessions/{id}")
    /// Move a scheduled session, or change its place or size
    public static let rescheduleSession = APIRoute(.post, "/v1/sessions/{id}/reschedule")
    /// Cancel a scheduled session
    public static let cancelSession = APIRoute(.post, "/v1/sessions/{id}/cancel")
    /// Mark a session as held
    public static let completeSession = APIRoute(.post, "/v1/sessions/{id}/complete")
    /// A session's participants
    public static let listParticipants = APIRoute(.get, "/v1/sessions/{id}/participants")
    /// Invite a member, all current members, or an outside guest
    public static let inviteParticipants = APIRoute(.post, "/v1/sessions/{id}/participants")
    /// Record that a participant attended
    public static let recordAttendance = APIRoute(.post, "/v1/sessions/{id}/participants/{participant}/attend")
    /// Withdraw a participant's invitation
    public static let cancelParticipant = APIRoute(.post, "/v1/sessions/{id}/participants/{participant}/cancel")
    /// A session as an iCalendar event
    public static let sessionCalendar = APIRoute(.get, "/v1/sessions/{id}/calendar.ics")
    /// A task force's sessions as an iCalendar feed
    public static let taskForceCalendar = APIRoute(.get, "/v1/taskforces/{id}/calendar.ics")
    /// Reminder rules in force
    public static let listReminderRules = APIRoute(.get, "/v1/reminder-rules")
    /// Add a reminder rule
    public static let addReminderRule = APIRoute(.post, "/v1/reminder-rules")
    /// Remove a reminder rule
    public static let removeReminderRule = APIRoute(.delete, "/v1/reminder-rules/{id}")
    /// Planned and delivered reminders
    public static let listReminders = APIRoute(.get, "/v1/reminders")
    /// The audit log
    public static let listAudit = APIRoute(.get, "/v1/audit")
    /// Access tokens (admin)
    public static let listTokens = APIRoute(.get, "/v1/tokens")
    /// Issue an access token (admin)
    public static let issueToken = APIRoute(.post, "/v1/tokens")
    /// Revoke an access token (admin)
    public static let revokeToken = APIRoute(.post, "/v1/tokens/{id}/revoke")

    /// People who sign in to the portal (admin)
    public static let listUsers = APIRoute(.get, "/v1/users")
    /// Give a person a portal account (admin)
    public static let addUser = APIRoute(.post, "/v1/users")
    /// Disable a portal account (admin); its sessions end
    public static let disableUser = APIRoute(.post, "/v1/users/{id}/disable")

    /// Everything held about one person (admin); the export is audited
    public static let exportPerson = APIRoute(.post, "/v1/persons/export")
    /// Correct a person's contact details everywhere (admin)
    public static let correctPerson = APIRoute(.post, "/v1/persons/correct")
    /// Erase a person's contact details, and on request the name (admin)
    public static let erasePerson = APIRoute(.post, "/v1/persons/erase")
    /// Apply the retention periods, or list what they would erase (admin)
    public static let applyRetention = APIRoute(.post, "/v1/persons/retention")

    /// A programme's Aksi BHAM actions
    public static let listReportActions = APIRoute(.get, "/v1/report-actions")
    /// Load a programme's actions from CSV (admin), all or nothing
    public static let importReportActions = APIRoute(.post, "/v1/report-actions/import")
    /// Reporting periods, with their extensions
    public static let listReportPeriods = APIRoute(.get, "/v1/report-periods")
    /// Add a reporting period (admin)
    public static let addReportPeriod = APIRoute(.post, "/v1/report-periods")
    /// Extend a period, for every region or one (admin)
    public static let extendReportPeriod = APIRoute(.post, "/v1/report-periods/{period}/extend")
    /// The national recap of a period: per action, who reported and what
    public static let reportRecap = APIRoute(.get, "/v1/report-periods/{period}/recap")
    /// The national recap as CSV
    public static let reportRecapCSV = APIRoute(.get, "/v1/report-periods/{period}/recap.csv")
    /// A task force's report for a period
    public static let getReport = APIRoute(.get, "/v1/taskforces/{id}/reports/{period}")
    /// Write an entry's achievement, value, progress or inputs
    public static let setReportEntry = APIRoute(.post, "/v1/taskforces/{id}/reports/{period}/entries/{action}")
    /// Add a link or a completed session as evidence
    public static let addReportEvidence = APIRoute(.post, "/v1/taskforces/{id}/reports/{period}/entries/{action}/evidence")
    /// Add a file as evidence (the body is the file)
    public static let addReportEvidenceFile = APIRoute(.post, "/v1/taskforces/{id}/reports/{period}/entries/{action}/evidence/file")
    /// Remove evidence, or a proposed session
    public static let removeReportEvidence = APIRoute(.post, "/v1/taskforces/{id}/reports/{period}/entries/{action}/evidence/remove")
    /// A reviewer's score and note on an entry
    public static let reviewReportEntry = APIRoute(.post, "/v1/taskforces/{id}/reports/{period}/entries/{action}/review")
    /// An evidence file's bytes
    public static let getEvidenceFile = APIRoute(.get, "/v1/taskforces/{id}/reports/{period}/evidence/{evidence}")
    /// Submit a report (it is locked until a reviewer returns it)
    public static let submitReport = APIRoute(.post, "/v1/taskforces/{id}/reports/{period}/submit")
    /// Return a submitted report for corrections (reviewer)
    public static let returnReport = APIRoute(.post, "/v1/taskforces/{id}/reports/{period}/return")
    /// Verify a submitted report (reviewer)
    public static let verifyReport = APIRoute(.post, "/v1/taskforces/{id}/reports/{period}/verify")

    /// Every operation, in the order of the document.
    public static let all: [APIRoute] = [
        health, readiness, metrics, openAPIDocument, listRegions, nationalStatus, regionStatus, listTaskForces, createTaskForce, getTaskForce, listDecrees, listTaskForceDecrees, addDecree, listMembers, addMember, importMembers, endMember, listSessions, listTaskForceSessions, scheduleSession, getSession, rescheduleSession, cancelSession, completeSession, listParticipants, inviteParticipants, recordAttendance, cancelParticipant, sessionCalendar, taskForceCalendar, listReminderRules, addReminderRule, removeReminderRule, listReminders, listAudit, listTokens, issueToken, revokeToken, listUsers, addUser, disableUser,
        exportPerson, correctPerson, erasePerson, applyRetention,
        listReportActions, importReportActions, listReportPeriods, addReportPeriod, extendReportPeriod, reportRecap, reportRecapCSV,
        getReport, setReportEntry, addReportEvidence, addReportEvidenceFile, removeReportEvidence, reviewReportEntry, getEvidenceFile,
        submitReport, returnReport, verifyReport,
    ]
}
