import Foundation
import GugusTestSupport
import Testing

/// `gugus reminder rule add|list|remove` and `gugus reminder list`, one process per command.
/// (Dispatch itself is tested in Tests/GugusSchedulerTests.)
@Suite("gugus reminder", .releasesResources)
struct ReminderCommandTests {
    /// A start this many days ahead, as ISO 8601 in UTC (`--starts` takes it as it is).
    static func starts(inDays days: Int) -> String {
        let formatter = ISO8601DateFormatter()
        let instant = Date().addingTimeInterval(Double(days) * 86_400)
        return formatter.string(from: Date(timeIntervalSince1970: (instant.timeIntervalSince1970 / 60).rounded(.down) * 60))
    }

    @Test("rules plan reminders for the sessions ahead; list filters by status and session; remove skips")
    func rules() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)
        var sessions: [String] = []
        for days in [2, 3] {
            let scheduled = try await gugus(
                "session", "schedule", "--taskforce", "82", "--title", "Sosialisasi \(days)", "--starts", Self.starts(inDays: days),
                "--duration", "2h", "--venue", "Aula Gamalama, Ternate", "--json")
            #expect(scheduled.status == 0, "\(scheduled)")
            let id = String(try #require(try scheduled.object()["id"] as? Int))
            sessions.append(id)
            #expect(try await gugus("session", "invite", id, "--name", "Tamu \(days)", "--email", "tamu\(days)@example.co.id").status == 0)
        }

        let daily = try await gugus("reminder", "rule", "add", "--offset", "1d", "--taskforce", "82", "--json")
        #expect(daily.status == 0, "\(daily)")
        let rule = try daily.object()
        let ruleID = String(try #require(rule["id"] as? Int))
        #expect(rule["offset"] as? String == "1d")
        #expect(rule["audience"] as? String == "participants")
        #expect(rule["channel"] as? String == "log")
        #expect(rule["kind"] as? String == "session")
        let text = try await gugus(
            "reminder", "rule", "add", "--offset", "1h30m", "--session", sessions[0], "--audience", "organizers",
            "--channel", "webhook", "--webhook-url", "https://wa-gateway.example/hook", "--lang", "en")
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout == "Reminder rule added: 1h30m before, to organizers, by webhook (session \(sessions[0]))\n")
        #expect(try await gugus("reminder", "rule", "list", "--json").array().count == 2)

        // One per participant and session for the daily rule; nobody is an organizer.
        let all = try await gugus("reminder", "list", "--json").array()
        #expect(all.count == 2)
        #expect(all.allSatisfy { $0["status"] as? String == "pending" && ($0["idempotency_key"] as? String)?.hasPrefix("gugus-reminder-") == true })
        #expect(try await gugus("reminder", "list", "--session", sessions[0], "--json").array().count == 1)
        #expect(try await gugus("reminder", "list", "--status", "pending", "--json").array().count == 2)
        #expect(try await gugus("reminder", "list", "--status", "sent", "--json").array().isEmpty)

        let removed = try await gugus("reminder", "rule", "remove", ruleID, "--lang", "en")
        #expect(removed.stdout == "Rule \(ruleID) removed.\n")
        let skipped = try await gugus("reminder", "list", "--status", "skipped", "--json").array()
        #expect(skipped.count == 2)
        #expect(skipped.allSatisfy { $0["skip_reason"] as? String == "rule removed" })
        #expect(try await gugus("reminder", "rule", "list", "--json").array().count == 1)
    }

    @Test("clear refusals: a bad offset, an unknown audience or status, an unknown rule")
    func refusals() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)
        let offset = try await gugus("reminder", "rule", "add", "--offset", "5x", "--taskforce", "82", "--lang", "en")
        // Typed options: a value that does not parse is a usage error (2), before anything runs.
        #expect(offset.status == 2)
        #expect(offset.stderr.hasPrefix("Error: The value '5x' is invalid for '--offset <duration>'\n"), "\(offset)")
        let audience = try await gugus("reminder", "rule", "add", "--offset", "1d", "--audience", "everyone", "--lang", "en")
        #expect(audience.status == 2)
        #expect(audience.stderr.hasPrefix("""
            Error: The value 'everyone' is invalid for '--audience <audience>'. Please provide one of the following:
              - participants
              - members
              - organizers
              - core_roles
              - secretariat
              - reporters
            """), "\(audience)")
        let status = try await gugus("reminder", "list", "--status", "delivered", "--lang", "en")
        #expect(status.status == 2)
        #expect(status.stderr.hasPrefix("Error: The value 'delivered' is invalid for '--status <status>'. Please provide one of 'pending', 'sent', 'skipped', 'failed' or 'dead'."), "\(status)")
        let unknown = try await gugus("reminder", "rule", "remove", "999", "--lang", "en")
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "gugus: no active reminder rule with id 999; see `gugus reminder rule list`\n")
    }
}
