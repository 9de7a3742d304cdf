import Foundation
import PackagePlugin

/// Embeds the package's text files into the target that uses the plugin: `sql/*.sql` into
/// GugusDatabase (as `EmbeddedMigrations`), `templates/*.mustache` into GugusScheduler (as
/// `EmbeddedTemplates`), `docs/openapi.yaml` and `portal/` (the portal's templates and
/// stylesheet) into GugusServer (as `EmbeddedOpenAPI` and `EmbeddedPortal`).
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let tool = try context.tool(named: "embed-files")
        let package = context.package.directoryURL
        switch target.name {
        case "GugusServer":
            return [
                try command("docs", extension: "yaml", type: "EmbeddedOpenAPI", only: "openapi.yaml"),
                try command("portal", extension: nil, type: "EmbeddedPortal"),
            ]
        case "GugusScheduler": return [try command("templates", extension: "mustache", type: "EmbeddedTemplates")]
        default: return [try command("sql", extension: "sql", type: "EmbeddedMigrations")]
        }

        func command(_ folder: String, extension fileExtension: String?, type: String, only: String? = nil) throws -> Command {
            let directory = package.appending(path: folder)
            let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
            let inputs = files.filter { (fileExtension == nil || $0.pathExtension == fileExtension) && (only == nil || $0.lastPathComponent == only) }
                .sorted { $0.path < $1.path }
            let output = context.pluginWorkDirectoryURL.appending(path: "\(type).swift")
            return .buildCommand(
                displayName: "Embedding \(inputs.count) \(folder) files as \(type)",
                executable: tool.url,
                arguments: [output.path, type] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output])
        }
    }
}
