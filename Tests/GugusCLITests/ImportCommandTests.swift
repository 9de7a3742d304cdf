import Foundation
import GugusTestSupport
import Testing

/// `gugus member import`: the report, the problems on stderr, and the exit codes.
@Suite("CLI member import", .releasesResources)
struct ImportCommandTests {
    static let clean = """
        name,role,position,institution,email,phone,working_group
        Rahmat Contoh,ketua,Gubernur Maluku Utara,Pemerintah Provinsi Maluku Utara,gubernur@example.go.id,,
        Yusuf Sampel,sekretaris,Kepala Kantor Wilayah,Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara,kakanwil.malut@example.go.id,0811-0000-0103,
        Hasan Percontohan,anggota,Kepala Dinas,Dinas Tenaga Kerja dan Transmigrasi Provinsi Maluku Utara,,0811-0000-0112,3
        Lina Ilustrasi,anggota,Kepala Dinas,Dinas Kesehatan Provinsi Maluku Utara,dinkes@example.go.id,,3
        Ratna Contoh,anggota,Kepala Dinas,Dinas Lingkungan Hidup Provinsi Maluku Utara,,,2

        """

    /// Line 3: a bad e-mail; line 4: an unknown role; line 5: no name.
    static let badRows = """
        nama;peran;jabatan;instansi;email
        Rahmat Contoh;ketua;Gubernur Maluku Utara;Pemerintah Provinsi Maluku Utara;gubernur@example.go.id
        Siti Fiktif;anggota;Kepala Dinas;Dinas Lingkungan Hidup;budi@@malut
        Andi Sampel;bendahara;Kepala Dinas;DPMPTSP;andi@example.go.id
        ;anggota;Kepala Dinas;Disnakertrans;
        Yusuf Sampel;sekretaris;Kepala Kantor Wilayah;Kantor Wilayah Kementerian HAM Maluku Utara;kakanwil.malut@example.go.id

        """

    /// A task force 82 with its decree, on a database of its own.
    private func establishedTaskForce() async throws -> GugusProcess {
        let gugus = try await GugusProcess.onNewDatabase()
        #expect(try await gugus("taskforce", "create", "--region", "82").status == 0)
        let decree = try await gugus(
            "decree", "add", "--taskforce", "82", "--number", "188.45/123/2024", "--title", "tentang Pembentukan GTD BHAM",
            "--signed-on", "2024-03-01", "--effective-until", "2025-12-31", "--signer", "Gubernur Maluku Utara")
        #expect(decree.status == 0, "\(decree)")
        return gugus
    }

    private func memberCount(_ gugus: GugusProcess) async throws -> Int {
        try await gugus("member", "list", "--taskforce", "82", "--at", "2025-06-01", "--json").array().count
    }

    @Test("a clean file imports every row; importing it again changes nothing")
    func clean() async throws {
        let gugus = try await establishedTaskForce()
        let file = try temporaryFile("anggota.csv", Data(Self.clean.utf8))
        let first = try await gugus("member", "import", "--taskforce", "82", file, "--lang", "en")
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout == "Imported: 5 rows: 5 new, 0 updated, 0 unchanged, 0 skipped\n")
        #expect(first.stderr.isEmpty)
        #expect(try await memberCount(gugus) == 5)

