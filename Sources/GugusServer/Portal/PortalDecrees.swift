import Crypto
import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Registering a decree (issue 12): `/regions/{code}/decrees/new` is the form, a POST to
/// `/regions/{code}/decrees` registers it through `Gugus.addDecree`, with the same rules,
/// audit and messages as `gugus decree add`; `/decrees/{id}/document` downloads its PDF.
extension Portal {
    /// The largest PDF a decree may carry. A scanned decree of a few pages is 1–5 MB.
    static let documentLimit = 10 * 1_048_576

    /// The form's fields, in order, with what was typed (`sent`) kept.
    func decreeFields(_ sent: SentForm?, decrees: [Decree], language: Language) -> [FormField] {
        let t = { (key: String) in PortalText.word(key, language) }
        var fields: [FormField] = [
            .text("number", t("decreeNumber"), hint: t("decreeNumberHint")),
            .text("title", t("decreeTitle"), hint: t("decreeTitleHint")),
            .date("signed_on", t("signedOnField")),
            .text("place", t("place"), hint: t("placeHint"), optional: true),
            .text("signer", t("signer"), hint: t("signerHint")),
            .text("signer_title", t("signerTitle"), hint: t("signerTitleHint"), optional: true),
            FormField(name: "signer_acting", label: t("signerActing"), isCheckbox: true),
            .date("effective_from", t("effectiveFrom"), hint: t("effectiveFromHint"), optional: true),
            .date("effective_until", t("effectiveUntil"), hint: t("effectiveUntilHint"), optional: true),
            .date("inaugurated_on", t("inauguratedOn"), optional: true),
        ]
        for (name, label, hint) in [("amends", t("amendsField"), t("amendsHint")), ("revokes", t("revokesField"), t("revokesHint"))] {
            let chosen = sent?[name] ?? ""
            let options = [Option(value: "", label: t("noneChosen"), selected: chosen.isEmpty)] + decrees.map { decree in
                Option(value: String(decree.id), label: "\(decree.number) (\(LocalTime.longDate(decree.signedOn, language: language)))",
                       selected: chosen == String(decree.id))
            }
            fields.append(FormField(name: name, label: label, hint: hint, isSelect: true, options: options, optional: true))
        }
        fields.append(FormField(
            name: "document", label: t("document"), hint: t("documentHint"), isFile: true, accept: "application/pdf,.pdf", optional: true))
        Self.keep(sent, in: &fields)
        if let sent, let acting = fields.firstIndex(where: { $0.name == "signer_acting" }) {
            fields[acting].checked = !sent["signer_acting"].isEmpty
        }
        return fields
    }

