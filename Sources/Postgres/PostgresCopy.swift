import CLibPQ

/// `COPY … FROM STDIN`: rows streamed to the server in PostgreSQL's text format.
extension PostgresConnection {
    /// Runs `statement`, a `COPY … FROM STDIN` in the text format, and streams to it the rows
    /// that `write` produces; returns how many rows the server took.
    ///
    /// The rows go out in chunks of about 64 KiB as `write` makes them (`PQputCopyData`), so
    /// memory stays bounded by the chunk, not by the number of rows. Every way out leaves the
    /// connection usable:
    /// - when `write` throws, the copy is ended with an error (`PQputCopyEnd` with a
    ///   message), the server discards the rows, and the error is rethrown;
    /// - when the server refuses a row (a type, a constraint), its error is thrown once the
    ///   copy has ended, with the line of the data the server names;
    /// - a cancelled task cancels the copy on the server, as for any query.
    /// Inside a transaction, a failed copy fails the transaction, as a failed statement does.
    @discardableResult
    public func copyIn(
        _ statement: PostgresQuery, file: String = #fileID, line: Int = #line,
        rows write: (inout PostgresCopyWriter) throws -> Void
    ) async throws -> Int {
        precondition(statement.bindings.count == 0, "COPY takes no parameters: write the values as rows")
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try runCopy(statement.sql, file: file, line: line, write)
        } onCancel: {
            canceller.cancel()
        }
    }

    private func runCopy(_ sql: String, file: String, line: Int, _ write: (inout PostgresCopyWriter) throws -> Void) throws -> Int {
        guard let connection else {
            throw PostgresError(.closed, message: "the connection is closed", query: sql, file: file, line: line)
        }
        guard let started = PQexec(connection, sql) else {
            markTainted()
            throw PostgresError(.connection, message: Self.errorMessage(connection), query: sql, file: file, line: line)
        }
        let status = PQresultStatus(started)
        guard status == PGRES_COPY_IN else {
            // Not a COPY FROM STDIN, or refused before any row: an ordinary result or error.
            // A COPY TO STDOUT leaves the connection copying out: it must not be lent again.
            if status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH { markTainted() }
            _ = try check(started, on: connection, query: sql, file: file, line: line)
            throw PostgresError(.server, message: "the statement is not a COPY … FROM STDIN", query: sql, file: file, line: line)
        }
        PQclear(started)

        var writer = PostgresCopyWriter { chunk throws(PostgresError) in
            let sent = chunk.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
            }
            guard sent == 1 else {
                throw PostgresError(.connection, message: Self.errorMessage(connection), query: sql, file: file, line: line)
            }
        }
        var failure: (any Error)?
        do {
            try write(&writer)
            try writer.flush()
        } catch {
            failure = error
        }
        // The end: normal, or an error that makes the server discard what it received.
        let reason = failure.map { "the rows were not complete: \($0)" }
        let ended = reason.map { PQputCopyEnd(connection, $0) } ?? PQputCopyEnd(connection, nil)
        if ended != 1 {
            markTainted()
            throw failure ?? PostgresError(.connection, message: Self.errorMessage(connection), query: sql, file: file, line: line)
        }
        // The copy's own result, then nothing: libpq needs every result read before the next
        // statement. The first error is the one to report.
        var outcome: Result<Int, PostgresError> = .success(0)
        while let result = PQgetResult(connection) {
            let affected = String(cString: PQcmdTuples(result))
            do {
                _ = try check(result, on: connection, query: sql, file: file, line: line)
                if case .success = outcome { outcome = .success(Int(affected) ?? 0) }
            } catch {
                if case .success = outcome { outcome = .failure(error) }
            }
        }
        if let failure { throw failure }
        return try outcome.get()
    }
}

/// Writes rows for ``PostgresConnection/copyIn(_:file:line:rows:)`` in PostgreSQL's text
/// format: fields separated by tabs, `\N` for NULL, and backslash, tab, newline and carriage
/// return escaped, so any text arrives as it was.
public struct PostgresCopyWriter: ~Copyable {
    private var buffer: [UInt8] = []
    private var fieldsInRow = 0
    private let send: ([UInt8]) throws(PostgresError) -> Void
    /// Rows written so far.
    public private(set) var rows = 0

    static let chunkSize = 64 * 1024

    init(send: @escaping ([UInt8]) throws(PostgresError) -> Void) {
        self.send = send
        buffer.reserveCapacity(Self.chunkSize + 1024)
    }

    /// The next field of the current row: text, or NULL.
    public mutating func field(_ value: String?) {
        separate()
        guard let value else {
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(UInt8(ascii: "N"))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "r"))
            default: buffer.append(byte)
            }
        }
    }

    /// The next field of the current row: a whole number, or NULL.
    public mutating func field(_ value: Int?) {
        guard let value else { return field(nil as String?) }
        separate()
        buffer.append(contentsOf: String(value).utf8)
    }

    /// Ends the current row; sends what is buffered once a chunk is full.
    public mutating func endRow() throws(PostgresError) {
        buffer.append(UInt8(ascii: "\n"))
        fieldsInRow = 0
        rows += 1
        if buffer.count >= Self.chunkSize { try flush() }
    }

    mutating func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        try send(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func separate() {
        if fieldsInRow > 0 { buffer.append(UInt8(ascii: "\t")) }
        fieldsInRow += 1
    }
}
