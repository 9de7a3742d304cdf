import Foundation
import GugusModel

/// How the scheduler delivers, read from the environment (flags win where the CLI has them).
public struct SchedulerConfiguration: Sendable {
    /// A reminder later than this is skipped as late rather than sent (`GUGUS_CATCHUP`, 6h).
    public var catchUp: DurationText
    /// SMTP server for the e-mail channel (`GUGUS_SMTP_URL`), and the sender (`GUGUS_MAIL_FROM`).
    public var smtpURL: String?
    public var mailFrom: String
    /// Default webhook target (`GUGUS_WEBHOOK_URL`); a rule may name its own.
    public var webhookURL: String?
    /// HMAC-SHA256 key for the webhook signature header (`GUGUS_WEBHOOK_SECRET`).
    public var webhookSecret: String?
    public var webhookTimeout: Duration
    /// Where the log channel writes JSON lines (`GUGUS_REMINDER_LOG`); stdout when nil.
    public var logPath: String?
    /// The server's public address, for links in messages (`GUGUS_PUBLIC_URL`).
    public var publicURL: String?
    /// Reminders claimed at once, how long a claim lasts without renewal (`GUGUS_LEASE`, 30s:
    /// a worker that dies holds its reminders this long before another takes them), attempts
    /// before `dead` (`GUGUS_MAX_ATTEMPTS`, 5).
    public var batchSize: Int
    public var lease: Duration
    public var maxAttempts: Int
    /// The first retry waits about this long (`GUGUS_RETRY_BASE`, 30s); each later one twice
    /// as long, with jitter.
    public var retryBase: Duration
    /// A slow safety poll under the LISTEN/NOTIFY and due-time wake-ups.
    public var safetyPoll: Duration
    /// How many webhook or e-mail deliveries run at once.
    public var concurrency: Int

    public init(
        catchUp: DurationText = DurationText(seconds: 6 * 3600)!, smtpURL: String? = nil, mailFrom: String = "Gugus <gugus@localhost>",
        webhookURL: String? = nil, webhookSecret: String? = nil, webhookTimeout: Duration = .seconds(10), logPath: String? = nil,
        publicURL: String? = nil, batchSize: Int = 500, lease: Duration = .seconds(30), maxAttempts: Int = 5,
        retryBase: Duration = .seconds(30), safetyPoll: Duration = .seconds(60), concurrency: Int = 16
    ) {
        self.catchUp = catchUp
        self.smtpURL = smtpURL
        self.mailFrom = mailFrom
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.webhookTimeout = webhookTimeout
        self.logPath = logPath
        self.publicURL = publicURL
        self.batchSize = batchSize
        self.lease = lease
        self.maxAttempts = maxAttempts
        self.retryBase = retryBase
        self.safetyPoll = safetyPoll
        self.concurrency = concurrency
    }

    /// From `GUGUS_*` variables; a bad value is named.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(GugusError) -> SchedulerConfiguration {
        var configuration = SchedulerConfiguration()
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let catchUp = value("GUGUS_CATCHUP") { configuration.catchUp = try DurationText(parsing: catchUp, field: "GUGUS_CATCHUP") }
        configuration.smtpURL = value("GUGUS_SMTP_URL")
        if let from = value("GUGUS_MAIL_FROM") { configuration.mailFrom = from }
        configuration.webhookURL = value("GUGUS_WEBHOOK_URL")
        configuration.webhookSecret = value("GUGUS_WEBHOOK_SECRET")
        configuration.logPath = value("GUGUS_REMINDER_LOG")
        configuration.publicURL = value("GUGUS_PUBLIC_URL")
        if let attempts = value("GUGUS_MAX_ATTEMPTS") {
            guard let number = Int(attempts), number >= 1 else {
                throw GugusError.invalid(field: "GUGUS_MAX_ATTEMPTS", value: attempts, Localized(
                    id: "GUGUS_MAX_ATTEMPTS harus bilangan ≥ 1", en: "GUGUS_MAX_ATTEMPTS must be a number ≥ 1"))
            }
            configuration.maxAttempts = number
        }
        if let base = value("GUGUS_RETRY_BASE") { configuration.retryBase = try span(base, field: "GUGUS_RETRY_BASE") }
        if let lease = value("GUGUS_LEASE") {
            configuration.lease = try span(lease, field: "GUGUS_LEASE")
            guard configuration.lease >= .seconds(1) else {
                throw GugusError.invalid(field: "GUGUS_LEASE", value: lease, Localized(
                    id: "GUGUS_LEASE minimal 1s", en: "GUGUS_LEASE must be at least 1s"))
            }
        }
        return configuration
    }

    /// A span for the tuning variables, which may be shorter than a minute (tests, fast
    /// rescue): whole seconds (`5s`) or milliseconds (`500ms`), else a `DurationText`
    /// (`1m`, `2h`).
    static func span(_ text: String, field: String) throws(GugusError) -> Duration {
        let written = text.trimmingCharacters(in: .whitespaces).lowercased()
        if written.hasSuffix("ms"), let amount = Int(written.dropLast(2)), amount > 0 { return .milliseconds(amount) }
        if written.hasSuffix("s"), let amount = Int(written.dropLast()), amount > 0 { return .seconds(amount) }
        do {
            return .seconds(try DurationText(parsing: text, field: field).seconds)
        } catch {
            throw GugusError.invalid(field: field, value: text, Localized(
                id: "'\(text)' bukan durasi yang valid untuk \(field); tulis misalnya 500ms, 5s, 1m atau 1h",
                en: "'\(text)' is not a valid duration for \(field); write for example 500ms, 5s, 1m or 1h"))
        }
    }
}
