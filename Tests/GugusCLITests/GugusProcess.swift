import Foundation
import GugusTestSupport
import Testing

/// The built `gugus` binary, run as a separate process against a test database, the way a
/// coordinator runs it.
struct GugusProcess {
    typealias Run = GugusExecutable.Run

    let databaseURL: String

    /// A process on a new migrated database of its own.
    static func onNewDatabase() async throws -> GugusProcess {
        GugusProcess(databaseURL: try await TestDatabase.makeMigratedURL())
    }

    /// Runs `gugus ARGUMENTS --database-url URL` with a clean environment: no database
    /// variables, no server, no `LANG` unless given.
    func callAsFunction(_ arguments: String..., environment extra: [String: String] = [:], database: Bool = true) async throws -> Run {
        try await run(arguments, environment: extra, database: database)
    }

    func run(_ arguments: [String], environment extra: [String: String] = [:], database: Bool = true) async throws -> Run {
        try await GugusExecutable.run(
            arguments + (database ? ["--database-url", databaseURL] : []), environment: GugusExecutable.cleanEnvironment(extra))
    }
}

/// A temporary file with the given contents, for `member import`, removed when the test ends.
func temporaryFile(_ name: String, _ contents: Data) throws -> String {
    let url = try TestResources.folder("gugus-cli").appendingPathComponent(name)
    try contents.write(to: url)
    return url.path
}
