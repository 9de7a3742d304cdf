import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Submits one ``EmailMessage`` per connection to the SMTP server in an ``SMTPConfiguration``.
///
/// The conversation is RFC 5321 submission, kept deliberately small: greeting, EHLO (HELO for
/// servers that do not know it), STARTTLS when offered or required (then EHLO again), AUTH
/// PLAIN or LOGIN when credentials are configured, MAIL FROM, one RCPT TO per recipient, DATA,
/// QUIT. Every step, including connecting and the TLS handshake, is bounded by the
/// configuration's timeout.
///
/// A connection per message keeps the client stateless and `Sendable`; reminders are few, and
/// the server's per-connection limits and idle timeouts never come into play.
///
/// Failures are ``SMTPError``s whose ``SMTPError/isPermanent`` tells the scheduler whether a
/// retry can help. A reply to the final "." that never arrives is reported as a transient
/// timeout even though the server may have taken the message; the retry then carries the same
/// `Message-ID`, which is what lets a receiver drop the repeat.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let tlsContext: NIOSSLContext

    /// Throws an ``SMTPError`` when TLS cannot be set up (for example unreadable system trust
    /// roots), so a broken installation shows at start-up rather than at the first reminder.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "gugus.smtp")
    ) throws {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "smtp.server"] = "\(configuration.serverDescription)"
        self.logger = logger

        var tls = TLSConfiguration.makeClientConfiguration()
        if !configuration.verifiesCertificate {
            tls.certificateVerification = .none
        }
        do {
            // One context for every connection: it holds the loaded trust roots.
            self.tlsContext = try NIOSSLContext(configuration: tls)
        } catch {
            throw SMTPError(
                step: .tlsHandshake,
                kind: .tls,
                server: configuration.serverDescription,
                detail: "cannot set up TLS: \(error)"
            )
        }
    }

    /// Sends `message` to all its recipients in one transaction, or to none: a recipient the
    /// server refuses fails the whole send before DATA.
    ///
    /// - Throws: ``SMTPError``, or `CancellationError` when the task is cancelled.
    public func send(_ message: EmailMessage) async throws {
        var logger = self.logger
        logger[metadataKey: "smtp.message-id"] = "\(message.messageID)"
        let configuration = self.configuration
        let server = configuration.serverDescription

        let channel: NIOAsyncChannel<String, ByteBuffer>
        do {
            channel = try await self.connect()
        } catch {
            try Task.checkCancellation()
            throw SMTPError.classifying(error, step: .connect, server: server)
        }

        try await channel.executeThenClose { inbound, outbound in
            var conversation = SMTPConversation(
                replies: inbound.makeAsyncIterator(),
                outbound: outbound,
                channel: channel.channel,
                configuration: configuration,
                tlsContext: self.tlsContext,
                logger: logger
            )
            do {
                try await conversation.deliver(message)
            } catch {
                try Task.checkCancellation()
                let failure = SMTPError.classifying(error, step: conversation.step, server: server)
                if failure.kind == .rejected || failure.kind == .refusedLocally {
                    // The connection still works: say goodbye so the server does not log an
                    // aborted session. Its answer does not matter.
                    await conversation.sendQuitWithoutWaiting()
                }
                logger.debug("SMTP send failed", metadata: ["error": "\(failure)"])
                throw failure
            }
        }
    }

    private func connect() async throws -> NIOAsyncChannel<String, ByteBuffer> {
        let configuration = self.configuration
        let tlsContext = self.tlsContext
        let timeout = TimeAmount(configuration.timeout)
        return try await ClientBootstrap(group: self.eventLoopGroup)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if configuration.security == .implicitTLS {
                        try pipeline.addHandler(
                            NIOSSLClientHandler(context: tlsContext, serverHostname: configuration.tlsServerName)
                        )
                    }
                    try pipeline.addHandler(SMTPLineFramer(replyTimeout: timeout))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }
}

