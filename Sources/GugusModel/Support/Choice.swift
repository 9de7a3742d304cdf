import Foundation

/// A closed set of values typed by users (roles, formats, channels …). One parser serves the
/// CLI's options, the API's query parameters and JSON bodies: a value outside the set is
/// refused with the field, the value and the valid ones.
public protocol Choice: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {
    /// How messages name the value when the field's name would not do (a CSV column such as
    /// `peran` is still a role in English); nil names it by its field.
    static var label: Localized? { get }
}

extension Choice {
    public static var label: Localized? { nil }

    /// The value as typed: any case, spaces or hyphens for underscores.
    public static func parse(_ text: String, field: String) throws(GugusError) -> Self {
        let normalized = text.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        if let value = Self(rawValue: text) ?? Self(rawValue: normalized) { return value }
        throw GugusError.unknownChoice(field: field, value: text, valid: allCases.map(\.rawValue), label: label)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            let field = decoder.codingPath.last.map { GugusJSON.snakeCase($0.stringValue) } ?? "value"
            throw GugusError.unknownChoice(field: field, value: text, valid: Self.allCases.map(\.rawValue))
        }
        self = value
    }
}

extension MemberRole: Choice {
    public static var label: Localized? { Localized(id: "peran", en: "role") }
}
extension Decree.Kind: Choice {}
extension Region.Level: Choice {}
extension OutreachSession.Format: Choice {}
extension OutreachSession.Mode: Choice {}
extension OutreachSession.Status: Choice {}
extension Participant.Role: Choice {}
extension Participant.Registration: Choice {}
extension ReminderRule.Kind: Choice {}
extension ReminderRule.Audience: Choice {}
extension ReminderRule.Channel: Choice {}
extension Reminder.Status: Choice {}
extension Reminder.Kind: Choice {}
extension Caller.Role: Choice {}
extension TaskForceState: Choice {}
extension ReportAction.Assignment: Choice {}
extension ReportPeriod.Kind: Choice {}
extension ReportState: Choice {}
extension EntryProgress: Choice {}
extension Evidence.Kind: Choice {}
extension ReportStep: Choice {}
