import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Importing a roster spreadsheet (issue 12): upload a CSV, see what each row will do and
/// every bad row with its line, then confirm. Nothing is written before the confirmation,
/// and the confirmation writes what the preview showed or, when the roster or the file
/// changed in between, nothing, with a new preview. The file travels in the confirmation
/// form itself, so no upload is kept on the server between the two steps.
extension Portal {
    /// A roster of a few thousand rows is a few hundred kilobytes.
    static let rosterLimit = 4 * 1_048_576

    struct ImportPage: PortalView {
        var frame: Frame
        var caption: String
        var heading: String
        var action: String
        var templateHref: String
        var fields: [FormField]
        var errors: [FieldError]
        var hasErrors: Bool
        var preview: PreviewView?
        var script: String
    }

    struct PreviewView: PortalView {
        var rows: Int
        var summary: String
        var changed: Bool
        var problems: [ProblemLine]
        var hasProblems: Bool
        var blocked: Bool
        var lines: [PreviewLine]
        var confirmAction: String
        var csv: String
        var fingerprint: String
        var skipInvalid: Bool
    }

    struct ProblemLine: PortalView {
        var line: String
        var message: String
    }

    struct PreviewLine: PortalView {
        var line: Int
        var name: String
        var role: String
        var position: String
        var institution: String
        var outcome: String
        var outcomeLabel: String
    }

    func importFields(skipInvalid: Bool, language: Language) -> [FormField] {
        let t = { (key: String) in PortalText.word(key, language) }
        return [
            FormField(name: "roster", label: t("rosterFile"), hint: t("rosterFileHint"), isFile: true, accept: ".csv,text/csv"),
            FormField(name: "skip_invalid", label: t("skipInvalid"), isCheckbox: true, checked: skipInvalid),
        ]
    }

