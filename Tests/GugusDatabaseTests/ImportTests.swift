import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import Testing

/// Rosters as coordinators send them. Two members have no e-mail, so re-importing them
/// matches on name and institution.
enum Rosters {
    static let clean = """
        name,role,position,institution,email,phone,working_group
        Rahmat Contoh,ketua,Gubernur Maluku Utara,Pemerintah Provinsi Maluku Utara,gubernur@example.go.id,,
        Yusuf Sampel,sekretaris,Kepala Kantor Wilayah,Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara,kakanwil.malut@example.go.id,0811-0000-0103,
        Hasan Percontohan,anggota,Kepala Dinas,Dinas Tenaga Kerja dan Transmigrasi Provinsi Maluku Utara,,0811-0000-0112,3
        Lina Ilustrasi,anggota,Kepala Dinas,Dinas Kesehatan Provinsi Maluku Utara,dinkes@example.go.id,,3
        Ratna Contoh,anggota,Kepala Dinas,Dinas Lingkungan Hidup Provinsi Maluku Utara,,,2

        """

    /// Line 3 has a bad e-mail, line 4 an unknown role, line 5 no name; lines 2 and 6 are good.
    static let badRows = """
        nama,peran,jabatan,instansi,email
        Rahmat Contoh,ketua,Gubernur Maluku Utara,Pemerintah Provinsi Maluku Utara,gubernur@example.go.id
        Siti Fiktif,anggota,Kepala Dinas,Dinas Lingkungan Hidup,budi@@malut
        Andi Sampel,bendahara,Kepala Dinas,DPMPTSP,andi@example.go.id
        ,anggota,Kepala Dinas,Disnakertrans,
        Yusuf Sampel,sekretaris,Kepala Kantor Wilayah,Kantor Wilayah Kementerian HAM Maluku Utara,kakanwil.malut@example.go.id

        """

    /// What Excel in an Indonesian locale saves: a BOM, `;`, CRLF, quoted values with commas.
    static var semicolonWithBOM: Data {
        let text = [
            "Nama;Peran;Jabatan;Instansi;E-mail;Telepon;Pokja",
            "Rahmat Contoh;Ketua;Gubernur Maluku Utara;Pemerintah Provinsi Maluku Utara;gubernur@example.go.id;;",
            "Nurhayati Fiktif;Wakil Ketua;Sekretaris Daerah;Sekretariat Daerah Provinsi Maluku Utara;;(0921) 000101;",
            "Siti Rekaan;Anggota;Kepala Dinas;\"Dinas Pemberdayaan Perempuan; Perlindungan Anak, dan KB\";dp3akb@example.go.id;0811-0000-0114;3",
            "Agus Tiruan;anggota;Dosen Fakultas Hukum;Universitas Contoh Ternate;agus.tiruan@example.ac.id;;3",
            ";;;;;;",
        ].joined(separator: "\r\n") + "\r\n"
        return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
    }
}

@Suite("Member import", .releasesResources)
struct ImportTests {
    private func establishedGugus() async throws -> (DatabaseGugus, TaskForce, Decree) {
        let gugus = try await TestDatabase.gugus(clock: clock(at: CivilDate(2025, 6, 1)))
        let (taskForce, decree) = try await MalukuUtara.establish(gugus)
        return (gugus, taskForce, decree)
    }

    private func members(_ gugus: DatabaseGugus) async throws -> [Member] {
        try await gugus.members(taskForce: .region("82"), at: CivilDate(2025, 6, 1), page: PageRequest()).items
    }

    @Test("a clean file: every row a member, appointed by the decree in force")
    func clean() async throws {
        let (gugus, taskForce, decree) = try await establishedGugus()
        let report = try await gugus.importMembers(taskForce: .region("82"), csv: Data(Rosters.clean.utf8), options: ImportOptions())
        #expect(report.taskForceId == taskForce.id)
        #expect(report.rows == 5)
        #expect(report.created == 5)
        #expect(report.updated == 0)
        #expect(report.unchanged == 0)
        #expect(report.skipped == 0)
        #expect(!report.dryRun)
        #expect(!report.rolledBack)
        #expect(report.problems.isEmpty)

        let members = try await members(gugus)
        #expect(members.map(\.name) == ["Rahmat Contoh", "Yusuf Sampel", "Ratna Contoh", "Hasan Percontohan", "Lina Ilustrasi"])
        #expect(members.allSatisfy { $0.decreeId == decree.id && $0.validFrom == CivilDate(2024, 3, 1) && $0.validUntil == nil })
        #expect(members.first { $0.name == "Yusuf Sampel" }?.phone == "+6281100000103")
        #expect(members.first { $0.name == "Yusuf Sampel" }?.institutionKind == "regional_office")
        #expect(members.first { $0.name == "Hasan Percontohan" }?.workingGroup == 3)

        let status = try await gugus.regionStatus(code: "82", at: CivilDate(2025, 6, 1))
        #expect(status.memberCount == 5)
        #expect(status.vacantCoreRoles.isEmpty)
        // Audited, with the actor, as one action.
        #expect(try await count("audit_log", in: gugus, where: "action = 'member.import' AND entity = 'membership' AND actor = 'cli:test'") == 5)
    }