// MARK: - Errors

/// A failed SMTP send: which step failed, how, and what the server said.
///
/// ``isPermanent`` is true for 5xx replies (the server will refuse this message again) and for
/// refusals by this client's own policy (nothing changes until the configuration does). Every
/// other failure, 4xx replies, network errors, timeouts, TLS failures and malformed replies,
/// is transient: a retry may succeed.
public struct SMTPError: Error, Hashable, CustomStringConvertible {
    public enum Step: String, Sendable, Hashable, CustomStringConvertible {
        case connect = "connect"
        case greeting = "greeting"
        case ehlo = "EHLO"
        case helo = "HELO"
        case startTLS = "STARTTLS"
        case tlsHandshake = "TLS handshake"
        case authentication = "AUTH"
        case mailFrom = "MAIL FROM"
        case recipient = "RCPT TO"
        case data = "DATA"
        case messageTransfer = "message transfer"
        case quit = "QUIT"

        public var description: String { self.rawValue }
    }

    public enum Kind: String, Sendable, Hashable {
        /// The server answered with a 4xx or 5xx reply.
        case rejected
        /// The server's reply was malformed or not one this step allows.
        case unexpectedReply
        /// The connection could not be made, or broke.
        case network
        /// No reply within the configured timeout.
        case timeout
        /// The TLS handshake failed, for example on certificate verification.
        case tls
        /// This client refused to go on: STARTTLS required but not offered, credentials that
        /// would cross the network in clear text, no AUTH mechanism in common.
        case refusedLocally
    }

    public let step: Step
    public let kind: Kind
    /// `host:port`.
    public let server: String
    /// The server's reply code, when there was a reply.
    public let code: Int?
    /// The server's reply text (lines joined with spaces), when there was a reply.
    public let serverText: String?
    /// What went wrong, in this client's words.
    public let detail: String

    init(step: Step, kind: Kind, server: String, code: Int? = nil, serverText: String? = nil, detail: String) {
        self.step = step
        self.kind = kind
        self.server = server
        self.code = code
        self.serverText = serverText
        self.detail = detail
    }

    public var isPermanent: Bool {
        if self.kind == .refusedLocally { return true }
        guard let code else { return false }
        return (500..<600).contains(code)
    }

    public var description: String {
        var text = "SMTP \(self.step) with \(self.server) failed (\(self.isPermanent ? "permanent" : "transient")): "
        text += self.detail
        if let code {
            text += "; the server replied \(code)"
            if let serverText, !serverText.isEmpty { text += " \(serverText)" }
        }
        return text
    }

    /// Turns whatever a step threw into an ``SMTPError``.
    static func classifying(_ error: any Error, step: Step, server: String) -> SMTPError {
        switch error {
        case let error as SMTPError:
            return error
        case is SMTPReplyTimeout:
            return SMTPError(step: step, kind: .timeout, server: server, detail: "no reply within the timeout")
        case ChannelError.connectTimeout:
            return SMTPError(step: step, kind: .timeout, server: server, detail: "could not connect within the timeout")
        case let error as NIOConnectionError:
            let causes = error.connectionErrors.map { failure in
                let address = failure.target.ipAddress ?? "\(failure.target)"
                // IOError's own description names the syscall; the errno text is what an operator needs.
                let reason = (failure.error as? IOError).map { String(cString: strerror($0.errnoCode)) }
                return "\(address): \(reason ?? "\(failure.error)")"
            }
            let dnsError = error.dnsAError ?? error.dnsAAAAError
            let reason = dnsError.map { "cannot resolve \(error.host): \($0)" } ?? causes.joined(separator: "; ")
            return SMTPError(step: step, kind: .network, server: server, detail: "could not connect: \(reason)")
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return SMTPError(step: .tlsHandshake, kind: .tls, server: server, detail: "TLS failed: \(error)")
        case let error as SMTPLineFramer.LineTooLong:
            return SMTPError(
                step: step,
                kind: .unexpectedReply,
                server: server,
                detail: "the server sent a line longer than \(error.limit) bytes"
            )
        default:
            return SMTPError(step: step, kind: .network, server: server, detail: "connection failed: \(error)")
        }
    }
}

