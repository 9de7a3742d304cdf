import Foundation
import GugusModel
import GugusTestSupport
import Postgres
import Testing

// `gugus scheduler run` as separate processes, the way an operator runs it: the process's
// own TZ must not matter (guarantee 5), and retries with backoff end in `dead` with every
// decision recorded. The binary is the one built next to the test runner.

@Suite("gugus scheduler run, as processes", .releasesResources)
struct SchedulerProcessTests {
    static let title = "Sosialisasi Strategi Nasional Bisnis dan HAM"

    /// What one run under a TZ produced: the due times `reminder list` showed, and what the
    /// log channel wrote.
    struct Outcome: Equatable {
        var dueTimes: [String]
        var localTimes: [String]
        var subjects: [String]
    }

    private func scheduleAndSend(underTZ tz: String, on date: String) async throws -> Outcome {
        let bed = try await ReminderTestbed.make()
        let environment = ["TZ": tz]
        func gugus(_ arguments: String...) async throws -> [String: Any] {
            let run = try await GugusBinary.run(arguments + ["--json"], databaseURL: bed.url, environment: environment)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
        }
        let session = try await gugus(
            "session", "schedule", "--taskforce", "82", "--title", Self.title, "--starts", "\(date) 09:00",
            "--duration", "3h", "--venue", "Aula Gamalama, Ternate")
        let id = try #require(session["id"] as? Int)
        #expect(session["starts_local"] as? String == "\(date) 09:00 WIT")
        let invited = try await GugusBinary.run(
            ["session", "invite", String(id), "--name", "Tamu Satu", "--email", "tamu1@example.co.id"], databaseURL: bed.url, environment: environment)
        #expect(invited.stdout.hasPrefix("Diundang: Tamu Satu ("), "\(invited.stderr)")
        for offset in ["1w", "1d", "2h", "30m"] {
            _ = try await gugus("reminder", "rule", "add", "--offset", offset, "--taskforce", "82")
        }
        let listed = try await GugusBinary.run(["reminder", "list", "--session", String(id), "--json"], databaseURL: bed.url, environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        let reminders = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let dueTimes = reminders.compactMap { $0["due_at"] as? String }

        // The due times come (see Support/ReminderTestbed.swift), and a worker in this TZ sends.
        try await bed.makeDue(through: .distantFuture)
        let log = try ReminderTestbed.temporaryPath("reminders.jsonl")
        let sent = try await GugusBinary.run(
            ["scheduler", "run", "--once", "--json"], databaseURL: bed.url, environment: environment.merging(["GUGUS_REMINDER_LOG": log]) { $1 })
        #expect(sent.status == 0, "\(sent.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [String: Any])
        #expect(summary["sent"] as? Int == 4)
        let lines = try ReminderTestbed.logLines(log)
        return Outcome(
            dueTimes: dueTimes,
            localTimes: lines.compactMap { ($0["session"] as? [String: Any])?["local_time"] as? String },
            subjects: lines.compactMap { $0["subject"] as? String })
    }

    @Test("the same due times and the same local times under TZ=America/New_York and TZ=Asia/Tokyo")
    func processTimeZone() async throws {
        // Guards the guard: the child really runs in the zone it is given.
        for (tz, offset) in [("America/New_York", ["-0500", "-0400"]), ("Asia/Tokyo", ["+0900"])] {
            let date = try SpawnedProcess("date", executable: URL(fileURLWithPath: "/bin/date"), arguments: ["+%z"], environment: ["TZ": tz])
            try await date.wait()
            #expect(offset.contains(date.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "TZ=\(tz): \(date.stdout)")
        }

        let thursday = ReminderTestbed.thursday(atLeast: 9)
        let newYork = try await scheduleAndSend(underTZ: "America/New_York", on: thursday.date)
        let tokyo = try await scheduleAndSend(underTZ: "Asia/Tokyo", on: thursday.date)
        #expect(newYork == tokyo)

        // 09:00 WIT is 00:00 UTC; the offsets count back from it.
        let formatter = ISO8601DateFormatter()
        let start = try #require(formatter.date(from: "\(thursday.date)T00:00:00Z"))
        let expected = [7 * 86_400, 86_400, 7200, 1800].map { formatter.string(from: start.addingTimeInterval(-Double($0))) }
        #expect(newYork.dueTimes == expected)
        #expect(newYork.localTimes == Array(repeating: "\(thursday.spoken) pukul 09.00 WIT", count: 4))
        #expect(newYork.subjects == Array(
            repeating: "Pengingat: \(Self.title), \(thursday.spoken) pukul 09.00 WIT, Aula Gamalama, Ternate", count: 4))
    }

    @Test("retries with backoff against a receiver answering 500, then dead; every decision recorded")
    func retriesThenDead() async throws {
        let listener = try await WebhookListener(["--status", "500"])
        defer { listener.stop() }
        let bed = try await ReminderTestbed.make()
        _ = try await bed.rule("1h", channel: .webhook)
        let session = try await bed.session(startsIn: .seconds(3 * 3600))
        try await bed.inviteGuests(1...1, to: session)
        try await bed.makeDue(through: .distantFuture)

        // A long-running worker: its retries are woken by the timer to the next due time.
        let worker = try GugusBinary.spawn("scheduler", ["scheduler", "run"], databaseURL: bed.url, environment: [
            "GUGUS_WEBHOOK_URL": listener.url, "GUGUS_MAX_ATTEMPTS": "3", "GUGUS_RETRY_BASE": "1s",
        ])
        defer { worker.stop() }
        var reminder = try #require(try await bed.reminders(session: session.id).sole)
        let deadline = ContinuousClock.now + .seconds(40)
        while reminder.status != "dead" && ContinuousClock.now < deadline && worker.isRunning {
            try await Task.sleep(for: .milliseconds(100))
            reminder = try #require(try await bed.reminders(session: session.id).sole)
        }
        worker.signal(SIGTERM)
        #expect(try await worker.wait() == 0, "\(worker.stderr)")

        #expect(reminder.status == "dead", "\(worker.stderr)")
        #expect(reminder.attempts == 3)
        let error = "webhook \(listener.url) answered 500"
        #expect(reminder.lastError == error)
        let attempts = try await bed.attempts(reminder.id)
        #expect(attempts.map(\.attempt) == [1, 2, 3])
        #expect(attempts.map(\.outcome) == ["failed", "failed", "dead"])
        #expect(attempts.map(\.detail) == [error, error, error])
        #expect(Set(attempts.compactMap(\.worker)).count == 1)

        let requests = try listener.requests()
        #expect(requests.count == 3)
        #expect(Set(requests.compactMap(\.idempotencyKey)) == [reminder.idempotencyKey])
        #expect(requests.allSatisfy { $0.status == 500 })
        #expect(worker.stderr.contains("reminder dead"))
    }

    @Test("a bad tuning value is refused by name")
    func badConfiguration() async throws {
        let bed = try await ReminderTestbed.make()
        let run = try await GugusBinary.run(["scheduler", "run", "--once", "--lang", "en"], databaseURL: bed.url, environment: ["GUGUS_LEASE": "soon"])
        #expect(run.status == 1)
        #expect(run.stderr == "gugus: 'soon' is not a valid duration for GUGUS_LEASE; write for example 500ms, 5s, 1m or 1h\n")
        let retry = try await GugusBinary.run(["scheduler", "run", "--once", "--lang", "en"], databaseURL: bed.url, environment: ["GUGUS_MAX_ATTEMPTS": "0"])
        #expect(retry.status == 1)
        #expect(retry.stderr == "gugus: GUGUS_MAX_ATTEMPTS must be a number ≥ 1\n")
    }
}
