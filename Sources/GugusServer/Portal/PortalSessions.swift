import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Scheduling a session and changing it (issue 12): `/regions/{code}/sessions/new` and a POST
/// to `/regions/{code}/sessions`; on the session's page, POSTs to `/sessions/{id}/reschedule`,
/// `/cancel` and `/complete`. All through the same `Gugus` calls as `gugus session …`, in the
/// province's own time, with the zone beside the field.
extension Portal {
    /// The lengths offered, as `DurationText` reads them, with their words.
    static let durations: [(value: String, id: String, en: String)] = [
        ("30m", "30 menit", "30 minutes"), ("1h", "1 jam", "1 hour"), ("1h30m", "1 jam 30 menit", "1 hour 30 minutes"),
        ("2h", "2 jam", "2 hours"), ("3h", "3 jam", "3 hours"), ("4h", "4 jam", "4 hours"), ("6h", "6 jam", "6 hours"),
        ("8h", "8 jam (sehari penuh)", "8 hours (a full day)"),
    ]

    static let zones: [RegionZone] = [.jakarta, .makassar, .jayapura]

    static func zoneOptions(chosen: String, language: Language) -> [Option] {
        zones.map { zone in Option(value: zone.identifier, label: "\(zone.label) (\(zone.identifier))", selected: zone.identifier == chosen) }
    }

    /// Date, time and zone: the fields a start takes, the zone the province's unless another was chosen.
    static func startFields(_ sent: SentForm?, zone: RegionZone, language: Language) -> [FormField] {
        let t = { (key: String) in PortalText.word(key, language) }
        let chosen = sent?.optional("tz") ?? zone.identifier
        var fields = [
            FormField.date("date", t("sessionDate")),
            FormField(name: "time", label: t("sessionTime"), hint: t("sessionTimeHint"), isText: true, isShort: true),
            FormField(name: "tz", label: t("sessionZone"), hint: "\(t("sessionZoneHint")) \(zone.label).", isSelect: true,
                      options: zoneOptions(chosen: chosen, language: language)),
        ]
        keep(sent, in: &fields)
        return fields
    }

    func sessionFields(_ sent: SentForm?, zone: RegionZone, language: Language) -> [FormField] {
        let t = { (key: String) in PortalText.word(key, language) }
        var fields: [FormField] = [.text("title", t("sessionTitleField"), hint: t("sessionTitleHint"))]
        fields.append(.select("format", t("format"), OutreachSession.Format.allCases.map { ($0.rawValue, t("format_\($0.rawValue)")) },
                              chosen: "sosialisasi", sent: sent))
        fields += Self.startFields(sent, zone: zone, language: language)
        fields.append(.select("duration", t("duration"), Self.durations.map { ($0.value, language == .id ? $0.id : $0.en) }, chosen: "3h", sent: sent))
        fields.append(.select("mode", t("mode"), OutreachSession.Mode.allCases.map { ($0.rawValue, t("mode_\($0.rawValue)")) }, chosen: "luring", sent: sent))
        fields.append(.text("venue", t("venue"), hint: t("venueHint"), optional: true))
        fields.append(.text("online_url", t("onlineURL"), hint: t("onlineURLHint"), optional: true))
        var capacity = FormField.text("capacity", t("capacity"), hint: t("capacityHint"), optional: true)
        capacity.isShort = true
        fields.append(capacity)
        fields.append(.text("notes", t("notes"), optional: true))
        Self.keep(sent, in: &fields)
        return fields
    }

    func sessionForm(
        _ request: Request, _ visitor: Visitor, code: String, sent: SentForm? = nil, error: GugusError? = nil, clashes: [OutreachSession] = []
    ) async throws -> Response {
        let language = visitor.language
        let taskForce = try await writableTaskForce(try gugus(for: visitor), code: code)
        return regionFormPage(
            request, visitor, code: code, regionName: taskForce.regionName ?? taskForce.name,
            heading: PortalText.word("scheduleSession", language), lead: PortalText.word("scheduleSessionLead", language),
            action: "/regions/\(code)/sessions", fields: sessionFields(sent, zone: taskForce.zone, language: language), error: error,
            fallback: "title", clashWarning: Self.clashWarning(clashes, language: language))
    }