// MARK: - The conversation

/// One reply: its code and the text of each line after the code.
struct SMTPReply: Sendable, Hashable {
    var code: Int
    var lines: [String]

    var text: String { self.lines.joined(separator: " ") }
}

/// The command/reply exchange over one connection. It is a value owned by `send`'s task, so
/// the single-consumer reply iterator is never shared.
private struct SMTPConversation {
    var replies: NIOAsyncChannelInboundStream<String>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    let configuration: SMTPConfiguration
    let tlsContext: NIOSSLContext
    let logger: Logger

    /// The step in progress; an error thrown from below is attributed to it.
    var step: SMTPError.Step = .greeting
    /// Lines taken from `replies`, compared with what the framer emitted before STARTTLS.
    var linesConsumed = 0
    var isTLS: Bool

    init(
        replies: NIOAsyncChannelInboundStream<String>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: any Channel,
        configuration: SMTPConfiguration,
        tlsContext: NIOSSLContext,
        logger: Logger
    ) {
        self.replies = replies
        self.outbound = outbound
        self.channel = channel
        self.configuration = configuration
        self.tlsContext = tlsContext
        self.logger = logger
        self.isTLS = configuration.security == .implicitTLS
    }

    var server: String { self.configuration.serverDescription }

    mutating func deliver(_ message: EmailMessage) async throws {
        self.step = .greeting
        try self.expect(try await self.readReply(), 220, orFail: "the server did not greet with 220")

        var capabilities = try await self.hello()

        if !self.isTLS {
            self.step = .startTLS
            if capabilities.offers("STARTTLS") {
                try await self.startTLS()
                capabilities = try await self.hello()
            } else if self.configuration.security == .startTLSRequired {
                throw self.refusal("the server does not offer STARTTLS, and the configuration requires it")
            } else {
                self.logger.debug("SMTP server does not offer STARTTLS; continuing in plain text")
            }
        }

        if let credentials = self.configuration.credentials {
            try await self.authenticate(credentials, capabilities: capabilities)
        }

        self.step = .mailFrom
        try self.expect(
            try await self.command("MAIL FROM:<\(message.from.address)>"),
            250,
            orFail: "the server refused the sender <\(message.from.address)>"
        )

        self.step = .recipient
        for recipient in message.to {
            let reply = try await self.command("RCPT TO:<\(recipient.address)>")
            try self.expect(reply, 250, 251, orFail: "the server refused the recipient <\(recipient.address)>")
        }

        self.step = .data
        try self.expect(try await self.command("DATA"), 354, orFail: "the server refused to take the message")

        self.step = .messageTransfer
        try await self.write(message.smtpDataPayload())
        let accepted = try await self.readReply()
        try self.expect(accepted, 250, orFail: "the server did not accept the message")
        self.logger.debug("SMTP message accepted", metadata: ["smtp.reply": "\(accepted.code) \(accepted.text)"])

        // The message is delivered: nothing after this point may fail the send, or the
        // scheduler would deliver it again.
        self.step = .quit
        do {
            _ = try await self.command("QUIT")
        } catch {
            self.logger.debug("SMTP QUIT failed after delivery", metadata: ["error": "\(error)"])
        }
    }

