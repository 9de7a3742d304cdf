import CLibPQ
import Foundation

/// Where and how to connect, as libpq keyword/value pairs.
///
/// Everything goes to `PQconnectdbParams`; nothing here builds a connection string by hand.
/// A URL is handed to libpq itself to parse (`expand_dbname`), so every form libpq accepts
/// (`postgres://`, `postgresql://`, unix sockets in `host=`, query parameters) works.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    public var parameters: [(key: String, value: String)]
    var expandDatabaseName: Bool
    /// Server settings for every session, as `-c name=value` options: a statement timeout,
    /// say. Added to the ones the decoding relies on.
    public var sessionSettings: [String: String] = [:]
    /// The statements each connection keeps prepared (``PostgresConnection/query(_:file:line:)``).
    /// 0 sends every statement unnamed, as a transaction-mode pooler without support for
    /// prepared statements needs (pgbouncer before 1.21).
    public var statementCacheCapacity = PostgresConfiguration.defaultStatementCacheCapacity
    public static let defaultStatementCacheCapacity = 256

    /// A `postgres://` or `postgresql://` URL, or a `key=value` connection string.
    public static func url(_ url: String) throws(PostgresError) -> PostgresConfiguration {
        try validate(url)
        return PostgresConfiguration(parameters: [("dbname", url)], expandDatabaseName: true)
    }

    /// Keyword settings such as `["host": "/run/postgresql", "dbname": "gugus"]`.
    public static func keywords(_ keywords: [String: String]) -> PostgresConfiguration {
        PostgresConfiguration(
            parameters: keywords.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            expandDatabaseName: false)
    }

    /// libpq's own defaults: the `PG*` environment variables, `~/.pgpass`, a service file.
    public static var environment: PostgresConfiguration {
        PostgresConfiguration(parameters: [], expandDatabaseName: false)
    }

    /// Adds a setting; it overrides the same setting from a URL or an earlier keyword.
    public func with(_ key: String, _ value: String) -> PostgresConfiguration {
        var copy = self
        copy.parameters.append((key, value))
        return copy
    }

    /// The same server with another database name.
    public func database(_ name: String) -> PostgresConfiguration {
        with("dbname", name)
    }

    /// The settings libpq would use: its defaults and the `PG*` environment, then the URL,
    /// then the keywords. Nothing connects.
    public func resolvedSettings() -> [String: String] {
        var settings: [String: String] = [:]
        func absorb(_ options: UnsafeMutablePointer<PQconninfoOption>?) {
            guard let options else { return }
            var index = 0
            while let keyword = options[index].keyword {
                if let value = options[index].val { settings[String(cString: keyword)] = String(cString: value) }
                index += 1
            }
            PQconninfoFree(options)
        }
        absorb(PQconndefaults())
        for (index, parameter) in parameters.enumerated() {
            if index == 0, expandDatabaseName, parameter.key == "dbname" {
                absorb(PQconninfoParse(parameter.value, nil))
            } else {
                settings[parameter.key] = parameter.value
            }
        }
        return settings
    }

    /// Where this connects, without the password: for logs and messages.
    public var description: String {
        let settings = resolvedSettings()
        let host = settings["host"].flatMap { $0.isEmpty ? nil : $0 } ?? settings["hostaddr"] ?? "localhost"
        let port = settings["port"].flatMap { $0.isEmpty ? nil : $0 } ?? "5432"
        let database = settings["dbname"] ?? settings["user"] ?? "?"
        let user = settings["user"].map { "\($0)@" } ?? ""
        return host.hasPrefix("/") ? "\(user)\(host)/.s.PGSQL.\(port) database \(database)" : "\(user)\(host):\(port)/\(database)"
    }

    /// Runs `body` with NULL-terminated C arrays of keywords and values.
    func withConnectParameters<T>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) throws -> T
    ) rethrows -> T {
        // Session settings that the decoding relies on come first, so a user's own
        // `options` in the URL still wins.
        let all: [(String, String)] = [
            ("client_encoding", "UTF8"),
            ("options", (["-c DateStyle=ISO -c TimeZone=UTC -c IntervalStyle=postgres"]
                         + sessionSettings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }).joined(separator: " ")),
            ("application_name", "gugus"),
        ] + parameters.map { ($0.key, $0.value) }
        let keys = all.map { strdup($0.0) }
        let values = all.map { strdup($0.1) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keyPointers = keys.map { UnsafePointer<CChar>($0) } + [nil]
        let valuePointers = values.map { UnsafePointer<CChar>($0) } + [nil]
        return try keyPointers.withUnsafeBufferPointer { keyBuffer in
            try valuePointers.withUnsafeBufferPointer { valueBuffer in
                try body(keyBuffer.baseAddress!, valueBuffer.baseAddress!)
            }
        }
    }

    /// Checks a URL or connection string with libpq's own parser, for an early, clear error.
    private static func validate(_ url: String) throws(PostgresError) {
        var message: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(url, &message)
        if let options { PQconninfoFree(options) }
        if let message {
            let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfreemem(message)
            throw PostgresError(.connection, message: "invalid database URL: \(text)")
        }
        if options == nil {
            throw PostgresError(.connection, message: "invalid database URL")
        }
    }
}
