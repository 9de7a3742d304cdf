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
        var commandSummary: String { "pgbench -M extended -c \(clients) -j \(threads)" }
    }

    /// Runs `script` for `seconds` with the extended protocol (one Parse/Bind/Execute per
    /// statement, as `PQexecParams` sends) and returns pgbench's transactions per second,
    /// excluding the time spent connecting.
    func transactionsPerSecond(script: URL, load: Load, seconds: Int, connection: String) async throws -> Double {
        let arguments = [
            "--no-vacuum", "--protocol=extended",
            "--client=\(load.clients)", "--jobs=\(load.threads)", "--time=\(seconds)",
            "--file=\(script.path)", connection,
        ]
        let output = try await run(arguments)
        guard let tps = Self.parseTransactionsPerSecond(output) else {
            throw BenchError("pgbench printed no tps figure; its output was:\n\(output)")
        }
        return tps
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

    /// Runs pgbench to completion and returns what it printed. Cancelling the task stops it.
    private func run(_ arguments: [String]) async throws -> String {
        // Output goes to a file, not a pipe: nothing has to drain it while pgbench runs.
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("gugus-bench-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: capture.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: capture) }
        let output = try FileHandle(forWritingTo: capture)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        let child = Child(process)
        let status = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
                process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: BenchError("cannot run \(executable.path): \(error)"))
                }
            }
        } onCancel: {
            child.terminate()
        }
        try Task.checkCancellation()
        let text = (try? String(contentsOf: capture, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw BenchError("pgbench failed (exit status \(status)):\n\(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return text
    }

    /// Lets a cancellation handler, which runs on whatever thread cancels, stop the child.
    private final class Child: @unchecked Sendable {
        // Process is thread-safe for terminate(), which only sends a signal.
        private let process: Process
        init(_ process: Process) { self.process = process }

        func terminate() {
            if process.isRunning { process.terminate() }
        }
    }
}
