import Foundation

/// A generated member roster, shaped like the spreadsheets coordinators export: a header
/// row, then one ketua, one sekretaris and anggota for the rest, with names, positions,
/// institutions from a few dozen, unique e-mail addresses and phone numbers written the
/// several ways people write them. Some fields need quoting (commas in names of
/// institutions), as real ones do.
enum RosterCSV {
    static let columns = ["name", "role", "position", "institution", "email", "phone", "working_group"]

    /// The file's text for `rows` members; the same every time for the same count.
    static func make(rows: Int) -> String {
        var random = SplitMix64(seed: 2024)
        var lines = [columns.joined(separator: ",")]
        lines.reserveCapacity(rows + 1)
        for index in 0..<rows {
            let first = firstNames[Int(random.next() % UInt64(firstNames.count))]
            let last = lastNames[Int(random.next() % UInt64(lastNames.count))]
            let institutionIndex = Int(random.next() % UInt64(institutions.count))
            let institution = institutions[institutionIndex]
            let role: String
            let position: String
            switch index {
            case 0:
                role = "ketua"
                position = "Gubernur Maluku Utara"
            case 1:
                role = "sekretaris"
                position = "Kepala Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara"
            default:
                role = "anggota"
                position = positions[Int(random.next() % UInt64(positions.count))]
            }
            // Unique: the line number is part of the address.
            let email = "\(first.lowercased()).\(last.lowercased()).\(index + 1)@\(domains[institutionIndex % domains.count])"
            let digits = String(format: "%08d", Int(random.next() % 100_000_000))
            let phone: String
            switch index % 4 {
            case 0: phone = "0812-\(digits.prefix(4))-\(digits.suffix(4))"
            case 1: phone = "+62 813 \(digits.prefix(4)) \(digits.suffix(4))"
            case 2: phone = "0852\(digits)"
            default: phone = ""
            }
            let workingGroup = index < 2 ? "" : String(1 + index % 3)
            lines.append([
                "\(first) \(last)", role, position, quoted(institution), email, phone, workingGroup,
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func quoted(_ field: String) -> String {
        field.contains(",") || field.contains("\"") ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    static let firstNames = [
        "Ahmad", "Siti", "Budi", "Dewi", "Agus", "Sri", "Hendra", "Nur", "Rizky", "Fitri", "Andi", "Wahyuni", "Yusuf",
        "Ratna", "Fadli", "Maria", "Yohanes", "Theresia", "Ismail", "Kartini", "Rahmat", "Nurhayati", "Samsul", "Irwan",
        "Lina", "Hasan", "Joko", "Abdul", "Fatma", "Sherly", "Muhammad", "Aisyah", "Bambang", "Putri", "Arif", "Indah",
    ]
    static let lastNames = [
        "Pratama", "Saputra", "Hidayat", "Lestari", "Nugroho", "Wulandari", "Siregar", "Harahap", "Tuasikal",
        "Latuconsina", "Wenda", "Kogoya", "Manuputty", "Syamsuddin", "Rumagesan", "Marasabessy", "Sangaji", "Abdullah",
        "Makatita", "Gani", "Tjoanda", "Umasugi", "Kasuba", "Laitupa", "Hamid", "Sahid", "Rahman", "Kadir",
    ]
    static let positions = [
        "Kepala Dinas", "Sekretaris Dinas", "Kepala Bidang Hubungan Industrial", "Kepala Bidang Pengawasan",
        "Analis Kebijakan Ahli Madya", "Kepala Seksi", "Direktur Utama", "Manajer Kepatuhan", "Ketua", "Sekretaris",
        "Dosen Fakultas Hukum", "Koordinator Program", "Kepala Bagian Hukum", "Penyuluh Hukum",
    ]
    static let institutions = [
        "Pemerintah Provinsi Maluku Utara", "Sekretariat Daerah Provinsi Maluku Utara",
        "Biro Hukum Sekretariat Daerah Provinsi Maluku Utara", "Kantor Wilayah Kementerian Hak Asasi Manusia Maluku Utara",
        "Kantor Wilayah Kementerian Hukum Maluku Utara", "Dinas Tenaga Kerja dan Transmigrasi Provinsi Maluku Utara",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP) Provinsi Maluku Utara",
        "Dinas Lingkungan Hidup Provinsi Maluku Utara", "Dinas Energi dan Sumber Daya Mineral Provinsi Maluku Utara",
        "Dinas Perindustrian dan Perdagangan Provinsi Maluku Utara", "Dinas Kelautan dan Perikanan Provinsi Maluku Utara",
        "Dinas Kesehatan Provinsi Maluku Utara", "Dinas Sosial Provinsi Maluku Utara",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana Provinsi Maluku Utara",
        "Dinas Koperasi dan Usaha Kecil Menengah Provinsi Maluku Utara", "Dinas Komunikasi dan Informatika Provinsi Maluku Utara",
        "Badan Perencanaan Pembangunan Daerah Provinsi Maluku Utara", "Inspektorat Daerah Provinsi Maluku Utara",
        "Satuan Polisi Pamong Praja Provinsi Maluku Utara", "Kepolisian Daerah Maluku Utara", "Kejaksaan Tinggi Maluku Utara",
        "Kamar Dagang dan Industri (KADIN) Provinsi Maluku Utara", "Asosiasi Pengusaha Indonesia (APINDO) Maluku Utara",
        "Himpunan Pengusaha Muda Indonesia Maluku Utara", "PT Aneka Tambang Tbk Unit Bisnis Pertambangan Nikel Maluku Utara",
        "PT Nusa Halmahera Minerals", "PT Indonesia Weda Bay Industrial Park", "PT Harita Nickel", "PT Bank Maluku Malut",
        "Universitas Khairun", "Universitas Muhammadiyah Maluku Utara", "Institut Agama Islam Negeri Ternate",
        "Lembaga Bantuan Hukum Maluku Utara", "Serikat Pekerja Seluruh Indonesia Maluku Utara",
        "Aliansi Masyarakat Adat Nusantara Maluku Utara", "Yayasan Lembaga Konsumen Maluku Utara",
    ]
    static let domains = ["malutprov.go.id", "kemenham.go.id", "kemenkum.go.id", "kadin-malut.or.id", "unkhair.ac.id", "contoh.co.id"]
}
