import Foundation
import Postgres
import PostgresCluster

/// The database the benchmark runs against, and a scratch folder for its files.
///
/// Either the server the user named (`--database-url` or `DATABASE_URL`), or a throwaway
/// cluster in the scratch folder, made for this run and destroyed by ``close()``. The
/// throwaway one skips fsync (`durable: false`): the sections read, and a benchmark of our
/// client code should not wait on this machine's disk.
struct BenchDatabase: Sendable {
    /// For our own connections.
    let configuration: PostgresConfiguration
    /// The same database for pgbench and psql: a URL or a `key=value` connection string.
    let connectionString: String
    /// Where sections may write files (pgbench scripts); removed by ``close()``.
    let workspace: URL
    /// Set when this run started the cluster and must destroy it.
    private let cluster: LocalCluster?

    /// What the report says about where the figures come from.
    var description: String {
        cluster == nil ? "the server from --database-url or DATABASE_URL" : "a throwaway local cluster, fsync off"
    }

    /// Opens the user's database, or starts a throwaway cluster when `url` is nil.
    static func open(url: String?, progress: Progress) async throws -> BenchDatabase {
        let workspace = try makeWorkspace()
        if let url {
            do {
                let configuration = try PostgresConfiguration.url(url)
                // Fail now, with a word on where the URL came from, rather than mid-section.
                let connection = try await PostgresConnection.connect(configuration)
                await connection.close()
                return BenchDatabase(configuration: configuration, connectionString: url, workspace: workspace, cluster: nil)
            } catch {
                try? FileManager.default.removeItem(at: workspace)
                throw BenchError("cannot use the database from --database-url or DATABASE_URL: \(error)\nfix the URL, or unset DATABASE_URL to measure against a throwaway cluster")
            }
        }
        // Short names: the socket path must fit in a unix socket address.
        let cluster = LocalCluster(home: workspace.appendingPathComponent("pg", isDirectory: true), databaseName: "bench", durable: false)
        // Not `cluster.url`: URLComponents writes a URL without a host as `postgresql:/bench`,
        // which libpq does not read as a URL.
        let database = BenchDatabase(
            configuration: cluster.configuration, connectionString: connectionString(cluster.configuration),
            workspace: workspace, cluster: cluster)
        progress.say("starting a throwaway PostgreSQL cluster in \(cluster.home.path)")
        do {
            try await cluster.start()
        } catch {
            // It may have got as far as running: stop it before deleting its folder.
            await database.close(progress: progress)
            throw error
        }
        return database
    }

    /// Stops and deletes the throwaway cluster, if any, and the scratch folder. It runs in a
    /// task of its own, so that it completes even when the benchmark was cancelled.
    func close(progress: Progress) async {
        let cluster = cluster
        let workspace = workspace
        await Task {
            if let cluster {
                progress.say("removing the throwaway cluster")
                do {
                    try await cluster.destroy()
                } catch {
                    progress.say("could not remove the throwaway cluster in \(cluster.home.path): \(error)")
                }
            }
            try? FileManager.default.removeItem(at: workspace)
        }.value
    }

    /// libpq's `key='value' …` form of keyword settings, quoted as libpq's parser expects.
    static func connectionString(_ configuration: PostgresConfiguration) -> String {
        configuration.parameters.map { parameter in
            let quoted = parameter.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            return "\(parameter.key)='\(quoted)'"
        }
        .joined(separator: " ")
    }

    /// `/tmp/gugus-bench.XXXXXX`, kept short for the socket path. As root the server runs as
    /// the `postgres` account, which must be able to traverse it, hence 0755.
    private static func makeWorkspace() throws -> URL {
        var template = Array("/tmp/gugus-bench.XXXXXX".utf8CString)
        let path: String? = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let path else {
            throw BenchError("cannot create a scratch folder in /tmp: \(String(cString: strerror(errno)))")
        }
        chmod(path, 0o755)
        return URL(fileURLWithPath: path, isDirectory: true)
    }
}

/// A failure of the benchmark itself, said so a user can act on it.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
