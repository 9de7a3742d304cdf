import ArgumentParser
import Foundation
import Postgres

/// `gugus-bench`: measures Gugus against reference tools and prints figures and ratios.
///
/// It is a release-mode executable rather than a test, because debug builds and a test
/// runner's parallelism would measure the wrong thing. See docs/benchmarks.md.
@main
struct GugusBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gugus-bench",
        abstract: "Measures Gugus beside reference tools and prints each figure, the reference and the ratio.",
        discussion: """
            Sections: \(BenchSections.all.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).

            Without --database-url or DATABASE_URL it starts a throwaway PostgreSQL cluster in \
            /tmp/gugus-bench.XXXXXX and removes it at the end, also after Ctrl-C. With a URL, \
            sections work in a schema of their own (gugus_bench) and drop it when done.
            """)

    @Option(name: .long, help: ArgumentHelp("The sections to run, comma-separated.", valueName: "section,..."))
    var sections: String = BenchSections.names.joined(separator: ",")

    @Option(name: .long, help: ArgumentHelp("The database to measure against (default: DATABASE_URL, else a throwaway cluster).", valueName: "url"))
    var databaseURL: String?

    @Option(name: .long, help: "Seconds each figure is measured for (default 10; also the lateness run's length when given).")
    var duration: Int?

    @Option(name: .long, help: "Seconds each figure runs unmeasured first.")
    var warmup: Int = 2

    @Option(name: .long, help: "Times each figure is measured; the report shows the median.")
    var rounds: Int = 1

    @Option(name: .long, help: "import: rows of the generated roster.")
    var importRows: Int = 10_000

    @Option(name: .long, help: "import: rows of the larger roster imported once, for its peak memory.")
    var importLargeRows: Int = 100_000

    @Option(name: .long, help: "status, http, web: memberships of the generated dataset at 1×.")
    var statusMemberships: Int = 100_000

    @Option(name: .long, help: "status: the larger scale, as a multiple of the 1× data.")
    var statusScale: Int = 10

    @Option(name: .long, help: "dispatch: due reminders to drain.")
    var dispatchReminders: Int = 50_000

    @Option(name: .long, help: "lateness: reminders falling due per second.")
    var latenessRate: Int = 100

    @Option(name: .long, help: "lateness: seconds of steady load (default 60, or --duration when given).")
    var latenessSeconds: Int?

    @Option(name: .long, help: ArgumentHelp("http: wrk's connection counts.", valueName: "n,..."))
    var httpConnections: String = "1,8,64"

    @Flag(name: .long, help: "Print the results as JSON on standard output.")
    var json = false

    @Flag(name: .long, help: "Exit with status 1 when a headline figure misses its target.")
    var checkTargets = false

    @Flag(name: .long, help: "Print no progress on standard error.")
    var quiet = false

    mutating func validate() throws {
        let unknown = selectedSections.names.filter { !BenchSections.names.contains($0) }
        if !unknown.isEmpty {
            throw ValidationError("unknown section \(unknown.joined(separator: ", ")); the sections are \(BenchSections.names.joined(separator: ", "))")
        }
        if selectedSections.names.isEmpty {
            throw ValidationError("--sections names no section; the sections are \(BenchSections.names.joined(separator: ", "))")
        }
        if let duration, duration < 1 { throw ValidationError("--duration must be at least 1 second, not \(duration)") }
        guard importRows >= 10 else { throw ValidationError("--import-rows must be at least 10, not \(importRows)") }
        guard importLargeRows >= 10 else { throw ValidationError("--import-large-rows must be at least 10, not \(importLargeRows)") }
        guard statusMemberships >= 3_000 else { throw ValidationError("--status-memberships must be at least 3000, not \(statusMemberships)") }
        guard statusScale >= 2 else { throw ValidationError("--status-scale must be at least 2, not \(statusScale)") }
        guard dispatchReminders >= 100 else { throw ValidationError("--dispatch-reminders must be at least 100, not \(dispatchReminders)") }
        guard (1...1000).contains(latenessRate) else { throw ValidationError("--lateness-rate must be between 1 and 1000 a second, not \(latenessRate)") }
        if let latenessSeconds, latenessSeconds < 1 { throw ValidationError("--lateness-seconds must be at least 1, not \(latenessSeconds)") }
        guard let connections = parsedConnections, !connections.isEmpty, connections.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--http-connections takes connection counts such as 1,8,64, not '\(httpConnections)'")
        }
        guard warmup >= 0 else { throw ValidationError("--warmup cannot be negative (\(warmup))") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, not \(rounds)") }
    }

    private var parsedConnections: [Int]? {
        let parts = httpConnections.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return parts.contains(nil) ? nil : parts.compactMap { $0 }
    }

    private var sizes: BenchSizes {
        BenchSizes(
            importRows: importRows, importLargeRows: importLargeRows, statusMemberships: statusMemberships, statusScale: statusScale,
            dispatchReminders: dispatchReminders, latenessRate: latenessRate,
            latenessDuration: .seconds(latenessSeconds ?? duration ?? 60), httpConnections: parsedConnections ?? [1, 8, 64])
    }

    private var selectedSections: (names: [String], sections: [any BenchSection]) {
        let names = sections.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Sections run in the registry's order, whatever order they were named in.
        return (names, BenchSections.all.filter { names.contains($0.name) })
    }

    func run() async throws {
        let progress = Progress(isQuiet: quiet)
        let environmentURL = ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let plan = Plan(
            sections: selectedSections.sections,
            databaseURL: databaseURL ?? environmentURL,
            duration: duration ?? 10, warmup: warmup, rounds: rounds, sizes: sizes, progress: progress)
        let report: BenchReport
        do {
            report = try await Interruption.cancellingOnSignals(progress: progress) { try await plan.run() }
        } catch is CancellationError {
            progress.say("interrupted; nothing to report")
            throw ExitCode(130)
        }
        print(json ? try report.json() : report.text())
        if checkTargets, !report.missedTargets.isEmpty {
            progress.say("missed targets: \(report.missedTargets.map { "\($0.name) (\($0.detail))" }.joined(separator: "; "))")
            throw ExitCode.failure
        }
    }
}

