import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A bounded pool of connections.
///
/// - Checkout hands out an idle connection after checking it (open, idle, nothing pending on
///   its socket); a broken one is closed and replaced, so the pool recovers by itself after
///   the server restarts.
/// - When every connection is in use, callers wait in order until one is returned or the
///   checkout timeout passes.
/// - As a ServiceLifecycle `Service`, it closes every connection on graceful shutdown.
public final class PostgresPool: Service, Sendable {
    public struct Options: Sendable {
        public var maxConnections: Int
        public var checkoutTimeout: Duration

        public init(maxConnections: Int = 10, checkoutTimeout: Duration = .seconds(10)) {
            precondition(maxConnections > 0, "a pool needs at least one connection")
            self.maxConnections = maxConnections
            self.checkoutTimeout = checkoutTimeout
        }
    }

    /// How the pool is used now: for metrics and readiness.
    public struct Statistics: Sendable, Hashable {
        public var open: Int
        public var idle: Int
        public var waiting: Int
        public var maxConnections: Int
        public var inUse: Int { open - idle }
    }

    public let configuration: PostgresConfiguration
    public let options: Options
    private let logger: Logger
    private let state: Locked<State>

    private enum Lease: Sendable {
        case connection(PostgresConnection)
        /// A free slot: the waiter opens a connection itself.
        case slot
    }

    private struct State: ~Copyable {
        var idle: [PostgresConnection] = []
        /// Connections open or being opened, in use or idle.
        var open = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Lease, any Error>)] = []
        var nextWaiterID: UInt64 = 0
        /// Waiters whose task was cancelled before they joined the queue.
        var cancelledWaiters: Set<UInt64> = []
        var closed = false
    }

    public init(configuration: PostgresConfiguration, options: Options = Options(), logger: Logger = Logger(label: "gugus.postgres.pool")) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.state = Locked(State())
    }

    public var statistics: Statistics {
        state.withLock { state in
            Statistics(open: state.open, idle: state.idle.count, waiting: state.waiters.count, maxConnections: options.maxConnections)
        }
    }

    // MARK: Using a connection

    /// The executor for tasks that use connections, as request handlers do: run them with
    /// `withTaskExecutorPreference(PostgresPool.taskExecutor)`.
    ///
    /// A connection's calls block, so they run on the connection's own thread. A task on
    /// the cooperative pool therefore hops to that thread and back for every checkout, and
    /// each hop wakes a thread. A task that prefers this executor stays on the thread of the
    /// connection it used last, and the pool lends it that connection again when it is idle:
    /// after its first query the task's checkouts and queries cost no wake-up. Its other code
    /// runs there too, one job at a time with that connection's calls, so code that computes
    /// for long (rendering a large page, say) delays the connection's next caller; what the
    /// executor is given away from any connection's thread runs on Dispatch's global queue.
    public static let taskExecutor: any TaskExecutor = ConnectionAffineExecutor()

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    ///
    /// While `body` runs, the task prefers the connection's own thread, so the queries it
    /// awaits do not hop between threads: on that thread they run in place, as the checks
    /// before and after `body` do, where from the caller's thread each would cost two hops.
    public func withConnection<Result: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await lend(isolation: isolation) { connection in
            try await withTaskExecutorPreference(connection.taskExecutor, isolation: isolation) {
                guard await connection.withIsolation({ $0.isReusable() }) else { return .broken }
                let result = try await body(connection)
                return .returned(result, reusable: await connection.withIsolation { $0.canReturnToPool() })
            }
        }
    }

    /// Leases connections until `use` finds one that works, and takes it back afterwards.
    private func lend<Result: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ use: (PostgresConnection) async throws -> Loan<Result>
    ) async throws -> Result {
        let deadline = ContinuousClock.now + options.checkoutTimeout
        while true {
            let connection = try await lease(until: deadline)
            let loan: Loan<Result>
            do {
                loan = try await use(connection)
            } catch {
                await checkin(connection)
                throw error
            }
            switch loan {
            case .broken:
                logger.debug("replacing a broken idle connection")
                await connection.close()
                releaseSlot()
            case .returned(let result, let reusable):
                if reusable {
                    await putBack(connection)
                } else {
                    await connection.close()
                    releaseSlot()
                }
                return result
            }
        }
    }

    /// Runs `body` in a transaction on a pooled connection.
    public func withTransaction<Result: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        file: String = #fileID, line: Int = #line,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.withTransaction(file: file, line: line) { connection in
                try await body(connection)
            }
        }
    }

    /// Runs one statement on a pooled connection.
    ///
    /// The check before, the statement and the check after are one call to the connection's
    /// actor, so the task changes executors once each way (and on ``taskExecutor``, not at
    /// all on the way in).
    @discardableResult
    public func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> PostgresRows {
        try await lend { try await $0.lentQuery(query, file: file, line: line) }
    }

    @discardableResult
    public func execute(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> Int {
        try await self.query(query, file: file, line: line).affectedRows
    }

    // MARK: Checkout and checkin

    func checkout() async throws -> PostgresConnection {
        let deadline = ContinuousClock.now + options.checkoutTimeout
        while true {
            let connection = try await lease(until: deadline)
            if await connection.isReusable() { return connection }
            logger.debug("replacing a broken idle connection")
            await connection.close()
            releaseSlot()
        }
    }

    /// An idle connection, not yet checked, or a new one in a free slot.
    private func lease(until deadline: ContinuousClock.Instant) async throws -> PostgresConnection {
        switch try await acquire(until: deadline) {
        case .connection(let connection):
            return connection
        case .slot:
            do {
                return try await PostgresConnection.connect(configuration, logger: logger)
            } catch {
                releaseSlot()
                throw error
            }
        }
    }

    func checkin(_ connection: PostgresConnection) async {
        guard await connection.canReturnToPool() else {
            await connection.close()
            releaseSlot()
            return
        }
        await putBack(connection)
    }

    /// Hands a checked connection to the first waiter, or back to the idle list.
    private func putBack(_ connection: PostgresConnection) async {
        let outcome: (CheckedContinuation<Lease, any Error>?, close: Bool) = state.withLock { state in
            if state.closed {
                state.open -= 1
                return (nil, true)
            }
            if !state.waiters.isEmpty {
                return (state.waiters.removeFirst().continuation, false)
            }
            state.idle.append(connection)
            return (nil, false)
        }
        if let waiter = outcome.0 {
            waiter.resume(returning: .connection(connection))
        } else if outcome.close {
            await connection.close()
        }
    }

    /// A connection was closed: its slot goes to the first waiter, or back to the pool.
    private func releaseSlot() {
        let waiter: CheckedContinuation<Lease, any Error>? = state.withLock { state in
            if !state.closed, !state.waiters.isEmpty {
                return state.waiters.removeFirst().continuation
            }
            state.open -= 1
            return nil
        }
        waiter?.resume(returning: .slot)
    }

    private func acquire(until deadline: ContinuousClock.Instant) async throws -> Lease {
        enum Immediate { case lease(Lease), closed, wait(UInt64) }
        // A task on a connection's thread gets that connection when it is idle, and so stays
        // on the thread: see ``taskExecutor``. Otherwise the one returned last, whose
        // thread is likeliest to be awake.
        let thread = ConnectionThread.current
        let immediate: Immediate = state.withLock { state in
            if state.closed { return .closed }
            if !state.idle.isEmpty {
                let index = thread.flatMap { thread in state.idle.lastIndex { $0.thread === thread } } ?? state.idle.count - 1
                return .lease(.connection(state.idle.remove(at: index)))
            }
            if state.open < options.maxConnections {
                state.open += 1
                return .lease(.slot)
            }
            state.nextWaiterID += 1
            return .wait(state.nextWaiterID)
        }
        switch immediate {
        case .lease(let lease): return lease
        case .closed: throw PostgresError(.closed, message: "the connection pool is closed")
        case .wait(let id): return try await wait(id: id, until: deadline)
        }
    }

    private func wait(id: UInt64, until deadline: ContinuousClock.Instant) async throws -> Lease {
        let timeout = options.checkoutTimeout
        let maxConnections = options.maxConnections
        let timer = Task { [weak self] in
            try await Task.sleep(until: deadline)
            self?.failWaiter(id, with: PostgresError(
                .poolTimeout,
                message: "no database connection became free within \(timeout) (all \(maxConnections) in use)"))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                enum Admission { case queued, closed, cancelled }
                let admission = state.withLock { state -> Admission in
                    if state.closed { return .closed }
                    if state.cancelledWaiters.remove(id) != nil { return .cancelled }
                    state.waiters.append((id, continuation))
                    return .queued
                }
                switch admission {
                case .queued: break
                case .closed: continuation.resume(throwing: PostgresError(.closed, message: "the connection pool is closed"))
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            failWaiter(id, with: CancellationError())
        }
    }

    private func failWaiter(_ id: UInt64, with error: any Error) {
        let waiter = state.withLock { state -> CheckedContinuation<Lease, any Error>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                // Cancelled before it joined the queue: it must not join it afterwards.
                if error is CancellationError { state.cancelledWaiters.insert(id) }
                return nil
            }
            return state.waiters.remove(at: index).continuation
        }
        waiter?.resume(throwing: error)
    }

    // MARK: Lifecycle

    /// Waits for graceful shutdown, then closes every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Closes idle connections now and the others as they come back; waiters fail.
    public func close() async {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            let idle = state.idle
            state.idle.removeAll()
            state.open -= idle.count
            let waiters = state.waiters.map(\.continuation)
            state.waiters.removeAll()
            return (idle, waiters)
        }
        for waiter in waiters {
            waiter.resume(throwing: PostgresError(.closed, message: "the connection pool is closed"))
        }
        for connection in idle {
            await connection.close()
        }
    }
}

