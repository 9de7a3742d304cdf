import Foundation
import GugusModel
import GugusTestSupport
import Testing

private func parse(_ text: String) throws(GugusError) -> MemberCSVResult {
    try MemberCSV.parse(Data(text.utf8))
}

private func fileError(_ text: String) -> GugusError? {
    fileError(Data(text.utf8))
}

private func fileError(_ data: Data) -> GugusError? {
    do {
        _ = try MemberCSV.parse(data)
        return nil
    } catch {
        return error
    }
}

@Suite(.releasesResources) struct MemberCSVTests {
    @Test func readsACleanFile() throws {
        let result = try parse("""
            name,role,position,institution,email,phone,working_group,from,until
            Rahmat Contoh,ketua,Gubernur Maluku Utara,Pemerintah Provinsi Maluku Utara,Gubernur@Example.go.id,(0921) 312345,,2024-03-01,2025-12-31
            Hasan Percontohan,anggota,Kepala Dinas,Dinas Tenaga Kerja dan Transmigrasi,,0811-0000-0112,3,,
            Lina   Ilustrasi , Anggota ,Kepala Dinas,Dinas Kesehatan,dinkes@example.go.id,,1,2024-03-01,

            """)
        #expect(result.problems.isEmpty)
        #expect(result.rejectedLines.isEmpty)
        #expect(result.separator == ",")
        #expect(result.rows == [
            MemberRow(
                line: 2, name: "Rahmat Contoh", role: .ketua, position: "Gubernur Maluku Utara",
                institution: "Pemerintah Provinsi Maluku Utara", email: try EmailAddress(parsing: "Gubernur@example.go.id"),
                phone: try PhoneNumber(parsing: "+62921312345"), from: CivilDate(2024, 3, 1), until: CivilDate(2025, 12, 31)),
            MemberRow(
                line: 3, name: "Hasan Percontohan", role: .anggota, position: "Kepala Dinas",
                institution: "Dinas Tenaga Kerja dan Transmigrasi", phone: try PhoneNumber(parsing: "+6281100000112"),
                workingGroup: 3),
            MemberRow(
                line: 4, name: "Lina Ilustrasi", role: .anggota, position: "Kepala Dinas", institution: "Dinas Kesehatan",
                email: try EmailAddress(parsing: "dinkes@example.go.id"), workingGroup: 1, from: CivilDate(2024, 3, 1)),
        ])
        #expect(result.rows[0].email?.address == "Gubernur@example.go.id")
    }

    @Test func reportsEveryBadFieldOfEveryBadRow() throws {
        let result = try parse("""
            name,role,position,institution,email
            Budi Contoh,anggota,Kepala Dinas,Dinas Kesehatan,budi@example.go.id
            Siti Fiktif,anggota,Kepala Dinas,Dinas Lingkungan Hidup,budi@@malut
            Andi Sampel,bendahara,Kepala Dinas,DPMPTSP,andi@example.go.id
            ,anggota,Kepala Dinas,Disnakertrans,
            Rina Rekaan,,,Pemerintah Provinsi,rina@
            Dewi Sampel,anggota,Kepala Dinas,Disdukcapil,dewi@example.go.id
            """)
        #expect(result.rows.map(\.name) == ["Budi Contoh", "Dewi Sampel"])
        #expect(result.rows.map(\.line) == [2, 7])
        #expect(result.rejectedLines == [3, 4, 5, 6])
        #expect(result.problems == [
            .init(
                field: "email", value: "budi@@malut",
                message: Localized(
                    id: "'budi@@malut' bukan alamat e-mail yang valid; tulis seperti nama@instansi.go.id",
                    en: "'budi@@malut' is not a valid e-mail address; write it like nama@instansi.go.id"),
                line: 3),
            .init(
                field: "role", value: "bendahara",
                message: Localized(
                    id: "peran 'bendahara' tidak dikenal; pilih salah satu: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota",
                    en: "unknown role 'bendahara'; use one of: ketua, wakil_ketua, sekretaris, wakil_sekretaris, anggota"),
                line: 4),
            .init(
                field: "name", value: nil,
                message: Localized(id: "name kosong; isi nama lengkap anggota", en: "name is empty; fill in the member's full name"),
                line: 5),
            .init(
                field: "role", value: nil,
                message: Localized(
                    id: "role kosong; isi peran anggota (ketua, wakil_ketua, sekretaris, wakil_sekretaris atau anggota)",
                    en: "role is empty; fill in the member's role (ketua, wakil_ketua, sekretaris, wakil_sekretaris or anggota)"),
                line: 6),
            .init(
                field: "position", value: nil,
                message: Localized(id: "position kosong; isi jabatan anggota", en: "position is empty; fill in the member's position (jabatan)"),
                line: 6),
            .init(
                field: "email", value: "rina@",
                message: Localized(
                    id: "'rina@' bukan alamat e-mail yang valid; tulis seperti nama@instansi.go.id",
                    en: "'rina@' is not a valid e-mail address; write it like nama@instansi.go.id"),
                line: 6),
        ])
    }

    @Test func checksWorkingGroupPhoneAndDates() throws {
        let result = try parse("""
            name,role,position,institution,phone,working_group,from,until
            Budi Contoh,anggota,Kepala Dinas,Dinkes,0812,4,2024-02-30,01/03/2025
            Siti Fiktif,anggota,Kepala Dinas,DLH,,II,2025-01-01,2024-12-31
            """)
        #expect(result.rows.isEmpty)
        #expect(result.problems.map(\.line) == [2, 2, 2, 2, 3, 3])
        #expect(result.problems.map(\.field) == ["phone", "working_group", "from", "until", "working_group", "until"])
        #expect(result.problems.map(\.message.en) == [
            "'0812' is not a valid phone number; write an Indonesian number like 0812-3456-7890 or (0921) 312345, or a foreign one with its country code like +65 6123 4567",
            "'4' is not a valid working group for working_group; use 1, 2 or 3, or leave it empty",
            "'2024-02-30' is not a valid date for from; use YYYY-MM-DD, for example 2025-05-06",
            "'01/03/2025' is not a valid date for until; use YYYY-MM-DD, for example 2025-05-06",
            "'II' is not a valid working group for working_group; use 1, 2 or 3, or leave it empty",
            "until 2024-12-31 is before from 2025-01-01; a membership cannot end before it starts",
        ])
        #expect(result.problems.last?.message.id == "until 2024-12-31 lebih awal dari from 2025-01-01; keanggotaan tidak bisa berakhir sebelum dimulai")
    }

    @Test func readsIndonesianHeadersWithSemicolonsAndABOM() throws {
        let text = """
            Nama ; PERAN;Jabatan;Instansi;Telepon;Pokja;Mulai;Selesai;E-mail
            Rahmat Contoh;Ketua;Gubernur Maluku Utara;Pemerintah Provinsi Maluku Utara;0811 0000 0101;;2024-03-01;2025-12-31;
            Siti Rekaan;Anggota;Kepala Dinas;Dinas Pemberdayaan Perempuan, Perlindungan Anak;0811-0000;3;;;siti@@malut
            """
        let result = try MemberCSV.parse(Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)))
        #expect(result.separator == ";")
        #expect(result.rows.count == 1)
        #expect(result.rows.first?.name == "Rahmat Contoh")
        #expect(result.rows.first?.role == .ketua)
        #expect(result.rows.first?.phone?.e164 == "+6281100000101")
        #expect(result.rows.first?.email == nil)
        // Errors name the column as the header writes it.
        #expect(result.problems == [
            .init(
                field: "Telepon", value: "0811-0000",
                message: Localized(
                    id: "'0811-0000' bukan nomor telepon yang valid; tulis nomor Indonesia seperti 0812-3456-7890 atau (0921) 312345, atau nomor luar negeri dengan kode negara seperti +65 6123 4567",
                    en: "'0811-0000' is not a valid phone number; write an Indonesian number like 0812-3456-7890 or (0921) 312345, or a foreign one with its country code like +65 6123 4567"),
                line: 3),
            .init(
                field: "E-mail", value: "siti@@malut",
                message: Localized(
                    id: "'siti@@malut' bukan alamat e-mail yang valid; tulis seperti nama@instansi.go.id",
                    en: "'siti@@malut' is not a valid e-mail address; write it like nama@instansi.go.id"),
                line: 3),
        ])
    }

    @Test func keepsPhysicalLineNumbersAcrossQuotedLineBreaks() throws {
        let result = try parse("""
            name,role,position,institution
            "Contoh, Budi",anggota,"Kepala Dinas
            Tenaga Kerja",Disnakertrans
            Siti Fiktif,anggota,Kepala Dinas,"Yayasan ""Maju""
            Bersama

            Ternate"

            Andi Sampel,bendahara,Kepala Dinas,"DLH; Provinsi, Maluku Utara"
            Dewi Sampel,anggota,"Kepala
            Dinas",Disdukcapil
            Rina Rekaan,,x,y
            """)
        #expect(result.rows.map(\.line) == [2, 4, 10])
        #expect(result.rows.map(\.name) == ["Contoh, Budi", "Siti Fiktif", "Dewi Sampel"])
        #expect(result.rows[0].position == "Kepala Dinas Tenaga Kerja")
        #expect(result.rows[1].institution == "Yayasan \"Maju\" Bersama Ternate")
        #expect(result.problems.map(\.line) == [9, 12])
        #expect(result.problems.map(\.field) == ["role", "role"])
    }

    @Test func readsCRLFFiles() throws {
        let text = [
            "name,role,position,institution",
            "Budi Contoh,ketua,Gubernur,Pemprov",
            "\"Siti Fiktif\",anggota,\"Kepala\r\nDinas\",Dinkes",
            "",
            "Andi Sampel,bendahara,Kepala Dinas,DLH",
            "",
        ].joined(separator: "\r\n")
        let result = try parse(text)
        #expect(result.rows.map(\.line) == [2, 3])
        #expect(result.rows.map(\.position) == ["Gubernur", "Kepala Dinas"])
        #expect(result.problems.map(\.line) == [6])
    }

    @Test func skipsBlankLinesAndEmptySpreadsheetRows() throws {
        let result = try parse("""

            ;;;
            nama;peran;jabatan;instansi;;;
            Budi Contoh;ketua;Gubernur;Pemprov;;;
            ;;;;;;
            \u{00A0}; ;\t;

            Siti Fiktif;anggota;Kepala Dinas;Dinkes
            """)
        #expect(result.problems.isEmpty)
        #expect(result.rows.map(\.line) == [4, 8])
    }

    @Test func reportsValuesPastTheLastNamedColumn() throws {
        let result = try parse("""
            name,role,position,institution,
            Budi Contoh,ketua,Gubernur,Pemprov,,
            Siti Fiktif,anggota,Kepala Dinas,Dinkes,siti@example.go.id
            """)
        #expect(result.rows.map(\.line) == [2])
        #expect(result.problems == [
            .init(
                field: "column 5", value: "siti@example.go.id",
                message: Localized(
                    id: "ada isian 'siti@example.go.id' di kolom ke-5, padahal baris judul hanya menamai 4 kolom; hapus isian itu atau beri nama kolomnya",
                    en: "there is a value 'siti@example.go.id' in column 5, but the header row names only 4 columns; delete it or name the column"),
                line: 3),
        ])
    }

    @Test func shortRowsMissTheirRequiredValues() throws {
        let result = try parse("name,role,position,institution\nBudi Contoh,ketua\n")
        #expect(result.problems.map(\.field) == ["position", "institution"])
        #expect(result.problems.map(\.line) == [2, 2])
    }

    @Test func acceptsColumnsInAnyOrderAndCase() throws {
        let result = try parse("""
            Until, INSTITUTION ,Working Group,Position,Role,Name
            2025-12-31,Dinkes,2,Kepala Dinas,anggota,Budi Contoh
            """)
        #expect(result.rows == [
            MemberRow(
                line: 2, name: "Budi Contoh", role: .anggota, position: "Kepala Dinas", institution: "Dinkes",
                workingGroup: 2, until: CivilDate(2025, 12, 31)),
        ])
    }

    @Test func listsTheAcceptedColumns() {
        #expect(MemberCSV.acceptedColumns.map(\.englishName) == [
            "name", "role", "position", "institution", "email", "phone", "working_group", "from", "until",
        ])
        #expect(MemberCSV.acceptedColumns.filter(\.isRequired).map(\.indonesianName) == ["nama", "peran", "jabatan", "instansi"])
        #expect(MemberCSV.acceptedColumnList(.en) == "name (nama), role (peran), position (jabatan), institution (instansi), email, phone (telepon), working_group (pokja), from (mulai), until (selesai)")
        #expect(MemberCSV.acceptedColumnList(.id) == "nama (name), peran (role), jabatan (position), instansi (institution), email, telepon (phone), pokja (working_group), mulai (from), selesai (until)")
    }
}

