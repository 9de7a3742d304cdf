/// The languages Gugus speaks. Indonesian is the default everywhere: for the CLI,
/// for error messages and for reminders.
public enum Language: String, Sendable, Codable, CaseIterable {
    case id
    case en

    /// Picks the language from a `--lang` value or a POSIX `LANG` such as `en_US.UTF-8`.
    /// Anything that is not English falls back to Indonesian.
    public init(tag: String?) {
        guard let tag = tag?.lowercased(), !tag.isEmpty else { self = .id; return }
        self = tag.hasPrefix("en") ? .en : .id
    }
}

/// A text in both languages, chosen at the edge (CLI output, HTTP response, message).
/// Keeping both side by side keeps every message next to the code that raises it.
public struct Localized: Sendable, Hashable, Codable, CustomStringConvertible {
    public var id: String
    public var en: String

    public init(id: String, en: String) {
        self.id = id
        self.en = en
    }

    /// The same text in both languages: for values, names and codes.
    public init(verbatim text: String) {
        self.init(id: text, en: text)
    }

    public func text(_ language: Language) -> String {
        switch language {
        case .id: id
        case .en: en
        }
    }

    public var description: String { en }
}
