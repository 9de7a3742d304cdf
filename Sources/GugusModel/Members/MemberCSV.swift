// Reading a task force's member roster from a CSV file: the format coordinators get out of
// a spreadsheet. This file only reads and checks; writing members is the importer's job.

import Foundation
import SwiftCSV

/// One valid member row of a roster file.
public struct MemberRow: Sendable, Hashable {
    /// The physical line of the file where this record starts (the header is line 1 when it
    /// is the first line), so a coordinator can find it in an editor.
    public var line: Int
    public var name: String
    public var role: MemberRole
    public var position: String
    public var institution: String
    public var email: EmailAddress?
    public var phone: PhoneNumber?
    /// The working group (pokja), one per Stranas BHAM strategy: 1, 2 or 3.
    public var workingGroup: Int?
    public var from: CivilDate?
    public var until: CivilDate?

    public init(
        line: Int, name: String, role: MemberRole, position: String, institution: String,
        email: EmailAddress? = nil, phone: PhoneNumber? = nil, workingGroup: Int? = nil,
        from: CivilDate? = nil, until: CivilDate? = nil
    ) {
        self.line = line
        self.name = name
        self.role = role
        self.position = position
        self.institution = institution
        self.email = email
        self.phone = phone
        self.workingGroup = workingGroup
        self.from = from
        self.until = until
    }
}

/// What a roster file holds: the rows that passed every check, and every problem of the
/// rows that did not. A row with any problem is not in `rows`.
public struct MemberCSVResult: Sendable, Hashable {
    public var rows: [MemberRow]
    /// Each with its line, the column as written in the header, the value and the reason,
    /// in file order.
    public var problems: [GugusError.FieldError]
    /// The separator the file uses, `,` or `;`.
    public var separator: Character

    public init(rows: [MemberRow], problems: [GugusError.FieldError], separator: Character) {
        self.rows = rows
        self.problems = problems
        self.separator = separator
    }

    /// The lines of the rows left out because of a problem, ascending.
    public var rejectedLines: [Int] {
        var seen = Set<Int>()
        return problems.compactMap(\.line).filter { seen.insert($0).inserted }
    }
}

public enum MemberCSV {
    /// The columns a roster may have, in the order documentation lists them.
    public enum Column: String, Sendable, CaseIterable {
        case name
        case role
        case position
        case institution
        case email
        case phone
        case workingGroup = "working_group"
        case from
        case until

        public var englishName: String { rawValue }

        public var indonesianName: String {
            switch self {
            case .name: "nama"
            case .role: "peran"
            case .position: "jabatan"
            case .institution: "instansi"
            case .email: "email"
            case .phone: "telepon"
            case .workingGroup: "pokja"
            case .from: "mulai"
            case .until: "selesai"
            }
        }

        public var isRequired: Bool {
            switch self {
            case .name, .role, .position, .institution: true
            case .email, .phone, .workingGroup, .from, .until: false
            }
        }

        /// What the value is, for the "is empty" message of a required column.
        fileprivate var meaning: Localized {
            switch self {
            case .name: Localized(id: "nama lengkap anggota", en: "the member's full name")
            case .role: Localized(
                id: "peran anggota (ketua, wakil_ketua, sekretaris, wakil_sekretaris atau anggota)",
                en: "the member's role (ketua, wakil_ketua, sekretaris, wakil_sekretaris or anggota)")
            case .position: Localized(id: "jabatan anggota", en: "the member's position (jabatan)")
            case .institution: Localized(id: "instansi anggota", en: "the member's institution (instansi)")
            default: Localized(verbatim: rawValue)
            }
        }
    }

    /// Every column a roster may have; for help texts and documentation.
    public static let acceptedColumns: [Column] = Column.allCases

    /// "name (nama), role (peran), …" in the chosen language's names first.
    public static func acceptedColumnList(_ language: Language) -> String {
        acceptedColumns.map { column in
            let (first, second) = language == .id
                ? (column.indonesianName, column.englishName)
                : (column.englishName, column.indonesianName)
            return first == second ? first : "\(first) (\(second))"
        }.joined(separator: ", ")
    }

