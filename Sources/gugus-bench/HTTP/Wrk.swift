import Foundation

/// wrk, the HTTP load generator (Debian package `wrk`), as the client of the http section.
struct Wrk: Sendable {
    let executable: URL

    static func locate() throws -> Wrk {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        for folder in folders {
            let candidate = URL(fileURLWithPath: folder, isDirectory: true).appendingPathComponent("wrk")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return Wrk(executable: candidate) }
        }
        throw BenchError("wrk is not installed, and the http section needs it; install it with `apt-get install wrk` (scripts/install-deps.sh bench does), or leave the section out with --sections")
    }

    struct Run: Sendable {
        var requestsPerSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var requests: Int
    }

    /// `wrk --latency -t threads -c connections -d seconds -H header url`.
    func run(url: String, connections: Int, threads: Int, seconds: Int, headers: [String], workspace: URL) async throws -> Run {
        var arguments = ["--latency", "--timeout", "10s", "-t", String(threads), "-c", String(connections), "-d", "\(seconds)s"]
        for header in headers { arguments += ["-H", header] }
        arguments.append(url)
        let outcome = try await ChildProcess.run(executable, arguments, outputFile: workspace.appendingPathComponent("wrk.out"))
        guard outcome.status == 0 else {
            throw BenchError("wrk failed (exit status \(outcome.status)):\n\(outcome.output)")
        }
        if let bad = outcome.output.split(separator: "\n").first(where: { $0.contains("Non-2xx or 3xx responses") }) {
            throw BenchError("the server answered errors under wrk (\(bad.trimmingCharacters(in: .whitespaces))); wrk's output:\n\(outcome.output)")
        }
        guard let rate = Self.value(after: "Requests/sec:", in: outcome.output).flatMap(Double.init),
              let p50 = Self.latency("50%", in: outcome.output), let p99 = Self.latency("99%", in: outcome.output)
        else { throw BenchError("wrk printed no rate or latency distribution:\n\(outcome.output)") }
        let requests = outcome.output.split(separator: "\n").first { $0.contains("requests in") }
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }) } ?? 0
        return Run(requestsPerSecond: rate, p50Milliseconds: p50, p99Milliseconds: p99, requests: requests)
    }

    private static func value(after label: String, in output: String) -> String? {
        guard let line = output.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }) else { return nil }
        return line.trimmingCharacters(in: .whitespaces).dropFirst(label.count).trimmingCharacters(in: .whitespaces)
    }

    /// A line of wrk's latency distribution, `99%   12.34ms`, in milliseconds.
    static func latency(_ percentile: String, in output: String) -> Double? {
        guard let text = value(after: percentile, in: output) else { return nil }
        let number = Double(text.prefix { $0.isNumber || $0 == "." }) ?? .nan
        let unit = text.drop { $0.isNumber || $0 == "." }
        switch unit {
        case "us": return number / 1000
        case "ms": return number
        case "s": return number * 1000
        case "m": return number * 60_000
        default: return nil
        }
    }
}
