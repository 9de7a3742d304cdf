import ArgumentParser
import GugusDatabase
import GugusModel

struct TaskForceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskforce", abstract: "Create and look up task forces (GTN, GTD).",
        subcommands: [Create.self, List.self, Show.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the task force of a region (or the national one).",
            discussion: "Example: gugus taskforce create --region 82")
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("The region's Kemendagri code, e.g. 82 (Maluku Utara).", valueName: "code")) var region: String?
        @Flag(help: "Create the national task force (GTN) instead.") var national = false
        @Option(help: "Name (default: Gugus Tugas Daerah Bisnis dan HAM Provinsi …).") var name: String?
        @Option(help: "Programme period (default: the latest, Stranas BHAM 2023–2025).") var period: String?

        func validate() throws {
            if (region == nil) == !national {
                throw ValidationError("give either --region CODE or --national")
            }
        }

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let taskForce = try await options.gugus().createTaskForce(NewTaskForce(regionCode: region, name: name, period: period))
                try output.emit(taskForce) {
                    output.text("Gugus tugas dibuat: ", "Task force created: ") + "\(taskForce.name) (id \(taskForce.id), \(taskForce.reference))"
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List task forces.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let taskForces = try await options.gugus().taskForces()
                try output.emit(taskForces) {
                    var table = Table(["id", output.text("wilayah", "region"), output.text("nama", "name"), output.text("periode", "period")])
                    for taskForce in taskForces {
                        table.add([String(taskForce.id), taskForce.reference, taskForce.name, taskForce.period])
                    }
                    return table.rendered
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a task force and its status.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "A region code (82), national, or an id.") var reference: TaskForceRef

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let gugus = try await options.gugus()
                let taskForce = try await gugus.taskForce(reference)
                let status = try await taskForce.regionCode.asyncMap { try await gugus.regionStatus(code: $0, at: nil) }
                try output.emit(taskForce) {
                    var lines = [
                        "\(taskForce.name)",
                        "  id:       \(taskForce.id)",
                        output.text("  wilayah:  ", "  region:   ") + "\(taskForce.reference) \(taskForce.regionName ?? "") (\(taskForce.zoneLabel))",
                        output.text("  periode:  ", "  period:   ") + taskForce.period,
                    ]
                    if let status { lines.append(StatusRendering(output: output).regionLines(status).joined(separator: "\n")) }
                    return lines.joined(separator: "\n")
                }
            }
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
