import CLibPQ
import Foundation

/// Owns one `PGresult` and clears it exactly once, when the last row referring to it goes.
final class ResultHandle: @unchecked Sendable {
    // A PGresult is immutable once returned, so reading it from several threads is safe.
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { PQclear(pointer) }
}

/// The rows a statement returned. Values are read from the result on demand, without copying.
public struct PostgresRows: Sendable, RandomAccessCollection {
    let handle: ResultHandle?
    /// Column name → index, computed once per result of many columns; a few columns are
    /// searched in order, which costs less than hashing every name of every result.
    private let columnIndex: [String: Int]?
    public let columns: [String]
    public let count: Int
    /// Rows inserted, updated or deleted (`PQcmdTuples`), or the row count of a SELECT.
    public let affectedRows: Int
    let query: String
    let file: String
    let line: Int

    init(handle: ResultHandle, query: String, file: String, line: Int) {
        self.handle = handle
        let result = handle.pointer
        let columnCount = Int(PQnfields(result))
        var columns: [String] = []
        columns.reserveCapacity(columnCount)
        for index in 0..<columnCount {
            columns.append(String(cString: PQfname(result, Int32(index))))
        }
        self.columns = columns
        if columnCount > Self.columnsSearchedInOrder {
            // The first of two columns with one name wins, as in the search in order.
            self.columnIndex = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        } else {
            self.columnIndex = nil
        }
        self.count = Int(PQntuples(result))
        self.affectedRows = Self.parseCount(PQcmdTuples(result)) ?? Int(PQntuples(result))
        self.query = query
        self.file = file
        self.line = line
    }

    private static let columnsSearchedInOrder = 8

    /// The position of the first column called `name`.
    func position(of name: String) -> Int? {
        if let columnIndex { return columnIndex[name] }
        return columns.firstIndex(of: name)
    }

    /// The row count of `PQcmdTuples` ("" for a statement that reports none), read without
    /// making a String of it.
    private static func parseCount(_ text: UnsafePointer<CChar>) -> Int? {
        var cursor = text
        var value = 0
        while case let digit = Int(cursor.pointee) - 48, (0...9).contains(digit) {
            value = value &* 10 &+ digit
            cursor += 1
        }
        return cursor != text && cursor.pointee == 0 ? value : nil
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(rows: self, index: Int32(position))
    }

    /// The only row, or nil when there is none; more than one is a bug in the query.
    public func single() throws(PostgresError) -> PostgresRow? {
        guard count <= 1 else {
            throw PostgresError(.decoding, message: "expected at most one row, got \(count)", query: query, file: file, line: line)
        }
        return first
    }

    /// Decodes every row into a Decodable type by column name (see ``PostgresRow/decode(as:)``).
    public func decode<Value: Decodable>(as type: Value.Type) throws(PostgresError) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(count)
        for row in self { values.append(try row.decode(as: type)) }
        return values
    }

    /// Decodes the first column of every row.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type) throws(PostgresError) -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(count)
        for row in self { values.append(try row.decode(type)) }
        return values
    }

    /// Decodes every row into a tuple of column values, in column order.
    public func decode<each Value: PostgresDecodable>(_ types: (repeat each Value).Type) throws(PostgresError) -> [(repeat each Value)] {
        var values: [(repeat each Value)] = []
        values.reserveCapacity(count)
        for row in self { values.append(try row.decode(types)) }
        return values
    }
}

/// One row of a result.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int32

    public var columns: [String] { rows.columns }

    /// The cell of a named column.
    public func column(_ name: String) throws(PostgresError) -> PostgresCell {
        guard let column = rows.position(of: name) else {
            throw error("no column '\(name)' in the result (columns: \(rows.columns.joined(separator: ", ")))")
        }
        return PostgresCell(row: self, column: Int32(column))
    }

    /// The cell at a column position.
    public func column(at position: Int) throws(PostgresError) -> PostgresCell {
        guard position >= 0, position < rows.columns.count else {
            throw error("no column \(position) in a result of \(rows.columns.count) columns")
        }
        return PostgresCell(row: self, column: Int32(position))
    }

    /// Decodes the first column.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type) throws(PostgresError) -> Value {
        try column(at: 0).decode(type)
    }

    /// Decodes the first columns into a tuple: `row.decode((Int, String?).self)`.
    public func decode<each Value: PostgresDecodable>(_ types: (repeat each Value).Type) throws(PostgresError) -> (repeat each Value) {
        var position = 0
        func next<T: PostgresDecodable>(_ type: T.Type) throws(PostgresError) -> T {
            defer { position += 1 }
            return try column(at: position).decode(type)
        }
        return (repeat try next((each Value).self))
    }

    /// Decodes a `Decodable` type whose property names are the columns' names in camelCase
    /// (`effective_from` → `effectiveFrom`). Optional properties take NULL or a missing column.
    public func decode<Value: Decodable>(as type: Value.Type) throws(PostgresError) -> Value {
        do {
            return try Value(from: RowDecoder(row: self))
        } catch let error as PostgresError {
            throw error
        } catch {
            throw self.error("cannot decode \(Value.self): \(error)")
        }
    }

    func error(_ message: String) -> PostgresError {
        PostgresError(.decoding, message: message, query: rows.query, file: rows.file, line: rows.line)
    }
}

