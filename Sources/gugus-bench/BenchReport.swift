import Foundation

/// One measured figure, with the reference it is compared to and the target for the ratio.
struct Figure: Codable, Sendable {
    /// Whether more is better (throughput) or less is (latency, memory): it decides which
    /// way the ratio is taken, so that a ratio above 1 always means "better than the reference".
    enum Direction: String, Codable, Sendable {
        case higherIsBetter
        case lowerIsBetter
    }

    struct Reference: Codable, Sendable {
        /// What produced it, precisely enough to repeat: `pgbench -M prepared -c 8 -j 2`.
        var name: String
        var value: Double
    }

    /// What was measured: `pool, checkout per query`.
    var name: String
    /// The conditions: `8 tasks, pool of 8`.
    var detail: String
    var unit: String
    var value: Double
    var direction: Direction
    var reference: Reference?
    /// The least ratio that counts as good enough, if there is a target.
    var target: Double?
    /// A headline figure is the one the target is about; others explain it.
    var isHeadline: Bool
    /// Ours relative to the reference, oriented so that above 1 is better than the reference.
    var ratio: Double?
    var meetsTarget: Bool?

    init(
        name: String, detail: String, unit: String, value: Double, direction: Direction = .higherIsBetter,
        reference: Reference? = nil, target: Double? = nil, isHeadline: Bool = false
    ) {
        self.name = name
        self.detail = detail
        self.unit = unit
        self.value = value
        self.direction = direction
        self.reference = reference
        self.target = target
        self.isHeadline = isHeadline
        if let reference, reference.value > 0, value > 0 {
            let ratio = direction == .higherIsBetter ? value / reference.value : reference.value / value
            self.ratio = ratio
            self.meetsTarget = target.map { ratio >= $0 }
        }
    }
}

/// What one section measured.
struct SectionReport: Codable, Sendable {
    var name: String
    var summary: String
    /// Facts a reader needs to judge the figures: row counts, the SQL, settings.
    var notes: [String]
    var figures: [Figure]
}

/// The whole run, as `--json` prints it.
struct BenchReport: Codable, Sendable {
    struct Environment: Codable, Sendable {
        var cores: Int
        var serverVersion: String
        var database: String
    }

    struct Settings: Codable, Sendable {
        var durationSeconds: Int
        var warmupSeconds: Int
        var rounds: Int
    }

    var date: Date
    var environment: Environment
    var settings: Settings
    var sections: [SectionReport]
    /// ru_maxrss of the bench process at the end, in bytes.
    var peakResidentBytes: Int

    /// Headline figures that missed their target.
    var missedTargets: [Figure] {
        sections.flatMap(\.figures).filter { $0.isHeadline && $0.meetsTarget == false }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The human report: a table per section.
    func text() -> String {
        var lines: [String] = []
        lines.append("gugus-bench, \(date.formatted(.iso8601)), \(environment.cores) cores, PostgreSQL \(environment.serverVersion) (\(environment.database))")
        lines.append("each figure: \(settings.durationSeconds) s after \(settings.warmupSeconds) s warm-up, median of \(settings.rounds) round\(settings.rounds == 1 ? "" : "s")")
        for section in sections {
            lines.append("")
            lines.append("\(section.name): \(section.summary)")
            for note in section.notes { lines.append("  \(note)") }
            // One table per unit, so each column compares like with like.
            var units: [String] = []
            for figure in section.figures where !units.contains(figure.unit) { units.append(figure.unit) }
            for unit in units {
                lines.append("")
                lines.append(contentsOf: Self.table(section.figures.filter { $0.unit == unit }).map { "  " + $0 })
            }
        }
        if sections.contains(where: { $0.figures.contains(where: \.isHeadline) }) {
            lines.append("")
            lines.append("  * headline figure: the one the target is about")
        }
        lines.append("")
        lines.append("peak RSS of gugus-bench: \(Self.mebibytes(peakResidentBytes))")
        return lines.joined(separator: "\n")
    }

    private static func table(_ figures: [Figure]) -> [String] {
        let unit = figures.first?.unit ?? ""
        let hasTarget = figures.contains { $0.target != nil }
        var header = ["figure", "conditions", "ours, \(unit)", "reference", "", "ratio"]
        if hasTarget { header.append("target") }
        let rows = figures.map { figure -> [String] in
            let ratio = figure.ratio.map { String(format: "%.2f×", $0) } ?? "—"
            let target: String
            switch (figure.target, figure.meetsTarget) {
            case (let goal?, true?): target = String(format: "≥ %.2f× met", goal)
            case (let goal?, false?): target = String(format: "≥ %.2f× MISSED", goal)
            case (let goal?, nil): target = String(format: "≥ %.2f×", goal)
            case (nil, _): target = ""
            }
            var row = [
                (figure.isHeadline ? "* " : "  ") + figure.name, figure.detail, number(figure.value),
                figure.reference.map { number($0.value) } ?? "—", figure.reference?.name ?? "", ratio,
            ]
            if hasTarget { row.append(target) }
            return row
        }
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        // Numbers read best right-aligned; words left-aligned.
        let rightAligned: Set<Int> = [2, 3, 5]
        return all.map { row in
            row.indices.map { column in
                let cell = row[column]
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            .joined(separator: "  ")
            .trimmingTrailingSpaces()
        }
    }

    /// Whole numbers with thousands apart (`12 345`); small ones with a decimal (`4.7`).
    static func number(_ value: Double) -> String {
        if abs(value) < 100 { return String(format: "%.1f", value) }
        let digits = String(Int(value.rounded()))
        var grouped = ""
        for (offset, character) in digits.reversed().enumerated() {
            if offset > 0, offset % 3 == 0, character != "-" { grouped.append(" ") }
            grouped.append(character)
        }
        return String(grouped.reversed())
    }

    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
