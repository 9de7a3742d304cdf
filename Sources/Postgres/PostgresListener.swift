import CLibPQ
import Foundation
import Logging

/// A notification from `NOTIFY` / `pg_notify`.
public struct PostgresNotification: Sendable, Hashable {
    public var channel: String
    public var payload: String
    /// The server process that sent it.
    public var processID: Int32
}

/// LISTEN on a dedicated connection, delivered as an `AsyncSequence`.
///
/// The connection waits in `poll()` on its own thread, never on the cooperative pool. If
/// the server goes away it reconnects with backoff and listens again; the `.connected`
/// event after each (re)connect tells consumers that notifications may have been missed
/// while it was down, so they should re-read the state they care about.
public final class PostgresListener: AsyncSequence, Sendable {
    public enum Event: Sendable, Hashable {
        case connected
        case notification(PostgresNotification)
    }

    public typealias Element = Event

    private let stream: AsyncStream<Event>
    private let worker: Worker

    /// Starts listening on `channels`. The first `.connected` arrives once LISTEN is in
    /// place, so a notification sent after it is never missed.
    public init(
        configuration: PostgresConfiguration, channels: [String],
        logger: Logger = Logger(label: "gugus.postgres.listener")
    ) {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        self.stream = stream
        self.worker = Worker(configuration: configuration, channels: channels, continuation: continuation, logger: logger)
        continuation.onTermination = { [worker] _ in worker.stop() }
        worker.start()
    }

    public func makeAsyncIterator() -> AsyncStream<Event>.Iterator {
        stream.makeAsyncIterator()
    }

    /// Only the notifications, without connection events.
    public var notifications: AsyncCompactMapSequence<AsyncStream<Event>, PostgresNotification> {
        stream.compactMap { event in
            if case .notification(let notification) = event { return notification }
            return nil
        }
    }

    /// Stops listening and closes the connection.
    public func stop() {
        worker.stop()
    }

    /// The thread that owns the listening connection.
    private final class Worker: @unchecked Sendable {
        let configuration: PostgresConfiguration
        let channels: [String]
        let continuation: AsyncStream<Event>.Continuation
        let logger: Logger
        // A pipe that wakes poll() when stopping.
        private let wakeRead: Int32
        private let wakeWrite: Int32
        private let lock = NSLock()
        private var stopped = false

        init(configuration: PostgresConfiguration, channels: [String], continuation: AsyncStream<Event>.Continuation, logger: Logger) {
            self.configuration = configuration
            self.channels = channels
            self.continuation = continuation
            self.logger = logger
            var fds: [Int32] = [0, 0]
            if pipe(&fds) != 0 { fds = [-1, -1] }
            wakeRead = fds[0]
            wakeWrite = fds[1]
        }

        deinit {
            if wakeRead >= 0 { close(wakeRead) }
            if wakeWrite >= 0 { close(wakeWrite) }
        }

        func start() {
            let thread = Thread { [self] in run() }
            thread.name = "postgres-listener"
            thread.start()
        }

        var isStopped: Bool {
            lock.lock()
            defer { lock.unlock() }
            return stopped
        }

        func stop() {
            lock.lock()
            let wasStopped = stopped
            stopped = true
            lock.unlock()
            guard !wasStopped else { return }
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
            continuation.finish()
        }

        private func run() {
            var backoff = 0.1
            while !isStopped {
                if let connection = connect() {
                    backoff = 0.1
                    continuation.yield(.connected)
                    listen(on: connection)
                    PQfinish(connection)
                }
                guard !isStopped else { break }
                sleepUnlessStopped(backoff)
                backoff = Swift.min(backoff * 2, 5)
            }
        }

        private func connect() -> OpaquePointer? {
            let handle = configuration.withConnectParameters { keys, values in
                PQconnectdbParams(keys, values, configuration.expandDatabaseName ? 1 : 0)
            }
            guard let handle else { return nil }
            guard PQstatus(handle) == CONNECTION_OK else {
                logger.warning("listener cannot connect: \(PostgresConnection.errorMessage(handle))")
                PQfinish(handle)
                return nil
            }
            PQsetNoticeProcessor(handle, { _, _ in }, nil)
            for channel in channels {
                guard let escaped = PQescapeIdentifier(handle, channel, channel.utf8.count) else {
                    logger.error("cannot quote channel name \(channel)")
                    PQfinish(handle)
                    return nil
                }
                let statement = "LISTEN " + String(cString: escaped)
                PQfreemem(escaped)
                guard let result = PQexec(handle, statement) else {
                    PQfinish(handle)
                    return nil
                }
                let ok = PQresultStatus(result) == PGRES_COMMAND_OK
                PQclear(result)
                guard ok else {
                    PQfinish(handle)
                    return nil
                }
            }
            return handle
        }

        /// Waits for notifications until the connection breaks or the listener stops.
        private func listen(on connection: OpaquePointer) {
            let socket = PQsocket(connection)
            while !isStopped {
                var descriptors = [
                    pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                ]
                let ready = poll(&descriptors, 2, 30_000)
                if ready < 0 {
                    if errno == EINTR { continue }
                    return
                }
                if descriptors[1].revents != 0 { return }
                if ready == 0 {
                    // A quiet half minute: make sure the server is still there.
                    guard let result = PQexec(connection, "SELECT 1") else { return }
                    PQclear(result)
                    guard PQstatus(connection) == CONNECTION_OK else { return }
                    drain(connection)
                    continue
                }
                guard PQconsumeInput(connection) == 1 else {
                    logger.warning("listener lost its connection: \(PostgresConnection.errorMessage(connection))")
                    return
                }
                drain(connection)
                guard PQstatus(connection) == CONNECTION_OK else { return }
            }
        }

        private func drain(_ connection: OpaquePointer) {
            while let notify = PQnotifies(connection) {
                let notification = PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    processID: notify.pointee.be_pid)
                PQfreemem(notify)
                continuation.yield(.notification(notification))
            }
        }

        private func sleepUnlessStopped(_ seconds: Double) {
            var descriptor = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, Int32(seconds * 1000))
        }
    }
}
