import Foundation
import Postgres

/// Issues 5 and 15: how fast the scheduler drains due reminders to the `log` channel, with
/// one and with two workers, each a `gugus scheduler run --once` process of its own (the way
/// several schedulers share the work in production), beside pgqueuer draining as many no-op
/// jobs with as many worker processes on the same server in the same run. Target: twice
/// pgqueuer's rate (issue 15); issue 5's 20 000 a second is shown too.
struct DispatchSection: BenchSection {
    let name = "dispatch"
    let summary = "reminders/s drained to the log channel by 1 and 2 `gugus scheduler run --once` processes, beside pgqueuer"

    static let targetRate = 20_000.0
    static let peerTarget = 2.0

    func run(_ context: BenchContext) async throws -> SectionReport {
        let gugus = try GugusExecutable.locate()
        let peer = try PgQueuer.locate()
        let reminders = DueReminders(count: context.sizes.dispatchReminders)
        let log = context.database.workspace.appendingPathComponent("reminders.jsonl")
        defer { try? FileManager.default.removeItem(at: log) }

        return try await GugusDatabase.with(context, section: name) { database in
            context.progress.say("dispatch: planning reminders for \(reminders.sessions) sessions of \(DueReminders.participantsPerSession) participants")
            let clock = ContinuousClock()
            let seedStart = clock.now
            let planned = try await database.withConnection { try await reminders.create(on: $0) }
            let seedTime = seedStart.duration(to: clock.now)

            var runs: [Int: [Duration]] = [:]
            var peerRuns: [Int: [Duration]] = [:]
            var peerVersion = ""
            for round in 1...context.rounds {
                for workers in [1, 2] {
                    try await database.withConnection { try await DueReminders.makeAllDue(on: $0) }
                    try? FileManager.default.removeItem(at: log)
                    let roundLabel = context.rounds > 1 ? " (round \(round) of \(context.rounds))" : ""
                    context.progress.say("dispatch: \(planned) due reminders, \(workers) worker\(workers == 1 ? "" : "s")\(roundLabel)")
                    let elapsed = try await Self.drain(
                        gugus: gugus, workers: workers, database: database, log: log, workspace: context.database.workspace)
                    try await Self.check(planned: planned, log: log, database: database)
                    runs[workers, default: []].append(elapsed)
                    context.progress.say("dispatch: pgqueuer draining \(planned) no-op jobs, \(workers) worker\(workers == 1 ? "" : "s")\(roundLabel)")
                    let drained = try await peer.drain(jobs: planned, workers: workers, database: database, workspace: context.database.workspace)
                    peerRuns[workers, default: []].append(drained.elapsed)
                    peerVersion = drained.version
                }
            }
            // What a process costs that finds nothing to do: start, connect, plan compliance
            // reminders, one empty claim, exit. Part of the figures above, once per worker.
            let idle = try await Self.drain(gugus: gugus, workers: 1, database: database, log: log, workspace: context.database.workspace)

            var figures: [Figure] = []
            var notes = [
                "\(planned) reminders planned by Gugus's triggers (\(reminders.sessions) sessions two hours ahead, \(DueReminders.participantsPerSession) members invited to each, one rule: participants, 1 h before, log channel; made in \(Int(seedTime.seconds.rounded())) s), then made due a second ago; the same rows again for each run",
                "each worker: `gugus scheduler run --once` (batches of 500, GUGUS_REMINDER_LOG to a file in the scratch folder), timed from starting the processes to the last one's exit; every run is checked: all sent, one log line each",
                String(format: "an idle `gugus scheduler run --once` (nothing due) takes %.0f ms: process start, connecting, compliance planning, one empty claim", idle.milliseconds),
            ]
            notes.append("pgqueuer \(peerVersion): Tests/Support/pgqueuer_drain.py, its schema installed in this database; \(planned) no-op jobs enqueued (not timed), then W forked worker processes, each one asyncpg connection and a QueueManager in drain mode with batch_size 500; timed from starting the processes to the last one's exit; every job checked done once")
            for workers in [1, 2] {
                let elapsed = StatusSection.median(runs[workers] ?? [])
                let rate = Double(planned) / elapsed.seconds
                let peerElapsed = StatusSection.median(peerRuns[workers] ?? [])
                let peerRate = Double(planned) / peerElapsed.seconds
                let detail = "\(workers) process\(workers == 1 ? "" : "es")"
                figures.append(Figure(
                    name: "scheduler run --once", detail: detail, unit: "reminders/s", value: rate,
                    reference: .init(name: "pgqueuer \(peerVersion), \(detail)", value: peerRate), target: Self.peerTarget, isHeadline: true))
                figures.append(Figure(
                    name: "scheduler run --once", detail: detail, unit: "reminders/s", value: rate,
                    reference: .init(name: "issue 5's rate", value: Self.targetRate), target: 1))
                let working = elapsed - idle
                if working > .zero {
                    figures.append(Figure(
                        name: "the same, less an idle run", detail: detail,
                        unit: "reminders/s", value: Double(planned) / working.seconds))
                }
                notes.append(String(format: "%d worker%@: %.2f s for %d reminders; pgqueuer %.2f s", workers, workers == 1 ? "" : "s", elapsed.seconds, planned, peerElapsed.seconds))
            }
            return SectionReport(name: name, summary: summary, notes: notes, figures: figures)
        }
    }

    /// Runs `workers` `gugus scheduler run --once` processes at once and waits for them all.
    static func drain(gugus: URL, workers: Int, database: GugusDatabase, log: URL, workspace: URL) async throws -> Duration {
        let environment = [
            "DATABASE_URL": database.connectionString, "GUGUS_REMINDER_LOG": log.path, "GUGUS_LOG_LEVEL": "warning",
            "GUGUS_DIRECT_DATABASE_URL": "",
        ]
        let clock = ContinuousClock()
        let start = clock.now
        var processes: [ChildProcess.Running] = []
        do {
            for worker in 0..<workers {
                processes.append(try ChildProcess.start(
                    gugus, ["scheduler", "run", "--once", "--json"], environment: environment,
                    outputFile: workspace.appendingPathComponent("scheduler-\(worker).out")))
            }
            var statuses: [Int32] = []
            for process in processes {
                statuses.append(await withTaskCancellationHandler { await process.exit().status } onCancel: { process.terminate() })
            }
            let elapsed = start.duration(to: clock.now)
            try Task.checkCancellation()
            if let failed = statuses.firstIndex(where: { $0 != 0 }) {
                throw BenchError("gugus scheduler run --once failed (exit status \(statuses[failed])):\n\(processes[failed].output)")
            }
            return elapsed
        } catch {
            for process in processes { await process.stop() }
            throw error
        }
    }

    /// Every reminder sent exactly once, and in the log once.
    static func check(planned: Int, log: URL, database: GugusDatabase) async throws {
        let (sent, other) = try await database.withConnection { connection in
            try await connection.query("""
                SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status <> 'sent') FROM reminder
                """).single()!.decode((Int, Int).self)
        }
        let lines = try Data(contentsOf: log).reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        guard sent == planned, other == 0, lines == planned else {
            throw BenchError("the run did not send every reminder once: \(sent) sent, \(other) not sent, \(lines) log lines, \(planned) planned")
        }
    }
}
