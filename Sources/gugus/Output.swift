import Foundation
import GugusModel

/// How the CLI speaks: human tables in Indonesian or English, or `--json`.
struct Output: Sendable {
    let json: Bool
    let language: Language

    /// Picks the text in the output language.
    func text(_ id: String, _ en: String) -> String {
        language == .id ? id : en
    }

    func text(_ localized: Localized) -> String { localized.text(language) }

    /// Prints a value as JSON (the `--json` contract: snake_case fields, ISO 8601 instants).
    func printJSON<Value: Encodable>(_ value: Value) throws {
        var data = try Self.jsonEncoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        // write(2), which fails with EPIPE when the reader has gone (`--json | head`), where
        // FileHandle's write traps: the reader has all it wanted, so stop quietly.
        fflush(nil)
        var rest = data[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { exit(0) }
            rest = rest.dropFirst(written)
        }
    }

    /// Prints a record: as JSON with `--json`, else by `human`.
    func emit<Value: Encodable>(_ value: Value, human: () -> String) throws {
        if json {
            try printJSON(value)
        } else {
            print(human())
        }
    }

    /// A note for people (progress, warnings), on stderr so it never mixes with `--json`.
    func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static let jsonEncoder = GugusJSON.encoder(pretty: true)
}

/// A plain text table with aligned columns.
struct Table {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: [String]) {
        self.headers = headers
    }

    mutating func add(_ cells: [String]) {
        rows.append(cells)
    }

    var rendered: String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var lines = [line(headers), line(widths.map { String(repeating: "─", count: $0) })]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}

extension Optional where Wrapped: CustomStringConvertible {
    /// A cell: the value, or a dash.
    var cell: String { map(\.description) ?? "–" }
}

/// A record printed with the `id` every `--json` record carries, for results whose own type
/// has none (a region's code, an import's task force, a worker's name).
struct Identified<ID: Encodable, Value: Encodable>: Encodable {
    let id: ID
    let value: Value

    init(_ value: Value, id: ID) {
        self.id = id
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(id, forKey: .id)
    }

    enum Key: String, CodingKey { case id }
}
