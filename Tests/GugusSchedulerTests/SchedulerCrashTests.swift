import Foundation
import GugusModel
import GugusTestSupport
import Postgres
import Testing

// Guarantees 1 and 6: several `gugus scheduler run` processes share the work, one of them
// dies by SIGKILL again and again, and still every reminder reaches the receiver, each with
// its stable Idempotency-Key, so the receiver can drop the repeats a crash causes.

@Suite("Crash test: three workers, one killed again and again", .releasesResources)
struct SchedulerCrashTests {
    /// Enough that each of the three kills finds worker 1 holding a claim: the workers claim
    /// 500 at a time and one ahead, so three of them can hold 3,000 between them. With 2,000,
    /// the two others sometimes held or had sent everything left before the third kill.
    static let reminderCount = 5_000
    static let kills = 3

    @Test("5,000 due reminders, 3 worker processes, SIGKILL ×3: every one received, 5,000 distinct keys")
    func crash() async throws {
        // Until the three kills are done each answer takes 300 ms, so deliveries are in flight
        // when the worker dies and the work (at least 30 s for three workers of 16 deliveries
        // each) outlasts the kills and restarts however loaded the machine is: a fixed 50 ms,
        // then 120 ms, each once let the two others send everything left before the third kill
        // in a full, loaded run. Then the hold is lifted and the rest goes at full speed.
        let hold = try ReminderTestbed.temporaryPath("crash-test-hold")
        FileManager.default.createFile(atPath: hold, contents: Data())
        let listener = try await WebhookListener(["--delay-ms", "300", "--hold-file", hold])
        defer { listener.stop() }
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("10m", channel: .webhook)
        let session = try await bed.session(startsIn: .seconds(3600), title: "Sosialisasi Stranas BHAM bagi pelaku usaha")
        // 5,000 outside participants in one statement, as a bulk registration adds them: the
        // planner (a statement-level trigger) plans their reminders in the same transaction.
        try await bed.execute("""
            INSERT INTO participant (session_id, name, email, organisation)
            SELECT \(session.id), 'Peserta ' || n, 'peserta' || n || '@example.co.id', 'KADIN Maluku Utara'
            FROM generate_series(1, \(Self.reminderCount)) AS n
            """)
        #expect(try await count("reminder", in: bed, where: "status = 'pending'") == Self.reminderCount)

        let environment = ["GUGUS_WEBHOOK_URL": listener.url, "GUGUS_LEASE": "2s"]
        func startWorker(_ n: Int) async throws -> SpawnedProcess {
            let worker = try GugusBinary.spawn("worker \(n)", ["scheduler", "run"], databaseURL: bed.url, environment: environment)
            // Started, listening: its log says so once it has connected.
            let deadline = ContinuousClock.now + .seconds(20)
            while !worker.stderr.contains("reminder scheduler started") && !worker.stdout.contains("reminder scheduler started") {
                guard worker.isRunning, ContinuousClock.now < deadline else { throw SpawnFailure("worker \(n) did not start: \(worker.stderr)") }
                try await Task.sleep(for: .milliseconds(20))
            }
            return worker
        }
        var workers = [try await startWorker(1), try await startWorker(2), try await startWorker(3)]
        defer { for worker in workers { worker.stop() } }

        // The due time comes for all 5,000 at once (Support/ReminderTestbed.swift), with the
        // NOTIFY the planner sends when it re-times reminders.
        #expect(try await bed.makeDue(through: .distantFuture) == Self.reminderCount)
        try await bed.pool.execute("SELECT pg_notify('gugus_reminders', 'crash test: due now')")

        func sent() async throws -> Int { try await count("reminder", in: bed, where: "status = 'sent'") }
        func held(by worker: SpawnedProcess) async throws -> Int {
            try await count("reminder", in: bed, where: "status = 'pending' AND lease_until > now() AND leased_by LIKE '%:\(worker.pid):%'")
        }

        // Kill worker 1 in the middle of delivering a batch: it holds claimed reminders and
        // has already recorded part of them as sent (it records slice by slice), so the kill
        // lands while the next slice is on the wire. Then restart it.
        var killedHolding: [Int] = []
        for kill in 1...Self.kills {
            let deadline = ContinuousClock.now + .seconds(20)
            var holding = 0
            // A random moment after worker 1's claim starts to shrink; if that moment falls
            // between two of its batches, wait for the next one rather than kill it idle.
            while ContinuousClock.now < deadline, try await sent() < Self.reminderCount {
                var most = 0
                while ContinuousClock.now < deadline, try await sent() < Self.reminderCount {
                    holding = try await held(by: workers[0])
                    if holding > 0 && holding < most { break }
                    most = max(most, holding)
                    try await Task.sleep(for: .milliseconds(10))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...250)))
                holding = try await held(by: workers[0])
                if holding > 0 { break }
            }
            guard holding > 0 else { break }
            killedHolding.append(holding)
            workers[0].signal(SIGKILL)
            #expect(try await workers[0].wait() == 128 + SIGKILL)
            workers[0] = try await startWorker(1 + 3 * kill)
        }
        #expect(killedHolding.count == Self.kills, "worker 1 held nothing to lose at some kill: \(killedHolding)")
        try FileManager.default.removeItem(atPath: hold)

        // The rest goes at the machine's pace: on a loaded machine (a full `make test`) it
        // takes longer, so the wait gives up only when delivery stalls, not at a fixed time.
        var progress = (sent: try await sent(), at: ContinuousClock.now)
        while progress.sent < Self.reminderCount, ContinuousClock.now < progress.at + .seconds(30) {
            try await Task.sleep(for: .milliseconds(100))
            let now = try await sent()
            if now > progress.sent { progress = (now, ContinuousClock.now) }
        }
        for worker in workers {
            worker.signal(SIGTERM)
            #expect(try await worker.wait() == 0, "\(worker.name): \(worker.stderr)")
        }

        let reminders = try await bed.reminders(session: session.id)
        #expect(reminders.count == Self.reminderCount)
        #expect(reminders.filter { $0.status == "sent" }.count == Self.reminderCount)
        let requests = try listener.requests()
        let keys = requests.compactMap(\.idempotencyKey)
        #expect(keys.count == requests.count)
        #expect(Set(keys).count == Self.reminderCount)
        #expect(Set(keys) == Set(reminders.map(\.idempotencyKey)))
        let repeats = requests.count - Set(keys).count
        let rescued = try await count("reminder", in: bed, where: "attempts > 1")
        let lateCompletions = try await count("reminder_attempt", in: bed, where: "detail = 'delivered, but the lease had passed to another worker'")
        // The figure the issue asks for; the test passes whatever it is, as long as nothing is lost.
        print("""
            crash test: \(Self.reminderCount) reminders, \(requests.count) requests received, \(Set(keys).count) distinct \
            Idempotency-Key values, \(repeats) repeats; worker 1 killed \(killedHolding.count) times holding \
            \(killedHolding) claimed reminders; \(rescued) reminders taken over by another worker; \
            \(lateCompletions) deliveries completed after their lease had passed
            """)
    }
}
