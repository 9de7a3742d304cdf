import Foundation
import GugusModel
import GugusTestSupport
import Postgres
import Testing

/// The backup of docs/operations.md ("Backup and restore"), done as written: `pg_dump
/// --format=custom` of a database with the seed scenario and reminders half sent, restored
/// with `pg_restore` into a new database, and a server with its scheduler started on the
/// copy. The copy answers the same, and no reminder goes twice across the switch.
@Suite("Backup and restore", .releasesResources, .timeLimit(.minutes(5)))
struct BackupRestoreTests {
    @Test("pg_dump -Fc, pg_restore, serve the copy: the same status, members and sessions; no idempotency key sent twice")
    func dumpRestoreServe() async throws {
        let original = try await TestDatabase.makeMigrated()
        let originalURL = TestDatabase.url(for: original)
        try await Self.seed(originalURL)
        let reminders = try await Self.count(original, "SELECT count(*) FROM reminder WHERE status = 'pending'")
        #expect(reminders == 6, "3 members × 2 rules")

        // The day-before reminders fall due and go out from the original.
        let folder = try TestResources.folder("gugus-backup")
        let beforeLog = folder.appendingPathComponent("before.jsonl").path
        try await Self.makeDue(original, offsetMinutes: 1440)
        let sentBefore = try await GugusCommand.run(
            ["scheduler", "run", "--once", "--database-url", originalURL], environment: ["GUGUS_REMINDER_LOG": beforeLog])
        #expect(sentBefore.status == 0, "\(sentBefore)")
        let keysBefore = try Self.keys(beforeLog)
        #expect(keysBefore.count == 3)

        // The backup, and its restore into an empty database.
        let dump = folder.appendingPathComponent("gugus.dump").path
        try await Self.tool("pg_dump", ["--format=custom", "--file=\(dump)", originalURL])
        let copy = try await TestDatabase.makeEmpty()
        let copyURL = TestDatabase.url(for: copy)
        try await Self.tool("pg_restore", ["--no-owner", "--exit-on-error", "--dbname=\(copyURL)", dump])

        // The copy says what the original says.
        for command in [["status", "--json"], ["status", "--region", "82", "--json"], ["member", "list", "--taskforce", "82", "--json"],
                        ["session", "list", "--json"], ["reminder", "list", "--json"], ["decree", "list", "--json"]] {
            let fromOriginal = try await GugusCommand.run(command + ["--database-url", originalURL])
            let fromCopy = try await GugusCommand.run(command + ["--database-url", copyURL])
            #expect(fromOriginal.status == 0, "\(fromOriginal)")
            #expect(fromCopy.stdout == fromOriginal.stdout, "\(command.joined(separator: " ")) differs on the copy")
        }

        // The switch: the original is left, the two-hour reminders fall due, and the copy's
        // server sends them.
        try await Self.makeDue(copy, offsetMinutes: 120)
        let afterLog = folder.appendingPathComponent("after.jsonl").path
        let server = try await ServerProcess.start(databaseURL: copyURL, scheduler: true, environment: ["GUGUS_REMINDER_LOG": afterLog])
        let deadline = ContinuousClock.now + .seconds(60)
        while try await Self.count(copy, "SELECT count(*) FROM reminder WHERE status = 'pending'") > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        await server.stop()
        let keysAfter = try Self.keys(afterLog)
        #expect(keysAfter.count == 3, "\(server.log)")
        #expect(Set(keysBefore).isDisjoint(with: keysAfter))
        let sentOnCopy = try await Self.count(copy, "SELECT count(*) FROM reminder WHERE status = 'sent'")
        #expect(sentOnCopy == 6)
        #expect(Set(keysBefore + keysAfter).count == keysBefore.count + keysAfter.count)
    }

    /// The seed scenario: GTD 82 with its decree, three members, a session next week, and
    /// reminders to the members a day and two hours before.
    static func seed(_ url: String) async throws {
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "Asia/Jayapura")!, formatOptions: [.withFullDate])
        let nextWeek = ISO8601DateFormatter.string(
            from: Date().addingTimeInterval(7 * 86_400), timeZone: TimeZone(identifier: "Asia/Jayapura")!, formatOptions: [.withFullDate])
        let steps: [[String]] = [
            ["taskforce", "create", "--region", "82"],
            ["decree", "add", "--taskforce", "82", "--number", "188.45/123/2026", "--title", "tentang Pembentukan GTD BHAM Provinsi Maluku Utara",
             "--place", "Sofifi", "--signed-on", today, "--effective-until", "2028-12-31", "--signer", "Rahmat Contoh"],
            ["member", "add", "--taskforce", "82", "--name", "Rahmat Contoh", "--role", "ketua", "--position", "Gubernur Maluku Utara",
             "--institution", "Pemerintah Provinsi Maluku Utara", "--email", "gubernur@example.go.id"],
            ["member", "add", "--taskforce", "82", "--name", "Yusuf Sampel", "--role", "sekretaris",
             "--position", "Kepala Kantor Wilayah Kementerian HAM Maluku Utara",
             "--institution", "Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara", "--phone", "0811-0000-0103"],
            ["member", "add", "--taskforce", "82", "--name", "Lina Ilustrasi", "--role", "anggota", "--position", "Kepala Dinas Kesehatan",
             "--institution", "Dinas Kesehatan Provinsi Maluku Utara", "--working-group", "3"],
            ["reminder", "rule", "add", "--offset", "1d", "--taskforce", "82", "--audience", "members"],
            ["reminder", "rule", "add", "--offset", "2h", "--taskforce", "82", "--audience", "members"],
            ["session", "schedule", "--taskforce", "82", "--title", "Sosialisasi Stranas BHAM", "--starts", "\(nextWeek) 09:00",
             "--duration", "3h", "--venue", "Aula Gamalama, Ternate"],
        ]
        for step in steps {
            let run = try await GugusCommand.run(step + ["--database-url", url])
            #expect(run.status == 0, "\(step.joined(separator: " ")): \(run)")
        }
    }

    /// Lets a due time arrive: the reminders at that offset may be taken now.
    static func makeDue(_ database: PostgresConfiguration, offsetMinutes: Int) async throws {
        let connection = try await PostgresConnection.connect(database)
        try await connection.execute("UPDATE reminder SET not_before = now() WHERE status = 'pending' AND offset_minutes = \(offsetMinutes)")
        await connection.close()
    }

    static func count(_ database: PostgresConfiguration, _ sql: String) async throws -> Int {
        let connection = try await PostgresConnection.connect(database)
        defer { Task { await connection.close() } }
        return try await connection.query(PostgresQuery(unsafeSQL: sql)).single()?.decode(Int.self) ?? 0
    }

    /// The idempotency keys the log channel wrote, in order.
    static func keys(_ path: String) throws -> [String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["idempotency_key"] as? String)
        }
    }

    /// Runs a PostgreSQL client program of the newest installed version (it reads any older
    /// server), and fails the test with its output when it fails.
    static func tool(_ name: String, _ arguments: [String]) async throws {
        let program = try #require(postgresProgram(name), "no \(name) installed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = try TestResources.folder("gugus-\(name)").appendingPathComponent("output.txt")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try handle.close()
        #expect(process.terminationStatus == 0, "\(name) \(arguments.joined(separator: " ")): \((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
    }
}
