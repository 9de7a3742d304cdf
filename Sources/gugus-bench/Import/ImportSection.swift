import Foundation
import GugusDatabase
import GugusModel
import Postgres

/// Issues 3 and 15: importing a generated roster of 10 000 members through Gugus, end to end
/// (the file read, the CSV parsed and checked, the rows copied into a staging table, matched,
/// checked together and written with their people and institutions and audit entries, in one
/// transaction), beside two `psql \copy` references of the same file: into a plain table
/// (target ≥ 0.25×), and into the same constrained tables through a staging table, the least
/// the database itself does for the same rows (target ≥ 0.8×). Then a 100 000-row file
/// through `gugus member import`, for its peak memory.
struct ImportSection: BenchSection {
    let name = "import"
    let summary = "CSV member import (rows/s) into a fresh task force, beside psql \\copy of the same file into a plain table and into the same tables"

    static let bareTarget = 0.25
    static let stagedTarget = 0.8

    func run(_ context: BenchContext) async throws -> SectionReport {
        let rows = context.sizes.importRows
        let largeRows = context.sizes.importLargeRows
        let psql = try Self.locatePsql()
        let file = context.database.workspace.appendingPathComponent("roster.csv")
        let largeFile = context.database.workspace.appendingPathComponent("roster-large.csv")
        try RosterCSV.make(rows: rows).write(to: file, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: largeFile)
        }