    func decreeForm(_ request: Request, _ visitor: Visitor, code: String, sent: SentForm? = nil, error: GugusError? = nil) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let (region, taskForce) = try await regionForDecree(gugus, code: code)
        var decrees: [Decree] = []
        if let taskForce {
            decrees = try await gugus.all { page in try await gugus.decrees(taskForce: .id(taskForce.id), page: page) }
        }
        return regionFormPage(
            request, visitor, code: code, regionName: region, heading: PortalText.word("registerDecree", language),
            lead: PortalText.word("registerDecreeLead", language), action: "/regions/\(code)/decrees", multipart: true,
            fields: decreeFields(sent, decrees: decrees, language: language), error: error, fallback: "number",
            footnote: "\(PortalText.word("documentLimit", language)) \(Self.documentLimit / 1_048_576) MB.")
    }

    func newDecreePage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        try await decreeForm(request, visitor, code: context.parameters.get("code") ?? "")
    }

    func addDecree(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let sent = try await Self.checkedForm(request, visitor, limit: Self.documentLimit + 256 * 1024)
        do {
            let input = try Self.newDecree(sent, code: code)
            // A province's first decree establishes its GTD: the task force is made with it.
            if try await regionForDecree(gugus, code: code).taskForce == nil {
                _ = try await gugus.createTaskForce(NewTaskForce(regionCode: code))
            }
            let decree = try await gugus.addDecree(input)
            return Self.redirect("/decrees/\(decree.id)?registered=1")
        } catch let error as GugusError where error.kind == .invalid || error.kind == .conflict || error.kind == .notFound {
            return try await decreeForm(request, visitor, code: code, sent: sent, error: error)
        }
    }

    /// The region's name and its task force (nil before its first decree), once the visitor
    /// may register a decree there: change its task force, or create one.
    func regionForDecree(_ gugus: DatabaseGugus, code: String) async throws -> (name: String, taskForce: TaskForce?) {
        let status = try await gugus.regionStatus(code: code, at: nil)
        guard status.taskForceId != nil else {
            try gugus.caller.requireCreate(inRegion: code)
            return (status.regionName, nil)
        }
        return (status.regionName, try await writableTaskForce(gugus, code: code))
    }

    /// The decree a form describes; every field that cannot be read is named, all at once.
    static func newDecree(_ sent: SentForm, code: String) throws(GugusError) -> NewDecree {
        var problems: [GugusError.FieldError] = []
        func date(_ name: String) -> CivilDate? {
            guard let text = sent.optional(name) else { return nil }
            do { return try CivilDate.parse(text, field: name) } catch {
                problems += error.fieldErrors.isEmpty ? [.init(field: name, value: text, message: error.message)] : error.fieldErrors
                return nil
            }
        }
        func decreeID(_ name: String) -> Int64? {
            guard let text = sent.optional(name) else { return nil }
            guard let id = Int64(text) else {
                problems.append(.init(field: name, value: text, message: Localized(
                    id: "pilih SK dari daftar", en: "choose a decree from the list")))
                return nil
            }
            return id
        }
        let signedOn = date("signed_on")
        if sent.optional("signed_on") == nil {
            problems.append(.init(field: "signed_on", value: nil, message: Localized(
                id: "tanggal penetapan wajib diisi (TTTT-BB-HH)", en: "the date it was signed is required (YYYY-MM-DD)")))
        }
        let (from, until, inaugurated) = (date("effective_from"), date("effective_until"), date("inaugurated_on"))
        let (amends, revokes) = (decreeID("amends"), decreeID("revokes"))
        let document = try Self.document(sent.files["document"])
        guard problems.isEmpty, let signedOn else {
            throw GugusError.invalid(problems, prefix: Localized(id: "formulir SK belum benar: ", en: "the decree form is not right yet: "))
        }
        return NewDecree(
            taskForce: .region(code), number: sent["number"], title: sent["title"], place: sent.optional("place"), signedOn: signedOn,
            effectiveFrom: from, effectiveUntil: until, signerName: sent["signer"], signerTitle: sent.optional("signer_title"),
            signerActing: !sent["signer_acting"].isEmpty, inauguratedOn: inaugurated, amendsId: amends, revokesId: revokes,
            document: document)
    }

    /// An uploaded decree: a PDF (by its first bytes, not its name) within the size limit.
    static func document(_ file: UploadedFile?) throws(GugusError) -> DecreeDocument? {
        guard let file else { return nil }
        guard file.content.count <= documentLimit else {
            throw GugusError.invalid(field: "document", value: file.fileName, Localized(
                id: "berkas \(file.fileName) lebih besar dari \(documentLimit / 1_048_576) MB; pindai ulang dengan resolusi lebih rendah",
                en: "the file \(file.fileName) is larger than \(documentLimit / 1_048_576) MB; scan it again at a lower resolution"))
        }
        guard file.content.starts(with: Array("%PDF-".utf8)) else {
            throw GugusError.invalid(field: "document", value: file.fileName, Localized(
                id: "berkas \(file.fileName) bukan PDF; unggah SK sebagai PDF",
                en: "the file \(file.fileName) is not a PDF; upload the decree as a PDF"))
        }
        return DecreeDocument(fileName: file.fileName.isEmpty ? "sk.pdf" : file.fileName, mediaType: "application/pdf", content: Data(file.content))
    }

    /// The decree's PDF, as it was uploaded.
    func decreeDocument(_ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let id = try context.id()
        guard let document = try await gugus.decreeDocument(id: id) else {
            throw GugusError.notFound(Localized(id: "SK \(id) tidak memiliki berkas", en: "decree \(id) has no document"))
        }
        let name = document.fileName.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 32 }
            ? document.fileName : "sk-\(id).pdf"
        return Response(
            status: .ok,
            headers: [
                .contentType: document.mediaType ?? "application/pdf", .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "private, no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: document.content)))
    }
}
