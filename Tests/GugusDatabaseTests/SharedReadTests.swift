import Foundation
@testable import GugusDatabase
import Synchronization
import Testing

/// Callers that arrive while a read runs share the next read, never the running one: every
/// answer comes from a read that began after its caller arrived. The reads here are held
/// open until the test lets them finish, so the order is the test's, not the scheduler's.
@Suite("Shared reads")
struct SharedReadTests {
    /// Reads that count themselves and wait to be let go, one at a time, in order.
    final class Gate: Sendable {
        private let state = Mutex<(started: Int, waiting: [CheckedContinuation<Void, Never>])>((0, []))

        var started: Int { state.withLock { $0.started } }

        /// A read: its number (1, 2, …) once the test lets it finish.
        func read() async -> Int {
            let number = state.withLock { state in
                state.started += 1
                return state.started
            }
            await withCheckedContinuation { continuation in state.withLock { $0.waiting.append(continuation) } }
            return number
        }

        /// Lets the oldest read that is waiting finish, once there is one.
        func release() async {
            while true {
                let next: CheckedContinuation<Void, Never>? = state.withLock { state in
                    state.waiting.isEmpty ? nil : state.waiting.removeFirst()
                }
                if let next { next.resume(); return }
                await Task.yield()
            }
        }

        func waitUntilStarted(_ count: Int) async {
            while started < count { await Task.yield() }
        }
    }

    @Test("callers during a read share the next one; a caller after it gets a new one")
    func batches() async throws {
        let shared = SharedRead<String, Int>()
        let gate = Gate()
        let first = Task { try await shared.value(for: "national") { await gate.read() } }
        await gate.waitUntilStarted(1)
        // Three arrive while read 1 runs: none may have its answer.
        let during = (1...3).map { _ in Task { try await shared.value(for: "national") { await gate.read() } } }
        // Let them reach the actor before read 1 ends.
        while await shared.waitingCount(for: "national") < 3 { await Task.yield() }
        await gate.release()
        #expect(try await first.value == 1)
        await gate.waitUntilStarted(2)
        await gate.release()
        for task in during { #expect(try await task.value == 2) }
        #expect(gate.started == 2, "four callers, two reads")

        // Later, alone: a read of its own.
        let later = Task { try await shared.value(for: "national") { await gate.read() } }
        await gate.waitUntilStarted(3)
        await gate.release()
        #expect(try await later.value == 3)
    }

    @Test("other keys do not wait for each other; an error reaches everyone who shared the read")
    func keysAndErrors() async throws {
        struct Failed: Error {}
        let shared = SharedRead<Int, Int>()
        let gate = Gate()
        let slow = Task { try await shared.value(for: 1) { await gate.read() } }
        await gate.waitUntilStarted(1)
        #expect(try await shared.value(for: 2) { 20 } == 20, "another key reads at once")
        let failing = (1...2).map { _ in Task { try await shared.value(for: 1) { () async throws -> Int in throw Failed() } } }
        while await shared.waitingCount(for: 1) < 2 { await Task.yield() }
        await gate.release()
        #expect(try await slow.value == 1)
        for task in failing {
            await #expect(throws: Failed.self) { try await task.value }
        }
        #expect(try await shared.value(for: 1) { 10 } == 10, "a failed read is not kept")
    }
}
