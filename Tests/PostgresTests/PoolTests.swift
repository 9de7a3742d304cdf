import Foundation
import GugusTestSupport
@testable import Postgres
import PostgresCluster
import Testing

@Suite("Connection pool", .releasesResources)
struct PoolTests {
    @Test("never opens more than its bound, and reuses connections", arguments: [false, true])
    func bounded(onTaskExecutor: Bool) async throws {
        let pool = PostgresPool(configuration: try await TestDatabase.server(), options: .init(maxConnections: 3))
        let backends = try await withTaskExecutorPreference(onTaskExecutor ? PostgresPool.taskExecutor : nil) {
            try await withThrowingTaskGroup(of: Int32.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        // Both ways of using the pool, and waiters that a connection from
                        // another thread wakes.
                        if index.isMultiple(of: 2) {
                            return try await pool.query("SELECT pg_backend_pid(), pg_sleep(0.01)").single()!.column(at: 0).decode(Int32.self)
                        }
                        return try await pool.withConnection { connection in
                            try await connection.query("SELECT pg_backend_pid(), pg_sleep(0.01)").single()!.column(at: 0).decode(Int32.self)
                        }
                    }
                }
                var pids = Set<Int32>()
                for try await pid in group { pids.insert(pid) }
                return pids
            }
        }
        #expect(backends.count <= 3)
        #expect(pool.statistics.open <= 3)
        #expect(pool.statistics.inUse == 0)
        await pool.close()
    }

    @Test("an exhausted pool times out with a clear error")
    func exhaustedTimesOut() async throws {
        let pool = PostgresPool(configuration: try await TestDatabase.server(), options: .init(maxConnections: 1, checkoutTimeout: .milliseconds(300)))
        // The holder keeps the only connection until the test lets go: no fixed sleep that a
        // loaded machine could outlast before the test has asked.
        let (taken, tookIt) = AsyncStream<Void>.makeStream()
        let (release, letGo) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await pool.withConnection { connection in
                _ = try await connection.query("SELECT 1")
                tookIt.yield()
                for await _ in release { break }
            }
        }
        for await _ in taken { break }
        let error = await #expect(throws: PostgresError.self) {
            try await pool.query("SELECT 1")
        }
        #expect(error?.kind == .poolTimeout)
        #expect(error?.message.contains("all 1 in use") == true)
        #expect(error?.isConnectionFailure == true)
        letGo.yield()
        _ = try await holder.value
        // Once the holder is done, the pool serves again.
        #expect(try await pool.query("SELECT 1").count == 1)
        await pool.close()
    }

    @Test("a broken connection is replaced on checkout")
    func replacesBrokenConnection() async throws {
        let server = try await TestDatabase.server()
        let pool = PostgresPool(configuration: server, options: .init(maxConnections: 1))
        let firstPID = try await pool.query("SELECT pg_backend_pid()").single()!.decode(Int32.self)
        // Another session kills the idle pooled connection's backend.
        let killer = try await PostgresConnection.connect(server)
        try await killer.execute("SELECT pg_terminate_backend(\(firstPID))")
        await killer.close()
        // Gone from the server, so its socket is closed.
        try await TestDatabase.waitUntil("NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = \(firstPID))")
        let secondPID = try await pool.query("SELECT pg_backend_pid()").single()!.decode(Int32.self)
        #expect(secondPID != firstPID)
        await pool.close()
    }

    @Test("recovers by itself when the server restarts")
    func survivesServerRestart() async throws {
        // A cluster of its own: restarting the shared test server would disturb other tests.
        let home = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gugus-restart-\(UUID().uuidString.prefix(8))")
        let cluster = LocalCluster(home: home, databaseName: "postgres", durable: false)
        let configuration = try await cluster.start()
        let pool = PostgresPool(configuration: configuration, options: .init(maxConnections: 4, checkoutTimeout: .seconds(2)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await pool.query("SELECT 1") } }
            try await group.waitForAll()
        }
        #expect(pool.statistics.idle == 4)

        try await cluster.stop()
        let whileDown = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(whileDown?.isConnectionFailure == true)

        try await cluster.start()
        // Every idle connection is dead now; the pool must notice and reconnect.
        for _ in 0..<8 {
            #expect(try await pool.query("SELECT 1").count == 1)
        }
        await pool.close()
        try await cluster.destroy()
    }

    @Test("a task on the pool's executor keeps its connection and stays on its thread")
    func taskExecutorAffinity() async throws {
        let pool = PostgresPool(configuration: try await TestDatabase.server(), options: .init(maxConnections: 4))
        // Four tasks at once, each with a connection of its own once they have all started:
        // the pool lends each task the connection whose thread it is on, where it would
        // otherwise lend whichever came back last.
        let backendsPerTask = try await withTaskExecutorPreference(PostgresPool.taskExecutor) {
            try await withThrowingTaskGroup(of: (Set<Int32>, Bool).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var backends = Set<Int32>()
                        var alwaysOnConnectionThread = true
                        for _ in 0..<50 {
                            backends.insert(try await pool.query("SELECT pg_backend_pid()").single()!.decode(Int32.self))
                            // Between queries the task runs on the connection's thread.
                            alwaysOnConnectionThread = alwaysOnConnectionThread && ConnectionThread.current != nil
                        }
                        return (backends, alwaysOnConnectionThread)
                    }
                }
                var results: [(Set<Int32>, Bool)] = []
                for try await result in group { results.append(result) }
                return results
            }
        }
        #expect(backendsPerTask.count == 4)
        for (backends, alwaysOnConnectionThread) in backendsPerTask {
            #expect(backends.count == 1, "a task went from backend to backend: \(backends.sorted())")
            #expect(alwaysOnConnectionThread)
        }
        #expect(Set(backendsPerTask.flatMap(\.0)).count == 4)
        await pool.close()
    }

    @Test("cancelling a task on the pool's executor cancels its query")
    func taskExecutorCancellation() async throws {
        let pool = PostgresPool(configuration: try await TestDatabase.server(), options: .init(maxConnections: 2))
        let task = Task {
            try await withTaskExecutorPreference(PostgresPool.taskExecutor) {
                _ = try await pool.query("SELECT 1")
                return try await pool.query("SELECT pg_sleep(60) AS cancel_on_task_executor")
            }
        }
        try await TestDatabase.waitUntil(
            "EXISTS (SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%AS cancel_on_task_executor')")
        task.cancel()
        let error = await #expect(throws: PostgresError.self) { try await task.value }
        #expect(error?.code == .queryCanceled)
        // The cancelled connection is not lent again; the pool still serves.
        #expect(try await pool.query("SELECT 1").count == 1)
        await pool.close()
    }

    @Test("a connection asked to cancel is not lent again, even when its statement ended first")
    func lateCancelRequest() async throws {
        let pool = PostgresPool(configuration: try await TestDatabase.server(), options: .init(maxConnections: 1))
        let first = try await pool.withConnection { connection in
            let backend = try #require(try await connection.query("SELECT pg_backend_pid()").single()).decode(Int32.self)
            // As a task's cancellation handler does when the task is cancelled just as its
            // statement ends: the request may reach the server during the next borrower's.
            await connection.canceller.cancel()
            return backend
        }
        let second = try #require(try await pool.query("SELECT pg_backend_pid()").single()).decode(Int32.self)
        #expect(second != first)
        #expect(pool.statistics.open == 1)
        await pool.close()
    }

    @Test("graceful shutdown closes the pool")
    func closes() async throws {
        let pool = PostgresPool(configuration: try await TestDatabase.server())
        _ = try await pool.query("SELECT 1")
        await pool.close()
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.kind == .closed)
        #expect(pool.statistics.open == 0)
    }
}

