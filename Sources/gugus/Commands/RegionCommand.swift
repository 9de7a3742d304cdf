import ArgumentParser
import GugusDatabase
import GugusModel

struct RegionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "region", abstract: "The regions (38 provinces), with their codes and time zones.",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List regions: code, name, zone.")
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("Only regions of this level.", valueName: "level")) var level: Region.Level?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let regions = try await options.gugus().regions(level: level)
                try output.emit(regions.map { Identified($0, id: $0.code) }) {
                    var table = Table([output.text("kode", "code"), output.text("nama", "name"), output.text("zona", "zone"), "IANA"])
                    for region in regions { table.add([region.code, region.name, region.zoneLabel, region.timeZone]) }
                    return table.rendered
                }
            }
        }
    }
}