    /// Reads a roster. Throws only when the file as a whole cannot be read (not UTF-8, empty,
    /// no usable header, broken quoting); a bad row is collected in `problems`, with every
    /// bad field of every bad row, so one report shows everything to fix.
    public static func parse(_ data: Data) throws(GugusError) -> MemberCSVResult {
        let (records, separator) = try records(data)
        guard let headerRecord = records.first else { throw FileProblem.empty.error }
        let header = try RosterHeader(fields: headerRecord.fields, line: headerRecord.line)
        guard records.count > 1 else { throw FileProblem.noMembers.error }

        var rows: [MemberRow] = []
        var problems: [GugusError.FieldError] = []
        for record in records.dropFirst() {
            var check = RowCheck(fields: record.fields, line: record.line, header: header)
            if let row = check.memberRow() {
                rows.append(row)
            } else {
                problems.append(contentsOf: check.problems)
            }
        }
        return MemberCSVResult(rows: rows, problems: problems, separator: separator.rawValue)
    }

    /// The file's non-blank records, each with the line it starts on, and its separator: the
    /// reading that every CSV import shares (rosters, the reporting actions). An empty file
    /// is an error; what the records must hold is the caller's.
    static func records(_ data: Data) throws(GugusError) -> (records: [CSVRecord], separator: CSVDelimiter) {
        var text = try decodeText(data)
        guard !text.allSatisfy(\.isWhitespace) else { throw FileProblem.empty.error }
        text = replacingRareLineBreaks(text)
        let separator = try detectSeparator(in: text)
        return (try readRecords(text, separator: separator), separator)
    }

    // MARK: The text of the file

    /// The file as text: UTF-8, with or without the BOM that Excel's "CSV UTF-8" writes.
    private static func decodeText(_ data: Data) throws(GugusError) -> String {
        let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            throw FileProblem.utf16.error
        }
        let bytes = data.starts(with: utf8BOM) ? data.dropFirst(utf8BOM.count) : data[...]
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        throw FileProblem.notUTF8(line: lineOfFirstInvalidByte(bytes)).error
    }

    /// Where a Windows-1252 export (the usual non-UTF-8 file) first goes wrong, so the
    /// coordinator can see which name or institution has the accented letter.
    private static func lineOfFirstInvalidByte(_ bytes: Data) -> Int {
        var line = 1
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            if scalar == "\n" { line += 1 }
        }
        return line
    }

    /// Swift counts vertical tab, form feed, NEL and the Unicode line and paragraph
    /// separators as line breaks, so SwiftCSV would end a row at them; no editor shows a new
    /// line there. They never belong in a roster, so they become spaces, and then every row
    /// ends at a `\n`, `\r\n` or `\r`, exactly where an editor starts a new line.
    private static func replacingRareLineBreaks(_ text: String) -> String {
        func isRare(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x0B, 0x0C, 0x85, 0x2028, 0x2029: true
            default: false
            }
        }
        guard text.unicodeScalars.contains(where: isRare) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.map { isRare($0) ? " " : $0 })
        return String(scalars)
    }

    /// `,` or `;`, whichever the header line uses more. Spreadsheets in an Indonesian locale
    /// export with `;` because `,` is their decimal mark. The header line is the first line
    /// with text; lines of only separators (an exported empty row) come before it at times,
    /// and decide only when no line has text.
    private static func detectSeparator(in text: String) throws(GugusError) -> CSVDelimiter {
        var line = SeparatorCount()
        var textless = SeparatorCount()
        var inQuotes = false
        var lineHasText = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                inQuotes.toggle()
                lineHasText = true
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                guard !inQuotes else { continue }
                if lineHasText { return try line.separator() }
                textless.add(line)
                line = SeparatorCount()
            case UInt8(ascii: ","): if !inQuotes { line.commas += 1 }
            case UInt8(ascii: ";"): if !inQuotes { line.semicolons += 1 }
            case UInt8(ascii: "\t"): if !inQuotes { line.tabs += 1 }
            case UInt8(ascii: " "): continue
            default: lineHasText = true
            }
        }
        if lineHasText { return try line.separator() }
        textless.add(line)
        return try textless.separator()
    }

    private struct SeparatorCount {
        var commas = 0, semicolons = 0, tabs = 0

        mutating func add(_ other: SeparatorCount) {
            commas += other.commas
            semicolons += other.semicolons
            tabs += other.tabs
        }

        func separator() throws(GugusError) -> CSVDelimiter {
            if commas == 0, semicolons == 0, tabs > 0 { throw FileProblem.tabSeparated.error }
            return semicolons > commas ? .semicolon : .comma
        }
    }
}