@Suite("LISTEN and NOTIFY", .releasesResources)
struct ListenTests {
    @Test("a notification reaches two listeners")
    func twoListeners() async throws {
        let server = try await TestDatabase.server()
        let channel = "gugus_test_\(UUID().uuidString.prefix(8).lowercased())"
        let first = PostgresListener(configuration: server, channels: [channel])
        let second = PostgresListener(configuration: server, channels: [channel])
        var firstIterator = first.makeAsyncIterator()
        var secondIterator = second.makeAsyncIterator()
        #expect(await firstIterator.next() == .connected)
        #expect(await secondIterator.next() == .connected)

        let sender = try await PostgresConnection.connect(server)
        try await sender.notify(channel: channel, payload: "sesi 42 dijadwalkan ulang")
        await sender.close()

        for event in [await firstIterator.next(), await secondIterator.next()] {
            guard case .notification(let notification) = event else {
                Issue.record("expected a notification, got \(String(describing: event))")
                continue
            }
            #expect(notification.channel == channel)
            #expect(notification.payload == "sesi 42 dijadwalkan ulang")
        }
        first.stop()
        second.stop()
        #expect(await firstIterator.next() == nil)
    }

    @Test("a listener reconnects after its connection is killed")
    func reconnects() async throws {
        let server = try await TestDatabase.server()
        let channel = "gugus_test_\(UUID().uuidString.prefix(8).lowercased())"
        let listener = PostgresListener(configuration: server, channels: [channel])
        var events = listener.makeAsyncIterator()
        #expect(await events.next() == .connected)
        let admin = try await PostgresConnection.connect(server)
        try await admin.execute("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE pid <> pg_backend_pid() AND query = \("LISTEN \"\(channel)\"")
            """)
        #expect(await events.next() == .connected)
        try await admin.notify(channel: channel, payload: "again")
        guard case .notification(let notification) = await events.next() else {
            Issue.record("no notification after reconnecting")
            return
        }
        #expect(notification.payload == "again")
        await admin.close()
        listener.stop()
    }
}
