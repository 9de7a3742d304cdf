import Foundation
import Postgres

/// pgqueuer, the peer queue the dispatch section compares with: Python, from the test tools'
/// virtual environment (`.build/python`, made from Tests/Support/requirements.lock), driven
/// by Tests/Support/pgqueuer_drain.py.
struct PgQueuer: Sendable {
    let python: URL
    let script: URL

    struct Drain: Sendable {
        var elapsed: Duration
        var version: String
    }

    /// The virtual environment and the script of the checkout this `gugus-bench` was built in.
    static func locate() throws -> PgQueuer {
        // …/.build/<triple>/release/gugus-bench: the checkout is the folder holding .build.
        var folder = GugusExecutable.benchFolder
        while folder.lastPathComponent != ".build", folder.path != "/" { folder.deleteLastPathComponent() }
        let root = folder.deletingLastPathComponent()
        let python = folder.appendingPathComponent("python/bin/python")
        let script = root.appendingPathComponent("Tests/Support/pgqueuer_drain.py")
        guard FileManager.default.isExecutableFile(atPath: python.path), FileManager.default.fileExists(atPath: script.path) else {
            throw BenchError("the dispatch section compares with pgqueuer, from the test tools' environment (\(python.path)) and \(script.path); make it with scripts/install-deps.sh bench (make bench does), or leave the section out with --sections")
        }
        return PgQueuer(python: python, script: script)
    }

    /// Installs pgqueuer's schema in the section's database with pgqueuer's own installer,
    /// unless it is there; enqueues `jobs` no-op jobs (not timed), then times `workers`
    /// processes draining them.
    func drain(jobs: Int, workers: Int, database: GugusDatabase, workspace: URL) async throws -> Drain {
        let result = try await run(["--install", "--jobs", String(jobs), "--workers", String(workers)], database: database, workspace: workspace)
        guard let seconds = result["seconds"] as? Double, seconds > 0, result["jobs"] as? Int == jobs else {
            throw BenchError("pgqueuer_drain.py reported no time for \(jobs) jobs: \(result)")
        }
        return Drain(elapsed: .microseconds(Int64((seconds * 1e6).rounded())), version: result["pgqueuer"] as? String ?? "")
    }

    /// The database as a `postgresql://` URL: asyncpg takes no libpq keyword strings.
    static func url(_ database: GugusDatabase) -> String {
        let settings = database.configuration.resolvedSettings()
        // Every value percent-encoded whole: a socket folder's "/" must stay inside its value.
        let query = ["host", "port", "user", "password", "sslmode"].compactMap { key -> String? in
            guard let value = settings[key], !value.isEmpty else { return nil }
            return "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        return "postgresql:///\(database.name)?\(query)"
    }

    private func run(_ arguments: [String], database: GugusDatabase, workspace: URL) async throws -> [String: Any] {
        let output = workspace.appendingPathComponent("pgqueuer.out")
        let outcome = try await ChildProcess.run(
            python, [script.path, "--dsn", Self.url(database)] + arguments, outputFile: output)
        guard outcome.status == 0 else {
            throw BenchError("pgqueuer_drain.py \(arguments.joined(separator: " ")) failed (exit status \(outcome.status)):\n\(outcome.output.suffix(3000))")
        }
        // The one JSON line on stdout; progress shares the file (stderr), on lines of its own.
        for line in outcome.output.split(separator: "\n").reversed() where line.hasPrefix("{") {
            if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { return object }
        }
        throw BenchError("pgqueuer_drain.py printed no result:\n\(outcome.output.suffix(3000))")
    }
}