// MARK: - Reading the records

/// One record of the file, with the physical line it starts on.
struct CSVRecord {
    let line: Int
    let fields: [String]
}

/// The file's non-blank records, as SwiftCSV reads them.
private func readRecords(_ text: String, separator: CSVDelimiter) throws(GugusError) -> [CSVRecord] {
    var records: [CSVRecord] = []
    // The physical line the next record starts on.
    var nextLine = 1
    do {
        // Built with `rowLimit: 0` the CSV object parses nothing but the first line: the
        // enumeration reads every record once, the first included, so lines are counted
        // from the file's first.
        let csv = try EnumeratedCSV(string: text, delimiter: separator, loadColumns: false, rowLimit: 0)
        try csv.enumerateAsArray(startAt: 0, rowLimit: nil) { fields in
            let line = nextLine
            // SwiftCSV ends a record at one line break and keeps the line breaks of quoted
            // values inside the fields, so these are the physical lines the record took.
            nextLine += 1 + fields.reduce(0) { $0 + lineBreakCount($1) }
            if !fields.allSatisfy(isBlank) {
                records.append(CSVRecord(line: line, fields: fields))
            }
        }
    } catch {
        // SwiftCSV throws only `CSVParseError`, for a quote mark where none may stand.
        throw FileProblem.strayQuote(line: nextLine).error
    }
    // SwiftCSV reads an unclosed quote to the end of the file without complaint. Quote marks
    // come in pairs in every file it accepts, so an odd count means one was never closed,
    // and the record it opened swallowed the rest: the last one.
    if text.utf8.count(where: { $0 == UInt8(ascii: "\"") }) % 2 == 1 {
        throw FileProblem.unclosedQuote(line: records.last?.line ?? 1).error
    }
    return records
}

/// Where each column is, and its name as the file writes it (errors quote that name).
private struct RosterHeader {
    /// The field index of each column the file has, and its name as written.
    private var positions: [MemberCSV.Column: (index: Int, name: String)] = [:]
    /// How many leading fields have a column name; trailing empty header cells (a
    /// spreadsheet's stray separators) are not columns.
    let width: Int

    private static let columnsByName: [String: MemberCSV.Column] = {
        var names: [String: MemberCSV.Column] = [:]
        for column in MemberCSV.Column.allCases {
            names[column.englishName] = column
            names[column.indonesianName] = column
        }
        // Indonesian spreadsheets write "E-mail" as often as "Email".
        names["e_mail"] = .email
        return names
    }()

