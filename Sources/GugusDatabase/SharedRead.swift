import GugusModel

/// Requests for the same read that arrive together share one, without ever getting an
/// answer older than themselves.
///
/// The national status is the same for everyone who asks at the same moment, and on a busy
/// morning many ask at once (the map page, dashboards polling `/v1/status`). A request that
/// arrives while the read for its key runs does not take that read's answer, which began
/// before the request (perhaps before a change its sender has just made); it waits for the
/// *next* read, which starts when the running one ends, and shares it with everyone else who
/// arrived in the meantime. So every answer comes from a read that began after the request
/// arrived, as if the request had run the query itself, and under load the database runs a
/// query per batch of requests rather than per request.
actor SharedRead<Key: Hashable & Sendable, Value: Sendable> {
    private struct Read {
        var number: Int
        var task: Task<Value, any Error>
    }

    /// The read that has started, and the one that will start when it ends.
    private var running: [Key: Read] = [:]
    private var next: [Key: Read] = [:]
    /// Callers waiting for the next read, by key.
    private var waiting: [Key: Int] = [:]
    private var reads = 0

    /// How many callers wait for the read of `key` that has not started yet.
    func waitingCount(for key: Key) -> Int { waiting[key] ?? 0 }

    /// The value of a read of `key` that starts after this call: a new one, or the next one,
    /// shared. `read` runs in a task of its own, so that a caller who gives up (a cancelled
    /// request) does not cancel it for the others.
    func value(for key: Key, read: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let shared = next[key] {
            waiting[key, default: 0] += 1
            return try await shared.task.value
        }
        reads += 1
        let number = reads
        let previous = running[key]?.task
        // The task is isolated to this actor, as this method is: it starts once the method has
        // stored it below, and its bookkeeping runs between other callers', never during.
        // Only `read` itself runs elsewhere.
        let task = Task {
            if let previous {
                _ = await previous.result
                started(key, number)
            }
            let result: Result<Value, any Error>
            do { result = .success(try await read()) } catch { result = .failure(error) }
            ended(key, number)
            return try result.get()
        }
        if previous == nil {
            running[key] = Read(number: number, task: task)
        } else {
            next[key] = Read(number: number, task: task)
            waiting[key] = 1
        }
        return try await task.value
    }

    /// From here on the waiting read counts as started: later callers wait for another.
    private func started(_ key: Key, _ number: Int) {
        guard next[key]?.number == number else { return }
        running[key] = next.removeValue(forKey: key)
        waiting[key] = nil
    }

    private func ended(_ key: Key, _ number: Int) {
        guard running[key]?.number == number else { return }
        running[key] = nil
    }
}

/// The reads that the instances of ``DatabaseGugus`` acting for different callers share:
/// those whose answer does not depend on the caller.
final class SharedReads: Sendable {
    /// The national status, by the date asked for (nil for today).
    let nationalStatus = SharedRead<CivilDate?, NationalStatus>()
}
