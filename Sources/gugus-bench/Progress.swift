import Foundation

/// Says what the benchmark is doing, on standard error, so that standard output carries only
/// the report (or the JSON) and can be piped.
struct Progress: Sendable {
    let isQuiet: Bool

    func say(_ message: String) {
        guard !isQuiet else { return }
        FileHandle.standardError.write(Data(("gugus-bench: " + message + "\n").utf8))
    }
}
