import Foundation
import GugusDatabase
import GugusModel
import Postgres

/// Issue 11: the portal's map page (`GET /`, signed in) under wrk at 1 and 8 connections,
/// beside `GET /v1/status` (the same national status, as JSON, with a token) at the same
/// concurrency. Targets: the page at least 0.8× the JSON endpoint's rate, and its p99 at 8
/// connections under 50 ms.
///
/// On two datasets, each in a database of its own: a deployment's size (every task force
/// with 35 members, as Jakarta's GTD had) and the status section's 1× (181 members a task
/// force). The page draws 38 provinces either way; what grows is what the status query
/// counts for each.
struct WebSection: BenchSection {
    let name = "web"
    let summary = "the portal's map page (GET /, signed in) under wrk, beside GET /v1/status at the same concurrency"

    static let target = 0.8
    static let p99Limit = 50.0  // ms, at 8 connections
    static let connections = [1, 8]
    /// Jakarta's GTD had 35 members (../shared/domain.md).
    static let deploymentMembersPerTaskForce = 35

    struct Target: Sendable {
        var label: String
        var url: String
        var header: String
    }

    struct Measured: Sendable {
        var dataset: String
        var counts: [(String, Int)]
        var runs: [String: [Wrk.Run]]
    }

    func run(_ context: BenchContext) async throws -> SectionReport {
        let datasets = [
            ("a deployment's size", StatusDataset(memberships: StatusDataset.taskForces * Self.deploymentMembersPerTaskForce)),
            ("the status section's 1×", StatusDataset(memberships: context.sizes.statusMemberships)),
        ]
        var measured: [Measured] = []
        for (label, dataset) in datasets {
            measured.append(try await measure(dataset, label: label, context))
        }
        return report(measured, cores: ProcessInfo.processInfo.activeProcessorCount,
                      seconds: Int(context.duration.seconds), warmup: Int(context.warmup.seconds))
    }

    private func measure(_ dataset: StatusDataset, label: String, _ context: BenchContext) async throws -> Measured {
        let gugus = try GugusExecutable.locate()
        let wrk = try Wrk.locate()
        let workspace = context.database.workspace
        return try await GugusDatabase.with(context, section: name) { database in
            context.progress.say("web: generating \(label) dataset (\(dataset.memberships) memberships)")
            let counts = try await database.withConnection { connection in
                try await dataset.seedBase(on: connection)
                try await dataset.seed(generations: 0..<1, on: connection)
                return try await StatusDataset.counts(on: connection)
            }
            // A viewer's API token and a viewer's portal session, made the way Gugus makes them.
            let (token, session) = try await Self.credentials(database)
            return try await HTTPSection.serving(gugus, database: database, workspace: workspace) { server, port in
                let base = "http://127.0.0.1:\(port)"
                let targets = Self.targets(base: base, token: token, session: session)
                var runs: [String: [Wrk.Run]] = [:]
                let cores = ProcessInfo.processInfo.activeProcessorCount
                let seconds = Int(context.duration.seconds), warmup = Int(context.warmup.seconds)
                for round in 1...context.rounds {
                    let roundLabel = context.rounds > 1 ? " (round \(round) of \(context.rounds))" : ""
                    for connections in Self.connections {
                        let threads = min(connections, cores)
                        for target in targets {
                            if warmup > 0 {
                                _ = try await wrk.run(url: target.url, connections: connections, threads: threads, seconds: warmup,
                                                      headers: [target.header], workspace: workspace)
                            }
                            context.progress.say("web: \(label): wrk -c \(connections) -t \(threads) \(target.label), \(seconds) s\(roundLabel)")
                            runs["\(target.label) \(connections)", default: []].append(try await wrk.run(
                                url: target.url, connections: connections, threads: threads, seconds: seconds,
                                headers: [target.header], workspace: workspace))
                            guard !server.hasExited else { throw BenchError("gugus serve stopped during the run:\n\(server.output)") }
                        }
                    }
                }
                return Measured(dataset: label, counts: counts, runs: runs)
            }
        }
    }

    static let pageLabel = "GET / (the map page)", jsonLabel = "GET /v1/status"

    static func targets(base: String, token: String, session: String) -> [Target] {
        [
            Target(label: pageLabel, url: base + "/", header: "Cookie: gugus_session=\(session)"),
            Target(label: jsonLabel, url: base + "/v1/status", header: "Authorization: Bearer \(token)"),
        ]
    }

    private func report(_ measured: [Measured], cores: Int, seconds: Int, warmup: Int) -> SectionReport {
        let (page, json) = (Self.pageLabel, Self.jsonLabel)
        var figures: [Figure] = []
        for data in measured {
            let members = data.counts.first { $0.0 == "membership" }.map { BenchReport.number(Double($0.1)) } ?? "?"
            for connections in Self.connections {
                let detail = "\(connections) conn., \(members) memberships"
                let pageRuns = data.runs["\(page) \(connections)"] ?? [], jsonRuns = data.runs["\(json) \(connections)"] ?? []
                figures.append(Figure(
                    name: page, detail: detail, unit: "requests/s", value: median(pageRuns.map(\.requestsPerSecond)),
                    reference: .init(name: "\(json), the same status as JSON", value: median(jsonRuns.map(\.requestsPerSecond))),
                    target: Self.target, isHeadline: true))
                let pageP99 = median(pageRuns.map(\.p99Milliseconds))
                figures.append(connections == 8
                    ? Figure(name: "\(page) p99", detail: detail, unit: "ms", value: pageP99, direction: .lowerIsBetter,
                             reference: .init(name: "the issue's limit", value: Self.p99Limit), target: 1, isHeadline: true)
                    : Figure(name: "\(page) p99", detail: detail, unit: "ms", value: pageP99, direction: .lowerIsBetter))
                figures.append(Figure(
                    name: "\(json) p99", detail: detail, unit: "ms", value: median(jsonRuns.map(\.p99Milliseconds)),
                    direction: .lowerIsBetter))
            }
        }
        return SectionReport(
            name: name, summary: summary,
            notes: [
                "server: `gugus serve --no-scheduler` of the same release build, on 127.0.0.1, as configured by default",
            ] + measured.map { data in
                "data, \(data.dataset): " + data.counts.map { "\($0.0) \(BenchReport.number(Double($0.1)))" }.joined(separator: ", ")
            } + [
                "the page: a viewer's signed-in session (cookie), in Indonesian; it reads the national status, the coverage by month and the next 10 sessions, and renders the map, chart and table",
                "the JSON: a viewer's token; it reads the national status",
                "requests: wrk --latency -t min(connections, \(cores) cores) -c N -d \(seconds)s, after \(warmup) s of the same unmeasured; any answer other than 2xx fails the run (a lost session would redirect)",
            ],
            figures: figures)
    }

    /// A viewer's API token, and the secret of a viewer's portal session, through Gugus's own
    /// account and sign-in code.
    static func credentials(_ database: GugusDatabase) async throws -> (token: String, session: String) {
        let pool = PostgresPool(configuration: database.configuration, options: .init(maxConnections: 1))
        do {
            let gugus = DatabaseGugus(pool: pool, caller: .localOperator("gugus-bench"))
            let token = try await gugus.issueToken(NewToken(name: "gugus-bench", role: .viewer)).secret
            _ = try await gugus.addAccount(NewAccount(email: "bench@gugus.local", name: "Bench", role: .viewer, language: .id))
            let link = try await gugus.signInLink(email: "bench@gugus.local")
            let session = try await gugus.redeemSignInLink(link.token).secret
            await pool.close()
            return (token, session)
        } catch {
            await pool.close()
            throw error
        }
    }
}