/// Line numbers over thousands of records, with multi-line values scattered through them.
@Suite(.releasesResources) struct MemberCSVLargeFileTests {
    /// A roster of `count` members where every 7th position is quoted across two lines and
    /// every 97th role is bad, with the line each record starts on.
    static func roster(count: Int, lineBreak: String = "\n") -> (text: String, lines: [Int], badLines: [Int]) {
        var text = "name;role;position;institution;email" + lineBreak
        var line = 2
        var lines: [Int] = []
        var badLines: [Int] = []
        for index in 0..<count {
            let role = index % 97 == 0 ? "bendahara" : "anggota"
            let position = index % 7 == 0 ? "\"Kepala Dinas;\(lineBreak)Tenaga Kerja\"" : "Kepala Dinas Kesehatan"
            text += "Anggota Contoh \(index);\(role);\(position);Pemerintah Provinsi Maluku Utara;a\(index)@example.go.id" + lineBreak
            if role == "bendahara" { badLines.append(line) } else { lines.append(line) }
            line += index % 7 == 0 ? 2 : 1
        }
        return (text, lines, badLines)
    }

    @Test(arguments: ["\n", "\r\n"])
    func linesStayRightThroughALongFile(lineBreak: String) throws {
        let roster = Self.roster(count: 3_000, lineBreak: lineBreak)
        let result = try parse(roster.text)
        #expect(result.rows.map(\.line) == roster.lines)
        #expect(result.rejectedLines == roster.badLines)
        #expect(result.rows.filter { $0.position == "Kepala Dinas; Tenaga Kerja" }.count == 3_000 / 7 - 3_000 / (7 * 97))
        #expect(result.rows.last?.name == "Anggota Contoh 2999")
    }

