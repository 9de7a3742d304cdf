import Foundation

/// Where and how the e-mail channel submits reminders: the parsed form of `GUGUS_SMTP_URL`.
///
/// Accepted forms:
/// - `smtp://[user:password@]host[:port]`: plain connection (port 25 by default; 587 works
///   the same way) that upgrades with STARTTLS whenever the server offers it;
/// - `smtp://host:port?starttls=required`: refuse to send unless the session is upgraded;
/// - `smtps://[user:password@]host[:port]`: implicit TLS from the first byte (port 465 by
///   default).
///
/// Query parameters: `starttls=opportunistic|required` (smtp only), `tls_verify=true|false`
/// (`false` accepts any certificate, for tests and internal relays with self-signed
/// certificates), `timeout=30s` (per protocol step; `500ms`, `30`, `30s`, `2m`) and
/// `local_hostname=NAME` (the EHLO name; the local address literal by default).
///
/// The sender address (`GUGUS_MAIL_FROM`) is not part of this value: see ``MailAddress``.
public struct SMTPConfiguration: Sendable, Hashable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Hashable {
        /// Plain TCP, upgraded with STARTTLS when the server advertises it. Without the
        /// upgrade, credentials are sent only to a loopback server.
        case startTLSIfOffered
        /// Plain TCP that must be upgraded with STARTTLS; without it nothing is sent.
        case startTLSRequired
        /// TLS from the first byte (`smtps://`, RFC 8314).
        case implicitTLS
    }

    /// A user name and password for SMTP AUTH. The password never appears in descriptions,
    /// so a configuration can be logged.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        public var description: String { "\(self.username):<redacted>" }
        public var debugDescription: String { self.description }
        // `dump()` and `String(reflecting:)` walk the mirror, not `description`.
        public var customMirror: Mirror { Mirror(self, children: ["username": self.username]) }
    }

    public static let defaultTimeout: Duration = .seconds(30)

    public var host: String
    public var port: Int
    public var security: Security
    public var credentials: Credentials?
    /// `false` accepts any server certificate (`tls_verify=false`).
    public var verifiesCertificate: Bool
    /// The limit for each protocol step: connecting, every command's reply, the TLS handshake.
    public var timeout: Duration
    /// The name sent with EHLO/HELO. `nil` sends the local address as an address literal,
    /// which RFC 5321 allows when the client has no meaningful host name.
    public var localHostname: String?

    public init(
        host: String,
        port: Int? = nil,
        security: Security = .startTLSIfOffered,
        credentials: Credentials? = nil,
        verifiesCertificate: Bool = true,
        timeout: Duration = SMTPConfiguration.defaultTimeout,
        localHostname: String? = nil
    ) {
        self.host = host
        self.port = port ?? (security == .implicitTLS ? 465 : 25)
        self.security = security
        self.credentials = credentials
        self.verifiesCertificate = verifiesCertificate
        self.timeout = timeout
        self.localHostname = localHostname
    }

    /// Parses `GUGUS_SMTP_URL`. Throws ``SMTPConfigurationError``, whose message repeats the
    /// value with its password masked and shows the expected form.
    public init(url string: String) throws(SMTPConfigurationError) {
        func invalid(_ reason: String) -> SMTPConfigurationError {
            SMTPConfigurationError(value: string, reason: reason)
        }

        let trimmed = string.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw invalid("it is empty") }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased()
        else {
            throw invalid("it is not a URL (reserved characters in the password must be percent-encoded)")
        }

        let implicitTLS: Bool
        switch scheme {
        case "smtp": implicitTLS = false
        case "smtps": implicitTLS = true
        default: throw invalid("the scheme must be smtp or smtps, not '\(scheme)'")
        }

        guard var host = components.host, !host.isEmpty else { throw invalid("it has no host") }
        // An IPv6 literal is written [::1] in a URL, but connected to as ::1.
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty else { throw invalid("it has no host") }
        if let port = components.port, !(1...65535).contains(port) {
            throw invalid("the port \(port) is outside 1–65535")
        }
        guard components.path.isEmpty || components.path == "/" else {
            throw invalid("it has a path ('\(components.path)'); an SMTP URL ends after host:port")
        }

        var credentials: Credentials?
        switch (components.percentEncodedUser, components.percentEncodedPassword) {
        case (nil, nil):
            break
        case (let user?, let password?):
            guard let username = user.removingPercentEncoding, let password = password.removingPercentEncoding
            else { throw invalid("the user or password has a malformed percent-escape") }
            guard !username.isEmpty else { throw invalid("it has a password but no user name") }
            credentials = Credentials(username: username, password: password)
        case (_?, nil):
            throw invalid("it has a user name but no password (write user:password@host)")
        case (nil, _?):
            throw invalid("it has a password but no user name")
        }

        var security: Security = implicitTLS ? .implicitTLS : .startTLSIfOffered
        var verifiesCertificate = true
        var timeout = Self.defaultTimeout
        var localHostname: String?
        var seen: Set<String> = []
        for item in components.queryItems ?? [] {
            let name = item.name.lowercased()
            guard seen.insert(name).inserted else { throw invalid("the parameter '\(item.name)' is given twice") }
            let value = item.value ?? ""
            switch name {
            case "starttls":
                guard !implicitTLS else {
                    throw invalid("starttls does not apply to smtps://, which is TLS from the start")
                }
                switch value.lowercased() {
                case "required", "require", "true", "yes", "1": security = .startTLSRequired
                case "opportunistic", "optional", "auto": security = .startTLSIfOffered
                default: throw invalid("starttls must be 'required' or 'opportunistic', not '\(value)'")
                }
            case "tls_verify":
                switch value.lowercased() {
                case "true", "yes", "1": verifiesCertificate = true
                case "false", "no", "0": verifiesCertificate = false
                default: throw invalid("tls_verify must be true or false, not '\(value)'")
                }
            case "timeout":
                guard let parsed = Self.parseTimeout(value) else {
                    throw invalid("timeout must be a positive duration such as 30s, 500ms or 2m, not '\(value)'")
                }
                timeout = parsed
            case "local_hostname":
                guard Self.isValidLocalHostname(value) else {
                    throw invalid("local_hostname must be a domain name such as gugus.example.go.id, not '\(value)'")
                }
                localHostname = value
            default:
                throw invalid(
                    "unknown parameter '\(item.name)' (known: starttls, tls_verify, timeout, local_hostname)"
                )
            }
        }

        self.init(
            host: host,
            port: components.port,
            security: security,
            credentials: credentials,
            verifiesCertificate: verifiesCertificate,
            timeout: timeout,
            localHostname: localHostname
        )
    }

    /// `30`, `30s`, `500ms`, `2m`; a bare number is seconds.
    static func parseTimeout(_ text: String) -> Duration? {
        let text = text.lowercased()
        let (digits, scale): (Substring, Double) =
            if text.hasSuffix("ms") {
                (text.dropLast(2), 0.001)
            } else if text.hasSuffix("s") {
                (text.dropLast(), 1)
            } else if text.hasSuffix("m") {
                (text.dropLast(), 60)
            } else {
                (Substring(text), 1)
            }
        guard let number = Double(digits), number.isFinite, number > 0, number * scale <= 3600 else { return nil }
        return .milliseconds(Int64((number * scale * 1000).rounded()))
    }

    static func milliseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Letters, digits, hyphens and dots: what a mail server accepts as an EHLO domain.
    static func isValidLocalHostname(_ name: String) -> Bool {
        guard (1...253).contains(name.utf8.count) else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}

