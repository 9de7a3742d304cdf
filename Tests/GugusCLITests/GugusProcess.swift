import Foundation
import GugusTestSupport
import Testing

/// The built `gugus` binary, run as a separate process against a test database, the way a
/// coordinator runs it.
struct GugusProcess {
    /// What one run left: its exit code and both output streams.
    struct Run: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout as a JSON object (`--json` on a command that prints one record).
        func object() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "not a JSON object: \(self)")
        }

        /// stdout as a JSON array (`--json` on a list).
        func array() throws -> [[String: Any]] {
            try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]], "not a JSON array: \(self)")
        }

        var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    let databaseURL: String

    /// A process on a new migrated database of its own.
    static func onNewDatabase() async throws -> GugusProcess {
        GugusProcess(databaseURL: try await TestDatabase.makeMigratedURL())
    }

    /// The binary built next to the test bundle, else `.build/debug/gugus`; `GUGUS_BINARY`
    /// overrides both.
    static let binary: URL? = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["GUGUS_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        var candidates: [URL] = []
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On macOS the runner sits inside a .xctest bundle; walk up to the build folder.
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("gugus"))
            directory.deleteLastPathComponent()
        }
        candidates.append(TestDatabase.repositoryRoot.appendingPathComponent(".build/debug/gugus"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `gugus ARGUMENTS --database-url URL` with a clean environment: no database
    /// variables, no server, no `LANG` unless given.
    func callAsFunction(_ arguments: String..., environment extra: [String: String] = [:], database: Bool = true) async throws -> Run {
        try await run(arguments, environment: extra, database: database)
    }

    func run(_ arguments: [String], environment extra: [String: String] = [:], database: Bool = true) async throws -> Run {
        let binary = try #require(Self.binary, "no gugus binary: build it (swift build) or set GUGUS_BINARY")
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("PG") && !key.hasPrefix("GUGUS_") && !["DATABASE_URL", "LANG", "LC_ALL", "LANGUAGE"].contains(key)
        }
        // Never the developer's local cluster.
        environment["GUGUS_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("gugus-cli-test-unused").path
        environment.merge(extra) { _, new in new }
        let arguments = arguments + (database ? ["--database-url", databaseURL] : [])
        return try await Self.spawn(binary, arguments, environment: environment)
    }

    /// Runs the process off the cooperative pool, reading both pipes to the end.
    private static func spawn(_ binary: URL, _ arguments: [String], environment: [String: String]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                process.executableURL = binary
                process.arguments = arguments
                process.environment = environment
                let stdout = Pipe(), stderr = Pipe()
                process.standardOutput = stdout
                process.standardError = stderr
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let errorOutput = PipeReader(stderr)
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                let errors = errorOutput.wait()
                process.waitUntilExit()
                continuation.resume(returning: Run(
                    status: process.terminationStatus,
                    stdout: String(decoding: output, as: UTF8.self),
                    stderr: String(decoding: errors, as: UTF8.self)))
            }
        }
    }
}

/// Reads a pipe to its end on a thread of its own, so a full stderr never blocks the child
/// while stdout is read.
private final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// A temporary file with the given contents, for `member import`.
func temporaryFile(_ name: String, _ contents: Data) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gugus-cli-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try contents.write(to: url)
    return url.path
}
