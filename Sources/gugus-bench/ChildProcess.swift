import Foundation
import Synchronization

/// Runs a program to completion, its output captured in a file, and stops it when the
/// awaiting task is cancelled.
///
/// Built on `posix_spawn` rather than Foundation's `Process` for one reason: a child starts
/// with the signal mask of the thread that spawned it, and the threads that run Swift tasks
/// block nearly every signal. `Process` passes that mask on, so a pgbench spawned from a task
/// never saw its own SIGALRM (`-T` ran forever) nor our SIGTERM. Here the child starts with
/// nothing blocked and default signal actions.
enum ChildProcess {
    struct Outcome {
        /// The exit status, or 128 + the signal that ended it.
        var status: Int32
        var output: String
        /// User plus system CPU time the child used.
        var cpuTime: Duration
        /// The most memory the child held resident (`ru_maxrss`), in bytes.
        var peakResidentBytes: Int
    }

    static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], outputFile: URL
    ) async throws -> Outcome {
        let child = try start(executable, arguments, environment: environment, outputFile: outputFile)
        let exit = await withTaskCancellationHandler {
            await child.exit()
        } onCancel: {
            child.terminate()
        }
        try Task.checkCancellation()
        let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        return Outcome(status: exit.status, output: output, cpuTime: exit.cpuTime, peakResidentBytes: exit.peakResidentBytes)
    }

    /// Starts a program that runs beside the benchmark (a server, a scheduler) and returns at
    /// once. The caller must stop it (``Running/stop(timeout:)``) on every path, failure included.
    /// `environment` is added to ours (a value replaces ours).
    static func start(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], outputFile: URL
    ) throws -> Running {
        let child = Child(pid: try spawn(executable, arguments, environment: environment, outputFile: outputFile))
        return Running(child: child, outputFile: outputFile)
    }

    /// How a program ended: its status (128 + the signal when a signal ended it) and the CPU
    /// time it used.
    struct Exit: Sendable {
        var status: Int32
        var cpuTime: Duration
        var peakResidentBytes: Int
    }

    /// A program started with ``start(_:_:environment:outputFile:)``.
    final class Running: Sendable {
        fileprivate let child: Child
        let outputFile: URL
        /// The exit, awaited by one thread; everyone who asks gets the same answer.
        private let exitStatus: Mutex<Exit?> = Mutex(nil)
        private let exitWaiters: Mutex<[CheckedContinuation<Exit, Never>]> = Mutex([])

        fileprivate init(child: Child, outputFile: URL) {
            self.child = child
            self.outputFile = outputFile
            // waitid blocks, so it waits on a thread of its own, not the cooperative pool.
            Thread { [self] in
                let (status, cpuTime, peak) = child.waitForExit()
                let result = Exit(status: status, cpuTime: cpuTime, peakResidentBytes: peak)
                exitStatus.withLock { $0 = result }
                let waiters = exitWaiters.withLock { waiters in
                    defer { waiters = [] }
                    return waiters
                }
                for waiter in waiters { waiter.resume(returning: result) }
            }.start()
        }

        var pid: pid_t { child.pid }

        /// Whether it has exited.
        var hasExited: Bool { exitStatus.withLock { $0 != nil } }

        /// Waits for it to exit: its status (128 + signal when a signal ended it) and CPU time.
        func exit() async -> Exit {
            await withCheckedContinuation { continuation in
                let done: Exit? = exitWaiters.withLock { waiters in
                    if let result = exitStatus.withLock({ $0 }) { return result }
                    waiters.append(continuation)
                    return nil
                }
                if let done { continuation.resume(returning: done) }
            }
        }

        /// Sends SIGTERM (or `signal`), unless it has exited already.
        func terminate(_ signal: Int32 = SIGTERM) { child.signal(signal) }

        /// SIGTERM, then SIGKILL if it has not exited after `timeout`; waits for the exit. Runs
        /// in a task of its own so that a cancelled benchmark still reaps its children.
        @discardableResult
        func stop(timeout: Duration = .seconds(10)) async -> Int32 {
            await Task { [self] in
                terminate()
                let deadline = ContinuousClock.now + timeout
                while !hasExited, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                if !hasExited { terminate(SIGKILL) }
                return await exit().status
            }.value
        }

        /// What it has written so far.
        var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }
    }

    private static func spawn(_ executable: URL, _ arguments: [String], environment: [String: String], outputFile: URL) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var nothingBlocked = sigset_t()
        sigemptyset(&nothingBlocked)
        posix_spawnattr_setsigmask(&attributes, &nothingBlocked)
        // We handle SIGINT and SIGTERM ourselves; the child gets the default actions back.
        var ours = sigset_t()
        sigemptyset(&ours)
        for signal in [SIGINT, SIGTERM, SIGALRM, SIGPIPE] { sigaddset(&ours, signal) }
        posix_spawnattr_setsigdefault(&attributes, &ours)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = [executable.path] + arguments
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, given in given }
        let cEnvironment = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cEnvironment.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else {
            throw BenchError("cannot run \(executable.path): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// A running child, which a cancellation handler on any thread may stop.
    fileprivate final class Child: Sendable {
        let pid: pid_t
        /// Set once the child has exited, before it is reaped: after reaping, its pid may be
        /// given to another process, which `terminate()` must not signal.
        private let exited = Mutex(false)

        init(pid: pid_t) { self.pid = pid }

        /// Waits for the child to end; returns its status and the CPU time it used.
        func waitForExit() -> (Int32, Duration, Int) {
            var info = siginfo_t()
            // WNOWAIT: see that it exited, but keep the pid ours until it is marked so.
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
            exited.withLock { $0 = true }
            var status: Int32 = 0
            var usage = rusage()
            while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
            let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return (exitStatus, ResourceUsage.cpuTime(usage), ResourceUsage.residentBytes(maxrss: usage.ru_maxrss))
        }

        func terminate() { signal(SIGTERM) }

        func signal(_ number: Int32) {
            exited.withLock { exited in
                if !exited { kill(pid, number) }
            }
        }
    }
}
