import Foundation
import GugusDatabase
import GugusModel
import Postgres

/// Issue 6: the two status endpoints of `gugus serve` under wrk at 1, 8 and 64 connections,
/// beside pgbench running the statements the endpoint runs, with the same parameters and as
/// many clients; and the server's peak RSS after it all. Targets: at least 0.8× pgbench's
/// rate (issue 15; issue 6 asked for half); at most 100 MB.
struct HTTPSection: BenchSection {
    let name = "http"
    let summary = "GET /v1/regions/{code}/status and /v1/status under wrk, beside pgbench running the endpoint's SQL; the server's peak RSS"

    static let target = 0.8
    static let rssLimit = 100.0  // MB
    static let region = "82"

    /// One endpoint, and the statements it sends for one request, for pgbench.
    struct Endpoint: Sendable {
        var name: String
        var path: String
        var statements: String
        var variables: [String: String]
    }

    func run(_ context: BenchContext) async throws -> SectionReport {
        let gugus = try GugusExecutable.locate()
        let wrk = try Wrk.locate()
        let pgbench = try PgBench.locate()
        let dataset = StatusDataset(memberships: context.sizes.statusMemberships)
        let workspace = context.database.workspace

        return try await GugusDatabase.with(context, section: name) { database in
            context.progress.say("http: generating the status dataset (\(dataset.memberships) memberships)")
            let secret = "gugus_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            let counts = try await database.withConnection { connection in
                try await dataset.seedBase(on: connection)
                try await dataset.seed(generations: 0..<1, on: connection)
                // A viewer's token, as a dashboard would hold: status is what viewers read.
                try await connection.execute("""
                    INSERT INTO api_token (name, role, token_sha256) VALUES ('gugus-bench', 'viewer', encode(sha256(convert_to(\(secret), 'UTF8')), 'hex'))
                    """)
                return try await StatusDataset.counts(on: connection)
            }
            let tokenHash = try await database.withConnection { connection in
                try await connection.query("SELECT token_sha256 FROM api_token WHERE name = 'gugus-bench'").single()!.decode(String.self)
            }
            let endpoints = Self.endpoints(tokenHash: tokenHash)
            return try await Self.serving(gugus, database: database, workspace: workspace) { server, port in
                try await measure(
                    context, server: server, port: port, secret: secret, endpoints: endpoints,
                    wrk: wrk, pgbench: pgbench, database: database, counts: counts)
            }
        }
    }

    /// Runs `gugus serve --no-scheduler` on a free port of 127.0.0.1 over `database` while
    /// `body` runs, and stops it afterwards, also when `body` throws.
    static func serving<Result: Sendable>(
        _ gugus: URL, database: GugusDatabase, workspace: URL, environment: [String: String] = [:],
        _ body: (ChildProcess.Running, Int) async throws -> Result
    ) async throws -> Result {
        let port = try freePort()
        let server = try ChildProcess.start(
            gugus, ["serve", "--no-scheduler", "--host", "127.0.0.1", "--port", String(port)],
            environment: ["DATABASE_URL": database.connectionString, "GUGUS_DIRECT_DATABASE_URL": ""].merging(environment) { $1 },
            outputFile: workspace.appendingPathComponent("server.out"))
        do {
            try await waitUntilListening(server, port: port)
            let result = try await body(server, port)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private func measure(
        _ context: BenchContext, server: ChildProcess.Running, port: Int, secret: String, endpoints: [Endpoint],
        wrk: Wrk, pgbench: PgBench, database: GugusDatabase, counts: [(String, Int)]
    ) async throws -> SectionReport {
        let workspace = context.database.workspace
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let seconds = Int(context.duration.seconds)
        let warmup = Int(context.warmup.seconds)
        var ours: [String: [Wrk.Run]] = [:]
        var theirs: [String: [PgBench.Run]] = [:]
        func key(_ endpoint: Endpoint, _ connections: Int) -> String { "\(endpoint.path) \(connections)" }

        for round in 1...context.rounds {
            let roundLabel = context.rounds > 1 ? " (round \(round) of \(context.rounds))" : ""
            for endpoint in endpoints {
                let script = workspace.appendingPathComponent("http-\(endpoint.name).sql")
                try endpoint.statements.write(to: script, atomically: true, encoding: .utf8)
                for connections in context.sizes.httpConnections {
                    let load = PgBench.Load.fitting(clients: connections, cores: cores)
                    context.progress.say("http: \(load.commandSummary), \(endpoint.name) statements, \(seconds) s\(roundLabel)")
                    theirs[key(endpoint, connections), default: []].append(try await pgbench.run(
                        script: script, load: load, seconds: seconds, connection: database.connectionString, variables: endpoint.variables))
                    let url = "http://127.0.0.1:\(port)\(endpoint.path)"
                    let header = "Authorization: Bearer \(secret)"
                    if warmup > 0 {
                        _ = try await wrk.run(url: url, connections: connections, threads: load.threads, seconds: warmup, headers: [header], workspace: workspace)
                    }
                    context.progress.say("http: wrk -c \(connections) -t \(load.threads) GET \(endpoint.path), \(seconds) s\(roundLabel)")
                    ours[key(endpoint, connections), default: []].append(try await wrk.run(
                        url: url, connections: connections, threads: load.threads, seconds: seconds, headers: [header], workspace: workspace))
                    guard !server.hasExited else { throw BenchError("gugus serve stopped during the run:\n\(server.output)") }
                }
            }
        }
        let peak = Self.peakResidentMegabytes(pid: server.pid)

        var rates: [Figure] = []
        var latencies: [Figure] = []
        for endpoint in endpoints {
            for connections in context.sizes.httpConnections {
                let load = PgBench.Load.fitting(clients: connections, cores: cores)
                let runs = ours[key(endpoint, connections)] ?? []
                let references = theirs[key(endpoint, connections)] ?? []
                let detail = "\(connections) connection\(connections == 1 ? "" : "s")"
                rates.append(Figure(
                    name: "GET \(endpoint.path)", detail: detail, unit: "requests/s", value: median(runs.map(\.requestsPerSecond)),
                    reference: .init(name: "\(load.commandSummary), the endpoint's SQL", value: median(references.map(\.transactionsPerSecond))),
                    target: Self.target, isHeadline: true))
                latencies.append(Figure(
                    name: "GET \(endpoint.path) p99", detail: detail, unit: "ms", value: median(runs.map(\.p99Milliseconds)),
                    direction: .lowerIsBetter))
                latencies.append(Figure(
                    name: "GET \(endpoint.path) p50", detail: detail, unit: "ms", value: median(runs.map(\.p50Milliseconds)),
                    direction: .lowerIsBetter))
            }
        }
        let memory = Figure(
            name: "gugus serve peak RSS", detail: "VmHWM after the runs", unit: "MB", value: peak ?? 0, direction: .lowerIsBetter,
            reference: .init(name: "the issue's limit", value: Self.rssLimit), target: 1, isHeadline: peak != nil)
        return SectionReport(
            name: name, summary: summary,
            notes: [
                "server: `gugus serve --no-scheduler` of the same release build, on 127.0.0.1, as configured by default (a pool of 16 connections, request logging at info to a file)",
                "data: the status section's 1× dataset: " + counts.map { "\($0.0) \(BenchReport.number(Double($0.1)))" }.joined(separator: ", "),
                "requests: wrk --latency -t min(connections, \(cores) cores) -c N -d \(seconds)s -H 'Authorization: Bearer …' (a viewer's token), after \(warmup) s of the same unmeasured",
                "reference: pgbench -M prepared with a script of the statements one request runs, the same text and parameters (the token lookup, for the region also the region lookup, then the status query; `now` fixed, the date NULL), at as many clients as wrk has connections",
                "p50 and p99: wrk's latency distribution; pgbench's is not measured",
                "peak RSS: VmHWM of the server process from /proc after every run, in MB (10^6 bytes)",
            ],
            figures: rates + latencies + [memory])
    }

    /// The two endpoints and what they send to PostgreSQL for one request: the token lookup
    /// (a copy of `DatabaseGugus.caller(forToken:)`'s statement), the region lookup (a copy
    /// of `DatabaseGugus.region(_:on:)`'s) for the region, and the status query itself.
    static func endpoints(tokenHash: String) -> [Endpoint] {
        let token = """
            SELECT name, role, region_code, revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
            FROM api_token WHERE token_sha256 = :token_hash;

            """
        let regionLookup = """
            SELECT code, name, level, parent_code, time_zone, zone_label, regencies, cities FROM region WHERE code = :region_code;

            """
        let now = Date()
        let (regionSQL, regionVariables) = pgbenchText(StatusSQL.region(code: region, at: nil, now: now))
        let (nationalSQL, nationalVariables) = pgbenchText(StatusSQL.national(at: nil, now: now))
        return [
            Endpoint(
                name: "region", path: "/v1/regions/\(region)/status", statements: token + regionLookup + regionSQL + ";\n",
                variables: regionVariables.merging(["token_hash": tokenHash, "region_code": region]) { $1 }),
            Endpoint(
                name: "national", path: "/v1/status", statements: token + nationalSQL + ";\n",
                variables: nationalVariables.merging(["token_hash": tokenHash]) { $1 }),
        ]
    }

    /// A query's text for a pgbench script: `$n` becomes `:sn` (given with -D), or NULL for a
    /// NULL parameter.
    static func pgbenchText(_ query: PostgresQuery) -> (String, [String: String]) {
        var sql = query.sql
        var variables: [String: String] = [:]
        // From the highest, so that $1 does not eat the start of $10.
        for index in stride(from: query.bindings.count, through: 1, by: -1) {
            let replacement: String
            if let value = query.bindings.values[index - 1] {
                variables["s\(index)"] = value
                replacement = ":s\(index)"
            } else {
                replacement = "NULL"
            }
            sql = sql.replacingOccurrences(of: "$\(index)", with: replacement)
        }
        return (sql, variables)
    }

    /// A port nobody listens on now, from the kernel.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchError("cannot open a socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot find a free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until the server accepts connections on `port`, at most 30 s.
    static func waitUntilListening(_ server: ChildProcess.Running, port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if server.hasExited { throw BenchError("gugus serve exited at start:\n\(server.output)") }
            if canConnect(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("gugus serve did not listen on port \(port) within 30 s:\n\(server.output)")
    }

    private static func canConnect(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// VmHWM of a process, in MB (10^6 bytes).
    static func peakResidentMegabytes(pid: pid_t) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces).prefix { $0.isNumber })
        else { return nil }
        return kilobytes * 1024 / 1e6
    }
}
