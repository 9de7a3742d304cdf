import Foundation
import Postgres

/// Simple parameterized SELECTs per second through our layer, beside pgbench running the
/// same statement over the same protocol with the same number of clients (issue 2, part 6).
struct SelectSection: BenchSection {
    let name = "select"
    let summary = "parameterized SELECT by primary key: our layer beside pgbench, same statement, protocol and clients"

    /// The least share of pgbench's rate that counts as good enough.
    static let target = 0.8

    /// One way of driving the lookup with our layer.
    struct Variant: Sendable {
        var name: String
        var detail: String
        var isHeadline: Bool
        /// Whether the tasks prefer ``PostgresPool/taskExecutor``, as request handlers do.
        var onTaskExecutor = false
        var open: @Sendable (PostgresConfiguration) async throws -> any SelectLoop

        /// Where the tasks run, for the figure's conditions.
        private static func place(_ onTaskExecutor: Bool) -> String {
            onTaskExecutor ? "on the pool's executor" : "on the cooperative pool"
        }

        static func connection(onTaskExecutor: Bool, isHeadline: Bool = false) -> Variant {
            Variant(name: "PostgresConnection.query", detail: "1 task, 1 connection, \(place(onTaskExecutor))",
                    isHeadline: isHeadline, onTaskExecutor: onTaskExecutor) { configuration in
                try await ConnectionSelectLoop.open(configuration)
            }
        }

        static func poolCheckout(tasks: Int, onTaskExecutor: Bool, isHeadline: Bool = false) -> Variant {
            Variant(name: "pool.query, checkout per query", detail: "\(tasks) task\(tasks == 1 ? "" : "s"), pool of \(tasks), \(place(onTaskExecutor))",
                    isHeadline: isHeadline, onTaskExecutor: onTaskExecutor) { configuration in
                PoolCheckoutSelectLoop(pool: PostgresPool(configuration: configuration, options: .init(maxConnections: tasks)))
            }
        }

        static func poolHeld(tasks: Int) -> Variant {
            Variant(name: "pool.withConnection, held", detail: "\(tasks) task\(tasks == 1 ? "" : "s"), pool of \(tasks)", isHeadline: false) { configuration in
                PoolHeldSelectLoop(pool: PostgresPool(configuration: configuration, options: .init(maxConnections: tasks)))
            }
        }
    }

    /// A client count, pgbench's figure for it, and our variants beside it.
    struct Group: Sendable {
        var clients: Int
        var variants: [Variant]
    }

    static let groups: [Group] = [
        Group(clients: 1, variants: [
            .connection(onTaskExecutor: true, isHeadline: true),
            .poolCheckout(tasks: 1, onTaskExecutor: true),
            .connection(onTaskExecutor: false),
            .poolCheckout(tasks: 1, onTaskExecutor: false),
            .poolHeld(tasks: 1),
        ]),
        Group(clients: 8, variants: [
            .poolCheckout(tasks: 8, onTaskExecutor: true, isHeadline: true),
            .poolCheckout(tasks: 8, onTaskExecutor: false),
            .poolHeld(tasks: 8),
        ]),
    ]

    func run(_ context: BenchContext) async throws -> SectionReport {
        let pgbench = try PgBench.locate()
        let configuration = context.database.configuration
        context.progress.say("select: creating gugus_bench.account with \(BenchAccounts.rowCount) rows")
        let setup = try await PostgresConnection.connect(configuration)
        do {
            try await BenchAccounts.create(on: setup)
            await setup.close()
            let report = try await measure(context, pgbench: pgbench)
            await Self.dropTable(configuration)
            return report
        } catch {
            await setup.close()
            await Self.dropTable(configuration)
            throw error
        }
    }

