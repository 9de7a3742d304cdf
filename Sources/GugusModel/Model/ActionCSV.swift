import Foundation

/// One action of an actions file, checked.
public struct ActionRow: Sendable, Hashable {
    public var line: Int
    public var code: String
    public var title: String
    public var strategy: Int
    public var indicator: String
    public var unit: String?
    public var target: Double?
    public var assigned: ReportAction.Assignment
    public var regionCodes: [String]
}

/// The actions file of `report action import`: `code,title,strategy,indicator,unit,target,assigned`
/// with a header row, `,` or `;` between columns, as rosters are read (``MemberCSV``). Every
/// bad field of every line is reported with its line, so one run shows everything to fix.
public enum ActionCSV {
    public static let columns = ["code", "title", "strategy", "indicator", "unit", "target", "assigned"]
    static let required: Set<String> = ["code", "title", "strategy", "indicator", "assigned"]

    public static func parse(_ data: Data) throws(GugusError) -> [ActionRow] {
        let emptyFile = GugusError(.invalid, Localized(
            id: "file aksi kosong; isinya harus baris judul (\(columns.joined(separator: ","))) lalu satu baris per aksi",
            en: "the actions file is empty; it needs a header row (\(columns.joined(separator: ","))) and then one line per action"))
        guard !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { throw emptyFile }
        let (records, _) = try MemberCSV.records(data)
        guard let header = records.first else { throw emptyFile }

        var positions: [String: Int] = [:]
        var problems: [GugusError.FieldError] = []
        for (index, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else { continue }
            guard columns.contains(name) else {
                problems.append(.init(field: "header", value: raw, message: Localized(
                    id: "kolom '\(raw)' tidak dikenal; kolomnya: \(columns.joined(separator: ", "))",
                    en: "unknown column '\(raw)'; the columns are: \(columns.joined(separator: ", "))"), line: header.line))
                continue
            }
            positions[name] = index
        }
        for missing in columns where required.contains(missing) && positions[missing] == nil {
            problems.append(.init(field: missing, value: nil, message: Localized(
                id: "kolom '\(missing)' tidak ada; kolom wajib: \(columns.filter(required.contains).joined(separator: ", "))",
                en: "the '\(missing)' column is missing; required columns: \(columns.filter(required.contains).joined(separator: ", "))"), line: header.line))
        }
        if !problems.isEmpty { throw refusal(problems) }
        guard records.count > 1 else {
            throw GugusError(.invalid, Localized(
                id: "file aksi hanya berisi baris judul; tambahkan satu baris per aksi di bawahnya",
                en: "the actions file has a header row but no actions; add one line per action below it"))
        }

        var rows: [ActionRow] = []
        var firstLineOfCode: [String: Int] = [:]
        for record in records.dropFirst() {
            func cell(_ column: String) -> String {
                guard let index = positions[column], index < record.fields.count else { return "" }
                return record.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let line = record.line
            func problem(_ field: String, _ value: String?, id: String, en: String) {
                problems.append(.init(field: field, value: value, message: Localized(id: id, en: en), line: line))
            }
            let before = problems.count
            for column in columns where required.contains(column) && cell(column).isEmpty {
                problem(column, nil, id: "kolom '\(column)' kosong", en: "the '\(column)' column is empty")
            }
            let code = cell("code")
            if !code.isEmpty && code.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._-]{0,31}/) == nil {
                problem("code", code, id: "kode aksi '\(code)' hanya boleh berisi huruf, angka, titik, garis bawah dan tanda hubung (paling banyak 32)",
                        en: "action code '\(code)' may hold only letters, digits, dots, underscores and hyphens (32 at most)")
            } else if !code.isEmpty, let first = firstLineOfCode[code.lowercased()] {
                problem("code", code, id: "kode aksi '\(code)' sudah ada di baris \(first)", en: "action code '\(code)' is already on line \(first)")
            } else if !code.isEmpty {
                firstLineOfCode[code.lowercased()] = line
            }
            let strategyText = cell("strategy")
            let strategy = Int(strategyText)
            if !strategyText.isEmpty && !(strategy.map { (1...3).contains($0) } ?? false) {
                problem("strategy", strategyText, id: "strategi '\(strategyText)' harus 1, 2 atau 3", en: "strategy '\(strategyText)' must be 1, 2 or 3")
            }
            let unit = cell("unit").isEmpty ? nil : cell("unit")
            let targetText = cell("target")
            var target: Double?
            if !targetText.isEmpty {
                target = Double(targetText.replacingOccurrences(of: ",", with: "."))
                if target == nil || target! < 0 || !target!.isFinite {
                    problem("target", targetText, id: "target '\(targetText)' bukan angka nol atau lebih (misalnya 12 atau 2,5)",
                            en: "target '\(targetText)' is not a number of zero or more (such as 12 or 2.5)")
                } else if unit == nil {
                    problem("unit", nil, id: "target \(targetText) tanpa satuan; isi kolom 'unit' (misalnya kegiatan, dokumen)",
                            en: "target \(targetText) has no unit; fill in the 'unit' column (such as sessions, documents)")
                }
            }
            let assignedText = cell("assigned")
            var assigned = ReportAction.Assignment.all
            var regionCodes: [String] = []
            switch assignedText.lowercased() {
            case "": break
            case "all", "semua": assigned = .all
            case "national", "nasional": assigned = .national
            default:
                assigned = .regions
                regionCodes = assignedText.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
                for code in regionCodes where code.wholeMatch(of: /[1-9][0-9](\.[0-9]{2})?/) == nil {
                    problem("assigned", code, id: "'\(code)' di kolom assigned bukan kode wilayah; tulis all, national, atau kode wilayah dipisah spasi (misalnya 82 91)",
                            en: "'\(code)' in the assigned column is not a region code; write all, national, or region codes separated by spaces (such as 82 91)")
                }
                regionCodes = Array(Set(regionCodes)).sorted()
            }
            guard problems.count == before, let strategy else { continue }
            rows.append(ActionRow(
                line: line, code: code, title: cell("title"), strategy: strategy, indicator: cell("indicator"),
                unit: unit, target: target, assigned: assigned, regionCodes: regionCodes))
        }
        if !problems.isEmpty { throw refusal(problems) }
        return rows
    }

    /// A refused file: each problem on its field with its line (the CLI and the portal say the
    /// line beside the message), and the whole as one message that names every line.
    public static func refusal(_ problems: [GugusError.FieldError]) -> GugusError {
        func said(_ problem: GugusError.FieldError, _ language: Language) -> String {
            let text = problem.message.text(language)
            guard let line = problem.line else { return text }
            return language == .id ? "baris \(line): \(text)" : "line \(line): \(text)"
        }
        let message = problems.count == 1
            ? Localized(id: said(problems[0], .id), en: said(problems[0], .en))
            : Localized(
                id: "file aksi tidak diimpor (tidak ada yang berubah): " + problems.map { said($0, .id) }.joined(separator: "; "),
                en: "the actions file was not imported (nothing changed): " + problems.map { said($0, .en) }.joined(separator: "; "))
        return GugusError(.invalid, message, fieldErrors: problems)
    }
}
