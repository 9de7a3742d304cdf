import Foundation
import GugusDatabase
import GugusModel
import Postgres

/// Issue 3: importing a generated roster of 10 000 members through Gugus, end to end (the
/// file read, the CSV parsed and checked, the members written with their people and
/// institutions and audit entries, in one transaction), beside `psql \copy` of the same file
/// into a plain table with the same columns. Target: at least a quarter of psql's rate.
struct ImportSection: BenchSection {
    let name = "import"
    let summary = "CSV member import (rows/s) into a fresh task force, beside psql \\copy of the same file into a plain table"

    static let target = 0.25

    func run(_ context: BenchContext) async throws -> SectionReport {
        let rows = context.sizes.importRows
        let psql = try Self.locatePsql()
        let file = context.database.workspace.appendingPathComponent("roster.csv")
        try RosterCSV.make(rows: rows).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        return try await GugusDatabase.with(context, section: name) { database in
            try await database.withConnection { connection in
                try await connection.executeScript(unsafeSQL: """
                    CREATE SCHEMA gugus_bench;
                    CREATE TABLE gugus_bench.roster (
                        name text NOT NULL, role text NOT NULL, position text NOT NULL, institution text NOT NULL,
                        email text, phone text, working_group smallint);
                    """)
            }
            // At least three of each, alternated, so a busy moment hits both sides.
            let repetitions = max(3, context.rounds)
            var ours: [Duration] = []
            var theirs: [Duration] = []
            var reports: [ImportReport] = []
            for repetition in 1...repetitions {
                try Task.checkCancellation()
                try await Self.reset(database)
                context.progress.say("import: psql \\copy of \(rows) rows (\(repetition) of \(repetitions))")
                theirs.append(try await Self.copy(psql: psql, file: file, database: database, workspace: context.database.workspace))

                let decree = try await Self.freshTaskForce(database)
                context.progress.say("import: gugus importMembers of \(rows) rows (\(repetition) of \(repetitions))")
                let gugus = database.gugus(maxConnections: 1)
                do {
                    let clock = ContinuousClock()
                    let start = clock.now
                    let data = try Data(contentsOf: file)
                    let report = try await gugus.importMembers(taskForce: .region("82"), csv: data, options: ImportOptions(decreeId: decree))
                    ours.append(start.duration(to: clock.now))
                    await gugus.pool.close()
                    guard report.created == rows, report.problems.isEmpty, !report.rolledBack else {
                        throw BenchError("the import did not create \(rows) members: created \(report.created), \(report.problems.count) problems\(report.problems.first.map { ", the first: line \($0.line ?? 0): \($0.message.en)" } ?? "")")
                    }
                    reports.append(report)
                } catch {
                    await gugus.pool.close()
                    throw error
                }
            }
            let counts = try await database.withConnection { connection in
                try await connection.query("""
                    SELECT (SELECT count(*) FROM membership), (SELECT count(*) FROM person), (SELECT count(*) FROM institution),
                           (SELECT count(*) FROM audit_log), (SELECT count(*) FROM gugus_bench.roster)
                    """).single()!.decode((Int, Int, Int, Int, Int).self)
            }
            let ourRate = Double(rows) / StatusSection.median(ours).seconds
            let theirRate = Double(rows) / StatusSection.median(theirs).seconds
            let bytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            return SectionReport(
                name: name, summary: summary,
                notes: [
                    "file: \(rows) rows, \(BenchReport.number(Double(bytes))) bytes, columns \(RosterCSV.columns.joined(separator: ",")); 1 ketua, 1 sekretaris, the rest anggota; \(RosterCSV.institutions.count) institutions; unique e-mails; phones written four ways",
                    "ours: DatabaseGugus.importMembers(taskForce: 82, csv:, options: decree) into a fresh task force with its decree: read the file, parse and check every row, one transaction with audit entries; timed from reading the file to the commit",
                    "reference: psql -c \"\\copy gugus_bench.roster (…) FROM file WITH (FORMAT csv, HEADER true)\" into a plain table with the same columns, timed from starting psql to its exit",
                    "each side \(repetitions) times, alternated, everything emptied in between; medians: ours \(Self.format(StatusSection.median(ours))), psql \(Self.format(StatusSection.median(theirs)))",
                    "after the last round: \(counts.0) memberships, \(counts.1) people, \(counts.2) institutions, \(counts.3) audit entries; \(counts.4) rows in the plain table",
                ],
                figures: [
                    Figure(
                        name: "importMembers", detail: "\(rows) rows, end to end", unit: "rows/s", value: ourRate,
                        reference: .init(name: "psql \\copy", value: theirRate), target: Self.target, isHeadline: true),
                ])
        }
    }

    private static func format(_ duration: Duration) -> String { String(format: "%.0f ms", duration.milliseconds) }

    /// Empties everything an import or a copy wrote.
    private static func reset(_ database: GugusDatabase) async throws {
        try await database.withConnection { connection in
            try await connection.executeScript(unsafeSQL: """
                TRUNCATE membership, person, institution, decree, task_force, audit_log, gugus_bench.roster RESTART IDENTITY CASCADE;
                """)
            try await connection.execute("VACUUM (ANALYZE)")
        }
    }

    /// The task force of Maluku Utara and its governor's decree, as a coordinator registers
    /// them before importing the roster; returns the decree's id.
    private static func freshTaskForce(_ database: GugusDatabase) async throws -> Int64 {
        let gugus = database.gugus(maxConnections: 1)
        do {
            _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
            let decree = try await gugus.addDecree(NewDecree(
                taskForce: .region("82"), number: "100.3.3.2/75/2024",
                title: "Pembentukan Gugus Tugas Daerah Bisnis dan Hak Asasi Manusia Provinsi Maluku Utara",
                place: "Sofifi", signedOn: CivilDate(2024, 3, 1), effectiveUntil: CivilDate(2027, 12, 31),
                signerName: "Sherly Tjoanda", signerTitle: "Gubernur Maluku Utara"))
            await gugus.pool.close()
            return decree.id
        } catch {
            await gugus.pool.close()
            throw error
        }
    }

    private static func copy(psql: URL, file: URL, database: GugusDatabase, workspace: URL) async throws -> Duration {
        let columns = RosterCSV.columns.joined(separator: ", ")
        let path = file.path.replacingOccurrences(of: "'", with: "''")
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try await ChildProcess.run(psql, [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.connectionString,
            "-c", "\\copy gugus_bench.roster (\(columns)) FROM '\(path)' WITH (FORMAT csv, HEADER true)",
        ], outputFile: workspace.appendingPathComponent("psql.out"))
        let elapsed = start.duration(to: clock.now)
        guard outcome.status == 0 else {
            throw BenchError("psql \\copy failed (exit status \(outcome.status)):\n\(outcome.output)")
        }
        return elapsed
    }

    static func locatePsql() throws -> URL {
        var folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        folders += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        for folder in folders {
            let candidate = URL(fileURLWithPath: folder, isDirectory: true).appendingPathComponent("psql")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw BenchError("psql is not installed, and the import section's reference needs it; install postgresql-client, or leave the section out with --sections")
    }
}
