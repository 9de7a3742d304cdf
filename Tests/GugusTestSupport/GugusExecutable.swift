import Foundation

/// The built `gugus` binary, for tests that run it as a separate process, the way a
/// coordinator or an operator does.
public enum GugusExecutable {
    /// The binary built next to the test bundle, else `.build/debug/gugus`; `GUGUS_BINARY`
    /// overrides both.
    public static let url: URL? = {
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

    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "no gugus binary: build it (swift build) or set GUGUS_BINARY" }
    }

    /// The binary, or an error that says how to get one.
    public static func required() throws -> URL {
        guard let url else { throw Missing() }
        return url
    }

    /// The environment of a clean shell: no database, server or locale variables of the
    /// developer's, never their local cluster, and `extra` on top.
    public static func cleanEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("PG") && !key.hasPrefix("GUGUS_") && !["DATABASE_URL", "LANG", "LC_ALL", "LANGUAGE"].contains(key)
        }
        environment["GUGUS_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("gugus-test-unused").path
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// What one run left: its exit code and both output streams.
    public struct Run: Sendable, CustomStringConvertible {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public struct NotJSON: Error, CustomStringConvertible {
            public var description: String
        }

        /// stdout as a JSON object (`--json` on a command that prints one record).
        public func object() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw NotJSON(description: "not a JSON object: \(self)")
            }
            return object
        }

        /// stdout as a JSON array (`--json` on a list).
        public func array() throws -> [[String: Any]] {
            guard let array = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]] else {
                throw NotJSON(description: "not a JSON array: \(self)")
            }
            return array
        }

        public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    /// Runs `gugus ARGUMENTS` to its end with exactly `environment`, off the cooperative
    /// pool (the waits block), reading both pipes to the end.
    public static func run(_ arguments: [String], environment: [String: String]) async throws -> Run {
        let binary = try required()
        return try await withCheckedThrowingContinuation { continuation in
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
