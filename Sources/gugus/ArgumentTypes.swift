import ArgumentParser
import GugusModel

// The values the CLI's options take, typed: ArgumentParser parses them before a command runs,
// lists the valid ones in the help, and refuses a bad one as a usage error (exit 2) that
// names the option and the value. The parsers are the model's own, as the API's are.

extension CivilDate: ExpressibleByArgument {
    public init?(argument: String) {
        guard let date = try? CivilDate.parse(argument, field: "date") else { return nil }
        self = date
    }
}

extension TaskForceRef: ExpressibleByArgument {
    public init?(argument: String) {
        guard let reference = try? TaskForceRef(parsing: argument) else { return nil }
        self = reference
    }
}

extension DurationText: ExpressibleByArgument {
    public init?(argument: String) {
        guard let duration = try? DurationText(parsing: argument, field: "duration") else { return nil }
        self = duration
    }
}

/// A closed set: the same lenient reading as everywhere (any case, spaces for underscores),
/// and its values in the help.
extension Choice {
    init?(choiceArgument argument: String) {
        guard let value = try? Self.parse(argument, field: "value") else { return nil }
        self = value
    }
}

extension MemberRole: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension Decree.Kind: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension Region.Level: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension OutreachSession.Format: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension OutreachSession.Mode: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension OutreachSession.Status: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension Participant.Role: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension ReminderRule.Kind: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension ReminderRule.Audience: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension ReminderRule.Channel: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension Reminder.Status: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension Caller.Role: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension ReportPeriod.Kind: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension EntryProgress: ExpressibleByArgument { public init?(argument: String) { self.init(choiceArgument: argument) } }
extension Language: ExpressibleByArgument {}
