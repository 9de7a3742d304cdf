import Foundation
import Postgres

extension TestDatabase {
    /// A `postgresql://` URL for a test database, for a `gugus --database-url` run as a
    /// separate process. Built from the settings libpq would use, so a socket directory, a
    /// port or a user from the environment carry over.
    public static func url(for configuration: PostgresConfiguration) -> String {
        let settings = configuration.resolvedSettings()
        let database = settings["dbname"] ?? "postgres"
        var query: [String] = []
        for key in ["host", "hostaddr", "port", "user", "password", "sslmode"] {
            if let value = settings[key], !value.isEmpty {
                query.append("\(key)=\(percentEncoded(value))")
            }
        }
        return "postgresql:///\(percentEncoded(database))" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// A new migrated database and its URL.
    public static func makeMigratedURL() async throws -> String {
        url(for: try await makeMigrated())
    }

    private static func percentEncoded(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