        let again = try await gugus("member", "import", "--taskforce", "82", file, "--json")
        #expect(again.status == 0, "\(again)")
        let report = try again.object()
        #expect(report["created"] as? Int == 0)
        #expect(report["unchanged"] as? Int == 5)
        #expect(report["rolled_back"] as? Bool == false)
        #expect(report["id"] as? Int == report["task_force_id"] as? Int)
        #expect(try await memberCount(gugus) == 5)
    }

    @Test("bad rows: nothing imported, every bad line on stderr, exit 1")
    func badRows() async throws {
        let gugus = try await establishedTaskForce()
        let file = try temporaryFile("anggota.csv", Data(Self.badRows.utf8))
        let english = try await gugus("member", "import", "--taskforce", "82", file, "--lang", "en")
        #expect(english.status == 1, "\(english)")
        #expect(english.stdout == "Nothing was imported: 3 problems on 3 lines. Fix the file, or use --skip-invalid to import the good rows only.\n")
        #expect(english.stderr == """
              line 3, column email: 'budi@@malut' is not a valid e-mail address; write it like nama@instansi.go.id
              line 4, column peran: unknown role 'bendahara'; use one of: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota
              line 5, column nama: nama is empty; fill in the member's full name

            """)
        #expect(try await memberCount(gugus) == 0)

        let indonesian = try await gugus("member", "import", "--taskforce", "82", file)
        #expect(indonesian.status == 1, "\(indonesian)")
        #expect(indonesian.stderr.contains("  baris 4, kolom peran: peran 'bendahara' tidak dikenal; pilih salah satu: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota\n"))
        #expect(indonesian.stderr.contains("  baris 5, kolom nama: nama kosong; isi nama lengkap anggota\n"))

        let json = try await gugus("member", "import", "--taskforce", "82", file, "--json")
        #expect(json.status == 1, "\(json)")
        let problems = try #require(try json.object()["problems"] as? [[String: Any]])
        #expect(problems.map { $0["line"] as? Int } == [3, 4, 5])
        #expect(problems.map { $0["field"] as? String } == ["email", "peran", "nama"])
        #expect(try await memberCount(gugus) == 0)
    }

    @Test("--skip-invalid imports the good rows and still reports the bad ones")
    func skipInvalid() async throws {
        let gugus = try await establishedTaskForce()
        let file = try temporaryFile("anggota.csv", Data(Self.badRows.utf8))
        let run = try await gugus("member", "import", "--taskforce", "82", file, "--skip-invalid", "--lang", "en")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "Imported: 5 rows: 2 new, 0 updated, 0 unchanged, 3 skipped\n")
        #expect(run.stderr.split(separator: "\n").count == 3)
        #expect(try await memberCount(gugus) == 2)
    }

    @Test("a `;` file with a BOM; a dry run saves nothing")
    func semicolonBOMAndDryRun() async throws {
        let gugus = try await establishedTaskForce()
        let text = Self.clean.replacingOccurrences(of: ",", with: ";").replacingOccurrences(of: "\n", with: "\r\n")
        let file = try temporaryFile("anggota-excel.csv", Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8))

        let dryRun = try await gugus("member", "import", "--taskforce", "82", file, "--dry-run", "--lang", "en")
        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(dryRun.stdout == "Dry run (nothing saved): 5 rows: 5 new, 0 updated, 0 unchanged, 0 skipped\n")
        #expect(try await memberCount(gugus) == 0)

        let run = try await gugus("member", "import", "--taskforce", "82", file)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "Diimpor: 5 baris: 5 baru, 0 diperbarui, 0 tetap, 0 dilewati\n")
        #expect(try await memberCount(gugus) == 5)

        let badDryRun = try await gugus("member", "import", "--taskforce", "82", try temporaryFile("x.csv", Data(Self.badRows.utf8)), "--dry-run")
        #expect(badDryRun.status == 1, "\(badDryRun)")
    }

    @Test("a file that is missing or unreadable as a roster is refused")
    func unreadable() async throws {
        let gugus = try await establishedTaskForce()
        let missing = try await gugus("member", "import", "--taskforce", "82", "/nonexistent/anggota.csv", "--lang", "en")
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr == "gugus: cannot read the file '/nonexistent/anggota.csv'; check the path\n")

        let tabs = try await gugus("member", "import", "--taskforce", "82", try temporaryFile("t.csv", Data("name\trole\nBudi\tanggota\n".utf8)), "--lang", "en")
        #expect(tabs.status == 1, "\(tabs)")
        #expect(tabs.stderr == "gugus: the columns of the file are separated by tabs; save it as CSV with , or ; between the columns\n")
    }
}
