import Foundation
import GugusDatabase
import GugusModel
import Postgres

/// Issue 13: the national recap of the current reporting period, for 38 provinces × 50
/// actions, with 6 periods of history and then 10× the history (60 periods). Targets: under
/// 50 ms, and the cost growing at most 1.5× with the history, since the recap reads only the
/// period's own reports.
struct RecapSection: BenchSection {
    let name = "recap"
    let summary = "the national recap (ms) at 38 provinces × 50 actions, with 6 and 60 periods of history: under 50 ms, growing at most 1.5×"

    static let actions = 50
    static let periods = 6
    static let growth = 10
    static let limit = 50.0
    static let growthLimit = 1.5
    /// The current period, the latest; the history is generated before it.
    static let current = "Periode 0000"

    func run(_ context: BenchContext) async throws -> SectionReport {
        try await GugusDatabase.with(context, section: name) { database in
            let gugus = database.gugus(maxConnections: 1)
            do {
                let report = try await measure(context, database: database, gugus: gugus)
                await gugus.pool.close()
                return report
            } catch {
                await gugus.pool.close()
                throw error
            }
        }
    }

    private func measure(_ context: BenchContext, database: GugusDatabase, gugus: DatabaseGugus) async throws -> SectionReport {
        let clock = ContinuousClock()
        var results: [(label: String, periods: Int, recap: Duration, entries: Int, seed: Duration)] = []
        for (label, periods) in [("1×", Self.periods), ("\(Self.growth)×", Self.periods * Self.growth)] {
            let start = clock.now
            let entries = try await database.withConnection { connection in
                if results.isEmpty { try await Self.seedBase(on: connection) }
                // Periods 0 (current) … periods−1, older as the number grows; add those missing.
                try await Self.seedPeriods((results.last?.periods ?? 0)..<periods, on: connection)
                return try await connection.query("SELECT count(*)::integer FROM report_entry").single()!.decode(Int.self)
            }
            let seed = start.duration(to: clock.now)
            context.progress.say("recap: \(periods) periods, \(entries) entries, generated in \(Int(seed.seconds)) s")
            var rounds: [Duration] = []
            for round in 1...context.rounds {
                context.progress.say("recap: the current period's recap at \(label)\(context.rounds > 1 ? " (round \(round) of \(context.rounds))" : "")")
                rounds.append(try await StatusSection.medianCall(context) { _ = try await gugus.recap(period: Self.current) })
            }
            results.append((label, periods, StatusSection.median(rounds), entries, seed))
        }
        let plan = try await database.withConnection { connection in
            let id = try await connection.query("SELECT id FROM report_period WHERE name = \(Self.current)").single()!.decode(Int64.self)
            return try await QueryPlan.explain(DatabaseGugus.recapSQL(periodID: id), on: connection)
        }
        let (small, large) = (results[0], results[1])
        let figures = [
            Figure(name: "recap", detail: "38 × \(Self.actions), \(small.periods) periods", unit: "ms", value: small.recap.milliseconds,
                   direction: .lowerIsBetter, reference: .init(name: "the target", value: Self.limit), target: 1, isHeadline: true),
            Figure(name: "recap", detail: "38 × \(Self.actions), \(large.periods) periods", unit: "ms", value: large.recap.milliseconds,
                   direction: .lowerIsBetter, reference: .init(name: "the same with \(small.periods) periods", value: small.recap.milliseconds),
                   target: 1 / Self.growthLimit, isHeadline: true),
        ]
        let notes = [
            "38 province task forces, \(Self.actions) actions assigned to all; each period a submitted report per province with an entry per action (a value, half with a link as evidence)",
            "rows: \(small.entries) entries at \(small.label) (generated in \(Int(small.seed.seconds)) s), \(large.entries) at \(large.label) (\(Int(large.seed.seconds)) s more)",
            "each figure: the median call of DatabaseGugus.recap (pool of 1: the period lookup and the recap query), \(Int(context.duration.seconds)) s after \(Int(context.warmup.seconds)) s of warm-up",
            String(format: "growth with %dx the history: %.2f× (target ≤ %.1f×)", Self.growth, large.recap.seconds / small.recap.seconds, Self.growthLimit),
            "EXPLAIN recap at \(large.label): \(plan.summary)",
        ]
        return SectionReport(name: name, summary: summary, notes: notes, figures: figures)
    }

    static func seedBase(on connection: PostgresConnection) async throws {
        try await connection.executeScript(unsafeSQL: """
            INSERT INTO task_force (level, region_code, name, period_id)
            SELECT 'regional', code, 'Gugus Tugas Daerah Bisnis dan HAM Provinsi ' || name, (SELECT min(id) FROM programme_period)
            FROM region WHERE level = 'province' ORDER BY code;
            INSERT INTO report_action (programme_id, code, title, strategy, indicator, unit, target, assigned)
            SELECT (SELECT min(id) FROM programme_period), 'A' || lpad(n::text, 2, '0'), 'Aksi ' || n, 1 + n % 3,
                   'Indikator aksi ' || n, 'kegiatan', 10, 'all'
            FROM generate_series(1, \(actions)) AS n;
            """)
    }

    /// Periods numbered `numbers` (0 the current, higher ones earlier), each with a submitted
    /// report of every province: an entry per action, half of them with a link.
    static func seedPeriods(_ numbers: Range<Int>, on connection: PostgresConnection) async throws {
        try await connection.executeScript(unsafeSQL: """
            BEGIN;
            CREATE TEMPORARY TABLE fresh (id bigint) ON COMMIT DROP;
            WITH added AS (
                INSERT INTO report_period (programme_id, name, kind, opens_on, closes_on, covers_from, covers_until)
                SELECT (SELECT min(id) FROM programme_period), 'Periode ' || lpad(n::text, 4, '0'), 'four_monthly',
                       date '2025-09-01' - n * 120, date '2025-09-30' - n * 120, date '2025-05-01' - n * 120, date '2025-09-30' - n * 120
                FROM generate_series(\(numbers.lowerBound), \(numbers.upperBound - 1)) AS n
                RETURNING id)
            INSERT INTO fresh SELECT id FROM added;
            INSERT INTO report (task_force_id, period_id)
            SELECT t.id, f.id FROM task_force t CROSS JOIN fresh f;
            INSERT INTO report_entry (report_id, action_id, achievement, value, progress)
            SELECT r.id, a.id, 'Capaian aksi', (r.id * 7 + a.id) % 11, 'done'
            FROM report r JOIN fresh f ON f.id = r.period_id CROSS JOIN report_action a;
            INSERT INTO report_evidence (report_id, entry_id, kind, url)
            SELECT e.report_id, e.id, 'link', 'https://example.go.id/bukti/' || e.id
            FROM report_entry e JOIN report r ON r.id = e.report_id JOIN fresh f ON f.id = r.period_id
            WHERE e.id % 2 = 0;
            UPDATE report SET state = 'submitted', submitted_at = now(), submitted_by = 'gugus-bench'
            WHERE period_id IN (SELECT id FROM fresh);
            COMMIT;
            ANALYZE report, report_entry, report_evidence, report_period;
            """)
    }
}
