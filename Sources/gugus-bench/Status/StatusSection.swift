import Foundation
import GugusDatabase
import GugusModel
import Postgres

/// Issue 3: national and one region's status on a large generated dataset, at 1× and at
/// 10× the data, through ``DatabaseGugus`` as the CLI and the API call it. The target is
/// about growth: the cost at 10× at most 1.5 times the cost at 1×, with the plans reaching
/// the big tables through indexes.
struct StatusSection: BenchSection {
    let name = "status"
    let summary = "national and one region's status (ms) on a generated dataset at 1× and 10×: the cost may grow at most 1.5×"

    /// The region whose status is measured: Maluku Utara, as in the seed scenario.
    static let region = "82"
    /// Cost at the larger scale ≤ 1.5 × cost at 1×; as a ratio (1× ÷ larger), ≥ 1 / 1.5.
    static let growthLimit = 1.5

    func run(_ context: BenchContext) async throws -> SectionReport {
        let dataset = StatusDataset(memberships: context.sizes.statusMemberships)
        let scale = context.sizes.statusScale
        return try await GugusDatabase.with(context, section: name) { database in
            let gugus = database.gugus(maxConnections: 1)
            do {
                let report = try await measure(context, database: database, gugus: gugus, dataset: dataset, scale: scale)
                await gugus.pool.close()
                return report
            } catch {
                await gugus.pool.close()
                throw error
            }
        }
    }

    private struct Scale {
        var label: String
        var national: Duration
        var region: Duration
        var nationalPlan: QueryPlan
        var regionPlan: QueryPlan
        var counts: [(String, Int)]
        var seedTime: Duration
    }

