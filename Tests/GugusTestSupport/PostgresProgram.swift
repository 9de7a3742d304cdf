import Foundation

/// A PostgreSQL client program (pg_dump, pg_restore, …) of the newest installed version, which
/// reads any older server; nil when none is installed.
public func postgresProgram(_ name: String) -> String? {
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
    let candidates = versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin/\(name)" }
        + ["/usr/bin/\(name)", "/usr/local/bin/\(name)"]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}
