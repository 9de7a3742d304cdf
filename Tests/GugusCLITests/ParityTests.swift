import Foundation
import GugusTestSupport
import Testing

/// The seed scenario typed twice: once straight on a database, once through a server with a
/// token (`--server`/`--token`) on another fresh database. Every command must print the same
/// `--json` (but for the instants and the actor, which differ by nature), the same messages
/// and exit with the same code, refusals included.
@Suite("CLI parity: on the database and through a server", .timeLimit(.minutes(10)), .releasesResources)
struct ParityTests {
    @Test("the seed scenario gives the same output and exit codes directly and with --server")
    func seedScenario() async throws {
        let direct = try await GugusProcess.onNewDatabase()
        let remoteDatabase = try await GugusProcess.onNewDatabase()
        // Both databases get a token first, so their ids and sequences stay in step.
        let directToken = try await direct("token", "issue", "--role", "admin", "--name", "Sekretariat GTN", "--json")
        #expect(directToken.status == 0, "\(directToken)")
        let issued = try await remoteDatabase("token", "issue", "--role", "admin", "--name", "Sekretariat GTN", "--json")
        #expect(issued.status == 0, "\(issued)")
        let token = try #require(try issued.object()["token"] as? String)

        let server = try await ServerProcess.start(databaseURL: remoteDatabase.databaseURL)
        do {
            try await run(Scenario(direct: direct, remote: remoteDatabase, server: server.url, token: token))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("through a server, a token's refusals exit with 1 and the server's reason; no token is a usage error")
    func refusalsThroughServer() async throws {
        let database = try await GugusProcess.onNewDatabase()
        let issued = try await database("token", "issue", "--role", "admin", "--name", "Sekretariat GTN", "--json")
        let admin = try #require(try issued.object()["token"] as? String, "\(issued)")
        let other = try await database("token", "issue", "--role", "coordinator", "--region", "61", "--name", "Kanwil Kalimantan Barat", "--json")
        let coordinator = try #require(try other.object()["token"] as? String, "\(other)")
        let server = try await ServerProcess.start(databaseURL: database.databaseURL)
        do {
            func through(_ token: String, _ arguments: String...) async throws -> GugusProcess.Run {
                try await database.run(arguments + ["--server", server.url, "--token", token], database: false)
            }
            #expect(try await through(admin, "taskforce", "create", "--region", "82").status == 0)
            #expect(try await through(admin, "member", "add", "--taskforce", "82", "--name", "Rahmat Contoh", "--role", "ketua",
                                      "--position", "Gubernur Maluku Utara", "--institution", "Pemerintah Provinsi Maluku Utara",
                                      "--email", "gubernur@example.go.id").status == 0)

            let refused = try await through(coordinator, "member", "add", "--taskforce", "82", "--name", "Budi Contoh", "--role", "anggota",
                                            "--position", "Staf", "--institution", "Pemerintah Provinsi Maluku Utara")
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr == "gugus: token 'Kanwil Kalimantan Barat' (coordinator for 61) hanya boleh mengubah gugus tugas wilayahnya sendiri, bukan Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara\n")
            #expect(refused.stdout.isEmpty)

            // Another region's people, without their contact details.
            let listed = try await through(coordinator, "member", "list", "--taskforce", "82", "--json")
            #expect(listed.status == 0, "\(listed)")
            #expect(try listed.array().map { $0["name"] as? String } == ["Rahmat Contoh"])
            #expect(!listed.stdout.contains("gubernur@example.go.id"), "\(listed)")

            let unknown = try await through("gugus_nope", "status", "--lang", "en")
            #expect(unknown.status == 1, "\(unknown)")
            #expect(unknown.stderr == "gugus: unknown token; ask the national secretariat for one\n")

            let noToken = try await database.run(["status", "--server", server.url], database: false)
            #expect(noToken.status == 2, "\(noToken)")
            #expect(noToken.stderr.contains("--server needs a token: pass --token or set GUGUS_TOKEN"), "\(noToken)")

            let badAddress = try await database.run(["status", "--server", "127.0.0.1:8080", "--token", admin, "--lang", "en"], database: false)
            #expect(badAddress.status == 1, "\(badAddress)")
            #expect(badAddress.stderr == "gugus: '127.0.0.1:8080' is not a server address; write it like http://127.0.0.1:8080\n")
        } catch {
            await server.stop()
            throw error
        }
        // Gone: the CLI says it cannot reach it.
        await server.stop()
        let away = try await database.run(["status", "--server", server.url, "--token", admin, "--lang", "en"], database: false)
        #expect(away.status == 1, "\(away)")
        #expect(away.stderr.hasPrefix("gugus: cannot reach the server \(server.url)"), "\(away)")
    }

    /// A date `days` ahead in WIT, YYYY-MM-DD.
    static func dayAhead(_ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = TimeZone(identifier: "Asia/Jayapura")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    private func run(_ scenario: Scenario) async throws {
        let csv = "\u{FEFF}nama;peran;jabatan;instansi;email;telepon;pokja\n"
            + "Hasan Percontohan;anggota;Kepala Dinas Tenaga Kerja dan Transmigrasi;Dinas Tenaga Kerja dan Transmigrasi Provinsi Maluku Utara;;;3\n"
            + "Lina Ilustrasi;anggota;Kepala Dinas Kesehatan;Dinas Kesehatan Provinsi Maluku Utara;lina@malut.example.go.id;0812-3456-7890;3\n"
            + "Ratna Contoh;anggota;Kepala Dinas Lingkungan Hidup;Dinas Lingkungan Hidup Provinsi Maluku Utara;;;2\n"
        let roster = try temporaryFile("anggota.csv", Data(csv.utf8))
        let badRoster = try temporaryFile("salah.csv", Data((
            "name,role,position,institution\n"
            + "Dewi Contoh,anggota,Kepala Dinas Sosial,Dinas Sosial Provinsi Maluku Utara\n"
            + "Tono Sampel,bendahara,Bendahara,Bappeda Provinsi Maluku Utara\n"
            + ",anggota,Staf Ahli,Bappeda Provinsi Maluku Utara\n").utf8))

        try await scenario.same("taskforce", "create", "--region", "82", "--json")
        try await scenario.same(
            "decree", "add", "--taskforce", "82", "--number", "188.45/123/2024",
            "--title", "tentang Pembentukan Gugus Tugas Daerah Bisnis dan Hak Asasi Manusia Provinsi Maluku Utara",
            "--place", "Sofifi", "--signed-on", "2024-03-01", "--effective-until", "2025-12-31",
            "--signer", "Rahmat Contoh", "--signer-title", "Gubernur Maluku Utara", "--json")
        try await scenario.same(
            "member", "add", "--taskforce", "82", "--name", "Rahmat Contoh", "--role", "ketua", "--position", "Gubernur Maluku Utara",
            "--institution", "Pemerintah Provinsi Maluku Utara", "--email", "gubernur@example.go.id", "--json")
        try await scenario.same(
            "member", "add", "--taskforce", "82", "--name", "Yusuf Sampel", "--role", "sekretaris",
            "--position", "Kepala Kantor Wilayah Kementerian HAM Maluku Utara",
            "--institution", "Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara", "--phone", "0811-0000-0103", "--json")
        try await scenario.same("member", "import", "--taskforce", "82", roster, "--json")

        // Refusals: the same exit code and the same message on stderr.
        let secondKetua = try await scenario.same(
            "member", "add", "--taskforce", "82", "--name", "Budi Contoh", "--role", "ketua", "--position", "Wakil Gubernur",
            "--institution", "Pemerintah Provinsi Maluku Utara", "--json")
        #expect(secondKetua.status == 1, "\(secondKetua)")
        #expect(secondKetua.stderr.hasPrefix("gugus: gugus tugas 82 sudah punya ketua: Rahmat Contoh"), "\(secondKetua)")
        let english = try await scenario.same(
            "member", "add", "--taskforce", "82", "--name", "Budi Contoh", "--role", "bendahara", "--position", "Bendahara",
            "--institution", "Pemerintah Provinsi Maluku Utara", "--lang", "en")
        #expect(english.status == 2, "a usage error, before anything runs: \(english)")
        let refusedImport = try await scenario.same("member", "import", "--taskforce", "82", badRoster, "--json")
        #expect(refusedImport.status == 1, "\(refusedImport)")
        try await scenario.same("member", "import", "--taskforce", "82", badRoster, "--lang", "en")
        let overlap = try await scenario.same(
            "decree", "add", "--taskforce", "82", "--number", "188.45/200/2024", "--title", "tentang Pembentukan",
            "--signed-on", "2024-06-01", "--signer", "Rahmat Contoh")
        #expect(overlap.status == 1, "\(overlap)")
        let nowhere = try await scenario.same("taskforce", "show", "31")
        #expect(nowhere.status == 1, "\(nowhere)")

        // The sosialisasi in Ternate, recorded after the fact.
        let scheduled = try await scenario.same(
            "session", "schedule", "--taskforce", "82", "--title", "Sosialisasi Strategi Nasional Bisnis dan HAM",
            "--format", "sosialisasi", "--starts", "2025-04-10 09:00", "--duration", "3h", "--venue", "Aula Gamalama, Ternate",
            "--capacity", "40", "--audience", "gtd_members", "--audience", "companies", "--json")
        let session = String(try #require(try scheduled.object()["id"] as? Int))
        let invited = try await scenario.same("session", "invite", session, "--all-members", "--json")
        try await scenario.same("session", "invite", session, "--name", "Maria Tamu", "--email", "maria@ngo.example.org", "--organisation", "LBH Ternate", "--json")
        try await scenario.same("session", "invite", session, "--all-members")
        let participants = try invited.array().compactMap { $0["id"] as? Int }
        #expect(participants.count == 5, "\(invited)")
        for participant in participants.prefix(4) {
            try await scenario.same("session", "attend", session, "--participant", String(participant), "--json")
        }
        let noParticipant = try await scenario.same("session", "attend", session, "--participant", "999999")
        #expect(noParticipant.status == 1, "\(noParticipant)")
        try await scenario.same("session", "complete", session, "--notes", "Dihadiri 4 dari 5 anggota GTD", "--json")

        // Aksi BHAM reporting: the actions, a period that closed long ago, the session as
        // evidence, a late submission refused, an extension, the review.
        let actions = try temporaryFile("aksi.csv", Data((
            "code,title,strategy,indicator,unit,target,assigned\n"
            + "A1.1,Sosialisasi BHAM bagi pelaku usaha,1,Jumlah kegiatan sosialisasi,kegiatan,4,all\n"
            + "A2.1,Penyusunan rencana aksi daerah,2,Dokumen rencana aksi,,,all\n").utf8))
        let period = "Laporan Tahunan 2025"
        let reportOf82 = ["--taskforce", "82", "--period", period]
        try await scenario.same("report", "action", "import", actions, "--json")
        try await scenario.same("report", "action", "list")
        try await scenario.same("report", "period", "add", "--name", period, "--opens", "2025-09-01", "--closes", "2025-09-30", "--json")
        try await scenario.same(["report", "show"] + reportOf82)
        try await scenario.same(["report", "entry", "set"] + reportOf82 + [
            "--action", "A1.1", "--achievement", "Satu sosialisasi bagi pelaku usaha", "--value", "1", "--state", "in_progress",
            "--inputs-from", "82.71,82.72", "--json"])
        try await scenario.same(["report", "evidence", "add"] + reportOf82 + ["--action", "A1.1", "--session", session, "--json"])
        let notulen = try temporaryFile("notulen.pdf", Data("%PDF-1.4\n%%EOF\n".utf8))
        try await scenario.same(["report", "evidence", "add"] + reportOf82 + ["--action", "A1.1", "--file", notulen, "--json"])
        let late = try await scenario.same(["report", "submit"] + reportOf82)
        #expect(late.status == 1, "\(late)")
        #expect(late.stderr.contains("sudah ditutup Selasa, 30 September 2025 pukul 23.59 WIT"), "\(late)")
        let until = Self.dayAhead(30)
        try await scenario.same("report", "period", "extend", period, "--region", "82", "--until", until, "--reason", "banjir di Sofifi", "--json")
        let byWhom: Set<String> = ["submitted_at", "submitted_by", "reviewed_at", "reviewed_by"]
        try await scenario.same(["report", "submit"] + reportOf82 + ["--note", "Mohon ditinjau", "--json"], ignoring: byWhom)
        try await scenario.same(["report", "review"] + reportOf82 + ["--action", "A1.1", "--score", "60", "--note", "Lampirkan daftar hadir", "--json"], ignoring: byWhom)
        try await scenario.same(["report", "return"] + reportOf82 + ["--note", "Bukti A2.1 belum ada", "--json"], ignoring: byWhom)
        try await scenario.same(["report", "evidence", "add"] + reportOf82 + ["--action", "A2.1", "--url", "https://jdih.malutprov.example.go.id/rad", "--json"], ignoring: byWhom)
        try await scenario.same(["report", "submit"] + reportOf82 + ["--json"], ignoring: byWhom)
        try await scenario.same(["report", "verify"] + reportOf82 + ["--json"], ignoring: byWhom)
        let recap = try await scenario.same("report", "recap", "--period", period, "--json")
        #expect(try (recap.object()["rows"] as? [[String: Any]])?.first?["reported"] as? Int == 1, "\(recap)")
        try await scenario.same("report", "recap", "--period", period, "--csv")
        try await scenario.same(["report", "evidence", "get"] + reportOf82 + ["--evidence", "2", "--output", notulen + ".back", "--json"])
        #expect(FileManager.default.contents(atPath: notulen + ".back") == Data("%PDF-1.4\n%%EOF\n".utf8))

        // What a coordinator reads afterwards.
        let status = try await scenario.same("status", "--region", "82", "--at", "2025-06-01", "--json")
        #expect(try status.object()["status"] as? String == "established")
        try await scenario.same("status", "--at", "2025-06-01", "--json")
        let members = try await scenario.same("member", "list", "--taskforce", "82", "--at", "2025-06-01", "--json")
        #expect(try members.array().count == 5)
        try await scenario.same("member", "list", "--taskforce", "82", "--at", "2025-06-01")
        try await scenario.same("session", "show", session, "--json")
        try await scenario.same("session", "list", "--taskforce", "82", "--json")
        try await scenario.same("decree", "list", "--taskforce", "82", "--json")
        try await scenario.same("decree", "list", "--taskforce", "82")
        try await scenario.same("taskforce", "list", "--json")
        try await scenario.same("region", "list", "--json")
        try await scenario.same("audit", "list", "--entity", "membership", "--json")

        // Personal data (UU PDP): the guest's export, a correction, retention (her session was
        // in April 2025, more than 12 months ago), and her erasure.
        let export = try await scenario.same("person", "export", "--email", "maria@ngo.example.org", "--json", ignoring: ["generated_at"])
        #expect(try (export.object()["participations"] as? [Any])?.count == 1, "\(export)")
        try await scenario.same("person", "correct", "--email", "maria@ngo.example.org", "--new-email", "maria.t@ngo.example.org", "--json")
        let retention = try await scenario.same("person", "retention", "--dry-run", "--json", ignoring: ["ran_at"])
        #expect(try (retention.object()["items"] as? [Any])?.count == 1, "\(retention)")
        try await scenario.same("person", "retention", "--dry-run")
        try await scenario.same("person", "erase", "--email", "maria.t@ngo.example.org", "--reason", "permintaan yang bersangkutan", "--json")
        let erased = try await scenario.same("person", "export", "--email", "maria.t@ngo.example.org")
        #expect(erased.status == 1, "\(erased)")

        // The rest of the CLI: a session ahead with reminders, changed and cancelled; a
        // membership ended; tokens; the calendar.
        let ahead = try await scenario.same(
            "session", "schedule", "--taskforce", "82", "--title", "Bimtek Uji Tuntas HAM", "--format", "bimtek", "--mode", "hybrid",
            "--starts", "2027-05-06 09:00", "--duration", "2h", "--venue", "Kantor Gubernur, Sofifi", "--url", "https://meet.example.id/bimtek",
            "--json")
        let future = String(try #require(try ahead.object()["id"] as? Int))
        let rule = try await scenario.same("reminder", "rule", "add", "--offset", "1d", "--taskforce", "82", "--json")
        let ruleID = String(try #require(try rule.object()["id"] as? Int))
        try await scenario.same("reminder", "rule", "list", "--json")
        try await scenario.same("session", "invite", future, "--all-members", "--json")
        let planned = try await scenario.same("reminder", "list", "--session", future, "--json")
        #expect(try planned.array().count == 5, "\(planned)")
        try await scenario.same("session", "reschedule", future, "--starts", "2027-05-07 09:00", "--json")
        try await scenario.same("reminder", "list", "--session", future, "--status", "pending", "--json")
        try await scenario.calendar("session", "ics", future)
        try await scenario.calendar("session", "ics", "--taskforce", "82")
        try await scenario.same("session", "cancel", future, "--reason", "bentrok dengan rapat paripurna", "--json")
        let cancelledTwice = try await scenario.same("session", "cancel", future)
        #expect(cancelledTwice.status == 1, "\(cancelledTwice)")
        try await scenario.same("reminder", "list", "--status", "skipped", "--json")
        try await scenario.same("reminder", "rule", "remove", ruleID, "--json")
        let memberID = String(try #require(try members.array().last?["id"] as? Int))
        try await scenario.same("member", "end", memberID, "--on", "2025-06-30", "--reason", "mutasi jabatan", "--json")
        let endedTwice = try await scenario.same("member", "end", memberID, "--on", "2025-07-31")
        #expect(endedTwice.status == 1, "\(endedTwice)")
        try await scenario.same("session", "list", "--taskforce", "82", "--status", "cancelled", "--json")
        try await scenario.same("audit", "list", "--entity", "outreach_session", "--json")

        // Tokens: the secret differs by nature, nothing else.
        let viewerToken = try await scenario.same("token", "issue", "--role", "viewer", "--name", "Dasbor publik", "--json", ignoring: ["token"])
        let duplicateToken = try await scenario.same("token", "issue", "--role", "viewer", "--name", "Dasbor publik")
        #expect(duplicateToken.status == 1, "\(duplicateToken)")
        try await scenario.same("token", "list", "--json")
        try await scenario.same("token", "revoke", String(try #require(try viewerToken.object()["id"] as? Int)), "--json")

        // GUGUS_SERVER and GUGUS_TOKEN do what the flags do.
        let onDatabase = try await scenario.direct.run(["status", "--region", "82", "--at", "2025-06-01", "--json"])
        let fromEnvironment = try await scenario.remote.run(
            ["status", "--region", "82", "--at", "2025-06-01", "--json"],
            environment: ["GUGUS_SERVER": scenario.server, "GUGUS_TOKEN": scenario.token], database: false)
        #expect(fromEnvironment.status == 0, "\(fromEnvironment)")
        #expect(try Scenario.normalised(onDatabase.stdout) == Scenario.normalised(fromEnvironment.stdout))
    }
}

/// One step typed twice.
private struct Scenario {
    let direct: GugusProcess
    let remote: GugusProcess
    let server: String
    let token: String

    /// Runs the command both ways and expects the same: exit code, stderr, and stdout (as
    /// JSON, normalised, when it is JSON).
    @discardableResult
    func same(_ arguments: String..., ignoring: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation) async throws -> GugusProcess.Run {
        try await same(arguments, ignoring: ignoring, sourceLocation: sourceLocation)
    }

    @discardableResult
    func same(_ arguments: [String], ignoring: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation) async throws -> GugusProcess.Run {
        let onDatabase = try await direct.run(arguments)
        let throughServer = try await remote.run(arguments + ["--server", server, "--token", token], database: false)
        let command = arguments.prefix(3).joined(separator: " ")
        #expect(onDatabase.status == throughServer.status, "\(command): exit codes differ\n\(onDatabase)\n\(throughServer)", sourceLocation: sourceLocation)
        #expect(onDatabase.stderr == throughServer.stderr, "\(command): stderr differs\n\(onDatabase)\n\(throughServer)", sourceLocation: sourceLocation)
        if arguments.contains("--json"), !onDatabase.stdout.isEmpty {
            let left = try Self.normalised(onDatabase.stdout, ignoring: ignoring)
            let right = try Self.normalised(throughServer.stdout, ignoring: ignoring)
            #expect(left == right, "\(command): --json differs\n--- direct\n\(left)\n--- through the server\n\(right)", sourceLocation: sourceLocation)
        } else {
            #expect(onDatabase.stdout == throughServer.stdout, "\(command): output differs\n\(onDatabase)\n\(throughServer)", sourceLocation: sourceLocation)
        }
        return onDatabase
    }

    /// An iCalendar file both ways: the same events, but for the stamps of when each was
    /// written.
    func calendar(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let onDatabase = try await direct.run(arguments)
        let throughServer = try await remote.run(arguments + ["--server", server, "--token", token], database: false)
        #expect(onDatabase.status == 0 && throughServer.status == 0, "\(onDatabase)\n\(throughServer)", sourceLocation: sourceLocation)
        func events(_ text: String) -> [String] {
            text.components(separatedBy: "\r\n").filter { line in
                !["DTSTAMP:", "CREATED:", "LAST-MODIFIED:"].contains { line.hasPrefix($0) }
            }
        }
        #expect(onDatabase.stdout.contains("BEGIN:VEVENT"), "\(onDatabase)", sourceLocation: sourceLocation)
        #expect(events(onDatabase.stdout) == events(throughServer.stdout), "\(onDatabase)\n\(throughServer)", sourceLocation: sourceLocation)
    }

    /// Fields that legitimately differ: when a record was written (the two runs happen at
    /// different times) and who wrote it (the operator's login, or the token's name).
    static let differing: Set<String> = [
        "created_at", "updated_at", "checked_in_at", "removed_at", "revoked_at", "at", "last_activity", "actor",
    ]

    /// The JSON with the fields that legitimately differ blanked.
    static func normalised(_ text: String, ignoring: Set<String> = []) throws -> String {
        let differing = Self.differing.union(ignoring)
        func blank(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                var result: [String: Any] = [:]
                for (key, field) in object {
                    let differs = differing.contains(key)
                    result[key] = differs && !(field is NSNull) ? "…" : blank(field)
                }
                return result
            }
            if let array = value as? [Any] { return array.map(blank) }
            return value
        }
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        let data = try JSONSerialization.data(withJSONObject: blank(parsed), options: [.sortedKeys, .prettyPrinted, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }
}
