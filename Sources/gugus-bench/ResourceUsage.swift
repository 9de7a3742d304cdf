import Foundation

enum ResourceUsage {
    /// The most memory this process has held resident so far, in bytes: `ru_maxrss`, which
    /// Linux reports in KiB (macOS in bytes).
    static var peakResidentBytes: Int {
        var usage = rusage()
        #if os(Linux)
        // Glibc's RUSAGE_SELF is an enum case; getrusage takes its raw value.
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss)
        #endif
    }
}
