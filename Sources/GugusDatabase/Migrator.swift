import Crypto
import Foundation
import GugusModel
import Logging
import Postgres

/// One numbered SQL file from `sql/`, embedded in the binary at build time.
public struct Migration: Sendable, Hashable {
    public let name: String
    public let sql: String

    /// SHA-256 of the file's text: an applied migration must never change.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Every migration this binary carries, in order.
    public static let all: [Migration] = EmbeddedMigrations.files.map { Migration(name: $0.name, sql: $0.contents) }
}

/// Applies the pending migrations, each in its own transaction, under an advisory lock so
/// that two processes migrating at once take turns.
public struct Migrator: Sendable {
    public enum State: String, Sendable, Codable {
        case applied
        case pending
        /// Applied, but the file has changed since.
        case changed
        /// Recorded in the database, unknown to this binary (a newer gugus migrated it).
        case unknown
    }

    public struct Entry: Sendable, Codable, Hashable {
        public var name: String
        public var state: State
        public var appliedAt: Date?
    }

    let configuration: PostgresConfiguration
    let migrations: [Migration]
    let logger: Logger

    /// `pg_advisory_lock` key: "gugus" in ASCII, so other applications' locks don't collide.
    static let lockKey: Int64 = 0x67_75_67_75_73

    public init(configuration: PostgresConfiguration, migrations: [Migration] = Migration.all, logger: Logger = Logger(label: "gugus.migrate")) {
        self.configuration = configuration
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies what is pending and returns the names applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        let connection = try await PostgresConnection.connect(configuration, logger: logger)
        do {
            let applied = try await migrate(on: connection)
            await connection.close()
            return applied
        } catch {
            await connection.close()
            throw error
        }
    }

    private func migrate(on connection: PostgresConnection) async throws -> [String] {
        try await connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
        try await connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migration (
                name text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let entries = try await status(on: connection)
        if let changed = entries.first(where: { $0.state == .changed }) {
            throw GugusError(.conflict, Localized(
                id: "migrasi \(changed.name) sudah diterapkan tetapi isinya berubah sejak itu; kembalikan berkas aslinya dan tambahkan perubahan sebagai migrasi bernomor baru",
                en: "migration \(changed.name) was applied but has changed since; restore the original file and put the change in a new numbered migration"))
        }
        var applied: [String] = []
        for migration in migrations where entries.contains(where: { $0.name == migration.name && $0.state == .pending }) {
            logger.info("applying migration \(migration.name)")
            do {
                _ = try await connection.withTransaction { connection in
                    try await connection.executeScript(unsafeSQL: migration.sql)
                    try await connection.execute("INSERT INTO schema_migration (name, checksum) VALUES (\(migration.name), \(migration.checksum))")
                }
            } catch let error as PostgresError {
                throw GugusError(.internal, Localized(
                    id: "migrasi \(migration.name) gagal dan dibatalkan: \(error.message)",
                    en: "migration \(migration.name) failed and was rolled back: \(error.message)"))
            }
            applied.append(migration.name)
        }
        try await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
        return applied
    }

    /// Every migration, applied or pending, plus any the database knows and this binary doesn't.
    public func status() async throws -> [Entry] {
        let connection = try await PostgresConnection.connect(configuration, logger: logger)
        do {
            let exists = try await connection.query("SELECT to_regclass('schema_migration') IS NOT NULL").single()?.decode(Bool.self) ?? false
            let entries = exists ? try await status(on: connection) : migrations.map { Entry(name: $0.name, state: .pending, appliedAt: nil) }
            await connection.close()
            return entries
        } catch {
            await connection.close()
            throw error
        }
    }

    private func status(on connection: PostgresConnection) async throws -> [Entry] {
        let rows = try await connection.query("SELECT name, checksum, applied_at FROM schema_migration ORDER BY name")
            .decode((String, String, Date).self)
        var recorded: [String: (checksum: String, appliedAt: Date)] = [:]
        for (name, checksum, appliedAt) in rows { recorded[name] = (checksum, appliedAt) }
        var entries = migrations.map { migration -> Entry in
            guard let record = recorded[migration.name] else { return Entry(name: migration.name, state: .pending, appliedAt: nil) }
            return Entry(name: migration.name, state: record.checksum == migration.checksum ? .applied : .changed, appliedAt: record.appliedAt)
        }
        let known = Set(migrations.map(\.name))
        for (name, record) in recorded where !known.contains(name) {
            entries.append(Entry(name: name, state: .unknown, appliedAt: record.appliedAt))
        }
        return entries.sorted { $0.name < $1.name }
    }
}