    /// EHLO, or HELO for a server that does not know EHLO (it then has no extensions).
    private mutating func hello() async throws -> SMTPCapabilities {
        let name = self.configuration.localHostname ?? Self.addressLiteral(self.channel.localAddress)
        self.step = .ehlo
        let reply = try await self.command("EHLO \(name)")
        if reply.code == 250 {
            return SMTPCapabilities(ehloReply: reply)
        }
        // 500/502: command unknown, 504: not implemented (RFC 5321 §4.1.4 says to fall back).
        guard [500, 502, 504].contains(reply.code) else {
            throw self.failure(reply, "the server refused EHLO")
        }
        self.step = .helo
        try self.expect(try await self.command("HELO \(name)"), 250, orFail: "the server refused HELO")
        return SMTPCapabilities(ehloReply: nil)
    }

    private mutating func startTLS() async throws {
        self.step = .startTLS
        try self.expect(try await self.command("STARTTLS"), 220, orFail: "the server refused STARTTLS")

        // Insert TLS in front of everything, on the event loop, in the same turn as checking that
        // nothing arrived after the 220. Plain-text bytes sent before the handshake would
        // otherwise be read as if they came through TLS (the STARTTLS injection attack).
        self.step = .tlsHandshake
        let channel = self.channel
        let tlsContext = self.tlsContext
        let serverName = self.configuration.tlsServerName
        let linesConsumed = self.linesConsumed
        let server = self.server
        try await channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            let framer = try pipeline.handler(type: SMTPLineFramer.self)
            guard framer.linesEmitted == linesConsumed, !framer.hasBufferedBytes else {
                throw SMTPError(
                    step: .startTLS,
                    kind: .unexpectedReply,
                    server: server,
                    detail: "the server sent data after its STARTTLS reply, before the TLS handshake"
                )
            }
            try pipeline.addHandler(
                NIOSSLClientHandler(context: tlsContext, serverHostname: serverName),
                position: .first
            )
        }.get()
        self.isTLS = true
        // The handshake runs now; its failure surfaces on the next read, as a TLS error.
    }

    private mutating func authenticate(
        _ credentials: SMTPConfiguration.Credentials,
        capabilities: SMTPCapabilities
    ) async throws {
        self.step = .authentication
        guard self.isTLS || Self.isLoopback(self.channel.remoteAddress) else {
            throw self.refusal(
                "credentials are configured but the connection is not encrypted (the server offers no STARTTLS);"
                    + " use smtps:// or a server that offers STARTTLS"
            )
        }
        let mechanisms = capabilities.authMechanisms
        if mechanisms.contains("PLAIN") {
            // RFC 4616: authorization identity (empty), NUL, user, NUL, password.
            let response = Data(("\0" + credentials.username + "\0" + credentials.password).utf8).base64EncodedString()
            let reply = try await self.command("AUTH PLAIN \(response)", logAs: "AUTH PLAIN <redacted>")
            try self.expect(reply, 235, orFail: "authentication as \(credentials.username.debugDescription) failed")
        } else if mechanisms.contains("LOGIN") {
            try self.expect(try await self.command("AUTH LOGIN"), 334, orFail: "the server refused AUTH LOGIN")
            let username = Data(credentials.username.utf8).base64EncodedString()
            try self.expect(
                try await self.command(username, logAs: "<username>"),
                334,
                orFail: "authentication as \(credentials.username.debugDescription) failed"
            )
            let password = Data(credentials.password.utf8).base64EncodedString()
            try self.expect(
                try await self.command(password, logAs: "<redacted>"),
                235,
                orFail: "authentication as \(credentials.username.debugDescription) failed"
            )
        } else if mechanisms.isEmpty {
            throw self.refusal("credentials are configured but the server does not offer AUTH")
        } else {
            throw self.refusal(
                "the server offers AUTH \(mechanisms.sorted().joined(separator: " ")),"
                    + " but Gugus supports only PLAIN and LOGIN"
            )
        }
    }

    /// Best effort on a failed session: QUIT without waiting, since the send has failed already.
    mutating func sendQuitWithoutWaiting() async {
        try? await self.outbound.write(ByteBuffer(string: "QUIT\r\n"))
    }

    // MARK: Exchange

    private mutating func command(_ line: String, logAs: String? = nil) async throws -> SMTPReply {
        self.logger.trace("SMTP >", metadata: ["smtp.command": "\(logAs ?? line)"])
        try await self.write(line + "\r\n")
        return try await self.readReply()
    }

    private mutating func write(_ text: String) async throws {
        do {
            try await self.outbound.write(ByteBuffer(string: text))
        } catch {
            // A write fails only once the channel has closed. The inbound side then holds the
            // reason (a TLS alert, a timeout, the server hanging up), which says more than
            // "I/O on closed channel": reading to the end rethrows it.
            while try await self.replies.next() != nil {}
            try Task.checkCancellation()
            throw SMTPError(
                step: self.step,
                kind: .network,
                server: self.server,
                detail: "the connection closed before the command could be sent"
            )
        }
    }

    /// Reads one possibly multi-line reply (`250-…` lines, then `250 …`), RFC 5321 §4.2.1.
    private mutating func readReply() async throws -> SMTPReply {
        var code: Int?
        var lines: [String] = []
        while true {
            guard let line = try await self.replies.next() else {
                try Task.checkCancellation()
                throw SMTPError(
                    step: self.step,
                    kind: .network,
                    server: self.server,
                    code: code,
                    serverText: lines.isEmpty ? nil : lines.joined(separator: " "),
                    detail: "the server closed the connection"
                )
            }
            self.linesConsumed += 1
            self.logger.trace("SMTP <", metadata: ["smtp.reply": "\(line)"])
            guard let parsed = SMTPReplyLine(line), code == nil || code == parsed.code else {
                throw SMTPError(
                    step: self.step,
                    kind: .unexpectedReply,
                    server: self.server,
                    detail: "malformed reply line \(String(line.prefix(200)).debugDescription)"
                )
            }
            code = parsed.code
            lines.append(parsed.text)
            if parsed.isLast {
                return SMTPReply(code: parsed.code, lines: lines)
            }
        }
    }

    private func expect(_ reply: SMTPReply, _ expected: Int..., orFail what: String) throws(SMTPError) {
        guard expected.contains(reply.code) else { throw self.failure(reply, what) }
    }

    private func failure(_ reply: SMTPReply, _ what: String) -> SMTPError {
        // A 2xx or 3xx where an error or another code was due is a protocol problem, not a
        // refusal.
        let kind: SMTPError.Kind = reply.code >= 400 ? .rejected : .unexpectedReply
        return SMTPError(
            step: self.step,
            kind: kind,
            server: self.server,
            code: reply.code,
            serverText: reply.text,
            detail: what
        )
    }

    private func refusal(_ detail: String) -> SMTPError {
        SMTPError(step: self.step, kind: .refusedLocally, server: self.server, detail: detail)
    }

    // MARK: Addresses

    /// The EHLO argument when no name is configured: `[192.0.2.1]` or `[IPv6:2001:db8::1]`
    /// (RFC 5321 §4.1.3).
    static func addressLiteral(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress else { return "[127.0.0.1]" }
        if case .v6 = address { return "[IPv6:\(ip)]" }
        return "[\(ip)]"
    }

    /// Credentials may go in clear text only to this machine, where nothing is on the wire.
    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address, let ip = address.ipAddress?.lowercased() else { return false }
        switch address {
        case .v4: return ip.hasPrefix("127.")
        case .v6: return ip == "::1" || ip.hasPrefix("::ffff:127.")
        default: return false
        }
    }
}

