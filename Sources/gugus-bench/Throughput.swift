/// What concurrent loops achieved over a while.
struct Throughput: Sendable {
    /// Operations per second.
    var rate: Double
    /// This process's CPU time (all threads, user + system) per operation: what the client
    /// side costs, which on a small machine is CPU the server does not get.
    var cpuPerOperation: Duration

    /// Starts `workers` loops at once, each given its index and a shared deadline and
    /// returning how many operations it completed. The rate is over the time until the last
    /// loop finished, so an operation in flight at the deadline counts, and so does its time.
    static func measure(
        workers: Int, for duration: Duration,
        _ loop: @escaping @Sendable (_ worker: Int, _ deadline: ContinuousClock.Instant) async throws -> Int
    ) async throws -> Throughput {
        let clock = ContinuousClock()
        let cpuAtStart = ResourceUsage.cpuTime
        let start = clock.now
        let deadline = start + duration
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask { try await loop(worker, deadline) }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = start.duration(to: clock.now)
        let cpu = ResourceUsage.cpuTime - cpuAtStart
        try Task.checkCancellation()
        guard completed > 0 else { throw BenchError("no operation completed in \(duration)") }
        return Throughput(rate: Double(completed) / elapsed.seconds, cpuPerOperation: cpu / completed)
    }
}

extension Duration {
    var microseconds: Double { seconds * 1e6 }

    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// A small, fast generator for the ids we look up. `SystemRandomNumberGenerator` makes a
/// system call per number on Linux, which would be measured as if it were the layer's cost;
/// pgbench too uses a generator of its own.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