/// How a loan ended: the connection was found broken before it was used, or it was used
/// and can (or cannot) be lent again.
enum Loan<Result: Sendable>: Sendable {
    case broken
    case returned(Result, reusable: Bool)
}

extension PostgresConnection {
    /// The pool's one statement, with the checks before and after, in one call.
    nonisolated(nonsending) func lentQuery(_ query: PostgresQuery, file: String, line: Int) async throws -> Loan<PostgresRows> {
        try await cancellable { connection in
            guard connection.isReusable() else { return .broken }
            let rows = try connection.run(query, file: file, line: line)
            return .returned(rows, reusable: connection.canReturnToPool())
        }
    }
}

/// ``PostgresPool/taskExecutor``: a job enqueued on a connection's thread stays on it.
private final class ConnectionAffineExecutor: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        if let thread = ConnectionThread.current, thread.enqueuePooled(job, executor: executor) { return }
        // Off a connection's thread the job runs where nonisolated code runs anyway, and
        // still tells the runtime it is on this executor, so the task does not hop again.
        DispatchQueue.global().async { job.runSynchronously(on: executor) }
    }

    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }
}

/// State behind a lock that waits in the kernel only when it must.
///
/// `Synchronization.Mutex` is a priority-inheritance futex on Linux: every contended lock and
/// unlock is a system call, and with a connection thread per connection the pool's lock is
/// contended at every checkout. A glibc mutex takes the uncontended path in user space.
final class Locked<State: ~Copyable>: @unchecked Sendable {
    private var state: State
    private let lock = NSLock()

    init(_ state: consuming State) { self.state = state }

    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