/// One line of a reply: `250-text` (more follow), `250 text` or `250` (last).
struct SMTPReplyLine: Hashable {
    var code: Int
    var isLast: Bool
    var text: String

    init?(_ line: String) {
        let utf8 = Array(line.utf8)
        guard utf8.count >= 3,
            (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(utf8[0]),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(utf8[1]),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(utf8[2])
        else { return nil }
        self.code = utf8[0..<3].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        if utf8.count == 3 {
            self.isLast = true
            self.text = ""
            return
        }
        switch utf8[3] {
        case UInt8(ascii: " "): self.isLast = true
        case UInt8(ascii: "-"): self.isLast = false
        default: return nil
        }
        self.text = String(decoding: utf8[4...], as: UTF8.self)
    }
}

/// The extensions an EHLO reply advertises (its lines after the first), by keyword.
struct SMTPCapabilities: Hashable {
    private var keywords: [String: [String]] = [:]

    init(ehloReply: SMTPReply?) {
        for line in ehloReply?.lines.dropFirst() ?? [] {
            // Old servers write "AUTH=LOGIN PLAIN" beside the standard "AUTH LOGIN PLAIN".
            let words = line.split(whereSeparator: { $0 == " " || $0 == "=" }).map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            self.keywords[keyword, default: []] += words.dropFirst()
        }
    }

