import Foundation
import GugusModel
import GugusTestSupport
import Testing

@Suite(.releasesResources) struct EmailAddressTests {
    @Test func trimsAndLowercasesTheDomainOnly() throws {
        let email = try EmailAddress(parsing: "  Budi.Santoso@Malutprov.GO.ID \u{00A0}")
        #expect(email.address == "Budi.Santoso@malutprov.go.id")
        #expect(email.normalized == "budi.santoso@malutprov.go.id")
        #expect(email.localPart == "Budi.Santoso")
        #expect(email.domain == "malutprov.go.id")
        #expect(email.description == "Budi.Santoso@malutprov.go.id")
    }

    @Test func comparesCaseInsensitively() throws {
        let typed = try EmailAddress(parsing: "Budi@Example.go.id")
        let lower = try EmailAddress(parsing: "budi@example.go.id")
        #expect(typed == lower)
        #expect(Set([typed, lower]).count == 1)
    }

    @Test(arguments: [
        "first.last+gtd@sub.example.go.id",
        "o'brien@example.org",
        "a@b.co",
        "kanwil_malut-2@xn--contoh-9ua.id",
        String(repeating: "a", count: 64) + "@example.go.id",
    ])
    func acceptsPracticalAddresses(_ text: String) throws {
        #expect(try EmailAddress(parsing: text).address == text)
    }

    @Test(arguments: [
        "budi@@malut",
        "budi",
        "@example.go.id",
        "budi@",
        "budi@malut",
        "budi@malut..go.id",
        "budi..santoso@example.go.id",
        ".budi@example.go.id",
        "budi.@example.go.id",
        "budi santoso@example.go.id",
        "budi@-malut.go.id",
        "budi@malut-.go.id",
        "budi@malut.go.id.",
        "budi@malut_prov.go.id",
        "budi@malut,go.id",
        "budi@10.0.0.1",
        "budi@example.i",
        "\"budi\"@example.go.id",
        "büdi@example.go.id",
        String(repeating: "a", count: 65) + "@example.go.id",
        "a@" + String(repeating: "b", count: 64) + ".go.id",
        "a@" + Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: ".") + ".id",
    ])
    func refusesWhatIsNoAddress(_ text: String) {
        let error = #expect(throws: GugusError.self) { try EmailAddress(parsing: text, field: "email") }
        #expect(error?.kind == .invalid)
        #expect(error?.fieldErrors.first?.field == "email")
        #expect(error?.fieldErrors.first?.value == text)
    }

    @Test func errorNamesTheValueAndShowsTheForm() {
        let error = #expect(throws: GugusError.self) { try EmailAddress(parsing: "budi@@malut", field: "E-mail") }
        let message = Localized(
            id: "'budi@@malut' bukan alamat e-mail yang valid; tulis seperti nama@instansi.go.id",
            en: "'budi@@malut' is not a valid e-mail address; write it like nama@instansi.go.id")
        #expect(error?.message == message)
        #expect(error?.fieldErrors == [GugusError.FieldError(field: "E-mail", value: "budi@@malut", message: message)])
    }

    @Test func emptyAddressSaysSo() {
        let error = #expect(throws: GugusError.self) { try EmailAddress(parsing: "  ") }
        #expect(error?.message.en == "the e-mail address is empty; write it like nama@instansi.go.id")
    }

    @Test func codableAsItsAddress() throws {
        let email = try EmailAddress(parsing: "Budi@Example.go.id")
        let json = try JSONEncoder().encode(email)
        #expect(String(decoding: json, as: UTF8.self) == "\"Budi@example.go.id\"")
        #expect(try JSONDecoder().decode(EmailAddress.self, from: json) == email)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EmailAddress.self, from: Data("\"budi@@malut\"".utf8)) }
    }
}

@Suite(.releasesResources) struct PhoneNumberTests {
    @Test(arguments: [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        (" +62 812 3456 7890 ", "+6281234567890"),
        ("62812-3456-7890", "+6281234567890"),
        ("+62 (0)812 3456 7890", "+6281234567890"),
        ("(0921) 312345", "+62921312345"),
        ("(021) 5555 1234", "+622155551234"),
        ("0811\u{00A0}4321\u{2013}987", "+628114321987"),
        ("+65 6123 4567", "+6561234567"),
        ("+1 (202) 555-0143", "+12025550143"),
        ("+44 20 7946 0958", "+442079460958"),
    ])
    func normalisesToE164(_ text: String, _ expected: String) throws {
        let phone = try PhoneNumber(parsing: text)
        #expect(phone.e164 == expected)
        #expect(phone.description == expected)
    }

    @Test func knowsIndonesianNumbers() throws {
        #expect(try PhoneNumber(parsing: "0812-3456-7890").isIndonesian)
        #expect(try !PhoneNumber(parsing: "+65 6123 4567").isIndonesian)
    }

    @Test(arguments: [
        "0812-345",  // 7 digits after the trunk 0
        "0812-3456-7890-1234",  // 15 digits after it
        "0812 3456 7890 ext 12",
        "0812/0813 3456 7890",
        "telepon kantor",
        "+0 812 3456 7890",
        "+65 1234",
        "+1234567890123456",
        "00 62 812 3456 7890",
        "+62 00812 3456 7890",
        "++62 812 3456 7890",
        "0812+3456",
        "+",
    ])
    func refusesWhatIsNoNumber(_ text: String) {
        let error = #expect(throws: GugusError.self) { try PhoneNumber(parsing: text, field: "telepon") }
        #expect(error?.message == Localized(
            id: "'\(text)' bukan nomor telepon yang valid; tulis nomor Indonesia seperti 0812-3456-7890 atau (0921) 312345, atau nomor luar negeri dengan kode negara seperti +65 6123 4567",
            en: "'\(text)' is not a valid phone number; write an Indonesian number like 0812-3456-7890 or (0921) 312345, or a foreign one with its country code like +65 6123 4567"))
        #expect(error?.fieldErrors.first?.field == "telepon")
        #expect(error?.fieldErrors.first?.value == text)
    }

    @Test func spotsTheLeadingZeroASpreadsheetDropped() {
        let error = #expect(throws: GugusError.self) { try PhoneNumber(parsing: "81234567890") }
        #expect(error?.message.en == "'81234567890' is not a complete phone number; the spreadsheet may have dropped its leading 0: write 081234567890 and format the column as text")
        #expect(error?.message.id == "'81234567890' bukan nomor telepon yang lengkap; angka 0 di depan mungkin hilang oleh spreadsheet: tulis 081234567890 dan format kolomnya sebagai teks")
    }

    @Test func codableAsE164() throws {
        let phone = try PhoneNumber(parsing: "0812-3456-7890")
        let json = try JSONEncoder().encode(phone)
        #expect(String(decoding: json, as: UTF8.self) == "\"+6281234567890\"")
        #expect(try JSONDecoder().decode(PhoneNumber.self, from: json) == phone)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PhoneNumber.self, from: Data("\"12\"".utf8)) }
    }
}
