import Foundation
@testable import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

@Suite("Migrations", .releasesResources)
struct MigratorTests {
    @Test("the first run applies every file, the second nothing")
    func idempotent() async throws {
        let database = try await TestDatabase.makeEmpty()
        let migrator = Migrator(configuration: database)
        let first = try await migrator.migrate()
        #expect(first == Migration.all.map(\.name))
        #expect(first.first == "001_regions.sql")
        let second = try await migrator.migrate()
        #expect(second.isEmpty)

        let status = try await migrator.status()
        #expect(status.map(\.name) == Migration.all.map(\.name))
        #expect(status.allSatisfy { $0.state == .applied && $0.appliedAt != nil })
        try await TestDatabase.drop(database)
    }

    @Test("several processes migrating a fresh database at once apply each file once")
    func concurrent() async throws {
        let database = try await TestDatabase.makeEmpty()
        let runs = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { try await Migrator(configuration: database).migrate() }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(runs.count == 4)
        // One run applied everything (under the lock); the others found nothing to do.
        #expect(runs.flatMap { $0 }.sorted() == Migration.all.map(\.name).sorted())
        #expect(runs.filter { !$0.isEmpty }.count == 1)

        let connection = try await PostgresConnection.connect(database)
        let recorded = try await connection.query("SELECT name FROM schema_migration ORDER BY name").decode(String.self)
        #expect(recorded == Migration.all.map(\.name))
        let provinces = try await connection.query("SELECT count(*) FROM region WHERE level = 'province'").single()!.decode(Int.self)
        #expect(provinces == 38)
        await connection.close()
        try await TestDatabase.drop(database)
    }

    @Test("a changed applied migration is refused, and nothing after it runs")
    func changedFileRefused() async throws {
        let database = try await TestDatabase.makeEmpty()
        let applied = Array(Migration.all.prefix(2))
        try await Migrator(configuration: database, migrations: applied).migrate()

        var edited = Migration.all
        edited[1] = Migration(name: edited[1].name, sql: edited[1].sql + "\n-- edited after release\n")
        let migrator = Migrator(configuration: database, migrations: edited)
        let error = await #expect(throws: GugusError.self) { try await migrator.migrate() }
        #expect(error?.kind == .conflict)
        #expect(error?.message.en == "migration 002_audit.sql was applied but has changed since; restore the original file and put the change in a new numbered migration")
        #expect(error?.message.id == "migrasi 002_audit.sql sudah diterapkan tetapi isinya berubah sejak itu; kembalikan berkas aslinya dan tambahkan perubahan sebagai migrasi bernomor baru")

        let status = try await migrator.status()
        #expect(status.first { $0.name == "002_audit.sql" }?.state == .changed)
        #expect(status.filter { $0.state == .pending }.count == Migration.all.count - 2)
        try await TestDatabase.drop(database)
    }

    @Test("status lists applied, pending and unknown migrations")
    func status() async throws {
        let database = try await TestDatabase.makeEmpty()
        // Before anything: no table yet, everything pending.
        let fresh = try await Migrator(configuration: database).status()
        #expect(fresh.map(\.name) == Migration.all.map(\.name))
        #expect(fresh.allSatisfy { $0.state == .pending && $0.appliedAt == nil })

        try await Migrator(configuration: database, migrations: Array(Migration.all.prefix(3))).migrate()
        let partial = try await Migrator(configuration: database).status()
        #expect(partial.prefix(3).allSatisfy { $0.state == .applied && $0.appliedAt != nil })
        #expect(partial.dropFirst(3).allSatisfy { $0.state == .pending && $0.appliedAt == nil })

        // An older binary that knows only the first two sees the third as unknown.
        let older = try await Migrator(configuration: database, migrations: Array(Migration.all.prefix(2))).status()
        #expect(older.map(\.state) == [.applied, .applied, .unknown])
        #expect(older[2].name == Migration.all[2].name)
        try await TestDatabase.drop(database)
    }

    @Test("a failing migration is rolled back, named, and not recorded")
    func failingMigration() async throws {
        let database = try await TestDatabase.makeMigrated()
        let broken = Migration(name: "999_broken.sql", sql: "CREATE TABLE half_done (id int);\nSELECT no_such_column FROM region;")
        let migrator = Migrator(configuration: database, migrations: Migration.all + [broken])
        let error = await #expect(throws: GugusError.self) { try await migrator.migrate() }
        #expect(error?.message.en.hasPrefix("migration 999_broken.sql failed and was rolled back: ") == true)
        #expect(error?.message.en.contains("no_such_column") == true)

        let connection = try await PostgresConnection.connect(database)
        #expect(try await connection.query("SELECT to_regclass('half_done') IS NULL").single()!.decode(Bool.self))
        #expect(try await connection.query("SELECT count(*) FROM schema_migration WHERE name = '999_broken.sql'").single()!.decode(Int.self) == 0)
        await connection.close()
        // The lock went with the connection: the next run is not blocked.
        #expect(try await Migrator(configuration: database).migrate().isEmpty)
        try await TestDatabase.drop(database)
    }
}
