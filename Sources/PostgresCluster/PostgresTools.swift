import Foundation
import Subprocess
import SystemPackage

/// The system's PostgreSQL server programs.
struct PostgresTools {
    let initdb: URL
    let pgCtl: URL

    /// Finds `initdb` and `pg_ctl` through `pg_config --bindir`, then the newest
    /// `/usr/lib/postgresql/*/bin`, then the PATH.
    static func locate() async throws(ClusterError) -> PostgresTools {
        var candidates: [URL] = []
        if let bindir = try? await Command.output("pg_config", ["--bindir"]) {
            candidates.append(URL(fileURLWithPath: bindir.trimmingCharacters(in: .whitespacesAndNewlines), isDirectory: true))
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append(URL(fileURLWithPath: "/usr/lib/postgresql/\(version)/bin", isDirectory: true))
        }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append(URL(fileURLWithPath: String(folder), isDirectory: true))
        }
        for folder in candidates {
            let initdb = folder.appendingPathComponent("initdb")
            let pgCtl = folder.appendingPathComponent("pg_ctl")
            if FileManager.default.isExecutableFile(atPath: initdb.path), FileManager.default.isExecutableFile(atPath: pgCtl.path) {
                return PostgresTools(initdb: initdb, pgCtl: pgCtl)
            }
        }
        throw ClusterError("PostgreSQL's server programs (initdb, pg_ctl) are not installed; install them with `sudo apt-get install postgresql`, or set DATABASE_URL to use an existing server")
    }
}

/// The account the server runs as: ourselves, or `postgres` when we are root.
struct ServerAccount {
    /// The account to switch to, or nil to run as ourselves.
    let user: String?

    static func current() throws(ClusterError) -> ServerAccount {
        guard geteuid() == 0 else { return ServerAccount(user: nil) }
        for name in ["postgres", "nobody"] where getpwnam(name) != nil {
            return ServerAccount(user: name)
        }
        throw ClusterError("PostgreSQL refuses to run as root and there is no `postgres` account; install the postgresql package or run gugus as an ordinary user")
    }

    /// Creates a folder that the server account owns, with the private mode PostgreSQL wants.
    func prepare(_ folder: URL) async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard let user, let account = getpwnam(user) else { return }
        guard chown(folder.path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
            throw ClusterError("cannot give \(folder.path) to the \(user) account: \(String(cString: strerror(errno)))")
        }
        // The server account must be able to reach the folder through its parents.
        let probe = try? await Command.output("/usr/sbin/runuser", ["-u", user, "--", "test", "-w", folder.path])
        if probe == nil {
            throw ClusterError("the \(user) account cannot reach \(folder.path); move the project (or set GUGUS_HOME) to a folder every account can traverse, such as /var/tmp/gugus")
        }
    }

    func run(_ program: URL, _ arguments: [String], failure: String) async throws {
        let command: (String, [String])
        if let user {
            command = ("/usr/sbin/runuser", ["-u", user, "--", program.path] + arguments)
        } else {
            command = (program.path, arguments)
        }
        do {
            _ = try await Command.output(command.0, command.1)
        } catch let error as Command.Failure {
            throw ClusterError("\(failure): \(error.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

/// Runs a program to completion and returns what it printed (stdout and stderr together).
///
/// Through swift-subprocess, which starts the child with no signals blocked (Swift's threads
/// block SIGINT and SIGTERM, and a pg_ctl or postmaster inheriting that mask would ignore a
/// stop request) and closes every descriptor but stdin, stdout and stderr. The output goes to
/// a file rather than a pipe: `pg_ctl start` leaves a daemon behind, and nothing it might hold
/// open can keep the wait from ending.
enum Command {
    struct Failure: Error {
        let status: Int32
        let output: String
    }

    static func output(_ program: String, _ arguments: [String]) async throws -> String {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("gugus-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: capture) }
        let file = try FileDescriptor.open(
            FilePath(capture.path), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        let result: ExecutionResult<Void, FileDescriptorOutput, CombinedErrorOutput>
        do {
            result = try await run(
                program.hasPrefix("/") ? .path(FilePath(program)) : .name(program), arguments: Arguments(arguments),
                input: .none, output: .fileDescriptor(file, closeAfterSpawningProcess: true), error: .combinedWithOutput)
        } catch {
            throw ClusterError("cannot run \(program): \(error)")
        }
        let output = (try? String(contentsOf: capture, encoding: .utf8)) ?? ""
        switch result.terminationStatus {
        case .exited(0): return output
        case .exited(let code): throw Failure(status: code, output: output)
        case .signaled(let signal): throw Failure(status: 128 + signal, output: output)
        }
    }
}

/// An exclusive lock on a file, held by this process until `unlock()`: two `gugus`
/// commands starting the cluster at once take turns. Waiting polls rather than blocks.
struct FileLock {
    private let descriptor: Int32

    init(_ file: URL) async throws {
        descriptor = open(file.path, O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else {
            throw ClusterError("cannot open the lock file \(file.path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(descriptor)
                throw ClusterError("cannot lock \(file.path): \(String(cString: strerror(errno)))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func unlock() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
