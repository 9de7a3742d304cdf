import Foundation
import Postgres

/// Issue 5: how late reminders go out under a steady load: 100 falling due every second for
/// 60 s, sent by one running `gugus scheduler run` to the log channel. Lateness is each log
/// line's `delivered_at` − `due_at` (both to the microsecond). Target: p99 ≤ 100 ms.
struct LatenessSection: BenchSection {
    let name = "lateness"
    let summary = "lateness (delivered − due) of reminders falling due at a steady rate, sent by a running `gugus scheduler run`"

    static let limit = 100.0  // ms, for p99

    func run(_ context: BenchContext) async throws -> SectionReport {
        let gugus = try GugusExecutable.locate()
        let rate = context.sizes.latenessRate
        let seconds = max(1, Int(context.sizes.latenessDuration.seconds.rounded()))
        let reminders = DueReminders(count: rate * seconds)
        let workspace = context.database.workspace
        let log = workspace.appendingPathComponent("lateness.jsonl")
        defer { try? FileManager.default.removeItem(at: log) }

        return try await GugusDatabase.with(context, section: name) { database in
            context.progress.say("lateness: planning \(reminders.sessions * DueReminders.participantsPerSession) reminders")
            let planned = try await database.withConnection { try await reminders.create(on: $0) }
            let span = Double(planned) / Double(rate)

            let scheduler = try ChildProcess.start(
                gugus, ["scheduler", "run"],
                environment: ["DATABASE_URL": database.connectionString, "GUGUS_REMINDER_LOG": log.path, "GUGUS_LOG_LEVEL": "info",
                              "GUGUS_DIRECT_DATABASE_URL": ""],
                outputFile: workspace.appendingPathComponent("scheduler.out"))
            let cpu: Duration
            do {
                try await Self.waitUntilStarted(scheduler)
                // Far enough ahead that the UPDATE is done before the first one falls due.
                let start = Date().addingTimeInterval(3)
                try await database.withConnection { connection in
                    try await DueReminders.spread(from: start, perSecond: rate, on: connection)
                }
                context.progress.say(String(format: "lateness: %d reminders falling due at %d/s for %.0f s", planned, rate, span))
                try await Task.sleep(for: .seconds(3 + span + 1))
                // Then until nothing is left, for at most half a minute.
                let deadline = ContinuousClock.now + .seconds(30)
                while ContinuousClock.now < deadline {
                    let left = try await database.withConnection { connection in
                        try await connection.query("SELECT count(*) FROM reminder WHERE status IN ('pending', 'failed')").single()!.decode(Int.self)
                    }
                    if left == 0 { break }
                    try await Task.sleep(for: .milliseconds(500))
                }
                guard !scheduler.hasExited else {
                    throw BenchError("gugus scheduler run stopped during the measurement:\n\(scheduler.output)")
                }
                let status = await scheduler.stop()
                if status != 0 && status != 128 + SIGTERM {
                    throw BenchError("gugus scheduler run ended with exit status \(status):\n\(scheduler.output)")
                }
                cpu = await scheduler.exit().cpuTime
            } catch {
                await scheduler.stop()
                throw error
            }

            let lateness = try Self.lateness(in: log).sorted()
            guard !lateness.isEmpty else { throw BenchError("the scheduler wrote nothing to \(log.path)") }
            let outcomes = try await database.withConnection { connection in
                try await connection.query("SELECT status, count(*) FROM reminder GROUP BY status ORDER BY status").decode((String, Int).self)
            }
            func percentile(_ p: Double) -> Double {
                lateness[min(lateness.count - 1, Int((p * Double(lateness.count)).rounded(.up)) - 1)]
            }
            let p99 = percentile(0.99)
            return SectionReport(
                name: name, summary: summary,
                notes: [
                    "\(planned) reminders planned by Gugus's triggers (sessions with participants, a rule 1 h before, log channel), then given due times \(1000 / rate) ms apart starting 3 s ahead: \(rate)/s for \(String(format: "%.0f", span)) s",
                    "one `gugus scheduler run` process (LISTEN/NOTIFY, sleeping until the next due time), GUGUS_REMINDER_LOG to a file; lateness = delivered_at − due_at of each log line",
                    "outcome: \(lateness.count) log lines; reminders " + outcomes.map { "\($0.0) \($0.1)" }.joined(separator: ", "),
                    String(format: "scheduler CPU time: %.1f s over the run (%.0f µs per reminder)", cpu.seconds, cpu.microseconds / Double(max(1, lateness.count))),
                ],
                figures: [
                    Figure(name: "lateness p50", detail: "\(rate)/s", unit: "ms", value: percentile(0.5), direction: .lowerIsBetter),
                    Figure(
                        name: "lateness p99", detail: "\(rate)/s", unit: "ms", value: p99, direction: .lowerIsBetter,
                        reference: .init(name: "the issue's limit", value: Self.limit), target: 1, isHeadline: true),
                    Figure(name: "lateness max", detail: "\(rate)/s", unit: "ms", value: lateness.last ?? 0, direction: .lowerIsBetter),
                ])
        }
    }

    /// Waits for the scheduler to say it started (and to LISTEN), at most 20 s.
    private static func waitUntilStarted(_ scheduler: ChildProcess.Running) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if scheduler.hasExited { throw BenchError("gugus scheduler run exited at start:\n\(scheduler.output)") }
            if scheduler.output.contains("reminder scheduler started") {
                try await Task.sleep(for: .milliseconds(500))
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("gugus scheduler run did not start within 20 s:\n\(scheduler.output)")
    }

    /// Milliseconds late of each line of the log channel's file.
    static func lateness(in log: URL) throws -> [Double] {
        let text = try String(contentsOf: log, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let due = (object["due_at"] as? String).flatMap(PostgresTimestamp.parse),
                  let delivered = (object["delivered_at"] as? String).flatMap(PostgresTimestamp.parse)
            else { throw BenchError("a reminder log line without due_at and delivered_at: \(line.prefix(200))") }
            return delivered.timeIntervalSince(due) * 1000
        }
    }
}
