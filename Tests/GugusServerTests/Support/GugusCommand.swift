import Foundation
import Testing

/// One run of the `gugus` CLI as a separate process, in a clean environment.
enum GugusCommand {
    struct Run: Sendable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String

        func object() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "not a JSON object: \(self)")
        }

        var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    static func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Run {
        let binary = try #require(ServerProcess.binary, "no gugus binary: build it (swift build) or set GUGUS_BINARY")
        let environment = ServerProcess.cleanEnvironment(extra)
        // Off the cooperative pool: the waits below block.
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
                let errors = PipeDrain(stderr)
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                let errorOutput = errors.wait()
                process.waitUntilExit()
                continuation.resume(returning: Run(
                    status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                    stderr: String(decoding: errorOutput, as: UTF8.self)))
            }
        }
    }
}

/// Reads a pipe to its end on a thread of its own, so neither pipe can fill and stall the child.
private final class PipeDrain: @unchecked Sendable {
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