    @Test func quoteProblemsFarIntoTheFileArePlaced() throws {
        let roster = Self.roster(count: 3_000)
        let stray = roster.text + "Siti;anggota;Kepala Dinas;Yayasan \"Maju\" Bersama\nAndi;anggota;x;y\n"
        let strayLine = roster.lines.last.map { $0 + 1 } ?? 0
        #expect(fileError(stray)?.fieldErrors.first?.line == strayLine)
        let unclosed = roster.text + "Siti;anggota;\"Kepala Dinas;Dinkes\nAndi;anggota;x;y\n"
        #expect(fileError(unclosed)?.message.en == "line \(strayLine) is not valid CSV: a quote mark (\") opens a value and is never closed; add the closing quote mark")
    }
}

@Suite(.releasesResources) struct MemberCSVFileErrorTests {
    @Test func unknownColumnListsTheAcceptedNames() {
        let error = fileError("No,nama,peran,jabatan,instansi\n1,Budi,ketua,Gubernur,Pemprov\n")
        #expect(error?.kind == .invalid)
        #expect(error?.message == Localized(
            id: "kolom 'No' tidak dikenal; kolom yang diterima: nama (name), peran (role), jabatan (position), instansi (institution), email, telepon (phone), pokja (working_group), mulai (from), selesai (until)",
            en: "unknown column 'No'; the accepted columns are: name (nama), role (peran), position (jabatan), institution (instansi), email, phone (telepon), working_group (pokja), from (mulai), until (selesai)"))
        #expect(error?.fieldErrors.map(\.field) == ["No"])
        #expect(error?.fieldErrors.map(\.line) == [1])
    }

    @Test func missingRequiredColumnIsNamed() {
        let error = fileError("nama,peran,jabatan\nBudi,ketua,Gubernur\n")
        #expect(error?.message == Localized(
            id: "kolom wajib 'instansi' (atau 'institution') tidak ada di baris judul",
            en: "the required column 'institution' (or 'instansi') is missing from the header row"))
    }

    @Test func duplicateColumnIsNamed() {
        let error = fileError("name,role,position,institution,Nama\nBudi,ketua,Gubernur,Pemprov,Budi\n")
        #expect(error?.message.en == "column 'Nama' appears twice (also as 'name', column 1); delete one of them")
    }

    @Test func everyHeaderProblemIsListed() {
        // A data line where the header should be: every name is unknown and every required column missing.
        let error = fileError("\n\nBudi,ketua,Gubernur,,email\nSiti,anggota,Kepala Dinas,Dinkes\n")
        #expect(error?.message.en == "the header row (line 3) has 8 problems; the first line must name the columns, for example name,role,position,institution")
        #expect(error?.fieldErrors.map(\.field) == ["Budi", "ketua", "Gubernur", "column 4", "name", "role", "position", "institution"])
        #expect(error?.fieldErrors.allSatisfy { $0.line == 3 } == true)
    }

    @Test func emptyFileAndHeaderOnly() {
        #expect(fileError("")?.message.en == "the file is empty; it needs a header row (name,role,position,institution,…) and then one line per member")
        #expect(fileError(Data([0xEF, 0xBB, 0xBF]))?.message.id == "file kosong; isinya harus baris judul (nama;peran;jabatan;instansi;…) lalu satu baris per anggota")
        #expect(fileError(" \r\n;;;\r\n")?.message.en == "the file is empty; it needs a header row (name,role,position,institution,…) and then one line per member")
        #expect(fileError("nama;peran;jabatan;instansi\r\n\r\n")?.message.en == "the file has a header row but no members; add one line per member below it")
    }

    @Test func refusesTextThatIsNotUTF8() {
        let latin1 = Data("name,role,position,institution\nBudi,ketua,Gubernur,Pemprov\nRen".utf8) + Data([0xE9]) + Data(",anggota,x,y\n".utf8)
        let error = fileError(latin1)
        #expect(error?.message.en == "the file is not UTF-8 (the first unreadable character is on line 3); save it again as \"CSV UTF-8\"")
        #expect(error?.fieldErrors.first?.line == 3)
        #expect(fileError(Data([0xFF, 0xFE, 0x6E, 0x00]))?.message.en == "the file is UTF-16 text; save it again as \"CSV UTF-8\"")
    }

    @Test func refusesTabSeparatedFiles() {
        #expect(fileError("name\trole\tposition\tinstitution\nBudi\tketua\tGubernur\tPemprov\n")?.message.en
            == "the columns of the file are separated by tabs; save it as CSV with , or ; between the columns")
    }

    @Test func strayQuoteIsPlaced() {
        let error = fileError("""
            name,role,position,institution
            Budi,ketua,Gubernur,Pemprov
            "Siti
            Fiktif",anggota,Kepala Dinas,Dinkes
            Andi,anggota,Kepala Dinas,Yayasan "Maju" Bersama
            """)
        #expect(error?.message.en == "line 5 is not valid CSV: a quote mark (\") inside a value must be doubled and the whole value put in quotes, like \"Yayasan \"\"Maju\"\"\"")
        #expect(error?.fieldErrors.first?.line == 5)
    }

    @Test func unclosedQuoteIsPlaced() {
        let error = fileError("""
            name,role,position,institution
            Budi,ketua,Gubernur,Pemprov
            Siti,anggota,"Kepala Dinas,Dinkes
            Andi,anggota,Kepala Dinas,DLH
            """)
        #expect(error?.message.en == "line 3 is not valid CSV: a quote mark (\") opens a value and is never closed; add the closing quote mark")
    }
}

