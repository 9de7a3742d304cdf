import CLibPQ
import Foundation
import Logging
import Synchronization

/// One libpq connection, owned by an actor that runs on a thread of its own.
///
/// Every libpq call happens on that thread (the actor's executor), so the `PGconn` is never
/// used from two places at once and no blocking call runs on the cooperative pool. A task
/// that awaits a query and is cancelled sends a cancel request (`PQcancel`) to the server.
public actor PostgresConnection {
    nonisolated let thread: ConnectionThread
    // Touched only on the actor's thread, and by deinit once no one else can.
    nonisolated(unsafe) var connection: OpaquePointer?
    let canceller: Canceller
    public nonisolated let logger: Logger
    /// Set when a query was cancelled or the transaction state is unknown: a pool must not
    /// hand this connection to anyone else.
    private(set) var isTainted = false
    /// The statements prepared on this connection, and those to deallocate once it is
    /// between transactions.
    private var statements: StatementCache
    private var unusedStatements: [String] = []

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        thread.serialExecutor.asUnownedSerialExecutor()
    }

    /// The executor that keeps a task on this connection's thread: see ``PostgresPool``.
    nonisolated var taskExecutor: any TaskExecutor { thread.taskExecutor }

    private init(thread: ConnectionThread, logger: Logger, statementCacheCapacity: Int) {
        self.thread = thread
        self.logger = logger
        self.canceller = Canceller()
        self.statements = StatementCache(capacity: statementCacheCapacity)
    }

    /// Connects, on the new connection's own thread.
    public static func connect(
        _ configuration: PostgresConfiguration, logger: Logger = Logger(label: "gugus.postgres")
    ) async throws(PostgresError) -> PostgresConnection {
        let connection = PostgresConnection(
            thread: ConnectionThread(name: "pq-connection"), logger: logger,
            statementCacheCapacity: max(0, configuration.statementCacheCapacity))
        try await connection.open(configuration)
        return connection
    }

    private func open(_ configuration: PostgresConfiguration) throws(PostgresError) {
        let handle = configuration.withConnectParameters { keys, values in
            PQconnectdbParams(keys, values, configuration.expandDatabaseName ? 1 : 0)
        }
        guard let handle else {
            throw PostgresError(.connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.errorMessage(handle)
            PQfinish(handle)  // exactly once, failed connects included
            throw PostgresError(.connection, message: "cannot connect to \(configuration): \(message)")
        }
        // libpq prints notices on stderr by default; a server's NOTICE is not for the user.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        connection = handle
        canceller.set(PQgetCancel(handle))
    }

    deinit {
        canceller.set(nil)
        if let connection { PQfinish(connection) }
        thread.stop()
    }

    /// Closes the connection. Later queries fail with a `.closed` error.
    public func close() {
        canceller.set(nil)
        if let connection {
            PQfinish(connection)
            self.connection = nil
        }
    }

    /// True while the connection is open and the server has not dropped it.
    public var isOpen: Bool {
        guard let connection else { return false }
        return PQstatus(connection) == CONNECTION_OK
    }

    // MARK: Queries

    /// Runs a statement and returns its rows.
    ///
    /// The statement is prepared on the connection the first time its SQL text (with the
    /// same parameter types) is run, and only bound and executed after that, as
    /// `pgbench -M prepared` does: the server does not parse and plan it again.
    @discardableResult
    public nonisolated(nonsending) func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> PostgresRows {
        try await cancellable { try $0.run(query, file: file, line: line) }
    }

    /// Runs a statement and returns how many rows it affected.
    @discardableResult
    public nonisolated(nonsending) func execute(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> Int {
        try await self.query(query, file: file, line: line).affectedRows
    }

    /// Runs `body` on the connection, and cancels the statement it runs when the task is
    /// cancelled. A task cancelled before it got here never starts the statement.
    nonisolated(nonsending) func cancellable<Result: Sendable>(
        _ body: @Sendable (isolated PostgresConnection) throws -> Result
    ) async throws -> Result {
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await withIsolation(body)
        } onCancel: {
            canceller.cancel()
        }
    }

    /// Runs `body` isolated to the connection. A task already on the connection's thread (on
    /// ``PostgresPool/taskExecutor``, as request handlers are) runs it there and then; any
    /// other goes through the actor, to that thread and back.
    ///
    /// Running it in place is isolated: the thread runs one job at a time, and every job of
    /// the actor runs on it (see `ConnectionThread.SerialFace.checkIsolated`). It saves two
    /// passes through the thread's queue per statement.
    nonisolated(nonsending) func withIsolation<Result: Sendable>(
        _ body: @Sendable (isolated PostgresConnection) throws -> Result
    ) async rethrows -> Result {
        if ConnectionThread.current === thread {
            return try inPlace(body)
        }
        return try await onActor(body)
    }

    private nonisolated func inPlace<Result: Sendable>(_ body: @Sendable (isolated PostgresConnection) throws -> Result) rethrows -> Result {
        try assumeIsolated(body)
    }

    private func onActor<Result: Sendable>(_ body: @Sendable (isolated PostgresConnection) throws -> Result) rethrows -> Result {
        try body(self)
    }

    /// Runs a script of several statements with the simple query protocol (`PQexec`), as
    /// migrations need. It takes no parameters, and the name says what that means.
    public nonisolated(nonsending) func executeScript(unsafeSQL script: String, file: String = #fileID, line: Int = #line) async throws {
        try await cancellable { try $0.runScript(script, file: file, line: line) }
    }

    private func runScript(_ script: String, file: String, line: Int) throws(PostgresError) {
        guard let connection else {
            throw PostgresError(.closed, message: "the connection is closed", file: file, line: line)
        }
        // PQexec returns the last result; an error stops the script there.
        guard let result = PQexec(connection, script) else {
            isTainted = true
            throw PostgresError(.connection, message: Self.errorMessage(connection), file: file, line: line)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return
        default:
            if PQstatus(connection) != CONNECTION_OK { isTainted = true }
            throw Self.serverError(result, connection: connection, query: "(script)", file: file, line: line)
        }
    }

    /// Runs without a cancellation handler: for the ROLLBACK that cleans up after a cancelled
    /// task, which must not be cancelled itself.
    func runUncancellable(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) throws(PostgresError) {
        _ = try run(query, file: file, line: line)
    }

    func run(_ query: PostgresQuery, file: String, line: Int, retried: Bool = false) throws(PostgresError) -> PostgresRows {
        guard let connection else {
            throw PostgresError(.closed, message: "the connection is closed", query: query.sql, file: file, line: line)
        }
        let key = StatementCache.Key(sql: query.sql, types: query.bindings.types)
        let statement = try prepared(key, on: connection, file: file, line: line)
        let result: OpaquePointer? = withParameterArrays(query.bindings) { count, types, values in
            if let statement {
                PQexecPrepared(connection, statement, count, values, nil, nil, 0)
            } else {
                PQexecParams(connection, key.sql, count, types, values, nil, nil, 0)
            }
        }
        do {
            return PostgresRows(handle: try check(result, on: connection, query: key.sql, file: file, line: line),
                                query: key.sql, file: file, line: line)
        } catch let error where statement != nil && (error.isStalePlan || error.code == .undefinedPreparedStatement) {
            // A table the statement reads changed its columns (a migration), and the server
            // refuses the old plan; or the server no longer has the statement (a DISCARD ALL).
            // Prepare it again; outside a transaction nothing was lost.
            if let stale = statements.remove(key) { unusedStatements.append(stale) }
            guard !retried, PQtransactionStatus(connection) == PQTRANS_IDLE else { throw error }
            return try run(query, file: file, line: line, retried: true)
        }
    }

    /// The name of the statement prepared for `key`, preparing it first if need be; nil when
    /// the cache is full inside a transaction, where the query is sent unnamed instead
    /// (a statement is deallocated only between transactions, as a failed one refuses it),
    /// and always when the cache holds none.
    private func prepared(_ key: StatementCache.Key, on connection: OpaquePointer, file: String, line: Int) throws(PostgresError) -> String? {
        if let name = statements.name(for: key) { return name }
        let idle = PQtransactionStatus(connection) == PQTRANS_IDLE
        if idle {
            if statements.isFull, let victim = statements.removeLeastRecentlyUsed() { unusedStatements.append(victim) }
            let names = unusedStatements
            unusedStatements.removeAll()
            for name in names {
                do {
                    _ = try check(PQexec(connection, "DEALLOCATE \(name)"), on: connection, query: "DEALLOCATE \(name)", file: file, line: line)
                } catch where error.code == .undefinedPreparedStatement {
                    continue  // the server has let it go already (a DISCARD ALL, say): nothing to free
                }
            }
        }
        guard !statements.isFull else { return nil }
        let name = statements.newName()
        let types = key.types.map { Oid($0.rawValue) }
        let result = types.withUnsafeBufferPointer { types in
            PQprepare(connection, name, key.sql, Int32(types.count), types.baseAddress)
        }
        _ = try check(result, on: connection, query: key.sql, file: file, line: line)
        statements.insert(key, name: name)
        return name
    }

    /// The result of a libpq call, or the error it reports; marks the connection tainted
    /// when its state is no longer known.
    func check(_ result: OpaquePointer?, on connection: OpaquePointer, query sql: String, file: String, line: Int) throws(PostgresError) -> ResultHandle {
        guard let result else {
            isTainted = true
            throw PostgresError(.connection, message: Self.errorMessage(connection), query: sql, file: file, line: line)
        }
        let handle = ResultHandle(result)  // clears the result exactly once, on every path
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return handle
        default:
            let error = withExtendedLifetime(handle) {
                Self.serverError(result, connection: connection, query: sql, file: file, line: line)
            }
            if error.code == .queryCanceled || PQstatus(connection) != CONNECTION_OK {
                isTainted = true
            }
            if error.code == .queryCanceled, Task.isCancelled {
                throw PostgresError(.server, message: "query cancelled because its task was cancelled", code: .queryCanceled, query: sql, file: file, line: line)
            }
            throw error
        }
    }

    /// Lends `body` the parameters as libpq takes them: their type OIDs, and their texts,
    /// NUL-terminated in one buffer (on the stack when small), so that a query's parameters
    /// cost no allocation each.
    private func withParameterArrays<T>(
        _ bindings: PostgresBindings,
        _ body: (Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?) -> T
    ) -> T {
        let count = bindings.count
        if count == 0 { return body(0, nil, nil) }
        let length = bindings.values.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { text in
            withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { values in
                withUnsafeTemporaryAllocation(of: Oid.self, capacity: count) { types in
                    var offset = 0
                    for index in 0..<count {
                        types[index] = Oid(bindings.types[index].rawValue)
                        guard let value = bindings.values[index] else {
                            values[index] = nil
                            continue
                        }
                        let start = text.baseAddress! + offset
                        let end = UnsafeMutableBufferPointer(rebasing: text[offset...]).initialize(from: value.utf8).1
                        text[offset + end] = 0
                        offset += end + 1
                        values[index] = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
                    }
                    return body(Int32(count), UnsafePointer(types.baseAddress), UnsafePointer(values.baseAddress))
                }
            }
        }
    }

    /// Quotes an identifier (a channel or savepoint name) with libpq's own escaping.
    public func escapeIdentifier(_ name: String) throws(PostgresError) -> String {
        guard let connection else { throw PostgresError(.closed, message: "the connection is closed") }
        guard let escaped = PQescapeIdentifier(connection, name, name.utf8.count) else {
            throw PostgresError(.server, message: "cannot quote identifier: \(Self.errorMessage(connection))")
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// Sends a notification, through `pg_notify` so the channel and payload are parameters.
    public nonisolated(nonsending) func notify(channel: String, payload: String = "", file: String = #fileID, line: Int = #line) async throws {
        try await execute("SELECT pg_notify(\(channel), \(payload))", file: file, line: line)
    }

    // MARK: Health, for the pool

    /// Whether an idle connection can be handed out: open, outside a transaction, and with
    /// nothing unexpected on its socket. A server that restarted has sent an error and
    /// closed the socket, which this sees without a round trip.
    func isReusable() -> Bool {
        guard let connection, !isTainted, !canceller.wasRequested, PQstatus(connection) == CONNECTION_OK,
              PQtransactionStatus(connection) == PQTRANS_IDLE
        else { return false }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 0)
        if ready == 0 { return true }
        // Something arrived while idle: a notice, or the server saying goodbye.
        guard PQconsumeInput(connection) == 1, PQstatus(connection) == CONNECTION_OK else { return false }
        while let notification = PQnotifies(connection) { PQfreemem(notification) }
        return poll(&descriptor, 1, 0) == 0
    }

    func markTainted() { isTainted = true }

    /// Whether a connection coming back from a borrower can be lent again.
    func canReturnToPool() -> Bool {
        guard let connection, !isTainted, !canceller.wasRequested else { return false }
        return PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE
    }

    var transactionStatus: PGTransactionStatusType {
        guard let connection else { return PQTRANS_UNKNOWN }
        return PQtransactionStatus(connection)
    }

    // MARK: Errors

    static func errorMessage(_ connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "unknown libpq error" }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "unknown libpq error" : text
    }

    static func serverError(
        _ result: OpaquePointer, connection: OpaquePointer, query: String, file: String, line: Int
    ) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let code = field(CLIBPQ_DIAG_SQLSTATE).map(SQLState.init(rawValue:))
        let message = field(CLIBPQ_DIAG_MESSAGE_PRIMARY)
            ?? String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
        var error = PostgresError(code == nil ? .connection : .server, message: message, code: code, query: query, file: file, line: line)
        if PQstatus(connection) != CONNECTION_OK { error.kind = .connection }
        error.detail = field(CLIBPQ_DIAG_MESSAGE_DETAIL)
        error.hint = field(CLIBPQ_DIAG_MESSAGE_HINT)
        error.constraint = field(CLIBPQ_DIAG_CONSTRAINT_NAME)
        error.table = field(CLIBPQ_DIAG_TABLE_NAME)
        error.column = field(CLIBPQ_DIAG_COLUMN_NAME)
        error.schema = field(CLIBPQ_DIAG_SCHEMA_NAME)
        return error
    }
}

/// The connection's `PGcancel`, usable from any thread: cancellation handlers run wherever
/// the cancelling task is.
final class Canceller: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: OpaquePointer?
    private let requested = Atomic(false)

    /// Whether a cancel request was sent or is on its way. It may reach the server after the
    /// statement it was meant for has ended, and cancel whatever the connection runs next:
    /// the connection must not be lent to anyone else.
    var wasRequested: Bool { requested.load(ordering: .acquiring) }

    func set(_ newHandle: OpaquePointer?) {
        lock.lock()
        defer { lock.unlock() }
        if let handle { PQfreeCancel(handle) }
        handle = newHandle
    }

    /// Asks the server to cancel whatever the connection runs now. Best effort, by design.
    /// `PQcancel` opens a connection of its own, so it runs on a dispatch thread rather than
    /// on the cancelling task's cooperative thread.
    func cancel() {
        requested.store(true, ordering: .releasing)
        DispatchQueue.global().async { [self] in
            lock.lock()
            defer { lock.unlock() }
            guard let handle else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(handle, &buffer, Int32(buffer.count))
        }
    }

    deinit { if let handle { PQfreeCancel(handle) } }
}