    @Test("bad rows: nothing is imported, and every bad line is reported with its column and reason")
    func badRows() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let report = try await gugus.importMembers(taskForce: .region("82"), csv: Data(Rosters.badRows.utf8), options: ImportOptions())
        #expect(report.rolledBack)
        #expect(!report.dryRun)
        #expect(report.rows == 5)
        #expect(report.skipped == 3)
        #expect(report.problems.map(\.line) == [3, 4, 5])
        #expect(report.problems.map(\.field) == ["email", "peran", "nama"])
        #expect(report.problems.map(\.value) == ["budi@@malut", "bendahara", nil])
        #expect(report.problems.map(\.message.en) == [
            "'budi@@malut' is not a valid e-mail address; write it like nama@instansi.go.id",
            "unknown role 'bendahara'; use one of: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota",
            "nama is empty; fill in the member's full name",
        ])
        #expect(report.problems.map(\.message.id) == [
            "'budi@@malut' bukan alamat e-mail yang valid; tulis seperti nama@instansi.go.id",
            "peran 'bendahara' tidak dikenal; pilih salah satu: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota",
            "nama kosong; isi nama lengkap anggota",
        ])
        // Nothing at all was written, not even the good rows' people and institutions.
        #expect(try await members(gugus).isEmpty)
        #expect(try await count("membership", in: gugus) == 0)
        #expect(try await count("person", in: gugus) == 0)
        #expect(try await count("institution", in: gugus) == 0)
        #expect(try await count("audit_log", in: gugus, where: "action = 'member.import'") == 0)
    }

    @Test("--skip-invalid imports the good rows and reports the bad ones")
    func skipInvalid() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let report = try await gugus.importMembers(
            taskForce: .region("82"), csv: Data(Rosters.badRows.utf8), options: ImportOptions(skipInvalid: true))
        #expect(!report.rolledBack)
        #expect(report.created == 2)
        #expect(report.skipped == 3)
        #expect(report.problems.map(\.line) == [3, 4, 5])
        #expect(try await members(gugus).map(\.name) == ["Rahmat Contoh", "Yusuf Sampel"])
    }

    @Test("re-importing the same file adds nobody twice; a changed row is updated")
    func reimport() async throws {
        let (gugus, _, _) = try await establishedGugus()
        _ = try await gugus.importMembers(taskForce: .region("82"), csv: Data(Rosters.clean.utf8), options: ImportOptions())
        let again = try await gugus.importMembers(taskForce: .region("82"), csv: Data(Rosters.clean.utf8), options: ImportOptions())
        #expect(again.created == 0)
        #expect(again.updated == 0)
        #expect(again.unchanged == 5)
        #expect(again.problems.isEmpty)
        #expect(try await count("person", in: gugus) == 5)
        #expect(try await count("membership", in: gugus) == 5)
        #expect(try await count("institution", in: gugus) == 5)

        let corrected = Rosters.clean
            .replacingOccurrences(of: "Lina Ilustrasi,anggota,Kepala Dinas,", with: "Lina Ilustrasi,wakil_sekretaris,Kepala Dinas Kesehatan,")
            .replacingOccurrences(of: "0811-0000-0112,3", with: "0811-0000-0112,1")
        let update = try await gugus.importMembers(taskForce: .region("82"), csv: Data(corrected.utf8), options: ImportOptions())
        #expect(update.created == 0)
        #expect(update.updated == 2)
        #expect(update.unchanged == 3)
        let members = try await members(gugus)
        #expect(members.count == 5)
        let lina = try #require(members.first { $0.name == "Lina Ilustrasi" })
        #expect(lina.role == .wakilSekretaris)
        #expect(lina.position == "Kepala Dinas Kesehatan")
        #expect(members.first { $0.name == "Hasan Percontohan" }?.workingGroup == 1)
    }

    @Test("re-importing a file with end dates adds nobody twice")
    func reimportWithTerms() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let file = try Data(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("docs/examples/members.csv"))
        let first = try await gugus.importMembers(taskForce: .region("82"), csv: file, options: ImportOptions())
        #expect(first.created == 16)
        #expect(first.problems.isEmpty)
        let again = try await gugus.importMembers(taskForce: .region("82"), csv: file, options: ImportOptions())
        #expect(again.problems.map(\.message.en) == [])
        #expect(!again.rolledBack)
        #expect(again.created == 0)
        #expect(again.unchanged == 16)
        #expect(try await count("membership", in: gugus) == 16)
        #expect(try await members(gugus).allSatisfy { $0.validUntil == CivilDate(2025, 12, 31) })
    }

    @Test("a corrected file that adds e-mail addresses matches the people by name and institution")
    func reimportAddingEmails() async throws {
        let (gugus, _, _) = try await establishedGugus()
        _ = try await gugus.importMembers(taskForce: .region("82"), csv: Data(Rosters.clean.utf8), options: ImportOptions())
        let withEmails = Rosters.clean
            .replacingOccurrences(of: "Transmigrasi Provinsi Maluku Utara,,", with: "Transmigrasi Provinsi Maluku Utara,disnakertrans@example.go.id,")
            .replacingOccurrences(of: "Hidup Provinsi Maluku Utara,,", with: "Hidup Provinsi Maluku Utara,dlh@example.go.id,")
        let report = try await gugus.importMembers(taskForce: .region("82"), csv: Data(withEmails.utf8), options: ImportOptions())
        #expect(report.problems.map(\.message.en) == [])
        #expect(report.created == 0)
        #expect(try await count("person", in: gugus) == 5)
        #expect(try await count("membership", in: gugus) == 5)
        let members = try await members(gugus)
        #expect(members.first { $0.name == "Ratna Contoh" }?.email == "dlh@example.go.id")
        #expect(members.first { $0.name == "Hasan Percontohan" }?.email == "disnakertrans@example.go.id")
    }

    @Test("a `;`-separated file with a BOM, CRLF and Indonesian headers")
    func semicolonWithBOM() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let report = try await gugus.importMembers(taskForce: .region("82"), csv: Rosters.semicolonWithBOM, options: ImportOptions())
        #expect(report.problems.map(\.message.en) == [])
        #expect(report.created == 4)
        let members = try await members(gugus)
        #expect(members.map(\.name) == ["Rahmat Contoh", "Nurhayati Fiktif", "Agus Tiruan", "Siti Rekaan"])
        #expect(members.map(\.role) == [.ketua, .wakilKetua, .anggota, .anggota])
        #expect(members.first { $0.name == "Siti Rekaan" }?.institution == "Dinas Pemberdayaan Perempuan; Perlindungan Anak, dan KB")
        #expect(members.first { $0.name == "Nurhayati Fiktif" }?.phone == "+62921000101")
        #expect(members.first { $0.name == "Agus Tiruan" }?.institutionKind == "academia")

        // The documented example file as well.
        let example = try Data(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("docs/examples/anggota-titik-koma.csv"))
        #expect(example.starts(with: [0xEF, 0xBB, 0xBF]))
        let other = try await TestDatabase.gugus(clock: clock(at: CivilDate(2025, 6, 1)))
        try await MalukuUtara.establish(other)
        let exampleReport = try await other.importMembers(taskForce: .region("82"), csv: example, options: ImportOptions())
        #expect(exampleReport.problems.map(\.message.en) == [])
        #expect(exampleReport.created == 10)
    }

    @Test("a dry run checks everything and changes nothing")
    func dryRun() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let report = try await gugus.importMembers(taskForce: .region("82"), csv: Data(Rosters.clean.utf8), options: ImportOptions(dryRun: true))
        #expect(report.dryRun)
        #expect(report.rolledBack)
        #expect(report.created == 5)
        #expect(report.problems.isEmpty)
        #expect(try await count("membership", in: gugus) == 0)
        #expect(try await count("person", in: gugus) == 0)
        #expect(try await count("institution", in: gugus) == 0)

        let bad = try await gugus.importMembers(taskForce: .region("82"), csv: Data(Rosters.badRows.utf8), options: ImportOptions(dryRun: true, skipInvalid: true))
        #expect(bad.dryRun)
        #expect(bad.problems.map(\.line) == [3, 4, 5])
        #expect(try await count("membership", in: gugus) == 0)
    }

    @Test("rows that clash with each other or with the task force are reported by line")
    func conflicts() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let ketua = try await gugus.addMember(MalukuUtara.governor())
        let file = """
            name,role,position,institution,email
            Samsuddin Contoh,ketua,Pj. Gubernur Maluku Utara,Pemerintah Provinsi Maluku Utara,pj@example.go.id
            Yusuf Sampel,sekretaris,Kepala Kantor Wilayah,Kanwil Kementerian HAM Maluku Utara,kakanwil.malut@example.go.id
            Nurhayati Fiktif,sekretaris,Sekretaris Daerah,Sekretariat Daerah,sekda@example.go.id
            Yusuf Sampel,anggota,Kepala Kantor Wilayah,Kanwil Kementerian HAM Maluku Utara,KAKANWIL.MALUT@example.go.id
            """
        let report = try await gugus.importMembers(taskForce: .region("82"), csv: Data(file.utf8), options: ImportOptions())
        #expect(report.rolledBack)
        #expect(report.problems.map(\.line) == [2, 4, 5])
        #expect(report.problems.map(\.message.en) == [
            "task force 82 already has a ketua: Rahmat Contoh (member \(ketua.id)); there is one ketua at a time",
            "task force 82 already has a sekretaris: Yusuf Sampel (line 3); there is one sekretaris at a time",
            "the same person is already on line 3; list each person once",
        ])
        #expect(try await count("membership", in: gugus) == 1)
    }

    @Test("an end before the decree's effective date, with no start given, is reported on its line")
    func endBeforeDefaultStart() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let file = """
            name,role,position,institution,until
            Rahmat Contoh,ketua,Gubernur Maluku Utara,Pemerintah Provinsi Maluku Utara,2025-12-31
            Hasan Percontohan,anggota,Kepala Dinas,Dinas Tenaga Kerja,2023-12-31
            """
        let report = try await gugus.importMembers(taskForce: .region("82"), csv: Data(file.utf8), options: ImportOptions())
        #expect(report.rolledBack)
        #expect(report.problems.map(\.line) == [3])
        #expect(report.problems.map(\.field) == ["until"])
        #expect(report.problems.map(\.message.en) == [
            "until 2023-12-31 is before the membership's first day, 2024-03-01 (the decree's effective date); fill in the from column or correct the end",
        ])
        #expect(try await count("membership", in: gugus) == 0)
    }

    @Test("a file that cannot be read as a roster is refused as a whole")
    func unreadableFile() async throws {
        let (gugus, _, _) = try await establishedGugus()
        let error = await #expect(throws: GugusError.self) {
            try await gugus.importMembers(taskForce: .region("82"), csv: Data("No,name,role\n1,Budi,anggota\n".utf8), options: ImportOptions())
        }
        #expect(error?.kind == .invalid)
        #expect(error?.message.en.hasPrefix("the header row (line 1) has 3 problems") == true)
        #expect(error?.fieldErrors.map(\.message.en).first == "unknown column 'No'; the accepted columns are: name (nama), role (peran), position (jabatan), institution (instansi), email, phone (telepon), working_group (pokja), from (mulai), until (selesai)")
    }

    @Test("the appointing decree given for an import must be the task force's own")
    func foreignDecree() async throws {
        let (gugus, _, _) = try await establishedGugus()
        _ = try await gugus.createTaskForce(NewTaskForce(regionCode: "81"))
        let maluku = try await gugus.addDecree(MalukuUtara.decree(number: "188.4/77/2024", taskForce: .region("81")))
        let error = await #expect(throws: GugusError.self) {
            try await gugus.importMembers(taskForce: .region("82"), csv: Data(Rosters.clean.utf8), options: ImportOptions(decreeId: maluku.id))
        }
        #expect(error?.message.en.hasPrefix("decree \(maluku.id) ('188.4/77/2024') belongs to Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku, not to task force 82") == true)
        #expect(try await count("membership", in: gugus) == 0)
    }
}
