import Foundation

/// A thread of its own for one connection, exposed as both a serial executor (for the
/// connection actor) and a task executor (for code that holds the connection).
///
/// libpq calls block. Running them here keeps them off Swift's cooperative thread pool, whose
/// few threads must never block. When a task holding a connection prefers this executor, its
/// own code and the connection's calls run on the same thread, and a query costs no thread hop.
final class ConnectionThread: @unchecked Sendable {
    private enum Job {
        /// A job of the connection's actor.
        case isolated(UnownedJob)
        /// A job of a task that prefers this thread's ``TaskFace``, or ``PostgresPool/taskExecutor``
        /// (which runs a job where it was enqueued when that is a connection's thread).
        case task(UnownedJob, UnownedTaskExecutor)
    }

    // Guarded by `condition`.
    private var jobs: [Job] = []
    private var head = 0
    private var stopping = false
    /// Set once the thread has left its loop: a job queued after that would never run.
    private var finished = false
    private let condition = NSCondition()
    private var thread: Thread?

    let serialExecutor: SerialFace
    let taskExecutor: TaskFace

    private let name: String

    init(name: String) {
        self.name = name
        serialExecutor = SerialFace()
        taskExecutor = TaskFace()
        serialExecutor.owner = self
        taskExecutor.owner = self
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    private func enqueue(_ job: Job) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// The connection thread this code runs on, if it runs on one.
    static var current: ConnectionThread? {
        guard let pointer = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<ConnectionThread>.fromOpaque(pointer).takeUnretainedValue()
    }

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "no thread-specific key left for the connection threads")
        return key
    }()

    /// Queues a job of a task that prefers `executor`, unless the thread has finished.
    func enqueuePooled(_ job: UnownedJob, executor: UnownedTaskExecutor) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else { return false }
        jobs.append(.task(job, executor))
        condition.signal()
        return true
    }

    /// Lets the thread finish the jobs already queued, then end. Any job queued after this
    /// still runs: a connection's last `close()` must not be dropped.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        // Set here, on the thread itself, the name reaches the kernel: `top -H` and `perf`
        // show it. (Set before the start only, Foundation keeps it to itself on Linux.)
        Thread.current.name = name
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        while true {
            condition.lock()
            while head == jobs.count && !stopping {
                condition.wait()
            }
            if head == jobs.count {
                finished = true
                condition.unlock()
                break
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            switch job {
            case .isolated(let job):
                job.runSynchronously(on: serialExecutor.asUnownedSerialExecutor())
            case .task(let job, let executor):
                // Unisolated. Run isolated to the actor, every call from the task's
                // nonisolated code to another nonisolated function was a pass through the
                // queue; its statements run in place anyway (`PostgresConnection.withIsolation`).
                job.runSynchronously(on: executor)
            }
        }
        pthread_setspecific(Self.currentKey, nil)
        // Break the reference cycle with the faces once the thread is done.
        thread = nil
    }

    /// The face the connection actor runs on.
    final class SerialFace: SerialExecutor, @unchecked Sendable {
        fileprivate unowned(unsafe) var owner: ConnectionThread?

        func enqueue(_ job: consuming ExecutorJob) {
            owner!.enqueue(.isolated(UnownedJob(job)))
        }

        func asUnownedSerialExecutor() -> UnownedSerialExecutor {
            UnownedSerialExecutor(ordinary: self)
        }

        /// Code on the thread is isolated to the connection's actor: the thread runs one
        /// job at a time, and every job of the actor runs on it.
        func checkIsolated() {
            precondition(ConnectionThread.current === owner, "not on the connection's thread, so not isolated to the connection")
        }
    }

    /// The face a task holding the connection prefers.
    final class TaskFace: TaskExecutor, @unchecked Sendable {
        fileprivate unowned(unsafe) var owner: ConnectionThread?

        func enqueue(_ job: consuming ExecutorJob) {
            owner!.enqueue(.task(UnownedJob(job), asUnownedTaskExecutor()))
        }

        func asUnownedTaskExecutor() -> UnownedTaskExecutor {
            UnownedTaskExecutor(ordinary: self)
        }
    }
}
