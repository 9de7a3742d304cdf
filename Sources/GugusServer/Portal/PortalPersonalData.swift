import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// The secretariat's page for a person's rights under UU PDP: find a person, see what is
/// held (the export, audited), download it as JSON, and erase the contact data. Every
/// request is a POST, so no address is written to an access log.
extension Portal {
    struct PersonalDataPage: PortalView {
        var frame: Frame
        var email: String
        var member: String
        var errors: [FieldError]
        var hasErrors: Bool
        var emailError: String?
        var reasonError: String?
        var found: FoundPerson?
    }

    struct FoundPerson: PortalView {
        var email: String
        var member: String
        var sections: [ExportSection]
        var erasable: Bool
        var activeAccount: String?
    }

    struct ExportSection: PortalView {
        var heading: String
        var lines: [Line]
        var empty: Bool
    }

    struct Line: PortalView {
        var text: String
    }

    func personalDataPage(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        try gugus.caller.requireAdmin(Localized(id: "mengelola data pribadi", en: "manage personal data"))
        return personalDataView(request, visitor, email: "", member: "", found: nil)
    }

    /// Finds a person and shows their export: the same record `gugus person export` gives.
    func findPerson(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let fields = try await Self.checkedForm(request, visitor).fields
        let email = fields["email"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let member = fields["member"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let language = visitor.language
        do {
            let reference = try Self.personReference(email: email, member: member)
            let export = try await gugus.exportPerson(reference)
            return personalDataView(request, visitor, email: email, member: member, found: found(export, email: email, member: member, language))
        } catch let error as GugusError where [.invalid, .notFound].contains(error.kind) {
            return personalDataView(
                request, visitor, email: email, member: member, found: nil, error: error.message.text(language),
                status: error.kind == .notFound ? .notFound : .unprocessableContent)
        }
    }

    /// The export as a JSON file, for sending to the person.
    func downloadPerson(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let fields = try await Self.checkedForm(request, visitor).fields
        let reference = try Self.personReference(email: fields["email"] ?? "", member: fields["member"] ?? "")
        let export = try await gugus.exportPerson(reference)
        let data = try GugusJSON.encoder(pretty: true).encode(export)
        let day = CivilDate(export.generatedAt, in: RegionZone.jakarta.timeZone)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8", .contentDisposition: "attachment; filename=\"data-pribadi-\(day).json\"",
                .cacheControl: "private, no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func erasePerson(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let fields = try await Self.checkedForm(request, visitor).fields
        let email = fields["email"] ?? ""
        let member = fields["member"] ?? ""
        let language = visitor.language
        do {
            let reference = try Self.personReference(email: email, member: member)
            let report = try await gugus.erasePerson(PersonErasure(
                person: reference, eraseName: fields["erase_name"] == "yes", reason: fields["reason"] ?? ""))
            let notice = language == .id
                ? "Data dihapus (\(personalFieldNames(report.fields, language))). \(report.reminders) pengingat tidak akan dikirim; \(report.auditEntries) entri audit dibersihkan."
                : "Erased (\(personalFieldNames(report.fields, language))). \(report.reminders) reminders will not go; \(report.auditEntries) audit entries redacted."
            return personalDataView(request, visitor, email: "", member: "", found: nil, notice: notice)
        } catch let error as GugusError where [.invalid, .notFound, .conflict].contains(error.kind) {
            // The same person shown again, with why the erasure did not happen.
            let export = try? await gugus.exportPerson(try Self.personReference(email: email, member: member))
            return personalDataView(
                request, visitor, email: email, member: member,
                found: export.map { found($0, email: email, member: member, language) }, error: error.message.text(language),
                field: error.fieldErrors.first?.field == "reason" ? "reason" : "email",
                status: error.kind == .conflict ? .conflict : .unprocessableContent)
        }
    }

    static func personReference(email: String, member: String) throws -> PersonRef {
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        let member = member.trimmingCharacters(in: .whitespacesAndNewlines)
        switch (email.isEmpty, member.isEmpty) {
        case (false, true): return .email(email)
        case (true, false):
            guard let id = Int64(member), id > 0 else {
                throw GugusError.invalid(field: "member", value: member, Localized(
                    id: "nomor anggota '\(member)' bukan angka; lihat nomornya di halaman provinsi", en: "member number '\(member)' is not a number; see it on the province's page"))
            }
            return .member(id)
        default:
            throw GugusError.invalid(field: "email", value: nil, Localized(
                id: "isi salah satu: alamat surel atau nomor anggota", en: "fill in one of the two: the e-mail address or the member number"))
        }
    }

    private func personalDataView(
        _ request: Request, _ visitor: Visitor, email: String, member: String, found: FoundPerson?, error: String? = nil,
        field: String = "email", notice: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        let heading = PortalText.word("personalDataTitle", visitor.language)
        let errors = error.map { [FieldError(field: field, message: $0)] } ?? []
        let model = PersonalDataPage(
            frame: frame(visitor, request: request, title: heading, crumbs: [Crumb(label: heading)], notice: notice),
            email: email, member: member, errors: errors, hasErrors: !errors.isEmpty, emailError: field == "email" ? error : nil,
            reasonError: field == "reason" ? error : nil, found: found)
        return page("personal-data", model, visitor: visitor, status: status)
    }

    private func found(_ export: PersonalDataExport, email: String, member: String, _ language: Language) -> FoundPerson {
        func when(_ date: Date) -> String { LocalTime.long(date, in: .jakarta, language: language) }
        func section(_ id: String, _ en: String, _ lines: [String]) -> ExportSection {
            ExportSection(heading: language == .id ? id : en, lines: lines.map(Line.init), empty: lines.isEmpty)
        }
        let id = language == .id
        let sections = [
            section("Data orang", "Person", export.persons.map { person in
                [person.name, person.email, person.phone].compactMap { $0 }.joined(separator: " · ")
                    + (person.erasedAt.map { id ? " (dihapus \(when($0)))" : " (erased \(when($0)))" } ?? "")
            }),
            section("Keanggotaan", "Memberships", export.memberships.map { member in
                "\(Self.roleName(member.role, language)), \(member.position), \(member.institution) · "
                    + LocalTime.longDate(member.validFrom, language: language) + " – "
                    + (member.validUntil.map { LocalTime.longDate($0, language: language) } ?? (id ? "sekarang" : "now"))
            }),
            section("Undangan kegiatan", "Session invitations", export.participations.map { item in
                "\(item.sessionTitle), \(when(item.sessionStartsAt))" + (item.participant.attended ? (id ? " · hadir" : " · attended") : "")
            }),
            section("Pengingat", "Reminders", export.reminders.map { reminder in
                "\(reminder.channel.rawValue), \(when(reminder.dueAt)) · " + PortalText.word("reminder_\(reminder.status.rawValue)", language)
            }),
            section("Berhenti berlangganan", "Opt-outs", export.optOuts.map { optOut in
                optOut.kind.remindersName(language) + ", \(when(optOut.optedOutAt))"
                    + (optOut.undoneAt.map { id ? " (dibatalkan \(when($0)))" : " (undone \(when($0)))" } ?? "")
            }),
            section("Akun portal", "Portal accounts", export.accounts.map { account in
                "\(account.name) <\(account.email)>" + (account.disabledAt == nil ? (id ? " · aktif" : " · active") : (id ? " · nonaktif" : " · disabled"))
            }),
            section("Yang dapat melihat data kontaknya", "Who can see the contact details", export.contactAccess.map { access in
                "\(access.name) · " + PortalText.word("role_\(access.role.rawValue)", language) + (access.regionCode.map { " \($0)" } ?? "")
            }),
            section("Entri audit", "Audit entries", export.audit.suffix(20).map { entry in
                "\(when(entry.at)) · \(entry.action) · \(entry.actor)"
            }),
        ]
        let active = export.accounts.first { $0.disabledAt == nil }
        return FoundPerson(
            email: email, member: member, sections: sections, erasable: active == nil,
            activeAccount: active.map { id ? "\($0.name) masih punya akun portal aktif; nonaktifkan dulu di halaman Pengguna." : "\($0.name) still has an active portal account; disable it first on the People page." })
    }
}
