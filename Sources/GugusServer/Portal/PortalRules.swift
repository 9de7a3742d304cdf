import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// A province's reminder rules (issue 12): `/regions/{code}/reminder-rules` lists the rules
/// that reach its sessions (its own, and the national ones the secretariat set), adds a rule
/// for its sessions and removes one of its own. Through `addReminderRule` and
/// `removeReminderRule`, as `gugus reminder rule …`.
extension Portal {
    struct RulesPage: PortalView {
        var frame: Frame
        var caption: String
        var rules: [RuleLine]
        var action: String
        var fields: [FormField]
        var errors: [FieldError]
        var hasErrors: Bool
    }

    struct RuleLine: PortalView {
        var description: String
        var scope: String
        var removeAction: String?
    }

    /// "1 hari sebelum kegiatan, kepada peserta, lewat surel".
    static func ruleText(_ rule: ReminderRule, _ language: Language) -> String {
        let t = { (key: String) in PortalText.word(key, language) }
        let when: String
        switch rule.kind {
        case .session:
            when = "\(rule.offset.map { durationWords($0, language) } ?? "?") \(t("beforeSession"))"
        case .decreeExpiry:
            when = language == .id ? "\(rule.daysBefore ?? 0) hari sebelum SK berakhir" : "\(rule.daysBefore ?? 0) days before the decree ends"
        case .noTaskForce:
            when = language == .id ? "setiap \(rule.repeatDays ?? 0) hari selama GTD belum terbentuk"
                : "every \(rule.repeatDays ?? 0) days while no GTD is formed"
        case .reportOpens:
            when = language == .id ? "saat periode pelaporan dibuka" : "when a reporting period opens"
        case .reportClosing:
            when = language == .id ? "\(rule.daysBefore ?? 0) hari sebelum periode pelaporan ditutup" : "\(rule.daysBefore ?? 0) days before a reporting period closes"
        case .reportOverdue:
            when = language == .id ? "sehari sesudah periode ditutup, bila laporan belum masuk" : "the day after a period closed, if the report is not in"
        case .reportReturned:
            when = language == .id ? "saat laporan dikembalikan untuk diperbaiki" : "when a report is returned for corrections"
        }
        return "\(when), \(t("to")) \(t("audience_\(rule.audience.rawValue)")), \(t("via")) \(t("channel_\(rule.channel.rawValue)"))"
    }

    /// A rule's offset in words: "1 hari", "2 jam", "1 hari 12 jam".
    static func durationWords(_ duration: DurationText, _ language: Language) -> String {
        var seconds = Int(duration.timeInterval)
        var parts: [String] = []
        for (size, id, en) in [(86_400, "hari", "day"), (3_600, "jam", "hour"), (60, "menit", "minute")] where seconds >= size {
            let count = seconds / size
            seconds %= size
            parts.append(language == .id ? "\(count) \(id)" : "\(count) \(en)\(count == 1 ? "" : "s")")
        }
        return parts.isEmpty ? (language == .id ? "0 menit" : "0 minutes") : parts.joined(separator: " ")
    }

    func ruleFields(_ sent: SentForm?, language: Language) -> [FormField] {
        let t = { (key: String) in PortalText.word(key, language) }
        let offsets = ["1h", "3h", "1d", "2d", "3d", "7d", "14d"].map { value in
            (value, (try? DurationText(parsing: value, field: "offset")).map { Self.durationWords($0, language) } ?? value)
        }
        var fields: [FormField] = [
            .select("offset", t("ruleOffset"), offsets, chosen: "1d", sent: sent),
            .select("audience", t("ruleAudience"), [ReminderRule.Audience.participants, .members, .organizers].map {
                ($0.rawValue, t("audience_\($0.rawValue)"))
            }, chosen: "participants", sent: sent),
            .select("channel", t("channel"), ReminderRule.Channel.allCases.map { ($0.rawValue, t("channel_\($0.rawValue)")) }, chosen: "email", sent: sent),
            .text("webhook_url", t("webhookURL"), hint: t("webhookURLHint"), optional: true),
        ]
        Self.keep(sent, in: &fields)
        return fields
    }

    func rulesPage(_ request: Request, _ visitor: Visitor, code: String, sent: SentForm? = nil, error: GugusError? = nil) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let taskForce = try await writableTaskForce(gugus, code: code)
        let rules = try await gugus.reminderRules().filter { $0.sessionId == nil && ($0.taskForceId == nil || $0.taskForceId == taskForce.id) }
        var fields = ruleFields(sent, language: language)
        let errors = error.map { Self.place($0, on: &fields, fallback: "offset", language: language) } ?? []
        let region = taskForce.regionName ?? taskForce.name
        let heading = PortalText.word("reminderRules", language)
        let notice: String? = switch request.uri.queryParameters.get("done") {
        case "added": PortalText.word("ruleAdded", language)
        case "removed": PortalText.word("ruleRemoved", language)
        default: nil
        }
        let model = RulesPage(
            frame: frame(visitor, request: request, title: heading, crumbs: [Crumb(label: region, href: "/regions/\(code)"), Crumb(label: heading)],
                         notice: notice),
            caption: region,
            rules: rules.map { rule in
                RuleLine(
                    description: Self.ruleText(rule, language),
                    scope: PortalText.word(rule.taskForceId == nil ? "ruleNational" : "ruleRegional", language),
                    removeAction: rule.taskForceId == taskForce.id ? "/regions/\(code)/reminder-rules/\(rule.id)/remove" : nil)
            },
            action: "/regions/\(code)/reminder-rules", fields: fields, errors: errors, hasErrors: !errors.isEmpty)
        return page("rules", model, visitor: visitor, status: error == nil ? .ok : .unprocessableContent)
    }

    func reminderRulesPage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        try await rulesPage(request, visitor, code: context.parameters.get("code") ?? "")
    }

    func addRule(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let sent = try await Self.checkedForm(request, visitor)
        do {
            _ = try await gugus.addReminderRule(NewReminderRule(
                offset: try DurationText(parsing: sent["offset"], field: "offset"),
                audience: try ReminderRule.Audience.parse(sent["audience"], field: "audience"),
                channel: try ReminderRule.Channel.parse(sent["channel"], field: "channel"), webhookUrl: sent.optional("webhook_url"),
                taskForce: .region(code)))
            return Self.redirect("/regions/\(code)/reminder-rules?done=added")
        } catch let error as GugusError where error.kind == .invalid || error.kind == .conflict {
            return try await rulesPage(request, visitor, code: code, sent: sent, error: error)
        }
    }

    func removeRule(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let fields = try await Self.form(request)
        try Self.checkForm(fields, expected: visitor.session?.csrfToken)
        let taskForce = try await gugus.taskForce(.region(code))
        let id = try context.id()
        // Only this region's own rules from this page; a national rule is the secretariat's.
        guard try await gugus.reminderRules().contains(where: { $0.id == id && $0.taskForceId == taskForce.id }) else {
            throw GugusError.notFound(Localized(
                id: "tidak ada aturan pengingat \(id) milik wilayah \(code)", en: "region \(code) has no reminder rule \(id)"))
        }
        _ = try await gugus.removeReminderRule(id: id)
        return Self.redirect("/regions/\(code)/reminder-rules?done=removed")
    }
}