    init(fields: [String], line: Int) throws(GugusError) {
        let names = fields.map(collapsingWhitespace)
        width = (names.lastIndex(where: { !$0.isEmpty }) ?? -1) + 1

        var problems: [GugusError.FieldError] = []
        func problem(_ field: String, _ value: String?, _ message: Localized) {
            problems.append(.init(field: field, value: value, message: message, line: line))
        }
        for (index, name) in names.prefix(width).enumerated() {
            guard !name.isEmpty else {
                problem("column \(index + 1)", nil, Localized(
                    id: "kolom ke-\(index + 1) pada baris judul tidak bernama; beri nama kolomnya atau hapus kolom itu",
                    en: "column \(index + 1) of the header row has no name; name it or delete the column"))
                continue
            }
            // "Working Group" and "working-group" are the same column as working_group.
            let key = name.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            guard let column = Self.columnsByName[key] else {
                problem(name, name, Localized(
                    id: "kolom '\(name)' tidak dikenal; kolom yang diterima: \(MemberCSV.acceptedColumnList(.id))",
                    en: "unknown column '\(name)'; the accepted columns are: \(MemberCSV.acceptedColumnList(.en))"))
                continue
            }
            if let earlier = positions[column] {
                problem(name, name, Localized(
                    id: "kolom '\(name)' muncul dua kali (juga sebagai '\(earlier.name)', kolom ke-\(earlier.index + 1)); hapus salah satunya",
                    en: "column '\(name)' appears twice (also as '\(earlier.name)', column \(earlier.index + 1)); delete one of them"))
                continue
            }
            positions[column] = (index, name)
        }
        for column in MemberCSV.Column.allCases where column.isRequired && positions[column] == nil {
            problem(column.englishName, nil, Localized(
                id: "kolom wajib '\(column.indonesianName)' (atau '\(column.englishName)') tidak ada di baris judul",
                en: "the required column '\(column.englishName)' (or '\(column.indonesianName)') is missing from the header row"))
        }

        guard !problems.isEmpty else { return }
        let message = problems.count == 1
            ? problems[0].message
            : Localized(
                id: "baris judul (baris \(line)) bermasalah di \(problems.count) tempat; baris pertama harus berisi nama kolom, misalnya nama;peran;jabatan;instansi",
                en: "the header row (line \(line)) has \(problems.count) problems; the first line must name the columns, for example name,role,position,institution")
        throw GugusError(.invalid, message, fieldErrors: problems)
    }

    /// The column's index and name as written, and its value in this record ("" past the
    /// end of a short record), or nil when the file has no such column.
    func cell(_ column: MemberCSV.Column, in fields: [String]) -> (index: Int, name: String, value: String)? {
        guard let position = positions[column] else { return nil }
        return (position.index, position.name, position.index < fields.count ? fields[position.index] : "")
    }
}

/// The checks of one member row, collecting every problem rather than stopping at the first.
private struct RowCheck {
    let fields: [String]
    let line: Int
    let header: RosterHeader
    /// Each problem with the index of its column, to list them left to right as the
    /// coordinator reads the row.
    private var found: [(column: Int, problem: GugusError.FieldError)] = []

    init(fields: [String], line: Int, header: RosterHeader) {
        self.fields = fields
        self.line = line
        self.header = header
    }

    /// The row's problems in column order.
    var problems: [GugusError.FieldError] {
        found.enumerated()
            .sorted { ($0.element.column, $0.offset) < ($1.element.column, $1.offset) }
            .map(\.element.problem)
    }

    mutating func memberRow() -> MemberRow? {
        let name = required(.name)
        let roleText = required(.role)
        // The exact spelling first: it is what nearly every row has, and it spares the
        // lenient parse's Foundation calls.
        let role = roleText.flatMap { text in
            MemberRole(rawValue: text) ?? attempt(.role) { field throws(GugusError) in try MemberRole.parse(text, field: field) }
        }
        let position = required(.position)
        let institution = required(.institution)
        let email = optional(.email) { text, field throws(GugusError) in try EmailAddress(parsing: text, field: field) }
        let phone = optional(.phone) { text, field throws(GugusError) in try PhoneNumber(parsing: text, field: field) }
        let workingGroup = optional(.workingGroup) { text, field throws(GugusError) in try Self.workingGroup(text, field: field) }
        let from = optional(.from) { text, field throws(GugusError) in try CivilDate.parse(text, field: field) }
        let until = optional(.until) { text, field throws(GugusError) in try CivilDate.parse(text, field: field) }
        if let from, let until, until < from, let fromCell = header.cell(.from, in: fields),
           let untilCell = header.cell(.until, in: fields) {
            report(at: untilCell.index, .init(
                field: untilCell.name, value: until.description,
                message: Localized(
                    id: "\(untilCell.name) \(until) lebih awal dari \(fromCell.name) \(from); keanggotaan tidak bisa berakhir sebelum dimulai",
                    en: "\(untilCell.name) \(until) is before \(fromCell.name) \(from); a membership cannot end before it starts"),
                line: line))
        }
        checkExtraFields()

        guard found.isEmpty, let name, let role, let position, let institution else { return nil }
        return MemberRow(
            line: line, name: name, role: role, position: position, institution: institution,
            email: email, phone: phone, workingGroup: workingGroup, from: from, until: until)
    }

