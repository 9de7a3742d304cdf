import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Postgres
import Testing

@testable import GugusScheduler

// A claim is a lease *and* an attempt. A worker claims its next batch while it sends the
// current one, so when a lease runs out mid-send (a stalled machine) the same worker's next
// claim can take the reminder up again under the same worker name. Only the newer claim may
// send it and record it; the crash test under load once delivered 468 reminders twice
// before the checks compared attempts.

@Suite("Reminder leases", .releasesResources)
struct ReminderLeaseTests {
    @Test("a reminder claimed again by the same worker after its lease ran out belongs to the newer claim only")
    func reclaimedBySameWorker() async throws {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("1h")
        let session = try await bed.session(startsIn: .seconds(3 * 3600))
        _ = try await bed.inviteGuests(1...3, to: session)
        #expect(try await bed.makeDue(through: session.startsAt) == 3)

        let queue = ReminderQueue(pool: bed.pool, worker: "same-worker")
        let first = try await queue.claim(limit: 10, lease: .seconds(60))
        #expect(first.count == 3)
        #expect(try await queue.held(first, margin: .seconds(30), lease: .seconds(60)) == Set(first.map(\.id)))

        // The lease runs out while the batch is being sent; the worker's next claim takes it up.
        try await bed.execute("UPDATE reminder SET lease_until = now() - interval '1 second'")
        let second = try await queue.claim(limit: 10, lease: .seconds(60))
        #expect(Set(second.map(\.id)) == Set(first.map(\.id)))
        #expect(second.allSatisfy { $0.attempt == 2 })

        // The older claim no longer holds them, cannot renew them, and cannot record them.
        #expect(try await queue.held(first, margin: .seconds(1), lease: .seconds(60)).isEmpty)
        #expect(try await queue.renew(first, lease: .seconds(60)).isEmpty)
        #expect(try await queue.markSent(first) == 3)  // each recorded as delivered after the lease passed

        // The newer claim does.
        #expect(try await queue.held(second, margin: .seconds(30), lease: .seconds(60)) == Set(second.map(\.id)))
        #expect(try await queue.markSent(second) == 0)
        #expect(try await bed.reminders(session: session.id).map(\.status) == ["sent", "sent", "sent"])
        let reminder = try #require(first.first)
        #expect(try await bed.attempts(reminder.id).map(\.outcome) == ["sent", "sent"])
        #expect(try await bed.attempts(reminder.id).map(\.detail) == ["delivered, but the lease had passed to another worker", nil])
    }

    @Test("a reschedule while a worker holds the reminder voids that claim, even when the same worker claims the new plan at once")
    func replannedWhileClaimed() async throws {
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("1h")
        let session = try await bed.session(startsIn: .seconds(3 * 3600))
        _ = try await bed.inviteGuests(1...1, to: session)
        #expect(try await bed.makeDue(through: session.startsAt) == 1)
        let queue = ReminderQueue(pool: bed.pool, worker: "same-worker")
        let old = try #require(try await queue.claim(limit: 10, lease: .seconds(60)).first)
        #expect(old.plannedVersion == 1)

        // Moved half an hour earlier, and its new due time comes at once: the same worker claims
        // the new plan (version 2) while the old claim is still in its hands. (The person is
        // also sent a change notice, as the old delivery was under way.)
        _ = try await bed.gugus.rescheduleSession(id: session.id, SessionChange(starts: ReminderTestbed.iso(session.startsAt.addingTimeInterval(-1800))))
        try await bed.makeDue(through: .distantFuture)
        let claimed = try await queue.claim(limit: 10, lease: .seconds(60))
        #expect(Set(claimed.map(\.kind)) == [.reminder, .changeNotice])
        let new = try #require(claimed.first { $0.kind == .reminder })
        #expect(new.id == old.id)
        #expect(new.plannedVersion == 2)
        #expect(new.attempt > old.attempt)
        #expect(new.try == 1)

        // The old claim can neither hold, nor record, the reminder: only the new plan goes.
        #expect(try await queue.held([old], margin: .seconds(1), lease: .seconds(60)).isEmpty)
        #expect(try await queue.markSent([old]) == 1)
        #expect(try await bed.reminders(session: session.id).first?.status == "pending")
        #expect(try await queue.markSent([new]) == 0)
        let sent = try #require(try await bed.reminders(session: session.id).first)
        #expect(sent.status == "sent")
        #expect(sent.plannedVersion == 2)
    }
}