@Suite(.releasesResources) struct MemberCSVExampleTests {
    /// docs/examples, found from this file: Tests/GugusModelTests/Members/ is three folders below the root.
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/examples")

    @Test func membersExampleIsClean() throws {
        let data = try Data(contentsOf: Self.examples.appendingPathComponent("members.csv"))
        let result = try MemberCSV.parse(data)
        #expect(result.problems == [])
        #expect(result.separator == ",")
        #expect(result.rows.count == 16)
        #expect(result.rows.filter { $0.role == .anggota }.allSatisfy { $0.workingGroup != nil })
        #expect(Set(result.rows.map(\.role)) == Set(MemberRole.allCases))
        #expect(result.rows.allSatisfy { $0.email?.domain.hasSuffix("example.go.id") ?? false || $0.email?.domain.hasSuffix(".example.org") ?? false || $0.email?.domain == "example.ac.id" })
    }

    @Test func semicolonExampleIsCleanAndHasItsBOM() throws {
        let data = try Data(contentsOf: Self.examples.appendingPathComponent("anggota-titik-koma.csv"))
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let result = try MemberCSV.parse(data)
        #expect(result.problems == [])
        #expect(result.separator == ";")
        #expect(result.rows.count == 10)
        #expect(result.rows.first?.role == .ketua)
        #expect(result.rows.map(\.line) == Array(2...11))
    }
}
