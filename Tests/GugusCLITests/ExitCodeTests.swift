import Foundation
import GugusTestSupport
import Testing

/// Exit codes (0 success, 1 refused, 2 usage), messages on stderr, and the human output in
/// both languages.
@Suite("CLI exit codes and output", .releasesResources)
struct ExitCodeTests {
    static let decree = [
        "decree", "add", "--taskforce", "82", "--number", "188.45/123/2024",
        "--title", "tentang Pembentukan Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara",
        "--place", "Sofifi", "--signer", "Gubernur Maluku Utara",
    ]

    @Test("usage errors exit with 2, before touching the database")
    func usage() async throws {
        // No database at all: a usage error must not need one.
        let gugus = GugusProcess(databaseURL: "postgresql:///nowhere?host=/nonexistent")
        let missing = try await gugus("decree", "add", "--taskforce", "82")
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("Missing expected argument '--number <number>'"))
        #expect(missing.stdout.isEmpty)

        let unknown = try await gugus("taskforce", "dissolve", "82")
        #expect(unknown.status == 2, "\(unknown)")

        let language = try await gugus("region", "list", "--lang", "fr")
        #expect(language.status == 2, "\(language)")
        #expect(language.stderr.contains("--lang must be id or en, not 'fr'"))

        let neither = try await gugus("taskforce", "create")
        #expect(neither.status == 2, "\(neither)")
        #expect(neither.stderr.contains("give either --region CODE or --national"))

        let notANumber = try await gugus("member", "end", "satu", "--on", "2025-01-01")
        #expect(notANumber.status == 2, "\(notANumber)")

