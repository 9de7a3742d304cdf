import CSpawn
import Foundation

/// The system's PostgreSQL server programs.
struct PostgresTools {
    let initdb: URL
    let pgCtl: URL

    /// Finds `initdb` and `pg_ctl` through `pg_config --bindir`, then the newest
    /// `/usr/lib/postgresql/*/bin`, then the PATH.
    static func locate() async throws(ClusterError) -> PostgresTools {
        var candidates: [URL] = []
        if let bindir = try? await Subprocess.output("pg_config", ["--bindir"]) {
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
        let probe = try? await Subprocess.output("/usr/sbin/runuser", ["-u", user, "--", "test", "-w", folder.path])
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
            _ = try await Subprocess.output(command.0, command.1)
        } catch let error as Subprocess.Failure {
            throw ClusterError("\(failure): \(error.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

/// Runs a program to completion and returns what it printed.
///
/// Built on `posix_spawn` rather than Foundation's `Process`, which on Linux learns of a
/// child's exit through a descriptor the child inherits, and so waits forever when the child
/// leaves a daemon behind, as `pg_ctl start` does. Here the child gets only stdin, stdout and
/// stderr (`addclosefrom`), and a plain thread waits for it with `waitpid`, off the
/// cooperative pool.
enum Subprocess {
    struct Failure: Error {
        let status: Int32
        let output: String
    }

    static func output(_ program: String, _ arguments: [String]) async throws -> String {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("gugus-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: capture) }
        let pid = try spawn(program, arguments, output: capture.path)
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let waiter = Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
                let exited = status & 0x7f == 0
                continuation.resume(returning: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }
            waiter.start()
        }
        let output = (try? String(contentsOf: capture, encoding: .utf8)) ?? ""
        guard status == 0 else { throw Failure(status: status, output: output) }
        return output
    }

    private static func spawn(_ program: String, _ arguments: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        cspawn_addclosefrom(&actions, 3)

        let executable = program.hasPrefix("/") ? program : "/usr/bin/env"
        let argv = (program.hasPrefix("/") ? [program] : ["/usr/bin/env", program]) + arguments
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        // The child starts with no signals blocked: Swift's threads block some (SIGINT, SIGTERM),
        // and a pg_ctl or postmaster inheriting that mask would ignore a stop request.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, cArguments, environ)
        guard result == 0 else {
            throw ClusterError("cannot run \(program): \(String(cString: strerror(result)))")
        }
        return pid
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
