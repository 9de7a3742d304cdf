import Synchronization

/// Wakes a waiting loop early: a NOTIFY arrived, or it is time to stop. A signal with
/// nobody waiting is kept, so the next wait returns at once instead of missing it.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after `seconds`, at a signal, or when the task is cancelled, whichever is first.
    func wait(seconds: Double) async {
        let generation = state.withLock { state -> UInt64? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.generation += 1
            return state.generation
        }
        guard let generation else { return }
        let timer = Task { [self] in
            try? await Task.sleep(for: .microseconds(Int64(max(0, seconds) * 1_000_000)))
            resume(generation)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let immediate = state.withLock { state -> Bool in
                    // The timer or a cancellation may already have fired for this generation.
                    guard state.generation == generation, !state.pending else {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if immediate { continuation.resume() }
            }
        } onCancel: {
            resume(generation)
        }
        timer.cancel()
    }

    /// Ends this generation's wait, if it is still the one waiting.
    private func resume(_ generation: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.generation == generation else { return nil }
            state.generation += 1
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }
}