        let help = try await gugus("status", "--help", database: false)
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("--at <YYYY-MM-DD>"))
    }

    @Test("a refusal exits with 1 and says why on stderr, in the chosen language")
    func refused() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        let indonesian = try await gugus("taskforce", "create", "--region", "83")
        #expect(indonesian.status == 1, "\(indonesian)")
        #expect(indonesian.stderr == "gugus: tidak ada wilayah '83'; lihat `gugus region list`\n")
        #expect(indonesian.stdout.isEmpty)

        let english = try await gugus("taskforce", "create", "--region", "83", "--lang", "en")
        #expect(english.status == 1, "\(english)")
        #expect(english.stderr == "gugus: no region '83'; see `gugus region list`\n")

        // LANG decides without --lang; --json does not change where messages go.
        let fromLANG = try await gugus("status", "--region", "83", "--json", environment: ["LANG": "en_US.UTF-8"])
        #expect(fromLANG.status == 1, "\(fromLANG)")
        #expect(fromLANG.stderr == "gugus: no region '83'; see `gugus region list`\n")
        #expect(fromLANG.stdout.isEmpty)
    }

    @Test("GUGUS_STATEMENT_CACHE takes a number; 0 turns the statement cache off")
    func statementCacheSetting() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        let refused = try await gugus("status", "--region", "82", "--lang", "en", environment: ["GUGUS_STATEMENT_CACHE": "lots"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("GUGUS_STATEMENT_CACHE 'lots' is not a number"), "\(refused)")
        for value in ["0", "16"] {
            let status = try await gugus("status", "--region", "82", "--json", environment: ["GUGUS_STATEMENT_CACHE": value])
            #expect(status.status == 0, "\(status)")
        }
    }

    @Test("bad dates and terms are refused with the value")
    func badDates() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)

        let notADate = try await gugus.run(Self.decree + ["--signed-on", "2024-02-30", "--lang", "en"])
        // Typed options: a date that does not parse is a usage error (2) naming the option and its form.
        #expect(notADate.status == 2, "\(notADate)")
        #expect(notADate.stderr.hasPrefix("Error: The value '2024-02-30' is invalid for '--signed-on <YYYY-MM-DD>'\n"), "\(notADate)")

        let slashes = try await gugus.run(Self.decree + ["--signed-on", "2024-03-01", "--effective-until", "31/12/2025"])
        #expect(slashes.status == 2, "\(slashes)")
        #expect(slashes.stderr.hasPrefix("Error: The value '31/12/2025' is invalid for '--effective-until <YYYY-MM-DD>'\n"), "\(slashes)")

        let order = try await gugus.run(Self.decree + ["--signed-on", "2024-03-01", "--effective-until", "2023-12-31", "--lang", "en"])
        #expect(order.status == 1, "\(order)")
        #expect(order.stderr == "gugus: effective-until 2023-12-31 is before effective-from 2024-03-01; the term must end on or after it starts\n")

        let statusAt = try await gugus("status", "--at", "besok", "--lang", "en")
        #expect(statusAt.status == 2, "\(statusAt)")
        #expect(statusAt.stderr.hasPrefix("Error: The value 'besok' is invalid for '--at <YYYY-MM-DD>'\n"), "\(statusAt)")
    }

    @Test("an overlapping decree, a duplicate number, an unknown role and a foreign decree, in words")
    func refusedRules() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)
        #expect(try await gugus("taskforce", "create", "--region", "81").status == 0)
        let first = try await gugus.run(Self.decree + ["--signed-on", "2024-03-01", "--effective-until", "2025-12-31", "--json"])
        #expect(first.status == 0, "\(first)")
        let firstID = try #require(try first.object()["id"] as? Int)

        var overlapping = Self.decree + ["--signed-on", "2025-01-02", "--lang", "en"]
        overlapping[5] = "188.45/9/2025"
        let overlap = try await gugus.run(overlapping)
        #expect(overlap.status == 1, "\(overlap)")
        #expect(overlap.stderr == "gugus: task force 82 already has an establishing decree in force on those dates: '188.45/123/2024' (decree \(firstID), 2024-03-01 – 2025-12-31); to replace it, add the new decree with --revokes \(firstID)\n")

        let duplicate = try await gugus.run(Self.decree + ["--signed-on", "2024-11-01", "--effective-from", "2026-01-01", "--lang", "en"])
        #expect(duplicate.status == 1, "\(duplicate)")
        #expect(duplicate.stderr.hasPrefix("gugus: number '188.45/123/2024' is already registered for a governor decree of 82 in 2024 (decree \(firstID))"))

        let role = try await gugus(
            "member", "add", "--taskforce", "82", "--name", "Andi Sampel", "--role", "bendahara",
            "--position", "Kepala Dinas", "--institution", "DPMPTSP", "--lang", "en")
        #expect(role.status == 2, "\(role)")
        #expect(role.stderr.hasPrefix("Error: The value 'bendahara' is invalid for '--role <role>'. Please provide one of 'ketua', 'wakil_ketua', 'sekretaris', 'wakil_sekretaris' or 'anggota'."), "\(role)")

        var maluku = Self.decree + ["--signed-on", "2024-03-01", "--json"]
        maluku[3] = "81"
        let foreign = try await gugus.run(maluku)
        #expect(foreign.status == 0, "\(foreign)")
        let foreignID = try #require(try foreign.object()["id"] as? Int)
        let appointed = try await gugus(
            "member", "add", "--taskforce", "82", "--name", "Andi Sampel", "--role", "anggota",
            "--position", "Kepala Dinas", "--institution", "DPMPTSP", "--decree", String(foreignID), "--lang", "en")
        #expect(appointed.status == 1, "\(appointed)")
        #expect(appointed.stderr == "gugus: decree \(foreignID) ('188.45/123/2024') belongs to Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku, not to task force 82; use one of this task force's own decrees (see `gugus decree list --taskforce 82`)\n")

        let revoking = try await gugus.run(Array(overlapping.dropLast(2)) + ["--revokes", String(firstID), "--json"])
        #expect(revoking.status == 0, "\(revoking)")
        let list = try await gugus("decree", "list", "--taskforce", "82", "--json")
        let revoked = try #require(try list.array().first { $0["id"] as? Int == firstID })
        #expect(revoked["revoked_on"] as? String == "2025-01-02")
        let status = try await gugus("status", "--region", "82", "--at", "2025-01-02", "--json")
        #expect(try (status.object()["decree"] as? [String: Any])?["number"] as? String == "188.45/9/2025")
    }

    @Test("human output, in Indonesian by default and in English")
    func humanOutput() async throws {
        let gugus = try await GugusProcess.onNewDatabase()
        let indonesian = try await gugus("taskforce", "create", "--region", "82")
        #expect(indonesian.status == 0, "\(indonesian)")
        #expect(indonesian.stdout.hasPrefix("Gugus tugas dibuat: Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara (id "))
        #expect(indonesian.stdout.hasSuffix(", 82)\n"))
        let english = try await gugus("taskforce", "create", "--region", "81", "--lang", "en")
        #expect(english.stdout.hasPrefix("Task force created: Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku (id "))

        #expect(try await gugus.run(Self.decree + ["--signed-on", "2024-03-01", "--effective-until", "2025-12-31"]).status == 0)
        let ketua = try await gugus(
            "member", "add", "--taskforce", "82", "--name", "Rahmat Contoh", "--role", "ketua",
            "--position", "Gubernur Maluku Utara", "--institution", "Pemerintah Provinsi Maluku Utara")
        #expect(ketua.status == 0, "\(ketua)")
        #expect(ketua.stdout.hasPrefix("Anggota ditambahkan: Rahmat Contoh, ketua (id "))
        #expect(ketua.stdout.hasSuffix("), sejak 2024-03-01\n"))

        let statusID = try await gugus("status", "--region", "82", "--at", "2025-11-15")
        #expect(statusID.status == 0, "\(statusID)")
        let linesID = statusID.stdout.split(separator: "\n").map(String.init)
        #expect(linesID.first == "82 Maluku Utara (WIT) — segera berakhir [expiring]")
        #expect(linesID.contains("  per tanggal:     2025-11-15"))
        #expect(linesID.contains("  SK berlaku:      188.45/123/2024 (ditetapkan 2024-03-01, s.d. 2025-12-31)"))
        #expect(linesID.contains("  sisa masa:       46 hari"))
        #expect(linesID.contains("  anggota:         1 (ketua 1)"))
        #expect(linesID.contains("  jabatan kosong:  sekretaris"))

        let statusEN = try await gugus("status", "--region", "82", "--at", "2025-06-01", "--lang", "en")
        let linesEN = statusEN.stdout.split(separator: "\n").map(String.init)
        #expect(linesEN.first == "82 Maluku Utara (WIT) — established [established]")
        #expect(linesEN.contains("  decree in force: 188.45/123/2024 (signed 2024-03-01, until 2025-12-31)"))
        #expect(linesEN.contains("  members:         1 (ketua 1)"))
        #expect(linesEN.contains("  vacant roles:    sekretaris"))

        let national = try await gugus("status", "--at", "2025-06-01", "--lang", "en")
        #expect(national.stdout.hasSuffix("38 provinces: 1 established, 0 expiring, 0 lapsed, 37 not formed\n"))
        let nasional = try await gugus("status", "--at", "2025-06-01")
        #expect(nasional.stdout.hasSuffix("38 provinsi: 1 terbentuk, 0 segera berakhir, 0 kedaluwarsa, 37 belum dibentuk\n"))

        let regions = try await gugus("region", "list", "--json")
        #expect(regions.status == 0, "\(regions)")
        let rows = try regions.array()
        #expect(rows.count == 38 + 514, "the provinces, and their regencies and cities")
        let provinces = try await gugus("region", "list", "--level", "province", "--json")
        #expect(try provinces.array().count == 38)
        #expect(rows.first { $0["id"] as? String == "61" }?["time_zone"] as? String == "Asia/Pontianak")
    }
}