    private mutating func report(at column: Int, _ problem: GugusError.FieldError) {
        found.append((column, problem))
    }

    /// A required text, with runs of whitespace made one space: re-import matches people on
    /// name and institution, and a double space or a line break must not make a new person.
    private mutating func required(_ column: MemberCSV.Column) -> String? {
        guard let cell = header.cell(column, in: fields) else { return nil }
        let value = collapsingWhitespace(cell.value)
        if value.isEmpty {
            let meaning = column.meaning
            report(at: cell.index, .init(
                field: cell.name, value: nil,
                message: Localized(
                    id: "\(cell.name) kosong; isi \(meaning.id)",
                    en: "\(cell.name) is empty; fill in \(meaning.en)"),
                line: line))
            return nil
        }
        return value
    }

    /// An optional value, nil when the column is absent or blank. A bad value is nil too,
    /// with its problem recorded, and a row with problems is never built.
    private mutating func optional<Value>(
        _ column: MemberCSV.Column, _ parse: (String, String) throws(GugusError) -> Value
    ) -> Value? {
        guard let cell = header.cell(column, in: fields) else { return nil }
        let value = collapsingWhitespace(cell.value)
        guard !value.isEmpty else { return nil }
        return attempt(column) { field throws(GugusError) in try parse(value, field) }
    }

    /// Runs a validator with the column's name as written, so its message names the column
    /// the way the file does, and records what it refuses.
    private mutating func attempt<Value>(
        _ column: MemberCSV.Column, _ parse: (String) throws(GugusError) -> Value
    ) -> Value? {
        guard let cell = header.cell(column, in: fields) else { return nil }
        do {
            return try parse(cell.name)
        } catch {
            for var problem in error.fieldErrors {
                problem.line = line
                report(at: cell.index, problem)
            }
            if error.fieldErrors.isEmpty {
                report(at: cell.index, .init(field: cell.name, value: cell.value, message: error.message, line: line))
            }
            return nil
        }
    }

    /// Values past the last named column have nowhere to go; dropping them silently could
    /// lose what the coordinator meant to import (a shifted row, say).
    private mutating func checkExtraFields() {
        for index in header.width..<max(header.width, fields.count) where !isBlank(fields[index]) {
            let value = collapsingWhitespace(fields[index])
            report(at: index, .init(
                field: "column \(index + 1)", value: value,
                message: Localized(
                    id: "ada isian '\(value)' di kolom ke-\(index + 1), padahal baris judul hanya menamai \(header.width) kolom; hapus isian itu atau beri nama kolomnya",
                    en: "there is a value '\(value)' in column \(index + 1), but the header row names only \(header.width) columns; delete it or name the column"),
                line: line))
        }
    }

    private static func workingGroup(_ text: String, field: String) throws(GugusError) -> Int {
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let group = Int(text), (1...3).contains(group)
        else {
            throw .invalid(
                field: field, value: text,
                Localized(
                    id: "'\(text)' bukan pokja yang valid untuk \(field); isi 1, 2 atau 3, atau kosongkan",
                    en: "'\(text)' is not a valid working group for \(field); use 1, 2 or 3, or leave it empty"))
        }
        return group
    }
}

// MARK: - File-level problems

