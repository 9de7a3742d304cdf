/// A closed set of values typed by users (roles, formats, channels …). Decoding one from JSON
/// that is not in the set names the field, the value and the valid ones, like the CLI does.
public protocol Choice: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {}

extension Choice {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            let field = decoder.codingPath.last.map { GugusJSON.snakeCase($0.stringValue) } ?? "value"
            let valid = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw GugusError.invalid(field: field, value: text, Localized(
                id: "\(field) '\(text)' tidak dikenal; pilih salah satu: \(valid)", en: "unknown \(field) '\(text)'; use one of: \(valid)"))
        }
        self = value
    }
}

extension MemberRole: Choice {}
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
extension Caller.Role: Choice {}
extension TaskForceState: Choice {}
