import Foundation
import GugusModel
import GugusTestSupport

/// One run of the `gugus` CLI as a separate process, in a clean environment.
enum GugusCommand {
    typealias Run = GugusExecutable.Run

    static func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Run {
        try await GugusExecutable.run(arguments, environment: GugusExecutable.cleanEnvironment(extra))
    }
}