    func offers(_ keyword: String) -> Bool { self.keywords[keyword] != nil }

    var authMechanisms: Set<String> { Set(self.keywords["AUTH"] ?? []) }
}

// MARK: - Framing and timeouts

/// Thrown into the pipeline when a reply does not come in time.
struct SMTPReplyTimeout: Error {}

/// Splits the byte stream into reply lines and enforces the per-step timeout.
///
/// The timeout is armed when a command is written (or when the connection opens, for the
/// greeting) and disarmed by the last line of a reply, so it bounds each step from the
/// client's command to the server's complete answer. Living in the pipeline, it also covers
/// a TLS handshake that stalls, since no reply can arrive until the handshake completes.
final class SMTPLineFramer: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = String
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct LineTooLong: Error {
        var limit: Int
    }

    /// RFC 5321 allows 512-byte reply lines; this is generous for servers that exceed it while
    /// bounding what a misbehaving peer can make us buffer.
    static let maximumLineLength = 8192

    private let replyTimeout: TimeAmount
    private var buffer = ByteBuffer()
    private var deadline: Scheduled<Void>?
    private(set) var linesEmitted = 0

    var hasBufferedBytes: Bool { self.buffer.readableBytes > 0 }

    init(replyTimeout: TimeAmount) {
        self.replyTimeout = replyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.arm(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.arm(context: context)  // for the greeting
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = Self.unwrapInboundIn(data)
        self.buffer.writeBuffer(&incoming)

        while let newline = self.buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - self.buffer.readableBytesView.startIndex
            guard var line = self.buffer.readSlice(length: length) else { break }
            self.buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            let text = String(buffer: line)
            self.linesEmitted += 1
            if SMTPReplyLine(text)?.isLast ?? false {
                self.disarm()
            }
            context.fireChannelRead(Self.wrapInboundOut(text))
        }

        if self.buffer.readableBytes > Self.maximumLineLength {
            self.buffer.clear()
            context.fireErrorCaught(LineTooLong(limit: Self.maximumLineLength))
            context.close(promise: nil)
            return
        }
        self.buffer.discardReadBytes()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if self.deadline == nil { self.arm(context: context) }
        context.write(data, promise: promise)
    }

    private func arm(context: ChannelHandlerContext) {
        self.disarm()
        self.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: self.replyTimeout) {
            self.deadline = nil
            context.fireErrorCaught(SMTPReplyTimeout())
            context.close(promise: nil)
        }
    }

    private func disarm() {
        self.deadline?.cancel()
        self.deadline = nil
    }
}

// MARK: - Configuration helpers

extension SMTPConfiguration {
    /// `host:port`, for messages and log metadata.
    var serverDescription: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }

    /// The name for SNI and certificate checks. An IP address cannot go in SNI; NIOSSL then
    /// checks the certificate against the connected address instead.
    var tlsServerName: String? {
        (try? SocketAddress(ipAddress: self.host, port: 0)) == nil ? self.host : nil
    }
}
