import CLibPQ

/// Transactions and savepoints, as scopes.
extension PostgresConnection {
    /// Runs `body` in a transaction: it commits when `body` returns, and rolls back when
    /// `body` throws or the task is cancelled.
    ///
    /// `body` runs in the caller's isolation; the connection's own calls hop to its thread.
    public nonisolated(nonsending) func withTransaction<Result>(
        file: String = #fileID, line: Int = #line,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await execute("BEGIN", file: file, line: line)
        let result: Result
        do {
            result = try await body(self)
            try Task.checkCancellation()
        } catch {
            await rollBack("ROLLBACK", file: file, line: line)
            throw error
        }
        // A failed COMMIT has already ended the transaction on the server.
        try await commit(file: file, line: line)
        return result
    }

    /// Runs `body` inside a savepoint of the current transaction: a thrown error undoes only
    /// what `body` did, and the transaction goes on.
    public nonisolated(nonsending) func withSavepoint<Result>(
        _ name: String = "gugus_savepoint",
        file: String = #fileID, line: Int = #line,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let identifier = try await escapeIdentifier(name)
        try await execute("SAVEPOINT \(unsafeSQL: identifier)", file: file, line: line)
        let result: Result
        do {
            result = try await body(self)
        } catch {
            await rollBack("ROLLBACK TO SAVEPOINT \(unsafeSQL: identifier)", file: file, line: line)
            throw error
        }
        try await execute("RELEASE SAVEPOINT \(unsafeSQL: identifier)", file: file, line: line)
        return result
    }

    private nonisolated(nonsending) func commit(file: String, line: Int) async throws {
        try await withIsolation { connection in
            do {
                try connection.runUncancellable("COMMIT", file: file, line: line)
            } catch {
                // The outcome is unknown if the connection broke during COMMIT; never reuse it.
                if connection.transactionStatus != PQTRANS_IDLE { connection.markTainted() }
                throw error
            }
        }
    }

    private nonisolated(nonsending) func rollBack(_ statement: PostgresQuery, file: String, line: Int) async {
        await withIsolation { connection in
            do {
                try connection.runUncancellable(statement, file: file, line: line)
            } catch {
                // A broken connection rolls back by itself on the server; it must not be reused.
                connection.markTainted()
            }
        }
    }
}