/// Problems with the file as a whole, which stop the import before any row is read.
private enum FileProblem {
    case empty
    case noMembers
    case utf16
    case notUTF8(line: Int)
    case tabSeparated
    case strayQuote(line: Int)
    case unclosedQuote(line: Int)

    var error: GugusError {
        let (message, line) = text
        let fieldErrors = line.map { [GugusError.FieldError(field: "file", value: nil, message: message, line: $0)] } ?? []
        return GugusError(.invalid, message, fieldErrors: fieldErrors)
    }

    private var text: (Localized, line: Int?) {
        switch self {
        case .empty:
            (Localized(
                id: "file kosong; isinya harus baris judul (nama;peran;jabatan;instansi;…) lalu satu baris per anggota",
                en: "the file is empty; it needs a header row (name,role,position,institution,…) and then one line per member"),
             nil)
        case .noMembers:
            (Localized(
                id: "file hanya berisi baris judul; tambahkan satu baris per anggota di bawahnya",
                en: "the file has a header row but no members; add one line per member below it"),
             nil)
        case .utf16:
            (Localized(
                id: "file berformat teks UTF-16; simpan ulang sebagai \"CSV UTF-8\"",
                en: "the file is UTF-16 text; save it again as \"CSV UTF-8\""),
             nil)
        case .notUTF8(let line):
            (Localized(
                id: "file bukan UTF-8 (karakter pertama yang tak terbaca ada di baris \(line)); simpan ulang sebagai \"CSV UTF-8\"",
                en: "the file is not UTF-8 (the first unreadable character is on line \(line)); save it again as \"CSV UTF-8\""),
             line)
        case .tabSeparated:
            (Localized(
                id: "kolom dalam file dipisahkan dengan tab; simpan sebagai CSV dengan pemisah , atau ;",
                en: "the columns of the file are separated by tabs; save it as CSV with , or ; between the columns"),
             nil)
        case .strayQuote(let line):
            (Localized(
                id: "baris \(line) bukan CSV yang valid: tanda petik (\") di dalam isian harus digandakan dan seluruh isian diapit petik, misalnya \"Yayasan \"\"Maju\"\"\"",
                en: "line \(line) is not valid CSV: a quote mark (\") inside a value must be doubled and the whole value put in quotes, like \"Yayasan \"\"Maju\"\"\""),
             line)
        case .unclosedQuote(let line):
            (Localized(
                id: "baris \(line) bukan CSV yang valid: tanda petik (\") pembuka tidak pernah ditutup; tambahkan petik penutupnya",
                en: "line \(line) is not valid CSV: a quote mark (\") opens a value and is never closed; add the closing quote mark"),
             line)
        }
    }
}

// MARK: - Text helpers

/// Only whitespace, including the no-break spaces spreadsheets paste in.
private func isBlank(_ text: String) -> Bool {
    // Most cells are ASCII; look at bytes first and at characters only when needed.
    text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 } || text.allSatisfy(\.isWhitespace)
}

/// Line breaks inside a (quoted) value. Counted as characters, so `\r\n` is one.
private func lineBreakCount(_ text: String) -> Int {
    guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return 0 }
    return text.reduce(0) { $1.isNewline ? $0 + 1 : $0 }
}

/// Trimmed, with every run of whitespace (line breaks included) made one space.
private func collapsingWhitespace(_ text: String) -> String {
    if isTidyASCII(text) { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count)
    var pendingSpace = false
    for character in text {
        if character.isWhitespace {
            pendingSpace = !result.isEmpty
        } else {
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.append(character)
        }
    }
    return result
}

/// Printable ASCII with single spaces between words: what almost every cell is, and
/// already collapsed. Checked on bytes, which is much cheaper than on characters.
private func isTidyASCII(_ text: String) -> Bool {
    var previousWasSpace = true
    for byte in text.utf8 {
        switch byte {
        case 0x20:
            if previousWasSpace { return false }
            previousWasSpace = true
        case 0x21..<0x7F:
            previousWasSpace = false
        default:
            return false
        }
    }
    return !previousWasSpace || text.isEmpty
}
