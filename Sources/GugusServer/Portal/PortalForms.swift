import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// What every form of the portal shares: reading what was sent (URL-encoded, or multipart
/// with files), fields that keep what the person typed, and the messages beside them.
extension Portal {
    /// A form field as a template draws it (portal/field.mustache): its label, what was
    /// typed, a hint, and the message when it was refused.
    struct FormField: PortalView {
        var name: String
        var label: String
        var value: String = ""
        var hint: String?
        var error: String?
        var isText = false
        /// A few characters wide: a time, a number.
        var isShort = false
        var isDate = false
        var isFile = false
        var accept: String?
        var isCheckbox = false
        var checked = false
        var isSelect = false
        var options: [Option] = []
        var optional = false

        static func text(_ name: String, _ label: String, hint: String? = nil, optional: Bool = false) -> FormField {
            FormField(name: name, label: label, hint: hint, isText: true, optional: optional)
        }

        static func date(_ name: String, _ label: String, hint: String? = nil, optional: Bool = false) -> FormField {
            FormField(name: name, label: label, hint: hint, isDate: true, optional: optional)
        }

        /// A choice among `options` (value, words), the one `sent` chose, else `chosen`.
        static func select(
            _ name: String, _ label: String, _ options: [(value: String, label: String)], chosen: String, sent: SentForm?,
            hint: String? = nil, optional: Bool = false
        ) -> FormField {
            let chosen = sent?.fields[name] ?? chosen
            return FormField(name: name, label: label, hint: hint, isSelect: true,
                             options: options.map { Option(value: $0.value, label: $0.label, selected: $0.value == chosen) }, optional: optional)
        }
    }

    /// What was typed into the text and date fields, put back into a refused form.
    static func keep(_ sent: SentForm?, in fields: inout [FormField]) {
        guard let sent else { return }
        for index in fields.indices where fields[index].isText || fields[index].isDate {
            if let value = sent.fields[fields[index].name] { fields[index].value = value }
        }
    }

    /// The region's task force, once the visitor may change it (as `requireWrite` decides for
    /// the API too).
    func writableTaskForce(_ gugus: DatabaseGugus, code: String) async throws -> TaskForce {
        let taskForce = try await gugus.taskForce(.region(code))
        try gugus.caller.requireWrite(to: taskForce)
        return taskForce
    }

    /// A page that is one form (portal/form.mustache): a region's decree, a session.
    struct FormPage: PortalView {
        var frame: Frame
        var caption: String
        var heading: String
        var lead: String
        var action: String
        var multipart: Bool
        var fields: [FormField]
        var errors: [FieldError]
        var hasErrors: Bool
        var footnote: String?
        var clashWarning: ClashWarning?
    }

    /// A region's form page, with an error's messages beside its fields (unknown fields' on
    /// `fallback`) and in the summary; 422 when it was refused.
    func regionFormPage(
        _ request: Request, _ visitor: Visitor, code: String, regionName: String, heading: String, lead: String, action: String,
        multipart: Bool = false, fields: [FormField], error: GugusError?, fallback: String, footnote: String? = nil,
        clashWarning: ClashWarning? = nil
    ) -> Response {
        var fields = fields
        let errors = error.map { Self.place($0, on: &fields, fallback: fallback, language: visitor.language) } ?? []
        if clashWarning != nil { fields.append(Self.acceptClashField(visitor.language)) }
        let model = FormPage(
            frame: frame(visitor, request: request, title: heading, crumbs: [Crumb(label: regionName, href: "/regions/\(code)"), Crumb(label: heading)]),
            caption: regionName, heading: heading, lead: lead, action: action, multipart: multipart, fields: fields, errors: errors,
            hasErrors: !errors.isEmpty, footnote: footnote, clashWarning: clashWarning)
        let status: HTTPResponse.Status = error != nil ? .unprocessableContent : clashWarning != nil ? .conflict : .ok
        return page("form", model, visitor: visitor, status: status)
    }

    /// What a form sent: its text fields, and its files by field name.
    struct SentForm: Sendable {
        var fields: [String: String]
        var files: [String: UploadedFile] = [:]
        /// Every value of a name sent more than once or not (checkboxes), URL-encoded forms only.
        var lists: [String: [String]] = [:]

        subscript(_ name: String) -> String { fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
        /// A field's text, or nil when it was left empty.
        func optional(_ name: String) -> String? { self[name].isEmpty ? nil : self[name] }
    }

    struct UploadedFile: Sendable {
        var fileName: String
        var mediaType: String?
        var content: [UInt8]
    }

    /// A form that changes something: read as ``sentForm(_:limit:)`` reads it, and refused
    /// (403) unless it carries the visitor's session's CSRF token.
    static func checkedForm(_ request: Request, _ visitor: Visitor, limit: Int = 64 * 1024) async throws -> SentForm {
        let sent = try await sentForm(request, limit: limit)
        try checkForm(sent.fields, expected: visitor.session?.csrfToken)
        return sent
    }