    private func measure(
        _ context: BenchContext, database: GugusDatabase, gugus: DatabaseGugus, dataset: StatusDataset, scale: Int
    ) async throws -> SectionReport {
        let clock = ContinuousClock()
        var scales: [Scale] = []
        for (label, generations) in [("1×", 0..<1), ("\(scale)×", 1..<scale)] {
            context.progress.say("status: generating the \(label) dataset (\(generations.count) generation\(generations.count == 1 ? "" : "s") of \(dataset.memberships) memberships)")
            let start = clock.now
            let counts = try await database.withConnection { connection in
                if generations.lowerBound == 0 { try await dataset.seedBase(on: connection) }
                try await dataset.seed(generations: generations, on: connection)
                return try await StatusDataset.counts(on: connection)
            }
            let seedTime = start.duration(to: clock.now)
            context.progress.say("status: generated in \(Int(seedTime.seconds)) s: " + counts.map { "\($0.0) \($0.1)" }.joined(separator: ", "))

            var national: [Duration] = []
            var region: [Duration] = []
            for round in 1...context.rounds {
                let roundLabel = context.rounds > 1 ? " (round \(round) of \(context.rounds))" : ""
                context.progress.say("status: national status at \(label)\(roundLabel)")
                national.append(try await Self.medianCall(context) { _ = try await gugus.nationalStatus(at: nil) })
                context.progress.say("status: region \(Self.region) status at \(label)\(roundLabel)")
                region.append(try await Self.medianCall(context) { _ = try await gugus.regionStatus(code: Self.region, at: nil) })
            }
            let (nationalPlan, regionPlan) = try await database.withConnection { connection in
                // The same statements the calls above sent, parameters included.
                (try await QueryPlan.explain(StatusSQL.national(at: nil, now: Date()), on: connection),
                 try await QueryPlan.explain(StatusSQL.region(code: Self.region, at: nil, now: Date()), on: connection))
            }
            scales.append(Scale(
                label: label, national: Self.median(national), region: Self.median(region),
                nationalPlan: nationalPlan, regionPlan: regionPlan, counts: counts, seedTime: seedTime))
        }

        let small = scales[0]
        let large = scales[1]
        var figures: [Figure] = []
        for (name, detail, pick) in [
            ("nationalStatus", "38 provinces", { (scale: Scale) in scale.national }),
            ("regionStatus(\(Self.region))", "one province", { (scale: Scale) in scale.region }),
        ] {
            figures.append(Figure(name: name, detail: "\(detail), 1×", unit: "ms", value: pick(small).milliseconds, direction: .lowerIsBetter))
            figures.append(Figure(
                name: name, detail: "\(detail), \(large.label)", unit: "ms", value: pick(large).milliseconds, direction: .lowerIsBetter,
                reference: .init(name: "the same at 1×", value: pick(small).milliseconds),
                target: 1 / Self.growthLimit, isHeadline: true))
        }

        var notes = [
            "dataset: 552 regions (38 provinces + the 514 regencies and cities of migration 016), each with a task force; per term and task force \(dataset.membersPerTaskForce) members, \(dataset.sessionsPerTaskForce) sessions of \(dataset.participantsPerSession) participants, a reminder per participant, audit entries",
            "1× is the current term; \(large.label) adds \(scale - 1) past terms (ended members, held sessions, sent reminders): every table grows, what status reports does not",
        ]
        for scale in scales {
            notes.append("rows at \(scale.label) (generated in \(Int(scale.seedTime.seconds.rounded())) s): " + scale.counts.map { "\($0.0) \(BenchReport.number(Double($0.1)))" }.joined(separator: ", "))
        }
        notes.append("each figure: the median time of a call through DatabaseGugus (pool of 1, one region lookup + the status query + decoding), \(Int(context.duration.seconds)) s of calls after \(Int(context.warmup.seconds)) s of warm-up")
        notes.append(String(format: "growth from 1× to %@: national %.2f×, region %.2f× (target ≤ %.1f×; the ratio column is 1× ÷ %@, target ≥ %.2f×)",
                            large.label, large.national.seconds / small.national.seconds, large.region.seconds / small.region.seconds,
                            Self.growthLimit, large.label, 1 / Self.growthLimit))
        for scale in scales {
            notes.append("EXPLAIN national, \(scale.label): \(scale.nationalPlan.summary)")
            notes.append("EXPLAIN region \(Self.region), \(scale.label): \(scale.regionPlan.summary)")
        }
        let sequential = Set(large.nationalPlan.sequentialScansOfIndexedTables + large.regionPlan.sequentialScansOfIndexedTables)
        notes.append(sequential.isEmpty
            ? "plans at \(large.label): no Seq Scan on \(QueryPlan.indexedTables.sorted().joined(separator: ", ")): every one is reached through an index"
            : "plans at \(large.label): Seq Scan on \(sequential.sorted().joined(separator: ", ")) — status reads those tables whole")
        figures.append(Figure(
            name: "Seq Scans of big tables", detail: "plans at \(large.label)", unit: "scans", value: Double(sequential.count),
            direction: .lowerIsBetter))
        return SectionReport(name: name, summary: summary, notes: notes, figures: figures)
    }

    /// The median duration of `call`, run for the warm-up unmeasured and then for the duration
    /// (at least 10 calls, at most 5 000).
    static func medianCall(_ context: BenchContext, _ call: () async throws -> Void) async throws -> Duration {
        let clock = ContinuousClock()
        let warmupEnd = clock.now + context.warmup
        var warmed = 0
        while clock.now < warmupEnd || warmed < 3 {
            try await call()
            warmed += 1
        }
        var samples: [Duration] = []
        let end = clock.now + context.duration
        while (clock.now < end || samples.count < 10) && samples.count < 5_000 {
            try Task.checkCancellation()
            let start = clock.now
            try await call()
            samples.append(start.duration(to: clock.now))
        }
        return median(samples)
    }

    static func median(_ values: [Duration]) -> Duration {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .zero }
        return sorted.count.isMultiple(of: 2) ? (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2 : sorted[sorted.count / 2]
    }
}

extension Duration {
    var milliseconds: Double { seconds * 1e3 }
}