/// What one run does, apart from the command line: open the database, run the sections,
/// always close the database.
struct Plan: Sendable {
    let sections: [any BenchSection]
    let databaseURL: String?
    let duration: Int
    let warmup: Int
    let rounds: Int
    let sizes: BenchSizes
    let progress: Progress

    func run() async throws -> BenchReport {
        let database = try await BenchDatabase.open(url: databaseURL, progress: progress)
        do {
            let report = try await run(on: database)
            await database.close(progress: progress)
            return report
        } catch {
            await database.close(progress: progress)
            throw error
        }
    }

    private func run(on database: BenchDatabase) async throws -> BenchReport {
        let context = BenchContext(
            database: database, duration: .seconds(duration), warmup: .seconds(warmup), rounds: rounds, progress: progress,
            sizes: sizes)
        let serverVersion = try await Self.serverVersion(database.configuration)
        var reports: [SectionReport] = []
        for section in sections {
            try Task.checkCancellation()
            progress.say("section \(section.name)")
            reports.append(try await section.run(context))
        }
        return BenchReport(
            date: Date(),
            environment: .init(cores: ProcessInfo.processInfo.activeProcessorCount, serverVersion: serverVersion, database: database.description),
            settings: .init(durationSeconds: duration, warmupSeconds: warmup, rounds: rounds),
            sections: reports,
            peakResidentBytes: ResourceUsage.peakResidentBytes)
    }

    private static func serverVersion(_ configuration: PostgresConfiguration) async throws -> String {
        let connection = try await PostgresConnection.connect(configuration)
        do {
            let version = try await connection.query("SHOW server_version").single()?.decode(String.self)
            await connection.close()
            return version ?? "?"
        } catch {
            await connection.close()
            throw error
        }
    }
}
