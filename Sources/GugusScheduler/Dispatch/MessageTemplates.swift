/// The reminder message templates from `templates/`, embedded in the binary at build time.
public enum MessageTemplates {
    /// The template text for a name such as `session-reminder.id`, or nil.
    public static func text(named name: String) -> String? {
        EmbeddedTemplates.files.first { $0.name == name + ".mustache" }?.contents
    }

    public static var names: [String] {
        EmbeddedTemplates.files.map { String($0.name.dropLast(".mustache".count)) }
    }
}
