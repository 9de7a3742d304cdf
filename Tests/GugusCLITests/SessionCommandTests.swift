import Foundation
import GugusTestSupport
import Testing

/// `gugus session …` as a coordinator types it, one process per command: local times that do
/// not depend on the process's TZ, refusals on stderr with exit code 1, calendars a real
/// iCalendar parser accepts, and capacity held against 20 processes inviting at once.
@Suite("gugus session", .releasesResources)
struct SessionCommandTests {
    static let zones = ["America/New_York", "Asia/Tokyo"]

    @Test("a Kalimantan Barat session at 09:00 is 02:00 UTC and 09.00 WIB, whichever TZ the process runs in")
    func kalimantanBaratUnderTwoTZ() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "61").status == 0)

        // The child really runs in the zone it is given (guards the guard).
        for (tz, hour) in [("America/New_York", "19"), ("Asia/Tokyo", "09")] {
            let probe = try await ZoneProbe.hour(ofEpochZeroUnder: tz)
            #expect(probe == hour, "TZ=\(tz)")
        }

        // Scheduled once under each TZ: both stored at 02:00 UTC.
        var ids: [Int] = []
        for tz in Self.zones {
            let scheduled = try await gugus(
                "session", "schedule", "--taskforce", "61", "--title", "Bimtek GTD BHAM Kalimantan Barat", "--format", "bimtek",
                "--starts", "2025-05-06 09:00", "--duration", "3h", "--venue", "Hotel Aston, Pontianak", "--json",
                environment: ["TZ": tz])
            #expect(scheduled.status == 0, "\(scheduled)")
            let session = try scheduled.object()
            #expect(session["starts_at"] as? String == "2025-05-06T02:00:00Z", "TZ=\(tz)")
            #expect(session["ends_at"] as? String == "2025-05-06T05:00:00Z")
            #expect(session["starts_local"] as? String == "2025-05-06 09:00 WIB")
            #expect(session["zone_label"] as? String == "WIB")
            #expect(session["time_zone"] as? String == "Asia/Pontianak")
            ids.append(try #require(session["id"] as? Int))
        }

        // Read back under each TZ: the same words, byte for byte.
        var shown: [String] = []
        for tz in Self.zones {
            let show = try await gugus("session", "show", String(ids[0]), environment: ["TZ": tz])
            #expect(show.status == 0, "\(show)")
            #expect(show.stdout.contains("  waktu:    Selasa, 6 Mei 2025 pukul 09.00 WIB – 12.00 WIB\n"), "\(show)")
            let english = try await gugus("session", "show", String(ids[0]), "--lang", "en", environment: ["TZ": tz])
            #expect(english.stdout.contains("  when:     Tuesday, 6 May 2025 at 09:00 WIB – 12:00 WIB\n"), "\(english)")
            let list = try await gugus("session", "list", "--taskforce", "61", "--from", "2025-05-06", "--to", "2025-05-06", environment: ["TZ": tz])
            #expect(list.status == 0, "\(list)")
            #expect(list.stdout.components(separatedBy: "2025-05-06 09:00 WIB").count == 3, "\(list)")
            let calendar = try await gugus("session", "ics", "--taskforce", "61", environment: ["TZ": tz])
            shown.append(show.stdout + english.stdout + list.stdout + calendar.stdout)
        }
        #expect(shown[0] == shown[1])

        let ics = try await ICSCheck.validate(gugus, ["session", "ics", "--taskforce", "61"], events: 2)
        #expect(ics.problems == [])
        #expect(ics.events.map(\.startUtc) == ["2025-05-06T02:00:00Z", "2025-05-06T02:00:00Z"])
        #expect(ics.events.map(\.startTzid) == ["Asia/Pontianak", "Asia/Pontianak"])
        #expect(ics.timezones == [["WIB"]])
    }

    @Test("a Maluku Utara session is shown in WIT; a reschedule raises the version and the ICS SEQUENCE; a cancel gives STATUS:CANCELLED")
    func malukuUtaraCalendar() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)
        let scheduled = try await gugus(
            "session", "schedule", "--taskforce", "82", "--title", "Sosialisasi Stranas BHAM", "--starts", "2025-04-10 09:00",
            "--duration", "3h", "--venue", "Aula Gamalama, Ternate", "--capacity", "40", "--json")
        #expect(scheduled.status == 0, "\(scheduled)")
        let id = String(try #require(try scheduled.object()["id"] as? Int))
        #expect(try scheduled.object()["starts_local"] as? String == "2025-04-10 09:00 WIT")
        #expect(try scheduled.object()["version"] as? Int == 1)
        let show = try await gugus("session", "show", id)
        #expect(show.stdout.hasPrefix("Sosialisasi Stranas BHAM [sosialisasi, luring] — scheduled, v1\n  waktu:    Kamis, 10 April 2025 pukul 09.00 WIT – 12.00 WIT\n"), "\(show)")

        let first = try await ICSCheck.validate(gugus, ["session", "ics", id], events: 1)
        #expect(first.problems == [])
        #expect(first.events.first?.sequence == 1)
        #expect(first.events.first?.startUtc == "2025-04-10T00:00:00Z")
        #expect(first.events.first?.startTzid == "Asia/Jayapura")
        #expect(first.timezones == [["WIT"]])

        let moved = try await gugus("session", "reschedule", id, "--starts", "2025-04-17 10:00", "--json")
        #expect(moved.status == 0, "\(moved)")
        #expect(try moved.object()["version"] as? Int == 2)
        #expect(try moved.object()["starts_local"] as? String == "2025-04-17 10:00 WIT")
        let second = try await ICSCheck.validate(gugus, ["session", "ics", id], events: 1)
        #expect(second.events.first?.uid == first.events.first?.uid)
        #expect(second.events.first?.sequence == 2)
        #expect(second.events.first?.startUtc == "2025-04-17T01:00:00Z")
        #expect(second.events.first?.status == "CONFIRMED")

        let cancelled = try await gugus("session", "cancel", id, "--reason", "bertepatan dengan rapat paripurna", "--json")
        #expect(cancelled.status == 0, "\(cancelled)")
        #expect(try cancelled.object()["status"] as? String == "cancelled")
        let third = try await ICSCheck.validate(gugus, ["session", "ics", id], events: 1)
        #expect(third.problems == [])
        #expect(third.events.first?.status == "CANCELLED")
        #expect(third.events.first?.sequence == 3)
    }

    @Test("clear refusals, exit code 1: a bad time, an unknown zone, a daring session without URL, attending a cancelled session")
    func refusals() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)
        let base = ["session", "schedule", "--taskforce", "82", "--title", "Rakor GTD", "--duration", "2h"]

        let badTime = try await gugus.run(base + ["--starts", "10-04-2025 09.00", "--venue", "Aula", "--lang", "en"])
        #expect(badTime.status == 1)
        #expect(badTime.stdout.isEmpty)
        #expect(badTime.stderr == "gugus: '10-04-2025 09.00' is not a valid time for starts; use \"YYYY-MM-DD HH:MM\" in the task force's local time, for example \"2025-05-06 09:00\"\n")

        let mars = try await gugus.run(base + ["--starts", "2025-04-10 09:00", "--venue", "Aula", "--tz", "Mars/Olympus", "--lang", "en"])
        #expect(mars.status == 1)
        #expect(mars.stderr == "gugus: 'Mars/Olympus' is not a known time zone for tz; use an IANA zone name, for example Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)\n")
        let marsID = try await gugus.run(base + ["--starts", "2025-04-10 09:00", "--venue", "Aula", "--tz", "Mars/Olympus"])
        #expect(marsID.stderr == "gugus: 'Mars/Olympus' bukan zona waktu yang dikenal untuk tz; gunakan nama zona IANA, misalnya Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT)\n")

        let daring = try await gugus.run(base + ["--starts", "2025-04-10 09:00", "--mode", "daring", "--lang", "en"])
        #expect(daring.status == 1)
        #expect(daring.stderr == "gugus: a daring session needs an online meeting link (--url https://…)\n")
        let daringID = try await gugus.run(base + ["--starts", "2025-04-10 09:00", "--mode", "daring"])
        #expect(daringID.stderr == "gugus: sesi daring memerlukan tautan rapat daring (--url https://…)\n")
        #expect(try await gugus("session", "list", "--json").array().isEmpty)

        let scheduled = try await gugus.run(base + ["--starts", "2025-04-10 09:00", "--venue", "Aula Gamalama", "--json"])
        let id = String(try #require(try scheduled.object()["id"] as? Int))
        let guest = try await gugus("session", "invite", id, "--name", "Budi Tamu", "--email", "budi@example.co.id", "--json")
        let participant = String(try #require(try guest.array().first?["id"] as? Int))
        #expect(try await gugus("session", "cancel", id).status == 0)
        let attend = try await gugus("session", "attend", id, "--participant", participant, "--lang", "en")
        #expect(attend.status == 1)
        #expect(attend.stderr == "gugus: session \(id) ('Rakor GTD') was cancelled; attendance cannot be recorded for a cancelled session\n")
        let attendID = try await gugus("session", "attend", id, "--participant", participant)
        #expect(attendID.stderr == "gugus: sesi \(id) ('Rakor GTD') dibatalkan; kehadiran tidak bisa dicatat untuk sesi yang batal\n")

        // A usage mistake is exit code 2.
        let usage = try await gugus("session", "invite", id)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("give exactly one of --member ID, --all-members, or --name (with --email)"))
    }

    @Test("the overlap warning goes to stderr, and the session is scheduled")
    func overlapWarning() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)
        let first = try await gugus(
            "session", "schedule", "--taskforce", "82", "--title", "Sosialisasi", "--starts", "2025-04-10 09:00", "--duration", "3h",
            "--venue", "Aula Gamalama", "--json")
        let firstID = try #require(try first.object()["id"] as? Int)
        let second = try await gugus(
            "session", "schedule", "--taskforce", "82", "--title", "FGD", "--starts", "2025-04-10 10:00", "--duration", "1h",
            "--venue", "Aula Gamalama", "--lang", "en")
        #expect(second.status == 0)
        #expect(second.stderr == "note: session \(firstID) ('Sosialisasi') is also at Aula Gamalama at an overlapping time\n", "\(second)")
        #expect(second.stdout.hasPrefix("Session scheduled: "))
        #expect(try await gugus("session", "list", "--json").array().count == 2)
    }

    @Test("20 `session invite` processes at once against a capacity of 5: exactly 5 invited, 15 refused")
    func concurrentInvitations() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)
        let scheduled = try await gugus(
            "session", "schedule", "--taskforce", "82", "--title", "FGD Uji Tuntas HAM", "--format", "fgd", "--starts", "2025-04-10 09:00",
            "--duration", "2h", "--venue", "Ruang Rapat Kanwil, Ternate", "--capacity", "5", "--json")
        let id = try #require(try scheduled.object()["id"] as? Int)

        let runs = try await withThrowingTaskGroup(of: GugusProcess.Run.self) { group in
            for n in 1...20 {
                group.addTask {
                    try await gugus("session", "invite", String(id), "--name", "Tamu \(n)", "--email", "tamu\(n)@example.co.id")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let invited = runs.filter { $0.status == 0 }
        let refused = runs.filter { $0.status == 1 }
        #expect(invited.count == 5, "\(runs.map(\.status))")
        #expect(refused.count == 15)
        #expect(invited.allSatisfy { $0.stdout.hasPrefix("Diundang: Tamu ") && $0.stderr.isEmpty })
        let message = "gugus: sesi \(id) ('FGD Uji Tuntas HAM') sudah penuh: kapasitas 5 orang; naikkan kapasitas dengan `gugus session reschedule \(id) --capacity N` atau batalkan undangan lain\n"
        #expect(refused.allSatisfy { $0.stderr == message }, "\(refused.map(\.stderr))")

        let shown = try await gugus("session", "show", String(id), "--json")
        let session = try shown.object()
        #expect(session["participants"] as? Int == 5)
        let participants = try #require(session["participant_list"] as? [[String: Any]])
        #expect(participants.count == 5)
        #expect(participants.allSatisfy { $0["registration"] as? String == "invited" })
        // The five who got in are the five who were told so.
        let names = Set(participants.compactMap { $0["name"] as? String })
        #expect(names == Set(invited.map { $0.stdout.replacingOccurrences(of: "Diundang: ", with: "").components(separatedBy: " (")[0] }))
    }
}

/// `/bin/date` under a TZ, to show that the child processes do see the zone they are given.
enum ZoneProbe {
    static func hour(ofEpochZeroUnder tz: String) async throws -> String {
        let output = try temporaryFile("date.txt", Data())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/date")
        process.arguments = ["-d", "@0", "+%H"]
        process.environment = ["TZ": tz]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try await run(process)
        return try String(contentsOfFile: output, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a process to its end without blocking a thread of the cooperative pool.
    static func run(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }
}

/// Runs `gugus session ics …` and reads its output with Tests/Support/validate_ics.py
/// (Python's `icalendar`), as a calendar client would.
enum ICSCheck {
    struct Result {
        var events: [ICSValidator.Report.Event]
        var timezones: [[String]]
        var problems: [String]
    }

    static func validate(_ gugus: GugusProcess, _ arguments: [String], events: Int) async throws -> Result {
        let file = try temporaryFile("session.ics", Data())
        let written = try await gugus.run(arguments + ["--output", file])
        #expect(written.status == 0, "\(written)")
        let outcome = try await ICSValidator.validate(try String(contentsOfFile: file, encoding: .utf8), expectedEvents: events)
        let report = try #require(outcome.report, "\(outcome.stderr)")
        #expect(outcome.status == (report.problems.isEmpty ? 0 : 1))
        return Result(events: report.events, timezones: report.timezones.map(\.tznames), problems: report.problems)
    }
}
