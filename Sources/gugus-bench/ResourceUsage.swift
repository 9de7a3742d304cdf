import Foundation

enum ResourceUsage {
    /// The most memory this process has held resident so far, in bytes: `ru_maxrss`, which
    /// Linux reports in KiB (macOS in bytes).
    static var peakResidentBytes: Int { residentBytes(maxrss: current().ru_maxrss) }

    /// An `ru_maxrss` in bytes: Linux reports KiB, macOS bytes.
    static func residentBytes(maxrss: Int) -> Int {
        #if os(Linux)
        return maxrss * 1024
        #else
        return maxrss
        #endif
    }

    /// User plus system CPU time this process has used so far, all threads together.
    static var cpuTime: Duration { cpuTime(current()) }

    static func cpuTime(_ usage: rusage) -> Duration {
        func duration(_ time: timeval) -> Duration {
            .seconds(Int64(time.tv_sec)) + .microseconds(Int64(time.tv_usec))
        }
        return duration(usage.ru_utime) + duration(usage.ru_stime)
    }

    private static func current() -> rusage {
        var usage = rusage()
        #if os(Linux)
        // Glibc's RUSAGE_SELF is an enum case; getrusage takes its raw value.
        _ = getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        _ = getrusage(RUSAGE_SELF, &usage)
        #endif
        return usage
    }
}