    func importPage(
        _ request: Request, _ visitor: Visitor, code: String, skipInvalid: Bool = false, preview: ImportPreview? = nil, csv: Data? = nil,
        error: GugusError? = nil
    ) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let taskForce = try await writableTaskForce(gugus, code: code)
        var fields = importFields(skipInvalid: skipInvalid, language: language)
        let errors = error.map { Self.place($0, on: &fields, fallback: "roster", language: language) } ?? []
        let region = taskForce.regionName ?? taskForce.name
        let heading = PortalText.word("importRoster", language)
        let model = ImportPage(
            frame: frame(visitor, request: request, title: heading, crumbs: [Crumb(label: region, href: "/regions/\(code)"), Crumb(label: heading)]),
            caption: region, heading: heading, action: "/regions/\(code)/members/import", templateHref: "/members-template.csv",
            fields: fields, errors: errors, hasErrors: !errors.isEmpty,
            preview: preview.map { Self.previewView($0, csv: csv ?? Data(), code: code, skipInvalid: skipInvalid, language: language) },
            script: Self.importScript.href)
        return page("import", model, visitor: visitor, status: error == nil ? .ok : .unprocessableContent)
    }

    static func previewView(_ preview: ImportPreview, csv: Data, code: String, skipInvalid: Bool, language: Language) -> PreviewView {
        let report = preview.report
        let counts = preview.lines.reduce(into: [ImportPreview.Outcome: Int]()) { $0[$1.outcome, default: 0] += 1 }
        let (added, changed, kept) = (counts[.add] ?? 0, counts[.change] ?? 0, counts[.keep] ?? 0)
        let summary = language == .id
            ? "\(report.rows) baris: \(added) akan ditambahkan, \(changed) diubah, \(kept) tetap, \(report.problems.count) bermasalah."
            : "\(report.rows) rows: \(added) to add, \(changed) to change, \(kept) to keep, \(report.problems.count) with problems."
        return PreviewView(
            rows: report.rows, summary: summary, changed: preview.changed,
            problems: report.problems.map { problem in
                ProblemLine(line: problem.line.map { language == .id ? "Baris \($0)" : "Line \($0)" } ?? "–", message: problem.message.text(language))
            },
            hasProblems: !report.problems.isEmpty, blocked: !report.problems.isEmpty && !skipInvalid,
            lines: preview.lines.map { line in
                PreviewLine(
                    line: line.line, name: line.name, role: MemberRole(rawValue: line.role).map { roleName($0, language) } ?? line.role,
                    position: line.position, institution: line.institution, outcome: line.outcome.rawValue,
                    outcomeLabel: PortalText.word("outcome_\(line.outcome.rawValue)", language))
            },
            confirmAction: "/regions/\(code)/members/import/confirm", csv: csv.base64EncodedString(), fingerprint: preview.fingerprint,
            skipInvalid: skipInvalid)
    }

    func newImportPage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        try await importPage(request, visitor, code: context.parameters.get("code") ?? "")
    }

    /// The upload: a preview, nothing written.
    func previewRoster(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let sent = try await Self.checkedForm(request, visitor, limit: Self.rosterLimit)
        let skipInvalid = !sent["skip_invalid"].isEmpty
        do {
            guard let file = sent.files["roster"], !file.content.isEmpty else {
                throw GugusError.invalid(field: "roster", value: nil, Localized(
                    id: "pilih berkas CSV daftar anggota", en: "choose the roster's CSV file"))
            }
            let csv = Data(file.content)
            let preview = try await gugus.previewImport(taskForce: .region(code), csv: csv, options: ImportOptions(skipInvalid: skipInvalid))
            return try await importPage(request, visitor, code: code, skipInvalid: skipInvalid, preview: preview, csv: csv)
        } catch let error as GugusError where error.kind == .invalid {
            return try await importPage(request, visitor, code: code, skipInvalid: skipInvalid, error: error)
        }
    }

    /// The confirmation: writes what the preview showed, or shows a new preview.
    func confirmRoster(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let sent = try await Self.checkedForm(request, visitor, limit: Self.rosterLimit * 2)
        let skipInvalid = !sent["skip_invalid"].isEmpty
        guard let csv = Data(base64Encoded: sent["csv"]) else {
            return try await importPage(request, visitor, code: code, skipInvalid: skipInvalid, error: GugusError.invalid(
                field: "roster", value: nil, Localized(id: "berkas tidak terbaca; unggah lagi", en: "the file cannot be read; upload it again")))
        }
        let result = try await gugus.confirmImport(
            taskForce: .region(code), csv: csv, options: ImportOptions(skipInvalid: skipInvalid), preview: sent["fingerprint"])
        if result.changed || result.report.rolledBack {
            return try await importPage(request, visitor, code: code, skipInvalid: skipInvalid, preview: result, csv: csv)
        }
        let report = result.report
        return Self.redirect("/regions/\(code)?imported=\(report.created)-\(report.updated)-\(report.unchanged)-\(report.skipped)#members")
    }

    /// The roster template, with the Indonesian headers, for Excel (UTF-8 with a BOM).
    func rosterTemplate() -> Response {
        let header = MemberCSV.Column.allCases.map(\.indonesianName).joined(separator: ",")
        let example = "Siti Rahma,sekretaris,Kepala Kantor Wilayah,Kanwil Kementerian HAM Maluku Utara,siti@example.go.id,0811-0000-0001,,,"
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("\(header)\r\n\(example)\r\n".utf8)
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"templat-anggota-gtd.csv\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// "Impor selesai: …" on the region page after a confirmation.
    static func importNotice(_ request: Request, _ language: Language) -> String? {
        guard let text = request.uri.queryParameters.get("imported") else { return nil }
        let numbers = text.split(separator: "-").compactMap { Int($0) }
        guard numbers.count == 4 else { return nil }
        return language == .id
            ? "Impor selesai: \(numbers[0]) anggota ditambahkan, \(numbers[1]) diubah, \(numbers[2]) tetap, \(numbers[3]) baris dilewati."
            : "Import done: \(numbers[0]) members added, \(numbers[1]) changed, \(numbers[2]) kept, \(numbers[3]) rows skipped."
    }
}
