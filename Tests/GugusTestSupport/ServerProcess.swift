import Foundation
import Synchronization

/// `gugus serve` as a process of its own on a free port, started the way the secretariat
/// starts it, so the tests see what a client sees: the real binary, real sockets, signals.
public final class ServerProcess: Sendable {
    public let port: Int
    public let databaseURL: String
    public let logFile: URL
    private let process: Mutex<ProcessBox>

    public var url: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, databaseURL: String, logFile: URL, process: ProcessBox) {
        self.port = port
        self.databaseURL = databaseURL
        self.logFile = logFile
        self.process = Mutex(process)
    }

    /// Starts a server on `databaseURL` and waits until `/healthz` answers. A port taken by
    /// someone else between choosing and binding it only costs another try.
    public static func start(databaseURL: String, scheduler: Bool = false, environment extra: [String: String] = [:]) async throws -> ServerProcess {
        var lastLog = ""
        for _ in 0..<3 {
            let port = try freePort()
            let server = try launch(port: port, databaseURL: databaseURL, scheduler: scheduler, environment: extra)
            if try await server.waitUntilHealthy(timeout: .seconds(90)) { return server }
            lastLog = server.log
            server.kill()
            await server.stop()
        }
        throw ServerStartError(log: lastLog)
    }

    private static func launch(port: Int, databaseURL: String, scheduler: Bool, environment extra: [String: String]) throws -> ServerProcess {
        let binary = try GugusExecutable.required()
        let folder = try TestResources.folder("gugus-serve")
        let logFile = folder.appendingPathComponent("server.log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)

        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--database-url", databaseURL]
            + (scheduler ? [] : ["--no-scheduler"])
        process.environment = GugusExecutable.cleanEnvironment(extra)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try log.close()
        watchParent(of: process.processIdentifier, folder: folder)
        return ServerProcess(port: port, databaseURL: databaseURL, logFile: logFile, process: ProcessBox(process))
    }

    /// A server outlives a test process that crashed or was stopped (and the shared one of
    /// the matrix is never stopped by a test): a small shell loop ends it (by its pid) and
    /// removes its folder once this process is gone, and ends itself once the server is.
    private static func watchParent(of pid: Int32, folder: URL) {
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: "/bin/sh")
        watcher.arguments = ["-c", """
            while kill -0 \(getpid()) 2>/dev/null; do
                kill -0 \(pid) 2>/dev/null || exit 0
                sleep 1
            done
            kill -TERM \(pid) 2>/dev/null
            sleep 2
            rm -rf '\(folder.path)'
            """]
        watcher.standardInput = FileHandle.nullDevice
        watcher.standardOutput = FileHandle.nullDevice
        watcher.standardError = FileHandle.nullDevice
        try? watcher.run()
    }

    /// Until this process says it listens (a server of another test may have been given the
    /// same free port a moment earlier, and would answer too) and the port takes connections.
    /// Migrations run before the server listens: once it does, it serves.
    private func waitUntilHealthy(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !isRunning { return false }
            if log.contains("listening on 127.0.0.1:\(port)"), accepts(port: port) {
                return true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    public var pid: Int32 { process.withLock { $0.process.processIdentifier } }

    public var isRunning: Bool { process.withLock { $0.process.isRunning } }

    /// What the server wrote on stdout and stderr so far.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Asks the server to shut down gracefully, as systemd does.
    public func terminate() {
        let pid = self.pid
        if isRunning { Foundation.kill(pid, SIGTERM) }
    }

    /// Ends the server at once, for cleanup.
    public func kill() {
        let pid = self.pid
        if isRunning { Foundation.kill(pid, SIGKILL) }
    }

    /// How the process ended, once it has: its exit code, or nil when a signal ended it.
    /// Waits up to `timeout`, else returns nil and leaves it running.
    public func exit(within timeout: Duration) async -> Termination? {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.withLock { box in
            Termination(status: box.process.terminationStatus, bySignal: box.process.terminationReason == .uncaughtSignal)
        }
    }

    public struct Termination: Sendable, Equatable, CustomStringConvertible {
        public var status: Int32
        public var bySignal: Bool

        public init(status: Int32, bySignal: Bool) {
            self.status = status
            self.bySignal = bySignal
        }

        public var description: String { bySignal ? "killed by signal \(status)" : "exit \(status)" }
    }

    /// Stops the server (gracefully, then not) and removes its log, so that a test leaves
    /// nothing behind.
    public func stop() async {
        terminate()
        if await exit(within: .seconds(20)) == nil { kill() }
        _ = await exit(within: .seconds(5))
        try? FileManager.default.removeItem(at: logFile.deletingLastPathComponent())
    }
}

/// `Process` is not Sendable; it lives behind the server's mutex.
private struct ProcessBox: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}

public struct ServerStartError: Error, CustomStringConvertible {
    public var log: String
    public var description: String { "gugus serve did not become healthy; its log:\n\(log)" }
}

/// A TCP port nobody listens on now, from the kernel.
public func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether a new TCP connection to the port on 127.0.0.1 is accepted.
public func accepts(port: Int) -> Bool {
    connect(port: port) == 0
}

/// Whether a new TCP connection to the port is refused (nothing listens there).
public func connectionRefused(port: Int) -> Bool {
    connect(port: port) != 0 && errno == ECONNREFUSED
}

private func connect(port: Int) -> Int32 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return -1 }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}
