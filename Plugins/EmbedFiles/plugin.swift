import Foundation
import PackagePlugin

/// Embeds the package's text files into the target that uses the plugin: `sql/*.sql` and
/// `templates/*.mustache` into GugusCore (as `EmbeddedMigrations` and `EmbeddedTemplates`),
/// `docs/openapi.yaml` into GugusServer (as `EmbeddedOpenAPI`).
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let tool = try context.tool(named: "embed-files")
        let package = context.package.directoryURL
        if target.name == "GugusServer" {
            return [try command("docs", extension: "yaml", type: "EmbeddedOpenAPI", only: "openapi.yaml")]
        }
        return try [
            command("sql", extension: "sql", type: "EmbeddedMigrations"),
            command("templates", extension: "mustache", type: "EmbeddedTemplates"),
        ]

        func command(_ folder: String, extension fileExtension: String, type: String, only: String? = nil) throws -> Command {
            let directory = package.appending(path: folder)
            let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
            let inputs = files.filter { $0.pathExtension == fileExtension && (only == nil || $0.lastPathComponent == only) }
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