extension SMTPConfiguration: CustomStringConvertible {
    /// The configuration as a URL, with the password masked: safe for logs.
    public var description: String {
        var text = self.security == .implicitTLS ? "smtps://" : "smtp://"
        if let credentials {
            let user = credentials.username.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed)
            text += "\(user ?? credentials.username):<redacted>@"
        }
        text += self.host.contains(":") ? "[\(self.host)]" : self.host
        text += ":\(self.port)"
        var parameters: [String] = []
        if self.security == .startTLSRequired { parameters.append("starttls=required") }
        if !self.verifiesCertificate { parameters.append("tls_verify=false") }
        if self.timeout != Self.defaultTimeout {
            parameters.append("timeout=\(Self.milliseconds(of: self.timeout))ms")
        }
        if let localHostname { parameters.append("local_hostname=\(localHostname)") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }
}

/// A `GUGUS_SMTP_URL` that cannot be used. The message masks the password.
public struct SMTPConfigurationError: Error, Hashable, CustomStringConvertible {
    /// The offending value with any password replaced by `<redacted>`.
    public let value: String
    public let reason: String

    init(value: String, reason: String) {
        self.value = Self.maskingPassword(in: value)
        self.reason = reason
    }

    public static let expectedForm =
        "smtp://[user:password@]host[:port][?starttls=required] or smtps://[user:password@]host[:port]"
        + " (optional: tls_verify=false, timeout=30s, local_hostname=NAME)"

    public var description: String {
        "The SMTP URL '\(self.value)' is not valid: \(self.reason). Expected \(Self.expectedForm)."
    }

    /// Masks what lies between the user name and the last `@` of the authority. Works on text
    /// that is not a valid URL too, since that is exactly when this error is shown.
    static func maskingPassword(in text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let authorityStart = schemeEnd.upperBound
        // A password may itself contain '/', '?' or '#' when it was not percent-encoded, so the
        // authority ends at the last '@' if there is one.
        guard let at = text[authorityStart...].lastIndex(of: "@") else { return text }
        guard let colon = text[authorityStart..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "<redacted>" + String(text[at...])
    }
}
