import Foundation
import GugusModel
import Logging
import Metrics
import GugusDatabase
import Postgres
import ServiceLifecycle
import Synchronization

/// A dispatch worker: claims due reminders, checks each is still true, sends it, and records
/// every decision. Any number of workers, in one process or many, share the work safely.
///
/// It sleeps until the next due time or lease expiry the database reports, and wakes early on
/// a NOTIFY from the planner (a new or re-timed reminder), with a slow safety poll beneath.
public final class ReminderDispatcher: Service, Sendable {
    /// What one pass (or `--once`) did.
    public struct Summary: Sendable, Hashable, Codable {
        public var sent = 0
        public var skipped = 0
        public var failed = 0
        public var dead = 0
        /// Delivered twice because a lease had passed to another worker.
        public var repeated = 0
    }

    let pool: PostgresPool
    let listenConfiguration: PostgresConfiguration
    let configuration: SchedulerConfiguration
    let logger: Logger
    let queue: ReminderQueue
    let channels: [ReminderRule.Channel: any ReminderChannel]
    private let wake = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    private let totals = Mutex(Summary())
    /// The key for the opt-out links, read once from the database.
    private let links = Mutex<OptOutLinks?>(nil)

    public var worker: String { queue.worker }

    public init(pool: PostgresPool, listenConfiguration: PostgresConfiguration, configuration: SchedulerConfiguration, logger: Logger, worker: String? = nil) throws {
        self.pool = pool
        self.listenConfiguration = listenConfiguration
        self.configuration = configuration
        self.logger = logger
        let name = worker ?? "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UInt16.random(in: 0...UInt16.max))"
        self.queue = ReminderQueue(pool: pool, worker: name)
        self.channels = [
            .log: try LogChannel(path: configuration.logPath),
            .webhook: WebhookChannel(
                defaultURL: configuration.webhookURL, secret: configuration.webhookSecret,
                timeout: configuration.webhookTimeout, concurrency: configuration.concurrency),
            .email: EmailChannel(smtpURL: configuration.smtpURL, from: configuration.mailFrom, concurrency: configuration.concurrency),
        ]
    }

    public var summary: Summary { totals.withLock { $0 } }

    // MARK: Running

