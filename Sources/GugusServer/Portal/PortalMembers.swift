import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Adding a member and ending a membership (issue 12): `/regions/{code}/members/new` and
/// `/regions/{code}/members/{id}/end`, through `addMember` and `endMember` as
/// `gugus member add` and `gugus member end` do. History is kept: an ended membership stays
/// in the roster of earlier dates.
extension Portal {
    func memberFields(_ sent: SentForm?, language: Language) -> [FormField] {
        let t = { (key: String) in PortalText.word(key, language) }
        var fields: [FormField] = [
            .text("name", t("name"), hint: t("memberNameHint")),
            .select("role", t("role"), MemberRole.allCases.map { ($0.rawValue, Self.roleName($0, language)) }, chosen: MemberRole.anggota.rawValue, sent: sent),
            .text("position", t("position"), hint: t("positionHint")),
            .text("institution", t("institution"), hint: t("institutionHint")),
            .text("email", t("email"), optional: true),
            .text("phone", t("phone"), hint: t("phoneHint"), optional: true),
            .date("from", t("memberFrom"), hint: t("memberFromHint"), optional: true),
        ]
        Self.keep(sent, in: &fields)
        return fields
    }

    func memberForm(_ request: Request, _ visitor: Visitor, code: String, sent: SentForm? = nil, error: GugusError? = nil) async throws -> Response {
        let language = visitor.language
        let taskForce = try await writableTaskForce(try gugus(for: visitor), code: code)
        return regionFormPage(
            request, visitor, code: code, regionName: taskForce.regionName ?? taskForce.name, heading: PortalText.word("addMember", language),
            lead: PortalText.word("addMemberLead", language), action: "/regions/\(code)/members", fields: memberFields(sent, language: language),
            error: error, fallback: "name")
    }

    func newMemberPage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        try await memberForm(request, visitor, code: context.parameters.get("code") ?? "")
    }

    func addMember(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let sent = try await Self.checkedForm(request, visitor)
        do {
            let member = try await gugus.addMember(NewMember(
                taskForce: .region(code), name: sent["name"], role: try MemberRole.parse(sent["role"], field: "role"),
                position: sent["position"], institution: sent["institution"],
                email: try sent.optional("email").map { text throws(GugusError) in try EmailAddress(parsing: text) },
                phone: try sent.optional("phone").map { text throws(GugusError) in try PhoneNumber(parsing: text) },
                from: try sent.optional("from").map { text throws(GugusError) in try CivilDate.parse(text, field: "from") }))
            return Self.redirect("/regions/\(code)?added=\(member.id)#members")
        } catch let error as GugusError where error.kind == .invalid || error.kind == .conflict || error.kind == .notFound {
            return try await memberForm(request, visitor, code: code, sent: sent, error: error)
        }
    }

    /// A current member of the region's task force, by membership id.
    func currentMember(_ gugus: DatabaseGugus, code: String, id: Int64) async throws -> (TaskForce, Member) {
        let taskForce = try await writableTaskForce(gugus, code: code)
        let members = try await gugus.all { page in try await gugus.members(taskForce: .id(taskForce.id), at: nil, page: page) }
        guard let member = members.first(where: { $0.id == id }) else {
            throw GugusError.notFound(Localized(
                id: "tidak ada anggota aktif dengan id \(id) di wilayah \(code)", en: "no current member with id \(id) in region \(code)"))
        }
        return (taskForce, member)
    }

    func endMemberForm(
        _ request: Request, _ context: GugusRequestContext, _ visitor: Visitor, sent: SentForm? = nil, error: GugusError? = nil
    ) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let code = context.parameters.get("code") ?? ""
        let (taskForce, member) = try await currentMember(gugus, code: code, id: try context.id())
        let t = { (key: String) in PortalText.word(key, language) }
        var fields = [
            FormField.date("on", t("memberEndOn"), hint: t("memberEndOnHint")),
            FormField.text("reason", t("memberEndReason"), hint: t("memberEndReasonHint"), optional: true),
        ]
        fields[0].value = CivilDate(Date(), in: taskForce.zone.timeZone).description
        Self.keep(sent, in: &fields)
        let heading = "\(t("endMembership")): \(member.name)"
        return regionFormPage(
            request, visitor, code: code, regionName: taskForce.regionName ?? taskForce.name, heading: heading,
            lead: "\(Self.roleName(member.role, language)) · \(member.position) · \(member.institution). \(t("endMembershipLead"))",
            action: "/regions/\(code)/members/\(member.id)/end", fields: fields, error: error, fallback: "on")
    }

    func endMember(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let id = try context.id()
        let sent = try await Self.checkedForm(request, visitor)
        do {
            _ = try await currentMember(gugus, code: code, id: id)
            let on = try CivilDate.parse(sent["on"], field: "on")
            _ = try await gugus.endMember(id: id, on: on, reason: sent.optional("reason"))
            return Self.redirect("/regions/\(code)?ended=\(id)#members")
        } catch let error as GugusError where error.kind == .invalid || error.kind == .conflict {
            return try await endMemberForm(request, context, visitor, sent: sent, error: error)
        }
    }
}