    func newSessionPage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        try await sessionForm(request, visitor, code: context.parameters.get("code") ?? "")
    }

    /// `date` and `time` as `LocalTime.parse` reads them; `09.00`, as Indonesians write it, too.
    static func starts(_ sent: SentForm) throws(GugusError) -> String {
        var problems: [GugusError.FieldError] = []
        if sent["date"].isEmpty {
            problems.append(.init(field: "date", value: nil, message: Localized(id: "tanggal wajib diisi (TTTT-BB-HH)", en: "the date is required (YYYY-MM-DD)")))
        } else {
            do { _ = try CivilDate.parse(sent["date"], field: "date") } catch {
                problems += error.fieldErrors.isEmpty ? [.init(field: "date", value: sent["date"], message: error.message)] : error.fieldErrors
            }
        }
        let time = sent["time"].replacingOccurrences(of: ".", with: ":")
        if time.wholeMatch(of: /([01]?[0-9]|2[0-3]):[0-5][0-9]/) == nil {
            problems.append(.init(field: "time", value: sent["time"], message: Localized(
                id: "jam '\(sent["time"])' tidak terbaca; tulis seperti 09.00 atau 14.30",
                en: "the time '\(sent["time"])' cannot be read; write it like 09.00 or 14.30")))
        }
        guard problems.isEmpty else {
            throw GugusError.invalid(problems)
        }
        return "\(sent["date"]) \(time.count == 4 ? "0" + time : time)"
    }

    func scheduleSession(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let sent = try await Self.checkedForm(request, visitor)
        do {
            let capacity: Int?
            if let text = sent.optional("capacity") {
                guard let number = Int(text) else {
                    throw GugusError.invalid(field: "capacity", value: text, Localized(
                        id: "kapasitas '\(text)' bukan bilangan; tulis jumlah orang, misalnya 40",
                        en: "capacity '\(text)' is not a number; write a number of people, e.g. 40"))
                }
                capacity = number
            } else {
                capacity = nil
            }
            let taskForce = try await writableTaskForce(gugus, code: code)
            let clashing = try await unacceptedClashes(
                sent, gugus: gugus, taskForce: taskForce.id, zone: taskForce.zone, venue: sent.optional("venue"),
                length: (try? DurationText(parsing: sent["duration"], field: "duration"))?.timeInterval)
            guard clashing.isEmpty else {
                return try await sessionForm(request, visitor, code: code, sent: sent, clashes: clashing)
            }
            let session = try await gugus.scheduleSession(NewSession(
                taskForce: .region(code), title: sent["title"], starts: try Self.starts(sent),
                duration: try DurationText(parsing: sent["duration"], field: "duration"), timeZone: sent.optional("tz"),
                format: try OutreachSession.Format.parse(sent["format"], field: "format"),
                mode: try OutreachSession.Mode.parse(sent["mode"], field: "mode"),
                venue: sent.optional("venue"), onlineUrl: sent.optional("online_url"), capacity: capacity, notes: sent.optional("notes")))
            return Self.redirect("/sessions/\(session.id)?done=scheduled")
        } catch let error as GugusError where error.kind == .invalid || error.kind == .conflict {
            return try await sessionForm(request, visitor, code: code, sent: sent, error: error)
        }
    }

    // MARK: Clashes

    /// A clash found before a session is scheduled or moved, shown above its form; the form
    /// gains a box to tick to schedule it anyway.
    struct ClashWarning: PortalView {
        var clashes: [SessionLine]
    }

    static func clashWarning(_ clashes: [OutreachSession], language: Language) -> ClashWarning? {
        clashes.isEmpty ? nil : ClashWarning(clashes: clashes.map { line($0, region: nil, language: language) })
    }

    static func acceptClashField(_ language: Language) -> FormField {
        FormField(name: "accept_clash", label: PortalText.word("acceptClash", language), isCheckbox: true)
    }

    /// The clashes of the time a form proposes, unless it says to schedule anyway. A time
    /// that cannot be read yet has none: the call that follows says what is wrong with it.
    func unacceptedClashes(
        _ sent: SentForm, gugus: DatabaseGugus, taskForce: Int64, zone: RegionZone, venue: String?, length: TimeInterval?,
        excluding id: Int64? = nil
    ) async throws -> [OutreachSession] {
        guard sent["accept_clash"] != "1", let length, let text = try? Self.starts(sent) else { return [] }
        let chosen = sent.optional("tz").map { identifier in try? RegionZone(identifier: identifier, field: "tz") }
        guard let zone = chosen ?? zone, let starts = try? LocalTime.parse(text, in: zone, field: "starts") else { return [] }
        return try await gugus.clashingSessions(taskForce: taskForce, venue: venue, from: starts, to: starts.addingTimeInterval(length), excluding: id)
    }

    // MARK: Changing a session

    /// Pending reminders of a session, counted to say what a change did to them.
    func pendingReminders(_ gugus: DatabaseGugus, session id: Int64) async throws -> Int {
        try await gugus.all { page in try await gugus.reminders(ReminderQuery(status: .pending, sessionId: id, page: page)) }.count
    }

    func changeSession(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor, action: String) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let id = try context.id()
        let sent = try await Self.checkedForm(request, visitor)
        do {
            switch action {
            case "reschedule":
                let current = try await gugus.session(id: id).session
                // Who may move it is settled before its clashes are looked for: another
                // province's coordinator gets 403, not a warning.
                try gugus.caller.requireWrite(to: try await gugus.taskForce(.id(current.taskForceId)))
                let clashing = try await unacceptedClashes(
                    sent, gugus: gugus, taskForce: current.taskForceId, zone: current.zone, venue: current.venue,
                    length: current.endsAt.timeIntervalSince(current.startsAt), excluding: id)
                guard clashing.isEmpty else {
                    return try await sessionPage(request, context, visitor, sent: sent, action: action, clashes: clashing, status: .conflict)
                }
                _ = try await gugus.rescheduleSession(id: id, SessionChange(starts: try Self.starts(sent), timeZone: sent.optional("tz")))
                let moved = try await pendingReminders(gugus, session: id)
                return Self.redirect("/sessions/\(id)?done=rescheduled&reminders=\(moved)")
            case "cancel":
                let pendingBefore = try await pendingReminders(gugus, session: id)
                _ = try await gugus.cancelSession(id: id, reason: sent.optional("reason"))
                let skipped = pendingBefore - (try await pendingReminders(gugus, session: id))
                return Self.redirect("/sessions/\(id)?done=cancelled&reminders=\(skipped)")
            default:
                _ = try await gugus.completeSession(id: id, notes: sent.optional("notes"), outcome: sent.optional("outcome"))
                return Self.redirect("/sessions/\(id)?done=completed")
            }
        } catch let error as GugusError where error.kind == .invalid || error.kind == .conflict {
            return try await sessionPage(request, context, visitor, sent: sent, action: action, error: error, status: .unprocessableContent)
        }
    }

    /// What a change did, said on the page it leads back to.
    static func sessionNotice(_ request: Request, _ language: Language) -> String? {
        let count = Int(request.uri.queryParameters.get("reminders") ?? "") ?? 0
        switch request.uri.queryParameters.get("done") {
        case "scheduled": return PortalText.word("sessionScheduled", language)
        case "rescheduled":
            return language == .id ? "Sesi dijadwalkan ulang; \(count) pengingat yang menunggu ikut dipindahkan."
                : "Session rescheduled; \(count) waiting reminder\(count == 1 ? "" : "s") moved with it."
        case "cancelled":
            return language == .id ? "Sesi dibatalkan; \(count) pengingat yang menunggu tidak akan dikirim."
                : "Session cancelled; \(count) waiting reminder\(count == 1 ? "" : "s") will not be sent."
        case "completed": return PortalText.word("sessionCompleted", language)
        case "invited":
            let invited = Int(request.uri.queryParameters.get("count") ?? "") ?? 0
            return language == .id ? "\(invited) peserta diundang." : "\(invited) participant\(invited == 1 ? "" : "s") invited."
        default: return nil
        }
    }

    /// The three forms of a scheduled session, the one that was sent keeping what was typed
    /// and its messages.
    func sessionChangeForms(
        _ session: OutreachSession, sent: SentForm?, action: String?, error: GugusError?, clashes: [OutreachSession], language: Language
    ) -> SessionChangeForms {
        let t = { (key: String) in PortalText.word(key, language) }
        var reschedule = Self.startFields(action == "reschedule" ? sent : nil, zone: session.zone, language: language)
        let clashWarning = Self.clashWarning(clashes, language: language)
        if clashWarning != nil { reschedule.append(Self.acceptClashField(language)) }
        if action != "reschedule" {
            // "2025-05-06 09:00 WIT": the date and the time as the fields take them.
            let parts = LocalTime.short(session.startsAt, in: session.zone).split(separator: " ")
            reschedule[0].value = String(parts[0])
            reschedule[1].value = parts[1].replacingOccurrences(of: ":", with: ".")
        }
        var cancel = [FormField.text("reason", t("cancelReason"), hint: t("cancelReasonHint"), optional: true)]
        var complete = [FormField.text("notes", t("notes"), optional: true), FormField.text("outcome", t("outcome"), hint: t("outcomeHint"), optional: true)]
        Self.keep(action == "cancel" ? sent : nil, in: &cancel)
        Self.keep(action == "complete" ? sent : nil, in: &complete)
        var errors: [FieldError] = []
        if let error {
            switch action {
            case "reschedule": errors = Self.place(error, on: &reschedule, fallback: "date", language: language)
            case "cancel": errors = Self.place(error, on: &cancel, fallback: "reason", language: language)
            default: errors = Self.place(error, on: &complete, fallback: "notes", language: language)
            }
        }
        return SessionChangeForms(
            rescheduleAction: "/sessions/\(session.id)/reschedule", rescheduleFields: reschedule,
            cancelAction: "/sessions/\(session.id)/cancel", cancelFields: cancel,
            completeAction: "/sessions/\(session.id)/complete", completeFields: complete, errors: errors, hasErrors: !errors.isEmpty,
            clashWarning: clashWarning)
    }

    // MARK: The session's reminders

    struct ReminderLine: PortalView {
        var recipient: String
        var channel: String
        var due: String
        var state: String
        var stateLabel: String
        var reason: String?
    }

    static func reminderLines(_ reminders: [Reminder], zone: RegionZone, language: Language) -> [ReminderLine] {
        reminders.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }.map { reminder in
            ReminderLine(
                recipient: reminder.recipientName, channel: PortalText.word("channel_\(reminder.channel.rawValue)", language),
                due: LocalTime.long(reminder.dueAt, in: zone, language: language), state: reminder.status.rawValue,
                stateLabel: PortalText.word("reminder_\(reminder.status.rawValue)", language),
                reason: reminder.skipReason.flatMap { skipReason($0, language) })
        }
    }

    /// The database writes why a reminder was skipped in English; in Indonesian the known
    /// reasons are said in Indonesian, and an unknown one is left out rather than shown in English.
    static func skipReason(_ reason: String, _ language: Language) -> String? {
        guard language == .id else { return reason }
        let known: [(prefix: String, id: String)] = [
            ("session cancelled", "sesi dibatalkan"), ("session completed", "sesi selesai"), ("rule removed", "aturannya dihapus"),
            ("recipient no longer in the audience", "penerima tidak lagi termasuk sasaran"),
            ("session starts in the past", "sesi dimulai pada waktu yang sudah lewat"), ("session already started", "sesi sudah dimulai"),
            ("superseded by the cancellation", "diganti pemberitahuan pembatalan"),
            ("superseded by a newer change", "diganti pemberitahuan perubahan yang lebih baru"),
            ("the same person is reminded by reminder", "orang yang sama sudah diingatkan oleh pengingat lain"),
        ]
        return known.first { reason.hasPrefix($0.prefix) }?.id
    }
}