    /// The form of a POST, URL-encoded or `multipart/form-data`, read up to `limit` bytes. A
    /// larger body is refused with 413 before anything is read into the database.
    static func sentForm(_ request: Request, limit: Int) async throws -> SentForm {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data") else {
            let pairs = try await formPairs(request, limit: limit)
            return SentForm(
                fields: Dictionary(pairs, uniquingKeysWith: { _, last in last }),
                lists: Dictionary(grouping: pairs, by: \.0).mapValues { $0.map(\.1) })
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw GugusError(.invalid, Localized(
                id: "formulir lebih besar dari \(limit / 1_048_576) MB; kirim berkas yang lebih kecil",
                en: "the form is larger than \(limit / 1_048_576) MB; send a smaller file"),
                fieldErrors: [.init(field: "document", value: nil, message: Localized(
                    id: "berkas lebih besar dari \(limit / 1_048_576) MB", en: "the file is larger than \(limit / 1_048_576) MB"))])
        }
        guard let boundary = MultipartBody.boundary(in: contentType) else {
            throw GugusError.invalid(field: "content-type", value: contentType, Localized(
                id: "formulir multipart tanpa boundary", en: "a multipart form without a boundary"))
        }
        return try MultipartBody.parse(Array(body.readableBytesView), boundary: boundary)
    }

    /// Puts each of an error's field messages beside its field (or, for a field the form does
    /// not show, on `fallback`), and returns them all for the summary at the top.
    static func place(_ error: GugusError, on fields: inout [FormField], fallback: String, language: Language) -> [FieldError] {
        let fieldErrors = error.fieldErrors.isEmpty ? [GugusError.FieldError(field: fallback, value: nil, message: error.message)] : error.fieldErrors
        var summary: [FieldError] = []
        for fieldError in fieldErrors {
            let message = fieldError.message.text(language)
            let index = fields.firstIndex { $0.name == fieldError.field } ?? fields.firstIndex { $0.name == fallback }
            guard let index else { continue }
            fields[index].error = fields[index].error.map { "\($0); \(message)" } ?? message
            summary.append(FieldError(field: fields[index].name, message: message))
        }
        return summary
    }
}

/// `multipart/form-data` (RFC 7578) as browsers send it: parts split at the boundary, each
/// with a `Content-Disposition` naming the field and, for a file, its name.
enum MultipartBody {
    static func boundary(in contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: String) throws(GugusError) -> Portal.SentForm {
        let delimiter = Array("--\(boundary)".utf8)
        var form = Portal.SentForm(fields: [:])
        let found = ranges(of: delimiter, in: body)
        // The closing delimiter is followed by "--"; anything after it is ignored.
        guard let closing = found.firstIndex(where: { body[$0.upperBound...].starts(with: [45, 45]) }), closing >= 1 else {
            throw malformed("no closing boundary")
        }
        for (start, end) in zip(found[..<closing], found[1...closing]) {
            // A part runs from after the delimiter's CRLF to before the next delimiter's CRLF.
            var partStart = start.upperBound
            if body[partStart...].starts(with: [13, 10]) { partStart += 2 }
            var partEnd = end.lowerBound
            if partEnd - 2 >= partStart, body[partEnd - 2] == 13, body[partEnd - 1] == 10 { partEnd -= 2 }
            let part = body[partStart..<partEnd]
            guard let split = ranges(of: [13, 10, 13, 10], in: part).first else { throw malformed("a part without headers") }
            let headers = String(decoding: part[..<split.lowerBound], as: UTF8.self)
            let content = Array(part[split.upperBound...])
            var name: String?, fileName: String?, mediaType: String?
            for line in headers.components(separatedBy: "\r\n") {
                let header = line.split(separator: ":", maxSplits: 1)
                guard header.count == 2 else { continue }
                let value = header[1].trimmingCharacters(in: .whitespaces)
                switch header[0].lowercased() {
                case "content-disposition":
                    name = parameter("name", in: value)
                    fileName = parameter("filename", in: value)
                case "content-type":
                    mediaType = value
                default:
                    break
                }
            }
            guard let name else { throw malformed("a part without a field name") }
            if let fileName {
                // A file input left empty still sends a part, with no name and no bytes.
                if !fileName.isEmpty || !content.isEmpty {
                    form.files[name] = Portal.UploadedFile(fileName: fileName, mediaType: mediaType, content: content)
                }
            } else {
                form.fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
        return form
    }

    /// `name="value"` in a Content-Disposition header; the file name as the browser gave it,
    /// without any folder.
    static func parameter(_ key: String, in header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            value = value.replacingOccurrences(of: "\\\"", with: "\"")
            return key == "filename" ? String(value.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "") : value
        }
        return nil
    }

    static func ranges(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> [Range<Int>] {
        guard let first = needle.first, haystack.count >= needle.count else { return [] }
        var found: [Range<Int>] = []
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) {
                found.append(index..<index + needle.count)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }

    static func ranges(of needle: [UInt8], in haystack: [UInt8]) -> [Range<Int>] {
        ranges(of: needle, in: haystack[...])
    }

    static func malformed(_ reason: String) -> GugusError {
        GugusError.invalid(field: "body", value: nil, Localized(
            id: "formulir multipart tidak terbaca (\(reason)); kirim ulang dari halaman formulir",
            en: "the multipart form cannot be read (\(reason)); send it again from the form's page"))
    }
}
