import Dispatch
import Foundation
import Synchronization

/// Turns Ctrl-C (SIGINT) and SIGTERM into cancellation of the benchmark, so that it still
/// stops and deletes its throwaway cluster. A second signal ends the process at once.
enum Interruption {
    static func cancellingOnSignals<Value: Sendable>(
        progress: Progress, _ work: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let task = Task { try await work() }
        let signals = [SIGINT, SIGTERM]
        let received = SignalCount()
        let sources = signals.map { number in
            // The default action would end the process before the cluster is removed.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if received.increment() == 1 {
                    progress.say("interrupted: stopping and cleaning up (interrupt again to quit at once)")
                    task.cancel()
                } else {
                    FileHandle.standardError.write(Data("gugus-bench: quit; a throwaway cluster may be left in /tmp/gugus-bench.*\n".utf8))
                    exit(130)
                }
            }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            for number in signals { signal(number, SIG_DFL) }
        }
        do {
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch {
            // A cancelled query fails with the server's "canceling statement" error, and so
            // on: after a signal, every failure is the interruption.
            if received.value > 0 { throw CancellationError() }
            throw error
        }
    }
}

private final class SignalCount: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    /// Counts one more signal and returns the new count.
    func increment() -> Int {
        count.withLock { count in
            count += 1
            return count
        }
    }
}