        return try await GugusDatabase.with(context, section: name) { database in
            try await database.withConnection { connection in
                try await connection.executeScript(unsafeSQL: """
                    CREATE SCHEMA gugus_bench;
                    CREATE TABLE gugus_bench.roster (
                        name text NOT NULL, role text NOT NULL, position text NOT NULL, institution text NOT NULL,
                        email text, phone text, working_group smallint);
                    """)
            }
            // At least three of each, alternated, so a busy moment hits every side.
            let repetitions = max(3, context.rounds)
            var ours: [Duration] = []
            var bare: [Duration] = []
            var staged: [Duration] = []
            for repetition in 1...repetitions {
                try Task.checkCancellation()
                let of = "(\(repetition) of \(repetitions))"
                try await Self.reset(database)
                context.progress.say("import: psql \\copy of \(rows) rows into a plain table \(of)")
                bare.append(try await Self.copy(psql: psql, file: file, database: database, workspace: context.database.workspace))

                try await Self.reset(database)
                var taskForce = try await Self.freshTaskForce(database)
                context.progress.say("import: psql \\copy of \(rows) rows into the constrained tables through a staging table \(of)")
                staged.append(try await Self.stagedCopy(
                    psql: psql, file: file, into: taskForce, rows: rows, database: database, workspace: context.database.workspace))

                try await Self.reset(database)
                taskForce = try await Self.freshTaskForce(database)
                context.progress.say("import: gugus importMembers of \(rows) rows \(of)")
                ours.append(try await Self.importMembers(file: file, rows: rows, decree: taskForce.decree, database: database))
            }
            let counts = try await database.withConnection { connection in
                try await connection.query("""
                    SELECT (SELECT count(*) FROM membership), (SELECT count(*) FROM person), (SELECT count(*) FROM institution),
                           (SELECT count(*) FROM audit_log)
                    """).single()!.decode((Int, Int, Int, Int).self)
            }

            // The large file, once, through the command line, for its peak memory.
            try RosterCSV.make(rows: largeRows).write(to: largeFile, atomically: true, encoding: .utf8)
            try await Self.reset(database)
            let largeTaskForce = try await Self.freshTaskForce(database)
            context.progress.say("import: gugus member import of \(largeRows) rows")
            let large = try await Self.commandLineImport(
                file: largeFile, rows: largeRows, into: largeTaskForce, database: database, workspace: context.database.workspace)

            let ourRate = Double(rows) / StatusSection.median(ours).seconds
            let bareRate = Double(rows) / StatusSection.median(bare).seconds
            let stagedRate = Double(rows) / StatusSection.median(staged).seconds
            let bytes = Self.size(of: file)
            return SectionReport(
                name: name, summary: summary,
                notes: [
                    "file: \(rows) rows, \(BenchReport.number(Double(bytes))) bytes, columns \(RosterCSV.columns.joined(separator: ",")); 1 ketua, 1 sekretaris, the rest anggota; \(RosterCSV.institutions.count) institutions; unique e-mails; phones written four ways",
                    "ours: DatabaseGugus.importMembers(taskForce: 82, csv:, options: decree) into a fresh task force with its decree: read the file, parse and check every row, then one transaction: COPY into a staging table, match people and institutions, check the rows together, INSERT … SELECT with audit entries; timed from reading the file to the commit",
                    "plain: psql -c \"\\copy gugus_bench.roster (…) FROM file WITH (FORMAT csv, HEADER true)\" into a table with the same columns and no constraint, timed from starting psql to its exit",
                    "staged: psql -f script in one transaction: \\copy into a temporary table, then INSERT … SELECT into institution, person and membership (every constraint, index, foreign key and audit trigger of ours; phones normalised in SQL), into a fresh task force; timed the same way",
                    "each side \(repetitions) times, alternated, everything emptied in between; medians: ours \(Self.format(StatusSection.median(ours))), plain \(Self.format(StatusSection.median(bare))), staged \(Self.format(StatusSection.median(staged)))",
                    "after the last round: \(counts.0) memberships, \(counts.1) people, \(counts.2) institutions, \(counts.3) audit entries",
                    "large: `gugus member import --taskforce 82 --decree N` of \(largeRows) rows (\(BenchReport.number(Double(Self.size(of: largeFile)))) bytes) in \(Self.format(large.elapsed)), peak RSS \(BenchReport.number(Double(large.peakResidentBytes) / 1_048_576)) MiB",
                ],
                figures: [
                    Figure(
                        name: "importMembers", detail: "\(rows) rows, end to end", unit: "rows/s", value: ourRate,
                        reference: .init(name: "psql \\copy, plain table", value: bareRate), target: Self.bareTarget, isHeadline: true),
                    Figure(
                        name: "importMembers", detail: "\(rows) rows, end to end", unit: "rows/s", value: ourRate,
                        reference: .init(name: "psql \\copy, staged into the same tables", value: stagedRate), target: Self.stagedTarget, isHeadline: true),
                    Figure(
                        name: "gugus member import", detail: "\(largeRows) rows, end to end", unit: "rows/s",
                        value: Double(largeRows) / large.elapsed.seconds),
                    Figure(
                        name: "gugus member import, peak RSS", detail: "\(largeRows) rows", unit: "MiB",
                        value: Double(large.peakResidentBytes) / 1_048_576, direction: .lowerIsBetter),
                ])
        }
    }

    private static func size(of file: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
    }

    /// Ours, in this process: the file read, parsed, checked and written.
    private static func importMembers(file: URL, rows: Int, decree: Int64, database: GugusDatabase) async throws -> Duration {
        let gugus = database.gugus(maxConnections: 1)
        do {
            let clock = ContinuousClock()
            let start = clock.now
            let data = try Data(contentsOf: file)
            let report = try await gugus.importMembers(taskForce: .region("82"), csv: data, options: ImportOptions(decreeId: decree))
            let elapsed = start.duration(to: clock.now)
            await gugus.pool.close()
            guard report.created == rows, report.problems.isEmpty, !report.rolledBack else {
                throw BenchError("the import did not create \(rows) members: created \(report.created), \(report.problems.count) problems\(report.problems.first.map { ", the first: line \($0.line ?? 0): \($0.message.en)" } ?? "")")
            }
            return elapsed
        } catch {
            await gugus.pool.close()
            throw error
        }
    }

    /// `gugus member import` as a coordinator runs it; its time and peak memory.
    private static func commandLineImport(
        file: URL, rows: Int, into taskForce: (id: Int64, decree: Int64), database: GugusDatabase, workspace: URL
    ) async throws -> (elapsed: Duration, peakResidentBytes: Int) {
        let (elapsed, outcome) = try await timedRun(
            try GugusExecutable.locate(), ["member", "import", "--taskforce", "82", "--decree", String(taskForce.decree), "--json", file.path],
            environment: ["DATABASE_URL": database.connectionString, "GUGUS_LOG_LEVEL": "warning"],
            outputFile: workspace.appendingPathComponent("member-import.out"), what: "gugus member import")
        try await expectMemberships(rows, of: taskForce.id, database: database, what: "gugus member import")
        return (elapsed, outcome.peakResidentBytes)
    }

    /// Runs a program to its end, timed from its start to its exit; a failure is an error
    /// that names `what` and shows its output.
    private static func timedRun(
        _ program: URL, _ arguments: [String], environment: [String: String] = [:], outputFile: URL, what: String
    ) async throws -> (elapsed: Duration, outcome: ChildProcess.Outcome) {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try await ChildProcess.run(program, arguments, environment: environment, outputFile: outputFile)
        let elapsed = start.duration(to: clock.now)
        guard outcome.status == 0 else {
            throw BenchError("\(what) failed (exit status \(outcome.status)):\n\(outcome.output)")
        }
        return (elapsed, outcome)
    }

    /// Checks that a reference or an import wrote every row as a membership of the task force.
    private static func expectMemberships(_ rows: Int, of taskForce: Int64, database: GugusDatabase, what: String) async throws {
        let members = try await database.withConnection { connection in
            try await connection.query("SELECT count(*) FROM membership WHERE task_force_id = \(taskForce)").single()!.decode(Int.self)
        }
        guard members == rows else { throw BenchError("\(what) wrote \(members) memberships, not \(rows)") }
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
    /// them before importing the roster.
    private static func freshTaskForce(_ database: GugusDatabase) async throws -> (id: Int64, decree: Int64) {
        let gugus = database.gugus(maxConnections: 1)
        do {
            let taskForce = try await gugus.createTaskForce(NewTaskForce(regionCode: "82"))
            let decree = try await gugus.addDecree(NewDecree(
                taskForce: .region("82"), number: "100.3.3.2/75/2024",
                title: "Pembentukan Gugus Tugas Daerah Bisnis dan Hak Asasi Manusia Provinsi Maluku Utara",
                place: "Sofifi", signedOn: CivilDate(2024, 3, 1), effectiveUntil: CivilDate(2027, 12, 31),
                signerName: "Sherly Tjoanda", signerTitle: "Gubernur Maluku Utara"))
            await gugus.pool.close()
            return (taskForce.id, decree.id)
        } catch {
            await gugus.pool.close()
            throw error
        }
    }

    private static func copy(psql: URL, file: URL, database: GugusDatabase, workspace: URL) async throws -> Duration {
        let columns = RosterCSV.columns.joined(separator: ", ")
        let path = file.path.replacingOccurrences(of: "'", with: "''")
        return try await timedRun(psql, [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.connectionString,
            "-c", "\\copy gugus_bench.roster (\(columns)) FROM '\(path)' WITH (FORMAT csv, HEADER true)",
        ], outputFile: workspace.appendingPathComponent("psql.out"), what: "psql \\copy").elapsed
    }

    /// The database's own least work for the same rows: `\\copy` into a temporary table, then
    /// set-based inserts into the tables Gugus writes, under all their constraints and audit
    /// triggers, in one transaction. No matching against existing rows and no checks of the
    /// rows together: the task force is new and the file is known to be clean.
    private static func stagedCopy(
        psql: URL, file: URL, into taskForce: (id: Int64, decree: Int64), rows: Int, database: GugusDatabase, workspace: URL
    ) async throws -> Duration {
        let columns = RosterCSV.columns.joined(separator: ", ")
        let path = file.path.replacingOccurrences(of: "'", with: "''")
        let script = workspace.appendingPathComponent("staged-copy.sql")
        try """
            BEGIN;
            SET LOCAL gugus.actor = 'gugus-bench';
            SET LOCAL gugus.action = 'member.import';
            CREATE TEMP TABLE staging (
                name text, role text, position text, institution text, email text, phone text, working_group smallint,
                person_id bigint, institution_id bigint) ON COMMIT DROP;
            \\copy staging (\(columns)) FROM '\(path)' WITH (FORMAT csv, HEADER true)
            ANALYZE staging;
            INSERT INTO institution (name, kind, region_code)
            SELECT DISTINCT btrim(institution), 'other', '82' FROM staging ON CONFLICT DO NOTHING;
            UPDATE staging s SET institution_id = i.id, person_id = nextval(pg_get_serial_sequence('person', 'id'))
            FROM institution i WHERE lower(btrim(i.name)) = lower(btrim(s.institution)) AND i.region_code = '82';
            INSERT INTO person (id, name, email, phone) OVERRIDING SYSTEM VALUE
            SELECT person_id, btrim(name), lower(email),
                   '+62' || regexp_replace(regexp_replace(nullif(phone, ''), '[^0-9]', '', 'g'), '^(62|0)', '')
            FROM staging;
            INSERT INTO membership (task_force_id, person_id, institution_id, position, role, working_group, decree_id, valid_from)
            SELECT \(taskForce.id), person_id, institution_id, btrim(position), role, working_group, \(taskForce.decree), date '2024-03-01'
            FROM staging;
            COMMIT;

            """.write(to: script, atomically: true, encoding: .utf8)
        let what = "psql \\copy through a staging table"
        let (elapsed, _) = try await timedRun(psql, [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.connectionString, "-f", script.path,
        ], outputFile: workspace.appendingPathComponent("psql-staged.out"), what: what)
        try await expectMemberships(rows, of: taskForce.id, database: database, what: what)
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
