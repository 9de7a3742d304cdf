import Foundation
import GugusTestSupport
import Testing

/// A child process the scheduler tests start and may kill: a `gugus scheduler run` worker,
/// or a Python receiver. Its output goes to files (no pipe can fill up and stall it), and its
/// stdin stays open until `stop`, so helpers that exit at EOF go when the test does.
final class SpawnedProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    let stdoutPath: String
    let stderrPath: String
    private let stdin = Pipe()

    init(_ name: String, executable: URL, arguments: [String], environment: [String: String]) throws {
        self.name = name
        let directory = try TestResources.folder("gugus-child")
        stdoutPath = directory.appendingPathComponent("stdout.txt").path
        stderrPath = directory.appendingPathComponent("stderr.txt").path
        for path in [stdoutPath, stderrPath] { FileManager.default.createFile(atPath: path, contents: nil) }
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = stdin
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// Waits for the exit, polling so no thread of the cooperative pool blocks; returns the
    /// exit status, or 128 + the signal that ended it.
    @discardableResult
    func wait(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                Issue.record("\(name) did not exit within \(timeout)")
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// The first stdout line that starts with `prefix`, once it appears.
    func line(startingWith prefix: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw SpawnFailure("\(name) printed no \(prefix) line:\n\(stdout)\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Closes stdin and ends the process (SIGTERM) if it is still running.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

struct SpawnFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The `gugus` binary (GugusExecutable), run with a clean environment against a test database.
enum GugusBinary {
    /// Starts `gugus ARGUMENTS --database-url URL`.
    static func spawn(_ name: String, _ arguments: [String], databaseURL: String, environment extra: [String: String] = [:]) throws -> SpawnedProcess {
        try SpawnedProcess(
            name, executable: GugusExecutable.required(), arguments: arguments + ["--database-url", databaseURL],
            environment: GugusExecutable.cleanEnvironment(extra))
    }

    /// Runs `gugus ARGUMENTS --database-url URL` to its end.
    static func run(_ arguments: [String], databaseURL: String, environment extra: [String: String] = [:]) async throws -> GugusExecutable.Run {
        try await GugusExecutable.run(arguments + ["--database-url", databaseURL], environment: GugusExecutable.cleanEnvironment(extra))
    }
}

/// Tests/Support/webhook_listener.py: a local HTTP receiver that records every request.
final class WebhookListener: @unchecked Sendable {
    struct Request: Sendable {
        var path: String
        var headers: [String: String]
        var body: String
        var status: Int
        var expectedSignature: String?

        var idempotencyKey: String? { headers["idempotency-key"] }
        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        }
    }

    let child: SpawnedProcess
    let port: Int
    let requestsPath: String

    var url: String { "http://127.0.0.1:\(port)/hooks/reminder" }

    /// `options`: `--secret S`, `--status 500`, `--fail-first N`, `--delay-ms N`.
    init(_ options: [String] = []) async throws {
        requestsPath = try ReminderTestbed.temporaryPath("requests.jsonl")
        let script = TestDatabase.repositoryRoot.appendingPathComponent("Tests/Support/webhook_listener.py")
        child = try SpawnedProcess(
            "webhook_listener.py", executable: URL(fileURLWithPath: "/usr/bin/env"),
            arguments: ["python3", script.path, "--out", requestsPath] + options, environment: ProcessInfo.processInfo.environment)
        let ready = try await child.line(startingWith: "READY ")
        port = try #require(Int(ready.dropFirst("READY ".count)))
    }

    func requests() throws -> [Request] {
        guard let text = try? String(contentsOfFile: requestsPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return Request(
                path: object["path"] as? String ?? "", headers: object["headers"] as? [String: String] ?? [:],
                body: object["body"] as? String ?? "", status: object["status"] as? Int ?? 0,
                expectedSignature: object["expected_signature"] as? String)
        }
    }

    func stop() { child.stop() }
}