/// One value of a row.
public struct PostgresCell: Sendable {
    let row: PostgresRow
    let column: Int32

    public var name: String { row.rows.columns[Int(column)] }

    public var isNull: Bool {
        guard let result = row.rows.handle?.pointer else { return true }
        return PQgetisnull(result, row.index, column) == 1
    }

    /// The value's text, or nil for NULL.
    public var text: String? {
        guard let result = row.rows.handle?.pointer, PQgetisnull(result, row.index, column) == 0 else { return nil }
        return String(cString: PQgetvalue(result, row.index, column))
    }

    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self) throws(PostgresError) -> Value {
        do {
            guard let text else { return try Value.postgresNull() }
            return try Value(postgresText: text)
        } catch {
            throw row.error("column '\(name)' as \(Value.self): \(error.reason)")
        }
    }
}

// MARK: - Decodable rows

/// Turns a row into a Decodable value: keys are column names, converted from camelCase.
struct RowDecoder: Decoder {
    let row: PostgresRow
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw row.error("a row decodes into a keyed type, not an array")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard row.columns.count == 1 else { throw row.error("a single value needs a one-column result") }
        return CellDecoder(cell: try row.column(at: 0), codingPath: [])
    }

    /// `startsAt` → `starts_at`. Byte by byte: Swift property names here are ASCII, and the
    /// Character-based version (isUppercase, lowercased()) was most of the time spent decoding
    /// a wide row (make bench, dispatch and http).
    static func columnName(_ key: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(key.utf8.count + 4)
        for byte in key.utf8 {
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                bytes.append(UInt8(ascii: "_"))
                bytes.append(byte + 32)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: PostgresRow
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.columns.compactMap { Key(stringValue: $0) } }

    func cell(_ key: Key) throws -> PostgresCell {
        try row.column(RowDecoder.columnName(key.stringValue))
    }

    func contains(_ key: Key) -> Bool {
        row.rows.position(of: RowDecoder.columnName(key.stringValue)) != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard contains(key) else { return true }
        return try cell(key).isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try CellDecoder.decode(type, from: cell(key), codingPath: [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw row.error("nested containers are not supported; decode the column '\(key.stringValue)' as JSON")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw row.error("nested containers are not supported; decode the column '\(key.stringValue)' as JSON")
    }

    func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { RowDecoder(row: row) }
}

/// Decodes one cell: a PostgresDecodable type directly, a JSON column through JSONDecoder,
/// and anything else (a String-backed enum, say) through a single-value container.
struct CellDecoder: Decoder, SingleValueDecodingContainer {
    let cell: PostgresCell
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<T: Decodable>(_ type: T.Type, from cell: PostgresCell, codingPath: [any CodingKey]) throws -> T {
        if let decodable = type as? any PostgresDecodable.Type {
            // Swift cannot open the existential into T directly; the helper does.
            return try open(decodable, cell) as! T
        }
        if let text = cell.text, let first = text.first, first == "{" || first == "[" {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            do {
                return try decoder.decode(T.self, from: Data(text.utf8))
            } catch {
                throw cell.row.error("column '\(cell.name)' as \(T.self): \(error)")
            }
        }
        return try T(from: CellDecoder(cell: cell, codingPath: codingPath))
    }

    private static func open<D: PostgresDecodable>(_ type: D.Type, _ cell: PostgresCell) throws -> D {
        try cell.decode(type)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw cell.row.error("column '\(cell.name)' holds a scalar, not an object")
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw cell.row.error("column '\(cell.name)' holds a scalar, not an array")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { cell.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try CellDecoder.decode(type, from: cell, codingPath: codingPath)
    }
}