    /// Runs until graceful shutdown: the batch in hand is finished (or its leases given back).
    public func run() async throws {
        let listener = PostgresListener(configuration: listenConfiguration, channels: ["gugus_reminders"], logger: logger)
        logger.info("reminder scheduler started", metadata: ["worker": "\(worker)"])
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [wake] in
                    // Any event, a reconnect included (notifications may have been missed), is a reason to look.
                    for await _ in listener { wake.signal() }
                }
                group.addTask { try await self.loop() }
                try await group.next()
                listener.stop()
                group.cancelAll()
            }
        } onGracefulShutdown: { [self] in
            stopping.store(true, ordering: .relaxed)
            wake.signal()
        }
        listener.stop()
        logger.info("reminder scheduler stopped", metadata: ["worker": "\(worker)"])
    }

    /// Asks a running dispatcher to stop after the batch in hand (for tests and benchmarks).
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// Plans compliance reminders, then sends everything due now, and returns.
    public func runOnce() async throws -> Summary {
        _ = try await queue.planCompliance()
        try await drain()
        return summary
    }

    private func loop() async throws {
        var lastCompliance = ContinuousClock.now - .seconds(3600)
        var backoff = 1.0
        while !stopping.load(ordering: .relaxed) {
            do {
                if ContinuousClock.now - lastCompliance > .seconds(300) {
                    let planned = try await queue.planCompliance()
                    if planned > 0 { logger.info("planned compliance reminders", metadata: ["count": "\(planned)"]) }
                    lastCompliance = .now
                }
                try await drain()
                let next = try await queue.secondsUntilNext()
                let poll = Double(configuration.safetyPoll.components.seconds)
                backoff = 1
                if !stopping.load(ordering: .relaxed) {
                    await wake.wait(seconds: min(next ?? poll, poll))
                }
            } catch is CancellationError {
                return
            } catch {
                // The database is away: say so once per attempt, and try again a little later.
                logger.warning("scheduler pass failed; retrying in \(Int(backoff)) s: \(error)")
                await wake.wait(seconds: backoff)
                backoff = min(backoff * 2, 30)
            }
        }
    }

    private func claim() async throws -> [ClaimedReminder] {
        try await queue.claim(limit: configuration.batchSize, lease: configuration.lease)
    }

    /// Claims and processes batches until one comes back short or the dispatcher is stopping.
    ///
    /// While a full batch is processed the next is already being claimed, so the database
    /// works on one while this process composes and sends the other: on two cores that nearly
    /// doubled the rate (make bench, dispatch). A batch claimed but not processed, because of
    /// a stop or an error, is given back at once.
    private func drain() async throws {
        var next: Task<[ClaimedReminder], any Error>? = Task { try await claim() }
        do {
            while let claiming = next, !stopping.load(ordering: .relaxed) {
                next = nil
                let batch = try await claiming.value
                guard !batch.isEmpty else { return }
                if batch.count == configuration.batchSize, !stopping.load(ordering: .relaxed) {
                    next = Task { try await claim() }
                }
                // The leases are kept from the claim on, not only while sending: composing a
                // large batch on a busy machine can take longer than a short lease, and a lease
                // that runs out before the first renewal lets another worker send the same
                // reminders again.
                try await keepingLeases(batch) { try await self.process(batch) }
            }
        } catch {
            await giveBack(next)
            throw error
        }
        await giveBack(next)
    }

    /// Releases a batch claimed ahead that will not be processed.
    private func giveBack(_ claiming: Task<[ClaimedReminder], any Error>?) async {
        guard let claiming, let batch = try? await claiming.value, !batch.isEmpty else { return }
        do {
            try await queue.release(batch)
        } catch {
            logger.warning("could not give back \(batch.count) reminders claimed ahead; their leases will expire: \(error)")
        }
    }

    // MARK: One batch

    private func process(_ batch: [ClaimedReminder]) async throws {
        var skips: [(ClaimedReminder, String)] = []
        var byChannel: [ReminderRule.Channel: [(ClaimedReminder, Delivery)]] = [:]
        var renderer = BatchRenderer()
        renderer.optOut = try await optOutLinks()
        for reminder in batch {
            if let reason = skipReason(reminder) {
                skips.append((reminder, reason))
                continue
            }
            do {
                byChannel[reminder.channel, default: []].append((reminder, try delivery(for: reminder, renderer: &renderer)))
            } catch {
                skips.append((reminder, "cannot compose the message: \(error)"))
            }
        }
        try await queue.markSkipped(skips)
        var summary = Summary()
        summary.skipped = skips.count
        for (reminder, reason) in skips {
            logger.debug("reminder skipped", metadata: ["reminder": "\(reminder.id)", "reason": "\(reason)"])
        }

        for (channel, items) in byChannel {
            guard let sender = channels[channel] else { continue }
            // Network channels send in slices, each recorded before the next starts: a worker
            // that dies mid-batch leaves at most one slice delivered but unrecorded, to be
            // sent again by the worker that takes over. The log channel writes at once.
            let sliceSize = channel == .log ? items.count : max(1, configuration.concurrency * 2)
            for sliceStart in stride(from: 0, to: items.count, by: sliceSize) {
                let candidates = items[sliceStart..<min(sliceStart + sliceSize, items.count)]
                // Only what is still this worker's goes: on a machine slow enough for a lease
                // to run out, another worker has taken those reminders over. Checked right
                // before sending, by the database's clock, with three quarters of the lease
                // left at least: skipping the check while the claim was young let a worker that
                // stalled between check and send deliver after its lease had passed (the crash
                // test under load: 468 such deliveries).
                let held = try await queue.held(
                    candidates.map(\.0), margin: configuration.lease * 3 / 4, lease: configuration.lease)
                let slice = candidates.filter { held.contains($0.0.id) }
                if slice.count < candidates.count {
                    logger.warning("leases passed to another worker before sending; not sending those", metadata: [
                        "count": "\(candidates.count - slice.count)"])
                }
                let results = await sender.deliver(slice.map(\.1))
                var sent: [ClaimedReminder] = []
                for ((reminder, _), result) in zip(slice, results) {
                    switch result {
                    case .success:
                        sent.append(reminder)
                        Timer(label: "gugus_reminder_lateness_seconds").recordNanoseconds(
                            Int64(max(0, Date().timeIntervalSince(reminder.dueAt)) * 1e9))
                    case .failure(let error):
                        try await queue.markFailed(reminder, error: error, maxAttempts: configuration.maxAttempts, retryBase: configuration.retryBase)
                        if error.isPermanent || reminder.try >= configuration.maxAttempts {
                            summary.dead += 1
                            logger.error("reminder dead", metadata: ["reminder": "\(reminder.id)", "attempt": "\(reminder.attempt)", "error": "\(error)"])
                        } else {
                            summary.failed += 1
                            logger.warning("reminder delivery failed; will retry", metadata: ["reminder": "\(reminder.id)", "attempt": "\(reminder.attempt)", "error": "\(error)"])
                        }
                    }
                }
                summary.repeated += try await queue.markSent(sent)
                summary.sent += sent.count
            }
        }
        Counter(label: "gugus_reminders_processed_total", dimensions: [("outcome", "sent")]).increment(by: summary.sent)
        Counter(label: "gugus_reminders_processed_total", dimensions: [("outcome", "skipped")]).increment(by: summary.skipped)
        Counter(label: "gugus_reminders_processed_total", dimensions: [("outcome", "failed")]).increment(by: summary.failed)
        Counter(label: "gugus_reminders_processed_total", dimensions: [("outcome", "dead")]).increment(by: summary.dead)
        let batchSummary = summary
        totals.withLock { totals in
            totals.sent += batchSummary.sent
            totals.skipped += batchSummary.skipped
            totals.failed += batchSummary.failed
            totals.dead += batchSummary.dead
            totals.repeated += batchSummary.repeated
        }
    }

    /// Runs `body` (checking, composing, sending, recording) while renewing the batch's
    /// leases, so a slow receiver does not let another worker take over reminders this one is
    /// still sending.
    private func keepingLeases<Result: Sendable>(_ reminders: [ClaimedReminder], _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let lease = configuration.lease
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask { [queue] in
                while true {
                    try await Task.sleep(for: lease / 3)
                    try await queue.renew(reminders, lease: lease)
                }
            }
            var outcome: Result?
            while outcome == nil, let next = try await group.next() {
                outcome = next
            }
            group.cancelAll()
            return outcome!
        }
    }

    /// Why a claimed reminder must not go now, or nil when it should.
    func skipReason(_ reminder: ClaimedReminder) -> String? {
        if let blocked = reminder.blocked { return blocked }
        if reminder.kind != .reminder {
            return noticeSkipReason(reminder)
                ?? (reminder.channel == .email && reminder.recipientEmail == nil ? "no e-mail address for \(reminder.recipientName)" : nil)
        } else if reminder.ruleRemoved {
            return "rule removed"
        } else if reminder.sessionId != nil {
            switch reminder.sessionStatus {
            case .cancelled: return "session cancelled"
            case .completed: return "session completed"
            case nil: return "session no longer exists"
            case .scheduled: break
            }
            if reminder.sessionVersion != reminder.plannedVersion {
                return "session changed since planning (planned for version \(reminder.plannedVersion ?? 0), now \(reminder.sessionVersion ?? 0))"
            }
            if let starts = reminder.startsAt, reminder.now >= starts {
                return "session already started at \(LocalTime.iso8601(starts))"
            }
            if !reminder.stillCurrent { return "recipient no longer in the audience" }
        } else if !reminder.stillCurrent {
            switch reminder.ruleKind {
            case .decreeExpiry: return "the decree is no longer ending soon (replaced, extended or revoked)"
            case .noTaskForce: return "the province has a task force in force now"
            case .reportReturned: return "the report is no longer returned (resubmitted or verified), or the recipient no longer reports"
            case .reportOpens, .reportClosing, .reportOverdue:
                return "the report is in (submitted or verified), the period's close moved or passed, or the recipient no longer reports"
            case .session: return "recipient no longer in the audience"
            }
        }
        let lateness = reminder.now.timeIntervalSince(reminder.dueAt)
        if lateness > Double(configuration.catchUp.seconds) {
            return "late: due at \(LocalTime.iso8601(reminder.dueAt)), \(Int(lateness / 60)) min late, beyond the catch-up limit of \(configuration.catchUp)"
        }
        if reminder.channel == .email && reminder.recipientEmail == nil { return "no e-mail address for \(reminder.recipientName)" }
        return nil
    }

    /// Why a notice must not go now. A notice goes to whoever was told of the session, even
    /// if their rule was removed since: what they were told is wrong now.
    private func noticeSkipReason(_ notice: ClaimedReminder) -> String? {
        switch (notice.kind, notice.sessionStatus) {
        case (_, nil): return "session no longer exists"
        case (.changeNotice, .cancelled): return "superseded by the cancellation"
        case (.changeNotice, .completed): return "session completed"
        case (.cancelNotice, .scheduled), (.cancelNotice, .completed): return "session no longer cancelled"
        default: break
        }
        guard let told = notice.notice?.old else { return "notice without what the person was told, or one this build cannot read" }
        switch notice.kind {
        case .changeNotice:
            if notice.sessionVersion != notice.plannedVersion {
                return "superseded by a newer change (for version \(notice.plannedVersion ?? 0), now \(notice.sessionVersion ?? 0))"
            }
            if let starts = notice.startsAt, notice.now >= starts {
                return "session already started at \(LocalTime.iso8601(starts))"
            }
        case .cancelNotice:
            if notice.now >= told.startsAt { return "the session would have started at \(LocalTime.iso8601(told.startsAt))" }
        case .reminder:
            break
        }
        // No catch-up limit: a notice late by a scheduler's downtime is still news until the
        // session starts.
        return nil
    }

    // MARK: Messages

    /// The opt-out links' signer, when messages can carry links (a public address is set).
    private func optOutLinks() async throws -> OptOutLinks? {
        guard configuration.publicURL != nil else { return nil }
        if let known = links.withLock({ $0 }) { return known }
        let loaded = try await OptOutLinks.load(from: pool)
        links.withLock { $0 = loaded }
        return loaded
    }

    func delivery(for reminder: ClaimedReminder, renderer: inout BatchRenderer) throws(DeliveryError) -> Delivery {
        let language = Language(tag: reminder.recipientLanguage)
        var values = ["recipient": reminder.recipientName, "taskForce": reminder.taskForceName ?? "Gugus Tugas Nasional Bisnis dan HAM"]
        let template: String
        var session: ReminderPayload.Session?
        var links: [String: String] = [:]
        var previous: ReminderPayload.Session?
        var calendar: Delivery.Calendar?
        switch reminder.ruleKind {
        case .session:
            guard let starts = reminder.startsAt, let ends = reminder.endsAt, let title = reminder.title else {
                throw DeliveryError("session \(reminder.sessionId ?? 0) is incomplete", permanent: true)
            }
            let zone = renderer.zone(reminder.sessionTimeZone)
            let when = LocalTime.long(starts, in: zone, language: language)
            let format = reminder.format ?? "sosialisasi"
            values["title"] = title
            values["when"] = when
            values["endTime"] = LocalTime.timeOfDay(ends, in: zone, language: language)
            values["venue"] = reminder.venue
            values["url"] = reminder.onlineUrl
            values["place"] = reminder.venue ?? reminder.onlineUrl
            values["formatName"] = Self.formatName(format, language)
            session = ReminderPayload.Session(
                id: reminder.sessionId ?? 0, title: title, format: format, startsAt: starts, endsAt: ends,
                timeZone: zone.identifier, zoneLabel: zone.label(at: starts), localTime: when, venue: reminder.venue,
                url: reminder.onlineUrl, version: reminder.sessionVersion ?? 0)
            switch reminder.kind {
            case .reminder:
                template = "session-reminder"
            case .changeNotice, .cancelNotice:
                guard let old = reminder.notice?.old else { throw DeliveryError("notice \(reminder.id) has no old values", permanent: true) }
                let oldZone = renderer.zone(old.timeZone)
                let oldWhen = LocalTime.long(old.startsAt, in: oldZone, language: language)
                template = reminder.kind == .changeNotice ? "session-change" : "session-cancel"
                values["oldWhen"] = oldWhen
                values["oldEndTime"] = LocalTime.timeOfDay(old.endsAt, in: oldZone, language: language)
                values["oldPlace"] = old.venue ?? old.onlineUrl
                values["oldVenue"] = old.venue
                values["oldUrl"] = old.onlineUrl
                values["reason"] = reminder.notice?.reason
                // Only what changed is said to have changed.
                if old.venue != reminder.venue { values["venueChanged"] = "yes" }
                if old.onlineUrl != reminder.onlineUrl { values["urlChanged"] = "yes" }
                if (old.startsAt, old.endsAt) != (starts, ends) || oldZone != zone { values["timeChanged"] = "yes" }
                previous = ReminderPayload.Session(
                    id: reminder.sessionId ?? 0, title: title, format: format, startsAt: old.startsAt, endsAt: old.endsAt,
                    timeZone: oldZone.identifier, zoneLabel: oldZone.label(at: old.startsAt), localTime: oldWhen,
                    venue: old.venue, url: old.onlineUrl, version: old.version ?? 0)
            }
            if reminder.channel == .email, let id = reminder.sessionId {
                calendar = sessionCalendar(reminder, id: id, title: title, format: format, starts: starts, ends: ends, zone: zone)
            }
            if let base = configuration.publicURL, let id = reminder.sessionId {
                links["calendar"] = "\(base)/v1/sessions/\(id)/calendar.ics"
                links["session"] = "\(base)/v1/sessions/\(id)"
            }
        case .decreeExpiry:
            let zone = renderer.zone(reminder.regionTimeZone)
            let today = CivilDate(reminder.now, in: zone.timeZone)
            template = "decree-expiry"
            values["decreeNumber"] = reminder.decreeNumber ?? "?"
            values["decreeId"] = reminder.decreeId.map(String.init) ?? "?"
            values["endDate"] = reminder.decreeLastDay.map { LocalTime.longDate($0, language: language) } ?? "?"
            values["daysLeft"] = reminder.decreeLastDay.map { String(today.days(until: $0)) } ?? "?"
            values["regionCode"] = reminder.taskForceRegion ?? "national"
        case .noTaskForce:
            template = "no-task-force"
            values["regionName"] = reminder.regionName ?? reminder.regionCode ?? "?"
            values["regionCode"] = reminder.regionCode ?? "?"
            values["today"] = LocalTime.longDate(CivilDate(reminder.now, in: RegionZone.jakarta.timeZone), language: language)
        case .reportOpens, .reportClosing, .reportOverdue, .reportReturned:
            guard let period = reminder.reportPeriodName, let due = reminder.reportDueAt else {
                throw DeliveryError("reporting reminder \(reminder.id) has no period", permanent: true)
            }
            let zone = renderer.zone(reminder.regionTimeZone)
            template = switch reminder.ruleKind {
            case .reportOpens: "report-opens"
            case .reportClosing: "report-closing"
            case .reportOverdue: "report-overdue"
            default: "report-returned"
            }
            // The last minute in which it may be sent: 23:59 of the last day, local.
            values["period"] = period
            values["closes"] = LocalTime.long(due.addingTimeInterval(-60), in: zone, language: language)
            values["daysLeft"] = String(CivilDate(reminder.now, in: zone.timeZone).days(until: CivilDate(due.addingTimeInterval(-60), in: zone.timeZone)))
            values["regionCode"] = reminder.taskForceRegion ?? "national"
            values["reviewNote"] = reminder.reportReviewNote
            if let base = configuration.publicURL, let region = reminder.taskForceRegion {
                let link = "\(base)/regions/\(region)/reports/\(APIRoute.escape(period))"
                values["link"] = link
                links["report"] = link
            }
        }
        var message = try renderer.render(template, language: language, values: values.compactMapValues { $0 })
        var optOutURL: String?
        if let base = configuration.publicURL, let signer = renderer.optOut {
            // Every message says how to stop messages like it (UU PDP: consent can be withdrawn).
            let url = signer.url(base: base, reminder: reminder.id)
            links["unsubscribe"] = url
            optOutURL = url
            message.text += Self.optOutFooter(url, kind: reminder.ruleKind, language)
        }
        let payload = ReminderPayload(
            idempotencyKey: reminder.idempotencyKey, reminderId: reminder.id,
            kind: reminder.kind == .reminder ? reminder.ruleKind.rawValue : reminder.kind.rawValue,
            channel: reminder.channel.rawValue, dueAt: reminder.dueAt, deliveredAt: nil,
            recipient: .init(key: reminder.recipientKey, name: reminder.recipientName, email: reminder.recipientEmail, language: language.rawValue),
            taskForce: reminder.taskForceName, session: session, previous: previous, reason: reminder.notice?.reason,
            decreeNumber: reminder.decreeNumber, regionCode: reminder.regionCode ?? reminder.taskForceRegion,
            subject: message.subject, text: message.text, links: links)
        return Delivery(
            reminderID: reminder.id, idempotencyKey: reminder.idempotencyKey, channel: reminder.channel,
            recipientName: reminder.recipientName, recipientEmail: reminder.recipientEmail, language: language,
            webhookURL: reminder.webhookUrl, message: message, payload: payload, calendar: calendar, optOutURL: optOutURL)
    }

    static func optOutFooter(_ url: String, kind: ReminderRule.Kind, _ language: Language) -> String {
        let what = kind.remindersName(language)
        // Under the templates' signature line ("--" and who sent it).
        return language == .id
            ? "Tidak ingin menerima \(what) lagi? Berhenti berlangganan: \(url)\n"
            : "Don't want \(what) any more? Unsubscribe: \(url)\n"
    }

    /// The session as a calendar invitation for an e-mail: the same event as the feed (UID,
    /// SEQUENCE from the version), so a calendar app that took the first invitation updates it
    /// in place; a cancellation notice carries METHOD:CANCEL.
    private func sessionCalendar(
        _ reminder: ClaimedReminder, id: Int64, title: String, format: String, starts: Date, ends: Date, zone: RegionZone
    ) -> Delivery.Calendar {
        var event = ICSEvent.session(
            id: id, title: title, format: format, mode: reminder.mode ?? "luring",
            taskForceName: reminder.taskForceName ?? "Gugus Tugas Nasional Bisnis dan HAM", status: reminder.sessionStatus ?? .scheduled,
            cancelReason: reminder.cancelReason, notes: reminder.sessionNotes, venue: reminder.venue, onlineURL: reminder.onlineUrl,
            start: starts, end: ends, zone: zone, version: reminder.sessionVersion ?? 1, created: reminder.sessionCreatedAt,
            lastModified: reminder.sessionUpdatedAt ?? reminder.now)
        if let organizer = try? MailAddress(configuration.mailFrom) {
            event.organizer = .init(name: organizer.displayName, email: organizer.address)
        }
        if let email = reminder.recipientEmail {
            event.attendee = .init(name: reminder.recipientName, email: email)
        }
        let method: ICSCalendar.Method = reminder.kind == .cancelNotice ? .cancel : .request
        return Delivery.Calendar(method: method, text: ICSCalendar(name: title, events: [event], method: method).render())
    }

    static func formatName(_ format: String, _ language: Language) -> String {
        let names: [String: (id: String, en: String)] = [
            "sosialisasi": ("sosialisasi", "outreach session (sosialisasi)"),
            "bimtek": ("bimbingan teknis", "technical guidance (bimtek)"),
            "workshop": ("lokakarya", "workshop"),
            "rakor": ("rapat koordinasi", "coordination meeting"),
            "fgd": ("diskusi kelompok terpumpun (FGD)", "focus group discussion"),
            "pendampingan": ("pendampingan", "hands-on assistance"),
        ]
        guard let name = names[format] else { return format }
        return language == .id ? name.id : name.en
    }
}
