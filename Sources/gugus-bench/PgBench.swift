import Foundation

/// PostgreSQL's own benchmark client, as the reference for our client layer: libpq in C, with
/// no Swift, no actor and no thread hops between the query and the socket.
struct PgBench: Sendable {
    let executable: URL

    /// pgbench from the PATH, or from the newest `/usr/lib/postgresql/*/bin`.
    static func locate() throws -> PgBench {
        var folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        folders += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        for folder in folders {
            let candidate = URL(fileURLWithPath: folder, isDirectory: true).appendingPathComponent("pgbench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return PgBench(executable: candidate)
            }
        }
        throw BenchError("pgbench is not installed, and the reference figures need it; install the postgresql package (Debian ships pgbench with the server), or leave the select section out with --sections")
    }

    /// The clients and threads of one run. pgbench's threads each drive `clients / threads`
    /// connections with non-blocking libpq; more threads than cores only adds switching.
    struct Load: Sendable {
        var clients: Int
        var threads: Int

        static func fitting(clients: Int, cores: Int) -> Load {
            Load(clients: clients, threads: max(1, min(clients, cores)))
        }

        /// How the report names the reference, precisely enough to repeat it.
        var commandSummary: String { "pgbench -M prepared -c \(clients) -j \(threads)" }
    }

    /// What one run measured.
    struct Run: Sendable {
        /// Transactions per second, excluding the time spent connecting.
        var transactionsPerSecond: Double
        /// pgbench's own CPU time (user + system) per transaction: the client's cost.
        var cpuPerTransaction: Duration
    }

    /// Runs `script` for `seconds` with prepared statements (each prepared once per
    /// connection, then Bind/Execute), as the libpq layer sends them.
    /// `variables` are given with `-D name=value`, for the script's `:name`.
    func run(script: URL, load: Load, seconds: Int, connection: String, variables: [String: String] = [:]) async throws -> Run {
        let arguments = [
            "--no-vacuum", "--protocol=prepared",
            "--client=\(load.clients)", "--jobs=\(load.threads)", "--time=\(seconds)",
            "--file=\(script.path)",
        ] + variables.sorted { $0.key < $1.key }.flatMap { ["-D", "\($0.key)=\($0.value)"] } + [connection]
        let outcome = try await run(arguments, workspace: script.deletingLastPathComponent())
        guard let tps = Self.parseTransactionsPerSecond(outcome.output),
              let transactions = Self.parseTransactionCount(outcome.output), transactions > 0
        else {
            throw BenchError("pgbench printed no tps figure; its output was:\n\(outcome.output)")
        }
        return Run(transactionsPerSecond: tps, cpuPerTransaction: outcome.cpuTime / transactions)
    }

    /// Reads `tps = 12345.678 (without initial connection time)`. pgbench 14 and later print
    /// only that line; older ones print two, and the one without connections is the fair one.
    static func parseTransactionsPerSecond(_ output: String) -> Double? {
        let lines = output.split(separator: "\n").filter { $0.hasPrefix("tps = ") }
        let line = lines.first { $0.contains("without initial connection time") }
            ?? lines.first { $0.contains("excluding connections establishing") }
            ?? lines.first
        guard let line else { return nil }
        let number = line.dropFirst("tps = ".count).prefix { $0.isNumber || $0 == "." }
        return Double(number)
    }

    /// Reads `number of transactions actually processed: 123456`.
    static func parseTransactionCount(_ output: String) -> Int? {
        let prefix = "number of transactions actually processed: "
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return Int(line.dropFirst(prefix.count).prefix { $0.isNumber })
    }

    /// Runs pgbench to completion. Cancelling the task stops it.
    private func run(_ arguments: [String], workspace: URL) async throws -> ChildProcess.Outcome {
        let capture = workspace.appendingPathComponent("pgbench.out")
        let outcome = try await ChildProcess.run(executable, arguments, outputFile: capture)
        guard outcome.status == 0 else {
            throw BenchError("pgbench failed (exit status \(outcome.status)):\n\(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return outcome
    }
}
