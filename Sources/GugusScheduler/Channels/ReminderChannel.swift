import Foundation
import GugusModel

/// A reminder ready to go: who, what, and the key that makes repeats recognisable.
public struct Delivery: Sendable {
    public var reminderID: Int64
    public var idempotencyKey: String
    public var channel: ReminderRule.Channel
    public var recipientName: String
    public var recipientEmail: String?
    public var language: Language
    public var webhookURL: String?
    public var message: ReminderMessage
    /// The JSON document the log and webhook channels send.
    public var payload: ReminderPayload
    /// The session as an iCalendar invitation, for e-mail.
    public var calendar: Calendar?
    /// The signed one-click opt-out (RFC 8058 `List-Unsubscribe`), when the server has a public address.
    public var optOutURL: String? = nil

    public struct Calendar: Sendable {
        public var method: ICSCalendar.Method
        public var text: String
    }
}

/// Why a delivery failed, and whether trying again could help.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// A 5xx from an SMTP server, a 4xx from a webhook: retrying will not help.
    public var isPermanent: Bool

    public init(_ description: String, permanent: Bool = false) {
        self.description = description
        self.isPermanent = permanent
    }
}

/// Where reminders go.
public protocol ReminderChannel: Sendable {
    func deliver(_ deliveries: [Delivery]) async -> [Result<Void, DeliveryError>]
}