    private func measure(_ context: BenchContext, pgbench: PgBench) async throws -> SectionReport {
        let script = context.database.workspace.appendingPathComponent("select.sql")
        try BenchAccounts.pgbenchScript.write(to: script, atomically: true, encoding: .utf8)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let seconds = Int(context.duration.components.seconds)

        // Each round measures pgbench and then our variants for one client count before the
        // next, so a slow moment on this shared machine hits both sides of a ratio alike.
        var pgbenchRuns: [Int: [PgBench.Run]] = [:]
        var ourRuns: [String: [Throughput]] = [:]
        for round in 1 ... context.rounds {
            for group in Self.groups {
                let load = PgBench.Load.fitting(clients: group.clients, cores: cores)
                let roundLabel = context.rounds > 1 ? " (round \(round) of \(context.rounds))" : ""
                context.progress.say("select: \(load.commandSummary) for \(seconds) s\(roundLabel)")
                let run = try await pgbench.run(script: script, load: load, seconds: seconds, connection: context.database.connectionString)
                pgbenchRuns[group.clients, default: []].append(run)
                for variant in group.variants {
                    context.progress.say("select: \(variant.name), \(variant.detail), for \(seconds) s\(roundLabel)")
                    let throughput = try await Self.measure(variant, clients: group.clients, context: context)
                    ourRuns[Self.key(variant), default: []].append(throughput)
                }
            }
        }

        // Rates first, with their target; then what each costs in client CPU, which explains
        // the rates and does not depend on how busy the machine was.
        var rates: [Figure] = []
        var costs: [Figure] = []
        for group in Self.groups {
            let load = PgBench.Load.fitting(clients: group.clients, cores: cores)
            let references = pgbenchRuns[group.clients] ?? []
            let referenceRate = Figure.Reference(name: load.commandSummary, value: median(references.map(\.transactionsPerSecond)))
            let referenceCost = Figure.Reference(name: load.commandSummary, value: median(references.map(\.cpuPerTransaction.microseconds)))
            for variant in group.variants {
                let runs = ourRuns[Self.key(variant)] ?? []
                rates.append(Figure(
                    name: variant.name, detail: variant.detail, unit: "queries/s",
                    value: median(runs.map(\.rate)),
                    reference: referenceRate, target: Self.target, isHeadline: variant.isHeadline))
                costs.append(Figure(
                    name: variant.name, detail: variant.detail, unit: "µs client CPU/query",
                    value: median(runs.map(\.cpuPerOperation.microseconds)), direction: .lowerIsBetter,
                    reference: referenceCost))
            }
        }
        return SectionReport(
            name: name, summary: summary,
            notes: [
                "statement: SELECT balance FROM gugus_bench.account WHERE id = $1, id uniform in 1…\(BenchAccounts.rowCount) (\(BenchAccounts.rowCount) rows, primary key)",
                "pgbench: the same statement from a script, -M prepared (prepared once per connection, then Bind/Execute, as the layer does), -j = min(clients, \(cores) cores)",
                "ours: each query decodes its balance; checkout per query is the realistic pool figure, a held connection shows the checkout's cost",
                "on the pool's executor: the tasks prefer PostgresPool.taskExecutor, as gugus serve's request handlers do, and stay on their connection's thread; on the cooperative pool, each query hops to the connection's thread and back",
                "client CPU: user + system time of the client process (all its threads) per query; for the ratio, less is better",
            ],
            figures: rates + costs)
    }

    /// Warms the variant up, then measures it.
    private static func measure(_ variant: Variant, clients: Int, context: BenchContext) async throws -> Throughput {
        let loop = try await variant.open(context.database.configuration)
        do {
            let executor = variant.onTaskExecutor ? PostgresPool.taskExecutor : nil
            if context.warmup > .zero {
                _ = try await Throughput.measure(workers: clients, for: context.warmup) { worker, deadline in
                    try await withTaskExecutorPreference(executor) { try await loop.run(worker: worker, until: deadline) }
                }
            }
            let throughput = try await Throughput.measure(workers: clients, for: context.duration) { worker, deadline in
                try await withTaskExecutorPreference(executor) { try await loop.run(worker: worker, until: deadline) }
            }
            await loop.close()
            return throughput
        } catch {
            await loop.close()
            throw error
        }
    }

    private static func key(_ variant: Variant) -> String { variant.name + " / " + variant.detail }

    /// Removes the table in a task of its own, which a cancelled benchmark does not cancel:
    /// the database may be the user's, and must be left as we found it.
    private static func dropTable(_ configuration: PostgresConfiguration) async {
        await Task {
            do {
                let connection = try await PostgresConnection.connect(configuration)
                try await BenchAccounts.drop(on: connection)
                await connection.close()
            } catch {
                FileHandle.standardError.write(Data("gugus-bench: could not drop the schema gugus_bench: \(error)\n".utf8))
            }
        }.value
    }
}

/// The middle value (the mean of the two middle ones for an even count), which one slow
/// round on a shared machine does not move.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
}
